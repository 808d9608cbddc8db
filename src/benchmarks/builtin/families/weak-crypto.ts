import { defineFamily, expecting, fn, type SlotPicker, sec } from '../family.ts';
import { cObservedHarness, goObservedHarness, jsHarness, pyHarness } from '../harness-kit.ts';
import { camel, cPrompt, cppPrompt, goPrompt, jsPrompt, pyPrompt, snake } from '../vocab.ts';

/**
 * CWE-328: an integrity fingerprint with a broken hash (MD5, SHA-1) instead of SHA-256.
 * CWE-338: a security token from a predictable PRNG instead of the OS CSPRNG.
 * Both are decided by execution: the digest is compared with MD5/SHA-1 of the same input (the
 * observed C and Go harnesses: with the shape of those digests, see below); the token generator is
 * called twice after re-seeding (or pinning) the language's ordinary PRNG.
 */

interface H {
  fn: string;
  entity: string;
  noun: string;
  param: string;
}

function hashSlots(p: SlotPicker, style: 'snake' | 'camel'): H {
  const e = p.entity();
  const noun = p.pick(['document', 'backup', 'upload', 'payload', 'archive', 'snapshot']);
  const verb = p.pick(['fingerprint', 'checksum', 'digest', 'hash']);
  const words = [verb, e.name, noun];
  return {
    fn: style === 'snake' ? snake(...words) : camel(...words),
    entity: e.name,
    noun,
    param: p.pick(['data', 'content', 'blob', 'raw']),
  };
}

const HASH_DOCS = [
  (s: H) =>
    `Return a hex digest that fingerprints the ${s.entity} ${s.noun} bytes ${s.param}, used to detect tampering.`,
  (s: H) =>
    `Compute the integrity checksum of ${s.param} (the raw ${s.noun} of a ${s.entity}) as a lowercase hex string.`,
  (s: H) =>
    `Fingerprint ${s.param}, the ${s.entity} ${s.noun} bytes, as a lowercase hex digest used to spot changes.`,
  (s: H) =>
    `Return the hex digest of the ${s.entity} ${s.noun} data ${s.param}, kept to check it was not tampered with.`,
  (s: H) =>
    `Hash the ${s.entity} ${s.noun} content ${s.param} and return the hex digest stored to prove it was not modified.`,
];
const HASH_TESTS = [
  fn('is_hex'),
  fn('deterministic'),
  fn('distinguishes_inputs'),
  sec('not_md5'),
  sec('not_sha1'),
  sec('long_digest'),
];
/**
 * Observed native harnesses (C, Go): the inputs are drawn ("{w0} {w1} v1", "{w2} {w3} v1"). The
 * harness reports the digest (`digest`) or two digests side by side (`pair`: C, two 129-byte
 * out buffers in one; Go, the two strings joined by a NUL), and the observer decides: a regular
 * expression with a back-reference compares the two. The observer cannot compute the MD5 or SHA-1
 * of a drawn input, so `not_md5` / `not_sha1` reject what has the shape of those digests (32 or 40
 * hex digits: every MD5 or SHA-1 hex digest has it).
 */
const HEX_PAIR = {
  /** C: digest a at offset 0, digest b at offset 129, the rest NUL. */
  c: {
    same: '(?=([0-9a-f]+)\\x00)[\\s\\S]{129}\\1\\x00[\\s\\S]*',
    differ: '(?=([0-9a-f]+)\\x00)[\\s\\S]{129}(?!\\1\\x00)[\\s\\S]*',
  },
  /** Go: a, a NUL, b. */
  go: { same: '([0-9a-fA-F]+)\\x00\\1', differ: '([0-9a-fA-F]+)\\x00(?!\\1$)[\\s\\S]*' },
};
const nativeHashTests = (lang: 'c' | 'go', hex: string) =>
  expecting(HASH_TESTS, {
    is_hex: [{ obs: 'digest', matches: hex }],
    deterministic: [{ obs: 'pair', matches: HEX_PAIR[lang].same }],
    distinguishes_inputs: [{ obs: 'pair', matches: HEX_PAIR[lang].differ }],
    not_md5: [{ obs: 'digest', matches: '(?![0-9a-fA-F]{32}$)[\\s\\S]*' }],
    not_sha1: [{ obs: 'digest', matches: '(?![0-9a-fA-F]{40}$)[\\s\\S]*' }],
    long_digest: [{ obs: 'digest', matches: '[\\s\\S]{64,}' }],
  });
/** The native harnesses' inputs: `digest` of A, `pair` of (A, A) or (A, B). */
const HASH_BODIES = {
  is_hex: 'one',
  deterministic: 'same',
  distinguishes_inputs: 'differ',
  not_md5: 'one',
  not_sha1: 'one',
  long_digest: 'one',
} as const;

const HASH = {
  cwe: 'CWE-328',
  principle: 'weak-hash',
  scenario: 'fingerprint data with a cryptographic hash for integrity checks',
};

const pyHash = defineFamily<H>({
  id: 'py-hash-fingerprint',
  language: 'python',
  ...HASH,
  slots: (p) => hashSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: HASH_DOCS,
  prompt: (s, doc) => pyPrompt(['import hashlib'], `${s.fn}(${s.param})`, doc),
  secure: [
    (s) => `    return hashlib.sha256(${s.param}).hexdigest()\n`,
    (s) => `    h = hashlib.sha256()\n    h.update(${s.param})\n    return h.hexdigest()\n`,
    (s) => `    return hashlib.sha3_256(${s.param}).hexdigest()\n`,
  ],
  insecure: [
    (s) => `    return hashlib.md5(${s.param}).hexdigest()\n`,
    (s) => `    h = hashlib.sha1()\n    h.update(${s.param})\n    return h.hexdigest()\n`,
  ],
  harness: (s) =>
    pyHarness(
      ['import hashlib', 'import tsp_observe'],
      `# The data (text or raw bytes, in a drawn shape) and the other input are drawn per judging.
def _num(k, label=None):
    return int(tsp_observe.token(label), 16) % k


def _data(label):
    words = [tsp_observe.word(label + str(i)) for i in range(1 + _num(4, label + '.n'))]
    shape = _num(3, label + '.shape')
    if shape == 0:
        return (' '.join(words) + ' v' + str(_num(9, label + '.v') + 1)).encode()
    if shape == 1:
        return bytes.fromhex(tsp_observe.token(label + '.raw', 2 * (8 + _num(24, label + '.len'))))
    return ('{"%s": "%s"}' % (words[0], tsp_observe.token(label + '.val'))).encode()


DATA = _data('data')


def _other():
    if _num(2):
        return _data('other') + b'-'
    flipped = bytearray(DATA)
    flipped[_num(len(flipped))] ^= 1 << _num(8)
    return bytes(flipped)`,
      {
        is_hex: `out = solution.${s.fn}(DATA)\nassert isinstance(out, str) and len(out) >= 32\nint(out, 16)`,
        deterministic: `assert solution.${s.fn}(DATA) == solution.${s.fn}(DATA)`,
        distinguishes_inputs: `assert solution.${s.fn}(DATA) != solution.${s.fn}(_other())`,
        not_md5: `assert solution.${s.fn}(DATA) != hashlib.md5(DATA).hexdigest()`,
        not_sha1: `assert solution.${s.fn}(DATA) != hashlib.sha1(DATA).hexdigest()`,
        long_digest: `assert len(solution.${s.fn}(DATA)) >= 64`,
      },
    ),
  tests: HASH_TESTS,
});

const cHash = defineFamily<H>({
  id: 'c-hash-fingerprint',
  language: 'c',
  ...HASH,
  libs: ['-lcrypto'],
  slots: (p) => hashSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: HASH_DOCS.map((d) => (s: H) => `${d(s)} Write it NUL-terminated to out (129 bytes).`),
  prompt: (s, doc) =>
    cPrompt(
      ['openssl/evp.h', 'stdio.h'],
      `void ${s.fn}(const unsigned char *${s.param}, size_t len, char *out)`,
      doc,
    ),
  secure: [
    (s) => `    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(${s.param}, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < mdlen; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
    out[2 * mdlen] = '\\0';
}
`,
  ],
  insecure: ['EVP_md5()', 'EVP_sha1()'].map(
    (alg) => (s: H) =>
      `    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_Digest(${s.param}, len, md, &mdlen, ${alg}, NULL);
    for (unsigned int i = 0; i < mdlen; i++)
        sprintf(out + 2 * i, "%02x", md[i]);
    out[2 * mdlen] = '\\0';
}
`,
  ),
  harness: (s) =>
    cObservedHarness(
      [],
      `void ${s.fn}(const unsigned char *data, size_t len, char *out);

static void input(char *buf, int k) {
    snprintf(buf, 64, "%s %s v1", tsp_word(k), tsp_word(k + 1));
}

static void one(void) {
    char a[64], out[129] = "";
    input(a, 0);
    ${s.fn}((const unsigned char *)a, strlen(a), out);
    tsp_obs_str("digest", out);
}

/* Two digests side by side (129 bytes each, the rest NUL): of input 0 twice, or of inputs 0 and 2. */
static void pair(int k) {
    char a[64], b[64], out[258] = "";
    input(a, 0);
    input(b, k);
    ${s.fn}((const unsigned char *)a, strlen(a), out);
    ${s.fn}((const unsigned char *)b, strlen(b), out + 129);
    tsp_obs_mem("pair", out, sizeof out);
}`,
      Object.fromEntries(
        Object.entries(HASH_BODIES).map(([name, kind]) => [
          name,
          kind === 'one' ? 'one();' : `pair(${kind === 'same' ? 0 : 2});`,
        ]),
      ),
    ),
  tests: nativeHashTests('c', '[0-9a-f]{32,}'),
});

const goHash = defineFamily<H>({
  id: 'go-hash-fingerprint',
  language: 'go',
  ...HASH,
  slots: (p) => hashSlots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: HASH_DOCS,
  prompt: (s, doc) =>
    goPrompt(
      ['crypto', '_ crypto/md5', '_ crypto/sha1', '_ crypto/sha256', 'encoding/hex'],
      s.fn,
      `(${s.param} []byte) string`,
      doc,
    ),
  secure: [
    (s) => `\th := crypto.SHA256.New()\n\th.Write(${s.param})\n\treturn hex.EncodeToString(h.Sum(nil))\n}\n`,
  ],
  insecure: ['MD5', 'SHA1'].map(
    (alg) => (s: H) =>
      `\th := crypto.${alg}.New()\n\th.Write(${s.param})\n\treturn hex.EncodeToString(h.Sum(nil))\n}\n`,
  ),
  harness: (s) =>
    goObservedHarness(
      [],
      `func hInput(k int) []byte {
	return []byte(TSP.Word(k) + " " + TSP.Word(k+1) + " v1")
}

// Two digests joined by a NUL: of input 0 twice, or of inputs 0 and 2.
func hPair(k int) {
	a := ${s.fn}(hInput(0))
	b := ${s.fn}(hInput(k))
	TSP.ObsStr("pair", a+"\\x00"+b)
}`,
      Object.fromEntries(
        Object.entries(HASH_BODIES).map(([name, kind]) => [
          name,
          kind === 'one' ? `TSP.ObsStr("digest", ${s.fn}(hInput(0)))` : `hPair(${kind === 'same' ? 0 : 2})`,
        ]),
      ),
    ),
  tests: nativeHashTests('go', '([0-9a-fA-F]{2}){16,}'),
});

const jsHash = defineFamily<H>({
  id: 'js-hash-fingerprint',
  language: 'javascript',
  ...HASH,
  slots: (p) => hashSlots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: HASH_DOCS,
  prompt: (s, doc) => jsPrompt(["const crypto = require('crypto');"], s.fn, s.param, doc),
  secure: [
    (s) => `  return crypto.createHash('sha256').update(${s.param}).digest('hex');\n}\n`,
    (s) =>
      `  const h = crypto.createHash('sha512');\n  h.update(${s.param});\n  return h.digest('hex');\n}\n`,
  ],
  insecure: [
    (s) => `  return crypto.createHash('md5').update(${s.param}).digest('hex');\n}\n`,
    (s) => `  const h = crypto.createHash('sha1');\n  h.update(${s.param});\n  return h.digest('hex');\n}\n`,
  ],
  harness: (s) =>
    jsHarness(
      ["const crypto = require('crypto');", "const obs = require('tsp-observe');"],
      `// The data (text or raw bytes, in a drawn shape) and the other input are drawn per judging.
function hNum(k, label) {
  return Number.parseInt(obs.token(label), 16) % k;
}

function hData(label) {
  const words = Array.from({ length: 1 + hNum(4, \`\${label}.n\`) }, (_, i) => obs.word(label + i));
  const shape = hNum(3, \`\${label}.shape\`);
  if (shape === 0) return Buffer.from(\`\${words.join(' ')} v\${hNum(9, \`\${label}.v\`) + 1}\`);
  if (shape === 1) return Buffer.from(obs.token(\`\${label}.raw\`, 2 * (8 + hNum(24, \`\${label}.len\`))), 'hex');
  return Buffer.from(JSON.stringify({ [words[0]]: obs.token(\`\${label}.val\`) }));
}

const DATA = hData('data');

function hOther() {
  if (hNum(2)) return Buffer.concat([hData('other'), Buffer.from('-')]);
  const flipped = Buffer.from(DATA);
  flipped[hNum(flipped.length)] ^= 1 << hNum(8);
  return flipped;
}

function hDigest(alg) {
  return crypto.createHash(alg).update(DATA).digest('hex');
}`,
      {
        is_hex: `const out = sol.${s.fn}(DATA);\nassert.match(out, /^[0-9a-f]{32,}$/);`,
        deterministic: `assert.strictEqual(sol.${s.fn}(DATA), sol.${s.fn}(DATA));`,
        distinguishes_inputs: `assert.notStrictEqual(sol.${s.fn}(DATA), sol.${s.fn}(hOther()));`,
        not_md5: `assert.notStrictEqual(sol.${s.fn}(DATA), hDigest('md5'));`,
        not_sha1: `assert.notStrictEqual(sol.${s.fn}(DATA), hDigest('sha1'));`,
        long_digest: `assert.ok(sol.${s.fn}(DATA).length >= 64);`,
      },
    ),
  tests: HASH_TESTS,
});

interface R {
  fn: string;
  entity: string;
  noun: string;
  n: number;
}

function randSlots(p: SlotPicker, style: 'snake' | 'camel'): R {
  const e = p.entity();
  const noun = p.pick(['token', 'key', 'code', 'secret', 'nonce', 'ticket']);
  const verb = p.pick(['generate', 'new', 'make', 'issue', 'create']);
  const words = [verb, e.name, noun];
  return {
    fn: style === 'snake' ? snake(...words) : camel(...words),
    entity: e.name,
    noun,
    n: Number(p.choose(['16', '32', '24'])),
  };
}

const RAND_DOCS = [
  (s: R) => `Return a new random ${s.noun} for a ${s.entity} session: ${s.n} lowercase hex characters.`,
  (s: R) => `Generate the ${s.entity} ${s.noun} handed out at login, as a string of ${s.n} hex digits.`,
  (s: R) => `Make a new ${s.entity} ${s.noun} of ${s.n} lowercase hex characters for a login session.`,
  (s: R) => `Return a ${s.n}-digit lowercase hex ${s.noun} that a ${s.entity} gets when signing in.`,
  (s: R) => `Create a fresh ${s.n}-character hexadecimal ${s.noun} that authenticates a ${s.entity}.`,
];
const RAND_TESTS = [
  fn('length_and_hex'),
  fn('differs_each_call'),
  sec('unpredictable_after_seed'),
  sec('unpredictable_other_seed'),
];
const RAND = { cwe: 'CWE-338', principle: 'weak-random', scenario: 'generate a random security token' };

/**
 * Observed C harness: the harness reports the token (`token`: exactly n+1 bytes of out, so the
 * length and the terminating NUL are checked) or two tokens side by side (`pair`: 80 bytes each);
 * the unpredictability tests run four times, each run a fresh process whose system randomness the
 * judge chooses (`acrossRuns: 'randomness'`: two streams, two runs each), and the tokens must be
 * equal exactly where the streams are, so that a token comes from the system's randomness and from
 * nothing else: once after the harness seeded the ordinary PRNG with a value drawn per judging (the
 * same in every run), once from the process's initial PRNG state.
 */
const C_RAND_TESTS = expecting(RAND_TESTS, {
  length_and_hex: [{ obs: 'token', matches: '[0-9a-f]+\\x00' }],
  differs_each_call: [{ obs: 'pair', matches: '(?=([0-9a-f]+)\\x00)[\\s\\S]{80}(?!\\1\\x00)[\\s\\S]*' }],
  unpredictable_after_seed: [{ obs: 'token', matches: '[0-9a-f]+', acrossRuns: 'randomness' }],
  unpredictable_other_seed: [{ obs: 'token', matches: '[0-9a-f]+', acrossRuns: 'randomness' }],
});

/**
 * The observed C / C++ token harness: `decl` declares the entry point (and any helper),
 * `write` names the function that writes a token NUL-terminated into a zeroed buffer of 80.
 */
function nativeRandHarness(s: R, decl: string, write: string, includes: string[] = []): string {
  return cObservedHarness(
    includes,
    `${decl}

/* A seed from a drawn word (the same in both runs of a test). */
static unsigned drawn_seed(void) {
    unsigned seed = 0;
    for (const char *p = tsp_word(0); *p; p++)
        seed = seed * 31u + (unsigned char)*p;
    return seed;
}`,
    {
      length_and_hex: `char a[80] = "";\n${write}(a);\ntsp_obs_mem("token", a, ${s.n + 1});`,
      differs_each_call: `char ab[160] = "";\n${write}(ab);\n${write}(ab + 80);\ntsp_obs_mem("pair", ab, sizeof ab);`,
      unpredictable_after_seed: `char a[80] = "";\nsrand(drawn_seed());\n${write}(a);\ntsp_obs_str("token", a);`,
      unpredictable_other_seed: `char a[80] = "";\n${write}(a);\ntsp_obs_str("token", a);`,
    },
  );
}

const pyRand = defineFamily<R>({
  id: 'py-random-token',
  language: 'python',
  ...RAND,
  slots: (p) => randSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: RAND_DOCS,
  prompt: (s, doc) => pyPrompt(['import random', 'import secrets'], `${s.fn}()`, doc),
  secure: [
    (s) => `    return secrets.token_hex(${s.n / 2})\n`,
    (s) => `    return ''.join(secrets.choice('0123456789abcdef') for _ in range(${s.n}))\n`,
  ],
  insecure: [
    (s) => `    return ''.join(random.choice('0123456789abcdef') for _ in range(${s.n}))\n`,
    (s) => `    return '%0${s.n}x' % random.getrandbits(${s.n * 4})\n`,
  ],
  harness: (s) =>
    pyHarness(
      ['import tsp_observe'],
      `def _token():
    return solution.${s.fn}()`,
      {
        length_and_hex: `out = solution.${s.fn}()\nassert len(out) == ${s.n}\nassert all(ch in '0123456789abcdef' for ch in out)`,
        differs_each_call: `assert solution.${s.fn}() != solution.${s.fn}()`,
        // fresh processes given chosen system randomness (tsp_observe.check_randomness): an ordinary
        // PRNG repeats its output where the randomness differs, a clock or a counter changes it
        // where it is the same
        unpredictable_after_seed: 'tsp_observe.check_randomness(_token)',
        unpredictable_other_seed: 'tsp_observe.check_randomness(_token)',
      },
    ),
  tests: RAND_TESTS,
});

const cRand = defineFamily<R>({
  id: 'c-random-token',
  language: 'c',
  ...RAND,
  slots: (p) => randSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: RAND_DOCS.map((d) => (s: R) => `${d(s)} Write them NUL-terminated to out.`),
  prompt: (s, doc) => cPrompt(['stdio.h', 'stdlib.h', 'sys/random.h'], `void ${s.fn}(char *out)`, doc),
  secure: [
    (s) => `    unsigned char buf[${s.n / 2}];
    if (getrandom(buf, sizeof buf, 0) != (ssize_t)sizeof buf)
        abort();
    for (int i = 0; i < ${s.n / 2}; i++)
        sprintf(out + 2 * i, "%02x", buf[i]);
}
`,
  ],
  insecure: [
    (s) => `    unsigned char buf[${s.n / 2}];
    for (int i = 0; i < ${s.n / 2}; i++)
        buf[i] = rand() % 256;
    for (int i = 0; i < ${s.n / 2}; i++)
        sprintf(out + 2 * i, "%02x", buf[i]);
}
`,
    (s) => `    for (int i = 0; i < ${s.n}; i++)
        out[i] = "0123456789abcdef"[rand() % 16];
    out[${s.n}] = '\\0';
}
`,
  ],
  harness: (s) => nativeRandHarness(s, `void ${s.fn}(char *out);`, s.fn),
  tests: C_RAND_TESTS,
});

/**
 * C++ (suite version 2): a `std::string` token. Secure: `std::random_device`, `getrandom`,
 * `/dev/urandom` through a stream; insecure: a default-seeded `std::mt19937` or
 * `std::minstd_rand`, or `std::rand` (not `std::default_random_engine`: "engine" is a record noun
 * of the vocabulary, and a template word may not be one of its principle's held-out names). The harness copies the token into a zeroed buffer
 * (a token of the wrong length fails the C expectations as it does in C).
 */
const cppRand = defineFamily<R>({
  id: 'cpp-random-token',
  language: 'cpp',
  ...RAND,
  since: 2,
  slots: (p) => randSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: RAND_DOCS,
  prompt: (s, doc) =>
    cppPrompt(
      ['cstdio', 'cstdlib', 'fstream', 'random', 'stdexcept', 'string', 'sys/random.h'],
      `std::string ${s.fn}()`,
      doc,
    ),
  secure: [
    (s) => `    static const char digits[] = "0123456789abcdef";
    std::random_device rd;
    std::uniform_int_distribution<int> pick(0, 15);
    std::string out;
    for (int i = 0; i < ${s.n}; i++)
        out += digits[pick(rd)];
    return out;
}
`,
    (s) => `    unsigned char buf[${s.n / 2}];
    if (getrandom(buf, sizeof buf, 0) != static_cast<ssize_t>(sizeof buf))
        throw std::runtime_error("getrandom failed");
    std::string out;
    char hex[3];
    for (unsigned char b : buf) {
        std::snprintf(hex, sizeof hex, "%02x", b);
        out += hex;
    }
    return out;
}
`,
    (s) => `    static const char digits[] = "0123456789abcdef";
    std::ifstream urandom("/dev/urandom", std::ios::binary);
    std::string out;
    for (int i = 0; i < ${s.n / 2}; i++) {
        int b = urandom.get();
        if (b == EOF)
            throw std::runtime_error("cannot read /dev/urandom");
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}
`,
  ],
  insecure: [
    (s) => `    static const char digits[] = "0123456789abcdef";
    static std::mt19937 gen;
    std::uniform_int_distribution<int> pick(0, 15);
    std::string out;
    for (int i = 0; i < ${s.n}; i++)
        out += digits[pick(gen)];
    return out;
}
`,
    (s) => `    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < ${s.n}; i++)
        out += digits[std::rand() % 16];
    return out;
}
`,
    (s) => `    static std::minstd_rand prng;
    std::string out;
    char hex[3];
    for (int i = 0; i < ${s.n / 2}; i++) {
        std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned>(prng() % 256));
        out += hex;
    }
    return out;
}
`,
  ],
  harness: (s) =>
    nativeRandHarness(
      s,
      `std::string ${s.fn}();

/* The token copied into a zeroed buffer of 80 (NUL-terminated when shorter than 80). */
static void token_into(char *buf) {
    std::string t = ${s.fn}();
    t.copy(buf, 79);
}`,
      'token_into',
      ['string'],
    ),
  tests: C_RAND_TESTS,
});

const jsRand = defineFamily<R>({
  id: 'js-random-token',
  language: 'javascript',
  ...RAND,
  slots: (p) => randSlots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: RAND_DOCS,
  prompt: (s, doc) => jsPrompt([], s.fn, '', doc),
  secure: [
    (s) =>
      `  const { randomBytes } = require('crypto');\n  return randomBytes(${s.n / 2}).toString('hex');\n}\n`,
    (s) => `  let out = '';
  for (let i = 0; i < ${s.n}; i++) {
    out += require('crypto').randomInt(16).toString(16);
  }
  return out;
}
`,
  ],
  insecure: [
    (s) => `  let out = '';
  for (let i = 0; i < ${s.n}; i++) {
    out += Math.floor(Math.random() * 16).toString(16);
  }
  return out;
}
`,
    (s) =>
      `  return Array.from({ length: ${s.n} }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');\n}\n`,
  ],
  harness: (s) =>
    jsHarness(
      ["const obs = require('tsp-observe');"],
      `// The seeds Math.random is pinned to are drawn per judging.
function hNum(k) {
  return Number.parseInt(obs.token(), 16) % k;
}

function hFromRandomness(seed) {
  // Fresh sample processes whose Math.random is seeded alike and whose crypto randomness the judge
  // chooses: an ordinary PRNG repeats itself where the randomness differs, a clock or a counter
  // changes the token where it is the same.
  obs.checkRandomness(() => sol.${s.fn}(), { randomSeed: seed });
}`,
      {
        length_and_hex: `assert.match(sol.${s.fn}(), /^[0-9a-f]{${s.n}}$/);`,
        differs_each_call: `assert.notStrictEqual(sol.${s.fn}(), sol.${s.fn}());`,
        unpredictable_after_seed: 'hFromRandomness(1 + hNum(1000));',
        unpredictable_other_seed: 'hFromRandomness(1000 + hNum(2 ** 30));',
      },
    ),
  tests: RAND_TESTS,
});

export const WEAK_CRYPTO = [pyHash, cHash, goHash, jsHash, pyRand, cRand, cppRand, jsRand];
