/**
 * Dev helper: validate families with the local (unsandboxed) runner.
 * `npx tsx src/benchmarks/builtin/_check-local.ts [family-id-substring ...]`
 */
import { buildSuite } from './build-suite.ts';
import { runProgramLocally } from './local-runner.ts';
import { validateTasks } from './validate.ts';

const filters = process.argv.slice(2);
const suite = buildSuite({ variantsPerFamily: { train: 1, eval: 1 } });
const libsOf = new Map(suite.families.map((f) => [f.id, f.libs ?? []]));
const tasks = suite.tasks.filter((t) => filters.length === 0 || filters.some((f) => t.id.includes(f)));
const report = await validateTasks(tasks, {
  judge: async (task, code) => {
    const r = await runProgramLocally(task, code, { libs: libsOf.get(task.family ?? '') ?? [] });
    return { buildOk: r.build.ok, ...(r.build.log ? { buildLog: r.build.log } : {}), tests: r.tests };
  },
  concurrency: 2,
});
for (const f of report.families) {
  console.log(
    `${f.ok ? 'ok  ' : 'FAIL'} ${f.family} secure ${f.secureOk}/${f.secureTotal} insecure ${f.insecureOk}/${f.insecureTotal}`,
  );
  for (const p of f.problems) console.log(`     ${p.slice(0, 400)}`);
}
console.log(`${report.durationMs} ms`);
