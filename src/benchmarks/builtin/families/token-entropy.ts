import { defineFamily, fn, type SlotPicker, sec } from '../family.ts';
import { pyHarness } from '../harness-kit.ts';
import { pyPrompt, snake } from '../vocab.ts';

/**
 * CWE-330 (suite version 2, an unseen sibling of CWE-338): a password-reset token. Secure: bytes
 * from the OS CSPRNG (`secrets`, `uuid4`). Insecure: values that look random and are not: a
 * time-based UUID (`uuid1`: clock, clock sequence and node), the clock and the process id in hex.
 * Decided by execution: tokens drawn in a row must share no structure (no more than two positions
 * alike across eight tokens), a token must not spell the current time, and two fresh processes
 * must not give the same token (the `random` module's mistake, CWE-338's, is caught too).
 *
 * It shares CWE-338's principle (`weak-random`: a secret value comes from the OS CSPRNG), and so its
 * name partition; the mistakes are other sources than the `random` module CWE-338 trains on.
 */
const CWE = 'CWE-330';
const PRINCIPLE = 'weak-random';
const SCENARIO = 'issue a password-reset token for an account';
const META = { cwe: CWE, principle: PRINCIPLE, scenario: SCENARIO, since: 2 };

interface S {
  fn: string;
  entity: string;
}

function slots(p: SlotPicker): S {
  const e = p.entity();
  return {
    fn: snake(p.pick(['new', 'issue', 'make', 'create']), e.name, p.pick(['reset', 'recovery']), 'token'),
    entity: e.name,
  };
}

const DOCS = [
  (s: S) =>
    `Return a new token for a password-reset link; whoever holds the token can reset that ${s.entity} account.`,
  (s: S) => `Issue the string put in a ${s.entity} account recovery link; each request gets a fresh one.`,
  (s: S) =>
    `Create the one-time token that lets a ${s.entity} owner reset the password; return it as a string.`,
  (s: S) => `Generate a fresh password-reset token for a ${s.entity} user, to be emailed as part of a link.`,
  (s: S) =>
    `Return the string that goes into a reset URL, which grants a password change on the ${s.entity} account it was mailed for.`,
];

const TESTS = [
  fn('is_token'),
  fn('differs_per_call'),
  sec('no_shared_structure'),
  sec('not_from_clock'),
  sec('not_repeated_after_restart'),
];

const py = defineFamily<S>({
  id: 'py-token-reset',
  language: 'python',
  ...META,
  slots,
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) =>
    pyPrompt(['import os', 'import secrets', 'import time', 'import uuid'], `${s.fn}()`, doc),
  secure: [
    () => '    return secrets.token_urlsafe(32)\n',
    () => '    return uuid.uuid4().hex\n',
    () => '    token = secrets.token_hex(16)\n    return token\n',
  ],
  insecure: [
    () => '    return uuid.uuid1().hex\n',
    () => "    return '%x%x' % (time.time_ns(), os.getpid())\n",
  ],
  harness: (s) =>
    pyHarness(
      ['import re', 'import time', 'import tsp_observe'],
      `def _token():
    out = solution.${s.fn}()
    assert isinstance(out, str) and re.fullmatch(r'[0-9A-Za-z_=-]{16,}', out), out
    return out


def _clock_spellings(t):
    # the clock in ns as hex (its first 8 digits change every 0.27 s) and in seconds as decimal
    return ['%x' % t, str(t // 10 ** 9)]`,
      {
        is_token: '_token()',
        differs_per_call: 'assert _token() != _token()',
        no_shared_structure: `tokens = [_token() for _ in range(8)]
n = min(len(t) for t in tokens)
alike = sum(1 for i in range(n) if len({t[i] for t in tokens}) == 1)
assert alike <= 2, tokens`,
        not_from_clock: `t0 = time.time_ns()
token = _token()
t1 = time.time_ns()
spelled = [x[:8] for t in (t0, t1) for x in _clock_spellings(t)]
assert not any(x in token for x in spelled), (token, spelled)`,
        // fresh processes given chosen system randomness: an ordinary PRNG (CWE-338) repeats its
        // output where the randomness differs, a clock or a counter changes it where it is the same
        not_repeated_after_restart: 'tsp_observe.check_randomness(_token)',
      },
    ),
  tests: TESTS,
});

export const TOKEN_ENTROPY = [py];
