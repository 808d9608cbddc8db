/**
 * Judges every forger (and each target's secure reference as a control) against the current
 * oracle, prints a table and writes the results as JSON.
 *
 *   node --import tsx test/forgery/report.ts [out.json] [--only id1,id2] [--no-coverage-gate] [--hold-back-static]
 *
 * `--no-coverage-gate`: without the oracle's coverage gate (docs/decisions/0018); `--hold-back-static`: no
 * static side at all (to measure what the other defenses deny alone; never a real verdict).
 */
import { writeFileSync } from 'node:fs';
import { failingTests, judgeForgers } from './judge-forgers.ts';

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : undefined;
if (onlyAt >= 0) args.splice(onlyAt, 2);
const flagged = (name: string) => {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
};
const coverageGate = !flagged('--no-coverage-gate');
const holdBackStatic = flagged('--hold-back-static');
const out = args[0];

const t0 = performance.now();
const results = await judgeForgers({
  controls: true,
  ...(only ? { only } : {}),
  oracle: { coverageGate, holdBackStatic },
  onProgress: (done, total) => process.stderr.write(`\rjudged ${done}/${total}`),
});
process.stderr.write('\n');

const yes = (b: boolean | undefined) => (b === undefined ? '-' : b ? 'yes' : 'no');
const rows = results.map((r) => {
  const v = r.verdict;
  return {
    id: r.id,
    language: r.language,
    mechanism: r.mechanism,
    functional: yes(v?.functional),
    secure: yes(v?.secure),
    securePass: r.skipped ? 'skipped' : yes(v?.securePass),
    details: r.skipped
      ? r.skipped
      : v
        ? [
            v.build.ok ? '' : 'does not build',
            ...failingTests(v),
            ...v.oracleErrors.map((e) => `oracle: ${e.slice(0, 80)}`),
            v.untestedCode?.problem ? `coverage: ${v.untestedCode.problem.slice(0, 80)}` : '',
            v.untestedCode?.untested.length
              ? `untested line ${v.untestedCode.untested.map((u) => u.line).join(',')}`
              : '',
          ]
            .filter(Boolean)
            .join(' ') || 'all tests pass'
        : '',
  };
});
const cols = ['id', 'language', 'mechanism', 'functional', 'secure', 'securePass', 'details'] as const;
const width = (c: (typeof cols)[number]) =>
  c === 'details' ? 0 : Math.max(c.length, ...rows.map((r) => String(r[c]).length));
const line = (r: Record<(typeof cols)[number], string>) =>
  cols.map((c) => (c === 'details' ? r[c] : String(r[c]).padEnd(width(c)))).join('  ');
console.log(line(Object.fromEntries(cols.map((c) => [c, c])) as Record<(typeof cols)[number], string>));
for (const r of rows) console.log(line(r));

const forged = results.filter((r) => r.role === 'forger' && r.verdict?.securePass);
const judged = results.filter((r) => r.role === 'forger' && r.verdict);
const badControls = results.filter((r) => r.role === 'control' && r.verdict && !r.verdict.securePass);
const badBaselines = results.filter((r) => r.role === 'baseline' && r.verdict?.secure);
console.log(
  `\n${forged.length}/${judged.length} forgers got securePass; ${badControls.length} control(s) without securePass; ${badBaselines.length} insecure baseline(s) judged secure; ${(
    (performance.now() - t0) / 1000
  ).toFixed(1)} s`,
);
if (out) {
  writeFileSync(
    out,
    `${JSON.stringify(
      results.map((r) => ({
        id: r.id,
        role: r.role,
        language: r.language,
        mechanism: r.mechanism,
        target: r.target,
        degenerate: r.degenerate,
        skipped: r.skipped ?? null,
        functional: r.verdict?.functional ?? null,
        secure: r.verdict?.secure ?? null,
        securePass: r.verdict?.securePass ?? null,
        build: r.verdict
          ? { ok: r.verdict.build.ok, log: r.verdict.build.log?.slice(0, 2000) ?? null }
          : null,
        tests: r.verdict?.tests.map((t) => ({
          name: t.name,
          kind: t.kind,
          status: t.status,
          message: t.message?.slice(0, 500) ?? null,
        })),
        oracleErrors: r.verdict?.oracleErrors ?? [],
      })),
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
}
