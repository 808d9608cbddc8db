import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Analyzer, createAnalyzer } from '../analyzers/index.ts';
import { EXAMPLE_TASKS } from '../benchmarks/examples/index.ts';
import type { Task } from '../spec/task.ts';
import { summarizeVerdict, type Verdict } from '../spec/verdict.ts';
import { createOracle, type Oracle } from './oracle.ts';

/** Line (1-based) and column (1-based, UTF-16 code units as in JS strings) of a byte offset. */
function positionOf(code: string, byte: number): { line: number; column: number } {
  const prefix = Buffer.from(code, 'utf8').subarray(0, byte).toString('utf8');
  const lines = prefix.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

function task(id: string): Task {
  const t = EXAMPLE_TASKS.find((x) => x.id === id);
  if (!t) throw new Error(`no example ${id}`);
  return t;
}

/** The oracle with TSP's real static analyzer, on example tasks with known flaws. */
describe('oracle with the real static analyzer', () => {
  let analyzer: Analyzer;
  let oracle: Oracle;
  const sql = task('py-sql-email');
  const cpp = task('cpp-value-at');
  const cases = [
    { key: 'sql reference', task: sql, code: sql.secureReference ?? '' },
    { key: 'sql insecure', task: sql, code: sql.insecureVariants[0] ?? '' },
    { key: 'cpp insecure', task: cpp, code: cpp.insecureVariants[0] ?? '' },
  ];
  const verdicts = new Map<string, Verdict>();

  beforeAll(async () => {
    analyzer = await createAnalyzer();
    oracle = await createOracle({ slots: 2, staticAnalyzer: analyzer, staticCounts: true });
    const list = await oracle.judgeMany(
      cases.map((c) => ({ task: c.task, sample: { taskId: c.task.id, code: c.code } })),
    );
    cases.forEach((c, i) => {
      const v = list[i];
      if (v) verdicts.set(c.key, v);
    });
  }, 180_000);
  afterAll(async () => oracle?.close());

  it.each(cases.map((c) => [c.key]))(
    '%s: every finding of the analyzer is in the verdict, spans unchanged',
    async (key) => {
      const c = cases.find((x) => x.key === key);
      const v = verdicts.get(key);
      if (!c || !v) throw new Error(`no verdict for ${key}`);
      expect(v.oracleErrors).toEqual([]);
      expect(v.findings).toEqual(await analyzer.analyze(c.code, c.task.language));
    },
  );

  it('spans are exact: byte offsets and line/column agree, and cover the flawed expression', () => {
    const v = verdicts.get('sql insecure');
    const code = cases[1]?.code ?? '';
    expect(v?.findings.length).toBeGreaterThan(0);
    for (const f of v?.findings ?? []) {
      expect(positionOf(code, f.span.startByte)).toEqual({
        line: f.span.startLine,
        column: f.span.startColumn,
      });
      expect(positionOf(code, f.span.endByte)).toEqual({ line: f.span.endLine, column: f.span.endColumn });
      expect(f.cwe).toContain('CWE-89');
    }
    const first = v?.findings[0];
    const text = Buffer.from(code, 'utf8')
      .subarray(first?.span.startByte ?? 0, first?.span.endByte ?? 0)
      .toString('utf8');
    expect(text).toMatch(/SELECT/);
  });

  it('summarizeVerdict carries the finding lines the tree engine locates critical nodes with', () => {
    const v = verdicts.get('sql insecure');
    if (!v) throw new Error('no verdict');
    const s = summarizeVerdict(v);
    expect(s.findingCwes).toContain('CWE-89');
    const lines = (cases[1]?.code ?? '').split('\n');
    for (const e of s.evidence?.findings ?? []) expect(lines[e.startLine - 1]).toMatch(/SELECT/);
    expect(s.evidence?.findings.map((e) => e.startLine)).toEqual(v.findings.map((f) => f.span.startLine));
  });

  it('staticSecure follows the findings; with staticCounts a static flaw alone makes the sample insecure', () => {
    const ref = verdicts.get('sql reference');
    const bad = verdicts.get('sql insecure');
    const oob = verdicts.get('cpp insecure');
    expect([ref?.staticSecure, ref?.secure, ref?.secureBy]).toEqual([true, true, 'dynamic+static']);
    expect([bad?.staticSecure, bad?.secure]).toEqual([false, false]);
    expect(oob?.staticSecure).toBe(false);
    expect(oob?.findings.some((f) => f.cwe.includes('CWE-125'))).toBe(true);
  });
});

/** Static import graph of the oracle: what loads when `src/oracle` is imported without an analyzer. */
function staticImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, 'utf8');
    // Value imports and re-exports (`import type` / `export type` load nothing; `import()` is lazy).
    for (const m of src.matchAll(
      /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
    )) {
      const spec = m[1] ?? '';
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('oracle imports', () => {
  it('importing the oracle loads no tree-sitter (the analyzer comes by injection)', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const { files, packages } = staticImports(join(here, 'index.ts'));
    expect(files.size).toBeGreaterThan(5);
    expect([...packages].filter((p) => p.includes('tree-sitter'))).toEqual([]);
    const analyzerFiles = [...files]
      .filter((f) => f.includes('/src/analyzers/'))
      .map((f) => f.replace(/.*\/src\//, ''));
    expect(analyzerFiles).toEqual(['analyzers/cwe.ts']);
  });

  it('the import scan sees tree-sitter where it is loaded', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const { packages } = staticImports(join(here, '../analyzers/index.ts'));
    expect([...packages].some((p) => p.includes('tree-sitter'))).toBe(true);
  });
});

describe('strict analysis where the findings decide', () => {
  it('a sample the analyzer cannot read in full gets a finding (insecure), not an oracle error', async () => {
    const oracle = await createOracle({
      slots: 1,
      staticCounts: true,
      staticAnalyzer: await createAnalyzer(),
    });
    try {
      const sql = task('py-sql-email');
      const code = `${sql.secureReference ?? ''}\n# \u0000\n`;
      const [v] = await oracle.judgeMany([{ task: sql, sample: { taskId: sql.id, code } }]);
      expect(v?.oracleErrors).toEqual([]);
      expect(v?.findings.map((f) => f.ruleId)).toEqual(['tsp.unanalyzable']);
      expect(v?.secure).toBe(false);
    } finally {
      await oracle.close();
    }
  }, 120_000);
});
