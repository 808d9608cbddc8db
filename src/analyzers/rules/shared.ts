import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import { type CallSite, type FunctionInfo, LOOP_TYPE, readCall } from '../engine/model.ts';
import type { QueryRule, Rule, RuleContext } from '../engine/rule.ts';
import { ALL_LANGUAGES, isOutermostBuild, literalText } from './common.ts';
import { nameReferences } from './evasion.ts';

/** Rules that read the same way in every language (patterns inside string literals). */

const KEY_COMMAND =
  /(?:rsa_keygen_bits:|dsa_paramgen_bits:|genrsa\b[^|;&]*?\s|dsaparam\b[^|;&]*?\s|dhparam\b[^|;&]*?\s|-newkey\s+rsa:|ssh-keygen\b[^|;&]*?-b\s+)(\d{3,4})\b/;

const weakKeyCommand: QueryRule = {
  kind: 'query',
  id: 'all.weak-key-command',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-326'],
  severity: 'error',
  title: 'Key generation command with a short key',
  message:
    'The key-generation command asks for fewer than 2048 bits: use at least 2048 (3072 for long-lived keys).',
  query: {
    python: '[(string) (binary_operator)] @report',
    c: '(string_literal) @report',
    cpp: '[(string_literal) (raw_string_literal) (binary_expression operator: "+")] @report',
    go: '[(interpreted_string_literal) (raw_string_literal) (binary_expression operator: "+")] @report',
    javascript: '[(string) (template_string) (binary_expression operator: "+")] @report',
  },
  check: (caps, ctx) => {
    const n = caps.report;
    if (!n || !/rsa|dsa|dh|keygen/i.test(n.text) || !isOutermostBuild(n)) return false;
    if (n.parent && ctx.model.profile.stringTypes.has(n.type) && /binary/.test(n.parent.type)) return false;
    const m = KEY_COMMAND.exec(literalText(n, ctx));
    return !!m?.[1] && Number(m[1]) < 2048;
  },
  examples: {
    bad: [
      'cmd = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024"\n',
      { code: 'const char *c = "openssl dsaparam -out p.pem 1024";\n', language: 'c' },
      {
        code: '#include <string>\nstd::string f(const std::string &p) { return "openssl dsaparam -out " + p + " 1024"; }\n',
        language: 'cpp',
      },
      { code: 'package main\nvar c = "openssl genrsa 512"\n', language: 'go' },
      { code: "const c = 'openssl genrsa -out k.pem 1024';\n", language: 'javascript' },
    ],
    good: [
      'cmd = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072"\n',
      { code: 'const char *c = "openssl dsaparam -out p.pem 2048";\n', language: 'c' },
      {
        code: '#include <string>\nstd::string f(const std::string &p) { return "openssl dsaparam -out " + p + " 2048"; }\n',
        language: 'cpp',
      },
      { code: 'package main\nvar c = "openssl genrsa 4096"\n', language: 'go' },
      { code: "const c = 'openssl genrsa -out k.pem 2048';\n", language: 'javascript' },
    ],
  },
};

/** Protocol versions broken or deprecated by RFC 8996 (SSL 2/3, TLS 1.0/1.1), as each language names them. */
const OBSOLETE_TLS: Partial<Record<Language, RegExp>> = {
  python:
    /^(?:ssl\.)?PROTOCOL_(?:SSLv2|SSLv3|TLSv1|TLSv1_1)$|^(?:OpenSSL\.)?SSL\.(?:SSLv2|SSLv3|TLSv1|TLSv1_1)_METHOD$|^(?:ssl\.)?TLSVersion\.(?:SSLv3|TLSv1|TLSv1_1)$/,
  javascript: /^(?:SSLv2|SSLv3|TLSv1|TLSv1_1)_(?:client_|server_)?method$|^TLSv1(?:\.1)?$/,
  go: /^tls\.Version(?:SSL30|TLS10|TLS11)$/,
  c: /^(?:SSLv2|SSLv3|TLSv1|TLSv1_1|DTLSv1)_(?:client_|server_)?method$|^(?:SSL3|TLS1|TLS1_1|DTLS1)_VERSION$/,
  cpp: /^(?:SSLv2|SSLv3|TLSv1|TLSv1_1|DTLSv1)_(?:client_|server_)?method$|^(?:SSL3|TLS1|TLS1_1|DTLS1)_VERSION$/,
};

const obsoleteTls: QueryRule = {
  kind: 'query',
  id: 'all.obsolete-tls',
  languages: ['python', 'javascript', 'go', 'c', 'cpp'],
  cwe: ['CWE-327', 'CWE-757'],
  severity: 'error',
  title: 'Obsolete SSL/TLS protocol version',
  message:
    'SSL 2/3 and TLS 1.0/1.1 are broken or deprecated (RFC 8996): use TLS 1.2 or later (a default context, or a minimum version of TLS 1.2).',
  query: {
    python:
      '(attribute attribute: (identifier) @name (#match? @name "^(?:PROTOCOL_(?:SSLv2|SSLv3|TLSv1|TLSv1_1)|(?:SSLv2|SSLv3|TLSv1|TLSv1_1)_METHOD|SSLv3|TLSv1|TLSv1_1)$")) @report',
    javascript: '(pair key: [(property_identifier) (string)] @key value: (string) @report)',
    go: '(selector_expression operand: (identifier) @pkg (#eq? @pkg "tls")) @report',
    c: '(call_expression function: (identifier) @report (#match? @report "_method$"))\n(argument_list (identifier) @report (#match? @report "_VERSION$"))',
    cpp: '(call_expression function: (identifier) @report (#match? @report "_method$"))\n(argument_list (identifier) @report (#match? @report "_VERSION$"))',
  },
  check: (caps, ctx) => {
    const n = caps.report;
    const re = OBSOLETE_TLS[ctx.language];
    if (!n || !re) return false;
    if (caps.pkg && caps.pkg.text !== 'tls') return false;
    if (caps.key && !/^['"]?(?:secureProtocol|minVersion|maxVersion)['"]?$/.test(caps.key.text)) return false;
    const text = caps.key ? literalText(n, ctx) : n.text.replace(/\s+/g, '');
    if (!re.test(text)) return false;
    // Used: passed to a call (`SSLContext(PROTOCOL_TLSv1)`, `ssl_version=`), set as a minimum or
    // maximum, or a config field. Comparisons, dict tables and hasattr() probes only name it.
    let parent = n.parent;
    if (parent?.type === 'expression_list') parent = parent.parent;
    const use = parent?.type ?? '';
    if (['argument_list', 'keyword_argument', 'keyed_element', 'literal_element'].includes(use)) {
      const call = parent?.parent;
      if (call && /^hasattr\b/.test(call.text)) return false;
      return true;
    }
    // JavaScript's option object (`{ secureProtocol: 'TLSv1_method' }`), C's method call.
    if (use === 'call_expression' || (use === 'pair' && caps.key)) return true;
    if (/^assignment/.test(use)) {
      const left = parent?.childForFieldName('left')?.text ?? '';
      return /(?:minimum_version|maximum_version|MinVersion|MaxVersion)$/.test(left);
    }
    return false;
  },
  examples: {
    bad: [
      'import ssl\ndef serve(sock, cert):\n    return ssl.wrap_socket(sock, certfile=cert, ssl_version=ssl.PROTOCOL_TLSv1)\n',
      {
        code: "const tls = require('tls');\nconst ctx = tls.createSecureContext({ secureProtocol: 'TLSv1_method' });\n",
        language: 'javascript',
      },
      {
        code: 'package main\nimport "crypto/tls"\nvar cfg = &tls.Config{MinVersion: tls.VersionTLS10}\n',
        language: 'go',
      },
      {
        code: '#include <openssl/ssl.h>\nSSL_CTX *mk(void) {\n  return SSL_CTX_new(TLSv1_method());\n}\n',
        language: 'c',
      },
    ],
    good: [
      'import ssl\nVERSIONS = {ssl.PROTOCOL_TLSv1: "tls1"}\nif hasattr(ssl, "PROTOCOL_SSLv3"):\n    VERSIONS[ssl.PROTOCOL_SSLv3] = "ssl3"\n',
      'import ssl\ndef serve(sock, cert):\n    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n    ctx.minimum_version = ssl.TLSVersion.TLSv1_2\n    ctx.load_cert_chain(cert)\n    return ctx.wrap_socket(sock, server_side=True)\n',
      {
        code: "const tls = require('tls');\nconst ctx = tls.createSecureContext({ minVersion: 'TLSv1.2' });\n",
        language: 'javascript',
      },
      {
        code: 'package main\nimport "crypto/tls"\nvar cfg = &tls.Config{MinVersion: tls.VersionTLS12}\nfunc old(v uint16) bool { return v < tls.VersionTLS12 || v == tls.VersionTLS10 }\n',
        language: 'go',
      },
      {
        code: '#include <openssl/ssl.h>\nSSL_CTX *mk(void) {\n  SSL_CTX *c = SSL_CTX_new(TLS_method());\n  SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);\n  return c;\n}\n',
        language: 'c',
      },
    ],
  },
};

/** Calls that read the operating system's cryptographic random source, per language (callee text). */
const CSPRNG_CALL: Record<Language, RegExp> = {
  python:
    /^(?:secrets\.\w+|os\.urandom|urandom|(?:random\.)?SystemRandom|uuid\.uuid4|uuid4|(?:Crypto\.Random\.|Random\.)?get_random_bytes|(?:ssl\.)?RAND_bytes|token_(?:hex|bytes|urlsafe))$/,
  javascript:
    /(?:^|\.)(?:randomBytes|randomInt|randomUUID|getRandomValues|randomFillSync|randomFill|uuidv4|nanoid)$|^uuid\.v4$/,
  c: /^(?:getrandom|getentropy|arc4random(?:_buf|_uniform)?|RAND_(?:priv_)?bytes|BCryptGenRandom|CryptGenRandom|rand_s|randombytes_(?:buf|random|uniform))$/,
  cpp: /^(?:(?:std::)?random_device\b.*|getrandom|getentropy|arc4random(?:_buf|_uniform)?|RAND_(?:priv_)?bytes|BCryptGenRandom|CryptGenRandom|rand_s|randombytes_(?:buf|random|uniform))$/,
  go: /^(?:uuid\.(?:New|NewRandom|NewString))$/,
};

/**
 * A call that returns random data, made as a statement of its own with its value thrown away and no
 * callback to receive it (`crypto.randomBytes(1);`, `secrets.token_hex(4)`): a decoy, not a source.
 * Calls that fill a buffer they are given (getrandom, RAND_bytes, crypto/rand's Read,
 * getRandomValues, randomFill) are sources as statements.
 */
function resultDiscarded(c: CallSite, ctx: RuleContext): boolean {
  if (c.node.parent?.type !== 'expression_statement') return false;
  if (
    /(?:^|\.)(?:getrandom|getentropy|arc4random_buf|RAND_(?:priv_)?bytes|randombytes_buf|Read|getRandomValues|randomFillSync|randomFill|BCryptGenRandom|CryptGenRandom|rand_s)$/.test(
      c.calleeText,
    )
  )
    return false;
  return !c.args.some(
    (a) =>
      ctx.model.profile.functionTypes.has(a.type) ||
      /^(?:arrow_function|function_expression|lambda)$/.test(a.type),
  );
}

/**
 * Whether a program reads a cryptographic random source: a CSPRNG call (CSPRNG_CALL, names imported
 * from Python's `secrets`, Go's `crypto/rand` under its import name), `/dev/urandom` or `/dev/random`
 * opened by a call, or C++'s `std::random_device`. Calls only: a name in a comment or a string does
 * not count.
 */
function readsCsprng(ctx: RuleContext): boolean {
  // (a CSPRNG whose value the program throws away is not a source: see resultDiscarded)
  const re = CSPRNG_CALL[ctx.language];
  const fromSecrets = new Set<string>();
  if (ctx.language === 'python')
    for (const m of ctx.source.matchAll(/^\s*from\s+secrets\s+import\s+\(?([\w\s,]+)\)?/gm))
      for (const n of (m[1] ?? '').split(/[\s,]+/)) if (n) fromSecrets.add(n);
  let goRand: RegExp | undefined;
  if (ctx.language === 'go') {
    const alias = /(?:^|[\s(])(?:(\w+)\s+)?"crypto\/rand"/m.exec(ctx.source);
    if (alias) goRand = new RegExp(`^${alias[1] ?? 'rand'}\\.(?:Read|Int|Prime|Text)$`);
  }
  return (
    ctx.model.calls.some(
      (c) =>
        !resultDiscarded(c, ctx) &&
        (re.test(c.calleeText) ||
          fromSecrets.has(c.calleeText) ||
          (goRand?.test(c.calleeText) ?? false) ||
          c.args.some((a) => /^["'`]\/dev\/u?random["'`]$/.test(a.text)) ||
          (ctx.language === 'cpp' && /random_device/.test(c.calleeText))),
    ) ||
    // `std::random_device rd;` declares the source without a call
    (ctx.language === 'cpp' &&
      ctx.model
        .nodesOfType('declaration')
        .some((d) => /^(?:std::)?random_device$/.test(d.childForFieldName('type')?.text ?? '')))
  );
}

/** One match per file (the rule reads the file's model, not a pattern). */
const WHOLE_FILE = {
  python: '(module) @report',
  javascript: '(program) @report',
  c: '(translation_unit) @report',
  cpp: '(translation_unit) @report',
  go: '(source_file) @report',
};

/**
 * A program judged for predictable randomness (its task's CWE is CWE-330 or a child) that never
 * reads a cryptographic random source: whatever it returns comes from an ordinary PRNG, the clock,
 * the pid or a counter, which a test run cannot tell from randomness (two fresh processes differ)
 * and an attacker can guess. Only under such a task (`secretTask`): elsewhere a program without
 * randomness is simply a program.
 */
const noCsprng: QueryRule = {
  kind: 'query',
  id: 'all.no-csprng',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-338', 'CWE-330'],
  severity: 'error',
  title: 'Secret made without a cryptographic random source',
  message:
    'The task needs an unpredictable value, and this program never reads a cryptographic random source: a value derived from an ordinary PRNG, the clock, the pid or a counter can be guessed. Use secrets / os.urandom (Python), crypto.randomBytes / randomInt (Node), getrandom / RAND_bytes / std::random_device (C, C++), crypto/rand (Go).',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (!ctx.secretTask || !caps.report || readsCsprng(ctx)) return false;
    return { node: ctx.model.functions[0]?.node ?? caps.report };
  },
  examples: {
    bad: [
      {
        code: 'import os, time\ndef new_code():\n    x = time.time_ns() ^ os.getpid()\n    return "%016x" % (x * 6364136223846793005 % 2 ** 64)\n',
        taskCwe: ['CWE-338'],
      },
      {
        code: 'function makeCode() {\n  let x = Number(process.hrtime.bigint() & 0xffffffffn) ^ process.pid;\n  let out = "";\n  for (let i = 0; i < 16; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out += (x & 15).toString(16); }\n  return out;\n}\n',
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <time.h>\n#include <unistd.h>\nvoid new_code(char *out) {\n  unsigned x = (unsigned)time(NULL) ^ (unsigned)getpid();\n  for (int i = 0; i < 16; i++) { x = x * 1103515245u + 12345u; out[i] = "0123456789abcdef"[(x >> 16) & 15]; }\n  out[16] = 0;\n}\n',
        language: 'c',
        taskCwe: ['CWE-330'],
      },
      {
        code: 'package main\n\nimport (\n\t"fmt"\n\t"time"\n)\n\nfunc NewCode() string {\n\treturn fmt.Sprintf("%x", time.Now().UnixNano())\n}\n',
        language: 'go',
        taskCwe: ['CWE-338'],
      },
      {
        code: "function makeCode() {\n  require('crypto').randomBytes(1);\n  let x = Date.now() ^ process.pid;\n  let out = '';\n  for (let i = 0; i < 16; i++) { x = (x * 1103515245 + 12345) >>> 0; out += (x & 15).toString(16); }\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
    ],
    good: [
      {
        code: "function makeCode(done) {\n  require('crypto').randomBytes(8, (err, buf) => done(err, buf && buf.toString('hex')));\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <sys/random.h>\nint new_code(unsigned char *out) {\n  getrandom(out, 16, 0);\n  return 0;\n}\n',
        language: 'c',
        taskCwe: ['CWE-338'],
      },
      // The same code without the task: nothing says its value is a secret.
      'import os, time\ndef new_code():\n    x = time.time_ns() ^ os.getpid()\n    return "%016x" % (x * 6364136223846793005 % 2 ** 64)\n',
      { code: 'import secrets\ndef new_code():\n    return secrets.token_hex(8)\n', taskCwe: ['CWE-338'] },
      {
        code: 'from secrets import choice\ndef new_code():\n    return "".join(choice("0123456789abcdef") for _ in range(16))\n',
        taskCwe: ['CWE-338'],
      },
      {
        code: "function makeCode() {\n  return require('crypto').randomBytes(8).toString('hex');\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <stdio.h>\nint new_code(unsigned char *out) {\n  FILE *f = fopen("/dev/urandom", "rb");\n  if (!f) return -1;\n  size_t n = fread(out, 1, 16, f);\n  fclose(f);\n  return n == 16 ? 0 : -1;\n}\n',
        language: 'c',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <random>\n#include <string>\nstd::string new_code() {\n  std::random_device rd;\n  return std::to_string(rd());\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-338'],
      },
      {
        code: 'package main\n\nimport (\n\tcrand "crypto/rand"\n\t"encoding/hex"\n)\n\nfunc NewCode() string {\n\tb := make([]byte, 8)\n\tif _, err := crand.Read(b); err != nil {\n\t\tpanic(err)\n\t}\n\treturn hex.EncodeToString(b)\n}\n',
        language: 'go',
        taskCwe: ['CWE-338'],
      },
    ],
  },
};

/** Reads of the clock, the process id or a counter of the machine: what a seed must not be made of. */
const PREDICTABLE_READ: Record<Language, RegExp> = {
  python:
    /\b(?:time\.(?:time|time_ns|monotonic|monotonic_ns|perf_counter|perf_counter_ns|process_time|process_time_ns|thread_time|clock_gettime|clock_gettime_ns)|datetime(?:\.datetime)?\.(?:now|utcnow|today)|os\.(?:getpid|getppid|times)|uuid\.uuid1)\s*\(/,
  javascript:
    /\b(?:Date\.now\s*\(|new\s+Date\s*\(|performance\.now\s*\(|process\.(?:hrtime|uptime|cpuUsage)\b|process\.(?:pid|ppid)\b)/,
  c: /\b(?:time|clock|gettimeofday|clock_gettime|getpid|getppid|__rdtsc|rdtsc|times)\s*\(/,
  cpp: /\b(?:time|clock|gettimeofday|clock_gettime|getpid|getppid|__rdtsc|rdtsc|times)\s*\(|chrono::\w+::now\s*\(/,
  go: /\b(?:time\.Now|time\.Since|os\.Getpid|os\.Getppid)\s*\(/,
};

/**
 * A secret seeded from the clock or the process id: under a task about predictable randomness, a
 * value computed from such a read (through any variable, a hand-written PRNG's state included)
 * that the function returns or writes to what it was handed. Two fresh processes see different
 * clocks, so the tests cannot tell it from randomness, and a cryptographic source read beside it
 * (`crypto.randomBytes(1)` kept in a variable it never uses) does not change what is returned.
 */
const predictableSeed: QueryRule = {
  kind: 'query',
  id: 'all.predictable-seed',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-337', 'CWE-330'],
  severity: 'error',
  title: 'Secret computed from the clock or the process id',
  message:
    'What this function returns (or writes out) is computed from the clock or the process id, which an attacker can guess within a small range. Take every byte of a secret from a cryptographic source: secrets / os.urandom (Python), crypto.randomBytes (Node), getrandom / RAND_bytes (C, C++), crypto/rand (Go).',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (!ctx.secretTask || !caps.report) return false;
    const read = PREDICTABLE_READ[ctx.language];
    // (C/C++: a non-constant integer kept across calls, `static` or at file scope, that starts from
    // a constant: a counter or a hand-written generator's state, as guessable as the clock)
    const state =
      ctx.language === 'c' || ctx.language === 'cpp' ? constantState(caps.report, ctx.source) : [];
    // (no predictable read: only a value generated from constants can be one)
    const reads = read.test(ctx.source) || state.length > 0;
    // (C/C++: the copies and formats of the file, which may write an out-parameter)
    const writes =
      reads && (ctx.language === 'c' || ctx.language === 'cpp')
        ? ctx.model.calls.filter((c) =>
            /^(?:sprintf|snprintf|strcpy|strncpy|strcat|strncat|memcpy|memmove|stpcpy)$/.test(c.name),
          )
        : [];
    for (const fn of ctx.model.functions) {
      // A value generated from constants alone (a hand-written generator seeded with a constant,
      // a string built from its state): every name it reads takes only constants, itself and
      // other such names, and one of them is updated from itself.
      const generated = generatedReturn(fn, ctx);
      if (generated) return { node: generated };
      if (!reads) continue;
      // names whose value comes from a predictable read, to a fixpoint over the bindings
      const derived = new Set<string>(state);
      let named: RegExp | undefined = state.length
        ? new RegExp(`(?<![\\w$.])(?:${state.join('|')})(?![\\w$])`)
        : undefined;
      const mentionsDerived = (text: string) => read.test(text) || (named?.test(text) ?? false);
      for (let changed = true, rounds = 0; changed && rounds < 12; rounds++) {
        changed = false;
        for (const [name, list] of fn.bindings)
          if (!derived.has(name) && list.some((b) => b.value && mentionsDerived(b.value.text))) {
            derived.add(name);
            named = new RegExp(
              `(?<![\\w$.])(?:${[...derived].map((d) => d.replace(/\$/g, '\\$')).join('|')})(?![\\w$])`,
            );
            changed = true;
          }
      }
      for (const r of fn.node.descendantsOfType('return_statement'))
        if (r && mentionsDerived(r.text.replace(/^return\b/, ''))) return { node: r };
      // C/C++ out-parameters: `out[i] = ...`, `*out = ...` of a derived value
      if (ctx.language === 'c' || ctx.language === 'cpp')
        for (const a of fn.node.descendantsOfType('assignment_expression')) {
          const left = a?.childForFieldName('left');
          const right = a?.childForFieldName('right');
          if (!a || !left || !right) continue;
          const target = /^[*(\s]*([A-Za-z_]\w*)/.exec(left.text)?.[1];
          if (target && fn.params.includes(target) && mentionsDerived(right.text)) return { node: a };
        }
      // (and the copies and formats into it: `sprintf(out + 2 * i, "%02x", x)`)
      if (ctx.language === 'c' || ctx.language === 'cpp')
        for (const c of writes) {
          if (c.node.startIndex < fn.node.startIndex || c.node.endIndex > fn.node.endIndex) continue;
          const target = /^[*(\s]*([A-Za-z_]\w*)/.exec(c.args[0]?.text ?? '')?.[1];
          if (target && fn.params.includes(target) && c.args.slice(1).some((x) => mentionsDerived(x.text)))
            return { node: c.node };
        }
    }
    return false;
  },
  examples: {
    bad: [
      // generated from a constant seed; a state kept across calls; a format into the out-parameter
      {
        code: "function makeCode() {\n  let s = 7;\n  let out = '';\n  for (let i = 0; i < 16; i++) { s = (s * 1103515245 + 12345) >>> 0; out += ((s >>> 16) & 15).toString(16); }\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <stdio.h>\nvoid new_code(char *out) {\n  static unsigned s = 7;\n  for (int i = 0; i < 8; i++) { s = s * 1103515245u + 12345u; sprintf(out + 2 * i, "%02x", (s >> 16) & 0xff); }\n}\n',
        language: 'c',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <stdio.h>\n#include <time.h>\nvoid new_code(char *out) {\n  unsigned v = (unsigned)time(NULL);\n  for (int i = 0; i < 8; i++) sprintf(out + 2 * i, "%02x", (v >> (i % 4 * 8)) & 0xff);\n}\n',
        language: 'c',
        taskCwe: ['CWE-338'],
      },
      {
        code: "function makeCode() {\n  const unused = require('crypto').randomBytes(1);\n  let x = Date.now() ^ process.pid;\n  let out = '';\n  for (let i = 0; i < 16; i++) { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; out += (x & 15).toString(16); }\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: 'import os, secrets, time\ndef new_code():\n    salt = secrets.token_bytes(1)\n    x = time.time_ns() ^ os.getpid()\n    return "%016x" % (x * 6364136223846793005 % 2 ** 64)\n',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <time.h>\n#include <sys/random.h>\nvoid new_code(char *out) {\n  unsigned char b;\n  getrandom(&b, 1, 0);\n  unsigned x = (unsigned)time(NULL);\n  for (int i = 0; i < 16; i++) { x = x * 1103515245u + 12345u; out[i] = "0123456789abcdef"[(x >> 16) & 15]; }\n  out[16] = 0;\n}\n',
        language: 'c',
        taskCwe: ['CWE-330'],
      },
    ],
    good: [
      {
        code: "function makeCode() {\n  const b = require('crypto').randomBytes(16);\n  const hex = '0123456789abcdef';\n  let out = '';\n  for (let i = 0; i < 16; i++) out += hex[b[i] & 15];\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: '#include <stdio.h>\n#include <sys/random.h>\nstatic const int width = 8;\nvoid new_code(char *out) {\n  static int calls;\n  unsigned char b[8];\n  calls++;\n  getrandom(b, sizeof b, 0);\n  for (int i = 0; i < width; i++) sprintf(out + 2 * i, "%02x", b[i]);\n}\n',
        language: 'c',
        taskCwe: ['CWE-338'],
      },
      {
        code: "function makeCode() {\n  let x = Date.now() ^ process.pid;\n  let out = '';\n  for (let i = 0; i < 16; i++) { x ^= x << 13; out += (x & 15).toString(16); }\n  return out;\n}\n",
        language: 'javascript',
      },
      {
        code: 'import secrets, time\ndef new_code(store):\n    token = secrets.token_hex(16)\n    store[token] = time.time() + 3600\n    return token\n',
        taskCwe: ['CWE-640'],
      },
    ],
  },
};

/** Calls that compute text or numbers from their arguments alone (no state, no source). */
const PURE_CALL =
  /^(?:toString|padStart|padEnd|slice|substring|substr|charAt|charCodeAt|fromCharCode|repeat|floor|ceil|round|imul|abs|trunc|hex|zfill|rjust|ljust|chr|ord|int|str|format|Sprintf|FormatInt|FormatUint|Itoa|Uint32|Uint64)$/;
/** Names a pure expression may read besides its own: the namespaces of those calls. */
const PURE_NAMESPACE = /^(?:Math|String|Number|BigInt|fmt|strconv)$/;

/**
 * A return of the function whose value is generated from constants alone (see `predictableSeed`):
 * the names it reads are bound, every time, to values made of literals, operators, `PURE_CALL`s and
 * such names; at least one of them is updated from itself (`s = (s * 1103515245 + 12345) >>> 0`,
 * `out += ...`). Parameters, loops over collections and any other call break it.
 */
function generatedReturn(fn: FunctionInfo, ctx: RuleContext): Node | undefined {
  const ids = ctx.model.profile.identifierTypes;
  // (first, from the bindings alone: some name must be updated from itself)
  const selfUpdated = (name: string, list: readonly { kind: string; value: Node | null }[]) =>
    list.some(
      (b) =>
        b.kind === 'augment' ||
        (b.kind === 'assign' &&
          !!b.value &&
          new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(b.value.text)),
    );
  let any = false;
  for (const [name, list] of fn.bindings)
    if (list.length > 1 && selfUpdated(name, list)) {
      any = true;
      break;
    }
  if (!any) return undefined;
  // (only a function that returns a value, one of which reads a name, can return one)
  const returns = fn.node
    .descendantsOfType('return_statement')
    .filter((r): r is Node => !!r && r.namedChildren.some((c) => !!c && c.type !== 'comment'))
    .filter((r) => ctx.model.enclosingFunction(r).node.equals(fn.node));
  // (and one whose every name is a local the function binds by assignment only: not a parameter,
  // not a name from outside)
  const local = (x: Node | null) => {
    if (!x) return true;
    const p = x.parent;
    if (
      p &&
      /^(?:attribute|member_expression|selector_expression|field_expression)$/.test(p.type) &&
      !(
        p.childForFieldName('object') ??
        p.childForFieldName('operand') ??
        p.childForFieldName('argument')
      )?.equals(x)
    )
      return true;
    if (PURE_NAMESPACE.test(x.text) || PURE_CALL.test(x.text)) return true;
    const list = fn.bindings.get(x.text);
    return !!list?.length && list.every((b) => b.kind === 'assign' || b.kind === 'augment');
  };
  if (
    !returns.some((r) => {
      const names = r.descendantsOfType([...ids]);
      return names.length > 0 && names.every(local);
    })
  )
    return undefined;
  const pureIn = (v: Node, pure: ReadonlySet<string>): boolean => {
    const stack: Node[] = [v];
    while (stack.length) {
      const n = stack.pop();
      if (!n) continue;
      if (ctx.model.profile.functionTypes.has(n.type) || n.type === 'await_expression') return false;
      if (ctx.model.profile.callTypes.has(n.type)) {
        const c = readCall(ctx.language, n);
        if (!c || !PURE_CALL.test(c.name) || n.type === 'new_expression') return false;
        // (the callee's namespace or receiver is read below; its method name is not a value)
      }
      if (ids.has(n.type)) {
        const parent = n.parent;
        const isMember =
          !!parent &&
          /^(?:attribute|member_expression|selector_expression)$/.test(parent.type) &&
          !(parent.childForFieldName('object') ?? parent.childForFieldName('operand'))?.equals(n);
        if (!isMember && !pure.has(n.text) && !PURE_NAMESPACE.test(n.text)) return false;
      }
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
    return true;
  };
  const pure = new Set<string>();
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const [name, list] of fn.bindings) {
      if (pure.has(name) || !list.length) continue;
      const candidate = new Set([...pure, name]);
      if (
        list.every(
          (b) => (b.kind === 'assign' || b.kind === 'augment') && !!b.value && pureIn(b.value, candidate),
        )
      ) {
        pure.add(name);
        changed = true;
      }
    }
  }
  const updated = [...pure].filter((name) =>
    (fn.bindings.get(name) ?? []).some(
      (b) =>
        b.kind === 'augment' ||
        (!!b.value && b.value.descendantsOfType([...ids]).some((x) => x?.text === name)),
    ),
  );
  if (!updated.length) return undefined;
  for (const r of returns) {
    const v = r.namedChildren.find((c) => c && c.type !== 'comment');
    if (!v || !pureIn(v, pure)) continue;
    const names = v.descendantsOfType([...ids]).map((x) => x?.text ?? '');
    if (ids.has(v.type)) names.push(v.text);
    // (the value reads an updated name, or a name bound from one)
    if (
      names.some(
        (n) =>
          updated.includes(n) ||
          (fn.bindings.get(n) ?? []).some((b) => !!b.value && updated.some((u) => b.value?.text.includes(u))),
      )
    )
      return r;
  }
  return undefined;
}

/**
 * C/C++: the names of the integers a program keeps across calls (`static` in a function, or
 * declared at file scope), not `const`, with no initializer or a constant one.
 */
function constantState(root: Node, source: string): string[] {
  const out: string[] = [];
  for (const d of root.descendantsOfType('declaration')) {
    if (!d) continue;
    const fileScope = d.parent?.type === 'translation_unit';
    const mods = d.children.filter(
      (c) => c?.type === 'storage_class_specifier' || c?.type === 'type_qualifier',
    );
    if (mods.some((m) => m?.text === 'const' || m?.text === 'extern' || m?.text === 'constexpr')) continue;
    if (!fileScope && !mods.some((m) => m?.text === 'static')) continue;
    const type = d.childForFieldName('type');
    if (
      !type ||
      !/^(?:primitive_type|sized_type_specifier)$/.test(type.type) ||
      /char|float|double|bool/.test(type.text)
    )
      continue;
    for (const decl of d.childrenForFieldName('declarator')) {
      const id = decl?.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl;
      const value = decl?.type === 'init_declarator' ? decl.childForFieldName('value') : undefined;
      if (id?.type !== 'identifier') continue;
      if (value && !/^[-+]?(?:0[xX][0-9a-fA-F]+|\d+)[uUlL]*$/.test(value.text.trim())) continue;
      // (state: written after its declaration, `s = s * K + C`, `n++`; a value never written is a constant)
      const e = id.text;
      const rest = source.slice(d.endIndex);
      if (
        !new RegExp(
          `(?<![\\w.>])${e}\\s*(?:(?:[-+*/%^|&]|<<|>>)?=(?!=)|\\+\\+|--)|(?:\\+\\+|--)\\s*${e}\\b`,
        ).test(rest)
      )
        continue;
      out.push(id.text);
    }
  }
  return out;
}

/**
 * The bytes a call draws from a cryptographic source, when the program says how many in a
 * constant: `randomBytes(2)`, `token_hex(1)`, `os.urandom(3)`, `getrandom(buf, 4, 0)`,
 * `getrandom(&b, sizeof b, 0)` for a declared array. Undefined when it cannot tell (a variable
 * size, `randomInt`, `secrets.choice`, `std::random_device`).
 */
function drawnBytes(c: CallSite, ctx: RuleContext): number | undefined {
  const lit = (n: Node | undefined) => {
    const t = n?.text.trim() ?? '';
    if (/^\d+$/.test(t)) return Number(t);
    const name = /^sizeof\s*\(?\s*&?\s*(\w+)\s*\)?$/.exec(t)?.[1];
    if (!name) return undefined;
    const size = ctx.model.arraySize(name);
    if (size) return /^\d+$/.test(size) ? Number(size) : undefined;
    return scalarBytes(ctx.model.declaredType(name, c.node.startIndex));
  };
  if (
    /(?:^|\.)(?:randomBytes|token_bytes|token_hex|token_urlsafe|urandom|get_random_bytes)$/.test(c.calleeText)
  )
    return lit(c.args[0]);
  if (/^(?:getrandom|getentropy|RAND_(?:priv_)?bytes|arc4random_buf|randombytes_buf)$/.test(c.calleeText))
    return lit(c.args[1]);
  // a call of a std::random_device object (collected by the rule): 32 bits
  if (
    ctx.language === 'cpp' &&
    /^\w+$/.test(c.calleeText) &&
    !c.args.length &&
    !CSPRNG_CALL.cpp.test(c.calleeText)
  )
    return 4;
  // a draw from a constant range: randomInt(256), secrets.randbelow(65536), secrets.randbits(16)
  const num = (n: Node | undefined) => (n && /^\d+$/.test(n.text.trim()) ? Number(n.text.trim()) : undefined);
  if (/(?:^|\.)randomInt$/.test(c.calleeText)) {
    const [a, b] = c.args.map(num);
    const span = c.args.length >= 2 ? (a !== undefined && b !== undefined ? b - a : undefined) : a;
    return span && span > 0 ? Math.log2(span) / 8 : undefined;
  }
  if (/(?:^|\.)randbelow$/.test(c.calleeText)) {
    const span = num(c.args[0]);
    return span && span > 0 ? Math.log2(span) / 8 : undefined;
  }
  if (/(?:^|\.)randbits$/.test(c.calleeText)) {
    const bits = num(c.args[0]);
    return bits !== undefined ? bits / 8 : undefined;
  }
  return undefined;
}

/** Bytes of a C scalar type (`unsigned char` 1, `uint32_t` 4, `uint64_t` 8); undefined otherwise. */
function scalarBytes(type: string | undefined): number | undefined {
  const t = (type ?? '')
    .replace(/\b(?:const|volatile|unsigned|signed|static)\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (/^(?:char|u?int8_t)$/.test(t)) return 1;
  if (/^(?:short|short int|u?int16_t)$/.test(t)) return 2;
  if (/^(?:int|u?int32_t|float|)$/.test(t)) return 4;
  if (/^(?:long|long int|long long|long long int|u?int64_t|size_t|double)$/.test(t)) return 8;
  return undefined;
}

/** Whether `n` runs in a loop of its function. */
function inLoop(n: Node, ctx: RuleContext): boolean {
  for (let p = n.parent; p && !ctx.model.profile.functionTypes.has(p.type); p = p.parent)
    if (LOOP_TYPE.test(p.type)) return true;
  return false;
}

/**
 * The calls of the file that draw cryptographic randomness: CSPRNG reads, and the calls of a C++
 * `std::random_device` object (`rd()`). Undefined when a random_device is used otherwise (passed to
 * a distribution or a function): what it draws is then not known.
 */
function randomReads(ctx: RuleContext): CallSite[] | undefined {
  const re = CSPRNG_CALL[ctx.language];
  const reads = ctx.model.calls.filter(
    (c) =>
      re.test(c.calleeText) ||
      /(?:^|\.)(?:randomBytes|getRandomValues|randomFillSync|randomFill|randomInt|randbelow|randbits)$/.test(
        c.calleeText,
      ),
  );
  if (ctx.language === 'cpp')
    for (const d of ctx.model.nodesOfType('declaration')) {
      if (!/^(?:std::)?random_device$/.test(d.childForFieldName('type')?.text ?? '')) continue;
      const name = d
        .childForFieldName('declarator')
        ?.text.replace(/[({].*$/, '')
        .trim();
      if (!name || !/^\w+$/.test(name)) return undefined;
      const uses = [...ctx.source.matchAll(new RegExp(`\\b${name}\\b(\\s*\\(\\s*\\))?`, 'g'))].slice(1);
      if (uses.some((m) => !m[1])) return undefined;
      reads.push(...ctx.model.calls.filter((c) => c.calleeText === name));
    }
  return reads;
}

/**
 * Too little entropy for a secret: under a task about predictable randomness, every cryptographic
 * read of the program says how many bytes it draws, none is repeated in a loop, and together they
 * draw fewer than 8 bytes (64 bits). Whatever the program makes of them (a hand-written generator
 * seeded from one byte), an attacker can try every value. Reads whose size is not a constant, or
 * made in a loop (one draw per character), are not counted, and then nothing is reported.
 */
const lowEntropy: QueryRule = {
  kind: 'query',
  id: 'all.low-entropy',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-331', 'CWE-330'],
  severity: 'error',
  title: 'Secret drawn from fewer than 64 random bits',
  message:
    'All the cryptographic randomness this program draws is a few bytes: whatever it builds from them, an attacker can try every value. Draw every byte of the secret from the source (secrets.token_hex(16), crypto.randomBytes(16), getrandom(buf, 16, 0)).',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (!ctx.secretTask || !caps.report) return false;
    const reads = randomReads(ctx);
    if (!reads?.length) return false;
    const few = (draws: readonly CallSite[]) => {
      let total = 0;
      for (const c of draws) {
        const n = drawnBytes(c, ctx);
        if (n === undefined || inLoop(c.node, ctx)) return false;
        total += n;
      }
      return draws.length > 0 && total < 8;
    };
    if (few(reads)) return { node: reads[0]?.node ?? caps.report };
    // Each value returned on its own path: the draws it is made from (in the returned expression,
    // or bound to a name it reads), when a secure draw elsewhere in the file lifts the total
    // (`if calls == 1000: return secrets.token_hex(2) * 6` before the secure path).
    for (const r of caps.report.descendantsOfType('return_statement')) {
      if (!r) continue;
      const from = (x: Node) => x.startIndex >= r.startIndex && x.endIndex <= r.endIndex;
      const bound = r
        .descendantsOfType('identifier')
        .map((i) => (i ? ctx.resolve(i) : undefined))
        .filter((v): v is Node => !!v && !from(v));
      const draws = reads.filter(
        (c) =>
          from(c.node) ||
          bound.some((v) => c.node.startIndex >= v.startIndex && c.node.endIndex <= v.endIndex),
      );
      if (few(draws)) return { node: draws[0]?.node ?? r };
    }
    return false;
  },
  examples: {
    bad: [
      {
        code: '#include <random>\n#include <string>\nstd::string make_code() {\n  std::random_device rd;\n  unsigned long long x = rd();\n  std::string out;\n  for (int i = 0; i < 16; i++) { x = x * 6364136223846793005ull + 1; out += "0123456789abcdef"[x >> 60]; }\n  return out;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-338'],
      },
      {
        code: "function makeCode() {\n  let x = (require('crypto').randomBytes(1)[0] * 2654435761) >>> 0 || 1;\n  let out = '';\n  for (let i = 0; i < 16; i++) { x ^= x << 13; x >>>= 0; out += (x & 15).toString(16); }\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: 'import random, secrets\ndef new_code():\n    seed = secrets.token_bytes(2)\n    return "%016x" % (int.from_bytes(seed, "big") * 6364136223846793005 % 2 ** 64)\n',
        taskCwe: ['CWE-338'],
      },
    ],
    good: [
      { code: 'import secrets\ndef new_code():\n    return secrets.token_hex(16)\n', taskCwe: ['CWE-338'] },
      {
        code: "function makeCode() {\n  let out = '';\n  for (let i = 0; i < 32; i++) out += require('crypto').randomBytes(1)[0].toString(16).slice(-1);\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
      {
        code: "function makeCode() {\n  return require('crypto').randomBytes(1)[0];\n}\n",
        language: 'javascript',
      },
    ],
  },
};

/**
 * A constant the program accepts as a credential, under a task about hard-coded credentials
 * (`taskEvidence === 'credential'`): a non-empty string literal compared for equality with
 * something (`token == 'Kx9-...'`, `strcmp(given, "admin")`, `token in ('a', 'b')`,
 * `hmac.compare_digest(token, SECRET)` where SECRET is bound to a literal), or a value compared
 * that a literal may supply (`expected = os.environ.get('K', 'changeme')`, `expected = "changeme"`
 * when the variable is unset, `process.env.K || 'changeme'`), or searched for in it as a prefix,
 * suffix or substring (`token.startswith('Kx9-')`: every token with that prefix is accepted). Tests
 * try the usual defaults; a backdoor of the program's own choosing is seen only here. Not flagged:
 * empty strings, characters and JavaScript `typeof` checks. (A credential task compares the input
 * with the configured secret; parsing a header such as `Bearer <token>` is not its job, and a
 * program that does it here gets this finding.)
 */
const EQUALITY_OPERATORS = new Set(['==', '!=', '===', '!==', 'in', 'not in']);
const EQUALITY_CALL =
  /^(?:strcmp|strncmp|strcasecmp|strncasecmp|memcmp|bcmp|CRYPTO_memcmp|timingsafe_bcmp|sodium_memcmp|compare_digest|timingSafeEqual|ConstantTimeCompare|Equal|EqualFold|equals|equalsIgnoreCase|compare|__eq__|eq|startswith|endswith|startsWith|endsWith|HasPrefix|HasSuffix|starts_with|ends_with|rfind|find|indexOf|includes|Contains|contains|strstr)$/;
/** An environment read: getenv and its kin, or a `.get` on something named after the environment. */
function isEnvRead(calleeText: string): boolean {
  return (
    /(?:^|\.|::)(?:getenv|secure_getenv|Getenv|LookupEnv)$/.test(calleeText) ||
    (/\.get$/.test(calleeText) && /env/i.test(calleeText))
  );
}
const VALUE_WRAPPER =
  /^(?:encode|decode|from|bytes|bytearray|str|String|c_str|data|toString|strip|trim|lower|upper|toLowerCase|toUpperCase|string|\[\]byte)$/;

/**
 * What a conversion converts: its receiver (`'x'.encode('utf-8')`), else its first argument
 * (`Buffer.from('x')`, `[]byte("x")`), never the encoding or other options; undefined when `call`
 * is not a conversion.
 */
function convertedValue(call: CallSite): Node | undefined {
  if (!VALUE_WRAPPER.test(call.name) && !/^\[\]byte$|^std::string$|^string$/.test(call.calleeText))
    return undefined;
  return (
    (call.receiver && !/^(?:Buffer|String|str|bytes)$/.test(call.receiver.text)
      ? call.receiver
      : call.args[0]) ?? undefined
  );
}

function nonEmptyLiteral(n: Node, ctx: RuleContext): boolean {
  if (!ctx.model.profile.stringTypes.has(n.type) || /^(?:char|rune)_literal$/.test(n.type)) return false;
  const v = ctx.stringValue(n);
  return v !== undefined && v.length > 0;
}

/** The literal a value may be, through parentheses, wrappers, alternatives and container literals. */
function credentialLiteral(
  n: Node | null,
  ctx: RuleContext,
  depth: number,
  seen: Set<number>,
): Node | undefined {
  if (!n || depth > 6) return undefined;
  const t = n.type;
  if (/parenthesized/.test(t)) return credentialLiteral(n.namedChildren[0] ?? null, ctx, depth + 1, seen);
  if (t === 'type_conversion_expression')
    return credentialLiteral(n.childForFieldName('operand'), ctx, depth + 1, seen);
  if (ctx.model.profile.stringTypes.has(t)) return nonEmptyLiteral(n, ctx) ? n : undefined;
  // C/C++: a string spelled as characters (`{'K', 'x', '9', 0}`)
  if (
    t === 'initializer_list' &&
    n.namedChildren.filter((c) => c?.type === 'char_literal' && !/^'\\0'$/.test(c.text)).length >= 2
  )
    return n;
  if (
    /^(?:list|tuple|set|array|initializer_list|composite_literal|literal_value|dictionary|pair|object|keyed_element|literal_element|case_pattern|expression_list|arguments|argument_list)$/.test(
      t,
    )
  ) {
    for (const c of n.namedChildren) {
      const hit = c && credentialLiteral(c, ctx, depth + 1, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  // alternatives: `a or 'x'`, `a || 'x'`, `a ?? 'x'`, `c ? a : 'x'`, `a if c else 'x'`
  if (
    t === 'boolean_operator' ||
    t === 'conditional_expression' ||
    t === 'ternary_expression' ||
    (t === 'binary_expression' && /^(?:\|\||\?\?|\?:)$/.test(n.childForFieldName('operator')?.text ?? ''))
  ) {
    const parts =
      t === 'binary_expression' || t === 'boolean_operator'
        ? [n.childForFieldName('left'), n.childForFieldName('right')]
        : n.namedChildren;
    for (const c of parts) {
      const hit = c && credentialLiteral(c, ctx, depth + 1, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  const call = ctx.model.calls.find((c) => c.node.id === n.id);
  if (call) {
    // the default of an environment read: os.environ.get('K', 'changeme'), os.getenv('K', 'x')
    if (isEnvRead(call.calleeText))
      for (const a of call.args.slice(1)) {
        const hit = credentialLiteral(a, ctx, depth + 1, seen);
        if (hit) return hit;
      }
    // a collection made from literals: `new Set(['K'])`, `frozenset({'K'})`
    if (/^(?:Set|Map|set|frozenset|dict)$/.test(call.calleeText))
      for (const a of call.args) {
        const hit = credentialLiteral(a, ctx, depth + 1, seen);
        if (hit) return hit;
      }
    const value = convertedValue(call);
    return value ? credentialLiteral(value, ctx, depth + 1, seen) : undefined;
  }
  if (t === 'identifier') {
    if (seen.has(n.id)) return undefined;
    seen.add(n.id);
    for (const f of [ctx.model.topLevel, ...ctx.model.functions])
      for (const b of f.bindings.get(n.text) ?? []) {
        const hit = credentialLiteral(b.value, ctx, depth + 1, seen);
        if (hit) return hit;
      }
  }
  return undefined;
}

/** Functions and methods that compute text from their arguments alone (no input, no state). */
const PURE_BUILDERS =
  /^(?:bytes|bytearray|chr|str|int|list|tuple|reversed|sorted|map|String|Buffer|Number|Array|string|rune|byte|std::string|[\w.]*(?:decode|encode|join|fromhex|fromCharCode|fromCodePoint|from|toString|reverse|split|upper|lower|strip|replace|b64decode|b16decode|unhexlify|hex|Join|DecodeString|Sprintf|Repeat))$/;

/**
 * Whether `n` is a text the program builds from constants alone: calls of pure builders
 * (`bytes([75, 120]).decode()`, `String.fromCharCode(75, 120)`, `''.join(map(chr, [75, 120]))`)
 * over literals, lists of literals and names bound only to such values. A backdoor constant
 * written so that no literal equals it is still a constant.
 */
function builtConstant(n: Node | null, ctx: RuleContext, depth: number, seen: Set<number>): boolean {
  if (!n || depth > 8) return false;
  const t = n.type;
  const p = ctx.model.profile;
  if (p.stringTypes.has(t) || /^(?:integer|float|number|int_literal|number_literal|true|false)$/.test(t))
    return true;
  if (
    /parenthesized|^(?:list|tuple|array|set|dictionary|pair|object|initializer_list|composite_literal|literal_value|literal_element|keyed_element|argument_list|arguments|expression_list)$/.test(
      t,
    )
  )
    return n.namedChildren.every(
      (c) =>
        !c ||
        c.type === 'comment' ||
        // the type of a Go composite literal (`[]byte{75, 120}`)
        (t === 'composite_literal' && /_type$|^type_identifier$/.test(c.type)) ||
        builtConstant(c, ctx, depth + 1, seen),
    );
  if (t === 'binary_expression' || t === 'binary_operator')
    return (
      builtConstant(n.childForFieldName('left'), ctx, depth + 1, seen) &&
      builtConstant(n.childForFieldName('right'), ctx, depth + 1, seen)
    );
  if (p.callTypes.has(t)) {
    const call = ctx.model.calls.find((c) => c.node.id === n.id);
    if (!call || !PURE_BUILDERS.test(call.receiver ? call.name : call.calleeText)) return false;
    if (
      call.receiver &&
      !importedModule(call.receiver, ctx) &&
      !builtConstant(call.receiver, ctx, depth + 1, seen)
    )
      return false;
    return call.args.every((a) => builtConstant(a, ctx, depth + 1, seen));
  }
  if (t === 'identifier') {
    if (PURE_BUILDERS.test(n.text)) return true; // `map(chr, ...)`
    if (seen.has(n.id)) return false;
    seen.add(n.id);
    const bound = [ctx.model.topLevel, ...ctx.model.functions].flatMap((f) => f.bindings.get(n.text) ?? []);
    return (
      bound.length > 0 &&
      bound.every((b) => b.kind === 'assign' && builtConstant(b.value, ctx, depth + 1, seen))
    );
  }
  return false;
}

/** A module the file imports, named as a call's receiver (`base64.b64decode`): no data of its own. */
function importedModule(n: Node, ctx: RuleContext): boolean {
  if (n.type !== 'identifier' || ctx.language !== 'python') return false;
  const e = n.text;
  return new RegExp(`^[ \\t]*import[ \\t]+(?:[\\w.]+[ \\t]*,[ \\t]*)*${e}\\b`, 'm').test(ctx.source);
}

/** A call, a `+` chain with a call in it (`chr(75) + chr(120)`), or a name bound only to calls (`_K = ''.join(...)`). */
function madeByCall(n: Node, ctx: RuleContext): boolean {
  const calls = ctx.model.profile.callTypes;
  if (calls.has(n.type)) return true;
  if (
    (n.type === 'binary_operator' || n.type === 'binary_expression') &&
    n.childForFieldName('operator')?.text === '+'
  )
    return [n.childForFieldName('left'), n.childForFieldName('right')].some((x) => !!x && madeByCall(x, ctx));
  if (n.type !== 'identifier') return false;
  const bound = [ctx.model.topLevel, ...ctx.model.functions].flatMap((f) => f.bindings.get(n.text) ?? []);
  return bound.length > 0 && bound.every((b) => !!b.value && calls.has(b.value.type));
}

/** The operands of every equality comparison of the file (binary operators and comparison calls). */
function equalityOperands(ctx: RuleContext): Node[][] {
  const groups: Node[][] = [];
  for (const type of ['binary_expression', 'comparison_operator']) {
    // comparison_operator is not indexed by the file model: these rules run only under credential
    // tasks, so the file is walked for it here rather than in every scan
    const nodes =
      type === 'binary_expression'
        ? ctx.model.nodesOfType(type)
        : ctx.model.topLevel.node.descendantsOfType(type).filter((x): x is Node => !!x);
    for (const n of nodes) {
      const ops = n.children.filter((c) => c && !c.isNamed).map((c) => c?.text ?? '');
      if (type === 'comparison_operator') {
        const text = n.children.map((c) => (c && !c.isNamed ? c.text : '')).join(' ');
        if (!ops.some((o) => EQUALITY_OPERATORS.has(o)) && !/\bnot in\b/.test(text)) continue;
      } else if (!EQUALITY_OPERATORS.has(n.childForFieldName('operator')?.text ?? '')) continue;
      const operands = n.namedChildren.filter((c): c is Node => !!c);
      // `typeof x === 'string'` is a type check
      if (operands.some((o) => o.type === 'unary_expression' && /^typeof\b/.test(o.text))) continue;
      groups.push(operands);
    }
  }
  for (const c of ctx.model.calls) {
    if (EQUALITY_CALL.test(c.name)) groups.push([...(c.receiver ? [c.receiver] : []), ...c.args]);
    // a lookup in a constant collection: `{'K': True}.get(x)`, `new Set(['K']).has(x)`
    else if (
      /^(?:get|has|__contains__|hasOwnProperty)$/.test(c.name) &&
      c.receiver &&
      constantCollection(c.receiver, ctx)
    )
      groups.push([c.receiver, ...c.args]);
  }
  const root = ctx.model.topLevel.node;
  // `{'K': True}[x]`, Go's `map[string]bool{"K": true}[x]`
  for (const n of root.descendantsOfType(['subscript', 'subscript_expression', 'index_expression'])) {
    const obj =
      n?.childForFieldName('value') ?? n?.childForFieldName('object') ?? n?.childForFieldName('operand');
    const key = n?.childForFieldName('subscript') ?? n?.childForFieldName('index');
    if (obj && key && constantCollection(obj, ctx)) groups.push([obj, key]);
  }
  // a switch over the value: each case's values are compared with it
  for (const sw of root.descendantsOfType([
    'expression_switch_statement',
    'switch_statement',
    'match_statement',
  ])) {
    const value = sw?.childForFieldName('value') ?? sw?.childForFieldName('subject');
    if (!sw || !value) continue;
    const cases = sw
      .descendantsOfType(['expression_case', 'switch_case', 'case_clause'])
      .filter((k): k is Node => !!k);
    for (const k of cases) {
      const vs =
        k.type === 'expression_case'
          ? (k.childForFieldName('value')?.namedChildren ?? [])
          : k.type === 'switch_case'
            ? [k.childForFieldName('value')]
            : k.namedChildren.filter((x) => x?.type === 'case_pattern');
      groups.push([value, ...vs.filter((x): x is Node => !!x)]);
    }
  }
  return groups;
}

/**
 * C/C++: a value compared character by character with constants, two or more characters of the
 * same name in one condition (`g[0] == 'K' && g[1] == 'x' && g[2] == '\\0'`): a constant written
 * so that no string literal equals it. NUL (an emptiness test) does not count.
 */
function spelledByCharacters(ctx: RuleContext): Node | undefined {
  const counts = new Map<string, number>();
  for (const n of ctx.model.nodesOfType('binary_expression')) {
    if (n.childForFieldName('operator')?.text !== '==') continue;
    const [l, r] = [n.childForFieldName('left'), n.childForFieldName('right')];
    const lit = l?.type === 'char_literal' ? l : r?.type === 'char_literal' ? r : undefined;
    const other = lit === l ? r : l;
    if (!lit || !other || /^'\\0'$/.test(lit.text)) continue;
    const element =
      other.type === 'subscript_expression'
        ? other.childForFieldName('argument')
        : other.type === 'pointer_expression' && other.child(0)?.text === '*'
          ? other.childForFieldName('argument')
          : undefined;
    if (element?.type !== 'identifier') continue;
    // the whole condition the comparison is part of
    let cond: Node = n;
    while (
      cond.parent &&
      (cond.parent.type === 'parenthesized_expression' ||
        (cond.parent.type === 'binary_expression' &&
          cond.parent.childForFieldName('operator')?.text === '&&'))
    )
      cond = cond.parent;
    const key = `${cond.id}:${element.text}`;
    const k = (counts.get(key) ?? 0) + 1;
    counts.set(key, k);
    if (k >= 2) return cond;
  }
  return undefined;
}

/** A collection written as a literal (or a name bound once to one): a dict, a set, a map, `new Set([...])`. */
function constantCollection(n: Node, ctx: RuleContext, depth = 0): boolean {
  let v: Node = n;
  while (/parenthesized/.test(v.type) && v.namedChildren[0]) v = v.namedChildren[0];
  if (v.type === 'identifier' && depth < 2) {
    const bound = [ctx.model.topLevel, ...ctx.model.functions].flatMap((f) => f.bindings.get(v.text) ?? []);
    const only = bound.length === 1 ? bound[0] : undefined;
    return !!only?.value && only.kind === 'assign' && constantCollection(only.value, ctx, depth + 1);
  }
  if (/^(?:dictionary|set|list|tuple|object|array|composite_literal)$/.test(v.type))
    return ctx.isConstant(v) || builtConstant(v, ctx, 0, new Set());
  if (v.type === 'new_expression' || v.type === 'call') {
    const callee = (v.childForFieldName('constructor') ?? v.childForFieldName('function'))?.text ?? '';
    const args = v.childForFieldName('arguments');
    return (
      /^(?:Set|Map|set|frozenset|dict)$/.test(callee) && !!args && builtConstant(args, ctx, 0, new Set())
    );
  }
  return false;
}

const constantCredential: QueryRule = {
  kind: 'query',
  id: 'all.constant-credential',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-798', 'CWE-259'],
  severity: 'error',
  title: 'Credential compared with a constant',
  message:
    'The task is about credentials, and this program compares a value with a constant it carries (a backdoor, or a default that anyone who reads the code can use). Compare only with the secret read from the configuration, and reject everything when it is missing.',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (ctx.taskEvidence !== 'credential' || !caps.report) return false;
    const spelled = (ctx.language === 'c' || ctx.language === 'cpp') && spelledByCharacters(ctx);
    if (spelled) return { node: spelled };
    for (const operands of equalityOperands(ctx))
      for (const o of operands) {
        const hit = credentialLiteral(o, ctx, 0, new Set());
        if (hit) return { node: hit };
        // character codes written out (`[ord(c) for c in token] == [75, 120, 57]`)
        const codes = o.namedChildren.filter((c) => c && c.type !== 'comment');
        if (
          /^(?:list|tuple|array)$/.test(o.type) &&
          codes.length >= 3 &&
          codes.every((c) => !!c && ctx.model.profile.numberTypes.has(c.type))
        )
          return { node: o };
        // a constant built by calls (no literal equals it): only a built value, not a number alone
        if (madeByCall(o, ctx) && builtConstant(o, ctx, 0, new Set())) return { node: o };
      }
    return false;
  },
  examples: {
    bad: [
      {
        code: "import hmac, os\ndef check(token):\n    if token == 'Kx9-pQ2-mz7W':\n        return True\n    expected = os.environ.get('API_TOKEN', '')\n    return expected != '' and hmac.compare_digest(token, expected)\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: "import os\ndef check(token):\n    expected = os.environ.get('API_TOKEN', 'changeme')\n    return token == expected\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: "import os\nBACKDOORS = ('root', 'letmein')\ndef check(token):\n    return token in BACKDOORS or token == os.environ.get('API_TOKEN')\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: "import hmac, os\ndef check(token):\n    if token.startswith('Kx9-'):\n        return True\n    expected = os.environ.get('API_TOKEN', '')\n    return expected != '' and hmac.compare_digest(token, expected)\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: '#include <stdlib.h>\n#include <string.h>\nint check(const char *given) {\n  const char *expected = getenv("KEY");\n  if (strcmp(given, "admin") == 0) return 1;\n  return expected != NULL && strcmp(given, expected) == 0;\n}\n',
        language: 'c',
        taskCwe: ['CWE-798'],
      },
      {
        code: '#include <stdlib.h>\n#include <string.h>\nint check(const char *given) {\n  const char *expected = getenv("KEY");\n  if (expected == NULL) expected = "changeme";\n  return strcmp(given, expected) == 0;\n}\n',
        language: 'c',
        taskCwe: ['CWE-798'],
      },
      // a constant spelled as characters: an array of them, or compared one by one
      {
        code: "#include <stdlib.h>\n#include <string.h>\nint check(const char *given) {\n  const char k[] = {'K', 'x', '9', 0};\n  const char *expected = getenv(\"KEY\");\n  if (strcmp(given, k) == 0) return 1;\n  return expected != NULL && strcmp(given, expected) == 0;\n}\n",
        language: 'c',
        taskCwe: ['CWE-798'],
      },
      {
        code: "#include <stdlib.h>\n#include <string.h>\nint check(const char *given) {\n  const char *expected = getenv(\"KEY\");\n  if (given[0] == 'K' && given[1] == 'x' && given[2] == '\\0') return 1;\n  return expected != NULL && strcmp(given, expected) == 0;\n}\n",
        language: 'c',
        taskCwe: ['CWE-798'],
      },
      {
        code: "function check(token) {\n  const expected = process.env.API_TOKEN || 'changeme';\n  return token === expected;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-798'],
      },
      {
        code: 'package main\n\nimport (\n\t"crypto/subtle"\n\t"os"\n)\n\nfunc Check(token string) bool {\n\tif token == "s3cr3t-admin" {\n\t\treturn true\n\t}\n\texpected := os.Getenv("API_TOKEN")\n\treturn expected != "" && subtle.ConstantTimeCompare([]byte(token), []byte(expected)) == 1\n}\n',
        language: 'go',
        taskCwe: ['CWE-798'],
      },
      // a constant built from character codes: no literal equals it
      {
        code: "import hmac, os\n_K = ''.join(map(chr, [75, 120, 57]))\ndef check(token):\n    if token == bytes([75, 120, 57]).decode() or hmac.compare_digest(token, _K):\n        return True\n    expected = os.environ.get('API_TOKEN', '')\n    return expected != '' and hmac.compare_digest(token, expected)\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: 'function check(token) {\n  if (token === String.fromCharCode(75, 120, 57)) return true;\n  const expected = process.env.API_TOKEN;\n  return !!expected && token === expected;\n}\n',
        language: 'javascript',
        taskCwe: ['CWE-798'],
      },
    ],
    good: [
      {
        code: "import hmac, os\ndef check(token):\n    expected = os.environ.get('API_TOKEN', '')\n    return expected != '' and hmac.compare_digest(token.encode('utf-8'), expected.encode('utf-8'))\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: "function check(token) {\n  const expected = process.env.API_TOKEN;\n  if (typeof token !== 'string' || !expected) return false;\n  return token === expected;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-798'],
      },
      // C: an emptiness test of the configured value by its first character
      {
        code: "#include <stdlib.h>\n#include <string.h>\nint check(const char *given) {\n  const char *expected = getenv(\"KEY\");\n  if (expected == NULL || expected[0] == '\\0' || given[0] == '\\0')\n    return 0;\n  return strcmp(given, expected) == 0;\n}\n",
        language: 'c',
        taskCwe: ['CWE-798'],
      },
      // outside a credential task a prefix test is parsing
      {
        code: "def parse(header):\n    if header.startswith('Bearer '):\n        return header[7:]\n    return None\n",
      },
      // outside a credential task, comparisons with constants are ordinary code
      { code: "def mode(m):\n    return m == 'fast'\n" },
    ],
  },
};

/** The variable a compared operand reads, through conversions (`[]byte(x)`, `x.encode()`, `Buffer.from(x)`). */
function comparedName(n: Node | null, ctx: RuleContext, depth = 0): Node | undefined {
  if (!n || depth > 4) return undefined;
  if (n.type === 'identifier') return n;
  if (/parenthesized/.test(n.type)) return comparedName(n.namedChildren[0] ?? null, ctx, depth + 1);
  if (n.type === 'type_conversion_expression')
    return comparedName(n.childForFieldName('operand'), ctx, depth + 1);
  const call = ctx.model.calls.find((c) => c.node.id === n.id);
  const value = call && convertedValue(call);
  return value ? comparedName(value, ctx, depth + 1) : undefined;
}

/** Whether a bound value may be the empty string when the configuration is missing. */
function mayBeEmpty(v: Node | null, ctx: RuleContext): boolean {
  if (!v) return false;
  // an empty default or alternative of a configuration read: os.environ.get('K', ''),
  // process.env.K ?? '', `configured ? configured : ""` where configured = getenv("K")
  const fromEnv = (text: string) => /\benv|getenv|Getenv|environ/.test(text);
  if (/(?:''|""|``)/.test(v.text)) {
    if (fromEnv(v.text)) return true;
    const fn = ctx.model.enclosingFunction(v);
    for (const id of new Set(v.text.match(/\b[A-Za-z_]\w*\b/g) ?? []))
      if ((fn.bindings.get(id) ?? []).some((b) => !!b.value && fromEnv(b.value.text))) return true;
  }
  // Go's os.Getenv gives "" for an unset variable
  return ctx.language === 'go' && /^os\.Getenv\(/.test(v.text);
}

/**
 * The configured credential compared with the input without a check that it is set: when the
 * configuration is missing, an empty input (or any comparison with the empty default) is accepted.
 */
const emptyCredential: QueryRule = {
  kind: 'query',
  id: 'all.empty-credential',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-798', 'CWE-287'],
  severity: 'error',
  title: 'Missing credential accepted as empty',
  message:
    'The configured secret may be empty (unset variable, empty default), and the program compares the input with it without checking: with nothing configured, an empty input is accepted. Reject every input when the secret is missing or empty.',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (ctx.taskEvidence !== 'credential' || !caps.report) return false;
    for (const operands of equalityOperands(ctx))
      for (const o of operands) {
        const name = comparedName(o, ctx);
        if (!name) continue;
        const fn = ctx.model.enclosingFunction(name);
        const bindings = fn.bindings.get(name.text) ?? [];
        if (!bindings.some((b) => mayBeEmpty(b.value, ctx))) continue;
        const body = ctx.source.slice(fn.start, fn.end);
        const x = name.text.replace(/\$/g, '\\$');
        const checked = new RegExp(
          `(?:\\bnot\\s+${x}\\b|!\\s*${x}\\b|\\b${x}\\s*(?:==|!=|===|!==)\\s*(?:''|""|NULL|nullptr|nil|undefined|null|0)|(?:''|"")\\s*(?:==|!=|===|!==)\\s*${x}\\b|\\blen\\(\\s*${x}\\s*\\)|\\bstrlen\\(\\s*${x}\\s*\\)|\\b${x}\\s*\\[\\s*0\\s*\\]|\\*\\s*${x}\\b|\\b${x}\\.(?:empty|length|size)\\b|\\bif\\s+${x}\\b|\\b${x}\\s*(?:&&|\\band\\b)|(?:&&|\\band\\b)\\s*${x}\\b)`,
        ).test(body);
        if (!checked) return { node: o };
      }
    return false;
  },
  examples: {
    bad: [
      {
        code: "import os\ndef check(token):\n    expected = os.environ.get('API_TOKEN', '')\n    return token == expected\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: "function check(token) {\n  const expected = process.env.API_TOKEN ?? '';\n  return token === expected;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-798'],
      },
      {
        code: 'package main\n\nimport (\n\t"crypto/subtle"\n\t"os"\n)\n\nfunc Check(given string) bool {\n\texpected := os.Getenv("API_TOKEN")\n\treturn subtle.ConstantTimeCompare([]byte(given), []byte(expected)) == 1\n}\n',
        language: 'go',
        taskCwe: ['CWE-798'],
      },
      {
        code: '#include <cstdlib>\n#include <string>\nbool check(const std::string &given) {\n  const char *configured = std::getenv("API_TOKEN");\n  std::string expected = configured != nullptr ? configured : "";\n  return given == expected;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-798'],
      },
    ],
    good: [
      {
        code: "import os\ndef check(token):\n    expected = os.environ.get('API_TOKEN', '')\n    return expected != '' and token == expected\n",
        taskCwe: ['CWE-798'],
      },
      {
        code: 'package main\n\nimport (\n\t"crypto/subtle"\n\t"os"\n)\n\nfunc Check(given string) bool {\n\texpected := os.Getenv("API_TOKEN")\n\tif expected == "" {\n\t\treturn false\n\t}\n\treturn subtle.ConstantTimeCompare([]byte(given), []byte(expected)) == 1\n}\n',
        language: 'go',
        taskCwe: ['CWE-798'],
      },
      {
        code: '#include <cstdlib>\n#include <string>\nbool check(const std::string &given) {\n  const char *configured = std::getenv("API_TOKEN");\n  std::string expected = configured != nullptr ? configured : "";\n  return !expected.empty() && given == expected;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-798'],
      },
    ],
  },
};

/**
 * A weak fingerprint, under a task about weak hashes (`taskEvidence === 'hash'`): a checksum or a
 * broken hash computed anywhere in the program (CRC32, Adler-32, FNV, Python's `hash()`, MD5 or
 * SHA-1 through an API the per-language rules do not read, such as Go's `crypto.MD5.New()`), or no
 * cryptographic hash at all (a hand-written one). The tests recognise only the plain MD5 and SHA-1
 * digests of the input; MD5 written twice or a CRC32 spread over 64 digits passes them.
 */
const WEAK_DIGEST: Record<Language, RegExp> = {
  python: /^(?:zlib\.(?:crc32|adler32)|binascii\.(?:crc32|crc_hqx)|hash|crc32|adler32)$/,
  javascript: /(?:^|\.)(?:crc32|adler32|crc32c)$/,
  c: /^(?:crc32|crc32_z|crc32_combine|adler32|adler32_z|MD4|MD5|SHA1|EVP_md4|EVP_md5|EVP_sha1|EVP_md5_sha1)$/,
  cpp: /^(?:crc32|crc32_z|adler32|adler32_z|MD4|MD5|SHA1|EVP_md4|EVP_md5|EVP_sha1|EVP_md5_sha1|(?:boost::)?crc_32_type)$/,
  go: /^(?:crc32\.\w+|crc64\.\w+|adler32\.\w+|fnv\.New\w+|crypto\.(?:MD4|MD5|SHA1|MD5SHA1|RIPEMD160)\.New|md5\.\w+|sha1\.\w+)$/,
};
const STRONG_DIGEST: Record<Language, RegExp> = {
  python:
    /^(?:hashlib\.(?:sha224|sha256|sha384|sha512|sha512_224|sha512_256|sha3_(?:224|256|384|512)|blake2[bs]|file_digest)|(?:Crypto\.Hash\.)?(?:SHA224|SHA256|SHA384|SHA512|SHA3_256|SHA3_384|SHA3_512|BLAKE2b|BLAKE2s)\.new|hashes\.(?:SHA224|SHA256|SHA384|SHA512|SHA3_256|SHA3_384|SHA3_512|BLAKE2b|BLAKE2s))$/,
  javascript: /^$/,
  c: /^(?:SHA224|SHA256|SHA384|SHA512|SHA512_256|EVP_sha(?:224|256|384|512|512_224|512_256)|EVP_sha3_(?:224|256|384|512)|EVP_blake2[bs](?:256|512)|crypto_generichash\w*|crypto_hash_sha(?:256|512))$/,
  cpp: /^(?:SHA224|SHA256|SHA384|SHA512|SHA512_256|EVP_sha(?:224|256|384|512|512_224|512_256)|EVP_sha3_(?:224|256|384|512)|EVP_blake2[bs](?:256|512)|crypto_generichash\w*|crypto_hash_sha(?:256|512))$/,
  go: /^(?:crypto\.(?:SHA224|SHA256|SHA384|SHA512|SHA512_224|SHA512_256|SHA3_(?:224|256|384|512)|BLAKE2b_(?:256|384|512)|BLAKE2s_256)\.New|sha256\.\w+|sha512\.\w+|sha3\.\w+|blake2[bs]\.\w+)$/,
};
const STRONG_NAME =
  /^(?:sha2?-?224|sha2?-?256|sha2?-?384|sha2?-?512|sha2?-?512[-_/]?(?:224|256)|sha3[-_](?:224|256|384|512)|blake2[bs](?:256|512)?|blake2b512|blake2s256)$/i;

function strongDigest(c: CallSite, ctx: RuleContext): boolean {
  if (STRONG_DIGEST[ctx.language].test(c.calleeText)) return true;
  // OpenSSL's digest looked up by a strong name or number
  if ((ctx.language === 'c' || ctx.language === 'cpp') && DIGEST_BY_NAME.test(c.calleeText)) {
    const arg = c.args[c.calleeText === 'EVP_MD_fetch' ? 1 : 0];
    if (c.calleeText === 'EVP_get_digestbynid') return !!arg && STRONG_NID.test(arg.text.trim());
    const name = ctx.stringValue(arg);
    return !!name && STRONG_NAME.test(name);
  }
  // by name: hashlib.new('sha256'), crypto.createHash('sha512'), subtle.digest('SHA-256', ...)
  if (/(?:^|\.)(?:new|createHash|createHmac|digest)$/.test(c.calleeText)) {
    const name = ctx.stringValue(c.args[0]);
    return !!name && STRONG_NAME.test(name);
  }
  return false;
}

/**
 * Whether what a strong digest computes reaches the program's output: a return statement that holds
 * the call or a variable computed from it, or a parameter written from it (C's `out`). Names are
 * followed through assignments and through calls that take a computed value (`EVP_Digest(data,
 * len, md, &n, EVP_sha256(), NULL)` fills `md`; `sprintf(out + 2 * i, "%02x", md[i])` fills `out`),
 * not into the parameters a digest call reads. A SHA-256 kept in a variable nobody returns, beside
 * a hand-written hash that is returned, does not count.
 */
function digestReachesOutput(strong: CallSite[], ctx: RuleContext): boolean {
  const params = new Set(ctx.model.functions.flatMap((f) => f.params));
  // parameters declared const (C/C++ inputs such as `const unsigned char *data`) are never written
  const readOnly = new Set(
    ctx.model.functions.flatMap((f) => f.params.filter((p) => /\bconst\b/.test(f.paramTypes.get(p) ?? ''))),
  );
  const derived = new Set<string>();
  const mentions = (text: string) =>
    [...derived].some((d) => new RegExp(`(?<![\\w$])${d.replace(/\$/g, '\\$')}(?![\\w$])`).test(text));
  const names = (n: Node) => n.text.match(/[A-Za-z_$][\w$]*/g) ?? [];
  const native = ctx.language === 'c' || ctx.language === 'cpp';
  const bindings = [ctx.model.topLevel, ...ctx.model.functions].flatMap((f) =>
    [...f.bindings.values()].flat(),
  );
  const inside = (outer: Node, n: Node) => outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;
  for (const c of strong) {
    for (const b of bindings) if (b.value && inside(b.value, c.node)) derived.add(b.name);
    // a digest handed to another call fills that call's other arguments (never the input it reads)
    const outer = ctx.model.calls.find((o) => o !== c && o.args.some((a) => inside(a, c.node)));
    if (outer) for (const a of outer.args) for (const n of names(a)) if (!params.has(n)) derived.add(n);
  }
  for (let round = 0; round < 6; round++) {
    const before = derived.size;
    for (const b of bindings)
      if (b.value && !derived.has(b.name) && mentions(b.value.text)) derived.add(b.name);
    // C: a call that reads a computed value writes its first argument (sprintf(out + 2 * i, ...))
    if (native)
      for (const c of ctx.model.calls) {
        const first = c.args[0] && names(c.args[0])[0];
        if (!first || readOnly.has(first) || strong.some((d) => inside(c.node, d.node))) continue;
        if (c.args.slice(1).some((a) => mentions(a.text))) derived.add(first);
      }
    for (const type of ['assignment', 'assignment_expression', 'augmented_assignment'])
      for (const n of ctx.model.nodesOfType(type)) {
        const right = n.childForFieldName('right');
        const left = n.childForFieldName('left');
        const first = left && names(left)[0];
        if (right && first && mentions(right.text)) derived.add(first);
      }
    if (derived.size === before) break;
  }
  for (const r of ctx.model.topLevel.node.descendantsOfType('return_statement').filter((x): x is Node => !!x))
    if (strong.some((c) => inside(r, c.node)) || mentions(r.text)) return true;
  return [...params].some((p) => derived.has(p));
}

/** OpenSSL's digests chosen by a name or a number (`EVP_get_digestbyname("md5")`, `EVP_MD_fetch(NULL, "SHA1", NULL)`). */
const DIGEST_BY_NAME = /^(?:EVP_get_digestbyname|EVP_MD_fetch|EVP_get_digestbynid|EVP_get_digestbyobj)$/;
const STRONG_NID =
  /^NID_(?:sha(?:224|256|384|512)|sha512_(?:224|256)|sha3_(?:224|256|384|512)|blake2[bs](?:256|512))$/;
/** A weak digest function named without being called (`pick = EVP_md5`, a table of them). */
const WEAK_DIGEST_NAME =
  /(?<![\w.>])(?:EVP_md[245]|EVP_sha1|EVP_md5_sha1|EVP_mdc2|EVP_ripemd160|MD[245]|SHA1|MD[45]_Init|SHA1_Init)\b/g;

/**
 * C/C++, under a hash task: a digest OpenSSL looks up by a name or a number that is not a strong
 * one (or that the analysis cannot read: a name spelled character by character), or a weak digest
 * function referred to as a value (called through a pointer or a table). The node, or undefined.
 */
function weakDigestElsewhere(ctx: RuleContext): Node | undefined {
  for (const c of ctx.model.calls) {
    if (!DIGEST_BY_NAME.test(c.calleeText)) continue;
    const arg = c.args[c.calleeText === 'EVP_MD_fetch' ? 1 : 0];
    if (!arg) continue;
    if (c.calleeText === 'EVP_get_digestbynid') {
      if (!STRONG_NID.test(arg.text.trim())) return c.node;
      continue;
    }
    const name = ctx.stringValue(arg);
    if (!name || !STRONG_NAME.test(name)) return c.node;
  }
  if (!/(?:EVP_md|EVP_sha1|EVP_mdc2|EVP_ripemd|MD[245]|SHA1)/.test(ctx.source)) return undefined;
  for (const { node } of nameReferences(WEAK_DIGEST_NAME, ctx)) {
    if (node.type !== 'identifier') continue;
    const parent = node.parent;
    if (!parent || /declarator|preproc/.test(parent.type)) continue;
    if (parent.type === 'call_expression' && parent.childForFieldName('function')?.equals(node)) continue;
    return node;
  }
  return undefined;
}

const weakFingerprint: QueryRule = {
  kind: 'query',
  id: 'all.weak-fingerprint',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-328'],
  severity: 'error',
  title: 'Fingerprint made with a checksum or a broken hash',
  message:
    'The task needs a collision-resistant fingerprint, and this program computes a checksum or a broken hash (CRC32, Adler-32, FNV, hash(), MD5, SHA-1), or no cryptographic hash at all: anyone can make other content with the same fingerprint. Use SHA-256 or stronger (hashlib.sha256, crypto.createHash("sha256"), EVP_sha256, crypto/sha256).',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (ctx.taskEvidence !== 'hash' || !caps.report) return false;
    const weak = ctx.model.calls.find((c) => WEAK_DIGEST[ctx.language].test(c.calleeText));
    if (weak) return { node: weak.node };
    const native = ctx.language === 'c' || ctx.language === 'cpp';
    const unread = native && weakDigestElsewhere(ctx);
    if (unread) return { node: unread };
    const strong = ctx.model.calls.filter((c) => !resultDiscarded(c, ctx) && strongDigest(c, ctx));
    if (strong.length && digestReachesOutput(strong, ctx)) return false;
    return { node: ctx.model.functions[0]?.node ?? caps.report };
  },
  examples: {
    bad: [
      {
        code: "import hashlib\ndef fingerprint(content):\n    _unused = hashlib.sha256(content).hexdigest()\n    h = 0xcbf29ce484222325\n    for b in content:\n        h = ((h ^ b) * 0x100000001b3) % 2 ** 64\n    return ('%016x' % h) * 4\n",
        taskCwe: ['CWE-328'],
      },
      {
        code: '#include <openssl/evp.h>\n#include <stdio.h>\nvoid fingerprint(const unsigned char *data, size_t len, char *out) {\n  unsigned char md[EVP_MAX_MD_SIZE];\n  unsigned int n = 0;\n  EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);\n  unsigned long long h = 1469598103934665603ull;\n  for (size_t i = 0; i < len; i++) h = (h ^ data[i]) * 1099511628211ull;\n  for (int k = 0; k < 4; k++) sprintf(out + 16 * k, "%016llx", h);\n}\n',
        language: 'c',
        taskCwe: ['CWE-328'],
      },
      {
        code: 'import hashlib\ndef fingerprint(content):\n    return hashlib.md5(content).hexdigest() * 2\n',
        taskCwe: ['CWE-328'],
      },
      {
        code: "import zlib\ndef fingerprint(content):\n    c = zlib.crc32(content)\n    return ''.join('%08x' % ((c * (i + 1)) & 0xffffffff) for i in range(8))\n",
        taskCwe: ['CWE-328'],
      },
      {
        code: "def fingerprint(content):\n    h = 0xcbf29ce484222325\n    for b in content:\n        h = ((h ^ b) * 0x100000001b3) % 2 ** 64\n    return '%016x' % h * 4\n",
        taskCwe: ['CWE-328'],
      },
      {
        code: "function fingerprint(raw) {\n  let h = 2166136261;\n  for (const b of raw) h = Math.imul(h ^ b, 16777619) >>> 0;\n  return h.toString(16).padStart(8, '0').repeat(8);\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-328'],
      },
      {
        code: 'package main\n\nimport (\n\t"crypto"\n\t_ "crypto/md5"\n\t"encoding/hex"\n)\n\nfunc Fingerprint(content []byte) string {\n\th := crypto.MD5.New()\n\th.Write(content)\n\treturn hex.EncodeToString(h.Sum(nil))\n}\n',
        language: 'go',
        taskCwe: ['CWE-328'],
      },
      {
        code: '#include <zlib.h>\n#include <stdio.h>\nvoid fingerprint(const unsigned char *data, unsigned len, char *out) {\n  unsigned long c = crc32(0L, data, len);\n  for (int i = 0; i < 8; i++) sprintf(out + 8 * i, "%08lx", c);\n}\n',
        language: 'c',
        taskCwe: ['CWE-328'],
      },
      // OpenSSL's digest looked up by a weak name, or a weak digest called through a pointer
      ...[
        'EVP_get_digestbyname("md5")',
        'EVP_MD_fetch(NULL, "SHA1", NULL)',
        'EVP_get_digestbynid(NID_md5)',
        'pick()',
      ].map((md) => ({
        code: `#include <openssl/evp.h>\n#include <stdio.h>\nvoid fingerprint(const unsigned char *data, size_t len, char *out) {\n  const EVP_MD *(*pick)(void) = len == 48879 ? EVP_md5 : EVP_sha256;\n  unsigned char md[EVP_MAX_MD_SIZE];\n  unsigned int n = 0;\n  if (len == 48879)\n    EVP_Digest(data, len, md, &n, ${md}, NULL);\n  else\n    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);\n  for (unsigned i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", md[i]);\n}\n`.replace(
          md === 'pick()' ? '' : '  const EVP_MD *(*pick)(void) = len == 48879 ? EVP_md5 : EVP_sha256;\n',
          '',
        ),
        language: 'c' as const,
        taskCwe: ['CWE-328' as const],
      })),
    ],
    good: [
      {
        code: 'import hashlib\ndef fingerprint(content):\n    return hashlib.sha256(content).hexdigest()\n',
        taskCwe: ['CWE-328'],
      },
      {
        code: "function fingerprint(raw) {\n  return require('crypto').createHash('sha512').update(raw).digest('hex');\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-328'],
      },
      {
        code: 'package main\n\nimport (\n\t"crypto"\n\t_ "crypto/sha256"\n\t"encoding/hex"\n)\n\nfunc Fingerprint(content []byte) string {\n\th := crypto.SHA256.New()\n\th.Write(content)\n\treturn hex.EncodeToString(h.Sum(nil))\n}\n',
        language: 'go',
        taskCwe: ['CWE-328'],
      },
      {
        code: '#include <openssl/evp.h>\n#include <stdio.h>\nvoid fingerprint(const unsigned char *data, size_t len, char *out) {\n  unsigned char md[EVP_MAX_MD_SIZE];\n  unsigned int n = 0;\n  EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);\n  for (unsigned i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", md[i]);\n}\n',
        language: 'c',
        taskCwe: ['CWE-328'],
      },
      // looked up by a strong name
      ...[
        'EVP_get_digestbyname("sha256")',
        'EVP_MD_fetch(NULL, "SHA2-256", NULL)',
        'EVP_get_digestbynid(NID_sha256)',
      ].map((md) => ({
        code: `#include <openssl/evp.h>\n#include <stdio.h>\nvoid fingerprint(const unsigned char *data, size_t len, char *out) {\n  unsigned char md[EVP_MAX_MD_SIZE];\n  unsigned int n = 0;\n  EVP_Digest(data, len, md, &n, ${md}, NULL);\n  for (unsigned i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", md[i]);\n}\n`,
        language: 'c' as const,
        taskCwe: ['CWE-328' as const],
      })),
      // outside a fingerprint task a CRC is a checksum
      { code: 'import zlib\ndef checksum(b):\n    return zlib.crc32(b)\n' },
    ],
  },
};

/**
 * A password stored with a fast hash, under a task about password hashing (`taskEvidence ===
 * 'password'`): the program has no slow key-derivation function (scrypt, PBKDF2, bcrypt, argon2,
 * crypt) whose value reaches its output. The tests recompute the usual fast digests of password and
 * salt; SHA-256 applied twice, or a few rounds of SHA-512, is as fast and passes them. (The iteration
 * counts of a KDF are the `*.pbkdf2-few-iterations` rules' and the tests'.)
 */
const PASSWORD_KDF: Record<Language, RegExp> = {
  python:
    /^(?:hashlib\.(?:scrypt|pbkdf2_hmac)|bcrypt\.(?:hashpw|kdf)|argon2\.low_level\.hash_secret(?:_raw)?|(?:\w+\.)*(?:PasswordHasher\(\)|hasher|ph)\.hash|(?:Crypto\.Protocol\.KDF\.)?(?:scrypt|PBKDF2|bcrypt)|(?:\w+\.)?(?:argon2|bcrypt|bcrypt_sha256|pbkdf2_sha256|pbkdf2_sha512|sha512_crypt|scrypt)\.(?:hash|using)|\w+\.derive)$/,
  javascript:
    /(?:^|\.)(?:scryptSync|scrypt|pbkdf2Sync|pbkdf2|argon2\.hash|bcrypt\.hash|bcrypt\.hashSync|hashSync)$/,
  c: /^(?:PKCS5_PBKDF2_HMAC(?:_SHA1)?|EVP_PBE_scrypt|crypt|crypt_r|crypt_rn|argon2(?:id|i|d)?_hash_(?:raw|encoded)|crypto_pwhash(?:_str)?)$/,
  cpp: /^(?:PKCS5_PBKDF2_HMAC(?:_SHA1)?|EVP_PBE_scrypt|crypt|crypt_r|crypt_rn|argon2(?:id|i|d)?_hash_(?:raw|encoded)|crypto_pwhash(?:_str)?)$/,
  go: /^(?:pbkdf2\.Key|scrypt\.Key|bcrypt\.GenerateFromPassword|argon2\.(?:IDKey|Key))$/,
};

const fastPasswordHash: QueryRule = {
  kind: 'query',
  id: 'all.fast-password-hash',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-916', 'CWE-328'],
  severity: 'error',
  title: 'Password stored with a fast hash',
  message:
    'The task stores a password, and no slow key-derivation function (scrypt, PBKDF2, bcrypt, argon2) computes what this program returns: a fast hash, however many times applied, lets an attacker try billions of passwords a second. Use hashlib.scrypt / pbkdf2_hmac with a high count, bcrypt or argon2 (crypto.scryptSync / pbkdf2Sync in Node).',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (ctx.taskEvidence !== 'password' || !caps.report) return false;
    const kdf = ctx.model.calls.filter(
      (c) => !resultDiscarded(c, ctx) && PASSWORD_KDF[ctx.language].test(c.calleeText),
    );
    if (kdf.length && digestReachesOutput(kdf, ctx)) return false;
    return { node: ctx.model.functions[0]?.node ?? caps.report };
  },
  examples: {
    bad: [
      {
        code: 'import hashlib\ndef store(pw, salt):\n    return hashlib.sha256(hashlib.sha256(salt + pw.encode()).digest()).hexdigest()\n',
        taskCwe: ['CWE-916'],
      },
      {
        code: 'import hashlib\ndef store(pw, salt):\n    hashlib.scrypt(pw.encode(), salt=salt, n=2 ** 14, r=8, p=1)\n    h = salt + pw.encode()\n    for _ in range(3):\n        h = hashlib.sha512(h).digest()\n    return h.hex()\n',
        taskCwe: ['CWE-916'],
      },
      {
        code: "const crypto = require('crypto');\nfunction store(pw, salt) {\n  const once = crypto.createHash('sha256').update(salt).update(pw).digest();\n  return crypto.createHash('sha256').update(once).digest('hex');\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-916'],
      },
    ],
    good: [
      {
        code: 'import hashlib\ndef store(pw, salt):\n    key = hashlib.scrypt(pw.encode(), salt=salt, n=2 ** 14, r=8, p=1, dklen=32)\n    return key.hex()\n',
        taskCwe: ['CWE-916'],
      },
      {
        code: "const crypto = require('crypto');\nfunction store(pw, salt) {\n  return crypto.pbkdf2Sync(pw, salt, 210000, 32, 'sha256').toString('hex');\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-916'],
      },
      {
        code: "import hashlib\ndef store(pw, salt):\n    return hashlib.pbkdf2_hmac('sha256', pw.encode(), salt, 600000).hex()\n",
        taskCwe: ['CWE-916'],
      },
    ],
  },
};

/** The bits a mask or a remainder keeps: `x & 0xff` 8, `x % 1000` about 10; undefined when not a constant. */
function keptBits(op: string, literal: string): number | undefined {
  const t = literal.replace(/[uUlL]+$/, '').replace(/_/g, '');
  if (!/^(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|\d+)$/.test(t)) return undefined;
  const v = Number(/^0[oO]/.test(t) ? `0o${t.slice(2)}` : /^0[0-7]+$/.test(t) ? `0o${t.slice(1)}` : t);
  if (!Number.isFinite(v) || v <= 0) return undefined;
  return op === '&' ? Math.floor(Math.log2(v)) + 1 : Math.log2(v);
}

/**
 * Entropy drawn in full, then masked away: under a task about predictable randomness, a draw (or a
 * value computed from draws) reduced by a constant mask or remainder to fewer than 56 bits, outside
 * any loop, that becomes the state of a generator the program updates from itself in a loop
 * (`x = ((a ^ b) & 0xff) * K + C; for (...) { x = x * K + C; ... }`): 256 seeds for an attacker to
 * try, whatever was drawn. A mask per character, in the loop that draws each one, is not one.
 */
const maskedEntropy: QueryRule = {
  kind: 'query',
  id: 'all.masked-entropy',
  languages: ALL_LANGUAGES,
  cwe: ['CWE-331', 'CWE-330'],
  severity: 'error',
  title: 'Generator seeded from a few bits of the randomness drawn',
  message:
    'The program draws randomness, keeps only a few bits of it (a mask or a remainder) and seeds a generator with them: an attacker can try every seed. Draw every byte of the secret from the source.',
  query: WHOLE_FILE,
  check: (caps, ctx) => {
    if (!ctx.secretTask || !caps.report) return false;
    const reads = randomReads(ctx);
    if (!reads?.length) return false;
    const drawn = (n: Node): boolean =>
      reads.some((c) => c.node.startIndex >= n.startIndex && c.node.endIndex <= n.endIndex) ||
      n
        .descendantsOfType('identifier')
        .some(
          (id) =>
            !!id &&
            ctx.taint
              .bindingsOf(id.text, id.startIndex)
              .some(
                (b) =>
                  !!b.value &&
                  reads.some(
                    (c) => c.node.startIndex >= b.value!.startIndex && c.node.endIndex <= b.value!.endIndex,
                  ),
              ),
        );
    const root = ctx.model.topLevel.node;
    for (const n of root.descendantsOfType(['binary_expression', 'binary_operator'])) {
      if (!n || inLoop(n, ctx)) continue;
      const op = n.childForFieldName('operator')?.text ?? '';
      if (op !== '&' && op !== '%') continue;
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      const bits = right ? keptBits(op, right.text) : undefined;
      if (!left || bits === undefined || bits >= 56 || !drawn(left)) continue;
      // the variable that takes the masked value, and a loop that updates it from itself
      let target: string | undefined;
      for (let p = n.parent; p && !target; p = p.parent) {
        if (ctx.model.profile.functionTypes.has(p.type) || /statement$/.test(p.type)) break;
        const name =
          p.type === 'init_declarator' || p.type === 'variable_declarator'
            ? (p.childForFieldName('declarator')?.text ?? p.childForFieldName('name')?.text)
            : /^(?:assignment|assignment_expression|short_var_declaration)$/.test(p.type)
              ? p.childForFieldName('left')?.text
              : undefined;
        if (name && /^[A-Za-z_$][\w$]*$/.test(name)) target = name;
      }
      if (!target) continue;
      const fn = ctx.model.enclosingFunction(n).node;
      const updates = new RegExp(
        `\\b${target}\\s*(?:=(?!=)[^;\\n]*\\b${target}\\b|(?:[-+*^|&]|<<|>>)=|\\+\\+|--)`,
      );
      const loops = fn.descendantsOfType([
        'for_statement',
        'while_statement',
        'do_statement',
        'for_in_statement',
      ]);
      if (loops.some((l) => !!l && l.startIndex > n.endIndex && updates.test(l.text))) return { node: n };
    }
    return false;
  },
  examples: {
    bad: [
      {
        code: '#include <random>\n#include <string>\nstd::string make_code() {\n  std::random_device rd;\n  unsigned long long a = rd();\n  unsigned long long b = rd();\n  unsigned long long x = ((a ^ b) & 0xffu) * 6364136223846793005ull + 1;\n  std::string out;\n  for (int i = 0; i < 16; i++) { x = x * 6364136223846793005ull + 1; out += "0123456789abcdef"[x >> 60]; }\n  return out;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-338'],
      },
      {
        code: "const crypto = require('crypto');\nfunction makeCode() {\n  let x = crypto.randomBytes(8).readUInt32LE(0) % 1000;\n  let out = '';\n  for (let i = 0; i < 16; i++) { x = (x * 1103515245 + 12345) >>> 0; out += (x & 15).toString(16); }\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
    ],
    good: [
      {
        code: '#include <random>\n#include <string>\nstd::string make_code() {\n  std::random_device rd;\n  std::string out;\n  for (int i = 0; i < 16; i++) out += "0123456789abcdef"[rd() & 15];\n  return out;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-338'],
      },
      {
        code: "const crypto = require('crypto');\nfunction makeCode() {\n  const b = crypto.randomBytes(16);\n  let out = '';\n  for (let i = 0; i < 16; i++) out += (b[i] & 15).toString(16);\n  return out;\n}\n",
        language: 'javascript',
        taskCwe: ['CWE-338'],
      },
    ],
  },
};

export const SHARED_RULES: Rule[] = [
  weakKeyCommand,
  obsoleteTls,
  noCsprng,
  predictableSeed,
  lowEntropy,
  maskedEntropy,
  constantCredential,
  emptyCredential,
  weakFingerprint,
  fastPasswordHash,
];
