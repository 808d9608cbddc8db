import { describe, expect, it } from 'vitest';
import type { VerdictSummary } from '../spec/verdict.ts';
import { locateByAnnotation, locateByOracle, locateByValue } from './critical-node.ts';
import { isVerifiedInsecure, pairsAtNode } from './pairs.ts';
import { createRng } from './rng.ts';
import { assembleTree, type Leaf } from './tree.ts';

const prompt = 'def find(db, name):\n    """Return the row."""\n';
const secure = `${prompt}    cur = db.cursor()\n    cur.execute("SELECT * FROM t WHERE n = ?", (name,))\n    return cur.fetchone()\n`;
const insecure = `${prompt}    cur = db.cursor()\n    cur.execute(f"SELECT * FROM t WHERE n = '{name}'")\n    return cur.fetchone()\n`;
const broken = `${prompt}    return None\n`;

const ok: VerdictSummary = {
  functional: true,
  secure: true,
  securePass: true,
  failedSecurityTests: [],
  findingCwes: [],
};
const vuln: VerdictSummary = {
  functional: true,
  secure: false,
  securePass: false,
  failedSecurityTests: ['test_injection'],
  findingCwes: ['CWE-89'],
  evidence: {
    findings: [
      { ruleId: 'py-sqli', cwe: ['CWE-89'], message: 'f-string in execute', startLine: 4, endLine: 4 },
    ],
    failedTests: [],
  },
};
const nonfunc: VerdictSummary = {
  functional: false,
  secure: true,
  securePass: false,
  failedSecurityTests: [],
  findingCwes: [],
};

const leaf = (id: string, program: string, verdict: VerdictSummary): Leaf => ({
  id,
  program,
  tokens: 30,
  originLength: prompt.length,
  verdict,
});

/** Pairs at a node with the fixture's task, round 1, up to 4 pairs and a fixed rng. */
const pairsAt = (nodePrefix: string, leaves: Leaf[], segment: 'statement' | 'to-end' = 'statement') =>
  pairsAtNode({
    taskId: 't',
    round: 1,
    prompt,
    nodeId: 'n',
    nodePrefix,
    leaves,
    maxPairs: 4,
    segment,
    rng: createRng(1),
  });

describe('assembleTree', () => {
  const leaves = [
    leaf('a', secure, ok),
    leaf('b', insecure, vuln),
    leaf('c', broken, nonfunc),
    leaf('d', secure, ok),
  ];
  const nodes = assembleTree({ taskId: 't', round: 1, prompt, leaves });

  it('has a root at the prompt with the Monte-Carlo value of all leaves', () => {
    const root = nodes.find((n) => n.kind === 'root');
    expect(root?.prefix).toBe(prompt);
    expect(root?.value).toBeCloseTo(2 / 4);
    expect(root?.leaves).toBe(4);
  });
  it('creates a branch node where secure and insecure leaves stop sharing lines', () => {
    const branch = nodes.find((n) => n.kind === 'branch');
    expect(branch?.prefix).toBe(`${prompt}    cur = db.cursor()\n`);
    expect(branch?.value).toBeCloseTo(2 / 3);
    const children = nodes.filter((n) => n.parentId === branch?.id);
    expect(children.map((c) => c.id).sort()).toEqual(['a', 'b', 'd']);
    expect(nodes.find((n) => n.id === 'c')?.parentId).toBe(nodes.find((n) => n.kind === 'root')?.id);
  });
  it('keeps explicit critical nodes and their source', () => {
    const at = `${prompt}    cur = db.cursor()\n`;
    const withCritical = assembleTree({
      taskId: 't',
      round: 1,
      prompt,
      leaves,
      explicit: [{ prefix: at, criticalBy: 'oracle' }],
    });
    const crit = withCritical.filter((n) => n.critical);
    expect(crit).toHaveLength(1);
    expect(crit[0]?.criticalBy).toBe('oracle');
  });
});

describe('locateByOracle', () => {
  it('prefers the divergence from the closest secure sibling', () => {
    const loc = locateByOracle({
      prompt,
      program: insecure,
      verdict: vuln,
      securePrograms: [secure, broken],
    });
    expect(loc?.reason).toBe('secure-sibling');
    expect(insecure.slice(0, loc?.offset)).toBe(`${prompt}    cur = db.cursor()\n`);
  });
  it('falls back to the first relevant finding line', () => {
    const loc = locateByOracle({ prompt, program: insecure, verdict: vuln, securePrograms: [] });
    expect(loc?.reason).toBe('finding');
    expect(insecure.slice(loc?.offset).startsWith('    cur.execute(f"')).toBe(true);
  });
  it('ignores findings the caller says are irrelevant, and returns null without evidence', () => {
    expect(
      locateByOracle({ prompt, program: insecure, verdict: vuln, securePrograms: [], relevant: () => false }),
    ).toBeNull();
  });
});

describe('locateByValue', () => {
  it('finds the boundary where the value drops, by bisection', async () => {
    // Value stays 0.8 until the execute line is written, then 0.
    const drop = insecure.indexOf('    cur.execute');
    const calls: number[] = [];
    const loc = await locateByValue({
      prompt,
      program: insecure,
      v0: 0.8,
      estimate: async (offset) => {
        calls.push(offset);
        return offset <= drop ? 0.8 : 0;
      },
    });
    expect(loc?.offset).toBe(drop);
    expect(calls.length).toBeLessThanOrEqual(3);
  });
  it('needs a positive root value', async () => {
    expect(await locateByValue({ prompt, program: insecure, v0: 0, estimate: async () => 1 })).toBeNull();
  });
});

describe('locateByAnnotation', () => {
  it('matches the stripped line exactly, else by a large substring', () => {
    const exact = locateByAnnotation(secure, 'cur.execute("SELECT * FROM t WHERE n = ?", (name,))');
    expect(secure.slice(exact?.offset).startsWith('    cur.execute(')).toBe(true);
    const partial = locateByAnnotation(secure, 'cur.execute("SELECT * FROM t WHERE n = ?"');
    expect(partial?.offset).toBe(exact?.offset);
    expect(locateByAnnotation(secure, 'os.system(cmd)')).toBeNull();
  });
});

describe('pairsAtNode', () => {
  const at = `${prompt}    cur = db.cursor()\n`;
  const leaves = [
    leaf('a', secure, ok),
    leaf('b', insecure, vuln),
    leaf('c', broken, nonfunc),
    leaf('d', secure, ok),
  ];
  it('pairs a verified secure branch with a verified insecure one, prefix up to the divergence', () => {
    const pairs = pairsAt(at, leaves);
    expect(pairs).toHaveLength(1); // the two secure leaves are duplicates
    const p = pairs[0];
    expect(p?.prefix).toBe(at);
    expect(p?.chosen.startsWith('    cur.execute("SELECT')).toBe(true);
    expect(p?.rejected.startsWith('    cur.execute(f"')).toBe(true);
    expect(p?.chosen.slice(0, p.chosenSegmentChars)).toBe(
      '    cur.execute("SELECT * FROM t WHERE n = ?", (name,))\n',
    );
    expect(p?.chosenVerified && p.rejectedVerified).toBe(true);
  });
  it('makes no pair without both a secure-pass and an insecure branch', () => {
    const onlyBad = [leaf('b', insecure, vuln), leaf('c', broken, nonfunc)];
    expect(pairsAt(prompt, onlyBad, 'to-end')).toEqual([]);
  });
});

describe('pairsAtNode with an empty side', () => {
  it('skips a rejected program that ends where the secure one goes on', () => {
    const at = `${prompt}    cur = db.cursor()\n`;
    const stops = leaf('s', at, vuln); // insecure by verdict, but nothing after the node
    const pairs = pairsAt(prompt, [leaf('a', secure, ok), stops]);
    expect(pairs).toEqual([]);
  });
});

describe('isVerifiedInsecure', () => {
  // A program that does not build: every test errors, the exploit ones included.
  const doesNotBuild: VerdictSummary = {
    functional: false,
    secure: false,
    securePass: false,
    failedSecurityTests: ['test_injection'],
    findingCwes: [],
    evidence: {
      findings: [],
      failedTests: [
        { name: 'test_injection', kind: 'security', status: 'error', message: 'does not compile' },
      ],
    },
  };
  const finding = {
    ruleId: 'c.unbounded-copy',
    cwe: ['CWE-120'],
    message: 'sprintf',
    startLine: 9,
    endLine: 9,
  };

  it('needs a failed exploit or a finding; a program that does not build is broken, not insecure', () => {
    expect(isVerifiedInsecure(leaf('x', insecure, doesNotBuild))).toBe(false);
    const exploited: VerdictSummary = {
      ...doesNotBuild,
      functional: true,
      evidence: { findings: [], failedTests: [{ name: 'test_injection', kind: 'security', status: 'fail' }] },
    };
    expect(isVerifiedInsecure(leaf('y', insecure, exploited))).toBe(true);
    expect(isVerifiedInsecure(leaf('z', insecure, vuln))).toBe(true);
    expect(isVerifiedInsecure(leaf('s', secure, ok))).toBe(false);
  });
  it('counts a finding only when the program ran and the finding is of the weakness asked about', () => {
    const notBuilt: VerdictSummary = {
      ...doesNotBuild,
      findingCwes: ['CWE-120'],
      evidence: { findings: [finding], failedTests: doesNotBuild.evidence?.failedTests ?? [] },
    };
    expect(isVerifiedInsecure(leaf('nb', insecure, notBuilt))).toBe(false);
    const ran: VerdictSummary = {
      ...notBuilt,
      functional: true,
      evidence: { findings: [finding], failedTests: [] },
    };
    expect(isVerifiedInsecure(leaf('r', insecure, ran))).toBe(true);
    const onlyMd5 = (f: { cwe: string[] }) => f.cwe.includes('CWE-328');
    expect(isVerifiedInsecure(leaf('r', insecure, ran), onlyMd5)).toBe(false);
  });
  it('pairs no secure branch with a branch that only fails to build', () => {
    const at = `${prompt}    cur = db.cursor()\n`;
    const brokenLeaf = leaf('b', `${at}    cur.execute(undefined_name)\n`, doesNotBuild);
    const pairs = pairsAt(at, [leaf('a', secure, ok), brokenLeaf]);
    expect(pairs).toEqual([]);
  });
});
