import { describe, expect, it } from 'vitest';
import { Query } from 'web-tree-sitter';
import { loadGrammar, parseLoaded } from '../parser.ts';
import type { QueryRule } from './rule.ts';
import { compileRules, matchFile } from './run-rules.ts';

const rule = (id: string, query: string): QueryRule => ({
  id,
  kind: 'query',
  languages: ['python'],
  cwe: ['CWE-20'],
  severity: 'note',
  title: id,
  message: id,
  examples: { bad: [], good: [] },
  query,
});

// Every text predicate form web-tree-sitter tests, on captures of one node, of none (a quantified
// capture that matched nothing) and of several, and compared with another capture.
const QUERIES = [
  '((call function: (identifier) @f) @report (#eq? @f "eval"))',
  '((call function: (identifier) @f) @report (#not-eq? @f "eval"))',
  '((identifier) @report (#match? @report "^a"))',
  '((identifier) @report (#not-match? @report "^a"))',
  '((identifier) @report (#any-of? @report "x" "yy"))',
  '((identifier) @report (#not-any-of? @report "x" "yy"))',
  '((assignment left: (identifier) @a right: (identifier) @b) @report (#eq? @a @b))',
  '((assignment left: (identifier) @a right: (identifier) @b) @report (#not-eq? @a @b))',
  '((argument_list (identifier)* @args) @report (#eq? @args "x"))',
  '((argument_list (identifier)* @args) @report (#any-eq? @args "x"))',
  '((argument_list (identifier)* @args) @report (#match? @args "^x"))',
  '((argument_list (identifier)* @args) @report (#any-not-match? @args "^x"))',
  '((argument_list (identifier)* @args) @report (#any-of? @args "x" "y"))',
  // a string of the query that reads like a predicate is left as it is
  '((string) @report (#eq? @report "\\"(#eq? x\\""))',
];

const CODE = `a = b
x = x
eval(x)
exec(y)
f()
g(x, x)
h(x, y)
k(y, aa)
s = "(#eq? x"
t = "other"
yy = abc
`;

describe('text predicates tested by matchFile', () => {
  it('keep the matches web-tree-sitter itself keeps, for each predicate form', async () => {
    const grammar = await loadGrammar('python');
    const tree = parseLoaded('python', grammar, CODE);
    try {
      for (const [i, source] of QUERIES.entries()) {
        const own = new Query(grammar, source);
        const expected = own.matches(tree.rootNode).map((m) => signature(m.captures));
        own.delete();
        const compiled = compileRules([rule(`r${i}`, source)], 'python', grammar);
        const got = matchFile(compiled, tree, CODE)
          .matches.filter((m) => m.patternIndex >= compiled.indexedPatterns)
          .map((m) => signature(m.captures));
        compiled.query.delete();
        expect(got.sort(), source).toEqual(expected.sort());
        // (the query keeps some matches and drops others, so it tests its predicate)
        const all = new Query(grammar, source.replace(/\(#[^)]*\)\)$/, ')'));
        const unfiltered = all.matches(tree.rootNode).length;
        all.delete();
        expect(expected.length, source).toBeGreaterThan(0);
        expect(expected.length, source).toBeLessThan(unfiltered);
      }
    } finally {
      tree.delete();
    }
  });
});

function signature(
  captures: readonly { name: string; node: { startIndex: number; endIndex: number } }[],
): string {
  return captures.map((c) => `${c.name}@${c.node.startIndex}-${c.node.endIndex}`).join(' ');
}
