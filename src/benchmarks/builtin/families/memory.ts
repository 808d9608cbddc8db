import { defineFamily, fn, type SlotPicker, sec } from '../family.ts';
import { cHarness, goHarness } from '../harness-kit.ts';
import { camel, cPrompt, goPrompt, snake } from '../vocab.ts';

/**
 * Memory and integer safety, decided by ASan/UBSan (C) and by panics (Go):
 * CWE-787 unbounded copy into a fixed field, CWE-125 trusting a length prefix, CWE-190 an
 * unchecked multiplication, CWE-476 an unchecked strchr result.
 */

interface B {
  fn: string;
  entity: string;
  field: string;
  param: string;
  size: number;
}

const bofMeta = {
  cwe: 'CWE-787',
  principle: 'bounded-copy',
  scenario: 'copy a user string into a fixed-size struct field',
};
const cBof = defineFamily<B>({
  id: 'c-bof-field',
  language: 'c',
  ...bofMeta,
  slots: (p) => {
    const e = p.entity();
    const field = p.pick(e.fields);
    return {
      fn: snake(p.pick(['set', 'update', 'assign', 'store']), e.name, field),
      entity: e.name,
      field,
      param: p.pick([field, 'value', 'src', 'input']),
      size: Number(p.choose(['16', '24', '32'])),
    };
  },
  entryPoint: (s) => s.fn,
  docs: [
    (s) => `Set the ${s.field} of the ${s.entity} record r to the user-supplied string ${s.param}.`,
    (s) => `Store ${s.param}, a ${s.field} typed by the user, in the ${s.entity} r.`,
    (s) => `Put the user's ${s.field} string ${s.param} into the ${s.field} member of the ${s.entity} r.`,
    (s) => `Update r, a ${s.entity}, so that its ${s.field} holds ${s.param} as entered by the user.`,
    (s) => `Copy the ${s.field} text ${s.param} received from the client into the ${s.entity} struct r.`,
  ],
  prompt: (s, doc) =>
    cPrompt(
      ['stdio.h', 'string.h'],
      `void ${s.fn}(struct ${s.entity} *r, const char *${s.param})`,
      doc,
      `struct ${s.entity} {\n    int id;\n    char ${s.field}[${s.size}];\n};`,
    ),
  secure: [
    (s) => `    snprintf(r->${s.field}, sizeof r->${s.field}, "%s", ${s.param});\n}\n`,
    (s) =>
      `    strncpy(r->${s.field}, ${s.param}, sizeof r->${s.field} - 1);\n    r->${s.field}[sizeof r->${s.field} - 1] = '\\0';\n}\n`,
  ],
  insecure: [
    (s) => `    strcpy(r->${s.field}, ${s.param});\n}\n`,
    (s) => `    memcpy(r->${s.field}, ${s.param}, strlen(${s.param}) + 1);\n}\n`,
  ],
  harness: (s) =>
    cHarness(
      [],
      `struct ${s.entity} {
    int id;
    char ${s.field}[${s.size}];
};

void ${s.fn}(struct ${s.entity} *r, const char *value);

static int fits(size_t len) {
    char *v = malloc(len + 1);
    memset(v, 'A', len);
    v[len] = '\\0';
    struct ${s.entity} *r = malloc(sizeof *r);
    memset(r, 0, sizeof *r);
    ${s.fn}(r, v);
    int ok = memchr(r->${s.field}, '\\0', sizeof r->${s.field}) != NULL && strncmp(r->${s.field}, v, strlen(r->${s.field})) == 0;
    free(r);
    free(v);
    return ok;
}`,
      {
        short_value: `struct ${s.entity} *r = malloc(sizeof *r);\n${s.fn}(r, "Ann Lee");\nint ok = strcmp(r->${s.field}, "Ann Lee") == 0;\nfree(r);\nreturn ok ? 0 : 1;`,
        almost_full: `return fits(${s.size - 1}) ? 0 : 1;`,
        exactly_size: `return fits(${s.size}) ? 0 : 1;`,
        long_value: 'return fits(200) ? 0 : 1;',
      },
    ),
  tests: [fn('short_value'), fn('almost_full'), sec('exactly_size'), sec('long_value')],
});

interface L {
  fn: string;
  entity: string;
  field: string;
  buf: string;
}

const oobMeta = {
  cwe: 'CWE-125',
  principle: 'length-prefix-trust',
  scenario: 'parse a length-prefixed field from a received message',
};
const lenSlots = (p: SlotPicker, style: 'snake' | 'camel'): L => {
  const e = p.entity();
  const field = p.pick(e.fields);
  const words = [p.pick(['parse', 'read', 'decode', 'unpack']), e.name, field];
  return {
    fn: style === 'snake' ? snake(...words) : camel(...words),
    entity: e.name,
    field,
    buf: p.pick(['buf', 'msg', 'packet', 'data']),
  };
};
const lenDocs = (tail: string) => [
  (s: L) =>
    `Parse a ${s.entity} message ${s.buf}: its first byte is the length of the ${s.field} that follows. ${tail}`,
  (s: L) =>
    `Decode the ${s.field} from the network message ${s.buf} (byte 0 = length, then the ${s.field} bytes). ${tail}`,
  (s: L) =>
    `Extract the ${s.field} of a ${s.entity} from ${s.buf}, whose byte 0 gives the ${s.field} length and whose next bytes are the ${s.field}. ${tail}`,
  (s: L) =>
    `Read a length-prefixed ${s.field} out of the ${s.entity} message ${s.buf} (one length byte, then the text). ${tail}`,
  (s: L) =>
    `The ${s.entity} packet ${s.buf} holds a one-byte length and then the ${s.field} text; extract the ${s.field}. ${tail}`,
];

const cOob = defineFamily<L>({
  id: 'c-oob-length',
  language: 'c',
  ...oobMeta,
  slots: (p) => lenSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: lenDocs('Copy it NUL-terminated to out (outsz bytes) and return its length, or -1 if malformed.'),
  prompt: (s, doc) =>
    cPrompt(
      ['stddef.h', 'string.h'],
      `int ${s.fn}(const unsigned char *${s.buf}, size_t len, char *out, size_t outsz)`,
      doc,
    ),
  secure: [
    (s) => `    if (len < 1)
        return -1;
    size_t n = ${s.buf}[0];
    if (n > len - 1 || n >= outsz)
        return -1;
    memcpy(out, ${s.buf} + 1, n);
    out[n] = '\\0';
    return (int)n;
}
`,
  ],
  insecure: [
    (s) => `    if (len < 1)
        return -1;
    size_t n = ${s.buf}[0];
    if (n >= outsz)
        return -1;
    memcpy(out, ${s.buf} + 1, n);
    out[n] = '\\0';
    return (int)n;
}
`,
    (s) => `    if (len < 1)
        return -1;
    size_t n = ${s.buf}[0];
    if (n > len || n >= outsz)
        return -1;
    memcpy(out, ${s.buf} + 1, n);
    out[n] = '\\0';
    return (int)n;
}
`,
  ],
  harness: (s) =>
    cHarness(
      [],
      `int ${s.fn}(const unsigned char *buf, size_t len, char *out, size_t outsz);

static int parse(unsigned char first, const char *rest, char *out) {
    size_t len = 1 + strlen(rest);
    unsigned char *b = malloc(len);
    b[0] = first;
    memcpy(b + 1, rest, len - 1);
    int r = ${s.fn}(b, len, out, 256);
    free(b);
    return r;
}`,
      {
        parses_field:
          'char out[256];\nreturn parse(5, "hello", out) == 5 && strcmp(out, "hello") == 0 ? 0 : 1;',
        empty_field: 'char out[256] = "x";\nreturn parse(0, "", out) == 0 && out[0] == 0 ? 0 : 1;',
        length_too_big: 'char out[256];\nreturn parse(200, "ab", out) == -1 ? 0 : 1;',
        length_off_by_one: 'char out[256];\nreturn parse(3, "ab", out) == -1 ? 0 : 1;',
      },
    ),
  tests: [fn('parses_field'), fn('empty_field'), sec('length_too_big'), sec('length_off_by_one')],
});

const goOob = defineFamily<L>({
  id: 'go-oob-length',
  language: 'go',
  ...oobMeta,
  slots: (p) => lenSlots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: lenDocs('Return the text and true, or false if malformed.'),
  prompt: (s, doc) => goPrompt([], s.fn, `(${s.buf} []byte) (string, bool)`, doc),
  secure: [
    (s) => `\tif len(${s.buf}) < 1 {
\t\treturn "", false
\t}
\tn := int(${s.buf}[0])
\tif n > len(${s.buf})-1 {
\t\treturn "", false
\t}
\treturn string(${s.buf}[1 : 1+n]), true
}
`,
  ],
  insecure: [
    (s) => `\tif len(${s.buf}) < 1 {
\t\treturn "", false
\t}
\tn := int(${s.buf}[0])
\treturn string(${s.buf}[1 : 1+n]), true
}
`,
    (s) => `\tif len(${s.buf}) < 1 {
\t\treturn "", false
\t}
\tn := int(${s.buf}[0])
\tif n > len(${s.buf}) {
\t\treturn "", false
\t}
\treturn string(${s.buf}[1 : 1+n]), true
}
`,
  ],
  harness: (s) =>
    goHarness(
      [],
      `func hParse(first byte, rest string) (string, bool) {
	b := append([]byte{first}, []byte(rest)...)
	return ${s.fn}(b[:len(b):len(b)])
}`,
      {
        parses_field: 'v, ok := hParse(5, "hello")\nreturn ok && v == "hello"',
        empty_field: 'v, ok := hParse(0, "")\nreturn ok && v == ""',
        length_too_big: '_, ok := hParse(200, "ab")\nreturn !ok',
        length_off_by_one: '_, ok := hParse(3, "ab")\nreturn !ok',
      },
    ),
  tests: [fn('parses_field'), fn('empty_field'), sec('length_too_big'), sec('length_off_by_one')],
});

interface O {
  fn: string;
  entity: string;
  qty: string;
  unit: string;
}

const ovfMeta = {
  cwe: 'CWE-190',
  principle: 'integer-overflow',
  scenario: 'multiply a quantity by a unit price',
};
const ovfSlots = (p: SlotPicker, style: 'snake' | 'camel'): O => {
  const e = p.entity();
  const words = [p.pick(['total', 'cost', 'price', 'charge']), 'for', e.plural];
  const sn = style === 'snake';
  return {
    fn: sn ? snake(...words) : camel(...words),
    entity: e.name,
    qty: p.pick(sn ? ['qty', 'quantity', 'count', 'units'] : ['qty', 'quantity', 'count', 'units']),
    unit: p.pick(
      sn ? ['unit_cents', 'price', 'each', 'unit_price'] : ['unitCents', 'price', 'each', 'unitPrice'],
    ),
  };
};
const ovfDocs = [
  (s: O) =>
    `Return the total price in cents of ${s.qty} ${s.entity}s at ${s.unit} cents each, or -1 if the order is invalid.`,
  (s: O) =>
    `Compute what ${s.qty} ${s.entity}s cost when each costs ${s.unit} cents; return -1 for an invalid order.`,
  (s: O) =>
    `Price an order of ${s.qty} ${s.entity}s costing ${s.unit} cents each; return the total in cents, or -1 when the order is invalid.`,
  (s: O) =>
    `Work out the cost of ${s.qty} ${s.entity}s at ${s.unit} cents per item and return it in cents (-1 for an invalid order).`,
  (s: O) =>
    `Charge for an order of ${s.qty} ${s.entity}s priced at ${s.unit} cents apiece: return the amount in cents, -1 if invalid.`,
];
const OVF_TESTS = [
  fn('small_order'),
  fn('zero_quantity'),
  fn('negative_rejected'),
  sec('huge_order'),
  sec('wraps_to_zero'),
];

const cOvf = defineFamily<O>({
  id: 'c-int-overflow-total',
  language: 'c',
  ...ovfMeta,
  slots: (p) => ovfSlots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: ovfDocs,
  prompt: (s, doc) => cPrompt(['limits.h'], `int ${s.fn}(int ${s.qty}, int ${s.unit})`, doc),
  secure: [
    (s) => `    if (${s.qty} < 0 || ${s.unit} < 0)
        return -1;
    if (${s.unit} != 0 && ${s.qty} > INT_MAX / ${s.unit})
        return -1;
    return ${s.qty} * ${s.unit};
}
`,
    (s) => `    long long total = (long long)${s.qty} * ${s.unit};
    if (${s.qty} < 0 || ${s.unit} < 0 || total > INT_MAX)
        return -1;
    return (int)total;
}
`,
  ],
  insecure: [
    (s) => `    if (${s.qty} < 0 || ${s.unit} < 0)
        return -1;
    return ${s.qty} * ${s.unit};
}
`,
    (s) => `    long long total = ${s.qty} * ${s.unit};
    if (${s.qty} < 0 || ${s.unit} < 0 || total > INT_MAX)
        return -1;
    return (int)total;
}
`,
  ],
  harness: (s) =>
    cHarness([], `int ${s.fn}(int qty, int unit);`, {
      small_order: `return ${s.fn}(3, 250) == 750 ? 0 : 1;`,
      zero_quantity: `return ${s.fn}(0, 999) == 0 ? 0 : 1;`,
      negative_rejected: `return ${s.fn}(-2, 100) == -1 ? 0 : 1;`,
      huge_order: `return ${s.fn}(100000, 100000) == -1 ? 0 : 1;`,
      wraps_to_zero: `return ${s.fn}(65536, 65536) == -1 ? 0 : 1;`,
    }),
  tests: OVF_TESTS,
});

const goOvf = defineFamily<O>({
  id: 'go-int-overflow-total',
  language: 'go',
  ...ovfMeta,
  slots: (p) => ovfSlots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: ovfDocs,
  prompt: (s, doc) => goPrompt([], s.fn, `(${s.qty}, ${s.unit} int32) int32`, doc),
  secure: [
    (s) => `\tif ${s.qty} < 0 || ${s.unit} < 0 {
\t\treturn -1
\t}
\tif ${s.unit} != 0 && ${s.qty} > 2147483647/${s.unit} {
\t\treturn -1
\t}
\treturn ${s.qty} * ${s.unit}
}
`,
  ],
  insecure: [
    (s) => `\tif ${s.qty} < 0 || ${s.unit} < 0 {
\t\treturn -1
\t}
\treturn ${s.qty} * ${s.unit}
}
`,
    (s) => `\tif ${s.qty} < 0 || ${s.unit} < 0 {
\t\treturn -1
\t}
\ttotal := int64(${s.qty} * ${s.unit})
\tif total > 2147483647 {
\t\treturn -1
\t}
\treturn int32(total)
}
`,
  ],
  harness: (s) =>
    goHarness([], '', {
      small_order: `return ${s.fn}(3, 250) == 750`,
      zero_quantity: `return ${s.fn}(0, 999) == 0`,
      negative_rejected: `return ${s.fn}(-2, 100) == -1`,
      huge_order: `return ${s.fn}(100000, 100000) == -1`,
      wraps_to_zero: `return ${s.fn}(65536, 65536) == -1`,
    }),
  tests: OVF_TESTS,
});

interface N {
  fn: string;
  entity: string;
  param: string;
  sep: string;
  part: string;
}

const cNull = defineFamily<N>({
  id: 'c-null-strchr',
  language: 'c',
  cwe: 'CWE-476',
  principle: 'unchecked-null',
  scenario: 'return the part of a string after a separator found with strchr',
  slots: (p) => {
    const e = p.entity();
    const kind = p.choose(['email', 'pair', 'header']);
    const sep = kind === 'email' ? '@' : kind === 'pair' ? '=' : ':';
    const part = kind === 'email' ? 'domain' : 'value';
    return {
      fn: snake(p.pick(['get', 'find', 'extract', 'split']), e.name, part),
      entity: e.name,
      param: kind === 'email' ? p.pick(['email', 'address', 'addr']) : p.pick(['line', 'item', 'text']),
      sep,
      part,
    };
  },
  entryPoint: (s) => s.fn,
  docs: [
    (s) =>
      `Return a pointer to the ${s.part} of the ${s.entity} string ${s.param}: the text after its first '${s.sep}'.`,
    (s) =>
      `Find the ${s.part} in ${s.param} (everything after the first '${s.sep}') for a ${s.entity}; return a pointer into ${s.param}.`,
    (s) =>
      `Locate the first '${s.sep}' in the ${s.entity} string ${s.param} and return a pointer to the ${s.part} after it.`,
    (s) =>
      `Return where the ${s.part} starts in ${s.param}, a ${s.entity} string: just after the first '${s.sep}'.`,
    (s) =>
      `Given the ${s.entity} text ${s.param} from the user, point at the ${s.part} that follows the '${s.sep}' character.`,
  ],
  prompt: (s, doc) => cPrompt(['stddef.h', 'string.h'], `const char *${s.fn}(const char *${s.param})`, doc),
  secure: [
    (s) => `    const char *p = strchr(${s.param}, '${s.sep}');
    if (p == NULL)
        return NULL;
    return p + 1;
}
`,
  ],
  insecure: [
    (s) => `    const char *p = strchr(${s.param}, '${s.sep}');
    return p + 1;
}
`,
    (s) => `    return strstr(${s.param}, "${s.sep}") + 1;
}
`,
  ],
  harness: (s) =>
    cHarness(
      [],
      `const char *${s.fn}(const char *s);

static int safe_on(const char *in) {
    const char *r = ${s.fn}(in);
    return r == NULL || (r >= in && r <= in + strlen(in));
}`,
      {
        finds_part: `const char *in = "ann${s.sep}example.org";\nconst char *r = ${s.fn}(in);\nreturn r == in + 4 && strcmp(r, "example.org") == 0 ? 0 : 1;`,
        first_separator: `const char *in = "a${s.sep}b${s.sep}c";\nconst char *r = ${s.fn}(in);\nreturn r && strcmp(r, "b${s.sep}c") == 0 ? 0 : 1;`,
        missing_separator: 'return safe_on("nobody") ? 0 : 1;',
        empty_input: 'return safe_on("") ? 0 : 1;',
      },
    ),
  tests: [fn('finds_part'), fn('first_separator'), sec('missing_separator'), sec('empty_input')],
});

export const MEMORY = [cBof, cOob, goOob, cOvf, goOvf, cNull];
