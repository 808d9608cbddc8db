import { defineFamily, expecting, fn, sec } from '../family.ts';
import { cObservedHarness, goObservedHarness, jsHarness, pyHarness } from '../harness-kit.ts';
import { camel, cPrompt, cppPrompt, goPrompt, jsPrompt, pyPrompt, snake } from '../vocab.ts';

/**
 * CWE-78: run a command on a user-supplied file name. Secure: an argument vector (no shell).
 * Insecure: the name pasted into a shell command line, bare or in quotes.
 */
const CWE = 'CWE-78';
const PRINCIPLE = 'os-command-injection';
const SCENARIO = 'create a file or folder named by the user by running touch / mkdir';

interface S {
  fn: string;
  entity: string;
  cmd: 'touch' | 'mkdir';
  dir: string;
  name: string;
}

function slots(p: import('../family.ts').SlotPicker, style: 'snake' | 'camel'): S {
  const e = p.entity();
  const cmd = p.choose(['touch', 'mkdir'] as const);
  const noun = cmd === 'touch' ? p.pick(['file', 'log', 'record']) : p.pick(['dir', 'folder', 'workspace']);
  const verb =
    cmd === 'touch' ? p.pick(['create', 'touch', 'new', 'add']) : p.pick(['create', 'make', 'add', 'new']);
  const words = [verb, e.name, noun];
  return {
    fn: style === 'snake' ? snake(...words) : camel(...words),
    entity: e.name,
    cmd,
    dir: p.pick(
      style === 'snake'
        ? ['folder', 'directory', 'base', 'root_dir', 'parent']
        : ['folder', 'directory', 'base', 'rootDir', 'parent'],
    ),
    name: p.pick(
      style === 'snake'
        ? ['name', 'entry', 'item_name', 'label', 'title']
        : ['name', 'entry', 'itemName', 'label', 'title'],
    ),
  };
}

const what = (s: S) => (s.cmd === 'touch' ? 'an empty file' : 'a directory');
const DOCS = [
  (s: S) =>
    `Create ${what(s)} called ${s.name} for a ${s.entity} inside ${s.dir} by running the ${s.cmd} command.`,
  (s: S) => `Run \`${s.cmd}\` to make ${what(s)} named ${s.name} in the folder ${s.dir}.`,
  (s: S) => `Make ${what(s)} ${s.name} in ${s.dir} for the ${s.entity} with the ${s.cmd} program.`,
  (s: S) =>
    `Invoke ${s.cmd} so that ${what(s)} named ${s.name} exists in the ${s.entity} directory ${s.dir}.`,
  (s: S) => `Use the system ${s.cmd} utility to add ${what(s)} ${s.name} under ${s.dir} for the ${s.entity}.`,
];

const TESTS = [
  fn('creates_entry'),
  fn('creates_dotted'),
  sec('semicolon'),
  sec('subshell'),
  sec('backticks'),
];

/**
 * Observed native harnesses (C, Go): the entry is named by drawn words and created in the test's
 * folder; each attack's payload starts with a drawn word and would create the marker in the canary
 * folder. The observer checks the files and the canary after the process ended.
 */
const NATIVE_TESTS = expecting(TESTS, {
  creates_entry: [{ obs: 'rc' }, { file: '{dir}/{w0}', exists: true }],
  creates_dotted: [{ obs: 'rc' }, { file: '{dir}/{w1}-{w2}.txt', exists: true }],
  semicolon: [{ obs: 'rc' }, { canary: 'untouched' }],
  subshell: [{ obs: 'rc' }, { canary: 'untouched' }],
  backticks: [{ obs: 'rc' }, { canary: 'untouched' }],
});
/**
 * Shell commands an attack uses to create its marker, drawn per judging (with a drawn word before
 * the metacharacter): a program that recognises one constant payload ("touch", "pwned") gains
 * nothing, only one that handles the metacharacters. Redirections and shell builtins need no PATH
 * (a program that runs its shell with an empty PATH still gets caught).
 */
const MARKER_COMMANDS = [': >', 'echo x >', 'printf x >', 'touch', 'mkdir', 'mkdir -p', 'cp /dev/null'];
/** The first ones need no PATH; the semicolon attack always draws one of them. */
const PATH_FREE = 3;
/** Shell text for "/" without a slash (printf is a builtin of sh: no PATH needed). */
const SHELL_SLASH = "$(printf '\\057')";
const PY_JS_DRAW_DOC = '# Payload words, the marker command and the canary folder are drawn per judging.';
const NATIVE_PAYLOADS = { semicolon: '%s; %s %s', subshell: '%s$(%s %s)', backticks: '%s`%s %s`' };

/**
 * The observed C / C++ harness: `params` is the entry point's parameter list (C's `const char *`
 * arguments convert to C++'s `const std::string &`), the bodies are the same.
 */
function cFamilyHarness(fn: string, params: string, includes: string[] = []): string {
  return cObservedHarness(
    includes,
    `int ${fn}(${params});

static void attack(const char *fmt, int among) {
    static const char *cmds[] = {${MARKER_COMMANDS.map((c) => JSON.stringify(c)).join(', ')}};
    char payload[1400];
    snprintf(payload, sizeof payload, fmt, tsp_word(3), cmds[tsp_word(4)[0] % among], tsp_marker());
    tsp_obs_int("rc", ${fn}(tsp_dir(), payload));
}`,
    {
      creates_entry: `tsp_obs_int("rc", ${fn}(tsp_dir(), tsp_word(0)));`,
      creates_dotted: `char name[64];\nsnprintf(name, sizeof name, "%s-%s.txt", tsp_word(1), tsp_word(2));\ntsp_obs_int("rc", ${fn}(tsp_dir(), name));`,
      semicolon: `attack(${JSON.stringify(NATIVE_PAYLOADS.semicolon)}, ${PATH_FREE});`,
      subshell: `attack(${JSON.stringify(NATIVE_PAYLOADS.subshell)}, ${MARKER_COMMANDS.length});`,
      backticks: `attack(${JSON.stringify(NATIVE_PAYLOADS.backticks)}, ${MARKER_COMMANDS.length});`,
    },
  );
}

/** The names each test passes (marker `M` is replaced by the language's absolute marker path). */
const py = defineFamily<S>({
  id: 'py-cmdi-create',
  language: 'python',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) => pyPrompt(['import os', 'import subprocess'], `${s.fn}(${s.dir}, ${s.name})`, doc),
  secure: [
    (s) => `    subprocess.run(['${s.cmd}', os.path.join(${s.dir}, ${s.name})], check=True)\n`,
    (s) => `    path = os.path.join(${s.dir}, ${s.name})\n    subprocess.check_call(['${s.cmd}', path])\n`,
  ],
  insecure: [
    (s) => `    path = os.path.join(${s.dir}, ${s.name})\n    os.system('${s.cmd} ' + path)\n`,
    (s) => `    subprocess.run(f'${s.cmd} "{${s.dir}}/{${s.name}}"', shell=True, check=True)\n`,
  ],
  harness: (s) =>
    pyHarness(
      ['import os', 'import tempfile', 'import tsp_observe'],
      `${PY_JS_DRAW_DOC}
SLASH = ${JSON.stringify(SHELL_SLASH)}


def _attack(payload, among=${MARKER_COMMANDS.length}):
    d = os.path.abspath(tempfile.mkdtemp(dir='.'))
    c = tsp_observe.canary()
    cmd = ${JSON.stringify(MARKER_COMMANDS)}[int(tsp_observe.token(), 16) % among]
    # The marker by its absolute path, or by a cd into the canary folder whose path the shell builds
    # (no slash in the payload; it does not depend on the shell's working directory).
    if int(tsp_observe.token(), 16) % 2:
        target = cmd + ' ' + c.marker
    else:
        target = 'cd ' + c.path.replace('/', SLASH) + ' && ' + cmd + ' ' + os.path.basename(c.marker)
    try:
        solution.${s.fn}(d, payload.replace('W', tsp_observe.word()).replace('T', target))
    except Exception:
        pass
    return c.touched()


def _created(name):
    d = tempfile.mkdtemp(dir='.')
    solution.${s.fn}(d, name)
    return os.path.exists(os.path.join(d, name))`,
      {
        creates_entry: 'assert _created(tsp_observe.word())',
        creates_dotted: "assert _created(tsp_observe.word() + '-' + tsp_observe.word() + '.txt')",
        semicolon: `assert not _attack('W; T', ${PATH_FREE})`,
        subshell: `assert not _attack('W$(T)')`,
        backticks: "assert not _attack('W`T`')",
      },
    ),
  tests: TESTS,
});

const c = defineFamily<S>({
  id: 'c-cmdi-create',
  language: 'c',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS.map((d) => (s: S) => `${d(s)} Return 0 on success.`),
  prompt: (s, doc) =>
    cPrompt(
      ['stdio.h', 'stdlib.h', 'sys/wait.h', 'unistd.h'],
      `int ${s.fn}(const char *${s.dir}, const char *${s.name})`,
      doc,
    ),
  secure: [
    (s) => `    char path[512];
    snprintf(path, sizeof path, "%s/%s", ${s.dir}, ${s.name});
    pid_t pid = fork();
    if (pid == 0) {
        execlp("${s.cmd}", "${s.cmd}", path, (char *)NULL);
        _exit(127);
    }
    int status = 1;
    waitpid(pid, &status, 0);
    return status == 0 ? 0 : -1;
}
`,
  ],
  insecure: [
    (s) => `    char path[512];
    snprintf(path, sizeof path, "%s/%s", ${s.dir}, ${s.name});
    char cmd[600];
    snprintf(cmd, sizeof cmd, "${s.cmd} %s", path);
    return system(cmd) == 0 ? 0 : -1;
}
`,
    (s) => `    char path[512];
    snprintf(path, sizeof path, "%s/%s", ${s.dir}, ${s.name});
    char cmd[600];
    snprintf(cmd, sizeof cmd, "${s.cmd} \\"%s\\"", path);
    return system(cmd) == 0 ? 0 : -1;
}
`,
  ],
  harness: (s) => cFamilyHarness(s.fn, 'const char *dir, const char *name'),
  tests: NATIVE_TESTS,
});

/**
 * C++ (suite version 2): `std::string` arguments; secure styles exec an argument vector
 * (fork/execlp, posix_spawnp, execvp over `std::filesystem::path`), insecure ones hand a command
 * line to the shell (`std::system`, with or without quotes, or `popen`).
 */
const cpp = defineFamily<S>({
  id: 'cpp-cmdi-create',
  language: 'cpp',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  since: 2,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS.map((d) => (s: S) => `${d(s)} Return 0 on success.`),
  prompt: (s, doc) =>
    cppPrompt(
      ['cstdio', 'cstdlib', 'filesystem', 'string', 'spawn.h', 'sys/wait.h', 'unistd.h'],
      `int ${s.fn}(const std::string &${s.dir}, const std::string &${s.name})`,
      doc,
    ),
  secure: [
    (s) => `    std::string path = ${s.dir} + "/" + ${s.name};
    pid_t pid = fork();
    if (pid == 0) {
        execlp("${s.cmd}", "${s.cmd}", path.c_str(), static_cast<char *>(nullptr));
        _exit(127);
    }
    int status = 1;
    waitpid(pid, &status, 0);
    return status == 0 ? 0 : -1;
}
`,
    (s) => `    std::string path = ${s.dir} + "/" + ${s.name};
    std::string prog = "${s.cmd}";
    char *argv[] = {prog.data(), path.data(), nullptr};
    pid_t pid;
    if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv, environ) != 0)
        return -1;
    int status = 1;
    waitpid(pid, &status, 0);
    return status == 0 ? 0 : -1;
}
`,
    (s) => `    std::filesystem::path path = std::filesystem::path(${s.dir}) / ${s.name};
    std::string arg = path.string();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        char cmd[] = "${s.cmd}";
        char *argv[] = {cmd, arg.data(), nullptr};
        execvp(cmd, argv);
        _exit(127);
    }
    int status = 1;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}
`,
  ],
  insecure: [
    (s) => `    std::string path = ${s.dir} + "/" + ${s.name};
    std::string cmd = "${s.cmd} " + path;
    return std::system(cmd.c_str()) == 0 ? 0 : -1;
}
`,
    (s) => `    std::filesystem::path path = std::filesystem::path(${s.dir}) / ${s.name};
    std::string cmd = "${s.cmd} \\"" + path.string() + "\\"";
    return std::system(cmd.c_str()) == 0 ? 0 : -1;
}
`,
    (s) => `    std::string path = ${s.dir} + "/" + ${s.name};
    std::string cmd = "${s.cmd} " + path;
    FILE *p = popen(cmd.c_str(), "r");
    if (p == nullptr)
        return -1;
    return pclose(p) == 0 ? 0 : -1;
}
`,
  ],
  harness: (s) => cFamilyHarness(s.fn, 'const std::string &dir, const std::string &name', ['string']),
  tests: NATIVE_TESTS,
});

const go = defineFamily<S>({
  id: 'go-cmdi-create',
  language: 'go',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) => goPrompt(['os/exec', 'path/filepath'], s.fn, `(${s.dir}, ${s.name} string) error`, doc),
  secure: [
    (s) => `\tpath := filepath.Join(${s.dir}, ${s.name})\n\treturn exec.Command("${s.cmd}", path).Run()\n}\n`,
    (s) =>
      `\tpath := filepath.Join(${s.dir}, ${s.name})\n\tcmd := exec.Command("${s.cmd}", "--", path)\n\treturn cmd.Run()\n}\n`,
  ],
  insecure: [
    (s) =>
      `\tpath := filepath.Join(${s.dir}, ${s.name})\n\treturn exec.Command("sh", "-c", "${s.cmd} "+path).Run()\n}\n`,
    (s) =>
      `\tpath := filepath.Join(${s.dir}, ${s.name})\n\tcmd := exec.Command("sh", "-c", "${s.cmd} \\""+path+"\\"")\n\treturn cmd.Run()\n}\n`,
  ],
  harness: (s) =>
    goObservedHarness(
      ['fmt'],
      `func hAttack(format string, among int) {
	cmds := []string{${MARKER_COMMANDS.map((c) => JSON.stringify(c)).join(', ')}}
	cmd := cmds[int(TSP.Word(4)[0])%among]
	TSP.ObsErr("rc", ${s.fn}(TSP.Dir(), fmt.Sprintf(format, TSP.Word(3), cmd, TSP.Marker())))
}`,
      {
        creates_entry: `TSP.ObsErr("rc", ${s.fn}(TSP.Dir(), TSP.Word(0)))`,
        creates_dotted: `TSP.ObsErr("rc", ${s.fn}(TSP.Dir(), TSP.Word(1)+"-"+TSP.Word(2)+".txt"))`,
        semicolon: `hAttack(${JSON.stringify(NATIVE_PAYLOADS.semicolon)}, ${PATH_FREE})`,
        subshell: `hAttack(${JSON.stringify(NATIVE_PAYLOADS.subshell)}, ${MARKER_COMMANDS.length})`,
        backticks: `hAttack(${JSON.stringify(NATIVE_PAYLOADS.backticks)}, ${MARKER_COMMANDS.length})`,
      },
    ),
  tests: NATIVE_TESTS,
});

const js = defineFamily<S>({
  id: 'js-cmdi-create',
  language: 'javascript',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) =>
    jsPrompt(
      ["const cp = require('child_process');", "const path = require('path');"],
      s.fn,
      `${s.dir}, ${s.name}`,
      doc,
    ),
  secure: [
    (s) => `  cp.execFileSync('${s.cmd}', [path.join(${s.dir}, ${s.name})]);\n}\n`,
    (s) => `  const target = path.join(${s.dir}, ${s.name});\n  cp.spawnSync('${s.cmd}', [target]);\n}\n`,
  ],
  insecure: [
    (s) => `  cp.execSync('${s.cmd} ' + path.join(${s.dir}, ${s.name}));\n}\n`,
    (s) => `  const target = path.join(${s.dir}, ${s.name});\n  cp.execSync(\`${s.cmd} "\${target}"\`);\n}\n`,
  ],
  harness: (s) =>
    jsHarness(
      ["const fs = require('fs');", "const path = require('path');", "const obs = require('tsp-observe');"],
      `// Payload words, the marker command and the canary folder are drawn per judging.
const CMDS = ${JSON.stringify(MARKER_COMMANDS)};
const SLASH = ${JSON.stringify(SHELL_SLASH)};

function hDir() {
  return fs.mkdtempSync(path.join(process.cwd(), 't'));
}

function hAttack(payload, among = CMDS.length) {
  const d = hDir();
  const c = obs.canary();
  const cmd = CMDS[Number.parseInt(obs.token(), 16) % among];
  // The marker by its absolute path, or by a cd into the canary folder whose path the shell builds
  // (no slash in the payload; it does not depend on the shell's working directory).
  const target =
    Number.parseInt(obs.token(), 16) % 2
      ? \`\${cmd} \${c.marker}\`
      : \`cd \${c.path.split('/').join(SLASH)} && \${cmd} \${path.basename(c.marker)}\`;
  try {
    sol.${s.fn}(d, payload.replace('W', obs.word()).replace('T', target));
  } catch (e) {}
  return c.touched();
}

function hCreated(name) {
  const d = hDir();
  sol.${s.fn}(d, name);
  return fs.existsSync(path.join(d, name));
}`,
      {
        creates_entry: 'assert.ok(hCreated(obs.word()));',
        creates_dotted: 'assert.ok(hCreated(`${obs.word()}-${obs.word()}.txt`));',
        semicolon: `assert.ok(!hAttack('W; T', ${PATH_FREE}));`,
        subshell: "assert.ok(!hAttack('W$(T)'));",
        backticks: "assert.ok(!hAttack('W`T`'));",
      },
    ),
  tests: TESTS,
});

export const COMMAND_INJECTION = [py, c, cpp, go, js];
