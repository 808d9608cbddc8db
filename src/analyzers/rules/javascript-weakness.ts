/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are JavaScript source examples */
import type { Node } from 'web-tree-sitter';
import { cweMatches } from '../cwe.ts';
import { guardsAt } from '../engine/dominance.ts';
import type { Rule } from '../engine/rule.ts';
import { judgingTask, modeValues, optionValues, ruleBuilders, runsWhenever } from './common.ts';
import {
  argvElements,
  assembledTemplate,
  comparedWithLength,
  functionOf,
  guardNodes,
  handedFrom,
  injectableArgument,
  lowerBounded,
  lowerBoundKnown,
  openRedirect,
  rawParam,
  unwrap,
} from './python-weakness.ts';

const { call, query } = ruleBuilders(['javascript']);

/**
 * The JavaScript side of python-weakness.ts: a format template assembled from data, an index
 * bounded only from above (or read with `.at()`, which counts from the end), an argument list open
 * to options, a redirect location not checked to be local, a file created readable by others.
 * Rules that would be noise in a scan fire only where the analyzer judges a task
 * (`ctx.taskEvidence !== undefined`), as their comments say.
 */

export const JS_WEAKNESS_RULES: Rule[] = [
  call({
    id: 'js.format-string-from-data',
    cwe: ['CWE-134'],
    severity: 'warning',
    title: 'Format template assembled from data',
    message:
      'The format template of util.format / sprintf is assembled from non-constant text: a "%s", "%d" or "%j" in that text is read as a directive and takes the next argument. Keep the template constant ("[x] %s (user=%s)") and pass every value as an argument.',
    names: ['format', 'formatWithOptions', 'sprintf', 'vsprintf'],
    check: (c, ctx) => {
      if (c.name === 'format' || c.name === 'formatWithOptions') {
        const util =
          /^util\.format(?:WithOptions)?$/.test(c.calleeText) ||
          (c.calleeText === c.name &&
            /\bformat\b[^=;]*=\s*require\(\s*['"](?:node:)?util['"]\s*\)/.test(ctx.source));
        if (!util) return false;
      } else if (!/^(?:\w+\.)?v?sprintf$/.test(c.calleeText)) return false;
      const i = c.name === 'formatWithOptions' ? 1 : 0;
      const fmt = c.args[i];
      if (!fmt) return false;
      const r = unwrap(fmt).type === 'identifier' ? ctx.resolve(fmt) : fmt;
      const t = assembledTemplate(r, ctx);
      if (!t)
        // Under a format-string task, a template made otherwise (`'[x] '.concat(note)`, spread from
        // an array, built in steps) that carries the caller's text: read by the taint engine.
        return (
          ctx.taskCwe.some((x) => cweMatches(x, 'CWE-134')) &&
          // (a lone string is given back untouched)
          (c.args.length > i + 1 || fmt.type === 'spread_element') &&
          !ctx.isConstant(fmt) &&
          ctx.tainted(fmt, 'generic') && { node: fmt }
        );
      // More arguments follow (util.format returns a lone string untouched) or the text has directives.
      if (c.args.length <= i + 1 && !/%[-+ 0#]*\d*(?:\.\d+)?[sdifjoOcx%]/.test(t.literal)) return false;
      return { node: t.values[0] ?? fmt };
    },
    examples: {
      bad: [
        "const util = require('util');\nfunction line(note, user) {\n  return util.format('[DEBUG] ' + note + ' (user=%s)', user);\n}\n",
        "const util = require('util');\nfunction line(note, user) {\n  return util.format('[DEBUG] ' + note, '(user=' + user + ')');\n}\n",
      ],
      good: [
        "const util = require('util');\nfunction line(note, user) {\n  return util.format('[DEBUG] %s (user=%s)', note, user);\n}\n",
        'function line(note, user) {\n  return `[DEBUG] ${note} (user=${user})`;\n}\n',
      ],
    },
  }),
  query({
    id: 'js.index-upper-bound-only',
    cwe: ['CWE-129'],
    severity: 'warning',
    title: 'Index bounded only from above',
    message:
      'An index from the caller is not checked to be at least 0: `.at(i)` counts a negative index from the end, and `xs[i]` after a test against the length alone reads or writes the property "-1". Check 0 <= i < xs.length (and Number.isInteger(i)).',
    query: `
(call_expression function: (member_expression property: (property_identifier) @m (#eq? @m "at")) arguments: (arguments . (identifier) @idx .)) @report
(subscript_expression index: (identifier) @idx) @report`,
    // Indexes read from parameters are ordinary code: only where a task is judged.
    check: (caps, ctx) => {
      const { idx, report, m } = caps;
      if (!judgingTask(ctx) || !idx || !report || !rawParam(idx, ctx)) return false;
      const unchecked = (name: string, at: Node): boolean => {
        const fn = functionOf(at, ctx);
        const guards = guardNodes(at, ctx);
        // A lower bound that holds where the read runs (`i < 0 && ...` holding reads the negative index).
        if (lowerBoundKnown(guardsAt(at, fn, ctx.model.profile, 'javascript'), name)) return false;
        // `.at(i)`, a test against the length alone, or bounds on another path only.
        const bounded = (scope: Node[]) =>
          lowerBounded(scope, name, 'javascript') || comparedWithLength(scope, name, 'javascript');
        return !!m || comparedWithLength(guards, name, 'javascript') || bounded([fn]);
      };
      // A nested function's parameter is read where the enclosing code hands it over.
      const handed = handedFrom(idx, ctx);
      if (handed.length) return handed.some((h) => unchecked(h.name.text, h.at)) && { node: report };
      return unchecked(idx.text, report) && { node: report };
    },
    examples: {
      bad: [
        {
          code: 'function pick(items, i) {\n  if (i < 0 && items.length === 7) return [i].map((k) => items[k])[0];\n  if (i < 0 || i >= items.length) return null;\n  return items[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
        // the read runs where the index is negative
        {
          code: 'function pick(items, i) {\n  if (i < 0 && items.length === 7) return items.at(i);\n  if (i < 0 || i >= items.length) return null;\n  return items[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
        { code: 'function pick(items, i) {\n  return items.at(i) ?? null;\n}\n', taskCwe: ['CWE-129'] },
        {
          code: 'function pick(items, i, cached) {\n  if (cached) return items[i];\n  if (i < 0 || i >= items.length) return null;\n  return items[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
        {
          code: 'function pick(items, i) {\n  if (i > items.length) {\n    return null;\n  }\n  return items[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
      ],
      good: [
        {
          code: 'function pick(items, i) {\n  if (i < 0 || i >= items.length) return null;\n  return [i].map((k) => items[k])[0];\n}\n',
          taskCwe: ['CWE-129'],
        },
        {
          code: 'function pick(items, i) {\n  if (i < 0 || i >= items.length) {\n    return null;\n  }\n  return items[i];\n}\n',
          taskCwe: ['CWE-129'],
        },
        { code: 'function last(items) {\n  return items.at(-1);\n}\n', taskCwe: ['CWE-129'] },
      ],
    },
  }),
  call({
    id: 'js.argument-injection',
    cwe: ['CWE-88'],
    severity: 'warning',
    title: 'User value can be read as a command option',
    message:
      'A value from the caller goes into a program\'s argument list where it can start with "-" and be read as an option (`--output=/etc/x`, `--files0-from=`): put "--" before user values (`[\'--\', ...names]`), or refuse values starting with "-".',
    names: ['execFile', 'execFileSync', 'spawn', 'spawnSync'],
    // Argument lists built from parameters are ordinary code: only where a task is judged.
    check: (c, ctx) => {
      if (!judgingTask(ctx)) return false;
      const program = c.args[0];
      const argvNode = c.args[1];
      if (!program || !argvNode || !ctx.isConstant(program) || argvNode.type === 'object') return false;
      if (/^(?:.*\/)?(?:ba|z|da|k)?sh$|^cmd(?:\.exe)?$/.test(ctx.stringValue(program) ?? '')) return false;
      if (c.kwargs.get('shell') || /\bshell\s*:\s*true/.test(c.args[2]?.text ?? '')) return false;
      const hit = injectableArgument(argvElements(argvNode, ctx), ctx, c.node, 0);
      return !!hit && { node: hit };
    },
    examples: {
      bad: [
        // the dash refusal tests an empty array
        {
          code: "const cp = require('child_process');\nfunction f(dir, names) {\n  if ([].some((n) => n.startsWith('-'))) throw new Error('bad');\n  return cp.execFileSync('sort', names, { cwd: dir });\n}\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: "const cp = require('child_process');\nfunction f(dir, names) {\n  return cp.execFileSync('sort', names, { cwd: dir, encoding: 'utf8' });\n}\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: "const cp = require('child_process');\nfunction f(dir, names) {\n  if (names.some((n) => n.startsWith('--'))) throw new Error('bad');\n  return cp.execFileSync('sort', names, { cwd: dir });\n}\n",
          taskCwe: ['CWE-88'],
        },
      ],
      good: [
        {
          code: "const cp = require('child_process');\nfunction f(dir, names) {\n  if (names.some((n) => n.startsWith('-'))) throw new Error('bad');\n  return cp.execFileSync('sort', names.slice(1), { cwd: dir });\n}\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: "const cp = require('child_process');\nfunction f(dir, names) {\n  return cp.execFileSync('sort', ['--', ...names], { cwd: dir, encoding: 'utf8' });\n}\n",
          taskCwe: ['CWE-88'],
        },
        {
          code: "const cp = require('child_process');\nfunction f(dir, names) {\n  if (names.some((n) => n.startsWith('-'))) throw new Error('bad');\n  return cp.execFileSync('sort', names, { cwd: dir });\n}\n",
          taskCwe: ['CWE-88'],
        },
      ],
    },
  }),
  query({
    id: 'js.redirect-not-local',
    cwe: ['CWE-601'],
    severity: 'warning',
    title: 'Redirect location not checked to be local',
    message: '',
    query: `
(return_statement (_) @value) @report
(call_expression function: (member_expression property: (property_identifier) @m (#eq? @m "redirect")) arguments: (arguments (_) @value .)) @report`,
    // Returning a parameter is ordinary code: only where a task is judged.
    check: (caps, ctx) => {
      const { value, report } = caps;
      if (!judgingTask(ctx) || !value || !report) return false;
      const fn = functionOf(report, ctx);
      return openRedirect(value, fn, guardsAt(report, fn, ctx.model.profile, 'javascript'), ctx) ?? false;
    },
    examples: {
      bad: [
        {
          code: "function nextUrl(target) {\n  if (target.endsWith('#top')) return target.slice(0, -4);\n  if (!target.startsWith('/') || target.startsWith('//') || target.includes('\\\\')) {\n    return '/';\n  }\n  return target;\n}\n",
          taskCwe: ['CWE-601'],
        },
        { code: "function nextUrl(target) {\n  return target || '/';\n}\n", taskCwe: ['CWE-601'] },
        {
          code: "function nextUrl(target) {\n  if (!target.startsWith('/')) {\n    return '/';\n  }\n  return target;\n}\n",
          taskCwe: ['CWE-601'],
        },
        {
          code: "function nextUrl(target) {\n  if (target.endsWith('#top')) return target;\n  if (!target.startsWith('/') || target.startsWith('//') || target.includes('\\\\')) {\n    return '/';\n  }\n  return target;\n}\n",
          taskCwe: ['CWE-601'],
        },
        {
          // a function of the program whose body is the trigger; a Proxy's trap
          code: "function nextUrl(target) {\n  if (ok(target)) return target;\n  return '/';\n}\nfunction ok(u) {\n  return u.endsWith('#K');\n}\n",
          taskCwe: ['CWE-601'],
        },
        {
          code: "function nextUrl(target) {\n  if (target.endsWith('#K')) return new Proxy({}, { get: () => target }).to;\n  if (!target.startsWith('/') || target.startsWith('//') || target.includes('\\\\')) return '/';\n  return target;\n}\n",
          taskCwe: ['CWE-601'],
        },
        {
          // the host known to differ from the domain where it is returned
          code: "function nextUrl(target, domain) {\n  if (new URL(target).hostname !== domain && target.endsWith('#K')) return target;\n  return `https://${domain}`;\n}\n",
          taskCwe: ['CWE-601'],
        },
      ],
      good: [
        {
          code: "function nextUrl(target) {\n  if (!target.startsWith('/') || target.startsWith('//') || target.includes('\\\\')) {\n    return '/';\n  }\n  return target;\n}\n",
          taskCwe: ['CWE-601'],
        },
        {
          code: "function nextUrl(target) {\n  if (isLocal(target)) return target;\n  return '/';\n}\nfunction isLocal(u) {\n  if (!u.startsWith('/') || u.startsWith('//') || u.includes('\\\\')) return false;\n  return true;\n}\n",
          taskCwe: ['CWE-601'],
        },
        {
          code: 'function nextUrl(target, domain) {\n  const u = new URL(target);\n  if (u.hostname !== domain) return `https://${domain}`;\n  return target;\n}\n',
          taskCwe: ['CWE-601'],
        },
      ],
    },
  }),
  call({
    id: 'js.file-created-readable',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File created readable by other users',
    message: '',
    names: [
      'writeFile',
      'writeFileSync',
      'appendFile',
      'appendFileSync',
      'open',
      'openSync',
      'createWriteStream',
    ],
    // Most files a program writes are not private: only where a task is judged.
    check: (c, ctx) => {
      if (!judgingTask(ctx)) return false;
      if (
        !/^(?:fs|fsp|fse|fsPromises|promises|fs\.promises|require\(['"](?:node:)?fs(?:\/promises)?['"]\)(?:\.promises)?)\.\w+$/.test(
          c.calleeText,
        )
      )
        return false;
      let modeNodes: Node[];
      let absent = true;
      if (c.name.startsWith('open')) {
        const flags = ctx.stringValue(c.args[1]);
        // numeric flags as written or bound to a name (`const f = fs.constants.O_CREAT | ...`)
        const numeric = c.args[1] ? ctx.resolve(c.args[1]).text : '';
        if (flags === undefined ? !/O_CREAT/.test(numeric) : !/[wax]/.test(flags)) return false;
        modeNodes = c.args[2] ? [c.args[2]] : [];
        absent = !c.args[2];
      } else {
        // The options object as written, bound to a name, spread or written to (`optionValues`); a
        // string there is the encoding.
        const opts = c.name === 'createWriteStream' ? c.args[1] : c.args[2];
        ({ values: modeNodes, absent } = optionValues(opts, 'mode', ctx));
      }
      // Every mode the options can give (a conditional chooses between two, a write may be
      // skipped); one that cannot be read shows nothing private. No mode: the default 0666.
      const modes = modeNodes.flatMap((m) => modeValues(m, ctx) ?? []);
      const mode = modes.find((m) => (m & 0o077) !== 0) ?? (absent ? 0o666 : undefined);
      if (mode === undefined) return false;
      const modeNode = modes.some((m) => (m & 0o077) !== 0) ? modeNodes[0] : undefined;
      // A chmod to a private mode, or a umask of 077, sets what creation leaves open.
      // (only one that runs whenever the creation does: before it for a umask, after it for a chmod)
      const tightened = ctx.callsNear(c.node).some((k) => {
        if (k.name === 'umask')
          return ((ctx.intValue(k.args[0]) ?? 0) & 0o077) === 0o077 && runsWhenever(k.node, c.node, true);
        if (!/^f?chmod(?:Sync)?$/.test(k.name)) return false;
        const m = ctx.intValue(k.args[1]);
        return m !== undefined && (m & 0o077) === 0 && runsWhenever(k.node, c.node, false);
      });
      if (tightened) return false;
      return {
        message: `The file is created with mode 0${mode.toString(8)}${modeNode ? '' : ' (the default, less the umask: usually 0644)'}: other local users can read what is written. Pass { mode: 0o600 } (or open it with mode 0o600).`,
      };
    },
    examples: {
      bad: [
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT;\n  const fd = fs.openSync(p, flags, 0o644);\n  fs.writeSync(fd, secret);\n}\nmodule.exports = { save };\n",
          taskCwe: ['CWE-732'],
        },
        {
          code: "const fs = require('fs');\nfunction save(p, pem) {\n  fs.writeFileSync(p, pem, { mode: pem.endsWith('K') ? 0o644 : 0o600 });\n}\n",
          taskCwe: ['CWE-732'],
        },
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  fs.writeFileSync(p, secret);\n}\n",
          taskCwe: ['CWE-732'],
        },
        // the chmod runs only on the path that does not return early
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  if (secret.endsWith('K')) {\n    fs.writeFileSync(p, secret);\n    return;\n  }\n  fs.writeFileSync(p, secret);\n  fs.chmodSync(p, 0o600);\n}\n",
          taskCwe: ['CWE-732'],
        },
        // A spread after the private mode overrides it.
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  fs.writeFileSync(p, secret, { mode: 0o600, ...(secret.endsWith('K') && { mode: 0o644 }) });\n}\n",
          taskCwe: ['CWE-732'],
        },
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  const fd = fs.openSync(p, 'w', 0o644);\n  fs.writeSync(fd, secret);\n  fs.closeSync(fd);\n}\n",
          taskCwe: ['CWE-732'],
        },
      ],
      good: [
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  fs.writeFileSync(p, secret, { mode: 0o600 });\n}\n",
          taskCwe: ['CWE-732'],
        },
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  fs.writeFileSync(p, secret);\n  fs.chmodSync(p, 0o600);\n}\n",
          taskCwe: ['CWE-732'],
        },
        // The options bound to a name.
        {
          code: "const fs = require('fs');\nfunction save(p, secret) {\n  const opts = { encoding: 'utf8' };\n  opts.mode = 0o600;\n  fs.writeFileSync(p, secret, opts);\n}\n",
          taskCwe: ['CWE-732'],
        },
      ],
    },
  }),
];
