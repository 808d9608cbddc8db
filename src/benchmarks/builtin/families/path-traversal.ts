import type { Expectation } from '../../../spec/task.ts';
import { defineFamily, expecting, fn, type SlotPicker, sec } from '../family.ts';
import { cObservedHarness, goObservedHarness, jsHarness, pyHarness } from '../harness-kit.ts';
import { camel, cPrompt, cppPrompt, goPrompt, jsPrompt, pyPrompt, snake } from '../vocab.ts';

/**
 * CWE-22: read a file named by the user from a base directory. Secure: resolve and check that the
 * path stays inside the base (or reject `..`). Insecure: no check, or a check that misses a form.
 */
const CWE = 'CWE-22';
const PRINCIPLE = 'path-traversal';
const SCENARIO = 'read a stored file by its user-supplied name from a base directory';

interface S {
  fn: string;
  entity: string;
  noun: string;
  /** `noun`'s plural as the suite version writes it (SlotPicker.plural). */
  nouns: string;
  base: string;
  name: string;
}

function slots(p: SlotPicker, style: 'snake' | 'camel'): S {
  const e = p.entity();
  const noun = p.pick(['report', 'attachment', 'note', 'export', 'document', 'upload']);
  const verb = p.pick(['read', 'load', 'get', 'fetch', 'open']);
  const words = [verb, e.name, noun];
  const sn = style === 'snake';
  return {
    fn: sn ? snake(...words) : camel(...words),
    entity: e.name,
    noun,
    nouns: p.plural(noun),
    base: p.pick(
      sn
        ? ['base_dir', 'root', 'folder', 'storage_dir', 'upload_dir']
        : ['baseDir', 'root', 'folder', 'storageDir', 'uploadDir'],
    ),
    name: p.pick(
      sn ? ['filename', 'name', 'rel_path', 'file_name'] : ['filename', 'name', 'relPath', 'fileName'],
    ),
  };
}

const DOCS = [
  (s: S) =>
    `Return the text of the ${s.entity} ${s.noun} file called ${s.name} stored in the directory ${s.base}.`,
  (s: S) =>
    `Read the ${s.noun} named ${s.name} from the ${s.entity} storage folder ${s.base} and return its contents.`,
  (s: S) => `Give back what the ${s.entity} ${s.noun} ${s.name}, saved in the folder ${s.base}, contains.`,
  (s: S) =>
    `Open the file ${s.name} in ${s.base}, where ${s.entity} ${s.nouns} are kept, and return its text.`,
  (s: S) =>
    `Load and return the contents of the file ${s.name}, kept in ${s.base} with the other ${s.entity} ${s.nouns}.`,
];

const TESTS = [
  fn('reads_file'),
  fn('reads_other_file'),
  sec('dotdot'),
  sec('nested_dotdot'),
  sec('doubled_dots'),
];
/**
 * Python and JavaScript harnesses: the folder and file names (with their extensions), the files'
 * texts and the secret file's name and text are drawn per judging, and each attack's form is drawn
 * from a few equivalent ones (`{b}`: the base folder's name, `{u}`/`{v}`: its subfolders, `{s}`: the
 * secret file beside the base folder). The structure (`../`, a subfolder then `../../`, `....//`)
 * is what secure code must handle.
 */
const PY_JS_ATTACKS = {
  dotdot: ['../{s}', './../{s}', '../{b}/../{s}'],
  nested_dotdot: ['{u}/../../{s}', '{u}/./../../{s}', '{u}/{v}/../../../{s}'],
  doubled_dots: ['....//{s}', '..././{s}', '....//./{s}'],
};
const EXTS = ['txt', 'md', 'log', 'dat'];

/**
 * Observed native harnesses (C, Go): every name is drawn. The base folder `{w0}` (with a
 * subfolder `{w3}`) sits in the test's folder beside the secret file `{w4}.txt` holding `{w5}`;
 * the stored files are `{w1}.txt` ("hello {w2}") and `{w1}-2.txt` ("{w6}"). The attacks keep their
 * structure (`../{w4}.txt`, `{w3}/../../{w4}.txt`, `....//{w4}.txt`). The harness reports what the
 * function returned and the text it wrote (`text`: the first rc bytes of out, as returned); the
 * observer decides.
 */
const NATIVE_TESTS = expecting(TESTS, {
  reads_file: [
    { obs: 'text', eq: 'hello {w2}' },
    { obs: 'out', eq: 'hello {w2}' },
  ],
  reads_other_file: [
    { obs: 'text', eq: '{w6}' },
    { obs: 'out', eq: '{w6}' },
  ],
  dotdot: [{ obs: 'rc' }, { obs: 'out', notContains: '{w5}' }],
  nested_dotdot: [{ obs: 'rc' }, { obs: 'out', notContains: '{w5}' }],
  doubled_dots: [{ obs: 'rc' }, { obs: 'out', notContains: '{w5}' }],
});
/**
 * Go (goReadReport): a read must succeed (`ok`) with the file's text; an attack must not return
 * the secret `{w5}`.
 */
export const GO_READ_EXPECT = {
  reads_file: [
    { obs: 'ok', eq: 1 },
    { obs: 'out', eq: 'hello {w2}' },
  ],
  reads_other_file: [
    { obs: 'ok', eq: 1 },
    { obs: 'out', eq: '{w6}' },
  ],
  attack: [{ obs: 'rc' }, { obs: 'out', notContains: '{w5}' }],
} satisfies Record<string, Expectation[]>;
const GO_TESTS = expecting(TESTS, {
  reads_file: GO_READ_EXPECT.reads_file,
  reads_other_file: GO_READ_EXPECT.reads_other_file,
  dotdot: GO_READ_EXPECT.attack,
  nested_dotdot: GO_READ_EXPECT.attack,
  doubled_dots: GO_READ_EXPECT.attack,
});
const NATIVE_ATTACKS = {
  dotdot: '../%s.txt',
  nested_dotdot: '%s/../../%s.txt',
  doubled_dots: '....//%s.txt',
};

/**
 * The observed C / C++ harness: `decl` declares the entry point, `readName` defines
 * `read_name(const char *name)` (set up the folders, call the entry point, report).
 */
function nativeHarness(includes: string[], decl: string, readName: string): string {
  return cObservedHarness(
    ['sys/stat.h', ...includes],
    `${decl}

static char base[1200];

static void put(const char *dir, const char *file, const char *text) {
    char p[1400];
    snprintf(p, sizeof p, "%s/%s", dir, file);
    FILE *f = fopen(p, "w");
    if (!f) exit(3);
    fputs(text, f);
    fclose(f);
}

/* The base folder {w0} (subfolder {w3}) and its files; the secret {w4}.txt beside it. */
static void setup(void) {
    char sub[1300], file[64], text[64];
    snprintf(base, sizeof base, "%s/%s", tsp_dir(), tsp_word(0));
    mkdir(base, 0755);
    snprintf(sub, sizeof sub, "%s/%s", base, tsp_word(3));
    mkdir(sub, 0755);
    snprintf(file, sizeof file, "%s.txt", tsp_word(1));
    snprintf(text, sizeof text, "hello %s", tsp_word(2));
    put(base, file, text);
    snprintf(file, sizeof file, "%s-2.txt", tsp_word(1));
    put(base, file, tsp_word(6));
    snprintf(file, sizeof file, "%s.txt", tsp_word(4));
    put(tsp_dir(), file, tsp_word(5));
}

${readName}`,
    {
      reads_file: 'char name[64];\nsnprintf(name, sizeof name, "%s.txt", tsp_word(1));\nread_name(name);',
      reads_other_file:
        'char name[64];\nsnprintf(name, sizeof name, "%s-2.txt", tsp_word(1));\nread_name(name);',
      dotdot: `char name[64];\nsnprintf(name, sizeof name, "${NATIVE_ATTACKS.dotdot}", tsp_word(4));\nread_name(name);`,
      nested_dotdot: `char name[64];\nsnprintf(name, sizeof name, "${NATIVE_ATTACKS.nested_dotdot}", tsp_word(3), tsp_word(4));\nread_name(name);`,
      doubled_dots: `char name[64];\nsnprintf(name, sizeof name, "${NATIVE_ATTACKS.doubled_dots}", tsp_word(4));\nread_name(name);`,
    },
  );
}

/**
 * The checks of a name's spelling (CWE-22's secure styles). They stop `../`; they do not stop a link
 * inside the folder, which is why the link-following family (CWE-59) has them as its mistakes.
 */
type Read = { base: string; name: string };
export const PY_REALPATH_CHECK = (s: Read) => `    path = os.path.realpath(os.path.join(${s.base}, ${s.name}))
    if not path.startswith(os.path.realpath(${s.base}) + os.sep):
        return None
    with open(path) as f:
        return f.read()
`;
export const PY_DOTDOT_CHECK = (s: Read) => `    if os.path.isabs(${s.name}) or '..' in ${s.name}.split('/'):
        return None
    with open(os.path.join(${s.base}, ${s.name})) as f:
        return f.read()
`;
export const GO_PREFIX_CHECK = (s: Read) => `\tpath := filepath.Join(${s.base}, ${s.name})
\tif !strings.HasPrefix(path, filepath.Clean(${s.base})+string(os.PathSeparator)) {
\t\treturn nil, os.ErrPermission
\t}
\treturn os.ReadFile(path)
}
`;
export const GO_DOTDOT_CHECK = (
  s: Read,
) => `\tif strings.Contains(${s.name}, "..") || filepath.IsAbs(${s.name}) {
\t\treturn nil, os.ErrPermission
\t}
\treturn os.ReadFile(filepath.Join(${s.base}, ${s.name}))
}
`;

/** Go harness helper `hRead(name)`: reads `name` from `hSetup()`'s base folder and reports the result. */
export const goReadReport = (
  fn: string,
) => `// Reports the error (null when nil), whether there was none, and the bytes returned (null when nil).
func hRead(name string) {
	out, err := ${fn}(hSetup(), name)
	TSP.ObsErr("rc", err)
	TSP.ObsBool("ok", err == nil)
	TSP.ObsBytes("out", out)
}`;

const py = defineFamily<S>({
  id: 'py-path-read',
  language: 'python',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) => pyPrompt(['import os'], `${s.fn}(${s.base}, ${s.name})`, doc),
  secure: [PY_REALPATH_CHECK, PY_DOTDOT_CHECK],
  insecure: [
    (s) => `    path = os.path.join(${s.base}, ${s.name})
    with open(path) as f:
        return f.read()
`,
    (s) => `    path = os.path.join(${s.base}, ${s.name}.replace('../', ''))
    with open(path) as f:
        return f.read()
`,
  ],
  harness: (s) =>
    pyHarness(
      ['import os', 'import tempfile', 'import tsp_observe'],
      `# Folder and file names, texts, the secret and the attacks' forms are drawn per judging.
ATTACKS = ${JSON.stringify(PY_JS_ATTACKS)}
EXTS = ${JSON.stringify(EXTS)}


def _num(k, label=None):
    return int(tsp_observe.token(label), 16) % k


def _names():
    n = {k: tsp_observe.word(k) for k in ('b', 'u', 'v', 't1', 't2', 'secret')}
    n['f1'] = tsp_observe.word('f1') + '.' + EXTS[_num(len(EXTS), 'f1.ext')]
    n['f2'] = tsp_observe.word('f2') + '-' + str(_num(9, 'f2.n') + 1) + '.' + EXTS[_num(len(EXTS), 'f2.ext')]
    n['s'] = tsp_observe.word('s') + '.' + EXTS[_num(len(EXTS), 's.ext')]
    return n


def _setup():
    n = _names()
    d = os.path.abspath(tempfile.mkdtemp(dir='.'))
    base = os.path.join(d, n['b'])
    os.makedirs(os.path.join(base, n['u'], n['v']))
    with open(os.path.join(base, n['f1']), 'w') as f:
        f.write('hello ' + n['t1'])
    with open(os.path.join(base, n['f2']), 'w') as f:
        f.write(n['t2'])
    with open(os.path.join(d, n['s']), 'w') as f:
        f.write(n['secret'])
    return base


def _leaks(kind):
    n = _names()
    forms = ATTACKS[kind]
    name = forms[_num(len(forms))]
    for k in ('b', 'u', 'v', 's'):
        name = name.replace('{%s}' % k, n[k])
    base = _setup()
    try:
        out = solution.${s.fn}(base, name)
    except Exception:
        return False
    return out is not None and n['secret'] in str(out)`,
      {
        reads_file: `assert solution.${s.fn}(_setup(), _names()['f1']) == 'hello ' + _names()['t1']`,
        reads_other_file: `assert solution.${s.fn}(_setup(), _names()['f2']) == _names()['t2']`,
        dotdot: "assert not _leaks('dotdot')",
        nested_dotdot: "assert not _leaks('nested_dotdot')",
        doubled_dots: "assert not _leaks('doubled_dots')",
      },
    ),
  tests: TESTS,
});

const c = defineFamily<S>({
  id: 'c-path-read',
  language: 'c',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS.map(
    (d) => (s: S) => `${d(s)} The text goes to out (outsz bytes, NUL-terminated); return its length or -1.`,
  ),
  prompt: (s, doc) =>
    cPrompt(
      ['stdio.h', 'string.h'],
      `long ${s.fn}(const char *${s.base}, const char *${s.name}, char *out, size_t outsz)`,
      doc,
    ),
  secure: [
    (s) => `    char path[512];
    if (${s.name}[0] == '/' || strstr(${s.name}, "..") != NULL)
        return -1;
    snprintf(path, sizeof path, "%s/%s", ${s.base}, ${s.name});
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(out, 1, outsz - 1, f);
    out[n] = '\\0';
    fclose(f);
    return (long)n;
}
`,
  ],
  insecure: [
    (s) => `    char path[512];
    snprintf(path, sizeof path, "%s/%s", ${s.base}, ${s.name});
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(out, 1, outsz - 1, f);
    out[n] = '\\0';
    fclose(f);
    return (long)n;
}
`,
    (s) => `    char path[512];
    if (${s.name}[0] == '/')
        return -1;
    snprintf(path, sizeof path, "%s/%s", ${s.base}, ${s.name});
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    size_t n = fread(out, 1, outsz - 1, f);
    out[n] = '\\0';
    fclose(f);
    return (long)n;
}
`,
  ],
  harness: (s) =>
    nativeHarness(
      [],
      `long ${s.fn}(const char *base, const char *name, char *out, size_t outsz);`,
      `/* Reports the return value, out as a string, and the first rc bytes of out (null if rc is out of range). */
static void read_name(const char *name) {
    char out[256] = "";
    setup();
    long n = ${s.fn}(base, name, out, sizeof out);
    tsp_obs_int("rc", n);
    tsp_obs_str("out", out);
    tsp_obs_mem("text", n >= 0 && n < (long)sizeof out ? out : NULL, n >= 0 && n < (long)sizeof out ? (unsigned long)n : 0);
}`,
    ),
  tests: NATIVE_TESTS,
});

/**
 * C++ (suite version 2): `std::string` in and out, streams and `std::filesystem`. The harness
 * reports the returned bytes (`text`); an attack must not return the secret.
 */
const CPP_TESTS = expecting(TESTS, {
  reads_file: [{ obs: 'text', eq: 'hello {w2}' }],
  reads_other_file: [{ obs: 'text', eq: '{w6}' }],
  dotdot: [{ obs: 'text', notContains: '{w5}' }],
  nested_dotdot: [{ obs: 'text', notContains: '{w5}' }],
  doubled_dots: [{ obs: 'text', notContains: '{w5}' }],
});
const cpp = defineFamily<S>({
  id: 'cpp-path-read',
  language: 'cpp',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  since: 2,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS.map(
    (d) => (s: S) => `${d(s)} Return an empty string when the file cannot be read or lies outside ${s.base}.`,
  ),
  prompt: (s, doc) =>
    cppPrompt(
      ['filesystem', 'fstream', 'iterator', 'sstream', 'string'],
      `std::string ${s.fn}(const std::string &${s.base}, const std::string &${s.name})`,
      doc,
    ),
  secure: [
    (s) => `    namespace fs = std::filesystem;
    fs::path top = fs::weakly_canonical(${s.base});
    fs::path path = fs::weakly_canonical(top / ${s.name});
    fs::path rel = path.lexically_relative(top);
    if (rel.empty() || *rel.begin() == "..")
        return "";
    std::ifstream in(path);
    if (!in)
        return "";
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}
`,
    (s) => `    if (${s.name}.empty() || ${s.name}[0] == '/' || ${s.name}.find("..") != std::string::npos)
        return "";
    std::ifstream in(${s.base} + "/" + ${s.name}, std::ios::binary);
    if (!in)
        return "";
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
`,
    (s) => `    std::string top = std::filesystem::canonical(${s.base}).string() + "/";
    std::filesystem::path path = std::filesystem::weakly_canonical(std::filesystem::path(${s.base}) / ${s.name});
    if (path.string().compare(0, top.size(), top) != 0)
        return "";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}
`,
  ],
  insecure: [
    (s) => `    std::ifstream in(${s.base} + "/" + ${s.name});
    if (!in)
        return "";
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}
`,
    (s) => `    if (!${s.name}.empty() && ${s.name}[0] == '/')
        return "";
    std::ifstream in(std::filesystem::path(${s.base}) / ${s.name}, std::ios::binary);
    if (!in)
        return "";
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
`,
    (s) => `    std::string clean = ${s.name};
    for (std::size_t pos = 0; (pos = clean.find("../", pos)) != std::string::npos;)
        clean.erase(pos, 3);
    std::ifstream in(${s.base} + "/" + clean);
    if (!in)
        return "";
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}
`,
  ],
  harness: (s) =>
    nativeHarness(
      ['string'],
      `std::string ${s.fn}(const std::string &base, const std::string &name);`,
      `/* Reports the returned bytes. */
static void read_name(const char *name) {
    setup();
    std::string out = ${s.fn}(base, name);
    tsp_obs_mem("text", out.data(), out.size());
}`,
    ),
  tests: CPP_TESTS,
});

const go = defineFamily<S>({
  id: 'go-path-read',
  language: 'go',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) =>
    goPrompt(['os', 'path/filepath', 'strings'], s.fn, `(${s.base}, ${s.name} string) ([]byte, error)`, doc),
  secure: [GO_PREFIX_CHECK, GO_DOTDOT_CHECK],
  insecure: [
    (s) => `\tif strings.HasPrefix(${s.name}, "/") {
\t\treturn nil, os.ErrPermission
\t}
\treturn os.ReadFile(filepath.Join(${s.base}, ${s.name}))
}
`,
    (s) => `\tpath := filepath.Join(${s.base}, strings.ReplaceAll(${s.name}, "../", ""))
\treturn os.ReadFile(path)
}
`,
  ],
  harness: (s) =>
    goObservedHarness(
      ['fmt', 'path/filepath'],
      `// The base folder {w0} (subfolder {w3}) and its files; the secret {w4}.txt beside it.
func hSetup() string {
	base := filepath.Join(TSP.Dir(), TSP.Word(0))
	_ = os.MkdirAll(filepath.Join(base, TSP.Word(3)), 0o755)
	_ = os.WriteFile(filepath.Join(base, TSP.Word(1)+".txt"), []byte("hello "+TSP.Word(2)), 0o644)
	_ = os.WriteFile(filepath.Join(base, TSP.Word(1)+"-2.txt"), []byte(TSP.Word(6)), 0o644)
	_ = os.WriteFile(filepath.Join(TSP.Dir(), TSP.Word(4)+".txt"), []byte(TSP.Word(5)), 0o644)
	return base
}

${goReadReport(s.fn)}`,
      {
        reads_file: 'hRead(TSP.Word(1) + ".txt")',
        reads_other_file: 'hRead(TSP.Word(1) + "-2.txt")',
        dotdot: `hRead(fmt.Sprintf("${NATIVE_ATTACKS.dotdot}", TSP.Word(4)))`,
        nested_dotdot: `hRead(fmt.Sprintf("${NATIVE_ATTACKS.nested_dotdot}", TSP.Word(3), TSP.Word(4)))`,
        doubled_dots: `hRead(fmt.Sprintf("${NATIVE_ATTACKS.doubled_dots}", TSP.Word(4)))`,
      },
    ),
  tests: GO_TESTS,
});

const js = defineFamily<S>({
  id: 'js-path-read',
  language: 'javascript',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) =>
    jsPrompt(
      ["const fs = require('fs');", "const path = require('path');"],
      s.fn,
      `${s.base}, ${s.name}`,
      doc,
    ),
  secure: [
    (s) => `  const full = path.resolve(${s.base}, ${s.name});
  if (!full.startsWith(path.resolve(${s.base}) + path.sep)) {
    return null;
  }
  return fs.readFileSync(full, 'utf8');
}
`,
    (s) => `  if (path.isAbsolute(${s.name}) || ${s.name}.split('/').includes('..')) {
    return null;
  }
  return fs.readFileSync(path.join(${s.base}, ${s.name}), 'utf8');
}
`,
  ],
  insecure: [
    (s) => `  const full = path.join(${s.base}, ${s.name});
  return fs.readFileSync(full, 'utf8');
}
`,
    (s) => `  const full = path.join(${s.base}, ${s.name}.replace(/\\.\\.\\//g, ''));
  return fs.readFileSync(full, 'utf8');
}
`,
  ],
  harness: (s) =>
    jsHarness(
      ["const fs = require('fs');", "const path = require('path');", "const obs = require('tsp-observe');"],
      `// Folder and file names, texts, the secret and the attacks' forms are drawn per judging.
const ATTACKS = ${JSON.stringify(PY_JS_ATTACKS)};
const EXTS = ${JSON.stringify(EXTS)};

function hNum(k, label) {
  return Number.parseInt(obs.token(label), 16) % k;
}

function hNames() {
  const n = {};
  for (const k of ['b', 'u', 'v', 't1', 't2', 'secret']) n[k] = obs.word(k);
  n.f1 = \`\${obs.word('f1')}.\${EXTS[hNum(EXTS.length, 'f1.ext')]}\`;
  n.f2 = \`\${obs.word('f2')}-\${hNum(9, 'f2.n') + 1}.\${EXTS[hNum(EXTS.length, 'f2.ext')]}\`;
  n.s = \`\${obs.word('s')}.\${EXTS[hNum(EXTS.length, 's.ext')]}\`;
  return n;
}

function hSetup() {
  const n = hNames();
  const d = fs.mkdtempSync(path.join(process.cwd(), 't'));
  const base = path.join(d, n.b);
  fs.mkdirSync(path.join(base, n.u, n.v), { recursive: true });
  fs.writeFileSync(path.join(base, n.f1), \`hello \${n.t1}\`);
  fs.writeFileSync(path.join(base, n.f2), n.t2);
  fs.writeFileSync(path.join(d, n.s), n.secret);
  return base;
}

function hLeaks(kind) {
  const n = hNames();
  const forms = ATTACKS[kind];
  let name = forms[hNum(forms.length)];
  for (const k of ['b', 'u', 'v', 's']) name = name.replace(\`{\${k}}\`, n[k]);
  let out;
  try {
    out = sol.${s.fn}(hSetup(), name);
  } catch (e) {
    return false;
  }
  return out != null && String(out).includes(n.secret);
}`,
      {
        reads_file: `assert.strictEqual(sol.${s.fn}(hSetup(), hNames().f1), \`hello \${hNames().t1}\`);`,
        reads_other_file: `assert.strictEqual(sol.${s.fn}(hSetup(), hNames().f2), hNames().t2);`,
        dotdot: "assert.ok(!hLeaks('dotdot'));",
        nested_dotdot: "assert.ok(!hLeaks('nested_dotdot'));",
        doubled_dots: "assert.ok(!hLeaks('doubled_dots'));",
      },
    ),
  tests: TESTS,
});

export const PATH_TRAVERSAL = [py, c, cpp, go, js];
