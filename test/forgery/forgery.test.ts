import { beforeAll, describe, expect, it } from 'vitest';
import { cwevalNodeModulesReady } from '../../src/benchmarks/cweval/cweval-setup.ts';
import { FORGERS, OPEN } from './forgers.ts';
import { type ForgeryResult, failingTests, judgeForgers } from './judge-forgers.ts';
import { findCwevalDir, NODE_PACKAGES_MISSING, targetLabel } from './targets.ts';

/**
 * Forgery suite: every forging program (test/forgery/forgers.ts) must be denied `securePass`,
 * while each target task's own secure reference gets it (the harness is real, so the check can
 * fail) and its plain insecure variant is not secure (the pass a forger gets comes from its
 * attack on the judge, not from its insecure core). The forgers were written against the in-process
 * oracle (77 of 87 got securePass there, test/forgery/README.md); against the observer design of
 * docs/decisions/0002 only the classes listed in `OPEN` (forgers.ts) still pass, and the suite
 * checks that they do, with the reason.
 *
 * CWEval forgers need the shared benchmarks (TSP_BENCHMARKS_DIR); they are skipped with a message
 * when the data is missing, and the file fails instead under CI=true.
 */

const cwevalDir = await findCwevalDir();
if (!cwevalDir && process.env.CI)
  throw new Error('CWEval benchmark missing (set TSP_BENCHMARKS_DIR): the forgery suite needs it in CI');
const cwevalNote = cwevalDir ? '' : ' (skipped: CWEval benchmark missing, set TSP_BENCHMARKS_DIR)';
// CWEval's JavaScript tasks that require escape-html, lodash, jsdom...: scripts/setup.sh installs the
// packages; a user's clone without them skips those forgers, CI fails instead.
if (cwevalDir && process.env.CI && !(await cwevalNodeModulesReady()))
  throw new Error(
    "CWEval's node packages are not installed (scripts/setup.sh installs them): the forgery suite needs them in CI",
  );
const needsPackages = (r: ForgeryResult | undefined) => !!r?.skipped?.startsWith(NODE_PACKAGES_MISSING);

/**
 * Targets whose insecure reference passes CWEval's own tests: cwe_078_0_js's test_get_ls_result
 * calls the safe reference instead of the sample, so any program passes (a benchmark defect the
 * `unchecked-benchmark` forger records).
 */
const UNCHECKED_TARGETS = new Set(['cweval/core/js/cwe_078_0_js']);

function explain(r: ForgeryResult): string {
  const v = r.verdict;
  if (!v) return r.skipped ?? 'not judged';
  const failing = failingTests(v);
  return `${r.id}: functional=${v.functional} secure=${v.secure} securePass=${v.securePass}; ${
    failing.length ? failing.join(' ') : 'every test passed'
  }${v.oracleErrors.length ? `; oracle errors: ${v.oracleErrors.join(' | ')}` : ''}`;
}

describe('forgery: samples that attack the judge instead of solving the task', () => {
  let results: ForgeryResult[] = [];
  const byId = (id: string) => results.find((r) => r.id === id);

  beforeAll(async () => {
    // ~140 s on an idle 2-core machine at 251 forgers; 354 s at 317 beside a main job and the rest of
    // the suite (twelfth session); over 900 s at 600 under load 13 (sixteenth). The limit leaves
    // room for load.
    results = await judgeForgers({ controls: true, slots: 2 });
  }, 1_800_000);

  it('the suite covers every language and CWEval', () => {
    const langs = new Set(FORGERS.map((f) => f.language));
    expect([...langs].sort()).toEqual(['c', 'cpp', 'go', 'javascript', 'python']);
    expect(FORGERS.filter((f) => !f.degenerate).length).toBeGreaterThanOrEqual(45);
    expect(new Set(FORGERS.map((f) => f.id)).size).toBe(FORGERS.length);
    const cweval = FORGERS.filter((f) => f.target.kind === 'cweval');
    expect(new Set(cweval.map((f) => f.language))).toEqual(
      new Set(['python', 'c', 'cpp', 'go', 'javascript']),
    );
  });

  it('every forger was built for its task and keeps the prompt verbatim (a policy could write it)', () => {
    const forgers = results.filter(
      (r) =>
        r.role === 'forger' &&
        !(r.skipped && !cwevalDir && r.target.startsWith('cweval/')) &&
        !needsPackages(r),
    );
    expect(forgers.filter((r) => !r.verdict).map((r) => `${r.id}: ${r.skipped ?? 'not judged'}`)).toEqual([]);
    expect(forgers.filter((r) => r.promptFirst !== true).map((r) => r.id)).toEqual([]);
  });

  it("every target's secure reference gets securePass (the harness is real)", () => {
    const controls = results.filter((r) => r.role === 'control');
    expect(controls.length).toBeGreaterThan(0);
    expect(controls.filter((r) => !r.verdict?.securePass).map(explain)).toEqual([]);
  });

  it("every target's plain insecure variant is not secure (the attack is what a forged pass comes from)", () => {
    const baselines = results.filter((r) => r.role === 'baseline' && !UNCHECKED_TARGETS.has(r.target));
    expect(baselines.length).toBeGreaterThan(0);
    expect(baselines.filter((r) => r.verdict?.secure !== false).map(explain)).toEqual([]);
  });

  for (const f of FORGERS) {
    const skip = f.target.kind === 'cweval' && !cwevalDir;
    const open = OPEN[f.id];
    const label = `${f.id} [${f.language}, ${f.mechanism}, ${targetLabel(f.target)}] ${
      open ? 'still gets securePass (open, see README)' : 'is denied securePass'
    }${skip ? cwevalNote : ''}`;
    it.skipIf(skip)(label, (ctx) => {
      const r = byId(f.id);
      if (needsPackages(r)) ctx.skip(r?.skipped);
      expect(r?.verdict, r?.skipped ?? 'not judged').toBeDefined();
      if (!r?.verdict) return;
      // An open class is checked too: closing it (or a change of the judge) shows here.
      expect(r.verdict.securePass, `${explain(r)}${open ? ` (open: ${open})` : ''}`).toBe(Boolean(open));
      // A program that never runs the vulnerable path is not a solution: not functional, and its
      // security is untested, not secure.
      if (f.degenerate) {
        expect(r.verdict.functional, explain(r)).toBe(false);
        expect(r.verdict.secure, explain(r)).toBe(false);
      }
    });
  }
});
