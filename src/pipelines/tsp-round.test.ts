import { describe, expect, it } from 'vitest';
import { createRng } from '../core/rng.ts';
import { createMockPolicy } from '../models/mock-policy.ts';
import type { GenerateResult } from '../spec/policy.ts';
import type { Task } from '../spec/task.ts';
import type { Verdict, VerdictSummary } from '../spec/verdict.ts';
import { KeyedCache } from '../store/keyed-cache.ts';
import { createCachedJudge, type JudgeItem } from './judging.ts';
import { buildTrees, type TreeSearchConfig } from './tsp-round.ts';

const prompt = 'def find(db, name):\n    """Return the row."""\n';
const line1 = '    cur = db.cursor()\n';
const secureExec = '    cur.execute("SELECT * FROM t WHERE n = ?", (name,))\n';
const insecureExec = `    cur.execute(f"SELECT * FROM t WHERE n = '{name}'")\n`;
const ret = '    return cur.fetchone()\n';

const task: Task = {
  id: 'py-sqli-1',
  language: 'python',
  cwe: ['CWE-89'],
  prompt,
  entryPoint: 'find',
  harness: { kind: 'none' },
  tests: [],
  secureReference: prompt + line1 + secureExec + ret,
  insecureVariants: [],
  riskAnnotations: [{ line: secureExec.trim() }],
  provenance: { source: 'test' },
};

/** A model that is 50/50 at the decision line and, once the execute line is written, just finishes. */
const policy = () =>
  createMockPolicy((p, { sampleIndex }) => {
    if (p === prompt) return sampleIndex % 2 === 0 ? line1 + secureExec + ret : line1 + insecureExec + ret;
    if (p === prompt + line1) return sampleIndex % 2 === 0 ? secureExec + ret : insecureExec + ret;
    if (p.endsWith(secureExec) || p.endsWith(insecureExec)) return ret;
    return undefined;
  });

/** Judge: the injected query is exploitable; a missing fetch is not functional. */
function fakeVerdict(item: JudgeItem): Verdict {
  const functional = item.code.includes('fetchone');
  const secure = !item.code.includes('f"SELECT');
  return {
    taskId: item.task.id,
    build: { ok: true, durationMs: 0 },
    tests: [{ name: 'test_injection', kind: 'security', status: secure ? 'pass' : 'fail', durationMs: 0 }],
    sanitizer: [],
    findings: [],
    staticSecure: null,
    secureBy: 'dynamic',
    functional,
    secure,
    securePass: functional && secure,
    oracleErrors: [],
    timings: { buildMs: 0, testMs: 0, staticMs: 0, totalMs: 0 },
  };
}

const cfg: TreeSearchConfig = {
  rootSamples: 4,
  branchSamples: 2,
  maxDepth: 2,
  sources: ['oracle'],
  maxCriticalPerTask: 2,
  valueRollouts: 2,
  valueMaxProbes: 4,
  maxPairsPerNode: 2,
  segment: 'statement',
  temperature: 1,
  topP: 0.95,
  maxTokens: 64,
  maxGenerationsPerTask: 40,
};

function context(p = policy()) {
  let judgeCalls = 0;
  const judge = createCachedJudge(async (items) => {
    judgeCalls += items.length;
    return items.map(fakeVerdict);
  }, new KeyedCache<VerdictSummary>());
  return {
    ctx: {
      policy: p,
      modelKey: 'm',
      judge,
      genCache: new KeyedCache<GenerateResult[]>(),
      chunkSize: 8,
      rng: createRng(1),
      round: 1,
    },
    judged: () => judgeCalls,
  };
}

describe('buildTrees', () => {
  it('locates the decision at the divergence from a secure sibling and pairs verified branches there', async () => {
    const { ctx, judged } = context();
    const [tree] = await buildTrees([task], cfg, ctx);
    const crit = tree?.nodes.filter((n) => n.critical) ?? [];
    expect(crit.map((n) => n.prefix)).toEqual([prompt + line1]);
    expect(crit[0]?.criticalBy).toBe('oracle');
    expect(tree?.pairs.length).toBeGreaterThan(0);
    for (const p of tree?.pairs ?? []) {
      expect(p.prefix).toBe(prompt + line1);
      expect(p.chosen.startsWith(secureExec)).toBe(true);
      expect(p.rejected.startsWith(insecureExec)).toBe(true);
      expect(p.chosen.slice(0, p.chosenSegmentChars)).toBe(secureExec);
      expect(p.chosenVerified && p.rejectedVerified).toBe(true);
      expect(p.chosenVerdict?.securePass).toBe(true);
      expect(p.rejectedVerdict?.secure).toBe(false);
    }
    // The judge saw each distinct program once: the secure and the insecure one.
    expect(judged()).toBe(2);
    expect(tree?.stats.generations).toBe(4 + 2);
  });

  it('finds the same node by value bisection with rollouts', async () => {
    const { ctx } = context();
    const [tree] = await buildTrees([task], { ...cfg, sources: ['value'], maxDepth: 1 }, ctx);
    const crit = tree?.nodes.filter((n) => n.critical) ?? [];
    expect(crit.map((n) => [n.prefix, n.criticalBy])).toEqual([[prompt + line1, 'value']]);
    expect(tree?.pairs.length).toBeGreaterThan(0);
  });

  it('branches at annotated risk lines of the secure reference', async () => {
    const { ctx } = context();
    const [tree] = await buildTrees([task], { ...cfg, sources: ['annotated'], maxDepth: 1 }, ctx);
    const crit = tree?.nodes.filter((n) => n.critical) ?? [];
    expect(crit.map((n) => [n.prefix, n.criticalBy])).toEqual([[prompt + line1, 'annotated']]);
  });

  it('makes no pair when no branch is verified secure', async () => {
    const allBad = createMockPolicy(() => line1 + insecureExec + ret);
    const { ctx } = context(allBad);
    const [tree] = await buildTrees([task], cfg, ctx);
    expect(tree?.pairs).toEqual([]);
  });

  it('respects the generation budget', async () => {
    const { ctx } = context();
    const [tree] = await buildTrees([task], { ...cfg, maxGenerationsPerTask: 4 }, ctx);
    expect(tree?.stats.generations).toBe(4);
  });

  it('repeats exactly for the same seed', async () => {
    const a = await buildTrees([task], cfg, context().ctx);
    const b = await buildTrees([task], cfg, context().ctx);
    expect(b).toEqual(a);
  });
});

describe('pair variants (ablations)', () => {
  it('segment whole: the same pairs as whole programs from the prompt, contrast over everything', async () => {
    const [tree] = await buildTrees([task], { ...cfg, segment: 'whole' }, context().ctx);
    expect(tree?.pairs.length).toBeGreaterThan(0);
    for (const p of tree?.pairs ?? []) {
      expect(p.prefix).toBe(prompt);
      expect(p.chosen).toBe(line1 + secureExec + ret);
      expect(p.chosenSegmentChars).toBe(p.chosen.length);
      expect(p.rejectedSegmentChars).toBe(p.rejected.length);
    }
  });

  it('verifyRejected false: rejected sides are any other branch, marked unverified, secure ones too', async () => {
    // three distinct continuations at the node: secure, insecure, and secure but written differently
    const alt = '    cur.execute("SELECT * FROM t WHERE n = ?", [name])\n';
    const three = createMockPolicy((p, { sampleIndex }) => {
      const pick = [secureExec, insecureExec, alt][sampleIndex % 3] as string;
      if (p === prompt) return line1 + pick + ret;
      if (p === prompt + line1) return pick + ret;
      return undefined;
    });
    const c = { ...cfg, sources: ['annotated' as const], maxDepth: 1, rootSamples: 3, branchSamples: 3 };
    const [verified] = await buildTrees([task], c, context(three).ctx);
    const [unverified] = await buildTrees([task], { ...c, verifyRejected: false }, context(three).ctx);
    expect(verified?.pairs.every((p) => p.rejected.startsWith(insecureExec) && p.rejectedVerified)).toBe(
      true,
    );
    const rejected = unverified?.pairs.map((p) => p.rejected.split('\n')[0] ?? '') ?? [];
    expect(unverified?.pairs.every((p) => !p.rejectedVerified)).toBe(true);
    // a secure continuation ends up on the rejected side: what verification prevents
    expect(rejected.some((r) => !r.includes('f"SELECT'))).toBe(true);
  });
});

describe('buildReleasePairs', () => {
  it('branches at the annotated risk line and pairs every unjudged continuation against the reference', async () => {
    const { buildReleasePairs, releaseBranchPoint } = await import('./release-round.ts');
    expect(releaseBranchPoint(task)).toBe(prompt + line1);
    expect(releaseBranchPoint({ ...task, riskAnnotations: [] })).toBeUndefined();
    expect(releaseBranchPoint({ ...task, riskAnnotations: [{ line: 'no such line' }] })).toBeUndefined();
    const { ctx } = context();
    const r = await buildReleasePairs([task], { samples: 4, temperature: 1, topP: 0.95, maxTokens: 64 }, ctx);
    expect(r.branchPoints).toBe(1);
    // 4 continuations: two repeat the reference (no pair), two identical insecure ones (one pair)
    expect(r.pairs).toHaveLength(1);
    const p = r.pairs[0];
    expect(p?.prefix).toBe(prompt + line1);
    expect(p?.chosen).toBe(secureExec + ret);
    expect(p?.rejected).toBe(insecureExec + ret);
    expect(p?.chosenSegmentChars).toBe(p?.chosen.length);
    expect(p?.rejectedSegmentChars).toBe(p?.rejected.length);
    expect([p?.chosenVerified, p?.rejectedVerified]).toEqual([false, false]);
    // judged afterwards, for the statistics: that rejected side was insecure
    expect(r.rejectedInsecure).toBe(1);
    expect(r.generatedTokens).toBeGreaterThan(0);
  });
});

describe('buildSpinPairs', () => {
  it('pairs the verified reference against verified failing samples from the prompt', async () => {
    const { buildSpinPairs } = await import('./spin-round.ts');
    const { ctx } = context();
    const [r] = await buildSpinPairs(
      [task],
      { samples: 4, maxPairsPerTask: 4, temperature: 1, topP: 1, maxTokens: 64 },
      ctx,
    );
    expect(r?.pairs).toHaveLength(1); // two insecure samples, identical: de-duplicated
    const p = r?.pairs[0];
    expect(p?.source).toBe('spin');
    expect(p?.prefix).toBe(prompt);
    expect(p?.chosen).toBe(line1 + secureExec + ret);
    expect(p?.rejected).toBe(line1 + insecureExec + ret);
    expect(p?.rejectedVerdict?.secure).toBe(false);
  });
});

describe('evaluatePolicy', () => {
  it('judges n samples per task and computes SPR@1, pass@1, secure@1', async () => {
    const { evaluatePolicy, summarizeSamples } = await import('./evaluate.ts');
    const { ctx } = context();
    const samples = await evaluatePolicy({
      policy: ctx.policy,
      modelKey: 'm',
      tasks: [task],
      cfg: { samplesPerTask: 4, temperature: 0.5, topP: 1, maxTokens: 64 },
      judge: ctx.judge,
      genCache: ctx.genCache,
      chunkSize: 4,
      seed: 1,
    });
    expect(samples).toHaveLength(4);
    const m = summarizeSamples(samples);
    expect(m.overall.spr1).toBeCloseTo(0.5);
    expect(m.overall.pass1).toBeCloseTo(1);
    expect(m.overall.vulnRate).toBeCloseTo(0.5);
    expect(m.perCwe['CWE-89']?.spr1).toBeCloseTo(0.5);
    expect(m.perLanguage.python?.tasks).toBe(1);
    expect(m.perTask).toEqual({ 'py-sqli-1': { n: 4, functional: 4, secure: 2, securePass: 2 } });
  });
});
