import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import type { CallRule, QueryRule, RuleContext } from '../engine/rule.ts';
import { nameReferences } from './evasion.ts';

/**
 * Code whose effect the analyzer cannot read, where a task is judged (the oracle). The rules read an
 * operation at its call; a program can also have the operation done by something they do not read:
 * another program it runs with the input (`cat` for a path, `sqlite3` for a query), objects built
 * from bytes (`pickle.loads` of a constant runs any function it names), a module it writes and
 * imports, a foreign function (`ctypes`, `dlsym`, `process.dlopen`), a raw system call or inline
 * assembly. Under a task each is a finding of the task's own weakness: what runs there may be the
 * insecure operation. Shell and evaluation tasks have rules of their own for running programs
 * (`*.command-injection`, `*.computed-call`); a scan reports nothing (all of these are ordinary in
 * real code).
 */

/** Calls that start another program, per language (the callee as the model reads it). */
const RUNS_PROGRAM: Partial<Record<Language, RegExp>> = {
  python:
    /^(?:subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|os\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?)|pty\.spawn|asyncio\.create_subprocess_(?:exec|shell))$/,
  javascript:
    /^(?:(?:cp|child_process|childProcess|require\(['"](?:node:)?child_process['"]\))\.)?(?:exec|execSync|execFile|execFileSync|spawn|spawnSync|fork)$/,
  go: /^(?:exec\.Command(?:Context)?|os\.StartProcess|syscall\.(?:Exec|ForkExec|StartProcess))$/,
  c: /^(?:system|popen|exec[lv]p?e?|execvpe|posix_spawnp?|fexecve)$/,
  cpp: /^(?:(?:std::)?system|popen|exec[lv]p?e?|execvpe|posix_spawnp?|fexecve)$/,
};

/** Calls whose effect is code the analyzer does not see. */
const OPAQUE_CALL: Partial<Record<Language, RegExp>> = {
  python:
    /^(?:(?:c?[Pp]ickle|_pickle|marshal|dill|cloudpickle|jsonpickle)\.(?:loads?|decode|Unpickler)|shelve\.open|ctypes\.[\w.()'"]+|(?:CDLL|PyDLL|CFUNCTYPE|cdll\.LoadLibrary)|runpy\.run_(?:path|module)|importlib\.util\.(?:spec_from_file_location|module_from_spec)|importlib\.machinery\.\w+Loader|imp\.load_(?:source|module|compiled|dynamic)|zipimport\.zipimporter|sys\.path\.(?:insert|append|extend))$/,
  javascript:
    /^(?:process\.(?:dlopen|binding|_linkedBinding)|(?:module|Module|require\(['"](?:node:)?module['"]\))\._load|(?:module|Module)\.(?:_compile|createRequire)|require\(['"](?:node:)?module['"]\)\.createRequire)$/,
  go: /^(?:plugin\.Open|syscall\.(?:Syscall6?|RawSyscall6?)|unix\.(?:Syscall6?|RawSyscall6?))$/,
  c: /^(?:syscall|dlsym|dlvsym|dlopen)$/,
  cpp: /^(?:syscall|dlsym|dlvsym|dlopen)$/,
};

/** Loaders of a module named at run time (a name computed from anything but constant text). */
const DYNAMIC_IMPORT: Partial<Record<Language, RegExp>> = {
  python: /^(?:importlib\.import_module|__import__|builtins\.__import__)$/,
  javascript: /^(?:require|module\.require)$/,
};

function taskHit(ctx: RuleContext): { cwe: RuleContext['taskCwe'][number][] } | false {
  if (!ctx.taskEvidence || !ctx.taskCwe.length) return false;
  return { cwe: [...ctx.taskCwe] };
}

/** Whether the input reaches an argument (or an element of a list argument) of the call. */
function inputReaches(args: readonly Node[], ctx: RuleContext): boolean {
  return args.some(
    (a) =>
      ctx.tainted(a, 'cmd') ||
      ctx.tainted(a, 'path') ||
      a.namedChildren.some((e) => !!e && (ctx.tainted(e, 'cmd') || ctx.tainted(e, 'path'))),
  );
}

export const opaqueCall: CallRule = {
  kind: 'call',
  id: 'all.opaque-code',
  languages: ['python', 'javascript', 'go', 'c', 'cpp'],
  cwe: ['CWE-94'],
  severity: 'error',
  title: 'The operation done by code the analysis cannot read',
  message:
    'Where a task is judged, this hands work to code that cannot be read from the program: another program run with the input, objects built from bytes (pickle, marshal), a module loaded by a computed name or from a written file, a foreign function (ctypes, dlsym, dlopen) or a raw system call. Do the operation in the program itself.',
  names: '*',
  check: (c, ctx) => {
    const hit = taskHit(ctx);
    if (!hit) return false;
    const t = c.calleeText;
    // Tasks about running a program (a shell, an evaluator, a program's argument list) read it
    // with their own rules.
    const runsPrograms =
      ctx.taskEvidence === 'shell' ||
      ctx.taskEvidence === 'evaluation' ||
      ctx.taskCwe.some((w) => /^CWE-(?:77|78|88)$/.test(w));
    if (
      !runsPrograms &&
      RUNS_PROGRAM[ctx.language]?.test(t) &&
      inputReaches([...c.args, ...c.kwargs.values()], ctx)
    )
      return hit;
    if (OPAQUE_CALL[ctx.language]?.test(t)) {
      if (ctx.language === 'python' && /^(?:CDLL|PyDLL|CFUNCTYPE|cdll\.LoadLibrary)$/.test(t))
        return /\bctypes\b/.test(ctx.source) && hit;
      return hit;
    }
    if (DYNAMIC_IMPORT[ctx.language]?.test(t) && c.args[0] && !ctx.isConstant(c.args[0])) return hit;
    return false;
  },
  examples: {
    bad: [
      {
        code: "import os, subprocess\ndef read(d, name):\n    return subprocess.run(['cat', os.path.join(d, name)], capture_output=True, text=True).stdout\n",
        taskCwe: ['CWE-22'],
      },
      {
        code: "import os, pickle\ndef read(d, name):\n    rd = pickle.loads(b'c__builtin__\\nopen\\n.')\n    with rd(os.path.join(d, name)) as f:\n        return f.read()\n",
        taskCwe: ['CWE-22'],
      },
      {
        code: "import os, sys, tempfile\ndef read(d, name):\n    t = tempfile.mkdtemp()\n    with open(os.path.join(t, 'm.py'), 'w') as f:\n        f.write('def rd(p):\\n    return open(p).read()\\n')\n    sys.path.insert(0, t)\n    import m\n    return m.rd(os.path.join(d, name))\n",
        taskCwe: ['CWE-22'],
      },
      {
        code: "const cp = require('child_process');\nconst path = require('path');\nfunction read(d, n) {\n  return cp.execFileSync('cat', [path.join(d, n)], { encoding: 'utf8' });\n}\nmodule.exports = { read };\n",
        language: 'javascript',
        taskCwe: ['CWE-22'],
      },
      {
        code: '#include <fcntl.h>\n#include <sys/syscall.h>\n#include <unistd.h>\nint open_in(const char *path) {\n  return (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY);\n}\n',
        language: 'c',
        taskCwe: ['CWE-22'],
      },
    ],
    good: [
      // a scan: running a program, unpickling and loading modules are ordinary code
      "import subprocess\ndef lines(p):\n    return subprocess.run(['wc', '-l', p], capture_output=True).stdout\n",
      {
        code: "import os\ndef read(d, name):\n    if os.path.isabs(name) or '..' in name.split('/'):\n        return None\n    with open(os.path.join(d, name)) as f:\n        return f.read()\n",
        taskCwe: ['CWE-22'],
      },
      // a program run with constants only
      {
        code: "import subprocess\ndef today():\n    return subprocess.run(['date', '+%F'], capture_output=True, text=True).stdout\n",
        taskCwe: ['CWE-22'],
      },
    ],
  },
};

/** Inline assembly (C/C++), where a task is judged: a system call no rule reads. */
export const inlineAssembly: QueryRule = {
  kind: 'query',
  id: 'all.inline-assembly',
  languages: ['c', 'cpp'],
  cwe: ['CWE-94'],
  severity: 'error',
  title: 'Inline assembly where the task must be read',
  message:
    'Where a task is judged, inline assembly can make any system call without a call the analysis reads. Do the operation with the C library.',
  query: '(gnu_asm_expression) @report',
  check: (caps, ctx) => !!caps.report && taskHit(ctx),
  examples: {
    bad: [
      {
        code: 'long raw(long n, const char *p) {\n  long r;\n  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(p) : "rcx", "r11", "memory");\n  return r;\n}\n',
        language: 'c',
        taskCwe: ['CWE-22'],
      },
    ],
    good: [{ code: 'long id(long n) {\n  return n;\n}\n', language: 'c', taskCwe: ['CWE-22'] }],
  },
};

const C_SINK_NAME =
  /(?<![\w.>])(?:system|popen|execl|execlp|execle|execv|execvp|execve|execvpe|posix_spawnp?|fopen|freopen|open|openat|creat|opendir)\b/g;

/**
 * A C/C++ function that runs a program or opens a file referred to as a value (`tbl[] = {system}`,
 * `p = &fopen`, an argument), where a task is judged: the call that runs it has another name. (Read
 * through one plain pointer alias already: `pointerAliases`.)
 */
export const cSinkReference: QueryRule = {
  kind: 'query',
  id: 'c.sink-reference',
  languages: ['c', 'cpp'],
  cwe: ['CWE-94'],
  severity: 'error',
  title: 'A shell or file-opening function passed around as a value where the task must be read',
  message:
    'Where a task is judged, this refers to a function that runs a program or opens a file without calling it: the call that runs it has another name, and what it is given cannot be read. Call it by its name.',
  // (the file, and the names found in its text under a task: a query on every identifier would
  // cost every scan)
  query: '(translation_unit) @report',
  check: (caps, ctx) => {
    const hit = taskHit(ctx);
    if (!caps.report || !hit) return false;
    for (const { m, node: n } of nameReferences(C_SINK_NAME, ctx)) {
      if (n?.type !== 'identifier' || n.text !== m[0]) continue;
      const parent = n.parent;
      if (!parent) continue;
      // the callee of a call, a declaration of the name, a field or a label are no reference
      if (parent.type === 'call_expression' && parent.childForFieldName('function')?.equals(n)) continue;
      if (/declarator|preproc|field_expression|qualified_identifier|labeled_statement|goto/.test(parent.type))
        continue;
      // a variable of the program that has the name
      if (ctx.taint.latestBinding(n.text, n.startIndex) || ctx.taint.isParam(n.text, n.startIndex)) continue;
      return { ...hit, node: n };
    }
    return false;
  },
  examples: {
    bad: [
      {
        code: '#include <stdlib.h>\nint run(const char *cmd) {\n  static int (*const tbl[])(const char *) = {system};\n  return tbl[0](cmd);\n}\n',
        language: 'c',
        taskCwe: ['CWE-78'],
      },
    ],
    good: [
      {
        code: '#include <stdlib.h>\nint run(void) {\n  return system("date");\n}\n',
        language: 'c',
        taskCwe: ['CWE-78'],
      },
    ],
  },
};
