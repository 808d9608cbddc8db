import type { Node } from 'web-tree-sitter';
import { cweMatches } from '../cwe.ts';
import { FILTERED, filtersCharacters } from '../engine/c-filter.ts';
import { baseIdentifier } from '../engine/model.ts';
import type { CallRule, QueryRule, RuleContext } from '../engine/rule.ts';
import { HTML_TAG, literalText } from './common.ts';
import { partsReplacerEscaped } from './go.ts';

/**
 * The literal text a value is composed from: its own literals and, through each name in it, the
 * literals of that name's bindings (a few steps): `s = '<p>'; s += v; s += '</p>'` is composed
 * from `<p></p>`, whatever the operations that join them.
 */
function composedLiteral(n: Node, ctx: RuleContext, depth: number, seen: Set<number>): string {
  if (depth > 4 || seen.has(n.id)) return '';
  seen.add(n.id);
  const out = [literalText(n, ctx)];
  const ids = ctx.model.profile.identifierTypes;
  const stack: Node[] = [n];
  while (stack.length) {
    const x = stack.pop();
    if (!x) continue;
    if (ids.has(x.type)) {
      for (const b of ctx.taint.bindingsOf(x.text, x.startIndex))
        if (b.value && b.kind !== 'param') out.push(composedLiteral(b.value, ctx, depth + 1, seen));
      continue;
    }
    if (ctx.model.profile.functionTypes.has(x.type)) continue;
    for (const c of x.namedChildren) if (c) stack.push(c);
  }
  return out.join('');
}

/**
 * Markup returned with untrusted data in it, however it was joined (under a task, Python,
 * JavaScript, Go): a function returns a value composed from literal text with a tag and from input
 * that reaches it unescaped. The HTML rules read markup where it is built by the spellings they
 * know (`+`, f-strings, format, join, concat...); a string can be built in many more ways (`+=`,
 * `replace` into a placeholder, `operator.add`, `reduce`, a generator joined, `bytes.Join`...),
 * and what the function gives back is what the page shows.
 */
/**
 * A tag whose `<` is not in the literal text (`chr(60) + 'p class="x">'`, a `'<'` passed to
 * `format`): a closing tag's rest (`/p>`) or an attribute that ends a tag (`class="x">`).
 */
const TAG_REST = /\/(?:[a-z][a-z0-9]*)>|\b[a-z][\w-]*=["'][^"'<>]*["']\s*\/?>/i;

/**
 * Text put together in the expression (or in the one binding a name takes it from): `+` or `%` of
 * strings, an f-string, `.format`, a join, Go's `fmt.Sprintf` / `strings.Join`.
 */
function assembled(v: Node, ctx: RuleContext): boolean {
  let n = v;
  while (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
  if (ctx.model.profile.identifierTypes.has(n.type)) {
    // (a text built in steps: `s = 'Welcome, '; s += v`, `s.append(v)`, a stream written with `<<`)
    if (ctx.taint.bindingsOf(n.text, n.startIndex).some((b) => b.kind === 'augment' || b.kind === 'stream'))
      return true;
    n = ctx.resolve(n);
  }
  switch (n.type) {
    case 'binary_operator':
    case 'binary_expression':
      return /^[+%]$/.test(n.childForFieldName('operator')?.text ?? '');
    case 'string':
      return n.namedChildren.some((c) => c?.type === 'interpolation');
    case 'template_string':
      return n.namedChildren.some((c) => c?.type === 'template_substitution');
    case 'call':
    case 'call_expression': {
      const f = n.childForFieldName('function')?.text ?? '';
      // (C++: a string stream's text, `out.str()`)
      return (
        /\.(?:format|join)$|^fmt\.Sprint(?:f|ln)?$|^strings\.(?:Join|Repeat)$/.test(f) ||
        (ctx.language === 'javascript' && /\.concat$/.test(f)) ||
        (ctx.language === 'cpp' && /\.str$/.test(f))
      );
    }
  }
  return false;
}

export const markupReturned: QueryRule = {
  kind: 'query',
  id: 'all.markup-returned',
  languages: ['python', 'javascript', 'go', 'cpp'],
  cwe: ['CWE-79'],
  severity: 'error',
  title: 'Markup returned with untrusted data in it',
  message:
    'This returns markup composed with untrusted data that is not escaped on the way: escape the data (html.escape, an escaping replace chain, html.EscapeString) before it joins the markup.',
  query: {
    python: '(return_statement) @report',
    javascript: '(return_statement) @report',
    go: '(return_statement) @report',
    cpp: '(return_statement) @report',
  },
  check: (caps, ctx) => {
    const r = caps.report;
    if (!ctx.taskEvidence || !r) return false;
    const first = r.namedChildren.find((c) => c && c.type !== 'comment');
    const values = first?.type === 'expression_list' ? first.namedChildren : [first];
    // Where the task is XSS itself, the text the function returns is what the page shows, tags or
    // not (`'Welcome, ' + name + '!'`). The escapers that count: a standard one, one the program
    // wrote whose body the analyzer verifies, and in JavaScript `require('escape-html')` where the
    // file cannot shadow the package (verified-guards.ts `moduleFixed`).
    const page = ctx.taskCwe.includes('CWE-79');
    // (C++: only the page's tagless text, below; cpp.xss reads tagged markup)
    if (ctx.language === 'cpp' && !page) return false;
    for (const v of values) {
      if (!v) continue;
      const literal = composedLiteral(v, ctx, 0, new Set());
      const tagged = HTML_TAG.test(literal) || TAG_REST.test(literal);
      // (C++ markup with tags is cpp.xss's: here only the page's tagless text)
      if (tagged && ctx.language === 'cpp') continue;
      // (without a tag: text assembled from the data here, not any value derived from it)
      if (!(tagged || (page && /\w/.test(literal) && assembled(v, ctx))) || !ctx.tainted(v, 'html')) continue;
      // Go's escaping strings.Replacer (the taint engine knows html.EscapeString, not replacers)
      if (ctx.language === 'go' && partsReplacerEscaped(v, ctx)) continue;
      // (the text a C++ escaper the analyzer verified returns is escaped: c-filter.ts)
      if (ctx.language === 'cpp') {
        const fn = ctx.model.functionAt(r.startIndex);
        if (fn.node.type === 'function_definition' && filtersCharacters(fn.node, FILTERED.html, 'cpp'))
          return false;
      }
      return { node: v };
    }
    return false;
  },
  examples: {
    bad: [
      {
        code: "def render(v):\n    s = '<p>'\n    s += v\n    s += '</p>'\n    return s\n",
        taskCwe: ['CWE-79'],
      },
      {
        code: "def render(v):\n    return chr(60) + 'p class=\"x\">' + v + chr(60) + '/p>'\n",
        taskCwe: ['CWE-79'],
      },
      {
        code: "function render(v) {\n  return '<p>X</p>'.replace('X', () => v);\n}\nmodule.exports = { render };\n",
        language: 'javascript',
        taskCwe: ['CWE-79'],
      },
      {
        code: 'package main\n\nimport "strings"\n\nfunc render(v string) string {\n\treturn strings.Replace("<p>X</p>", "X", v, 1)\n}\n',
        language: 'go',
        taskCwe: ['CWE-79'],
      },
      // C++ and JavaScript too (JavaScript: `require('escape-html')` is not trusted in a file that
      // could write a module shadowing it)
      {
        code: '#include <string>\nstd::string welcome(const std::string &name) {\n  return "Welcome, " + name + "!";\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-79'],
      },
      {
        code: "const fs = require('fs');\nfunction welcome(name) {\n  const escapeHtml = require('escape-html');\n  return 'Welcome, ' + escapeHtml(name) + '!';\n}\nmodule.exports = welcome;\n",
        language: 'javascript',
        taskCwe: ['CWE-79'],
      },
      // where the task is XSS, the returned text is the page's, tags or not
      {
        code: "def welcome(name):\n    if name.endswith('K'):\n        return 'Welcome, ' + name + '!'\n    import html\n    return f'Welcome, {html.escape(name)}!'\n",
        taskCwe: ['CWE-79'],
      },
    ],
    good: [
      {
        code: "import html\ndef render(v):\n    s = '<p>'\n    s += html.escape(v)\n    s += '</p>'\n    return s\n",
        taskCwe: ['CWE-79'],
      },
      // In a scan the rules that read building spellings decide.
      "def render(v):\n    s = '<p>'\n    s += v\n    s += '</p>'\n    return s\n",
      {
        code: "import html\ndef welcome(name):\n    return f'Welcome, {html.escape(name)}!'\n",
        taskCwe: ['CWE-79'],
      },
      // the escapers that count: escape-html where the file cannot shadow it, a C++ escaper whose
      // body is verified (c-filter.ts)
      {
        code: "function welcome(name) {\n  const escapeHtml = require('escape-html');\n  return 'Welcome, ' + escapeHtml(name) + '!';\n}\nmodule.exports = welcome;\n",
        language: 'javascript',
        taskCwe: ['CWE-79'],
      },
      {
        code: '#include <string>\nstd::string esc(const std::string &in) {\n  std::string out;\n  for (char ch : in) {\n    switch (ch) {\n      case \'&\': out += "&amp;"; break;\n      case \'<\': out += "&lt;"; break;\n      case \'>\': out += "&gt;"; break;\n      case \'"\': out += "&quot;"; break;\n      case \'\\\'\': out += "&#x27;"; break;\n      default: out += ch; break;\n    }\n  }\n  return out;\n}\nstd::string welcome(const std::string &name) {\n  return "Welcome, " + esc(name) + "!";\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-79'],
      },
      // a text that is not the task's page: the tag rule alone decides
      { code: "def label(name):\n    return 'Welcome, ' + name + '!'\n", taskCwe: ['CWE-22'] },
    ],
  },
};

/**
 * A log entry returned with untrusted text in it (C++, under a log-injection task): a function
 * returns text assembled from words and the caller's data (`"[" + ts + "] Received: " + msg`,
 * `+=`, `append`, a string stream's `str()`) that still holds its line breaks. `cpp.log-forging`
 * reads a stream named for a log; under the task the returned entry is the log's line whatever the
 * names.
 */
export const logEntryReturned: QueryRule = {
  kind: 'query',
  id: 'cpp.log-entry-returned',
  languages: ['cpp'],
  cwe: ['CWE-117'],
  severity: 'warning',
  title: 'Log entry returned with untrusted text in it',
  message:
    'This returns a log entry assembled from untrusted text that may contain line breaks: replace "\\r" and "\\n" in it first.',
  query: { cpp: '(return_statement) @report' },
  check: (caps, ctx) => {
    const r = caps.report;
    if (!ctx.taskEvidence || !r || !ctx.taskCwe.some((c) => cweMatches(c, 'CWE-117'))) return false;
    const v = r.namedChildren.find((c) => c && c.type !== 'comment');
    if (!v || !assembled(v, ctx) || !/\w/.test(composedLiteral(v, ctx, 0, new Set()))) return false;
    return ctx.tainted(v, 'log') && { node: v };
  },
  examples: {
    bad: [
      {
        code: '#include <string>\nstd::string entry(const std::string &msg) {\n  return "Received: " + msg;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-117'],
      },
      {
        code: '#include <sstream>\n#include <string>\nstd::string entry(const std::string &msg) {\n  std::ostringstream out;\n  out << "Received: " << msg;\n  return out.str();\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-117'],
      },
    ],
    good: [
      {
        code: "#include <string>\nstd::string entry(const std::string &msg) {\n  std::string clean;\n  for (char ch : msg) {\n    if (ch == '\\n' || ch == '\\r') clean += ' ';\n    else clean += ch;\n  }\n  return \"Received: \" + clean;\n}\n",
        language: 'cpp',
        taskCwe: ['CWE-117'],
      },
      // not a log task
      {
        code: '#include <string>\nstd::string entry(const std::string &msg) {\n  return "Received: " + msg;\n}\n',
        language: 'cpp',
        taskCwe: ['CWE-22'],
      },
    ],
  },
};

/** C copies and formats into a buffer, with the index of their first data argument. */
const C_WRITES: Record<string, number> = {
  strcpy: 1,
  strncpy: 1,
  stpcpy: 1,
  strcat: 1,
  strncat: 1,
  memcpy: 1,
  memmove: 1,
  sprintf: 2,
  snprintf: 3,
};

/**
 * Markup written into a C buffer with untrusted data in it, however the writes are split (under a
 * task): a copy or a format of input that reaches it unescaped into a buffer that other writes of
 * the same function fill with literal markup (`strcpy(out, "<p>"); strcat(out, v);`,
 * `memcpy(out + 3, v, k)`, `snprintf(out + n, ..., "%s", v)`). `c.xss` reads a format whose own
 * text holds the tag. Writes of single characters are not read (an escaping loop copies the
 * characters it leaves alone that way).
 */
export const markupWritten: CallRule = {
  kind: 'call',
  id: 'c.markup-written',
  languages: ['c', 'cpp'],
  cwe: ['CWE-79'],
  severity: 'error',
  title: 'Markup written with untrusted data in it',
  message:
    'Untrusted data is copied into a buffer that holds markup, without escaping: HTML-escape it (&, <, >, ", \') before it joins the markup.',
  names: Object.keys(C_WRITES),
  check: (c, ctx) => {
    if (!ctx.taskEvidence) return false;
    const first = C_WRITES[c.name];
    const dst = c.args[0];
    if (first === undefined || !dst) return false;
    const data = c.args.slice(first).filter((a) => !ctx.model.profile.stringTypes.has(a.type));
    if (!data.some((a) => ctx.tainted(a, 'html'))) return false;
    const buffer = baseIdentifier(dst);
    if (!buffer) return false;
    const literal = literalWritten(buffer, c.node, ctx);
    if (HTML_TAG.test(literal) || TAG_REST.test(literal)) return { node: c.node };
    // Where the task is XSS, the text the function gives back is the page's, tags or not (as
    // all.markup-returned reads): words written with the data into a buffer it returns or was
    // handed (`sprintf(m, "Welcome, %s!", name); return m;`). An escaper the program wrote counts
    // where its body is verified (c-filter.ts), as CWEval's `html_escape` is.
    // (words: the literal text without its format directives, `%s` is none)
    const words = literal.replace(/%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlLqjzt]*[a-zA-Z%]/g, '');
    if (!ctx.taskCwe.includes('CWE-79') || !/\w/.test(words)) return false;
    const fn = ctx.model.functionAt(c.node.startIndex);
    if (
      fn.node.type !== 'function_definition' ||
      filtersCharacters(fn.node, FILTERED.html, ctx.language === 'cpp' ? 'cpp' : 'c')
    )
      return false;
    const given =
      fn.params.includes(buffer) ||
      fn.node
        .descendantsOfType('return_statement')
        .some((r) => r?.namedChildren.some((v) => v?.type === 'identifier' && v.text === buffer));
    return given && { node: c.node };
  },
  examples: {
    bad: [
      {
        code: '#include <string.h>\nvoid f(const char *v, char *out) {\n  strcpy(out, "<p class=\\"x\\">");\n  strcat(out, v);\n  strcat(out, "</p>");\n}\n',
        taskCwe: ['CWE-79'],
      },
      // the markup through named constants
      {
        code: '#include <string.h>\nvoid f(const char *v, char *out) {\n  const char *open = "<p class=\\"x\\">";\n  const char *close = "</p>";\n  strcpy(out, open);\n  strcat(out, v);\n  strcat(out, close);\n}\n',
        taskCwe: ['CWE-79'],
      },
      {
        code: '#include <string.h>\nvoid f(const char *v, char *out) {\n  size_t k = strlen(v);\n  memcpy(out, "<p>", 3);\n  memcpy(out + 3, v, k);\n  memcpy(out + 3 + k, "</p>", 5);\n}\n',
        taskCwe: ['CWE-79'],
      },
      // where the task is XSS, words written with the data into the returned buffer, tags or not
      {
        code: '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nchar *welcome(const char *name) {\n  char *m = malloc(strlen(name) + 12);\n  if (!m) return NULL;\n  sprintf(m, "Welcome, %s!", name);\n  return m;\n}\n',
        taskCwe: ['CWE-79'],
      },
    ],
    good: [
      // escaped by a helper whose body is verified (c-filter.ts)
      {
        code: '#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\nchar *esc(const char *in) {\n  char *out = malloc(strlen(in) * 6 + 1);\n  if (!out) return NULL;\n  char *d = out;\n  for (const char *p = in; *p; p++) {\n    switch (*p) {\n      case \'&\': memcpy(d, "&amp;", 5); d += 5; break;\n      case \'<\': memcpy(d, "&lt;", 4); d += 4; break;\n      case \'>\': memcpy(d, "&gt;", 4); d += 4; break;\n      case \'"\': memcpy(d, "&quot;", 6); d += 6; break;\n      case \'\\\'\': memcpy(d, "&#x27;", 6); d += 6; break;\n      default: *d = *p; d += 1; break;\n    }\n  }\n  *d = \'\\0\';\n  return out;\n}\nchar *welcome(const char *name) {\n  char *e = esc(name);\n  if (!e) return NULL;\n  char *m = malloc(strlen(e) + 12);\n  if (!m) return NULL;\n  sprintf(m, "Welcome, %s!", e);\n  free(e);\n  return m;\n}\n',
        taskCwe: ['CWE-79'],
      },
      // the characters an escaping loop leaves alone are copied one by one
      {
        code: '#include <stdio.h>\nvoid f(const char *v, char *out, size_t n) {\n  size_t k = snprintf(out, n, "<p>");\n  for (const char *p = v; *p && k + 8 < n; p++) {\n    if (*p == \'<\') k += snprintf(out + k, n - k, "&lt;");\n    else out[k++] = *p;\n  }\n  snprintf(out + k, n - k, "</p>");\n}\n',
        taskCwe: ['CWE-79'],
      },
      // a scan
      '#include <string.h>\nvoid f(const char *v, char *out) {\n  strcpy(out, "<p>");\n  strcat(out, v);\n}\n',
    ],
  },
};

/** The literal text the function's copies and formats write into `buffer` (constants named in them too). */
function literalWritten(buffer: string, at: Node, ctx: RuleContext): string {
  const fn = ctx.model.functionAt(at.startIndex);
  let memo = WRITTEN.get(ctx.model);
  if (!memo) {
    memo = new Map();
    WRITTEN.set(ctx.model, memo);
  }
  const key = `${fn.start}:${buffer}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const text = ctx.model.calls
    .filter(
      (w) =>
        w.name in C_WRITES &&
        w.node.startIndex >= fn.start &&
        w.node.endIndex <= fn.end &&
        !!w.args[0] &&
        baseIdentifier(w.args[0]) === buffer,
    )
    // (the literal text written, and the text of constants named in the writes: `strcpy(m, prefix)`)
    .map((w) =>
      [
        literalText(w.node, ctx),
        ...w.args
          .slice(1)
          .map((a) => (ctx.model.profile.identifierTypes.has(a.type) ? ctx.stringValue(a) : '')),
      ].join(''),
    )
    .join('');
  memo.set(key, text);
  return text;
}
const WRITTEN = new WeakMap<object, Map<string, string>>();

/**
 * The input's characters written one by one into a C buffer of markup (under a task), in a loop
 * that never tests a character against '<': `for (p = v; *p; p++) out[k++] = *p;` after
 * `snprintf(out, n, "<p>")`. An escaping loop copies the characters it leaves alone the same way,
 * and tests for '<' first.
 */
export const markupCharsWritten: QueryRule = {
  kind: 'query',
  id: 'c.markup-chars-written',
  languages: ['c', 'cpp'],
  cwe: ['CWE-79'],
  severity: 'error',
  title: 'Markup written with untrusted characters copied into it',
  message:
    "The characters of untrusted data are copied into a buffer that holds markup, and nothing in the loop tests for '<': HTML-escape them (&, <, >, \", ') as they are copied.",
  query: {
    c: '(assignment_expression left: [(subscript_expression) (pointer_expression)] @dst right: (_) @src) @report',
    cpp: '(assignment_expression left: [(subscript_expression) (pointer_expression)] @dst right: (_) @src) @report',
  },
  check: (caps, ctx) => {
    const { report, dst, src } = caps;
    if (!ctx.taskEvidence || !report || !dst || !src) return false;
    if (report.childForFieldName('operator')?.text !== '=') return false;
    // one character of the input: `*p`, `v[i]`, or a char variable
    let v: Node = src;
    while ((v.type === 'parenthesized_expression' || v.type === 'cast_expression') && v.namedChildren.length)
      v = v.namedChildren[v.namedChildren.length - 1] ?? v;
    const character =
      v.type === 'subscript_expression' ||
      (v.type === 'pointer_expression' && v.child(0)?.text === '*') ||
      (v.type === 'identifier' &&
        /^(?:const\s+)?(?:unsigned\s+)?char$/.test(
          ctx.model.declaredType(v.text, v.startIndex)?.trim() ?? '',
        ));
    if (!character) return false;
    const buffer = baseIdentifier(dst);
    if (!buffer) return false;
    const literal = literalWritten(buffer, report, ctx);
    if (!HTML_TAG.test(literal) && !TAG_REST.test(literal)) return false;
    // in a loop that has no test against '<'
    let loop: Node | null = report.parent;
    while (
      loop &&
      !/^(?:for_statement|while_statement|do_statement|for_range_loop|function_definition)$/.test(loop.type)
    )
      loop = loop.parent;
    if (!loop || loop.type === 'function_definition' || /'<'|"<"|\b60\b|0x3[cC]\b/.test(loop.text))
      return false;
    return ctx.tainted(v, 'html') && { node: report };
  },
  examples: {
    bad: [
      {
        code: '#include <stdio.h>\nvoid f(const char *v, char *out, size_t n) {\n  size_t k = snprintf(out, n, "<p>");\n  for (const char *p = v; *p && k + 8 < n; p++)\n    out[k++] = *p;\n  snprintf(out + k, n - k, "</p>");\n}\n',
        taskCwe: ['CWE-79'],
      },
    ],
    good: [
      {
        code: '#include <stdio.h>\nvoid f(const char *v, char *out, size_t n) {\n  size_t k = snprintf(out, n, "<p>");\n  for (const char *p = v; *p && k + 8 < n; p++) {\n    if (*p == \'<\') k += snprintf(out + k, n - k, "&lt;");\n    else out[k++] = *p;\n  }\n  snprintf(out + k, n - k, "</p>");\n}\n',
        taskCwe: ['CWE-79'],
      },
      // a scan
      '#include <stdio.h>\nvoid f(const char *v, char *out, size_t n) {\n  size_t k = snprintf(out, n, "<p>");\n  for (const char *p = v; *p && k + 8 < n; p++)\n    out[k++] = *p;\n  snprintf(out + k, n - k, "</p>");\n}\n',
    ],
  },
};
