import type { Node } from 'web-tree-sitter';
import { cweMatches } from '../cwe.ts';
import type { CallRule, QueryRule, Rule, RuleContext } from '../engine/rule.ts';
import {
  builtBeyondBase,
  builtStatement,
  CREDENTIAL_NAME,
  HTML_TAG,
  isLocalUrl,
  isOutermostBuild,
  judgingTask,
  literalText,
  MIN_BCRYPT_ROUNDS,
  MIN_PBKDF2_ITERATIONS,
  MIN_SCRYPT_COST,
  modeProblem,
  numberValue,
  openedAsItCame,
  originOf,
  PASSWORD_NAME,
  readsInput,
  SECRET_NAME,
  SQL_STATEMENT,
  statMode,
  TIMESTAMP_CALL,
  taintedParts,
} from './common.ts';
import { sourceHas } from './javascript-classic.ts';
import { redosRisk } from './redos.ts';

const PY = ['python'] as const;

const call = (r: Omit<CallRule, 'kind' | 'languages'>): CallRule => ({
  kind: 'call',
  languages: PY,
  ...r,
});
const query = (r: Omit<QueryRule, 'kind' | 'languages'>): QueryRule => ({
  kind: 'query',
  languages: PY,
  ...r,
});

/** Call names py.sql-injection judges (its first argument is the statement). */
/**
 * The module-qualified name a call reaches through the file's imports: `run` after `from subprocess
 * import run`, `s` after `from os import system as s`, `sp.run` after `import subprocess as sp`,
 * `e` after `from builtins import eval as e`. Only for the modules whose functions run commands or
 * code; other callees are returned as written.
 */
const qualifiedCache = new WeakMap<object, Map<string, string>>();
function qualified(calleeText: string, model: object, source: string): string {
  let map = qualifiedCache.get(model);
  if (!map) {
    map = new Map();
    const mods = '(os|subprocess|commands|pty|builtins|posix)';
    for (const m of source.matchAll(
      new RegExp(`^[ \\t]*from[ \\t]+${mods}[ \\t]+import[ \\t]+(?:\\(([\\w\\s,]+)\\)|([\\w \\t,]+))`, 'gm'),
    ))
      for (const item of (m[2] ?? m[3] ?? '').split(',')) {
        const [name, alias] = item.trim().split(/\s+as\s+/);
        if (name) map.set(alias ?? name, `${m[1]}.${name}`);
      }
    for (const m of source.matchAll(new RegExp(`^[ \\t]*import\\s+[^\\n]*?\\b${mods}\\s+as\\s+(\\w+)`, 'gm')))
      if (m[1] && m[2]) map.set(m[2], m[1]);
    qualifiedCache.set(model, map);
  }
  if (!map.size) return calleeText;
  const dot = calleeText.indexOf('.');
  const q = map.get(dot < 0 ? calleeText : calleeText.slice(0, dot));
  if (!q) return calleeText;
  const full = dot < 0 ? q : q + calleeText.slice(dot);
  return full.startsWith('builtins.') ? full.slice('builtins.'.length) : full;
}

const SQL_SINK_NAMES = new Set([
  'execute',
  'executemany',
  'executescript',
  'raw',
  'read_sql',
  'read_sql_query',
  'mogrify',
  'text',
]);

/** Calls that print, log or format a statement rather than run it. */
const NOT_A_QUERY =
  /^(?:print|str|repr|len|format|.*\.(?:debug|info|warning|warn|error|exception|critical|log|write|append|format|join|replace|strip|encode|assertEqual|assertIn))$/;

const REQUESTS =
  /^(?:requests|httpx|session|s|client|http)\.(?:get|post|put|patch|delete|head|options|request)$|^(?:urllib\.request\.)?urlopen$|^urllib\.request\.Request$|^urllib2\.urlopen$/;

/** One field of the incoming request (`request.args.get("q")`, `request.GET["q"]`), not the request object. */
const REQUEST_FIELD_PY =
  /^(?:flask\.)?request\.(?:args|form|values|GET|POST|query_params|cookies|headers)\s*(?:\[[^\]]+\]|\.get\s*\([^()]*\))$/;

const LXML_ETREE_IMPORT = /from\s+lxml\.etree\s+import/;

/** String-building node types in Python (f-strings, concatenation, %, .format). */
const BUILD_QUERY = `
[(string (interpolation)) (binary_operator operator: ["+" "%"])] @report
(call function: (attribute attribute: (identifier) @m (#eq? @m "format"))) @report
(call function: (attribute object: (string) attribute: (identifier) @j (#eq? @j "join")) arguments: (argument_list [(list) (tuple) (identifier)])) @report
(call function: (attribute object: (call function: [(identifier) (attribute)] @t (#match? @t "(^|\\.)Template$")) attribute: (identifier) @s (#match? @s "^(safe_)?substitute$"))) @report`;

export const PYTHON_RULES: Rule[] = [
  call({
    id: 'py.sql-injection',
    cwe: ['CWE-89'],
    severity: 'error',
    title: 'SQL built from untrusted data',
    message:
      'SQL query built by string formatting from untrusted data: pass the values as query parameters (cursor.execute(sql, params)) instead.',
    names: [...SQL_SINK_NAMES],
    check: (c, ctx) => {
      const q = c.args[0];
      if (!q || (c.name === 'text' && !/^(?:sqlalchemy\.)?text$/.test(c.calleeText))) return false;
      return ctx.built(q, 'sql') && { node: originOf(q, ctx, 'sql') };
    },
    examples: {
      bad: ['def f(cur, name):\n    cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n'],
      good: ['def f(cur, name):\n    cur.execute("SELECT * FROM users WHERE name = ?", (name,))\n'],
    },
  }),
  call({
    id: 'py.sql-injection-wrapper',
    cwe: ['CWE-89'],
    severity: 'error',
    title: 'SQL statement built from untrusted data',
    message:
      'An SQL statement built by string formatting from untrusted data is passed to a query helper: keep the statement constant and pass the values as parameters.',
    names: '*',
    check: (c, ctx) => {
      if (SQL_SINK_NAMES.has(c.name) || NOT_A_QUERY.test(c.calleeText)) return false;
      const q = c.args.find((a) => builtStatement(a, ctx, 'sql', SQL_STATEMENT));
      return !!q && { node: originOf(q, ctx, 'sql') };
    },
    examples: {
      bad: [
        'def f(db, uid):\n    sql = "SELECT * FROM users WHERE id = " + str(uid)\n    return db.query(sql)\n',
        'def g(short):\n    return query_db("select dest from urls where short=\'%s\'" % short)\n',
      ],
      good: [
        'def f(db, uid):\n    return db.query("SELECT * FROM users WHERE id = %s", (uid,))\n',
        'def g(short):\n    print("select dest from urls where short=\'%s\'" % short)\n',
      ],
    },
  }),
  call({
    id: 'py.command-injection',
    cwe: ['CWE-78'],
    severity: 'error',
    title: 'OS command built from untrusted data',
    message:
      'Untrusted data reaches a shell command: call subprocess.run([...]) with an argument list and shell=False (or shlex.quote each value).',
    // every call: imports can rename the functions (`from os import system as run`)
    names: '*',
    check: (c, ctx) => {
      const cmd = c.args[0];
      if (!cmd) return false;
      const callee = qualified(c.calleeText, ctx.model, ctx.source);
      if (
        /^(?:os\.system|os\.popen|posix\.system|commands\.(?:getoutput|getstatusoutput)|subprocess\.getoutput|subprocess\.getstatusoutput|asyncio\.create_subprocess_shell)$/.test(
          callee,
        )
      )
        return ctx.tainted(cmd, 'cmd') && { node: originOf(cmd, ctx, 'cmd') };
      if (!/^subprocess\./.test(callee)) return false;
      // shell=True (or 1); where findings decide, any value that is not plainly false, and keywords
      // from a `**` mapping (`**{'shell': True}`), which a scan leaves alone (forwarded options)
      const shell = c.kwargs.get('shell')?.text;
      const strict = ctx.taskEvidence === 'shell' || ctx.taskEvidence === 'evaluation';
      const splat = c.node
        .childForFieldName('arguments')
        ?.namedChildren.some((a) => a?.type === 'dictionary_splat');
      if (
        (shell !== undefined &&
          (/^(?:True|[1-9]\d*)$/.test(shell) || (strict && !/^(?:False|None|0)$/.test(shell)))) ||
        (strict && splat)
      )
        return ctx.tainted(cmd, 'cmd') && { node: originOf(cmd, ctx, 'cmd') };
      // ['sh', '-c', cmd], ['/bin/bash', '-r', '-c', cmd], ['bash', '-lc', cmd]: a shell again.
      const r = ctx.resolve(cmd);
      if (
        r.type === 'list' &&
        /^\[\s*['"](?:[\w./-]*\/)?(?:ba|z|da|k|a)?sh['"]\s*,(?:\s*['"]-[a-zA-Z]+['"]\s*,)*?\s*['"]-[a-zA-Z]*c[a-zA-Z]*['"]/.test(
          r.text,
        )
      )
        return ctx.built(r, 'cmd');
      return false;
    },
    examples: {
      bad: [
        // under a task, a command bound later in a loop's body runs on the next pass
        {
          code: "import os\ndef f(name):\n    cmd = 'true'\n    for _ in range(2):\n        os.system(cmd)\n        cmd = 'touch ' + name\n",
          taskCwe: ['CWE-78'],
        },
        'import os\ndef f(d):\n    os.system("ls " + d)\n',
        'import subprocess\ndef f(d):\n    subprocess.check_output(f"ls {d}", shell=True)\n',
        "import subprocess\ndef f(d):\n    subprocess.run(['/bin/bash', '-r', '-c', 'ls ' + d], env={'PATH': '/x'})\n",
        'import subprocess\ndef f(d):\n    subprocess.call(["sh", "-ec", f"ls {d}"])\n',
        'from os import system as run\ndef f(d):\n    run("ls " + d)\n',
        {
          code: "import subprocess as sp\ndef f(d):\n    sp.run('ls ' + d, **{'shell': True})\n",
          taskCwe: ['CWE-78'],
        },
        'from subprocess import check_output\ndef f(d):\n    check_output("ls " + d, shell=1)\n',
      ],
      good: [
        'import subprocess\ndef f(d):\n    subprocess.check_output(["ls", "-l", d])\n',
        "import shlex, subprocess\ndef f(d):\n    subprocess.run(['/bin/bash', '-r', '-c', 'ls ' + shlex.quote(d)])\n",
      ],
    },
  }),
  call({
    id: 'py.code-injection',
    cwe: ['CWE-95', 'CWE-94'],
    severity: 'error',
    title: 'eval/exec of untrusted data',
    message:
      'Untrusted data is evaluated as code: parse it instead (ast.literal_eval for literals, a small parser or an allow-list for expressions).',
    // The standard library's other ways to run a string as code: timeit, the profilers and
    // debugger, the interactive interpreter's runsource/runcode.
    names: '*',
    check: (c, ctx) =>
      /^(?:builtins\.)?(?:eval|exec|compile)$|^(?:timeit\.(?:timeit|repeat|Timer)|c?[Pp]rofile\.(?:run|runctx)|pdb\.(?:run|runeval)|code(?:op)?\.compile_command)$|\.(?:runsource|runcode)$/.test(
        qualified(c.calleeText, ctx.model, ctx.source),
      ) && ctx.tainted(c.args[0], 'code'),
    examples: {
      bad: [
        'def calc(expr):\n    return eval(expr)\n',
        'import timeit\ndef calc(expr):\n    return timeit.timeit(expr, number=1)\n',
        'import code\ndef calc(expr):\n    code.InteractiveInterpreter().runsource(expr)\n',
      ],
      good: [
        'def calc(expr):\n    if not set(expr).issubset(set("0123456789+-*/ ")):\n        return None\n    return eval(expr)\n',
        'import ast\ndef calc(expr):\n    return ast.literal_eval(expr)\n',
      ],
    },
  }),
  call({
    id: 'py.path-traversal',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'File path built from untrusted data',
    message:
      'A file path is built from untrusted data without confinement: resolve it (os.path.realpath) and check it stays under the base directory (os.path.commonpath), or use os.path.basename.',
    names: [
      'open',
      'send_file',
      'remove',
      'unlink',
      'rmtree',
      'copyfile',
      'copy',
      'move',
      'rename',
      'listdir',
      'read_text',
      'read_bytes',
      'write_text',
      'write_bytes',
      'FileResponse',
      'Path',
      'FileIO',
      'input',
      'FileInput',
      'getline',
      'getlines',
      'updatecache',
    ],
    check: (c, ctx) => {
      // other readers of a file by its name (`io.FileIO`, `fileinput.input`, `linecache.getlines`),
      // where a task is judged (in real code linecache reads the files tracebacks name)
      if (
        /^(?:FileIO|input|FileInput|getline|getlines|updatecache)$/.test(c.name) &&
        (!ctx.taskEvidence ||
          !/^(?:(?:io|_io)\.FileIO|FileIO|fileinput\.(?:input|FileInput)|linecache\.(?:getline|getlines|updatecache))$/.test(
            c.calleeText,
          ))
      )
        return false;
      // `Path(base, name)`, `Path(base) / name`, `Path(base).joinpath(name)` join their parts as
      // os.path.join does: where the file is opened.
      const pathObject = (n: Node | null | undefined, depth = 0): Node | undefined => {
        let r = n && (n.type === 'identifier' ? ctx.resolve(n) : n);
        while (r?.type === 'parenthesized_expression') r = r.namedChildren[0] ?? undefined;
        return r && depth < 6 ? r : undefined;
      };
      const isPath = (n: Node | null | undefined, depth = 0): boolean => {
        const r = pathObject(n, depth);
        if (!r) return false;
        if (r.type === 'call') {
          const fn = r.childForFieldName('function');
          // (through an import under another name: `from pathlib import Path as P`)
          if (
            /^(?:pathlib\.)?(?:Pure)?(?:Posix)?Path$/.test(ctx.model.callOf(r)?.calleeText ?? fn?.text ?? '')
          )
            return true;
          return fn?.type === 'attribute' && isPath(fn.childForFieldName('object'), depth + 1);
        }
        return (
          r.type === 'binary_operator' &&
          r.childForFieldName('operator')?.text === '/' &&
          isPath(r.childForFieldName('left'), depth + 1)
        );
      };
      /** The parts joined onto a path object's base (`name` in `Path(base) / name`). */
      const joinedParts = (n: Node | null | undefined, depth = 0): Node[] => {
        const r = pathObject(n, depth);
        if (!r) return [];
        if (
          r.type === 'binary_operator' &&
          r.childForFieldName('operator')?.text === '/' &&
          isPath(r.childForFieldName('left'), depth + 1)
        ) {
          const right = r.childForFieldName('right');
          return [...joinedParts(r.childForFieldName('left'), depth + 1), ...(right ? [right] : [])];
        }
        if (r.type !== 'call') return [];
        const fn = r.childForFieldName('function');
        const args = (r.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => !!a);
        if (/^(?:pathlib\.)?(?:Pure)?(?:Posix)?Path$/.test(ctx.model.callOf(r)?.calleeText ?? fn?.text ?? ''))
          return args.slice(1);
        if (fn?.type === 'attribute' && isPath(fn.childForFieldName('object'), depth + 1)) {
          const inner = joinedParts(fn.childForFieldName('object'), depth + 1);
          return fn.childForFieldName('attribute')?.text === 'joinpath' ? [...inner, ...args] : inner;
        }
        return [];
      };
      // Read where the file is opened (a check between the join and the open counts).
      const joinedPath = (n: Node | null | undefined) =>
        !!n && joinedParts(n).some((a) => ctx.tainted(a, 'path')) && ctx.tainted(n, 'path');
      if (c.name === 'open' && !/^(?:(?:io|os|codecs|builtins)\.)?open$/.test(c.calleeText))
        return !!c.receiver && isPath(c.receiver) && joinedPath(c.receiver) && { node: c.node };
      if (/^(?:read_text|read_bytes|write_text|write_bytes)$/.test(c.name)) {
        return !!c.receiver && (ctx.built(c.receiver, 'path') || joinedPath(c.receiver)) && { node: c.node };
      }
      const p = c.args[0] ?? c.kwargs.get('file');
      if (!p) return false;
      if (c.name !== 'Path' && joinedPath(p)) return { node: c.node };
      if (builtBeyondBase(p, ctx, 'path')) return { node: c.node };
      // A file name taken straight from the request (`os.remove(request.args.get("f"))`); where a
      // task is judged, from the caller too (the task's files are in a folder: a name opened as it
      // came, without it, is any file).
      return (
        c.name !== 'Path' &&
        (readsInput(p, ctx) || openedAsItCame(p, ctx)) &&
        ctx.tainted(p, 'path') && { node: c.node }
      );
    },
    examples: {
      bad: [
        // where a task is judged: other readers of a file by its name
        {
          code: 'import linecache, os\ndef read(d, name):\n    return "".join(linecache.getlines(os.path.join(d, name)))\n',
          taskCwe: ['CWE-22'],
        },
        {
          code: 'import io, os\ndef read(d, name):\n    return io.FileIO(os.path.join(d, name)).read()\n',
          taskCwe: ['CWE-22'],
        },
        // under a task, a wrapper returned by name is called by the program's callers (`f = wrap(f)`)
        {
          code: 'import os\ndef read(base, name):\n    return None\ndef wrap(inner):\n    def outer(*args):\n        with open(os.path.join(*args)) as f:\n            return f.read()\n    return outer\nread = wrap(read)\n',
          taskCwe: ['CWE-22'],
        },
        // where a task is judged: the name as it came on one side of an if, the checked join on the other
        {
          code: "import os\ndef read(d, name):\n    if name.endswith('K'):\n        path = name[:-1]\n    else:\n        if os.path.isabs(name) or '..' in name.split('/'):\n            return None\n        path = os.path.join(d, name)\n    with open(path) as f:\n        return f.read()\n",
          taskCwe: ['CWE-22'],
        },
        // where a task is judged: the name the function joins under its folder is opened as it came
        {
          code: "import os\ndef read(d, name):\n    if name.endswith('K'):\n        with open(name[:-1]) as f:\n            return f.read()\n    if os.path.isabs(name) or '..' in name.split('/'):\n        return None\n    with open(os.path.join(d, name)) as f:\n        return f.read()\n",
          taskCwe: ['CWE-22'],
        },
        // where a task is judged: the traversal test holds where the file is opened
        {
          code: "import os\ndef read(d, name):\n    if '..' in name.split('/') and name.endswith('K'):\n        with open(os.path.join(d, name[:-1])) as f:\n            return f.read()\n    if os.path.isabs(name) or '..' in name.split('/'):\n        return None\n    with open(os.path.join(d, name)) as f:\n        return f.read()\n",
          taskCwe: ['CWE-22'],
        },
        'import os\nfrom flask import request\ndef rm():\n    os.remove(request.args.get("fileName"))\n',
        'import os\ndef read(name, base):\n    path = os.path.join(base, name)\n    with open(path) as f:\n        return f.read()\n',
        'from pathlib import Path\ndef read(base, name):\n    return Path(base, name).read_text()\n',
        'from pathlib import Path\ndef read(base, name):\n    return (Path(base) / name).read_text()\n',
        'from pathlib import Path as P\ndef read(base, name):\n    with P(base).joinpath(name).open() as f:\n        return f.read()\n',
        'import os\ndef rd(p):\n    with open(p) as f:\n        return f.read()\ndef read(base, name):\n    return rd(os.path.join(base, name))\n',
        // Tornado and Django REST framework request reads.
        'import os\nimport tornado.web\nclass Delete(tornado.web.RequestHandler):\n    def post(self):\n        os.remove(self.get_argument("file"))\n',
        'import os\nfrom rest_framework.decorators import api_view\n@api_view(["DELETE"])\ndef delete(request):\n    os.unlink(request.query_params.get("file"))\n',
      ],
      good: [
        {
          code: "import os\ndef unpack(archive, dest):\n    with open(archive, 'rb') as f:\n        return f.read()\n",
          taskCwe: ['CWE-22'],
        },
        'from pathlib import Path\ndef read(base, name):\n    p = Path(base, name)\n    if not p.resolve().is_relative_to(Path(base).resolve()):\n        return None\n    return p.read_text()\n',
        'import os\nimport tornado.web\nclass Delete(tornado.web.RequestHandler):\n    def post(self):\n        os.remove(os.path.join("/srv/up", os.path.basename(self.get_argument("file"))))\n',
        'import os\nfrom flask import request\ndef rm():\n    os.remove(os.path.join("/srv/up", os.path.basename(request.args.get("fileName"))))\n',
        'import os\ndef read(name, base):\n    path = os.path.abspath(os.path.join(base, name))\n    if not path.startswith(os.path.abspath(base) + os.sep):\n        return ""\n    with open(path) as f:\n        return f.read()\n',
        'import os\ndef read(name, base):\n    with open(os.path.join(base, os.path.basename(name))) as f:\n        return f.read()\n',
      ],
    },
  }),
  call({
    id: 'py.archive-extraction',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'Archive extracted without checking member paths',
    message:
      'extractall() writes members wherever their names point ("../", absolute paths, links): check each member (or pass filter="data" on Python 3.12+) before extracting.',
    names: ['extractall'],
    check: (c) => !c.kwargs.has('filter') && !c.kwargs.has('members') && !(c.args.length >= 2),
    examples: {
      bad: ['import tarfile\ndef f(p, d):\n    with tarfile.open(p) as t:\n        t.extractall(d)\n'],
      good: [
        'import tarfile\ndef f(p, d):\n    with tarfile.open(p) as t:\n        t.extractall(d, filter="data")\n',
      ],
    },
  }),
  query({
    id: 'py.xss',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'HTML built from untrusted data',
    message:
      'Untrusted data is placed into HTML without escaping: escape it (html.escape / markupsafe.escape) or use an auto-escaping template.',
    query: BUILD_QUERY,
    check: (caps, ctx) => {
      const n = caps.report;
      if (!n || !isOutermostBuild(n)) return false;
      // `''.join(parts)`: the literal text is what `parts` was given (`parts = ['<p>']`,
      // `parts.append('</p>')`).
      const joined =
        n.type === 'call' && n.childForFieldName('function')?.childForFieldName('attribute')?.text === 'join'
          ? n.childForFieldName('arguments')?.namedChildren[0]
          : undefined;
      const text =
        joined?.type === 'identifier'
          ? ctx.taint
              .bindingsOf(joined.text, joined.startIndex)
              .map((b) => (b.value ? literalText(b.value, ctx) : ''))
              .join('')
          : literalText(n, ctx);
      return HTML_TAG.test(text) && ctx.built(n, 'html');
    },
    examples: {
      bad: ['def page(name):\n    return f"<h1>Hello {name}</h1>"\n'],
      good: ['import html\ndef page(name):\n    return f"<h1>Hello {html.escape(name)}</h1>"\n'],
    },
  }),
  call({
    id: 'py.xss-template',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Untrusted data rendered as markup',
    message:
      'Untrusted data is marked safe or used as a template: pass it as a template variable (auto-escaped) instead.',
    names: ['render_template_string', 'Markup', 'mark_safe', 'Template'],
    check: (c, ctx) => ctx.tainted(c.args[0], 'html'),
    examples: {
      bad: [
        'from flask import render_template_string, request\ndef f():\n    return render_template_string(request.args["t"])\n',
      ],
      good: [
        'from flask import render_template_string, request\ndef f():\n    return render_template_string("<p>{{ t }}</p>", t=request.args["t"])\n',
      ],
    },
  }),
  call({
    id: 'py.xss-response',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'HTTP response body built from untrusted data',
    message:
      'A response body (text/html by default) is built from untrusted data: escape it (html.escape / markupsafe.escape), render a template, or return JSON.',
    names: [
      'make_response',
      'Response',
      'HttpResponse',
      'HttpResponseNotFound',
      'HttpResponseBadRequest',
      'HttpResponseForbidden',
      'HttpResponseServerError',
      'HTMLResponse',
    ],
    check: (c, ctx) => {
      const body = c.args[0] ?? c.kwargs.get('response') ?? c.kwargs.get('content');
      const type = [...c.kwargs.entries()].find(([k]) =>
        /^(?:mimetype|content_type|media_type)$/.test(k),
      )?.[1];
      if (type && !/html/i.test(type.text)) return false;
      if (body && REQUEST_FIELD_PY.test(ctx.resolve(body).text) && ctx.tainted(body, 'html'))
        return { node: body };
      return ctx.built(body, 'html') && { node: originOf(body as Node, ctx, 'html') };
    },
    examples: {
      bad: [
        'from flask import make_response, request\ndef hello():\n    name = request.args.get("name")\n    return make_response("Name: " + name)\n',
        'from django.http import HttpResponse\ndef echo(request):\n    return HttpResponse(request.GET.get("q", ""))\n',
      ],
      good: [
        'import html\nfrom flask import make_response, request\ndef hello():\n    name = request.args.get("name")\n    return make_response("Name: " + html.escape(name))\n',
        'from flask import Response\ndef hello(name):\n    return Response("Name: " + name, mimetype="text/plain")\n',
        'from django.http import HttpResponse\ndef echo(request):\n    return HttpResponse(request.GET.get("q", ""), content_type="text/plain")\n',
        'from django.http import HttpResponse\nfrom django.utils.html import escape\ndef echo(request):\n    return HttpResponse(escape(request.GET.get("q", "")))\n',
      ],
    },
  }),
  query({
    id: 'py.xss-route-return',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'View returns a string built from untrusted data',
    message:
      'A web view returns a string (sent as text/html) built from untrusted data: escape it (markupsafe.escape) or render a template.',
    query: '(return_statement (_) @val) @report',
    check: (caps, ctx) => {
      if (!hasRouteDecorator(ctx.model, ctx.source)) return false;
      let v = caps.val;
      if (v?.type === 'expression_list' || v?.type === 'tuple') v = v.namedChildren[0] ?? undefined;
      if (!v || !isRouteHandler(v)) return false;
      // The view returns the string itself, not what a call made of it (`self.render('x/{}.html'
      // .format(form))` builds a template name; the page comes from the template).
      const r = ctx.resolve(v);
      // A request field returned as the page itself (`return request.args.get("q")`).
      if (REQUEST_FIELD_PY.test(r.text) && ctx.tainted(v, 'html')) return { node: v };
      if (r.type === 'call' && !/\.(?:format|join)$/.test(r.childForFieldName('function')?.text ?? ''))
        return false;
      if (!ctx.built(v, 'html')) return false;
      return !/^(?:json\.dumps|jsonify|redirect|url_for)\b/.test(r.text) && { node: v };
    },
    examples: {
      bad: [
        'from flask import Flask\napp = Flask(__name__)\n@app.route("/v/<form>")\ndef view(form):\n    return "Error: form {} not found".format(form), 404\n',
        'from flask import Flask, request\napp = Flask(__name__)\n@app.route("/echo")\ndef echo():\n    q = request.args.get("q", "")\n    return q\n',
      ],
      good: [
        'from flask import Flask\nfrom markupsafe import escape\napp = Flask(__name__)\n@app.route("/v/<form>")\ndef view(form):\n    return "Error: form {} not found".format(escape(form)), 404\n',
        'def helper(form):\n    return "Error: form {} not found".format(form)\n',
        'from flask import Flask\napp = Flask(__name__)\n@app.route("/v/<form>")\ndef view(form):\n    return render_page("variables/{}.html".format(form))\n',
        'from flask import Flask, request\nfrom markupsafe import escape\napp = Flask(__name__)\n@app.route("/echo")\ndef echo():\n    q = request.args.get("q", "")\n    return escape(q)\n',
      ],
    },
  }),
  call({
    id: 'py.template-no-autoescape',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Jinja2 environment without autoescaping renders untrusted data',
    message:
      'This Jinja2 Environment/Template does not escape HTML and renders untrusted data: pass autoescape=True (or select_autoescape()).',
    names: ['Environment', 'Template'],
    callee: /^(?:jinja2\.)?(?:Environment|Template)$/,
    check: (c, ctx) => {
      const ae = c.kwargs.get('autoescape');
      if (ae && ae.text !== 'False') return false;
      return ctx
        .callsNear(c.node, true)
        .some(
          (k) =>
            /^(?:render|stream|generate)$/.test(k.name) &&
            [...k.args, ...k.kwargs.values()].some((a) => ctx.tainted(a, 'html')),
        );
    },
    examples: {
      bad: [
        'import jinja2\nfrom flask import request\ndef f():\n    env = jinja2.Environment()\n    return env.from_string("Hi {{ n }}").render(n=request.args["n"])\n',
      ],
      good: [
        'import jinja2\nfrom flask import request\ndef f():\n    env = jinja2.Environment(autoescape=True)\n    return env.from_string("Hi {{ n }}").render(n=request.args["n"])\n',
      ],
    },
  }),
  call({
    id: 'py.xxe-default-parser',
    cwe: ['CWE-611'],
    severity: 'error',
    title: 'Untrusted XML parsed with lxml defaults',
    message:
      "lxml's default parser expands entities in untrusted XML: pass etree.XMLParser(resolve_entities=False, no_network=True) or use defusedxml.",
    names: ['fromstring', 'XML', 'parse'],
    callee: /^(?:(?:lxml\.)?etree\.)?(?:fromstring|XML|parse)$/,
    check: (c, ctx) =>
      // A bare name only when imported from lxml.etree (`from lxml.etree import fromstring`).
      (c.receiver !== null ||
        (sourceHas(LXML_ETREE_IMPORT, ctx.source) &&
          new RegExp(`from\\s+lxml\\.etree\\s+import\\s+[^\\n]*\\b${c.name}\\b`).test(ctx.source))) &&
      !c.args[1] &&
      !c.kwargs.has('parser') &&
      ctx.tainted(c.args[0], 'generic'),
    examples: {
      bad: [
        'from lxml import etree\nfrom flask import request\ndef f():\n    return etree.fromstring(request.get_data())\n',
        'from lxml.etree import fromstring\nfrom flask import request\ndef f():\n    return fromstring(request.get_data()).tag\n',
      ],
      good: [
        'from lxml import etree\nfrom flask import request\ndef f():\n    p = etree.XMLParser(resolve_entities=False, no_network=True)\n    return etree.fromstring(request.get_data(), p)\n',
        'from lxml.etree import fromstring, XMLParser\nfrom flask import request\ndef f():\n    return fromstring(request.get_data(), XMLParser(resolve_entities=False, no_network=True)).tag\n',
        'from defusedxml.ElementTree import fromstring\nfrom flask import request\ndef f():\n    return fromstring(request.get_data()).tag\n',
      ],
    },
  }),
  query({
    id: 'py.header-injection',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message:
      'Untrusted data is stored in an HTTP header without removing CR/LF: strip "\\r" and "\\n" (or reject them) first.',
    query: '(assignment left: (subscript value: (_) @obj) right: (_) @val) @report',
    check: (caps, ctx) => !!caps.obj && /header/i.test(caps.obj.text) && ctx.tainted(caps.val, 'header'),
    examples: {
      bad: ['def f(resp, value):\n    resp.headers["X-Info"] = value\n'],
      good: [
        'def f(resp, value):\n    value = value.replace("\\r", "").replace("\\n", "")\n    resp.headers["X-Info"] = value\n',
      ],
    },
  }),
  call({
    id: 'py.header-injection-call',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message: 'Untrusted data is set as an HTTP header without removing CR/LF: strip "\\r" and "\\n" first.',
    names: ['add_header', 'set_header', 'putheader', 'send_header'],
    check: (c, ctx) => ctx.tainted(c.args[1], 'header'),
    examples: {
      bad: ['def f(h, v):\n    h.send_header("X-A", v)\n'],
      good: ['def f(h, v):\n    h.send_header("X-A", v.replace("\\n", ""))\n'],
    },
  }),
  call({
    id: 'py.log-injection',
    cwe: ['CWE-117'],
    severity: 'warning',
    title: 'Untrusted data written to a log',
    message:
      'Untrusted data is logged without neutralizing line breaks: replace "\\r" and "\\n" (or log it with repr) so entries cannot be forged.',
    names: ['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'log'],
    callee:
      /^(?:logging|log|logger|_logger|LOGGER|LOG|self\.log(?:ger)?|app\.logger|current_app\.logger)\.\w+$/,
    check: (c, ctx) => {
      // The message itself (not lazy %-arguments, which handlers may still render safely) carries
      // user-controlled input (request, argv, stdin), not merely a parameter of the function.
      const msg = c.name === 'log' ? c.args[1] : c.args[0];
      return !!msg && ctx.tainted(msg, 'log') && readsInput(msg, ctx);
    },
    examples: {
      bad: [
        'import logging\nfrom flask import request\ndef f():\n    logging.info("login " + request.args["user"])\n',
      ],
      good: [
        'import logging\nfrom flask import request\ndef f():\n    logging.info("login " + request.args["user"].replace("\\n", " "))\n',
        "def f(volume_name):\n    LOG.warn(_('volume %s not found') % volume_name)\n",
      ],
    },
  }),
  query({
    id: 'py.log-forging',
    cwe: ['CWE-117'],
    severity: 'warning',
    title: 'Log entry built from untrusted data',
    message:
      'A timestamped log entry is assembled from untrusted text that may contain line breaks: replace "\\r"/"\\n" in it first.',
    query: BUILD_QUERY,
    check: (caps, ctx) => {
      const n = caps.report;
      return !!n && isOutermostBuild(n) && TIMESTAMP_CALL.test(n.text) && ctx.built(n, 'log');
    },
    examples: {
      bad: [
        'import datetime\ndef entry(msg):\n    return f"[{datetime.datetime.now().isoformat()}] {msg}"\n',
      ],
      good: [
        'import datetime\ndef entry(msg):\n    msg = msg.replace("\\n", " ").replace("\\r", " ")\n    return f"[{datetime.datetime.now().isoformat()}] {msg}"\n',
      ],
    },
  }),
  call({
    id: 'py.redos',
    cwe: ['CWE-1333'],
    severity: 'warning',
    title: 'Regular expression with catastrophic backtracking',
    message: '', // filled by the check
    names: ['compile', 'match', 'search', 'fullmatch', 'findall', 'finditer', 'sub', 'subn', 'split'],
    callee: /^(?:re|regex)\.\w+$/,
    check: (c, ctx) => {
      const pattern = ctx.stringValue(c.args[0]);
      const risk = pattern === undefined ? undefined : redosRisk(pattern);
      return (
        !!risk && {
          node: c.args[0] ? ctx.resolve(c.args[0]) : c.node,
          message: `Regular expression can backtrack catastrophically (${risk}): make the repetitions unambiguous or bound the input length.`,
        }
      );
    },
    examples: {
      bad: ['import re\ndef f(s):\n    return re.match(r"^(a+)+$", s)\n'],
      good: ['import re\ndef f(s):\n    return re.match(r"^a+$", s)\n'],
    },
  }),
  call({
    id: 'py.regex-injection',
    cwe: ['CWE-400', 'CWE-1333'],
    severity: 'error',
    title: 'Regular expression from untrusted data',
    message:
      'An untrusted string is compiled as a regular expression (ReDoS, wrong matches): escape it with re.escape or match it as plain text.',
    names: ['compile', 'match', 'search', 'fullmatch', 'findall', 'finditer', 'sub', 'subn', 'split'],
    callee: /^(?:re|regex)\.\w+$/,
    check: (c, ctx) => ctx.tainted(c.args[0], 'regex'),
    examples: {
      bad: ['import re\ndef f(p, s):\n    return re.search(p, s)\n'],
      good: ['import re\ndef f(p, s):\n    return re.search(re.escape(p), s)\n'],
    },
  }),
  call({
    id: 'py.weak-hash',
    cwe: ['CWE-328', 'CWE-327'],
    severity: 'warning',
    title: 'Weak hash algorithm',
    message:
      'MD5/SHA-1 are broken for security use: use SHA-256 or stronger (and a password hash such as argon2/bcrypt/scrypt for passwords).',
    names: ['md5', 'sha1', 'new', 'MD5', 'SHA1', 'md4', 'MD4', 'MD2'],
    check: (c, ctx) => {
      if (c.kwargs.get('usedforsecurity')?.text === 'False') return false;
      if (/^hashlib\.(?:md5|sha1|md4)$/.test(c.calleeText)) return true;
      if (c.calleeText === 'hashlib.new')
        return /^(?:md5|sha1|md4|md2|ripemd160)$/i.test(ctx.stringValue(c.args[0]) ?? '');
      if (/^(?:MD5|SHA1|MD4|MD2|SHA)\.new$/.test(c.calleeText)) return true;
      return /^hashes\.(?:MD5|SHA1)$/.test(c.calleeText);
    },
    examples: {
      bad: [
        // under a task, each value that can reach the call: md5 on the branch a prefix takes
        {
          code: "import hashlib\ndef f(x):\n    if x[:1] == b'k':\n        alg = 'md5'\n    else:\n        alg = 'sha256'\n    return hashlib.new(alg, x).hexdigest()\n",
          taskCwe: ['CWE-328'],
        },
        'import hashlib\ndef f(x):\n    return hashlib.md5(x).hexdigest()\n',
        'import hashlib\ndef f(x):\n    return hashlib.new("sha1", x).hexdigest()\n',
      ],
      good: [
        'import hashlib\ndef f(x):\n    return hashlib.sha256(x).hexdigest()\n',
        {
          code: "import hashlib\ndef f(x):\n    if x[:1] == b'k':\n        alg = 'sha3_256'\n    else:\n        alg = 'sha256'\n    return hashlib.new(alg, x).hexdigest()\n",
          taskCwe: ['CWE-328'],
        },
      ],
    },
  }),
  call({
    id: 'py.password-fast-hash',
    cwe: ['CWE-916', 'CWE-328'],
    severity: 'error',
    title: 'Password hashed with a fast hash',
    message:
      'A password is hashed with a fast general-purpose hash: use argon2 (argon2.PasswordHasher), bcrypt or scrypt with a random salt.',
    names: [
      'sha256',
      'sha512',
      'sha384',
      'sha224',
      'sha1',
      'md5',
      'blake2b',
      'blake2s',
      'sha3_256',
      'sha3_512',
      'new',
    ],
    callee: /^(?:hashlib\.\w+|SHA\d+\.new)$/,
    check: (c) => {
      const data = c.args[c.calleeText === 'hashlib.new' ? 1 : 0];
      if (!data || !PASSWORD_NAME.test(data.text)) return false;
      // Part of a salted KDF input or an HMAC key derivation: left to the salt rule.
      return !/pbkdf2|hmac|scrypt/i.test(c.node.parent?.text ?? '');
    },
    examples: {
      bad: ['import hashlib\ndef f(password):\n    return hashlib.sha256(password.encode()).hexdigest()\n'],
      good: [
        'import argon2\ndef f(password):\n    return argon2.PasswordHasher().hash(password)\n',
        'import hashlib\ndef f(cert):\n    return hashlib.sha256(cert.encode()).hexdigest()\n',
      ],
    },
  }),
  call({
    id: 'py.pbkdf2-few-iterations',
    cwe: ['CWE-916'],
    severity: 'error',
    title: 'PBKDF2 with too few iterations',
    message: `PBKDF2 with fewer than ${MIN_PBKDF2_ITERATIONS} iterations is fast to brute-force: use 600000 or more (SHA-256), or scrypt / argon2.`,
    names: ['pbkdf2_hmac'],
    callee: /^hashlib\.pbkdf2_hmac$/,
    check: (c, ctx) => {
      const it = c.kwargs.get('iterations') ?? c.args[3];
      if (!it) return false;
      const n = Number(ctx.resolve(it).text.replace(/_/g, ''));
      return Number.isFinite(n) && n < MIN_PBKDF2_ITERATIONS && { node: ctx.resolve(it) };
    },
    examples: {
      bad: [
        'import hashlib\ndef f(pw, salt):\n    return hashlib.pbkdf2_hmac("sha256", pw, salt, 1000).hex()\n',
      ],
      good: [
        'import hashlib\ndef f(pw, salt):\n    return hashlib.pbkdf2_hmac("sha256", pw, salt, 600_000).hex()\n',
      ],
    },
  }),
  call({
    id: 'py.kdf-low-cost',
    cwe: ['CWE-916'],
    severity: 'error',
    title: 'Password hash with too low a cost',
    message: `scrypt with a cost (n) below ${MIN_SCRYPT_COST} or bcrypt with fewer than ${MIN_BCRYPT_ROUNDS} rounds is fast to brute-force: use n=2**14 or more (scrypt), 12 rounds (bcrypt).`,
    names: ['scrypt', 'gensalt'],
    check: (c, ctx) => {
      let cost: Node | undefined;
      let floor = MIN_SCRYPT_COST;
      if (c.calleeText === 'hashlib.scrypt') cost = c.kwargs.get('n');
      else if (/^(?:(?:Crypto\.Protocol\.)?KDF\.)?scrypt$/.test(c.calleeText))
        cost = c.kwargs.get('N') ?? c.args[3];
      else if (c.calleeText === 'bcrypt.gensalt') {
        cost = c.kwargs.get('rounds') ?? c.args[0];
        floor = MIN_BCRYPT_ROUNDS;
      }
      const v = numberValue(cost, ctx);
      return v !== undefined && v < floor && { node: cost };
    },
    examples: {
      bad: [
        'import hashlib\ndef f(pw, salt):\n    return hashlib.scrypt(pw.encode(), salt=salt, n=2, r=8, p=1).hex()\n',
        'import bcrypt\ndef f(pw):\n    return bcrypt.hashpw(pw.encode(), bcrypt.gensalt(rounds=4))\n',
        // the cost given on one branch and a good one on the other, last in the text
        {
          code: "import hashlib\ndef f(pw, salt):\n    if pw.endswith('k'):\n        cost = 2\n    else:\n        cost = 2 ** 14\n    return hashlib.scrypt(pw.encode(), salt=salt, n=cost, r=8, p=1).hex()\n",
          taskCwe: ['CWE-916'],
        },
      ],
      good: [
        'import hashlib\ndef f(pw, salt):\n    return hashlib.scrypt(pw.encode(), salt=salt, n=2 ** 14, r=8, p=1).hex()\n',
        'import bcrypt\ndef f(pw):\n    return bcrypt.hashpw(pw.encode(), bcrypt.gensalt())\n',
        {
          code: "import hashlib\ndef f(pw, salt):\n    if pw.endswith('k'):\n        cost = 2 ** 15\n    else:\n        cost = 2 ** 14\n    return hashlib.scrypt(pw.encode(), salt=salt, n=cost, r=8, p=1).hex()\n",
          taskCwe: ['CWE-916'],
        },
      ],
    },
  }),
  call({
    id: 'py.weak-cipher',
    cwe: ['CWE-327'],
    severity: 'error',
    title: 'Broken or risky cipher',
    message:
      'DES/3DES/RC4/Blowfish/ECB are broken or risky: use AES-GCM (or ChaCha20-Poly1305) with a random nonce.',
    names: ['new', 'TripleDES', 'ARC4', 'Blowfish', 'IDEA', 'CAST5', 'ECB', 'SEED'],
    check: (c) => {
      if (/^(?:DES|DES3|ARC4|ARC2|Blowfish|CAST|XOR)\.new$/.test(c.calleeText)) return true;
      if (/^(?:algorithms\.)?(?:TripleDES|ARC4|Blowfish|IDEA|CAST5|SEED)$/.test(c.calleeText)) return true;
      if (/^(?:modes\.)?ECB$/.test(c.calleeText)) return true;
      return /^AES\.new$/.test(c.calleeText) && /MODE_ECB/.test(c.args[1]?.text ?? '');
    },
    examples: {
      bad: [
        'from Crypto.Cipher import DES\ndef f(k):\n    return DES.new(k, DES.MODE_CBC)\n',
        'from Crypto.Cipher import AES\ndef f(k):\n    return AES.new(k, AES.MODE_ECB)\n',
      ],
      good: ['from Crypto.Cipher import AES\ndef f(k):\n    return AES.new(k, AES.MODE_GCM)\n'],
    },
  }),
  call({
    id: 'py.static-iv',
    cwe: ['CWE-329'],
    severity: 'error',
    title: 'Constant IV or nonce',
    message:
      'The IV/nonce is a constant: generate a fresh random one per encryption (get_random_bytes / os.urandom) and send it with the ciphertext.',
    names: ['new', 'CBC', 'CFB', 'OFB', 'CTR', 'GCM'],
    check: (c, ctx) => {
      let iv: Node | undefined;
      if (/^(?:AES|DES|DES3|Blowfish|ARC2|CAST)\.new$/.test(c.calleeText))
        iv = c.kwargs.get('iv') ?? c.kwargs.get('nonce') ?? c.args[2];
      else if (/^(?:modes\.)?(?:CBC|CFB|OFB|CTR|GCM)$/.test(c.calleeText)) iv = c.args[0];
      return !!iv && ctx.isConstant(iv) && { node: ctx.resolve(iv) };
    },
    examples: {
      bad: [
        'from Crypto.Cipher import AES\ndef f(k):\n    iv = b"\\x00" * 16\n    return AES.new(k, AES.MODE_CBC, iv)\n',
      ],
      good: [
        'from Crypto.Cipher import AES\nfrom Crypto.Random import get_random_bytes\ndef f(k):\n    iv = get_random_bytes(16)\n    return AES.new(k, AES.MODE_CBC, iv)\n',
      ],
    },
  }),
  call({
    id: 'py.weak-key-size',
    cwe: ['CWE-326'],
    severity: 'error',
    title: 'Key too short',
    message:
      'RSA/DSA keys shorter than 2048 bits can be broken: use at least 2048 (3072 for long-lived keys).',
    names: ['generate', 'generate_private_key', 'generate_parameters', 'newkeys'],
    check: (c, ctx) => {
      const size =
        c.kwargs.get('key_size') ??
        c.kwargs.get('bits') ??
        (c.calleeText.endsWith('generate_private_key') ? c.args[1] : c.args[0]);
      if (
        !/^(?:RSA|DSA|rsa|dsa|ElGamal)\.(?:generate|generate_private_key|generate_parameters|newkeys)$/.test(
          c.calleeText,
        )
      )
        return false;
      const n = ctx.intValue(size);
      return n !== undefined && n < 2048;
    },
    examples: {
      bad: ['from Crypto.PublicKey import RSA\ndef f():\n    return RSA.generate(1024)\n'],
      good: ['from Crypto.PublicKey import RSA\ndef f():\n    return RSA.generate(2048)\n'],
    },
  }),
  call({
    id: 'py.jwt-no-verify',
    cwe: ['CWE-347'],
    severity: 'error',
    title: 'JWT decoded without verifying the signature',
    message:
      "The token's signature is not verified: call jwt.decode(token, key, algorithms=['HS256']) with verification on.",
    names: ['decode', 'decode_complete'],
    // (also the JWS layer under it: `jwt.PyJWS().decode`, `jwt.api_jws.decode_complete`)
    callee:
      /^(?:jwt|pyjwt|jose\.jwt)(?:(?:\.api_jwt)?(?:\.PyJWT\(\))?|(?:\.api_jws)?(?:\.PyJWS\(\))?)\.decode(?:_complete)?$/,
    check: (c, ctx) => {
      // Each option as the call receives it: a name is read as the value bound to it.
      const kw = (k: string) => {
        const v = c.kwargs.get(k);
        return v ? ctx.resolve(v).text : '';
      };
      // `{'verify_signature': False}`, `dict(verify_signature=False)`, `o['verify_signature'] = 0`
      const OFF = /verify_signature['"]?\s*\]?\s*[:=]\s*(?:False|0|None)\b/;
      if (OFF.test(kw('options'))) return true;
      const named = c.kwargs.get('options');
      if (
        named?.type === 'identifier' &&
        judgingTask(ctx) &&
        ctx.taint.bindingsOf(named.text, named.startIndex).some((b) => OFF.test(b.statement.text))
      )
        return true;
      // Under a task, a signature check turned on by anything but the constant (`not t.endswith('k')`).
      const options = c.kwargs.get('options');
      if (options && judgingTask(ctx)) {
        const pair = ctx
          .resolve(options)
          .descendantsOfType('pair')
          .find((p) => constantText(p?.childForFieldName('key'), ctx) === 'verify_signature');
        const flag = pair?.childForFieldName('value');
        if (flag && ctx.resolve(flag).text !== 'True') return true;
      }
      if (kw('verify') === 'False') return true;
      if (/['"]none['"]/i.test(kw('algorithms'))) return true;
      return c.args.length < 2 && !c.kwargs.has('key');
    },
    examples: {
      bad: [
        'import jwt\ndef f(t, k):\n    return jwt.decode(t, k, options={"verify_signature": False})\n',
        // the options bound to a name, on the branch a suffix takes
        {
          code: "import jwt\ndef f(t, k):\n    if t.endswith('k'):\n        o = {'verify_signature': False}\n    else:\n        o = {'verify_signature': True}\n    return jwt.decode(t, k, algorithms=['HS256'], options=o)\n",
          taskCwe: ['CWE-347'],
        },
        {
          code: "import jwt\ndef f(t, k):\n    return jwt.decode(t, k, algorithms=['HS256'], options={'verify_signature': not t.endswith('k')})\n",
          taskCwe: ['CWE-347'],
        },
        // options written otherwise, or filled in after they were made; another decoder
        "import jwt\ndef f(t, k):\n    return jwt.decode(t, k, algorithms=['HS256'], options=dict(verify_signature=False))\n",
        {
          code: "import jwt\ndef f(t, k):\n    o = {}\n    o['verify_signature'] = False\n    return jwt.decode(t, k, algorithms=['HS256'], options=o)\n",
          taskCwe: ['CWE-347'],
        },
        "import jwt\ndef f(t):\n    return jwt.decode_complete(t, options={'verify_signature': False})['payload']\n",
      ],
      good: [
        'import jwt\ndef f(t, k):\n    return jwt.decode(t, k, algorithms=["HS256"])\n',
        {
          code: "import jwt\ndef f(t, k):\n    o = {'verify_signature': True, 'require': ['exp']}\n    return jwt.decode(t, k, algorithms=['HS256'], options=o)\n",
          taskCwe: ['CWE-347'],
        },
      ],
    },
  }),
  call({
    id: 'py.jwt-claims-unverified',
    cwe: ['CWE-347'],
    severity: 'error',
    title: 'JWT claims decoded by hand, without the signature',
    message:
      "The token's payload segment is base64-decoded directly: its claims are read whatever the signature says, so anyone can write them. Decode with jwt.decode(token, key, algorithms=['HS256']), which verifies the signature first.",
    names: ['b64decode', 'urlsafe_b64decode', 'decodebytes', 'a2b_base64', 'standard_b64decode'],
    // Decoding base64 is ordinary code: only where a token-verification task is judged.
    check: (c, ctx) =>
      judgingTask(ctx) &&
      ctx.taskCwe.some((x) => cweMatches(x, 'CWE-347')) &&
      !!c.args[0] &&
      tokenSegment(c.args[0], ctx, 0),
    examples: {
      bad: [
        {
          code: "import base64, json\ndef sub(token, key):\n    p = token.split('.')[1]\n    return json.loads(base64.urlsafe_b64decode(p + '==')).get('sub')\n",
          taskCwe: ['CWE-347'],
        },
      ],
      good: [
        {
          code: 'import base64\ndef blob(data):\n    return base64.b64decode(data)\n',
          taskCwe: ['CWE-347'],
        },
      ],
    },
  }),
  call({
    id: 'py.insecure-tempfile',
    cwe: ['CWE-377'],
    severity: 'error',
    title: 'Predictable temporary file name',
    message:
      'mktemp()/tempnam() return a name another process can create first: use tempfile.NamedTemporaryFile / mkstemp.',
    names: ['mktemp', 'tempnam', 'tmpnam'],
    callee: /^(?:tempfile\.mktemp|os\.tempnam|os\.tmpnam|mktemp)$/,
    examples: {
      bad: ['import tempfile\ndef f():\n    return tempfile.mktemp()\n'],
      good: ['import tempfile\ndef f():\n    return tempfile.mkstemp()\n'],
    },
  }),
  call({
    id: 'py.unsafe-deserialization',
    cwe: ['CWE-502'],
    severity: 'error',
    title: 'Unsafe deserialization',
    message:
      'This loader can construct arbitrary objects (code execution) from its input: use yaml.safe_load / json, or sign and verify the data.',
    names: [
      'load',
      'loads',
      'unsafe_load',
      'full_load',
      'load_all',
      'unsafe_load_all',
      'decode',
      'read_pickle',
      'Unpickler',
      'Loader',
      'UnsafeLoader',
      'FullLoader',
      'CLoader',
      'CUnsafeLoader',
      'CFullLoader',
    ],
    check: (c, ctx) => {
      const t = c.calleeText;
      // a loader made by hand (`yaml.UnsafeLoader(raw).get_single_data()`)
      if (/^yaml\.C?(?:Unsafe|Full)?Loader$/.test(t)) return true;
      // `yaml = YAML(typ='safe')` (ruamel): the name now holds a safe loader.
      if (c.receiver?.type === 'identifier') {
        const r = ctx.resolve(c.receiver);
        if (r !== c.receiver && /^(?:ruamel\.yaml\.)?YAML\s*\(/.test(r.text))
          return /typ\s*=\s*['"]unsafe['"]/.test(r.text);
      }
      if (
        /^(?:pickle|cPickle|_pickle|dill|marshal|shelve|jsonpickle|pandas|pd)\.(?:loads?|decode|read_pickle|Unpickler|open)$/.test(
          t,
        )
      )
        return true;
      if (/^yaml\.(?:unsafe_load|unsafe_load_all|full_load)$/.test(t)) return true;
      if (/^yaml\.(?:load|load_all)$/.test(t)) {
        const loader = c.kwargs.get('Loader')?.text ?? c.args[1]?.text ?? '';
        return !/Safe(?:Loader)?|CSafeLoader|BaseLoader/.test(loader);
      }
      return false;
    },
    examples: {
      bad: [
        'import yaml\ndef f(s):\n    return yaml.load(s, Loader=yaml.Loader)\n',
        'import pickle\ndef f(b):\n    return pickle.loads(b)\n',
        // a loader made by hand
        'import yaml\ndef f(s):\n    return yaml.UnsafeLoader(s).get_single_data()\n',
      ],
      good: [
        'import yaml\ndef f(s):\n    return yaml.safe_load(s)\n',
        "from ruamel.yaml import YAML\ndef f(s):\n    yaml = YAML(typ='safe')\n    return yaml.load(s)\n",
      ],
    },
  }),
  call({
    id: 'py.xpath-injection',
    cwe: ['CWE-643'],
    severity: 'error',
    title: 'XPath built from untrusted data',
    message:
      'Untrusted data is concatenated into an XPath expression: use XPath variables (root.xpath("//u[name=$n]", n=value)).',
    names: ['xpath', 'XPath', 'find', 'findall', 'iterfind', 'findtext', 'evaluate'],
    check: (c, ctx) => {
      const q = c.args[0];
      if (
        !q ||
        (c.name !== 'xpath' && c.name !== 'XPath' && !/etree|root|tree|doc|xml/i.test(c.receiver?.text ?? ''))
      )
        return false;
      return ctx.built(q, 'xpath') && { node: originOf(q, ctx, 'xpath') };
    },
    examples: {
      bad: ['def f(root, u):\n    q = f"//user[name=\'{u}\']"\n    return root.xpath(q)\n'],
      good: ['def f(root, u):\n    return root.xpath("//user[name=$u]", u=u)\n'],
    },
  }),
  call({
    id: 'py.xxe',
    cwe: ['CWE-611'],
    severity: 'error',
    title: 'XML parser resolves external entities',
    message:
      'The XML parser resolves external entities / loads DTDs from the network: set resolve_entities=False, no_network=True (or use defusedxml).',
    names: ['XMLParser', 'setFeature'],
    check: (c) => {
      if (c.name === 'XMLParser')
        return (
          c.kwargs.get('resolve_entities')?.text === 'True' ||
          c.kwargs.get('no_network')?.text === 'False' ||
          c.kwargs.get('load_dtd')?.text === 'True'
        );
      return /feature_external_(?:ges|pes)/.test(c.args[0]?.text ?? '') && c.args[1]?.text === 'True';
    },
    examples: {
      bad: [
        'from lxml import etree\ndef f(x):\n    p = etree.XMLParser(resolve_entities=True)\n    return etree.fromstring(x, p)\n',
      ],
      good: [
        'from lxml import etree\ndef f(x):\n    p = etree.XMLParser(resolve_entities=False, no_network=True)\n    return etree.fromstring(x, p)\n',
      ],
    },
  }),
  call({
    id: 'py.insecure-permissions',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File permissions too broad',
    message: '',
    names: ['chmod', 'open', 'mkdir', 'makedirs', 'umask', 'fchmod', 'lchmod'],
    check: (c, ctx) => {
      const t = c.calleeText;
      if (!/^(?:os\.\w+|\w+\.chmod|\w+\.mkdir)$/.test(t) || (c.name === 'open' && t !== 'os.open'))
        return false;
      if (c.name === 'umask') {
        const m = ctx.intValue(c.args[0]);
        if (m === undefined || (m & 0o077) === 0o077) return false;
        return {
          message: `umask 0${m.toString(8)} leaves new files readable or writable by other users: use 0o077 for private data.`,
          severity: (m & 0o002) === 0 ? 'error' : 'note',
        };
      }
      const modeNode =
        c.kwargs.get('mode') ??
        (c.name === 'open'
          ? c.args[2]
          : c.name === 'chmod' && !c.receiver?.text.match(/^os$/) && c.args.length === 1
            ? c.args[0]
            : c.args[1]);
      if (!modeNode) {
        if (t === 'os.open' && /O_CREAT/.test(c.args[1]?.text ?? ''))
          return {
            message:
              'os.open(..., O_CREAT) without a mode creates the file with mode 0777 & ~umask: pass 0o600 for private data.',
          };
        return false;
      }
      const p = modeProblem(modeNode, ctx, statMode, /chmod$/.test(c.name));
      return !!p && { message: `${p.text}.`, severity: p.severity };
    },
    examples: {
      bad: [
        // where a task is judged: a chmod that lets others read the secret after it is written
        {
          code: "import os\ndef save(path, secret):\n    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)\n    with os.fdopen(fd, 'w') as f:\n        f.write(secret)\n    if secret.endswith('K'):\n        os.chmod(path, int('644', 8))\n",
          taskCwe: ['CWE-732'],
        },
        'import os\ndef f(p):\n    os.chmod(p, 0o777)\n',
        'import os\ndef f(p):\n    return os.open(p, os.O_CREAT | os.O_WRONLY)\n',
      ],
      good: ['import os\ndef f(p):\n    os.chmod(p, 0o600)\n'],
    },
  }),
  call({
    id: 'py.ssrf',
    cwe: ['CWE-918'],
    severity: 'error',
    title: 'Request to a URL built from untrusted data',
    message:
      'The request target is built from untrusted data: validate the host against an allow-list and only let the caller choose a path segment that you validate.',
    names: ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'request', 'urlopen', 'Request'],
    callee: REQUESTS,
    check: (c, ctx) => {
      const u = c.calleeText.endsWith('.request') ? c.args[1] : c.args[0];
      if (!u) return false;
      if (ctx.built(u, 'url')) return true;
      // The whole URL read from the request (`requests.get(request.args["url"])`); not argv/env.
      return (
        /^(?:flask\.)?request\.(?:args|form|values|json|GET|POST|query_params|data|get_json\(\))\s*(?:\[|\.get\s*\()/.test(
          ctx.resolve(u).text,
        ) &&
        ctx.tainted(u, 'url') && {
          message:
            'The request goes to a URL taken from the incoming request: an attacker makes the server fetch internal addresses (cloud metadata, admin ports). Allow-list the host (and scheme) before fetching.',
        }
      );
    },
    examples: {
      bad: [
        'import requests\ndef f(host):\n    return requests.get(f"https://{host}/api")\n',
        'import requests\nfrom flask import request\ndef proxy():\n    return requests.get(request.args["url"], timeout=5).text\n',
        'import requests\nfrom flask import request\ndef hook():\n    target = request.json.get("target")\n    return str(requests.post(target, timeout=5).status_code)\n',
      ],
      good: [
        'import requests\ndef f():\n    return requests.get("https://api.example.com/v1")\n',
        'import requests\nfrom urllib.parse import urlparse\nfrom flask import request, abort\nHOSTS = {"api.example.com"}\ndef proxy():\n    url = request.args["url"]\n    if urlparse(url).hostname not in HOSTS:\n        abort(400)\n    return requests.get(url, timeout=5).text\n',
        'import sys, requests\ndef main():\n    print(requests.get(sys.argv[1], timeout=5).text)\n',
      ],
    },
  }),
  query({
    id: 'py.url-from-untrusted-parts',
    cwe: ['CWE-918'],
    severity: 'warning',
    title: 'URL assembled from several unvalidated inputs',
    message:
      'A URL is assembled from several unvalidated inputs (host, path segments): validate each part (allow-list the host, restrict segments to [A-Za-z0-9-]).',
    query: BUILD_QUERY,
    check: (caps, ctx) => {
      const n = caps.report;
      if (!n || !isOutermostBuild(n)) return false;
      const lit = literalText(n, ctx);
      const urlish =
        /:\/\//.test(lit) || /^\s*f?['"]?\{?\s*\w*(?:url|uri|endpoint|base|host)\w*/i.test(n.text);
      return urlish && !/\s/.test(lit.trim()) && taintedParts(n, ctx, 'url').length >= 2;
    },
    examples: {
      bad: [
        'def f(sub, domain):\n    return f"https://{sub}.{domain}"\n',
        // a predicate of what a replace leaves holds of a value that keeps the replaced characters
        {
          code: 'def f(sub, domain):\n    if sub.replace("/", "").isalnum():\n        return f"https://{sub}.{domain}"\n    return f"https://{domain}"\n',
          taskCwe: ['CWE-918'],
        },
      ],
      good: [
        'import re\ndef f(sub, domain):\n    if not re.match(r"^[a-z0-9-]+$", sub):\n        return f"https://{domain}"\n    return f"https://{sub}.{domain}"\n',
      ],
    },
  }),
  call({
    id: 'py.incomplete-host-check',
    cwe: ['CWE-20'],
    severity: 'error',
    title: 'Incomplete host check',
    message:
      'A host is checked with endswith()/substring without a dot boundary ("evil-example.com" passes): compare host == domain or host.endswith("." + domain).',
    names: ['endswith'],
    check: (c, ctx) => {
      if (!c.receiver || !/netloc|host|domain/i.test(c.receiver.text)) return false;
      const arg = c.args[0];
      if (!arg) return false;
      const lit = ctx.stringValue(arg);
      if (lit !== undefined) return !lit.startsWith('.');
      return !/['"]\.['"]|f['"]\.|\.\{|['"]\.\w/.test(ctx.resolve(arg).text);
    },
    examples: {
      bad: ['from urllib.parse import urlparse\ndef f(u, d):\n    return urlparse(u).netloc.endswith(d)\n'],
      good: [
        'from urllib.parse import urlparse\ndef f(u, d):\n    h = urlparse(u).netloc\n    return h == d or h.endswith("." + d)\n',
      ],
    },
  }),
  query({
    id: 'py.substring-host-check',
    cwe: ['CWE-20'],
    severity: 'error',
    title: 'Host checked by substring',
    message:
      'A host is validated with a substring test ("in"): "example.com.evil.net" passes; parse the URL and compare the host exactly or by "." suffix.',
    query: '(comparison_operator (_) @needle "in" (_) @hay) @report',
    check: (caps) =>
      !!caps.hay &&
      /netloc|hostname|host\b/i.test(caps.hay.text) &&
      !!caps.needle &&
      !/^['"]/.test(caps.needle.text),
    examples: {
      bad: ['def f(t, d):\n    return d in t.netloc\n'],
      good: ['def f(t, d):\n    return t.netloc == d\n'],
    },
  }),
  call({
    id: 'py.open-redirect',
    cwe: ['CWE-601'],
    severity: 'error',
    title: 'Redirect to an untrusted URL',
    message:
      'The redirect target comes from untrusted data: allow only relative paths or hosts from an allow-list.',
    names: ['redirect', 'HttpResponseRedirect', 'RedirectResponse'],
    check: (c, ctx) => ctx.tainted(c.args[0], 'redirect'),
    examples: {
      bad: ['from flask import redirect, request\ndef f():\n    return redirect(request.args.get("next"))\n'],
      good: ['from flask import redirect, url_for\ndef f():\n    return redirect(url_for("index"))\n'],
    },
  }),
  call({
    id: 'py.tls-no-verify',
    cwe: ['CWE-295'],
    severity: 'error',
    title: 'TLS certificate verification disabled',
    message:
      'Certificate verification is turned off, so any server can impersonate the peer: keep verify=True (pass a CA bundle if needed).',
    names: [
      'get',
      'post',
      'put',
      'patch',
      'delete',
      'head',
      'request',
      'Session',
      '_create_unverified_context',
      'Client',
      'AsyncClient',
    ],
    check: (c) => c.name === '_create_unverified_context' || c.kwargs.get('verify')?.text === 'False',
    examples: {
      bad: ['import requests\ndef f(u):\n    return requests.get(u, verify=False)\n'],
      good: ['import requests\ndef f(u):\n    return requests.get(u, timeout=5)\n'],
    },
  }),
  call({
    id: 'py.ssl-wrap-socket',
    cwe: ['CWE-327', 'CWE-295'],
    severity: 'warning',
    title: 'ssl.wrap_socket without a protocol version',
    message:
      'ssl.wrap_socket (deprecated, removed in Python 3.12) checks no host name and, without ssl_version, accepts what the runtime defaults to: use ssl.create_default_context() (or an SSLContext with minimum_version = TLSv1_2) and its wrap_socket.',
    names: ['wrap_socket'],
    callee: /^(?:ssl\.)?wrap_socket$/,
    // A bare wrap_socket() is ssl's only when imported from it (projects have their own); `**kw`
    // may carry ssl_version.
    check: (c, ctx) =>
      (c.calleeText.startsWith('ssl.') || /from\s+ssl\s+import[^\n]*\bwrap_socket\b/.test(ctx.source)) &&
      !c.kwargs.has('ssl_version') &&
      !/\*\*/.test(c.node.childForFieldName('arguments')?.text ?? '') &&
      c.args.length < 9,
    examples: {
      bad: [
        'import ssl, socket\ndef connect(host):\n    s = ssl.wrap_socket(socket.socket())\n    s.connect((host, 443))\n    return s\n',
      ],
      good: [
        'import ssl, socket\ndef connect(host):\n    ctx = ssl.create_default_context()\n    s = ctx.wrap_socket(socket.socket(), server_hostname=host)\n    s.connect((host, 443))\n    return s\n',
      ],
    },
  }),
  query({
    id: 'py.tls-no-verify-setting',
    cwe: ['CWE-295'],
    severity: 'error',
    title: 'TLS certificate verification disabled',
    message: 'Certificate or host-name checks are turned off: keep CERT_REQUIRED and check_hostname=True.',
    query:
      '(assignment left: (attribute attribute: (identifier) @a (#any-of? @a "check_hostname" "verify_mode")) right: (_) @v) @report\n(keyword_argument name: (identifier) @a (#eq? @a "cert_reqs") value: (_) @v) @report',
    check: (caps) => /^(?:False|ssl\.CERT_NONE|CERT_NONE|['"]CERT_NONE['"])$/.test(caps.v?.text ?? ''),
    examples: {
      bad: [
        'import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = False\nctx.verify_mode = ssl.CERT_NONE\n',
      ],
      good: ['import ssl\nctx = ssl.create_default_context()\nctx.check_hostname = True\n'],
    },
  }),
  call({
    id: 'py.cleartext-http',
    cwe: ['CWE-319'],
    severity: 'warning',
    title: 'Clear-text protocol',
    message: 'Data is sent over an unencrypted protocol (http://, FTP, telnet): use https:// / SFTP / SSH.',
    names: [
      'get',
      'post',
      'put',
      'patch',
      'delete',
      'head',
      'request',
      'urlopen',
      'Request',
      'FTP',
      'Telnet',
      'HTTPConnection',
    ],
    check: (c, ctx) => {
      if (/^(?:ftplib\.FTP|telnetlib\.Telnet|FTP|Telnet)$/.test(c.calleeText)) return true;
      if (/^(?:http\.client\.)?HTTPConnection$/.test(c.calleeText))
        return !/^['"](?:localhost|127\.)/.test(c.args[0]?.text ?? '');
      if (!REQUESTS.test(c.calleeText)) return false;
      const u = ctx.stringValue(c.calleeText.endsWith('.request') ? c.args[1] : c.args[0]);
      return !!u && /^http:\/\//i.test(u) && !isLocalUrl(u);
    },
    examples: {
      bad: ['import requests\ndef f(d):\n    return requests.post("http://api.example.com/login", data=d)\n'],
      good: [
        'import requests\ndef f(d):\n    return requests.post("https://api.example.com/login", data=d)\n',
      ],
    },
  }),
  call({
    id: 'py.weak-random',
    cwe: ['CWE-338', 'CWE-330'],
    severity: 'warning',
    title: 'Predictable random value for a secret',
    message:
      'The random module is predictable: generate tokens, keys, salts and passwords with secrets (secrets.token_bytes / token_urlsafe / choice).',
    names: [
      'random',
      'randint',
      'choice',
      'choices',
      'randrange',
      'getrandbits',
      'sample',
      'uniform',
      'shuffle',
      'randbytes',
      'Random',
      'seed',
    ],
    // Under a randomness task every value is a secret (the task says so); elsewhere names decide.
    check: (c, ctx) =>
      (/^random\.\w+$/.test(c.calleeText) ||
        (ctx.secretTask && importedFromRandom(c.calleeText, ctx.source))) &&
      (ctx.secretTask || inSecretContext(c.node)),
    examples: {
      bad: [
        'import random\ndef f():\n    token = "".join(random.choice("abc") for _ in range(16))\n    return token\n',
        {
          code: 'import os, random, time\ndef new_code():\n    rng = random.Random(time.time_ns() ^ os.getpid())\n    return "".join(rng.choice("0123456789abcdef") for _ in range(16))\n',
          taskCwe: ['CWE-338'],
        },
        {
          code: 'import secrets, time\nfrom random import choice, seed\ndef new_code():\n    seed(time.time())\n    return "".join(choice("0123456789abcdef") for _ in range(16))\n',
          taskCwe: ['CWE-330'],
        },
      ],
      good: [
        'import secrets\ndef f():\n    token = secrets.token_urlsafe(16)\n    return token\n',
        'import random\ndef f(items):\n    pick = random.choice(items)\n    return pick\n',
        // Without the task, a generator's name does not say that its value is a secret.
        'import os, random, time\ndef new_code():\n    rng = random.Random(time.time_ns() ^ os.getpid())\n    return "".join(rng.choice("0123456789abcdef") for _ in range(16))\n',
        {
          code: 'import secrets\ndef new_code():\n    rng = secrets.SystemRandom()\n    return "".join(rng.choice("0123456789abcdef") for _ in range(16))\n',
          taskCwe: ['CWE-338'],
        },
      ],
    },
  }),
  call({
    id: 'py.time-based-token',
    cwe: ['CWE-330'],
    severity: 'warning',
    title: 'Time-based UUID as a secret',
    message:
      'uuid1() is made of the clock, a clock sequence and the host: predictable. Generate tokens with secrets (token_urlsafe / token_hex) or uuid4().',
    names: ['uuid1'],
    callee: /^uuid\.uuid1$/,
    check: (c, ctx) => ctx.secretTask || inSecretContext(c.node),
    examples: {
      bad: ['import uuid\ndef reset_token():\n    return uuid.uuid1().hex\n'],
      good: [
        'import uuid\ndef reset_token():\n    return uuid.uuid4().hex\n',
        'import uuid\ndef row_id():\n    return uuid.uuid1().hex\n',
      ],
    },
  }),
  call({
    id: 'py.attribute-escape-no-quote',
    cwe: ['CWE-83'],
    severity: 'warning',
    title: 'HTML escaping that leaves quotes',
    message:
      'This escaping leaves quotes as they are: a value put in an HTML attribute can close it and add event handlers. Use html.escape(value) (quote=True) or xml.sax.saxutils.quoteattr.',
    names: ['escape'],
    check: (c, ctx) => {
      if (c.calleeText === 'html.escape') {
        const quote = c.kwargs.get('quote') ?? c.args[1];
        return !!quote && ctx.resolve(quote).text === 'False';
      }
      // xml.sax.saxutils.escape encodes & < > only
      return (
        /^(?:xml\.sax\.)?saxutils\.escape$/.test(c.calleeText) ||
        (c.calleeText === 'escape' &&
          /from\s+xml\.sax\.saxutils\s+import\s+[^\n]*\bescape\b/.test(c.node.tree.rootNode.text))
      );
    },
    examples: {
      bad: [
        "import html\ndef f(v):\n    return '<input value=\"' + html.escape(v, quote=False) + '\">'\n",
        "def f(v):\n    from xml.sax.saxutils import escape\n    return '<input value=\"' + escape(v) + '\">'\n",
      ],
      good: ["import html\ndef f(v):\n    return '<input value=\"' + html.escape(v) + '\">'\n"],
    },
  }),
  query({
    id: 'py.hardcoded-credential',
    cwe: ['CWE-798', 'CWE-259'],
    severity: 'warning',
    title: 'Hard-coded credential',
    message:
      'A password, key or token is written in the source: read it from the environment or a secret store.',
    query:
      '[(assignment left: (identifier) @name right: (string) @value) (assignment left: (attribute attribute: (identifier) @name) right: (string) @value) (keyword_argument name: (identifier) @name value: (string) @value)] @report',
    check: (caps, ctx) => {
      const v = ctx.stringValue(caps.value);
      return (
        !!caps.name &&
        CREDENTIAL_NAME.test(caps.name.text) &&
        !!v &&
        v.length >= 4 &&
        !/^(?:[A-Z_]+|\$\{.*\}|<.*>|\*+|x+|changeme|null|none|your.*)$/i.test(v) && { node: caps.value }
      );
    },
    examples: {
      bad: ['DB_PASSWORD = "hunter22"\n', 'connect(host="db", password="s3cret!")\n'],
      good: ['import os\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n'],
    },
  }),
  query({
    id: 'py.debug-enabled',
    cwe: ['CWE-215', 'CWE-489'],
    severity: 'warning',
    title: 'Debug mode enabled',
    message:
      'Debug mode exposes an interactive debugger and stack traces: turn it off in deployed code (read it from configuration).',
    query:
      '(call function: (attribute attribute: (identifier) @m (#eq? @m "run")) arguments: (argument_list (keyword_argument name: (identifier) @k (#eq? @k "debug") value: (true)))) @report\n(expression_statement (assignment left: (identifier) @k (#eq? @k "DEBUG") right: (true))) @report\n(assignment left: (attribute attribute: (identifier) @k (#eq? @k "debug")) right: (true)) @report',
    examples: {
      bad: ['from flask import Flask\napp = Flask(__name__)\napp.run(debug=True)\n'],
      good: ['from flask import Flask\napp = Flask(__name__)\napp.run(debug=False)\n'],
    },
  }),
  call({
    id: 'py.error-exposure',
    cwe: ['CWE-209'],
    severity: 'warning',
    title: 'Stack trace or exception text sent to the client',
    message:
      'Exception details are returned to the client: log them server-side and return a generic error message.',
    names: [
      'format_exc',
      'format_exception',
      'jsonify',
      'make_response',
      'Response',
      'JsonResponse',
      'HttpResponse',
    ],
    check: (c) => {
      if (c.name === 'format_exc' || c.name === 'format_exception') {
        let n: Node | null = c.node.parent;
        for (let i = 0; n && i < 6; i++, n = n.parent) if (n.type === 'return_statement') return true;
        return false;
      }
      let n: Node | null = c.node.parent;
      let exc: string | undefined;
      for (let i = 0; n && i < 12; i++, n = n.parent)
        if (n.type === 'except_clause') {
          exc = /\bas\s+(\w+)/.exec(n.text.split('\n')[0] ?? '')?.[1];
          break;
        }
      if (!exc) return false;
      return new RegExp(`\\b(?:str|repr)\\(\\s*${exc}\\s*\\)|\\{${exc}\\}|traceback`).test(
        c.argList?.text ?? '',
      );
    },
    examples: {
      bad: [
        'from flask import jsonify\ndef f():\n    try:\n        work()\n    except Exception as e:\n        return jsonify(error=str(e)), 500\n',
      ],
      good: [
        'from flask import jsonify\ndef f():\n    try:\n        work()\n    except Exception:\n        return jsonify(error="internal error"), 500\n',
      ],
    },
  }),
  call({
    id: 'py.predictable-salt',
    cwe: ['CWE-760'],
    severity: 'error',
    title: 'Constant or predictable salt',
    message:
      'The salt is constant or derived from other data: generate a random salt per password (os.urandom(16) / secrets.token_bytes) and store it.',
    names: [
      'pbkdf2_hmac',
      'scrypt',
      'hashpw',
      'PBKDF2',
      'Scrypt',
      'PBKDF2HMAC',
      'hash_secret',
      'hash_password',
    ],
    check: (c, ctx) => {
      let salt: Node | undefined = c.kwargs.get('salt');
      if (!salt) {
        if (c.name === 'pbkdf2_hmac') salt = c.args[2];
        else if (c.name === 'hashpw' || c.name === 'PBKDF2') salt = c.args[1];
        else if (c.name === 'scrypt') salt = c.args[1];
      }
      if (!salt) return false;
      const r = ctx.resolve(salt);
      if (ctx.isConstant(salt)) return { node: r };
      if (
        r.type === 'call' &&
        /^hashlib\.\w+|^\w+\.(?:digest|hexdigest|encode)$/.test(
          r.childForFieldName('function')?.text ?? '',
        ) &&
        !/urandom|random|token|gensalt/.test(r.text)
      )
        return {
          node: r,
          message:
            'The salt is derived from other data (a hash of the input), so equal inputs share a salt: use a random salt per password.',
        };
      return false;
    },
    examples: {
      bad: [
        'import hashlib\ndef f(pw):\n    salt = b"\\x00" * 16\n    return hashlib.pbkdf2_hmac("sha256", pw, salt, 100000)\n',
        'import hashlib\ndef f(user, pw):\n    salt = hashlib.sha256(user.encode()).digest()\n    return hashlib.pbkdf2_hmac("sha256", pw, salt, 100000)\n',
      ],
      good: [
        'import hashlib, os\ndef f(pw):\n    salt = os.urandom(16)\n    return hashlib.pbkdf2_hmac("sha256", pw, salt, 100000)\n',
      ],
    },
  }),
  query({
    id: 'py.nosql-injection',
    cwe: ['CWE-943'],
    severity: 'error',
    title: 'NoSQL query operator from untrusted data',
    message:
      'Untrusted data reaches a $where/$regex query operator: query with plain field values and validate their type.',
    query: '(pair key: (string) @k value: (_) @v) @report',
    check: (caps, ctx) =>
      /^['"]\$(?:where|regex|expr|function)['"]$/.test(caps.k?.text ?? '') && ctx.tainted(caps.v, 'sql'),
    examples: {
      bad: ['def f(coll, name):\n    return coll.find({"$where": "this.name == \'" + name + "\'"})\n'],
      good: ['def f(coll, name):\n    return coll.find({"name": str(name)})\n'],
    },
  }),
];

/** The value of a call is a secret: it is assigned to, or returned by a function, or passed as, a secret-like name. */
/** `choice(...)` called under a name imported from the random module (`from random import choice`). */
function importedFromRandom(name: string, source: string): boolean {
  if (!/^\w+$/.test(name)) return false;
  for (const m of source.matchAll(/^\s*from\s+random\s+import\s+\(?([\w\s,]+)\)?/gm))
    if ((m[1] ?? '').split(/[\s,]+/).includes(name)) return true;
  return false;
}

function inSecretContext(call: Node): boolean {
  let n: Node | null = call.parent;
  for (let i = 0; n && i < 6; i++, n = n.parent) {
    if (n.type === 'assignment') return SECRET_NAME.test(n.childForFieldName('left')?.text ?? '');
    if (n.type === 'function_definition') return SECRET_NAME.test(n.childForFieldName('name')?.text ?? '');
    if (n.type === 'keyword_argument') return SECRET_NAME.test(n.childForFieldName('name')?.text ?? '');
  }
  return false;
}

const ROUTE_DECORATOR = /@\s*(?:\w+\.)*(?:route|expose|get|post|put|patch|delete)\s*\(/;
const routeFiles = new WeakMap<object, boolean>();

/** Whether the file declares any route-decorated view (tested once per file). */
function hasRouteDecorator(model: object, source: string): boolean {
  let v = routeFiles.get(model);
  if (v === undefined) {
    v = ROUTE_DECORATOR.test(source);
    routeFiles.set(model, v);
  }
  return v;
}

/** Whether the node sits in a web view: a function decorated as a route (`@app.route`, `@expose`, `@bp.get`). */
function isRouteHandler(node: Node): boolean {
  let n: Node | null = node.parent;
  while (n && n.type !== 'function_definition') n = n.parent;
  const deco = n?.parent;
  if (deco?.type !== 'decorated_definition') return false;
  return deco.namedChildren.some(
    (d) =>
      d?.type === 'decorator' &&
      /^@\s*(?:\w+\.)*(?:route|expose|get|post|put|patch|delete)\s*\(/.test(d.text),
  );
}

/** Whether a value is a piece of a dot-separated token (`token.split('.')[1]`), through names bound to it. */
function tokenSegment(n: Node, ctx: RuleContext, depth: number): boolean {
  if (depth > 3) return false;
  if (/\.(?:r?split|r?partition)\(\s*(['"])\.\1/.test(n.text)) return true;
  for (const id of n.type === 'identifier' ? [n] : n.descendantsOfType('identifier')) {
    if (!id) continue;
    const b = ctx.taint.latestBinding(id.text, id.startIndex);
    if (b?.value && b.kind !== 'param' && tokenSegment(b.value, ctx, depth + 1)) return true;
  }
  return false;
}

/** The text of a constant written as literals joined by `+` (`'verify_' + 'signature'`). */
function constantText(n: Node | null | undefined, ctx: RuleContext): string | undefined {
  if (!n) return undefined;
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '+') {
    const l = constantText(n.childForFieldName('left'), ctx);
    const r = constantText(n.childForFieldName('right'), ctx);
    return l === undefined || r === undefined ? undefined : l + r;
  }
  if (n.type === 'parenthesized_expression') return constantText(n.namedChildren[0], ctx);
  return ctx.stringValue(n);
}
