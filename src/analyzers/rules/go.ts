import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../engine/model.ts';
import type { CallRule, QueryRule, Rule, RuleContext } from '../engine/rule.ts';
import { buildingRules } from './build-rules.ts';
import {
  builtBeyondBase,
  CREDENTIAL_NAME,
  isLocalUrl,
  judgingTask,
  modeProblem,
  openedAsItCame,
  originOf,
  permissionProblem,
  runsWhenever,
  SECRET_NAME,
} from './common.ts';

const GO = ['go'] as const;
const call = (r: Omit<CallRule, 'kind' | 'languages'>): CallRule => ({ kind: 'call', languages: GO, ...r });
const query = (r: Omit<QueryRule, 'kind' | 'languages'>): QueryRule => ({
  kind: 'query',
  languages: GO,
  ...r,
});
const pkg = (body: string, imports = '') => `package main\n\n${imports}${body}`;

const GO_BUILD = `(binary_expression operator: "+") @report
(call_expression function: (selector_expression) @fn (#match? @fn "^(fmt\\\\.Sprintf|strings\\\\.Join)$")) @report
(call_expression function: (selector_expression operand: (identifier) field: (field_identifier) @s (#eq? @s "String")) arguments: (argument_list)) @report`;

/** Whether a buffer (`iv`, `salt`) is filled from crypto/rand before its use (on every path to it). */
function filledFromRand(ctx: RuleContext, buf: Node, at: Node): boolean {
  const key = buf.text.replace(/\[:?\]$/, '');
  // The buffer the use reads: its last assignment before the use in the function, if any. A fill
  // counts when it comes after that assignment and runs on every path to the use (a `salt` filled on
  // the secure path says nothing of another `salt` made in a triggered branch).
  const fn = ctx.model.functionAt(at.startIndex);
  const made = ctx.taint
    .bindingsOf(key, at.startIndex)
    .filter((b) => b.kind === 'assign' && b.at <= at.startIndex && ctx.model.functionAt(b.at) === fn)
    .sort((a, b) => b.at - a.at)[0];
  return ctx
    .callsNear(at, true)
    .some(
      (c: CallSite) =>
        ((/^(?:rand|crand|cryptorand)\.Read$/.test(c.calleeText) &&
          c.args[0]?.text.replace(/\[:?\]$/, '') === key) ||
          (/^io\.ReadFull$/.test(c.calleeText) &&
            /rand\.Reader/.test(c.args[0]?.text ?? '') &&
            c.args[1]?.text.replace(/\[:?\]$/, '') === key)) &&
        (!made || (c.node.startIndex >= made.at && runsWhenever(c.node, at, true))),
    );
}

function constantBytes(ctx: RuleContext, n: Node): boolean {
  const r = ctx.resolve(n);
  if (r.type === 'composite_literal')
    return !!r.childForFieldName('body') && ctx.isConstant(r.childForFieldName('body'));
  if (r.type === 'type_conversion_expression' || r.type === 'call_expression') {
    const t = r.text.replace(/\s+/g, '');
    return /^\[\]byte\("[^"]*"\)$/.test(t) || /^\[\]byte\(`[^`]*`\)$/.test(t);
  }
  return ctx.isConstant(n);
}

const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * A `strings.Replacer` that escapes HTML: `strings.NewReplacer` over constant pairs whose first pair
 * for "<" replaces it with text without "<" (and, where the text goes into a quoted attribute, the
 * same for the quote). Go's replacer replaces every occurrence, as html.EscapeString does.
 */
function escapingReplacer(ctx: RuleContext, n: Node | null | undefined, quote: string | undefined): boolean {
  if (!n) return false;
  const r = n.type === 'identifier' ? ctx.resolve(n) : n;
  if (
    r.type !== 'call_expression' ||
    squash(r.childForFieldName('function')?.text ?? '') !== 'strings.NewReplacer'
  )
    return false;
  const args = r.childForFieldName('arguments')?.namedChildren ?? [];
  if (args.length % 2 !== 0) return false;
  const pairs = args.map((a) => ctx.stringValue(a));
  const replaces = (ch: string) => {
    for (let i = 0; i + 1 < pairs.length; i += 2) {
      const from = pairs[i];
      const to = pairs[i + 1];
      if (from === undefined || to === undefined) return false;
      if (from === ch) return !to.includes(ch);
    }
    return false;
  };
  return replaces('<') && (!quote || replaces(quote));
}

/** `r.Replace(x)` (or a variable holding it) for an escaping replacer `r`. */
function replacerEscaped(ctx: RuleContext, n: Node, quote: string | undefined, depth = 0): boolean {
  // A variable: every assignment that can reach here escapes (one on each side of an `if`, not
  // only the last in the text); a declaration without a value holds "".
  if (n.type === 'identifier') {
    const bs = ctx.taint.bindingsOf(n.text, n.startIndex);
    return (
      depth < 4 &&
      bs.length > 0 &&
      bs.every((b) => (b.value ? replacerEscaped(ctx, b.value, quote, depth + 1) : b.kind !== 'param'))
    );
  }
  const v = n;
  if (v.type !== 'call_expression') return false;
  const f = v.childForFieldName('function');
  if (f?.type !== 'selector_expression' || f.childForFieldName('field')?.text !== 'Replace') return false;
  if ((v.childForFieldName('arguments')?.namedChildren.length ?? 0) !== 1) return false;
  return escapingReplacer(ctx, f.childForFieldName('operand'), quote);
}

/**
 * Whether every part of an HTML string that carries untrusted data went through an escaping
 * `strings.Replacer` (the taint engine knows html.EscapeString and strings.ReplaceAll, not replacers).
 */
export function partsReplacerEscaped(build: Node, ctx: RuleContext): boolean {
  const parts: Node[] = [];
  const walk = (n: Node | null | undefined) => {
    if (!n) return;
    if (n.type === 'parenthesized_expression') return walk(n.namedChildren[0]);
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
      walk(n.childForFieldName('left'));
      walk(n.childForFieldName('right'));
      return;
    }
    if (
      n.type === 'call_expression' &&
      /^fmt\.Sprintf$/.test(squash(n.childForFieldName('function')?.text ?? ''))
    ) {
      for (const a of n.childForFieldName('arguments')?.namedChildren.slice(1) ?? []) if (a) parts.push(a);
      return;
    }
    parts.push(n);
  };
  walk(build);
  let before = '';
  let escaped = false;
  for (const p of parts) {
    const lit = ctx.model.profile.stringTypes.has(p.type) ? ctx.stringValue(p) : undefined;
    if (lit !== undefined) {
      before += lit;
      continue;
    }
    const quote = /=\s*(["'])[^"']*$/.exec(before)?.[1];
    if (ctx.tainted(p, 'html')) {
      if (!replacerEscaped(ctx, p, quote)) return false;
      escaped = true;
    }
    before += 'x';
  }
  return escaped;
}

/** The shared string-building rules, with Go's `strings.Replacer` escapes recognized by the xss rule. */
function withReplacerEscapes(rules: QueryRule[]): QueryRule[] {
  return rules.map((r) => {
    if (r.id !== 'go.xss' || !r.check) return r;
    const base = r.check;
    return {
      ...r,
      check: (caps, ctx) => {
        const hit = base(caps, ctx);
        return hit && caps.report && partsReplacerEscaped(caps.report, ctx) ? false : hit;
      },
      examples: {
        bad: [
          ...r.examples.bad,
          pkg(
            'func f(name string) string {\n\tr := strings.NewReplacer("&", "&amp;")\n\treturn "<p>" + r.Replace(name) + "</p>"\n}\n',
            'import "strings"\n\n',
          ),
        ],
        good: [
          ...r.examples.good,
          pkg(
            'func f(name string) string {\n\tr := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\\"", "&quot;")\n\treturn "<span class=\\"x\\">" + r.Replace(name) + "</span>"\n}\n',
            'import "strings"\n\n',
          ),
          pkg(
            'var esc = strings.NewReplacer("<", "&lt;", "&", "&amp;")\n\nfunc f(name string) string {\n\treturn fmt.Sprintf("<p>%s</p>", esc.Replace(name))\n}\n',
            'import (\n\t"fmt"\n\t"strings"\n)\n\n',
          ),
        ],
      },
    };
  });
}

/** The function sets a private umask before the call, or a private mode on the file after it. */
function narrowsLater(c: CallSite, ctx: RuleContext): boolean {
  // (only one that runs whenever the creation does: before it for a umask, after it for a Chmod)
  return ctx.callsNear(c.node).some((o) => {
    if (/^(?:syscall|unix)\.Umask$/.test(o.calleeText) && o.node.startIndex < c.node.startIndex) {
      const m = ctx.intValue(o.args[0]);
      return m !== undefined && (m & 0o077) === 0o077 && runsWhenever(o.node, c.node, true);
    }
    if (o.name !== 'Chmod' || o.node.startIndex < c.node.startIndex) return false;
    const m = ctx.intValue(o.args[o.calleeText === 'os.Chmod' ? 1 : 0]);
    return m !== undefined && (m & 0o077) === 0 && runsWhenever(o.node, c.node, false);
  });
}

export const GO_RULES: Rule[] = [
  call({
    id: 'go.command-injection',
    cwe: ['CWE-78'],
    severity: 'error',
    title: 'OS command built from untrusted data',
    message:
      'Untrusted data reaches a shell (sh -c) or chooses the program: call exec.Command with a fixed program and separate arguments.',
    names: ['Command', 'CommandContext'],
    callee: /^exec\.(?:Command|CommandContext)$/,
    check: (c, ctx) => {
      const args = c.name === 'CommandContext' ? c.args.slice(1) : c.args;
      const prog = ctx.stringValue(args[0]);
      if (prog !== undefined && /^(?:\/bin\/)?(?:ba|z|da)?sh$/.test(prog) && args[1]?.text === '"-c"') {
        const cmd = args[2];
        return !!cmd && ctx.tainted(cmd, 'cmd') && { node: originOf(cmd, ctx, 'cmd') };
      }
      return prog === undefined && !!args[0] && ctx.built(args[0], 'cmd');
    },
    examples: {
      bad: [
        pkg(
          'func f(d string) {\n\tc := fmt.Sprintf("ls -l %s", d)\n\texec.Command("sh", "-c", c).Run()\n}\n',
          'import (\n\t"fmt"\n\t"os/exec"\n)\n\n',
        ),
      ],
      good: [pkg('func f(d string) {\n\texec.Command("ls", "-l", d).Run()\n}\n', 'import "os/exec"\n\n')],
    },
  }),
  call({
    id: 'go.sql-injection',
    cwe: ['CWE-89'],
    severity: 'error',
    title: 'SQL built from untrusted data',
    message: 'Untrusted data is formatted into SQL: use placeholders (db.Query("... WHERE u = ?", u)).',
    names: [
      'Query',
      'QueryRow',
      'Exec',
      'QueryContext',
      'QueryRowContext',
      'ExecContext',
      'Prepare',
      'PrepareContext',
      'Raw',
      'Select',
      'Get',
    ],
    check: (c, ctx) => {
      const q = /Context$/.test(c.name) ? c.args[1] : c.args[0];
      if (!q || !ctx.built(q, 'sql')) return false;
      if (/^(?:Select|Get)$/.test(c.name)) return false;
      return { node: originOf(q, ctx, 'sql') };
    },
    examples: {
      bad: [
        pkg(
          'func f(db *sql.DB, u string) {\n\tq := fmt.Sprintf("SELECT * FROM t WHERE u = \'%s\'", u)\n\tdb.QueryRow(q)\n}\n',
          'import (\n\t"database/sql"\n\t"fmt"\n)\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(db *sql.DB, u string) {\n\tdb.QueryRow("SELECT * FROM t WHERE u = ?", u)\n}\n',
          'import "database/sql"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.path-traversal',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'File path built from untrusted data',
    message:
      'A path is built from untrusted data without confinement: Clean/EvalSymlinks it and check it stays under the base directory (filepath.Rel, HasPrefix with a separator).',
    names: [
      'Open',
      'OpenFile',
      'ReadFile',
      'WriteFile',
      'Create',
      'Remove',
      'RemoveAll',
      'ServeFile',
      'Stat',
      'ReadDir',
      'Mkdir',
      'MkdirAll',
      'Openat',
    ],
    // the system calls too (`syscall.Open`, `unix.Openat`): a file opened by another name
    callee: /^(?:os|ioutil|http|syscall|unix)\.\w+$/,
    check: (c, ctx) => {
      const p = c.calleeText === 'http.ServeFile' ? c.args[2] : c.name === 'Openat' ? c.args[1] : c.args[0];
      if (!p) return false;
      // Where a task is judged (its files are in a folder), the caller's name opened as it came.
      if (openedAsItCame(p, ctx) && ctx.tainted(p, 'path')) return true;
      if (!builtBeyondBase(p, ctx, 'path')) return false;
      // Confined with filepath.Rel: the path relative to the base is tested for "..".
      const rel = ctx
        .callsNear(c.node)
        .find((o) => o.calleeText === 'filepath.Rel' && squash(o.args[1]?.text ?? '') === squash(p.text));
      return !(
        rel &&
        rel.node.startIndex < c.node.startIndex &&
        /"\.\.(?:\/|\\\\)?"|filepath\.IsLocal/.test(ctx.functionText(c.node))
      );
    },
    examples: {
      bad: [
        // a system call opens it too
        pkg(
          'func f(dir, name string) (int, error) {\n\treturn syscall.Open(filepath.Join(dir, name), syscall.O_RDONLY, 0)\n}\n',
          'import (\n\t"path/filepath"\n\t"syscall"\n)\n\n',
        ),
        pkg(
          'func f(dir, name string) ([]byte, error) {\n\treturn os.ReadFile(filepath.Join(dir, name))\n}\n',
          'import (\n\t"os"\n\t"path/filepath"\n)\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(dir, name string) ([]byte, error) {\n\tp := filepath.Join(dir, filepath.Base(name))\n\treturn os.ReadFile(p)\n}\n',
          'import (\n\t"os"\n\t"path/filepath"\n)\n\n',
        ),
        pkg(
          'func f(dir, name string) ([]byte, error) {\n\tfull := filepath.Join(dir, name)\n\trel, err := filepath.Rel(dir, full)\n\tif err != nil || rel == ".." || strings.HasPrefix(rel, "../") {\n\t\treturn nil, os.ErrPermission\n\t}\n\treturn os.ReadFile(full)\n}\n',
          'import (\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.archive-extraction',
    cwe: ['CWE-22'],
    severity: 'error',
    title: 'Archive entry name used as a path without checks',
    message:
      'Archive entry names can contain "../" or absolute paths (zip slip): reject them, or check the joined path stays under the destination.',
    names: ['Join'],
    callee: /^(?:filepath|path)\.Join$/,
    check: (c, ctx) =>
      c.args.some((a) => /\.Name$/.test(a.text)) &&
      /archive\/(?:tar|zip)/.test(ctx.source) &&
      !/"\.\."|HasPrefix|filepath\.Rel|IsLocal/.test(ctx.source),
    examples: {
      bad: [
        pkg(
          'func f(tr *tar.Reader, dest string) {\n\th, _ := tr.Next()\n\tos.Create(filepath.Join(dest, h.Name))\n}\n',
          'import (\n\t"archive/tar"\n\t"os"\n\t"path/filepath"\n)\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(tr *tar.Reader, dest string) {\n\th, _ := tr.Next()\n\tif strings.Contains(h.Name, "..") {\n\t\treturn\n\t}\n\tos.Create(filepath.Join(dest, h.Name))\n}\n',
          'import (\n\t"archive/tar"\n\t"os"\n\t"path/filepath"\n\t"strings"\n)\n\n',
        ),
      ],
    },
  }),
  ...withReplacerEscapes(
    buildingRules('go', GO_BUILD, 'go', {
      xss: {
        bad: pkg('func f(name string) string {\n\treturn "<h1>" + name + "</h1>"\n}\n'),
        good: pkg(
          'func f(name string) string {\n\treturn "<h1>" + html.EscapeString(name) + "</h1>"\n}\n',
          'import "html"\n\n',
        ),
      },
      log: {
        bad: pkg(
          'func f(msg string) string {\n\treturn fmt.Sprintf("[%s] Received: %s", time.Now().Format(time.RFC3339), msg)\n}\n',
          'import (\n\t"fmt"\n\t"time"\n)\n\n',
        ),
        good: pkg(
          'func f(msg string) string {\n\tmsg = strings.ReplaceAll(msg, "\\n", " ")\n\treturn fmt.Sprintf("[%s] Received: %s", time.Now().Format(time.RFC3339), msg)\n}\n',
          'import (\n\t"fmt"\n\t"strings"\n\t"time"\n)\n\n',
        ),
      },
      url: {
        bad: pkg(
          'func f(sub, domain string) string {\n\treturn fmt.Sprintf("https://%s.%s", sub, domain)\n}\n',
          'import "fmt"\n\n',
        ),
        good: pkg(
          'func f(sub, domain string) string {\n\tif !regexp.MustCompile(`^[a-z0-9-]+$`).MatchString(sub) {\n\t\treturn ""\n\t}\n\treturn fmt.Sprintf("https://%s.%s", sub, domain)\n}\n',
          'import (\n\t"fmt"\n\t"regexp"\n)\n\n',
        ),
      },
    }),
  ),
  call({
    id: 'go.xss-writer',
    cwe: ['CWE-79'],
    severity: 'error',
    title: 'Untrusted data written to an HTML response',
    message: 'Untrusted data is written to the response as HTML: use html/template or html.EscapeString.',
    names: ['HTML', 'HTMLAttr', 'JS'],
    callee: /^template\.(?:HTML|HTMLAttr|JS)$/,
    check: (c, ctx) => ctx.tainted(c.args[0], 'html'),
    examples: {
      bad: [
        pkg('func f(s string) template.HTML {\n\treturn template.HTML(s)\n}\n', 'import "html/template"\n\n'),
      ],
      good: [
        pkg(
          'func f() template.HTML {\n\treturn template.HTML("<b>ok</b>")\n}\n',
          'import "html/template"\n\n',
        ),
      ],
    },
  }),
  query({
    id: 'go.header-injection',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message:
      'Untrusted data is stored in a header without removing CR/LF: strings.ReplaceAll the "\\r" and "\\n" away first.',
    query:
      '(assignment_statement left: (expression_list (index_expression operand: (_) @obj)) right: (expression_list (_) @val)) @report',
    check: (caps, ctx) => !!caps.obj && /header/i.test(caps.obj.text) && ctx.tainted(caps.val, 'header'),
    examples: {
      bad: [pkg('func f(header map[string]string, v string) {\n\theader["X-Info"] = v\n}\n')],
      good: [
        pkg(
          'func f(header map[string]string, v string) {\n\tv = strings.ReplaceAll(v, "\\n", "")\n\theader["X-Info"] = v\n}\n',
          'import "strings"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.header-injection-call',
    cwe: ['CWE-113'],
    severity: 'error',
    title: 'HTTP header value from untrusted data',
    message: 'Untrusted data is set as a header without removing CR/LF: strip "\\r" and "\\n" first.',
    names: ['Set', 'Add'],
    check: (c, ctx) =>
      !!c.receiver && /Header\(\)|header/i.test(c.receiver.text) && ctx.tainted(c.args[1], 'header'),
    examples: {
      bad: [
        pkg(
          'func f(w http.ResponseWriter, v string) {\n\tw.Header().Set("X-Info", v)\n}\n',
          'import "net/http"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(w http.ResponseWriter) {\n\tw.Header().Set("X-Info", "fixed")\n}\n',
          'import "net/http"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.log-injection',
    cwe: ['CWE-117'],
    severity: 'warning',
    title: 'Untrusted data written to a log',
    message:
      'Untrusted data is logged without neutralizing line breaks: replace "\\r"/"\\n" or log it with %q.',
    names: [
      'Printf',
      'Println',
      'Print',
      'Info',
      'Infof',
      'Warn',
      'Warnf',
      'Error',
      'Errorf',
      'Debug',
      'Debugf',
    ],
    callee: /^(?:log|logger|l|slog|zap|logrus)\.\w+$/,
    check: (c, ctx) => {
      const fmt = ctx.stringValue(c.args[0]);
      if (fmt && /%q/.test(fmt)) return false;
      return c.args.slice(fmt === undefined ? 0 : 1).some((a) => ctx.tainted(a, 'log'));
    },
    examples: {
      bad: [pkg('func f(u string) {\n\tlog.Printf("login %s", u)\n}\n', 'import "log"\n\n')],
      good: [pkg('func f(u string) {\n\tlog.Printf("login %q", u)\n}\n', 'import "log"\n\n')],
    },
  }),
  call({
    id: 'go.weak-hash',
    cwe: ['CWE-328', 'CWE-327'],
    severity: 'warning',
    title: 'Weak hash algorithm',
    message: 'MD5/SHA-1 are broken for security use: use sha256 or stronger.',
    names: ['New', 'Sum'],
    callee: /^(?:md5|sha1|md4)\.(?:New|Sum)$/,
    examples: {
      bad: [pkg('func f(b []byte) [16]byte {\n\treturn md5.Sum(b)\n}\n', 'import "crypto/md5"\n\n')],
      good: [
        pkg('func f(b []byte) [32]byte {\n\treturn sha256.Sum256(b)\n}\n', 'import "crypto/sha256"\n\n'),
      ],
    },
  }),
  call({
    id: 'go.password-fast-hash',
    cwe: ['CWE-916', 'CWE-328'],
    severity: 'error',
    title: 'Password hashed with a fast hash',
    message: 'A password is hashed with a fast hash: use argon2.IDKey, bcrypt or scrypt with a random salt.',
    names: ['Sum256', 'Sum512', 'Sum'],
    callee: /^(?:sha256|sha512|sha1|md5)\.\w+$/,
    check: (c) => /pass(?:word)?|pwd/i.test(c.args[0]?.text ?? ''),
    examples: {
      bad: [
        pkg(
          'func f(password string) [32]byte {\n\treturn sha256.Sum256([]byte(password))\n}\n',
          'import "crypto/sha256"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(cert string) [32]byte {\n\treturn sha256.Sum256([]byte(cert))\n}\n',
          'import "crypto/sha256"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.weak-cipher',
    cwe: ['CWE-327'],
    severity: 'error',
    title: 'Broken or risky cipher',
    message: 'DES/3DES/RC4/Blowfish are broken or risky: use AES-GCM (cipher.NewGCM) with a random nonce.',
    names: ['NewCipher', 'NewTripleDESCipher'],
    callee: /^(?:des|rc4|blowfish|cast5|tea|xtea)\.\w+$/,
    examples: {
      bad: [pkg('func f(k []byte) {\n\tdes.NewCipher(k)\n}\n', 'import "crypto/des"\n\n')],
      good: [pkg('func f(k []byte) {\n\taes.NewCipher(k)\n}\n', 'import "crypto/aes"\n\n')],
    },
  }),
  call({
    id: 'go.static-iv',
    cwe: ['CWE-329'],
    severity: 'error',
    title: 'IV not generated randomly',
    message:
      'The IV/nonce is constant or never filled from crypto/rand: fill it with io.ReadFull(rand.Reader, iv) for every encryption.',
    names: ['NewCBCEncrypter', 'NewCFBEncrypter', 'NewCTR', 'NewOFB', 'Seal'],
    check: (c, ctx) => {
      const iv = c.name === 'Seal' ? c.args[1] : c.args[1];
      if (!iv || (c.name === 'Seal' && !/nonce|iv/i.test(iv.text))) return false;
      if (c.name !== 'Seal' && !/^cipher\./.test(c.calleeText)) return false;
      if (constantBytes(ctx, iv)) return { node: ctx.resolve(iv) };
      return !filledFromRand(ctx, iv, c.node);
    },
    examples: {
      bad: [
        pkg(
          'func f(b cipher.Block) cipher.BlockMode {\n\tiv := make([]byte, 16)\n\treturn cipher.NewCBCEncrypter(b, iv)\n}\n',
          'import "crypto/cipher"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(b cipher.Block) cipher.BlockMode {\n\tiv := make([]byte, 16)\n\tio.ReadFull(rand.Reader, iv)\n\treturn cipher.NewCBCEncrypter(b, iv)\n}\n',
          'import (\n\t"crypto/cipher"\n\t"crypto/rand"\n\t"io"\n)\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.predictable-salt',
    cwe: ['CWE-760'],
    severity: 'error',
    title: 'Salt not generated randomly',
    message:
      'The salt is constant or never filled from crypto/rand: generate a random salt per password (rand.Read).',
    names: ['Key', 'IDKey'],
    callee: /^(?:pbkdf2|scrypt|argon2)\.(?:Key|IDKey)$/,
    check: (c, ctx) => {
      const salt = c.args[1];
      if (!salt) return false;
      if (constantBytes(ctx, salt)) return { node: ctx.resolve(salt) };
      return !filledFromRand(ctx, salt, c.node);
    },
    examples: {
      bad: [
        pkg(
          'func f(pw string) []byte {\n\tsalt := []byte{1, 2, 3, 4}\n\treturn pbkdf2.Key([]byte(pw), salt, 10000, 32, sha256.New)\n}\n',
          'import (\n\t"crypto/sha256"\n\t"golang.org/x/crypto/pbkdf2"\n)\n\n',
        ),
        // another `salt`, filled from crypto/rand only on the other path
        pkg(
          'func f(user, pw string) []byte {\n\tif len(pw) == 7 {\n\t\tsalt := []byte(user)\n\t\treturn pbkdf2.Key([]byte(pw), salt, 10000, 32, sha256.New)\n\t}\n\tsalt := make([]byte, 16)\n\trand.Read(salt)\n\treturn pbkdf2.Key([]byte(pw), salt, 10000, 32, sha256.New)\n}\n',
          'import (\n\t"crypto/rand"\n\t"crypto/sha256"\n\t"golang.org/x/crypto/pbkdf2"\n)\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(pw string) []byte {\n\tsalt := make([]byte, 16)\n\trand.Read(salt)\n\treturn pbkdf2.Key([]byte(pw), salt, 10000, 32, sha256.New)\n}\n',
          'import (\n\t"crypto/rand"\n\t"crypto/sha256"\n\t"golang.org/x/crypto/pbkdf2"\n)\n\n',
        ),
        // filled in an if's initializer
        pkg(
          'func f(pw string) []byte {\n\tsalt := make([]byte, 16)\n\tif _, err := rand.Read(salt); err != nil {\n\t\treturn nil\n\t}\n\treturn pbkdf2.Key([]byte(pw), salt, 10000, 32, sha256.New)\n}\n',
          'import (\n\t"crypto/rand"\n\t"crypto/sha256"\n\t"golang.org/x/crypto/pbkdf2"\n)\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.weak-key-size',
    cwe: ['CWE-326'],
    severity: 'error',
    title: 'Key too short',
    message: 'RSA/DSA keys shorter than 2048 bits can be broken: use at least 2048 bits (dsa.L2048N256).',
    names: ['GenerateKey', 'GenerateParameters', 'GenerateMultiPrimeKey'],
    check: (c, ctx) => {
      if (c.calleeText === 'dsa.GenerateParameters') return /L1024/.test(c.args[2]?.text ?? '');
      if (!/^rsa\./.test(c.calleeText)) return false;
      const n = ctx.intValue(c.args[c.name === 'GenerateMultiPrimeKey' ? 2 : 1]);
      return n !== undefined && n < 2048;
    },
    examples: {
      bad: [
        pkg(
          'func f() {\n\trsa.GenerateKey(rand.Reader, 1024)\n}\n',
          'import (\n\t"crypto/rand"\n\t"crypto/rsa"\n)\n\n',
        ),
      ],
      good: [
        pkg(
          'func f() {\n\trsa.GenerateKey(rand.Reader, 2048)\n}\n',
          'import (\n\t"crypto/rand"\n\t"crypto/rsa"\n)\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.jwt-no-verify',
    cwe: ['CWE-347'],
    severity: 'error',
    title: 'JWT parsed without verifying the signature',
    message:
      'The token is parsed without signature verification: use jwt.Parse with a key function that checks token.Method.',
    names: ['ParseUnverified', 'Parse', 'ParseWithClaims'],
    // (a key function that accepts the "none" algorithm verifies nothing either)
    check: (c) =>
      c.name === 'ParseUnverified' ||
      (/^jwt\.Parse/.test(c.calleeText) &&
        /^nil$|\bUnsafeAllowNoneSignatureType\b/.test(c.args[c.name === 'Parse' ? 1 : 2]?.text ?? '')),
    examples: {
      bad: [
        pkg(
          'func f(t string) {\n\tjwt.NewParser().ParseUnverified(t, jwt.MapClaims{})\n}\n',
          'import "github.com/golang-jwt/jwt/v5"\n\n',
        ),
        pkg(
          'func f(t string) {\n\tjwt.Parse(t, func(tok *jwt.Token) (interface{}, error) { return jwt.UnsafeAllowNoneSignatureType, nil })\n}\n',
          'import "github.com/golang-jwt/jwt/v5"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(t string, k []byte) {\n\tjwt.Parse(t, func(tok *jwt.Token) (interface{}, error) { return k, nil })\n}\n',
          'import "github.com/golang-jwt/jwt/v5"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.xpath-injection',
    cwe: ['CWE-643'],
    severity: 'error',
    title: 'XPath built from untrusted data',
    message:
      'Untrusted data is formatted into an XPath expression: use XPath variables ($user) bound to the values.',
    names: ['Parse', 'MustParse', 'Compile', 'MustCompile', 'Find', 'FindOne', 'QueryAll', 'Query', 'Select'],
    callee: /^(?:goxpath|xpath|xmlquery|htmlquery)\.\w+$/,
    check: (c, ctx) => {
      const e = /^(?:Find|FindOne|QueryAll|Query)$/.test(c.name) ? c.args[1] : c.args[0];
      return !!e && ctx.built(e, 'xpath') && { node: originOf(e, ctx, 'xpath') };
    },
    examples: {
      bad: [
        pkg(
          'func f(u string) {\n\tq := fmt.Sprintf("//user[name=\'%s\']", u)\n\tgoxpath.MustParse(q)\n}\n',
          'import (\n\t"fmt"\n\t"github.com/ChrisTrenkamp/goxpath"\n)\n\n',
        ),
      ],
      good: [
        pkg(
          'func f() {\n\tgoxpath.MustParse("//user[name=$u]")\n}\n',
          'import "github.com/ChrisTrenkamp/goxpath"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.insecure-permissions',
    cwe: ['CWE-732'],
    severity: 'warning',
    title: 'File permissions too broad',
    message: '',
    names: ['OpenFile', 'WriteFile', 'Chmod', 'Mkdir', 'MkdirAll', 'Umask', 'Create'],
    callee: /^(?:(?:os|ioutil|syscall|unix)\.\w+|[A-Za-z_]\w*\.Chmod)$/,
    check: (c, ctx) => {
      // an open file's own Chmod (`f.Chmod(0o644)`): read where a task is judged
      const method = c.name === 'Chmod' && !/^(?:os|syscall|unix)\./.test(c.calleeText);
      if (method && !judgingTask(ctx)) return false;
      // A file created readable by group/other is a note in a scan (most files are public), but
      // where a task is judged, and the task's weakness is a permission (only then does a CWE-732
      // finding count), the file holds what the task protects: a finding, unless the function
      // narrows the umask or the file's mode afterwards.
      const judged = judgingTask(ctx) && !narrowsLater(c, ctx);
      if (c.name === 'Create') {
        if (!judged || c.calleeText !== 'os.Create') return false;
        return {
          message:
            'os.Create makes the file with mode 0666 before the umask (0644 under the usual umask 022): other users can read it. Create it with os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600).',
        };
      }
      if (c.name === 'Umask') {
        const m = ctx.intValue(c.args[0]);
        if (m === undefined || (m & 0o077) === 0o077) return false;
        return {
          message: `umask 0${m.toString(8)} leaves new files readable by other users: use 0077 for private data.`,
          severity: (m & 0o002) === 0 ? 'error' : 'note',
        };
      }
      const idx = c.name === 'OpenFile' || c.name === 'WriteFile' ? 2 : method ? 0 : 1;
      // Where a task is judged, a mode that cannot be read, or one that lets others read the file
      // (written, or changed with Chmod), is a finding; in a scan group/other access is a note.
      const p = judgingTask(ctx)
        ? modeProblem(c.args[idx], ctx)
        : (() => {
            const m = ctx.intValue(c.args[idx]);
            const q = m === undefined ? undefined : permissionProblem(m);
            return q && { text: q.text, severity: q.level };
          })();
      if (!p) return false;
      const file = c.name === 'OpenFile' || c.name === 'WriteFile' || c.name === 'Chmod';
      return {
        message: `${p.text}.`,
        severity: p.severity === 'warning' && !(judged && file) ? 'note' : p.severity,
      };
    },
    examples: {
      bad: [
        pkg('func f(p string) {\n\tos.WriteFile(p, nil, 0666)\n}\n', 'import "os"\n\n'),
        {
          code: pkg(
            'func save(p, data string) error {\n\tf, err := os.Create(p)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\t_, err = f.WriteString(data)\n\treturn err\n}\n',
            'import "os"\n\n',
          ),
          language: 'go',
          taskCwe: ['CWE-732'],
        },
      ],
      good: [
        pkg('func f(p string) {\n\tos.WriteFile(p, nil, 0600)\n}\n', 'import "os"\n\n'),
        {
          code: pkg(
            'func save(p, data string) error {\n\tf, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\t_, err = f.WriteString(data)\n\treturn err\n}\n',
            'import "os"\n\n',
          ),
          language: 'go',
          taskCwe: ['CWE-732'],
        },
        {
          code: pkg(
            'func save(p, data string) error {\n\tf, err := os.Create(p)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer f.Close()\n\tif err := f.Chmod(0o600); err != nil {\n\t\treturn err\n\t}\n\t_, err = f.WriteString(data)\n\treturn err\n}\n',
            'import "os"\n\n',
          ),
          language: 'go',
          taskCwe: ['CWE-732'],
        },
      ],
    },
  }),
  call({
    id: 'go.ssrf',
    cwe: ['CWE-918'],
    severity: 'error',
    title: 'Request to a URL built from untrusted data',
    message:
      'The request target is built from untrusted data: allow-list the host and validate path segments.',
    names: ['Get', 'Post', 'Head', 'PostForm', 'NewRequest', 'NewRequestWithContext'],
    callee: /^(?:http|client|c|httpClient)\.\w+$/,
    check: (c, ctx) => {
      const u =
        c.name === 'NewRequest' ? c.args[1] : c.name === 'NewRequestWithContext' ? c.args[2] : c.args[0];
      return !!u && ctx.built(u, 'url');
    },
    examples: {
      bad: [
        pkg('func f(host string) {\n\thttp.Get("https://" + host + "/api")\n}\n', 'import "net/http"\n\n'),
      ],
      good: [pkg('func f() {\n\thttp.Get("https://api.example.com/v1")\n}\n', 'import "net/http"\n\n')],
    },
  }),
  call({
    id: 'go.incomplete-host-check',
    cwe: ['CWE-20'],
    severity: 'error',
    title: 'Host checked by substring',
    message:
      'A host is validated by substring/suffix without a dot boundary: compare it exactly or check HasSuffix(host, "."+domain).',
    names: ['Contains', 'HasSuffix', 'Index'],
    callee: /^strings\.(?:Contains|HasSuffix|Index)$/,
    check: (c) => {
      const hay = c.args[0];
      const needle = c.args[1];
      if (!hay || !needle || !/netloc|host/i.test(hay.text)) return false;
      let cond: Node | null = c.node;
      while (cond?.parent && /binary_expression|parenthesized|unary/.test(cond.parent.type))
        cond = cond.parent;
      if (cond && /'\.'|"\."/.test(cond.text)) return false;
      return !/^"/.test(needle.text) && !/"\."/.test(needle.text);
    },
    examples: {
      bad: [
        pkg(
          'func f(host, domain string) bool {\n\treturn strings.Contains(host, domain)\n}\n',
          'import "strings"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(host, domain string) bool {\n\treturn host == domain || strings.HasSuffix(host, "."+domain)\n}\n',
          'import "strings"\n\n',
        ),
      ],
    },
  }),
  query({
    id: 'go.tls-no-verify',
    cwe: ['CWE-295'],
    severity: 'error',
    title: 'TLS certificate verification disabled',
    message: 'InsecureSkipVerify turns off certificate checks: remove it (configure RootCAs if needed).',
    query: '(keyed_element (_) @k (_) @v) @report',
    check: (caps) => /InsecureSkipVerify/.test(caps.k?.text ?? '') && caps.v?.text === 'true',
    examples: {
      bad: [pkg('var c = &tls.Config{InsecureSkipVerify: true}\n', 'import "crypto/tls"\n\n')],
      good: [pkg('var c = &tls.Config{MinVersion: tls.VersionTLS12}\n', 'import "crypto/tls"\n\n')],
    },
  }),
  call({
    id: 'go.cleartext-http',
    cwe: ['CWE-319'],
    severity: 'warning',
    title: 'Clear-text protocol',
    message: 'Data is sent over http://: use https://.',
    names: ['Get', 'Post', 'Head', 'PostForm', 'NewRequest'],
    callee: /^(?:http|client|c)\.\w+$/,
    check: (c, ctx) => {
      const u = ctx.stringValue(c.name === 'NewRequest' ? c.args[1] : c.args[0]);
      return !!u && /^http:\/\//i.test(u) && !isLocalUrl(u);
    },
    examples: {
      bad: [pkg('func f() {\n\thttp.Get("http://api.example.com/login")\n}\n', 'import "net/http"\n\n')],
      good: [pkg('func f() {\n\thttp.Get("https://api.example.com/login")\n}\n', 'import "net/http"\n\n')],
    },
  }),
  call({
    id: 'go.weak-random',
    cwe: ['CWE-338', 'CWE-330'],
    severity: 'warning',
    title: 'Predictable random value for a secret',
    message: 'math/rand is predictable: use crypto/rand for keys, tokens, salts and IVs.',
    names: ['Intn', 'Int', 'Int63', 'Int31', 'Read', 'Uint32', 'Uint64', 'Float64', 'Perm'],
    callee: /^rand\.\w+$/,
    check: (c, ctx) => {
      if (!/"math\/rand(?:\/v2)?"/.test(ctx.source) || /"crypto\/rand"/.test(ctx.source)) return false;
      // Under a randomness task every value is a secret (the task says so); elsewhere names decide.
      if (ctx.secretTask) return true;
      let n: Node | null = c.node.parent;
      for (let i = 0; n && i < 6; i++, n = n.parent)
        if (n.type === 'short_var_declaration' || n.type === 'assignment_statement' || n.type === 'var_spec')
          return SECRET_NAME.test((n.childForFieldName('left') ?? n.childForFieldName('name'))?.text ?? '');
      const fn = ctx.model.functionAt(c.node.startIndex).node.childForFieldName('name')?.text ?? '';
      return SECRET_NAME.test(fn) || c.name === 'Read';
    },
    examples: {
      bad: [
        pkg('func f() int {\n\ttoken := rand.Int63()\n\treturn int(token)\n}\n', 'import "math/rand"\n\n'),
        {
          code: pkg('func NewCode() int64 {\n\treturn rand.Int63()\n}\n', 'import "math/rand"\n\n'),
          language: 'go',
          taskCwe: ['CWE-338'],
        },
      ],
      good: [pkg('func f() int {\n\tdice := rand.Intn(6)\n\treturn dice\n}\n', 'import "math/rand"\n\n')],
    },
  }),
  query({
    id: 'go.hardcoded-credential',
    cwe: ['CWE-798', 'CWE-259'],
    severity: 'warning',
    title: 'Hard-coded credential',
    message:
      'A password, key or token is written in the source: read it from the environment or a secret store.',
    query:
      '[(const_spec name: (identifier) @name value: (expression_list (interpreted_string_literal) @value)) (var_spec name: (identifier) @name value: (expression_list (interpreted_string_literal) @value)) (short_var_declaration left: (expression_list (identifier) @name) right: (expression_list (interpreted_string_literal) @value))] @report',
    check: (caps, ctx) => {
      const v = ctx.stringValue(caps.value);
      return (
        !!caps.name &&
        CREDENTIAL_NAME.test(caps.name.text) &&
        !!v &&
        v.length >= 4 &&
        !/%/.test(v) && { node: caps.value }
      );
    },
    examples: {
      bad: [pkg('const dbPassword = "hunter22"\n')],
      good: [pkg('var dbPassword = os.Getenv("DB_PASSWORD")\n', 'import "os"\n\n')],
    },
  }),
  query({
    id: 'go.debug-endpoint',
    cwe: ['CWE-215', 'CWE-489'],
    severity: 'warning',
    title: 'Debug endpoints or debug mode enabled',
    message:
      'net/http/pprof / debug mode exposes internals on the server: remove it from production builds or serve it on a private port.',
    query:
      '(import_spec path: (interpreted_string_literal) @p (#eq? @p "\\"net/http/pprof\\"")) @report\n(call_expression function: (selector_expression) @f (#eq? @f "gin.SetMode") arguments: (argument_list (selector_expression) @m (#eq? @m "gin.DebugMode"))) @report',
    examples: {
      bad: [pkg('func main() {}\n', 'import _ "net/http/pprof"\n\n')],
      good: [pkg('func main() {}\n', 'import _ "net/http"\n\n')],
    },
  }),
  call({
    id: 'go.error-exposure',
    cwe: ['CWE-209'],
    severity: 'warning',
    title: 'Error details sent to the client',
    message: 'Internal error text is sent to the client: log it and return a generic message.',
    names: ['Error'],
    callee: /^http\.Error$/,
    check: (c) => /\berr\w*\.Error\(\)|%v|\berr\b/.test(c.args[1]?.text ?? ''),
    examples: {
      bad: [
        pkg(
          'func f(w http.ResponseWriter, err error) {\n\thttp.Error(w, err.Error(), 500)\n}\n',
          'import "net/http"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(w http.ResponseWriter) {\n\thttp.Error(w, "internal error", 500)\n}\n',
          'import "net/http"\n\n',
        ),
      ],
    },
  }),
  call({
    id: 'go.open-redirect',
    cwe: ['CWE-601'],
    severity: 'error',
    title: 'Redirect to an untrusted URL',
    message: 'The redirect target comes from the request: allow only relative paths or allow-listed hosts.',
    names: ['Redirect'],
    callee: /^http\.Redirect$/,
    check: (c, ctx) => ctx.tainted(c.args[2], 'redirect'),
    examples: {
      bad: [
        pkg(
          'func f(w http.ResponseWriter, r *http.Request) {\n\thttp.Redirect(w, r, r.URL.Query().Get("next"), 302)\n}\n',
          'import "net/http"\n\n',
        ),
      ],
      good: [
        pkg(
          'func f(w http.ResponseWriter, r *http.Request) {\n\thttp.Redirect(w, r, "/home", 302)\n}\n',
          'import "net/http"\n\n',
        ),
      ],
    },
  }),
  query({
    id: 'go.ignored-error',
    cwe: ['CWE-252'],
    severity: 'warning',
    title: 'Error of a security-relevant call ignored',
    message:
      'The error of this call is discarded: a failed random read or permission change leaves the program in an unsafe state; check it.',
    query:
      '[(short_var_declaration left: (expression_list) @l right: (expression_list (call_expression function: (_) @f))) (assignment_statement left: (expression_list) @l right: (expression_list (call_expression function: (_) @f)))] @report',
    check: (caps) => {
      const names = caps.l?.namedChildren ?? [];
      const last = names[names.length - 1];
      return (
        last?.text === '_' &&
        /^(?:rand\.Read|io\.ReadFull|os\.Chmod|os\.Chown|syscall\.Set[ug]id|syscall\.Setgroups|os\.Setenv)$/.test(
          caps.f?.text.replace(/\s+/g, '') ?? '',
        )
      );
    },
    examples: {
      bad: [pkg('func f(b []byte) {\n\t_, _ = rand.Read(b)\n}\n', 'import "crypto/rand"\n\n')],
      good: [
        pkg(
          'func f(b []byte) error {\n\t_, err := rand.Read(b)\n\treturn err\n}\n',
          'import "crypto/rand"\n\n',
        ),
      ],
    },
  }),
];
