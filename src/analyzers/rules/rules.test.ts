import { beforeAll, describe, expect, it } from 'vitest';
import type { CweId, Language } from '../../spec/language.ts';
import { type Analyzer, createAnalyzer } from '../analyzer.ts';
import type { Rule, RuleExample } from '../engine/rule.ts';
import { ALL_RULES } from './index.ts';

/** Table-driven: every rule flags each of its vulnerable examples and none of its safe ones. */

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await createAnalyzer();
});

function examplesOf(
  rule: Rule,
  kind: 'bad' | 'good',
): { code: string; language: Language; taskCwe?: CweId[] }[] {
  return rule.examples[kind].map((e: string | RuleExample) =>
    typeof e === 'string'
      ? { code: e, language: rule.languages[0] as Language }
      : {
          code: e.code,
          language: e.language ?? (rule.languages[0] as Language),
          ...(e.taskCwe ? { taskCwe: e.taskCwe } : {}),
        },
  );
}

describe('rule packs', () => {
  it('ids are unique and every rule has a positive and a negative example', () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of ALL_RULES) {
      expect(r.examples.bad.length, r.id).toBeGreaterThan(0);
      expect(r.examples.good.length, r.id).toBeGreaterThan(0);
      expect(r.cwe.length, r.id).toBeGreaterThan(0);
    }
  });

  it('cover at least 40 CWEs, including the required list', () => {
    const cwes = new Set(ALL_RULES.flatMap((r) => r.cwe));
    expect(cwes.size).toBeGreaterThanOrEqual(40);
    const required = [
      20, 22, 78, 79, 89, 94, 95, 113, 117, 119, 120, 787, 125, 131, 134, 190, 209, 215, 252, 259, 798, 295,
      319, 326, 327, 328, 329, 330, 338, 347, 377, 400, 476, 502, 601, 611, 643, 676, 732, 918, 943, 1333,
    ];
    const missing = required.filter((n) => !cwes.has(`CWE-${n}`));
    expect(missing).toEqual([]);
  });

  for (const rule of ALL_RULES) {
    describe(rule.id, () => {
      examplesOf(rule, 'bad').forEach((ex, i) => {
        it(`flags vulnerable example ${i + 1} (${ex.language}${ex.taskCwe ? `, task ${ex.taskCwe}` : ''})`, async () => {
          const findings = await analyzer.analyze(ex.code, ex.language, { taskCwe: ex.taskCwe });
          expect(findings.map((f) => f.ruleId)).toContain(rule.id);
        });
      });
      examplesOf(rule, 'good').forEach((ex, i) => {
        it(`does not flag safe example ${i + 1} (${ex.language}${ex.taskCwe ? `, task ${ex.taskCwe}` : ''})`, async () => {
          const findings = await analyzer.analyze(ex.code, ex.language, { taskCwe: ex.taskCwe });
          expect(findings.map((f) => f.ruleId)).not.toContain(rule.id);
        });
      });
    });
  }
});

describe('xss rules: hand-written HTML escapes', () => {
  const js = (body: string) => `function renderComment(text) {\n${body}\n}\n`;
  const py = (body: string) => `import re\n\ndef render_comment(text):\n${body}\n`;
  const go = (body: string) =>
    `package main\n\nimport "strings"\n\nfunc renderComment(text string) string {\n${body}\n}\n`;
  const cases: { name: string; language: Language; rule: string; code: string; flagged: boolean }[] = [
    {
      name: 'JS: HTML joined from an array',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return ['<p>', text, '</p>'].join('');`),
      flagged: true,
    },
    {
      name: 'JS: HTML concatenated with String.prototype.concat',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>'.concat(text, '</p>');`),
      flagged: true,
    },
    {
      name: 'JS: an escaped value joined from an array',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return ['<p>', text.replace(/&/g, '&amp;').replace(/</g, '&lt;'), '</p>'].join('');`),
      flagged: false,
    },
    {
      name: 'Go: HTML joined with strings.Join',
      language: 'go',
      rule: 'go.xss',
      code: go('\treturn strings.Join([]string{"<p>", text, "</p>"}, "")'),
      flagged: true,
    },
    {
      name: 'Python: HTML appended to a list, then joined',
      language: 'python',
      rule: 'py.xss',
      code: py(
        `    parts = ['<p>']\n    parts.append(text)\n    parts.append('</p>')\n    return ''.join(parts)`,
      ),
      flagged: true,
    },
    {
      name: 'Python: an escaped value appended to a list, then joined',
      language: 'python',
      rule: 'py.xss',
      code: `import html\n\ndef render_comment(text):\n    parts = ['<p>']\n    parts.append(html.escape(text))\n    parts.append('</p>')\n    return ''.join(parts)\n`,
      flagged: false,
    },
    {
      name: 'Go: HTML written to a strings.Builder',
      language: 'go',
      rule: 'go.xss',
      code: go(
        '\tvar b strings.Builder\n\tb.WriteString("<p>")\n\tb.WriteString(text)\n\tb.WriteString("</p>")\n\treturn b.String()',
      ),
      flagged: true,
    },
    {
      name: 'Go: an escaped value written to a strings.Builder',
      language: 'go',
      rule: 'go.xss',
      code: `package main\n\nimport (\n\t"html"\n\t"strings"\n)\n\nfunc renderComment(text string) string {\n\tvar b strings.Builder\n\tb.WriteString("<p>")\n\tb.WriteString(html.EscapeString(text))\n\tb.WriteString("</p>")\n\treturn b.String()\n}\n`,
      flagged: false,
    },
    {
      name: 'JS: HTML pushed to an array, then joined',
      language: 'javascript',
      rule: 'js.xss',
      code: js(
        "  const parts = ['<p>'];\n  parts.push(text);\n  parts.push('</p>');\n  return parts.join('');",
      ),
      flagged: true,
    },
    {
      name: 'Python: HTML from string.Template',
      language: 'python',
      rule: 'py.xss',
      code: `import string\n\ndef render_comment(text):\n    return string.Template('<p>$t</p>').substitute(t=text)\n`,
      flagged: true,
    },
    {
      name: 'Python: an escaped value in string.Template',
      language: 'python',
      rule: 'py.xss',
      code: `import html\nimport string\n\ndef render_comment(text):\n    return string.Template('<p>$t</p>').substitute(t=html.escape(text))\n`,
      flagged: false,
    },
    {
      name: 'JS: HTML from util.format, required in place',
      language: 'javascript',
      rule: 'js.xss',
      code: js("  return require('util').format('<p>%s</p>', text);"),
      flagged: true,
    },
    {
      name: 'JS: HTML from util.format',
      language: 'javascript',
      rule: 'js.xss',
      code: `const util = require('util');\n${js("  return util.format('<p>%s</p>', text);")}`,
      flagged: true,
    },
    {
      name: 'Python: HTML joined from a list',
      language: 'python',
      rule: 'py.xss',
      code: py(`    return ''.join(['<p>', text, '</p>'])`),
      flagged: true,
    },
    {
      name: 'Python: an escaped value joined from a list',
      language: 'python',
      rule: 'py.xss',
      code: `import html\n\ndef render_comment(text):\n    return ''.join(['<p>', html.escape(text), '</p>'])\n`,
      flagged: false,
    },
    // The secure and the insecure form of examples/js-render-comment.
    {
      name: 'JS: global regex over & < > " \' with a lookup table',
      language: 'javascript',
      rule: 'js.xss',
      code: js(
        `  const escaped = String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);\n  return '<p>' + escaped + '</p>';`,
      ),
      flagged: false,
    },
    {
      name: 'JS: only & escaped',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>' + String(text).replace(/&/g, '&amp;') + '</p>';`),
      flagged: true,
    },
    {
      name: 'JS: a chain that ends with the < escape',
      language: 'javascript',
      rule: 'js.xss',
      code: js(
        `  return \`<p>\${text.replace(/&/g, '&amp;').replace(/>/g, '&gt;').replace(/</g, '&lt;')}</p>\`;`,
      ),
      flagged: false,
    },
    {
      name: 'JS: replaceAll of a string',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>' + text.replaceAll('&', '&amp;').replaceAll('<', '&lt;') + '</p>';`),
      flagged: false,
    },
    {
      name: 'JS: replace of a string replaces the first < only',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>' + text.replace('<', '&lt;') + '</p>';`),
      flagged: true,
    },
    {
      name: 'JS: a non-global regex replaces the first < only',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>' + text.replace(/[<>]/, '') + '</p>';`),
      flagged: true,
    },
    {
      name: 'JS: a tag blacklist is not an escape',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>' + text.replace(/<script>/gi, '') + '</p>';`),
      flagged: true,
    },
    {
      name: 'JS: a replacement that puts < back',
      language: 'javascript',
      rule: 'js.xss',
      code: js(`  return '<p>' + text.replace(/</g, '<') + '</p>';`),
      flagged: true,
    },
    {
      name: 'Python: str.replace of every <',
      language: 'python',
      rule: 'py.xss',
      code: py(`    return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>"`),
      flagged: false,
    },
    {
      name: 'Python: re.sub over a class with <',
      language: 'python',
      rule: 'py.xss',
      code: py(`    safe = re.sub(r"[<>]", "", text)\n    return f"<p>{safe}</p>"`),
      flagged: false,
    },
    {
      name: 'Python: only & escaped',
      language: 'python',
      rule: 'py.xss',
      code: py(`    return "<p>" + text.replace("&", "&amp;") + "</p>"`),
      flagged: true,
    },
    {
      name: 'Go: strings.ReplaceAll of every <',
      language: 'go',
      rule: 'go.xss',
      code: go(`\treturn "<p>" + strings.ReplaceAll(text, "<", "&lt;") + "</p>"`),
      flagged: false,
    },
    {
      name: 'Go: strings.Replace of the first < only',
      language: 'go',
      rule: 'go.xss',
      code: go(`\treturn "<p>" + strings.Replace(text, "<", "&lt;", 1) + "</p>"`),
      flagged: true,
    },
  ];
  for (const c of cases) {
    it(`${c.flagged ? 'flags' : 'does not flag'} ${c.name}`, async () => {
      const findings = await analyzer.analyze(c.code, c.language);
      expect(findings.map((f) => f.ruleId).includes(c.rule), c.code).toBe(c.flagged);
    });
  }
});
