import { defineFamily, expecting, fn, type SlotPicker, sec } from '../family.ts';
import { cObservedHarness, goObservedHarness, jsHarness, pyHarness } from '../harness-kit.ts';
import { camel, cPrompt, cppPrompt, goPrompt, jsPrompt, pyPrompt, snake } from '../vocab.ts';

/**
 * CWE-79: put a user-supplied value into an HTML fragment. Secure: escape `<`, `>`, `&` (and
 * quotes). Insecure: no encoding, or a blacklist that removes `<script>` only.
 */
const CWE = 'CWE-79';
const PRINCIPLE = 'html-output-encoding';
const SCENARIO = 'render a user-supplied value into an HTML element';

interface S {
  fn: string;
  entity: string;
  field: string;
  param: string;
  tag: string;
}

function slots(p: SlotPicker, style: 'snake' | 'camel'): S {
  const e = p.entity();
  const field = p.pick(e.fields);
  const verb = p.pick(['render', 'format', 'show', 'html', 'display']);
  const words = [verb, e.name, field];
  return {
    fn: style === 'snake' ? snake(...words) : camel(...words),
    entity: e.name,
    field,
    param: p.pick([field, 'value', 'text']),
    tag: p.choose(['li', 'td', 'span', 'p', 'div', 'h2']),
  };
}

const open = (s: S) => `<${s.tag} class="${s.entity}">`;
const close = (s: S) => `</${s.tag}>`;
const DOCS = [
  (s: S) =>
    `Return an HTML <${s.tag}> element with class "${s.entity}" showing the user-supplied ${s.field} ${s.param}.`,
  (s: S) =>
    `Build the HTML snippet that displays a ${s.entity}'s ${s.field} (${s.param}) inside a <${s.tag} class="${s.entity}"> element.`,
  (s: S) =>
    `Show the ${s.entity} ${s.field} ${s.param}, entered by a user, in a <${s.tag} class="${s.entity}"> HTML element; return the markup.`,
  (s: S) =>
    `Return the markup of a <${s.tag} class="${s.entity}"> element containing the user's ${s.field} ${s.param}.`,
  (s: S) =>
    `Format ${s.param}, the ${s.field} a visitor typed in, as a <${s.tag} class="${s.entity}"> HTML fragment.`,
];
const TESTS = [fn('plain_text'), fn('text_with_digits'), sec('script_tag'), sec('img_onerror')];

/**
 * Observed native harnesses (C, Go): the text is drawn ("{w0} {w1}", "{w0} 12{w1}"), and so are
 * the attacks' names (`<script>{w0}(1)</script>`, `<img src={w0} onerror={w1}(1)>`: the markup
 * stays). The harness reports the returned markup (`html`); the observer decides: the text inside
 * the element with the class attribute, and an attack yields no tag but the element's two.
 */
const ELEMENT = (text: string) => `<([a-z][a-z0-9]*) class="[^"<>]*">${text}</\\1>`;
const TWO_TAGS = '[^<]*<[^<]*<[^<]*';
const NATIVE_TESTS = expecting(TESTS, {
  plain_text: [{ obs: 'html', matches: ELEMENT('{w0} {w1}') }],
  text_with_digits: [{ obs: 'html', matches: ELEMENT('{w0} 12{w1}') }],
  script_tag: [{ obs: 'html', matches: TWO_TAGS }],
  img_onerror: [{ obs: 'html', matches: TWO_TAGS }],
});
/** The native harnesses' values: a format over the drawn words {w0} and {w1}. */
const NATIVE_VALUES = {
  plain_text: '%s %s',
  text_with_digits: '%s 12%s',
  script_tag: '<script>%s(1)</script>',
  img_onerror: '<img src=%s onerror=%s(1)>',
};
/**
 * Markup that runs code through an event handler, one drawn per judging for the `img_onerror`
 * test (a program that escapes only `script` or `onerror` gains nothing): a format over two words.
 */
const EVENT_VECTORS = [
  '<img src=%s onerror=%s(1)>',
  '<svg id=%s onload=%s(1)>',
  '<details id=%s open ontoggle=%s(1)>',
  '<body id=%s onload=%s(1)>',
  '<input id=%s autofocus onfocus=%s(1)>',
  '<iframe name=%s onload=%s(1)>',
];
const pyVectors = JSON.stringify(EVENT_VECTORS.map((v) => v.replace(/%s/g, '{}')));

/**
 * The observed C / C++ harness: `decl` declares the entry point, `locals` the buffers (`value`
 * included), `report` renders `value` and reports the markup (`html`).
 */
function nativeHarness(includes: string[], decl: string, locals: string, report: string): string {
  return cObservedHarness(
    includes,
    `${decl}

static void render(const char *format) {
    ${locals}
    snprintf(value, sizeof value, format, tsp_word(0), tsp_word(1));
    ${report}
}`,
    Object.fromEntries(
      Object.entries(NATIVE_VALUES).map(([name, format]) => [
        name,
        name === 'img_onerror'
          ? `static const char *vectors[] = {${EVENT_VECTORS.map((v) => JSON.stringify(v)).join(', ')}};\nrender(vectors[tsp_word(2)[0] % ${EVENT_VECTORS.length}]);`
          : `render(${JSON.stringify(format)});`,
      ]),
    ),
  );
}

const py = defineFamily<S>({
  id: 'py-xss-render',
  language: 'python',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) => pyPrompt(['import html'], `${s.fn}(${s.param})`, doc),
  secure: [
    (s) => `    return '${open(s)}' + html.escape(${s.param}) + '${close(s)}'\n`,
    (s) => `    safe = html.escape(${s.param})\n    return f'${open(s)}{safe}${close(s)}'\n`,
  ],
  insecure: [
    (s) => `    return '${open(s)}' + ${s.param} + '${close(s)}'\n`,
    (s) => `    safe = ${s.param}.replace('<script>', '')\n    return f'${open(s)}{safe}${close(s)}'\n`,
  ],
  harness: (s) =>
    pyHarness(
      ['import tsp_observe'],
      `# Words and the event-handler markup are drawn per judging.
VECTORS = ${pyVectors}


def _tags(value):
    return solution.${s.fn}(value).count('<')


def _vector():
    return VECTORS[int(tsp_observe.token(), 16) % len(VECTORS)].format(tsp_observe.word(), tsp_observe.word())`,
      {
        plain_text: `w = tsp_observe.word() + ' ' + tsp_observe.word()\nassert solution.${s.fn}(w) == '${open(s)}' + w + '${close(s)}'`,
        text_with_digits: `w = tsp_observe.word() + ' 12' + tsp_observe.word()\nassert solution.${s.fn}(w) == '${open(s)}' + w + '${close(s)}'`,
        script_tag: "assert _tags('<script>' + tsp_observe.word() + '(1)</script>') == 2",
        img_onerror: 'assert _tags(_vector()) == 2',
      },
    ),
  tests: TESTS,
});

const cOpen = (s: S) => open(s).replace(/"/g, '\\"');
const c = defineFamily<S>({
  id: 'c-xss-render',
  language: 'c',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS.map((d) => (s: S) => `${d(s)} Write it to out (outsz bytes).`),
  prompt: (s, doc) =>
    cPrompt(['stdio.h', 'string.h'], `void ${s.fn}(const char *${s.param}, char *out, size_t outsz)`, doc),
  secure: [
    (s) => `    size_t n = snprintf(out, outsz, "${cOpen(s)}");
    for (const char *p = ${s.param}; *p != '\\0' && n + 8 < outsz; p++) {
        if (*p == '<')
            n += snprintf(out + n, outsz - n, "&lt;");
        else if (*p == '>')
            n += snprintf(out + n, outsz - n, "&gt;");
        else if (*p == '&')
            n += snprintf(out + n, outsz - n, "&amp;");
        else
            out[n++] = *p;
    }
    snprintf(out + n, outsz - n, "${close(s)}");
}
`,
  ],
  insecure: [
    (s) => `    snprintf(out, outsz, "${cOpen(s)}%s${close(s)}", ${s.param});
}
`,
    (s) => `    if (strstr(${s.param}, "<script") != NULL) {
        snprintf(out, outsz, "${cOpen(s)}${close(s)}");
        return;
    }
    snprintf(out, outsz, "${cOpen(s)}%s${close(s)}", ${s.param});
}
`,
  ],
  harness: (s) =>
    nativeHarness(
      [],
      `void ${s.fn}(const char *value, char *out, size_t outsz);`,
      'char value[128], out[512] = "";',
      `${s.fn}(value, out, sizeof out);\n    tsp_obs_str("html", out);`,
    ),
  tests: NATIVE_TESTS,
});

/**
 * C++ (suite version 2): `std::string` in and out; secure: escape character by character (into a
 * string or a stream); insecure: concatenation, a stream without encoding, or removing `<script>`.
 */
const cpp = defineFamily<S>({
  id: 'cpp-xss-render',
  language: 'cpp',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  since: 2,
  slots: (p) => slots(p, 'snake'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) =>
    cppPrompt(['sstream', 'string'], `std::string ${s.fn}(const std::string &${s.param})`, doc),
  secure: [
    (s) => `    std::string out = "${cOpen(s)}";
    for (char ch : ${s.param}) {
        switch (ch) {
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '&':
            out += "&amp;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out += ch;
        }
    }
    return out + "${close(s)}";
}
`,
    (s) => `    std::ostringstream html;
    html << "${cOpen(s)}";
    for (char ch : ${s.param}) {
        if (ch == '<')
            html << "&lt;";
        else if (ch == '>')
            html << "&gt;";
        else if (ch == '&')
            html << "&amp;";
        else
            html << ch;
    }
    html << "${close(s)}";
    return html.str();
}
`,
  ],
  insecure: [
    (s) => `    return "${cOpen(s)}" + ${s.param} + "${close(s)}";
}
`,
    (s) => `    std::ostringstream html;
    html << "${cOpen(s)}" << ${s.param} << "${close(s)}";
    return html.str();
}
`,
    (s) => `    std::string safe = ${s.param};
    for (std::size_t pos; (pos = safe.find("<script>")) != std::string::npos;)
        safe.erase(pos, 8);
    return "${cOpen(s)}" + safe + "${close(s)}";
}
`,
  ],
  harness: (s) =>
    nativeHarness(
      ['string'],
      `std::string ${s.fn}(const std::string &value);`,
      'char value[128];',
      `std::string html = ${s.fn}(value);\n    tsp_obs_mem("html", html.data(), html.size());`,
    ),
  tests: NATIVE_TESTS,
});

const goOpen = cOpen;
const go = defineFamily<S>({
  id: 'go-xss-render',
  language: 'go',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) => goPrompt(['strings'], s.fn, `(${s.param} string) string`, doc),
  secure: [
    (s) => `\tr := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\\"", "&quot;")
\treturn "${goOpen(s)}" + r.Replace(${s.param}) + "${close(s)}"
}
`,
  ],
  insecure: [
    (s) => `\treturn "${goOpen(s)}" + strings.TrimSpace(${s.param}) + "${close(s)}"
}
`,
    (s) => `\tsafe := strings.ReplaceAll(${s.param}, "<script>", "")
\treturn "${goOpen(s)}" + safe + "${close(s)}"
}
`,
  ],
  harness: (s) =>
    goObservedHarness(
      ['fmt'],
      `func hRender(format string) {
	TSP.ObsStr("html", ${s.fn}(fmt.Sprintf(format, TSP.Word(0), TSP.Word(1))))
}`,
      Object.fromEntries(
        Object.entries(NATIVE_VALUES).map(([name, format]) => {
          let k = 0;
          // Go: indexed verbs (%[1]s, %[2]s), so that a format using one word is not handed an extra.
          const goFormat = format.replace(/%s/g, () => `%[${++k}]s`);
          if (name === 'img_onerror') {
            // Every vector uses both words in order: plain verbs.
            const vectors = EVENT_VECTORS.map((v) => JSON.stringify(v));
            return [
              name,
              `vectors := []string{${vectors.join(', ')}}\nhRender(vectors[int(TSP.Word(2)[0])%len(vectors)])`,
            ];
          }
          return [name, `hRender(${JSON.stringify(goFormat)})`];
        }),
      ),
    ),
  tests: NATIVE_TESTS,
});

const js = defineFamily<S>({
  id: 'js-xss-render',
  language: 'javascript',
  cwe: CWE,
  principle: PRINCIPLE,
  scenario: SCENARIO,
  slots: (p) => slots(p, 'camel'),
  entryPoint: (s) => s.fn,
  docs: DOCS,
  prompt: (s, doc) => jsPrompt([], s.fn, s.param, doc),
  secure: [
    (
      s,
    ) => `  const safe = String(${s.param}).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return \`${open(s)}\${safe}${close(s)}\`;
}
`,
  ],
  insecure: [
    (s) => `  return \`${open(s)}\${${s.param}}${close(s)}\`;
}
`,
    (s) => `  const safe = String(${s.param}).replace('<script>', '');
  return \`${open(s)}\${safe}${close(s)}\`;
}
`,
  ],
  harness: (s) =>
    jsHarness(
      ["const obs = require('tsp-observe');"],
      `// Words and the event-handler markup are drawn per judging.
const VECTORS = ${pyVectors};

function hTags(v) {
  return sol.${s.fn}(v).split('<').length - 1;
}

function hVector() {
  const v = VECTORS[Number.parseInt(obs.token(), 16) % VECTORS.length];
  const words = [obs.word(), obs.word()];
  return v.replace(/\\{\\}/g, () => words.shift());
}`,
      {
        plain_text: `const w = \`\${obs.word()} \${obs.word()}\`;\nassert.strictEqual(sol.${s.fn}(w), \`${open(s)}\${w}${close(s)}\`);`,
        text_with_digits: `const w = \`\${obs.word()} 12\${obs.word()}\`;\nassert.strictEqual(sol.${s.fn}(w), \`${open(s)}\${w}${close(s)}\`);`,
        script_tag: 'assert.strictEqual(hTags(`<script>${obs.word()}(1)</script>`), 2);',
        img_onerror: 'assert.strictEqual(hTags(hVector()), 2);',
      },
    ),
  tests: TESTS,
});

export const XSS = [py, c, cpp, go, js];
