import type { Node } from 'web-tree-sitter';
import type { Language } from '../../spec/language.ts';
import type { QueryRule, RuleContext, RuleExample } from '../engine/rule.ts';
import { HTML_TAG, isOutermostBuild, literalText, TIMESTAMP_CALL, taintedParts } from './common.ts';

/**
 * The literal text of a string-building expression; for a builder read back (`b.String()` of a Go
 * strings.Builder, `parts.join('')` of an array pushed to), the literal text the builder was given.
 */
function builtText(n: Node, ctx: RuleContext): string {
  const f = n.childForFieldName('function');
  const receiver = f?.childForFieldName('operand') ?? f?.childForFieldName('object');
  const method = f?.childForFieldName('field') ?? f?.childForFieldName('property');
  if (receiver?.type === 'identifier' && /^(?:String|join)$/.test(method?.text ?? ''))
    return ctx.taint
      .bindingsOf(receiver.text, receiver.startIndex)
      .map((b) => (b.value ? literalText(b.value, ctx) : ''))
      .join('');
  return literalText(n, ctx);
}

/**
 * Rules about strings *assembled* from untrusted data (HTML, log entries, URLs), shared by Go and
 * JavaScript: each language supplies its string-building query (concatenation, template strings,
 * Sprintf) and examples.
 */
export function buildingRules(
  language: Language,
  buildQuery: string,
  prefix: string,
  examples: Record<'xss' | 'log' | 'url', { bad: string; good: string }>,
): QueryRule[] {
  // A string-building call written under another name (`const u = require('util'); u.format(...)`,
  // `String.prototype.concat.call(...)`, `sp := fmt.Sprintf`): the model reads which function it
  // calls; the query's own patterns match the names as written, and the rules are also checked at
  // each call the model reads under another name (`renamedCalls`).
  const renamedBuild = (n: Node, ctx: RuleContext): boolean => {
    const call = ctx.model.callOf(n);
    if (!call || !ctx.model.profile.buildingCalls.test(call.calleeText)) return false;
    return call.calleeText !== n.childForFieldName('function')?.text.replace(/\s+/g, '');
  };
  const ex = (k: 'xss' | 'log' | 'url') => ({
    bad: [{ code: examples[k].bad, language } as RuleExample],
    good: [{ code: examples[k].good, language } as RuleExample],
  });
  return [
    {
      kind: 'query',
      id: `${prefix}.xss`,
      languages: [language],
      cwe: ['CWE-79'],
      severity: 'error',
      title: 'HTML built from untrusted data',
      message:
        'Untrusted data is placed into HTML without escaping: escape it (or use an auto-escaping template).',
      query: buildQuery,
      renamedCalls: true,
      check: (caps, ctx) => {
        const n = caps.report;
        if (n && caps.renamed && !renamedBuild(n, ctx)) return false;
        return !!n && isOutermostBuild(n) && HTML_TAG.test(builtText(n, ctx)) && ctx.built(n, 'html');
      },
      examples: ex('xss'),
    },
    {
      kind: 'query',
      id: `${prefix}.log-forging`,
      languages: [language],
      cwe: ['CWE-117'],
      severity: 'warning',
      title: 'Log entry built from untrusted data',
      message:
        'A log entry is assembled from untrusted text that may contain line breaks: replace "\\r"/"\\n" in it first.',
      query: buildQuery,
      renamedCalls: true,
      check: (caps, ctx) => {
        const n = caps.report;
        if (!n || !isOutermostBuild(n) || (caps.renamed && !renamedBuild(n, ctx))) return false;
        let holder = n.parent;
        for (let i = 0; holder && i < 3 && !/declar|assign|return/.test(holder.type); i++)
          holder = holder.parent;
        const logish = TIMESTAMP_CALL.test(n.text) || /log/i.test(holder?.text.split(/[=:]/)[0] ?? '');
        return logish && ctx.built(n, 'log');
      },
      examples: ex('log'),
    },
    {
      kind: 'query',
      id: `${prefix}.url-from-untrusted-parts`,
      languages: [language],
      cwe: ['CWE-918'],
      severity: 'warning',
      title: 'URL assembled from several unvalidated inputs',
      message:
        'A URL is assembled from several unvalidated inputs: allow-list the host and restrict path segments to safe characters.',
      query: buildQuery,
      renamedCalls: true,
      check: (caps, ctx) => {
        const n = caps.report;
        if (!n || !isOutermostBuild(n) || (caps.renamed && !renamedBuild(n, ctx))) return false;
        const lit = literalText(n, ctx);
        const urlish =
          /:\/\//.test(lit) ||
          /^[\s`(]*\$?\{?\s*\w*(?:url|uri|endpoint|base)\w*/i.test(n.text) ||
          /Sprintf\(\s*"%s\//.test(n.text);
        return urlish && !/\s/.test(lit.trim()) && taintedParts(n, ctx, 'url').length >= 2;
      },
      examples: ex('url'),
    },
  ];
}
