/** biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are JavaScript source examples */
import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../engine/model.ts';
import { type Rule, type RuleContext, regExpLiteral } from '../engine/rule.ts';
import { literalText, originOf, propertyValue, readsInput, ruleBuilders } from './common.ts';

const { call, query } = ruleBuilders(['javascript']);

/**
 * Classic Node/browser weaknesses the first JavaScript pack did not cover: archive entries written
 * outside the target folder (zip slip), cookies and sessions with their protections turned off,
 * CORS that reflects any origin with credentials, XML parsed with entity expansion, `message`
 * listeners that trust any window, client-side redirects to a URL read from the page address,
 * LDAP filters built from input, modules loaded by a name from the request and JWTs signed with a
 * key written in the source.
 */

/** `re.test(source)`, computed once per file and pattern (rules ask it for every call they see). */
const sourceTests = new WeakMap<RegExp, { source: string; hit: boolean }>();
export function sourceHas(re: RegExp, source: string): boolean {
  const last = sourceTests.get(re);
  if (last && last.source === source) return last.hit;
  const hit = re.test(source);
  sourceTests.set(re, { source, hit });
  return hit;
}

const LIBXMLJS = /libxmljs/;

/** The object literal an argument is, directly or through one variable. */
function objectArg(n: Node | undefined, ctx: RuleContext): Node | undefined {
  if (!n) return undefined;
  const r = n.type === 'object' ? n : ctx.resolve(n);
  return r.type === 'object' ? r : undefined;
}

/**
 * Whether an expression reads input an attacker controls remotely (a request, the page address,
 * the referrer, another window's message), directly or through local variables. Unlike the taint
 * sources, a CLI's argv and environment do not count: the user running the tool picks them.
 */
function readsRemoteInput(node: Node | undefined | null, ctx: RuleContext): boolean {
  return readsInput(node, ctx, 0, /^process\./);
}

// ---------------------------------------------------------------------------------------------
// Zip slip

/** Reads of an archive entry's own name: `entry.path`, `entry.entryName`, `header.name`, `file.fileName`. */
const ENTRY_NAME =
  /\b(?:entry|zipEntry|zipentry|tarEntry|header|fileHeader|zipFile)\.(?:path|entryName|fileName|name)\b/;
/** Archive libraries whose entries carry names from the archive. */
const ARCHIVE_LIB =
  /\b(?:unzip(?:per|2)?|adm-zip|AdmZip|yauzl|tar-stream|tar-fs|node-tar|jszip|JSZip|decompress|unzipStream|zlib)\b|require\(\s*['"]tar['"]\s*\)/;
/** A containment test on the destination: prefix check, `..` test, path.relative. */
const CONTAINED =
  /\.startsWith\s*\(|\.indexOf\s*\([^)]*\)\s*(?:===?|!==?)\s*0|['"`]\.\.['"`]|\.\.[\\/]|path\.relative\s*\(|isAbsolute\s*\(|(?:is|ensure)(?:Safe|Inside|Within|Contained)\w*\s*\(|path\.basename\s*\(/;

/** Whether the path expression (through up to three variables) uses an archive entry's name. */
function usesEntryName(n: Node, ctx: RuleContext, depth = 0): boolean {
  if (depth > 3) return false;
  const r = ctx.resolve(n);
  if (ENTRY_NAME.test(r.text)) return true;
  const ids = new Set<Node>();
  const stack: Node[] = [r];
  while (stack.length) {
    const x = stack.pop();
    if (!x) continue;
    if (x.type === 'identifier') ids.add(x);
    else for (const c of x.namedChildren) if (c) stack.push(c);
  }
  for (const id of ids) if (!id.equals(r) && usesEntryName(id, ctx, depth + 1)) return true;
  return false;
}

const zipSlip = call({
  id: 'js.zip-slip',
  cwe: ['CWE-22'],
  severity: 'error',
  title: 'Archive entry written outside the target folder (zip slip)',
  message:
    'An archive entry is written to a path built from its own name: an entry named "../../x" (or an absolute path) lands outside the target folder. Resolve the path and check it starts with the folder plus path.sep, or skip entries whose names contain "..".',
  names: [
    'createWriteStream',
    'writeFile',
    'writeFileSync',
    'outputFile',
    'outputFileSync',
    'ensureFile',
    'ensureFileSync',
    'mkdir',
    'mkdirSync',
    'mkdirp',
    'ensureDir',
    'ensureDirSync',
    'open',
    'openSync',
    'symlink',
    'symlinkSync',
  ],
  check: (c, ctx) => {
    if (c.receiver && !/^(?:fs|fsp|fse|fs\.promises|promises|fsExtra|mkdirp)$/.test(c.receiver.text))
      return false;
    if (!c.receiver && c.name !== 'mkdirp') return false;
    const p = c.name.startsWith('symlink') ? c.args[1] : c.args[0];
    if (!p || !sourceHas(ARCHIVE_LIB, ctx.source) || !usesEntryName(p, ctx)) return false;
    return !CONTAINED.test(ctx.functionText(c.node)) && { node: p };
  },
  examples: {
    bad: [
      "const fs = require('fs');\nconst path = require('path');\nconst unzipper = require('unzipper');\nfunction extract(zipPath, dest) {\n  fs.createReadStream(zipPath).pipe(unzipper.Parse()).on('entry', (entry) => {\n    const out = path.join(dest, entry.path);\n    entry.pipe(fs.createWriteStream(out));\n  });\n}\n",
      "const fs = require('fs');\nconst path = require('path');\nconst AdmZip = require('adm-zip');\nfunction unpack(file, dir) {\n  const zip = new AdmZip(file);\n  for (const entry of zip.getEntries()) {\n    if (entry.isDirectory) continue;\n    fs.writeFileSync(path.resolve(dir, entry.entryName), entry.getData());\n  }\n}\n",
      "const fs = require('fs-extra');\nconst tar = require('tar-stream');\nfunction untar(stream, dest) {\n  const ex = tar.extract();\n  ex.on('entry', (header, body, next) => {\n    const name = header.name;\n    const target = dest + '/' + name;\n    fs.ensureFileSync(target);\n    body.pipe(fs.createWriteStream(target)).on('finish', next);\n  });\n  stream.pipe(ex);\n}\n",
    ],
    good: [
      "const fs = require('fs');\nconst path = require('path');\nconst unzipper = require('unzipper');\nfunction extract(zipPath, dest) {\n  fs.createReadStream(zipPath).pipe(unzipper.Parse()).on('entry', (entry) => {\n    const out = path.resolve(dest, entry.path);\n    if (!out.startsWith(path.resolve(dest) + path.sep)) return entry.autodrain();\n    entry.pipe(fs.createWriteStream(out));\n  });\n}\n",
      "const fs = require('fs');\nconst path = require('path');\nconst AdmZip = require('adm-zip');\nfunction unpack(file, dir) {\n  const zip = new AdmZip(file);\n  for (const entry of zip.getEntries()) {\n    if (entry.isDirectory) continue;\n    fs.writeFileSync(path.join(dir, path.basename(entry.entryName)), entry.getData());\n  }\n}\n",
      "const fs = require('fs-extra');\nconst tar = require('tar-stream');\nfunction untar(stream, dest) {\n  const ex = tar.extract();\n  ex.on('entry', (header, body, next) => {\n    const name = header.name;\n    if (name.split('/').includes('..') || name.startsWith('/')) return next();\n    const target = dest + '/' + name;\n    fs.ensureFileSync(target);\n    body.pipe(fs.createWriteStream(target)).on('finish', next);\n  });\n  stream.pipe(ex);\n}\n",
      // Not an archive: a header object's name in an ordinary file write.
      "const fs = require('fs');\nfunction save(dir, header, body) {\n  fs.writeFileSync(dir + '/' + header.name, body);\n}\n",
    ],
  },
});

/** An archive entry's own name, wherever the archive code keeps it (`item.entryName`, `header.linkname`). */
const ARCHIVE_NAME =
  /\.(?:entryName|linkname|linkpath)\b|\b(?:entry|zipEntry|zipentry|tarEntry|header|fileHeader|zipFile)\.(?:path|entryName|fileName|name)\b/;
/** Files that can hold archive code at all (asked once per file before anything else). */
const ARCHIVE_HINT =
  /entryName|linkname|linkpath|['"]entry['"]|extract|unzip|untar|unpack|decompress|inflate|archive|\btar\b|zip/i;
/** Functions that unpack archives (`extractAllTo`, `Extract`, `untar`). */
const UNPACKING = /extract|unzip|untar|unpack|decompress|inflate/i;

/** Whether the expression (through up to three variables) uses an archive entry's name. */
function usesArchiveName(n: Node, ctx: RuleContext, depth = 0): boolean {
  if (depth > 3) return false;
  const r = ctx.resolve(n);
  if (ARCHIVE_NAME.test(r.text) || ARCHIVE_NAME.test(n.text)) return true;
  const stack: Node[] = [r];
  while (stack.length) {
    const x = stack.pop();
    if (!x) continue;
    if (x.type === 'identifier') {
      if (!x.equals(r) && usesArchiveName(x, ctx, depth + 1)) return true;
    } else for (const c of x.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/**
 * A complete containment test in the function: a prefix test against the folder *plus a separator*
 * (`startsWith(dir + path.sep)`; without it "/out" admits "/outside"), a `..` test, path.relative,
 * or a helper that says it confines the path (`sanitize(dir, name)`, `isInside(...)`).
 */
function confined(fn: Node, ctx: RuleContext): boolean {
  const text = fn.text;
  // A test for ".." (`name.includes('..')`, `part === '..'`, `/\.\./.test(name)`), not a path.resolve(x, '..').
  if (
    /(?:includes|indexOf|startsWith|split)\s*\(\s*['"`]\.\.|(?:===?|!==?)\s*['"`]\.\.['"`]|['"`]\.\.['"`]\s*(?:===?|!==?)|\/[^/\n]*\\\.\\\.[^/\n]*\/\w*\.test\(/.test(
      text,
    ) ||
    /(?:is|ensure)(?:Safe|Inside|Within|Contained|Subpath)\w*\s*\(|\bsanitize\w*\s*\(/i.test(text)
  )
    return true;
  if (/path\.relative\s*\(/.test(text) && /isAbsolute|['"`]\.\./.test(text)) return true;
  const withSep = (n: Node | undefined | null) =>
    !!n && /\bsep\b|['"`][/\\]['"`]|[/\\]['"`]\s*\)?$/.test(`${n.text} ${ctx.resolve(n).text}`);
  for (const c of fn.descendantsOfType('call_expression')) {
    const f = c?.childForFieldName('function');
    const m = f?.type === 'member_expression' ? f.childForFieldName('property')?.text : undefined;
    if (m !== 'startsWith' && m !== 'indexOf' && m !== 'lastIndexOf') continue;
    if (withSep(c?.childForFieldName('arguments')?.namedChildren[0])) return true;
  }
  return false;
}

/**
 * Zip slip where the archive code itself builds the destination: `path.join(dir, entry.path)` or
 * `path.resolve(target, item.entryName)` handed on to a writer, in code that unpacks an archive,
 * with no complete containment test in the function. A name first normalised against the root
 * (`path.join('/', name)`) or reduced to its basename cannot climb out.
 */
const archiveEntryPath = call({
  id: 'js.archive-entry-path',
  cwe: ['CWE-22'],
  severity: 'error',
  title: 'Archive entry name joined onto the destination folder (zip slip)',
  message:
    'A destination path is joined from an archive entry\'s own name: an entry named "../../x" or "/x" leaves the folder. Resolve it and check it starts with the folder plus path.sep (or refuse names containing "..") before writing.',
  names: ['join', 'resolve'],
  check: (c, ctx) => {
    if (
      !sourceHas(ARCHIVE_HINT, ctx.source) ||
      !/^(?:path|pth|Path|nodePath|_path)$/.test(c.receiver?.text ?? '')
    )
      return false;
    const report = c.node;
    const args = c.args;
    if (args.length < 2) return false;
    const entry = args.slice(1).find((a) => a && usesArchiveName(a, ctx));
    if (!entry) return false;
    // Reduced to a basename, or normalised against the root first.
    if (
      /^(?:(?:path|pth)\.)?basename\s*\(|^(?:path|pth)\.(?:join|resolve)\(\s*['"`][/\\]['"`]\s*,|^(?:path|pth)\.normalize\(\s*['"`][/\\]/.test(
        entry.text,
      ) ||
      /^['"`][/\\]['"`]$/.test(args[0]?.text ?? '')
    )
      return false;
    let fn: Node | null = ctx.model.functionAt(report.startIndex).node;
    // The named function around it (entry handlers are anonymous callbacks).
    let outer = fn;
    for (; fn; fn = fn.parent)
      if (/function|arrow_function|method_definition/.test(fn.type)) {
        outer = fn;
        const named =
          fn.childForFieldName('name') ??
          fn.parent?.childForFieldName('name') ??
          fn.parent?.childForFieldName('left') ??
          fn.parent?.childForFieldName('key');
        if (named) break;
      }
    if (!outer) return false;
    // The entries of a directory listing (`readdir(dir, { withFileTypes: true })`): names inside it.
    if (/^[\w$]+\.name$/.test(entry.text) && /\b(?:readdir|opendir)(?:Sync)?\s*\(/.test(outer.text))
      return false;
    const unpacking =
      sourceHas(ARCHIVE_LIB, ctx.source) ||
      /\.on\(\s*['"]entry['"]/.test(outer.text) ||
      /\.(?:entryName|linkname|linkpath)\b/.test(entry.text) ||
      UNPACKING.test(
        (
          outer.childForFieldName('name') ??
          outer.parent?.childForFieldName('name') ??
          outer.parent?.childForFieldName('left') ??
          outer.parent?.childForFieldName('key')
        )?.text ?? '',
      );
    if (!unpacking || confined(outer, ctx)) return false;
    // Where the path goes straight to an fs write of an archive library's entry, js.zip-slip says it.
    if (
      sourceHas(ARCHIVE_LIB, ctx.source) &&
      /\b(?:fs|fsp|fse|fsExtra|promises)\.(?:createWriteStream|writeFile|outputFile|ensureFile|mkdir|open|symlink)/.test(
        outer.text,
      )
    )
      return false;
    return { node: entry };
  },
  examples: {
    bad: [
      "function Extract(opts) {\n  var self = this;\n  self.on('entry', function (entry) {\n    if (entry.type == 'Directory') return;\n    entry.pipe(Writer({ path: path.join(opts.path, entry.path) }));\n  });\n}\n",
      // A prefix test without the separator: "/out" admits "/outside/x".
      "var extractAllTo = function (targetPath) {\n  _zip.entries.forEach(function (entry) {\n    var entryName = entry.entryName.toString();\n    if (!pth.resolve(targetPath, entryName).startsWith(pth.resolve(targetPath))) throw new Error('bad');\n    Utils.writeFileTo(pth.resolve(targetPath, entryName), entry.getData());\n  });\n};\n",
      'var onlink = function () {\n  xfs.unlink(name, function () {\n    var srcpath = path.resolve(cwd, header.linkname);\n    xfs.link(srcpath, name, stat);\n  });\n};\n',
    ],
    good: [
      "function Extract(opts) {\n  var self = this;\n  self.on('entry', function (entry) {\n    var out = path.resolve(opts.path, entry.path);\n    if (!out.startsWith(path.resolve(opts.path) + path.sep)) return entry.autodrain();\n    entry.pipe(Writer({ path: out }));\n  });\n}\n",
      "var onlink = function () {\n  xfs.unlink(name, function () {\n    var srcpath = path.join(cwd, path.join('/', header.linkname));\n    xfs.link(srcpath, name, stat);\n  });\n};\n",
      'var extractAllTo = function (targetPath) {\n  _zip.entries.forEach(function (entry) {\n    Utils.writeFileTo(sanitize(targetPath, entry.entryName.toString()), entry.getData());\n  });\n};\n',
      // A directory walker's entries are paths inside the walked folder, not archive names.
      'function list(root) {\n  return walk(root).map((entry) => path.join(root, entry.path));\n}\n',
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Cookies and sessions

/** Cookie names that carry a session or credentials (not preferences, not a CSRF double-submit token). */
const AUTH_COOKIE = /sess|sid\b|token|auth|jwt|login|remember|credential|connect\.sid/i;
const CSRF_COOKIE = /csrf|xsrf/i;

function cookieFlagProblem(opts: Node | undefined): { flag: string; node: Node } | undefined {
  for (const flag of ['httpOnly', 'secure']) {
    const v = propertyValue(opts, flag);
    if (v?.type === 'false') return { flag, node: v };
  }
  return undefined;
}

const cookieFlags = call({
  id: 'js.insecure-cookie',
  cwe: ['CWE-1004', 'CWE-614'],
  severity: 'warning',
  title: 'Session cookie with httpOnly or secure turned off',
  message:
    'A session or credential cookie is set with httpOnly: false (scripts, and so any XSS, can read it) or secure: false (it is sent over plain HTTP): leave httpOnly on and set secure: true.',
  names: ['cookie', 'session', 'expressSession', 'cookieSession', 'koaSession'],
  check: (c, ctx) => {
    let opts: Node | undefined;
    let what: string;
    if (c.name === 'cookie') {
      // res.cookie(name, value, options)
      if (!c.receiver || !/^(?:res|response|reply|ctx\.cookies|ctx)$/.test(c.receiver.text)) return false;
      const name = ctx.stringValue(c.args[0]);
      if (!name || !AUTH_COOKIE.test(name) || CSRF_COOKIE.test(name)) return false;
      opts = objectArg(c.args[2], ctx);
      what = `the cookie "${name}"`;
    } else {
      // express-session: session({ cookie: {...} }); cookie-session / koa-session: options at the top.
      if (c.receiver) return false;
      const top = objectArg(c.args[0], ctx) ?? objectArg(c.args[1], ctx);
      if (!top) return false;
      opts =
        c.name === 'session' || c.name === 'expressSession' ? (propertyValue(top, 'cookie') ?? top) : top;
      if (opts.type !== 'object') opts = objectArg(opts, ctx);
      what = 'the session cookie';
    }
    const p = cookieFlagProblem(opts);
    if (!p) return false;
    return {
      node: p.node.parent ?? p.node,
      cwe: p.flag === 'httpOnly' ? ['CWE-1004'] : ['CWE-614'],
      message:
        p.flag === 'httpOnly'
          ? `${what} is set with httpOnly: false: page scripts (and so any XSS) can read it. Leave httpOnly on.`
          : `${what} is set with secure: false: the browser also sends it over plain HTTP. Set secure: true (behind a proxy, with app.set('trust proxy', 1)).`,
    };
  },
  examples: {
    bad: [
      "app.post('/login', (req, res) => {\n  const token = issue(req.body.user);\n  res.cookie('auth_token', token, { httpOnly: false, maxAge: 86400000 });\n  res.redirect('/');\n});\n",
      "const session = require('express-session');\napp.use(session({\n  secret: process.env.SESSION_SECRET,\n  resave: false,\n  cookie: { secure: false, maxAge: 3600000 },\n}));\n",
      "const cookieSession = require('cookie-session');\napp.use(cookieSession({ name: 'session', keys: [process.env.KEY], httpOnly: false }));\n",
    ],
    good: [
      "app.post('/login', (req, res) => {\n  const token = issue(req.body.user);\n  res.cookie('auth_token', token, { httpOnly: true, secure: true, maxAge: 86400000 });\n  res.redirect('/');\n});\n",
      "const session = require('express-session');\napp.use(session({\n  secret: process.env.SESSION_SECRET,\n  resave: false,\n  cookie: { secure: true, maxAge: 3600000 },\n}));\n",
      "const cookieSession = require('cookie-session');\napp.use(cookieSession({ name: 'session', keys: [process.env.KEY] }));\n",
      // A preference and an Angular-style XSRF token are meant to be read by the page.
      "app.get('/', (req, res) => {\n  res.cookie('theme', 'dark', { httpOnly: false });\n  res.cookie('XSRF-TOKEN', req.csrfToken(), { httpOnly: false });\n  res.render('index');\n});\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// CORS

/** An origin option that accepts every origin: `true`, `'*'`, or a callback that always says yes. */
function acceptsAnyOrigin(v: Node | undefined, ctx: RuleContext): boolean {
  if (!v) return false;
  if (v.type === 'true' || ctx.stringValue(v) === '*') return true;
  const fn = ctx.model.profile.functionTypes.has(v.type) ? v : ctx.resolve(v);
  if (!ctx.model.profile.functionTypes.has(fn.type)) return false;
  const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
  // (a parameter with a default value is named by its left side)
  const cb = (params[1]?.type === 'assignment_pattern' ? params[1].childForFieldName('left') : params[1])
    ?.text;
  if (!cb) return false;
  const body = fn.childForFieldName('body')?.text ?? '';
  // Every call of the callback says yes, and nothing is tested first.
  const calls = body.match(new RegExp(`\\b${regExpLiteral(cb)}\\s*\\(([^)]*)\\)`, 'g')) ?? [];
  return (
    calls.length > 0 &&
    calls.every((k) => /\(\s*null\s*,\s*true\s*\)/.test(k)) &&
    !/\bif\b|\?|indexOf|includes|test\(|===|==/.test(body)
  );
}

const corsCredentials = call({
  id: 'js.cors-any-origin-credentials',
  cwe: ['CWE-942', 'CWE-346'],
  severity: 'error',
  title: 'CORS accepts any origin with credentials',
  message:
    "CORS answers every origin (reflecting the request's Origin) and allows credentials: any site can read this API's responses with the user's cookies. Allow-list the origins.",
  names: ['cors', 'setHeader', 'header', 'set'],
  check: (c, ctx) => {
    if (c.name === 'cors') {
      if (c.receiver) return false;
      const opts = objectArg(c.args[0], ctx);
      if (!opts || propertyValue(opts, 'credentials')?.type !== 'true') return false;
      const origin = propertyValue(opts, 'origin');
      // `origin: '*'` with credentials is refused by browsers; `true` and yes-callbacks reflect.
      return (
        !!origin &&
        origin.type !== 'string' &&
        acceptsAnyOrigin(origin, ctx) && { node: origin.parent ?? c.node }
      );
    }
    // res.setHeader('Access-Control-Allow-Origin', req.headers.origin) with credentials allowed.
    if (!c.receiver || !/^(?:res|response|reply|ctx|ctx\.response)$/.test(c.receiver.text)) return false;
    if (!/^access-control-allow-origin$/i.test(ctx.stringValue(c.args[0]) ?? '')) return false;
    const v = c.args[1];
    if (!v || !/origin/i.test(ctx.resolve(v).text) || !readsRemoteInput(v, ctx)) return false;
    // Reflected without a test: an allow-list check (`if (ALLOWED.includes(origin))`) cuts the flow.
    if (!ctx.tainted(v, 'header')) return false;
    return /access-control-allow-credentials['"]\s*,\s*(?:true|['"]true['"])/i.test(ctx.functionText(c.node));
  },
  examples: {
    bad: [
      "const cors = require('cors');\napp.use(cors({ origin: true, credentials: true }));\n",
      "const cors = require('cors');\napp.use(cors({ origin: (origin, cb) => cb(null, true), credentials: true }));\n",
      "app.use((req, res, next) => {\n  res.setHeader('Access-Control-Allow-Origin', req.headers.origin);\n  res.setHeader('Access-Control-Allow-Credentials', 'true');\n  next();\n});\n",
    ],
    good: [
      "const cors = require('cors');\napp.use(cors({ origin: ['https://app.example.com'], credentials: true }));\n",
      "const cors = require('cors');\nconst ALLOWED = ['https://app.example.com'];\napp.use(cors({ origin: (origin, cb) => cb(null, ALLOWED.includes(origin)), credentials: true }));\n",
      "const ALLOWED = new Set(['https://app.example.com']);\napp.use((req, res, next) => {\n  const origin = req.headers.origin;\n  if (ALLOWED.has(origin)) {\n    res.setHeader('Access-Control-Allow-Origin', origin);\n    res.setHeader('Access-Control-Allow-Credentials', 'true');\n  }\n  next();\n});\n",
      // A public API without credentials.
      "const cors = require('cors');\napp.use(cors({ origin: true }));\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// XXE

const libxmlEntities = call({
  id: 'js.xxe',
  cwe: ['CWE-611'],
  severity: 'error',
  title: 'XML parsed with external entity expansion',
  message:
    'libxmljs is asked to substitute entities (noent: true): a document can read local files or reach internal URLs through external entities. Drop noent (and keep nonet: true).',
  names: [
    'parseXml',
    'parseXmlString',
    'parseXmlAsync',
    'parseHtml',
    'parseHtmlString',
    'SaxParser',
    'SaxPushParser',
  ],
  check: (c, ctx) => {
    if (!sourceHas(LIBXMLJS, ctx.source) && !/libxml/i.test(c.receiver?.text ?? '')) return false;
    for (const a of c.args) {
      const v = propertyValue(objectArg(a, ctx), 'noent');
      if (v?.type === 'true') return { node: v.parent ?? c.node };
    }
    return false;
  },
  examples: {
    bad: [
      "const libxmljs = require('libxmljs');\nfunction parse(req) {\n  return libxmljs.parseXml(req.body, { noent: true, noblanks: true });\n}\n",
      "const libxml = require('libxmljs2');\nfunction load(xml) {\n  const opts = { noent: true };\n  return libxml.parseXmlString(xml, opts);\n}\n",
    ],
    good: [
      "const libxmljs = require('libxmljs');\nfunction parse(req) {\n  return libxmljs.parseXml(req.body, { noblanks: true });\n}\n",
      "const libxml = require('libxmljs2');\nfunction load(xml) {\n  return libxml.parseXmlString(xml, { noent: false, nonet: true });\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// postMessage receivers

/** The handler function of `addEventListener('message', h)`: a literal, or a local function by name. */
function handlerFunction(n: Node | undefined, ctx: RuleContext): Node | undefined {
  if (!n) return undefined;
  const fns = ctx.model.profile.functionTypes;
  if (fns.has(n.type)) return n;
  if (n.type !== 'identifier') return undefined;
  const r = ctx.resolve(n);
  if (fns.has(r.type)) return r;
  // A function declaration of that name in the file.
  for (const f of ctx.model.nodesOfType('function_declaration'))
    if (f.childForFieldName('name')?.text === n.text) return f;
  return undefined;
}

const messageOrigin = call({
  id: 'js.message-no-origin-check',
  cwe: ['CWE-346', 'CWE-20'],
  severity: 'warning',
  title: "Cross-window message handled without checking the sender's origin",
  message:
    "This window's message listener uses event.data without checking event.origin: any page that can open or frame this one can send it messages. Compare event.origin with the expected origin first.",
  names: ['addEventListener'],
  check: (c, ctx) => {
    if (c.receiver?.text !== 'window' || ctx.stringValue(c.args[0]) !== 'message') return false;
    const fn = handlerFunction(c.args[1], ctx);
    if (!fn) return false;
    const params = fn.childForFieldName('parameters')?.namedChildren ?? [];
    const ev = params[0]?.type === 'identifier' ? params[0].text : fn.childForFieldName('parameter')?.text;
    if (!ev) return false;
    const body = fn.childForFieldName('body')?.text ?? '';
    const esc = regExpLiteral(ev);
    if (!new RegExp(`\\b${esc}\\.data\\b|\\{[^}]*\\bdata\\b[^}]*\\}\\s*=\\s*${esc}\\b`).test(body))
      return false;
    // An origin (or source window) test anywhere in the handler.
    return !/\borigin\b|\.source\b/.test(body) && { node: c.node };
  },
  examples: {
    bad: [
      "window.addEventListener('message', (event) => {\n  document.getElementById('out').innerHTML = event.data.html;\n});\n",
      "function onMsg(e) {\n  const cmd = e.data;\n  if (cmd.type === 'navigate') location.href = cmd.url;\n}\nwindow.addEventListener('message', onMsg, false);\n",
    ],
    good: [
      "window.addEventListener('message', (event) => {\n  if (event.origin !== 'https://app.example.com') return;\n  document.getElementById('out').textContent = event.data.text;\n});\n",
      "function onMsg(e) {\n  if (e.source !== frame.contentWindow) return;\n  const cmd = e.data;\n  if (cmd.type === 'navigate') location.href = cmd.url;\n}\nwindow.addEventListener('message', onMsg, false);\n",
      // worker_threads / Web Worker messages come from code the app started.
      "worker.addEventListener('message', (e) => {\n  results.push(e.data);\n});\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Client-side redirect

/**
 * Assignments to the DOM properties rules watch: HTML sinks (js.xss-innerhtml) and the page's
 * location. One query text, so the combined query matches it once for both rules.
 */
export const PROPERTY_ASSIGNMENT =
  '(assignment_expression left: [(member_expression property: (property_identifier) @p) (identifier) @p] right: (_) @v (#any-of? @p "innerHTML" "outerHTML" "srcdoc" "location" "href")) @report';

/** What a page can be made to load through its own address, referrer, name or a message. */
const CLIENT_URL_SOURCE =
  /location\.(?:hash|search)\b|document\.(?:referrer|URL)\b|window\.name\b|\.searchParams\b|URLSearchParams\b|\b(?:req|request|ctx)\.(?:query|params|body)\b/;

function readsClientUrl(node: Node | undefined | null, ctx: RuleContext, depth = 0): boolean {
  if (!node || depth > 5) return false;
  const stack: Node[] = [node];
  const p = ctx.model.profile;
  while (stack.length) {
    const n = stack.pop();
    if (!n) continue;
    if (
      (n.type === 'member_expression' || n.type === 'call_expression' || n.type === 'new_expression') &&
      CLIENT_URL_SOURCE.test(n.text)
    )
      return true;
    if (n.type === 'identifier') {
      const b = ctx.taint.latestBinding(n.text, n.startIndex);
      if (b?.value && b.kind !== 'sanitize' && readsClientUrl(b.value, ctx, depth + 1)) return true;
      continue;
    }
    if (p.functionTypes.has(n.type)) continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** A URL whose scheme and host are fixed by a literal start (`/path?x=`, `https://host/`, `#`, `?`). */
function fixedStart(v: Node, ctx: RuleContext): boolean {
  let first: Node | null = ctx.resolve(v);
  while (first?.type === 'binary_expression') first = first.childForFieldName('left');
  if (first?.type === 'template_string') {
    const lead = first.namedChildren[0];
    return (
      lead?.type === 'string_fragment' && /^(?:\/[^/\\]|[#?]|[a-z][a-z0-9+.-]*:\/\/[^/]+\/)/i.test(lead.text)
    );
  }
  const s = first ? ctx.stringValue(first) : undefined;
  return (
    s !== undefined && first?.type === 'string' && /^(?:\/[^/\\]|[#?]|[a-z][a-z0-9+.-]*:\/\/[^/]+\/)/i.test(s)
  );
}

function clientRedirect(v: Node | undefined, ctx: RuleContext): boolean {
  return !!v && readsClientUrl(v, ctx) && ctx.tainted(v, 'redirect') && !fixedStart(v, ctx);
}

const CLIENT_REDIRECT_MESSAGE =
  'The page navigates to a URL read from its own address, referrer or window name: an attacker\'s link sends the user to any site, or runs script through a "javascript:" URL. Allow only relative paths (starting with a single "/") or allow-listed hosts.';

const clientRedirectAssign = query({
  id: 'js.client-open-redirect',
  cwe: ['CWE-601'],
  severity: 'error',
  title: 'Page redirected to a URL from its address (client-side open redirect)',
  message: CLIENT_REDIRECT_MESSAGE,
  query: PROPERTY_ASSIGNMENT,
  check: (caps, ctx) => {
    if (caps.p?.text !== 'location' && caps.p?.text !== 'href') return false;
    const left = caps.p?.parent;
    // `x.href = ...` only on a location (`location.href`, `window.location.href`).
    if (caps.p?.text === 'href' && !/location$/.test(left?.childForFieldName('object')?.text ?? ''))
      return false;
    return clientRedirect(caps.v, ctx) && { node: originOf(caps.v as Node, ctx, 'redirect') };
  },
  examples: {
    bad: [
      "const next = new URLSearchParams(window.location.search).get('next');\nwindow.location.href = next;\n",
      'function go() {\n  const target = decodeURIComponent(location.hash.slice(1));\n  location = target;\n}\n',
    ],
    good: [
      "const next = new URLSearchParams(window.location.search).get('next');\nif (next && next.startsWith('/') && !next.startsWith('//')) window.location.href = next;\n",
      "function go() {\n  const target = encodeURIComponent(location.hash.slice(1));\n  location = '/search?q=' + target;\n}\n",
      "function reload() {\n  window.location.href = '/login?next=' + encodeURIComponent(location.pathname);\n}\n",
    ],
  },
});

const clientRedirectCall = call({
  id: 'js.client-open-redirect-call',
  cwe: ['CWE-601'],
  severity: 'error',
  title: 'Page redirected to a URL from its address (client-side open redirect)',
  message: CLIENT_REDIRECT_MESSAGE,
  names: ['assign', 'replace'],
  check: (c, ctx) =>
    !!c.receiver &&
    /^(?:(?:window|document|self|top)\.)?location$/.test(c.receiver.text) &&
    clientRedirect(c.args[0], ctx) && { node: originOf(c.args[0] as Node, ctx, 'redirect') },
  examples: {
    bad: [
      "function back() {\n  const params = new URLSearchParams(location.search);\n  window.location.replace(params.get('returnTo'));\n}\n",
    ],
    good: [
      "function back() {\n  const params = new URLSearchParams(location.search);\n  const to = params.get('returnTo') || '/';\n  if (!/^\\/[^/\\\\]/.test(to)) return;\n  window.location.replace(to);\n}\n",
      "function home() {\n  window.location.replace('/home' + location.search);\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// LDAP

const ldapInjection = call({
  id: 'js.ldap-injection',
  cwe: ['CWE-90'],
  severity: 'error',
  title: 'LDAP filter built from untrusted data',
  message:
    'Untrusted data is pasted into an LDAP search filter: "*", "(" or ")" in it changes the filter (log in as anyone, list the directory). Escape the value (ldap-escape, or ldapjs EqualityFilter objects).',
  names: ['search'],
  check: (c, ctx) => {
    if (
      !c.receiver ||
      /^(?:location|window\.location|url|u|params|searchParams|String|str)$/.test(c.receiver.text)
    )
      return false;
    const opts = objectArg(c.args[1], ctx);
    const f = opts ? propertyValue(opts, 'filter') : c.args[1];
    if (!f) return false;
    const text = literalText(ctx.resolve(f), ctx);
    if (!/\(\s*[&|!]?\s*\(?[\w.-]+\s*[~<>]?=/.test(text)) return false;
    return ctx.built(f, 'ldap') && { node: originOf(f, ctx, 'ldap') };
  },
  examples: {
    bad: [
      "const ldap = require('ldapjs');\nfunction findUser(client, username, cb) {\n  const opts = { filter: '(&(objectClass=person)(uid=' + username + '))', scope: 'sub' };\n  client.search('ou=people,dc=example,dc=com', opts, cb);\n}\n",
      "app.get('/who', (req, res) => {\n  client.search(BASE, { filter: `(mail=${req.query.email})`, scope: 'sub' }, (err, r) => r.pipe(res));\n});\n",
    ],
    good: [
      "const ldap = require('ldapjs');\nfunction findUser(client, username, cb) {\n  const filter = new ldap.AndFilter({ filters: [new ldap.EqualityFilter({ attribute: 'objectClass', value: 'person' }), new ldap.EqualityFilter({ attribute: 'uid', value: username })] });\n  client.search('ou=people,dc=example,dc=com', { filter, scope: 'sub' }, cb);\n}\n",
      "const { filter: escapeFilter } = require('ldap-escape');\napp.get('/who', (req, res) => {\n  client.search(BASE, { filter: `(mail=${escapeLdap(req.query.email)})`, scope: 'sub' }, (err, r) => r.pipe(res));\n});\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Modules loaded by name from the request

const dynamicRequire = call({
  id: 'js.dynamic-require',
  cwe: ['CWE-829', 'CWE-95'],
  severity: 'error',
  title: 'Module loaded by a name from the request',
  message:
    'require()/import() loads a module named by request data: an attacker picks which file runs (any .js or .json on the server, with "../"). Map the input to a fixed table of modules.',
  names: ['require', 'import'],
  check: (c, ctx) => {
    if (c.receiver || c.args.length !== 1) return false;
    const a = c.args[0];
    if (!a || a.type === 'string') return false;
    return readsRemoteInput(a, ctx) && ctx.tainted(a, 'code') && { node: originOf(a, ctx, 'code') };
  },
  examples: {
    bad: [
      "app.get('/plugin/:name', (req, res) => {\n  const plugin = require('./plugins/' + req.params.name);\n  res.json(plugin.run(req.query));\n});\n",
    ],
    good: [
      "const PLUGINS = { csv: require('./plugins/csv'), xml: require('./plugins/xml') };\napp.get('/plugin/:name', (req, res) => {\n  const plugin = PLUGINS[req.params.name];\n  if (!plugin) return res.sendStatus(404);\n  res.json(plugin.run(req.query));\n});\n",
      // A CLI loads the config file its user names.
      'const config = require(process.argv[2]);\n',
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// JWT signing key in the source

const jwtHardcodedKey = call({
  id: 'js.jwt-hardcoded-secret',
  cwe: ['CWE-798', 'CWE-321'],
  severity: 'warning',
  title: 'JWT signed or verified with a key written in the source',
  message:
    'The JWT key is a string in the source: anyone with the code (or a leaked copy) can mint valid tokens. Read it from process.env or a secret store.',
  names: ['sign', 'verify'],
  callee: /^(?:jwt|jsonwebtoken|JWT|jws)\.(?:sign|verify)$/,
  check: (c: CallSite, ctx) => {
    const key = c.args[1];
    if (!key) return false;
    const r = ctx.resolve(key);
    const s = ctx.stringValue(key);
    return r.type === 'string' && s !== undefined && s.length > 0 && { node: r };
  },
  examples: {
    bad: [
      "const jwt = require('jsonwebtoken');\nfunction issue(user) {\n  return jwt.sign({ sub: user.id }, 'shhhhh', { expiresIn: '1h' });\n}\n",
      "const jwt = require('jsonwebtoken');\nconst JWT_KEY = 'my-app-signing-key';\nfunction check(token) {\n  return jwt.verify(token, JWT_KEY, { algorithms: ['HS256'] });\n}\n",
    ],
    good: [
      "const jwt = require('jsonwebtoken');\nfunction issue(user) {\n  return jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { expiresIn: '1h' });\n}\n",
      "const jwt = require('jsonwebtoken');\nconst JWT_KEY = fs.readFileSync('/run/secrets/jwt');\nfunction check(token) {\n  return jwt.verify(token, JWT_KEY, { algorithms: ['HS256'] });\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// MAC compared with ===

/** Whether the expression is an HMAC value (through up to three variables and a held Hmac object). */
export function isMacValue(n: Node | undefined | null, ctx: RuleContext, mac: RegExp, depth = 0): boolean {
  if (!n || depth > 3) return false;
  const r = ctx.resolve(n);
  if (mac.test(r.text)) return true;
  // `h.digest('hex')` where `h = crypto.createHmac(...)`.
  if (ctx.model.profile.callTypes.has(r.type)) {
    const f = r.childForFieldName('function');
    const recv = f?.childForFieldName('object');
    if (
      recv &&
      recv.type === 'identifier' &&
      /^(?:digest|hexdigest)$/.test(
        f?.childForFieldName('property')?.text ?? f?.childForFieldName('attribute')?.text ?? '',
      )
    )
      return isMacValue(recv, ctx, mac, depth + 1);
  }
  if (ctx.model.profile.identifierTypes.has(r.type) && !r.equals(n))
    return isMacValue(r, ctx, mac, depth + 1);
  return false;
}

const JS_MAC = /\bcreateHmac\s*\(/;

const EQUALITY = new Set(['===', '==', '!==', '!=']);

/** The equality operator of a comparison node (JS binary_expression, Python comparison_operator). */
function equalityOperands(n: Node): [Node, Node] | undefined {
  if (n.type === 'binary_expression') {
    const op = n.childForFieldName('operator')?.text ?? '';
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    return EQUALITY.has(op) && l && r ? [l, r] : undefined;
  }
  if (n.type === 'comparison_operator') {
    const ops = n.children.filter((x) => x && !x.isNamed).map((x) => x?.text);
    const operands = n.namedChildren.filter((x): x is Node => !!x);
    return ops.length === 1 && (ops[0] === '==' || ops[0] === '!=') && operands.length === 2
      ? [operands[0] as Node, operands[1] as Node]
      : undefined;
  }
  return undefined;
}

function comparable(other: Node, ctx: RuleContext): boolean {
  return !(
    ctx.isConstant(other) ||
    /^(?:null|undefined|None|True|False|typeof\b|len\()/.test(other.text) ||
    /\.length$/.test(other.text)
  );
}

/**
 * An HMAC digest call (`crypto.createHmac(...).digest('hex')`, `hmac.new(...).hexdigest()`) compared
 * with == / ===: directly, or through the variable it is stored in (within the function).
 */
export function macComparison(c: CallSite, ctx: RuleContext, mac: RegExp) {
  if (!sourceHas(mac, ctx.source) || !isMacValue(c.node, ctx, mac)) return false;
  let n: Node = c.node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return false;
  const direct = equalityOperands(p);
  if (direct) {
    const other = direct[0].equals(n) ? direct[1] : direct[0];
    return comparable(other, ctx) && { node: p };
  }
  // `expected = <digest>` then `if (sig !== expected)`.
  let name: string | undefined;
  if (p.type === 'variable_declarator') name = p.childForFieldName('name')?.text;
  else if (p.type === 'assignment_expression' || p.type === 'assignment')
    name = p.childForFieldName('left')?.text;
  if (!name || !/^[\w$]+$/.test(name)) return false;
  const fn = ctx.model.functionAt(c.node.startIndex).node;
  for (const cmp of fn.descendantsOfType(['binary_expression', 'comparison_operator'])) {
    if (!cmp || cmp.startIndex < c.node.endIndex) continue;
    const ops = equalityOperands(cmp);
    if (!ops) continue;
    const [a, b] = ops;
    if (a.text === name && comparable(b, ctx)) return { node: cmp };
    if (b.text === name && comparable(a, ctx)) return { node: cmp };
  }
  return false;
}

const macCompare = call({
  id: 'js.mac-timing-compare',
  cwe: ['CWE-208'],
  severity: 'warning',
  title: 'HMAC compared with === (timing attack)',
  message:
    'An HMAC is compared with ===/!==, which stops at the first differing byte: by timing responses an attacker can forge a valid MAC byte by byte. Compare with crypto.timingSafeEqual on equal-length Buffers.',
  names: ['digest'],
  check: (c, ctx) => macComparison(c, ctx, JS_MAC),
  examples: {
    bad: [
      "const crypto = require('crypto');\napp.post('/hook', (req, res) => {\n  const expected = crypto.createHmac('sha256', SECRET).update(req.rawBody).digest('hex');\n  if (req.headers['x-signature'] !== expected) return res.sendStatus(401);\n  handle(req.body);\n});\n",
      "const crypto = require('crypto');\nfunction verify(body, sig, key) {\n  const h = crypto.createHmac('sha1', key);\n  h.update(body);\n  return h.digest('hex') === sig;\n}\n",
    ],
    good: [
      "const crypto = require('crypto');\napp.post('/hook', (req, res) => {\n  const expected = crypto.createHmac('sha256', SECRET).update(req.rawBody).digest();\n  const got = Buffer.from(String(req.headers['x-signature']), 'hex');\n  if (got.length !== expected.length || !crypto.timingSafeEqual(got, expected)) return res.sendStatus(401);\n  handle(req.body);\n});\n",
      // A public checksum is not a secret.
      "const crypto = require('crypto');\nfunction intact(buf, sum) {\n  return crypto.createHash('sha256').update(buf).digest('hex') === sum;\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Buffer(number) from input

const bufferFromInput = call({
  id: 'js.buffer-from-input',
  cwe: ['CWE-908', 'CWE-200'],
  severity: 'warning',
  title: 'Deprecated Buffer constructor called with request data',
  message:
    'new Buffer(value) / Buffer(value) allocates uninitialized memory when the value is a number: a JSON body with {"data": 1000} makes it return old process memory (secrets, other requests). Use Buffer.from(String(value)) or Buffer.alloc(n).',
  names: ['Buffer'],
  check: (c, ctx) => {
    if (c.receiver || c.args.length !== 1) return false;
    const v = c.args[0];
    if (!v || !readsRemoteInput(v, ctx)) return false;
    // A string for sure: built by concatenation/template, or converted.
    const r = ctx.resolve(v);
    if (
      r.type === 'template_string' ||
      r.type === 'binary_expression' ||
      /^(?:String|JSON\.stringify)\s*\(|\.(?:toString|join)\s*\(/.test(r.text)
    )
      return false;
    return ctx.tainted(v, 'generic');
  },
  examples: {
    bad: [
      "app.post('/echo', (req, res) => {\n  const buf = new Buffer(req.body.data);\n  res.send(buf.toString('base64'));\n});\n",
    ],
    good: [
      "app.post('/echo', (req, res) => {\n  const buf = Buffer.from(String(req.body.data));\n  res.send(buf.toString('base64'));\n});\n",
      'function pad(n) {\n  return new Buffer(16);\n}\n',
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Server-side template injection

/** Template engines whose templates can run JavaScript (`<%= process.mainModule... %>`, `#{...}`). */
const TEMPLATE_COMPILE =
  /^(?:ejs\.(?:render|compile)|(?:pug|jade)\.(?:render|compile|compileClient)|(?:Handlebars|handlebars|hbs)\.compile|nunjucks\.(?:renderString|compile)|(?:_|lodash|underscore)\.template|(?:doT|dot)\.(?:template|compile)|(?:swig|Twig|twig)\.(?:render|compile|twig)|velocity\.render)$/;

const templateInjection = call({
  id: 'js.template-injection',
  cwe: ['CWE-1336', 'CWE-94'],
  severity: 'error',
  title: 'Template compiled from request data (server-side template injection)',
  message:
    'A template is compiled from request data: template syntax in it runs JavaScript on the server (ejs <%= %>, pug #{}, lodash ${}). Keep templates fixed and pass the data as template variables.',
  names: ['render', 'compile', 'compileClient', 'renderString', 'template', 'twig'],
  callee: TEMPLATE_COMPILE,
  check: (c, ctx) => {
    const t = c.args[0];
    return !!t && readsRemoteInput(t, ctx) && ctx.tainted(t, 'code') && { node: originOf(t, ctx, 'code') };
  },
  examples: {
    bad: [
      "const ejs = require('ejs');\napp.post('/preview', (req, res) => {\n  res.send(ejs.render(req.body.template, { user: req.user }));\n});\n",
      "const pug = require('pug');\napp.get('/hello', (req, res) => {\n  const tpl = 'h1 Hello ' + req.query.name;\n  res.send(pug.render(tpl));\n});\n",
      "const _ = require('lodash');\napp.get('/greet', (req, res) => {\n  res.send(_.template(req.query.msg)({ name: 'x' }));\n});\n",
    ],
    good: [
      "const ejs = require('ejs');\nconst TEMPLATE = fs.readFileSync('views/preview.ejs', 'utf8');\napp.post('/preview', (req, res) => {\n  res.send(ejs.render(TEMPLATE, { user: req.user, body: req.body.text }));\n});\n",
      "const pug = require('pug');\napp.get('/hello', (req, res) => {\n  res.send(pug.render('h1 Hello #{name}', { name: req.query.name }));\n});\n",
      // A build tool compiles the templates its own files hold.
      "const _ = require('lodash');\nfunction build(file) {\n  return _.template(fs.readFileSync(file, 'utf8'));\n}\n",
    ],
  },
});

const jwtUnsigned = call({
  id: 'js.jwt-unsigned',
  cwe: ['CWE-347'],
  severity: 'error',
  title: 'JWT issued without a signature (algorithm "none")',
  message:
    'The token is signed with algorithm "none": it carries no signature, so anyone can forge one the verifier accepts if it allows "none". Sign with HS256/RS256/ES256.',
  names: ['sign'],
  callee: /^(?:jwt|jsonwebtoken|JWT)\.sign$/,
  check: (c, ctx) => {
    const v = propertyValue(objectArg(c.args[2], ctx), 'algorithm');
    return !!v && /^none$/i.test(ctx.stringValue(v) ?? '') && { node: v.parent ?? v };
  },
  examples: {
    bad: [
      "const jwt = require('jsonwebtoken');\nfunction issue(user) {\n  return jwt.sign({ sub: user.id }, '', { algorithm: 'none' });\n}\n",
    ],
    good: [
      "const jwt = require('jsonwebtoken');\nfunction issue(user) {\n  return jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { algorithm: 'HS256' });\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Private files served

const staticRoot = call({
  id: 'js.static-serves-private-files',
  cwe: ['CWE-200', 'CWE-548'],
  severity: 'warning',
  title: 'Static file server rooted at the project folder',
  message:
    "express.static serves the project's own folder (or node_modules): its source, .env and configuration files are downloadable. Serve a dedicated public/ folder.",
  names: ['static'],
  callee: /^(?:express|serveStatic)\.static$|^serveStatic$/,
  check: (c, ctx) => {
    const a = c.args[0];
    if (!a) return false;
    const r = ctx.resolve(a);
    const t = r.text.replace(/\s+/g, '');
    // The folder itself: __dirname, '.', './', process.cwd(), path.join(__dirname) or ('..').
    if (
      /^(?:__dirname|process\.cwd\(\)|(?:path\.)?(?:join|resolve)\((?:__dirname|process\.cwd\(\))(?:,['"`]\.\.?\/?['"`])?\))$/.test(
        t,
      )
    )
      return true;
    const v = ctx.stringValue(r);
    if (v !== undefined && /^(?:\.{1,2}\/?|\.\/node_modules\/?|node_modules\/?)$/.test(v)) return true;
    return /['"`](?:\.\/)?node_modules\/?['"`]\)?$/.test(t) && /^(?:path\.)?(?:join|resolve)\(/.test(t);
  },
  examples: {
    bad: [
      "const express = require('express');\nconst app = express();\napp.use(express.static(__dirname));\n",
      "const express = require('express');\nconst path = require('path');\napp.use('/lib', express.static(path.join(__dirname, 'node_modules')));\n",
      "const express = require('express');\napp.use(express.static('.'));\n",
    ],
    good: [
      "const express = require('express');\nconst path = require('path');\napp.use(express.static(path.join(__dirname, 'public')));\n",
      "const express = require('express');\napp.use('/lib/jquery', express.static(path.join(__dirname, 'node_modules', 'jquery', 'dist')));\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// URL scheme checks

const schemeCheck = call({
  id: 'js.incomplete-url-scheme-check',
  cwe: ['CWE-184', 'CWE-20'],
  severity: 'warning',
  title: 'URL scheme check that only rejects javascript:',
  message:
    'The code rejects "javascript:" URLs but not "data:" or "vbscript:", which also run script when used as a link or frame: allow-list the schemes instead (http:, https:, mailto:).',
  names: ['startsWith', 'indexOf', 'includes', 'test', 'match', 'search', 'lastIndexOf'],
  check: (c, ctx) => {
    const a = c.args[0];
    if (!a) return false;
    const lit =
      a.type === 'regex' ? (a.childForFieldName('pattern')?.text ?? '') : (ctx.stringValue(a) ?? '');
    const recv =
      c.name === 'test' && c.receiver?.type === 'regex'
        ? c.receiver.childForFieldName('pattern')?.text
        : undefined;
    const pattern = recv ?? lit;
    if (!/^\^?javascript:$/i.test(pattern)) return false;
    return !/data:|vbscript|https?:|\bsanitizeUrl|isSafeUrl/i.test(ctx.functionText(c.node));
  },
  examples: {
    bad: [
      "function safeHref(url) {\n  if (url.toLowerCase().startsWith('javascript:')) return '#';\n  return url;\n}\n",
      'function link(u) {\n  return /^javascript:/i.test(u.trim()) ? null : u;\n}\n',
    ],
    good: [
      "function safeHref(url) {\n  const s = url.trim().toLowerCase();\n  if (s.startsWith('javascript:') || s.startsWith('data:') || s.startsWith('vbscript:')) return '#';\n  return url;\n}\n",
      "function safeHref(url) {\n  return /^(?:https?:|mailto:)/i.test(url) ? url : '#';\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Passwords in query strings and logs

const PASSWORD_FIELD =
  /^(?:password|passwd|passphrase|newPassword|new_password|oldPassword|old_password|plainPassword)$/i;

const passwordInQuery = call({
  id: 'js.password-in-query-string',
  cwe: ['CWE-598'],
  severity: 'warning',
  title: 'Password read from the URL query string',
  message:
    'A password is read from the query string: URLs end up in browser history, proxy and server logs and Referer headers. Accept it in a POST body instead.',
  names: ['get', 'all', 'use', 'post'],
  check: (c, ctx) => {
    if (!c.receiver || !/^(?:app|router|server|api|\w*[Rr]outer)$/.test(c.receiver.text)) return false;
    const fns = ctx.model.profile.functionTypes;
    for (const h of c.args) {
      if (!fns.has(h.type)) continue;
      const req =
        h.childForFieldName('parameters')?.namedChildren[0]?.text ?? h.childForFieldName('parameter')?.text;
      if (!req || !/^[\w$]+$/.test(req)) continue;
      const m = new RegExp(`\\b${req.replace(/\$/g, '\\$')}\\.query\\.([\\w$]+)`, 'g');
      for (const x of h.text.matchAll(m)) if (x[1] && PASSWORD_FIELD.test(x[1])) return { node: h };
    }
    return false;
  },
  examples: {
    bad: [
      "app.get('/login', (req, res) => {\n  const ok = check(req.query.username, req.query.password);\n  res.json({ ok });\n});\n",
    ],
    good: [
      "app.post('/login', (req, res) => {\n  const ok = check(req.body.username, req.body.password);\n  res.json({ ok });\n});\n",
      "app.get('/reset', (req, res) => {\n  res.render('reset', { token: req.query.token });\n});\n",
    ],
  },
});

/** A logged value that is a password itself: `password`, `user.password`, not `password.length`. */
function loggedPassword(args: Node[]): Node | undefined {
  for (const a of args) {
    const stack: Node[] = [a];
    while (stack.length) {
      const n = stack.pop();
      if (!n) continue;
      if (n.type === 'identifier' || n.type === 'shorthand_property_identifier') {
        if (PASSWORD_FIELD.test(n.text) && n.parent?.type !== 'member_expression') return n;
        continue;
      }
      if (n.type === 'member_expression') {
        const prop = n.childForFieldName('property')?.text ?? '';
        const parent = n.parent;
        // `x.password` read as a value (not `x.password.length`, not a test).
        if (PASSWORD_FIELD.test(prop) && parent?.type !== 'member_expression') return n;
        continue;
      }
      // A condition (`password ? 'set' : 'none'`) and type tests read nothing out.
      if (n.type === 'ternary_expression') {
        const cons = n.childForFieldName('consequence');
        const alt = n.childForFieldName('alternative');
        if (cons) stack.push(cons);
        if (alt) stack.push(alt);
        continue;
      }
      if (
        n.type === 'unary_expression' ||
        (n.type === 'binary_expression' &&
          /^(?:===|!==|==|!=|&&|\|\||<|>)$/.test(n.childForFieldName('operator')?.text ?? ''))
      )
        continue;
      if (n.type === 'call_expression') {
        // A hash, mask or length of it is not the password.
        if (
          /hash|mask|redact|length|digest|bcrypt|argon|scrypt|crypt/i.test(
            n.childForFieldName('function')?.text ?? '',
          )
        )
          continue;
      }
      for (const ch of n.namedChildren) if (ch) stack.push(ch);
    }
  }
  return undefined;
}

const passwordLogged = call({
  id: 'js.password-logged',
  cwe: ['CWE-532', 'CWE-312'],
  severity: 'warning',
  title: 'Password written to a log',
  message:
    'A password is written to the log in clear text: logs are kept, shipped and read by many people. Log the event without the password.',
  names: ['log', 'info', 'debug', 'warn', 'error', 'trace'],
  callee: /^(?:console|logger|log|winston|this\.logger|this\.log|bunyan|pino)\.\w+$/,
  check: (c) => {
    const n = loggedPassword(c.args);
    return !!n && { node: n };
  },
  examples: {
    bad: [
      "app.post('/login', (req, res) => {\n  const { username, password } = req.body;\n  console.log('login attempt', username, password);\n  res.sendStatus(204);\n});\n",
      'function connect(cfg) {\n  logger.debug(`connecting as ${cfg.user} with ${cfg.password}`);\n  return db.connect(cfg);\n}\n',
    ],
    good: [
      "app.post('/login', (req, res) => {\n  const { username, password } = req.body;\n  console.log('login attempt', username);\n  res.sendStatus(204);\n});\n",
      "function connect(cfg) {\n  logger.debug(`connecting as ${cfg.user} (password ${cfg.password ? 'set' : 'missing'}, ${cfg.password.length} chars)`);\n  return db.connect(cfg);\n}\n",
    ],
  },
});

const passwordStored = call({
  id: 'js.password-in-web-storage',
  cwe: ['CWE-312', 'CWE-922'],
  severity: 'warning',
  title: 'Password stored in localStorage/sessionStorage',
  message:
    'A password is kept in Web Storage in clear text: any script on the origin (one XSS) and anyone with the device can read it. Keep a session token instead (in an httpOnly cookie), never the password.',
  names: ['setItem'],
  check: (c, ctx) => {
    if (!/^(?:window\.)?(?:localStorage|sessionStorage)$/.test(c.receiver?.text ?? '')) return false;
    const key = ctx.stringValue(c.args[0]);
    if (key !== undefined && /pass(?:word|wd|phrase)/i.test(key)) return { node: c.node };
    const n = c.args[1] ? loggedPassword([c.args[1]]) : undefined;
    return !!n && { node: n };
  },
  examples: {
    bad: [
      "function remember(user, password) {\n  localStorage.setItem('user', user);\n  localStorage.setItem('password', password);\n}\n",
      "function save(form) {\n  sessionStorage.setItem('creds', JSON.stringify({ u: form.user, p: form.password }));\n}\n",
    ],
    good: [
      "function remember(user, token) {\n  localStorage.setItem('user', user);\n  sessionStorage.setItem('session', token);\n}\n",
      "function save(form) {\n  sessionStorage.setItem('creds', JSON.stringify({ u: form.user, remember: !!form.password }));\n}\n",
    ],
  },
});

// ---------------------------------------------------------------------------------------------
// Sizes and delays from the request

/** One field of an incoming request, read directly. */
const REQUEST_FIELD_JS =
  /^(?:req|request|ctx\.request|ctx)\.(?:query|body|params|headers)(?:\.[\w$]+|\[[^\]]+\])+$/;

/** The request field a number was parsed from (`Number(x)`, `parseInt(x, 10)`, `+x`), through variables. */
function requestNumber(n: Node | undefined, ctx: RuleContext, depth = 0): boolean {
  if (!n || depth > 4) return false;
  const r = ctx.resolve(n);
  if (REQUEST_FIELD_JS.test(r.text)) return true;
  if (
    r.type === 'call_expression' &&
    /^(?:Number|parseInt|parseFloat|Math\.floor|Math\.round)$/.test(
      r.childForFieldName('function')?.text ?? '',
    )
  )
    return requestNumber(r.childForFieldName('arguments')?.namedChildren[0] ?? undefined, ctx, depth + 1);
  if (r.type === 'unary_expression' && r.childForFieldName('operator')?.text === '+')
    return requestNumber(r.childForFieldName('argument') ?? undefined, ctx, depth + 1);
  if (r.type === 'binary_expression' && /^[*+]$/.test(r.childForFieldName('operator')?.text ?? ''))
    return (
      requestNumber(r.childForFieldName('left') ?? undefined, ctx, depth + 1) ||
      requestNumber(r.childForFieldName('right') ?? undefined, ctx, depth + 1)
    );
  return false;
}

const resourceExhaustion = call({
  id: 'js.resource-exhaustion',
  cwe: ['CWE-770', 'CWE-400'],
  severity: 'warning',
  title: 'Allocation size or timer delay taken from the request',
  message:
    'A buffer/array size, repeat count or timer delay comes straight from the request: one request can ask for gigabytes or park the server for days. Clamp it to a maximum first.',
  names: ['alloc', 'allocUnsafe', 'allocUnsafeSlow', 'Array', 'repeat', 'setTimeout', 'setInterval'],
  check: (c, ctx) => {
    let n: Node | undefined;
    if (c.name.startsWith('alloc')) n = c.receiver?.text === 'Buffer' ? c.args[0] : undefined;
    else if (c.name === 'Array') n = c.isNew && c.args.length === 1 ? c.args[0] : undefined;
    else if (c.name === 'repeat') n = c.receiver ? c.args[0] : undefined;
    else n = c.receiver ? undefined : c.args[1];
    // A comparison with a bound (`if (n > MAX) return`) cuts the flow: kind 'index'.
    return !!n && requestNumber(n, ctx) && ctx.tainted(n, 'index') && { node: n };
  },
  examples: {
    bad: [
      "app.get('/pad', (req, res) => {\n  const size = parseInt(req.query.size, 10);\n  res.send(Buffer.alloc(size, 'x'));\n});\n",
      "app.get('/wait', (req, res) => {\n  setTimeout(() => res.end('done'), Number(req.query.delay));\n});\n",
    ],
    good: [
      "const MAX = 1024 * 1024;\napp.get('/pad', (req, res) => {\n  const size = parseInt(req.query.size, 10);\n  if (!(size > 0 && size <= MAX)) return res.sendStatus(400);\n  res.send(Buffer.alloc(size, 'x'));\n});\n",
      "app.get('/wait', (req, res) => {\n  const delay = Math.min(Number(req.query.delay) || 0, 5000);\n  setTimeout(() => res.end('done'), delay);\n});\n",
    ],
  },
});

export const JS_CLASSIC_RULES: Rule[] = [
  resourceExhaustion,
  passwordStored,
  staticRoot,
  schemeCheck,
  passwordInQuery,
  passwordLogged,
  jwtUnsigned,
  templateInjection,
  bufferFromInput,
  macCompare,
  zipSlip,
  archiveEntryPath,
  cookieFlags,
  corsCredentials,
  libxmlEntities,
  messageOrigin,
  clientRedirectAssign,
  clientRedirectCall,
  ldapInjection,
  dynamicRequire,
  jwtHardcodedKey,
];
