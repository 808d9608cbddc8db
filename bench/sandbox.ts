/**
 * Sandbox oracle benchmark: per-sample verdict latency (median, p95) and verdicts per second with
 * all worker slots, per language, on the example tasks (secure references and insecure variants),
 * against references measured in the same run: the bare interpreter start (`/usr/bin/python3 -c
 * pass`, `node -e 0`), the same inside the sandbox, and a naive runner that starts a fresh
 * sandboxed interpreter per sample. C, C++ and Go report compile time separately.
 *
 *   npm run bench -- sandbox          (TSP_BENCH_QUICK=1 for a short run)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { buildSuite } from '../src/benchmarks/builtin/index.ts';
import { EXAMPLE_TASKS } from '../src/benchmarks/examples/index.ts';
import { formatTable } from '../src/cli/output.ts';
import { createOracle, type JudgeItem } from '../src/oracle/index.ts';
import { createModeLog, modeTracer, ownUidBlock, removeModeLog, runSandboxed } from '../src/sandbox/index.ts';
import type { Language } from '../src/spec/language.ts';
import type { Task } from '../src/spec/task.ts';

const quick = process.env.TSP_BENCH_QUICK === '1';
/** `TSP_BENCH_LANGS=javascript,c` measures only these languages (the reference rows always run). */
const onlyLangs = process.env.TSP_BENCH_LANGS?.split(',').filter(Boolean);
const wanted = ([lang]: [Language, number]) => !onlyLangs || onlyLangs.includes(lang);

function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}
const median = (xs: number[]) => quantile(xs, 0.5);
const r1 = (x: number) => Math.round(x * 10) / 10;

/** CPU ms (user+sys, own + reaped children) of a /proc/<pid>/stat. */
function cpuMsOf(statPath: string): number {
  const f = readFileSync(statPath, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / 100;
}

/** CPU used so far by this process and by the oracle's warm Python servers (and the samples they forked). */
function oracleCpuMs(): number {
  const [lo, hi] = ownUidBlock();
  let total = cpuMsOf('/proc/self/stat');
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${e}/status`, 'utf8'))?.[1]);
      if (uid >= lo && uid <= hi && readFileSync(`/proc/${e}/cmdline`, 'utf8').includes('python-server'))
        total += cpuMsOf(`/proc/${e}/stat`);
    } catch {
      // gone
    }
  }
  return total;
}

function timeHost(cmd: string, args: string[], n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    spawnSync(cmd, args, { env: {}, stdio: 'ignore' });
    out.push(performance.now() - t);
  }
  return out;
}

async function timeSandboxed(argv: string[], n: number, traceModes?: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await runSandboxed({
      ...(traceModes ? { traceModes } : {}),
      files: {},
      argv,
      timeoutMs: 10_000,
      memoryMb: 512,
      memoryMode: 'none',
      maxOutputBytes: 65536,
      maxFileBytes: 1 << 20,
      maxProcs: 64,
      network: false,
    });
    out.push(performance.now() - t);
  }
  return out;
}

const NAIVE_RUNNER = `import importlib, json, sys
results = {}
mod = importlib.import_module('harness')
for name in sys.argv[1:]:
    try:
        getattr(mod, 'test_' + name)()
        results[name] = 'pass'
    except AssertionError:
        results[name] = 'fail'
    except BaseException:
        results[name] = 'error'
print(json.dumps(results))
`;

/** The naive way: a fresh sandboxed interpreter per sample, running all its tests. */
async function naivePython(task: Task, code: string): Promise<number> {
  const t = performance.now();
  if (task.harness.kind !== 'inline') throw new Error('inline only');
  const r = await runSandboxed({
    files: { 'solution.py': code, 'harness.py': task.harness.source, 'naive.py': NAIVE_RUNNER },
    argv: ['/usr/bin/python3', 'naive.py', ...task.tests.map((x) => x.name)],
    timeoutMs: 10_000,
    memoryMb: 1024,
    maxOutputBytes: 65536,
    maxFileBytes: 16 << 20,
    maxProcs: 64,
    network: false,
  });
  if (r.exitCode !== 0) throw new Error(`naive runner failed: ${r.stderr.slice(-300)}`);
  return performance.now() - t;
}

/**
 * The permission family's task with its mode checks taken out (the final mode only, as before the
 * file-mode supervisor): its harness no longer asks for the supervisor, so the two judge the same
 * programs with the same tests, with and without it.
 */
function withoutModeWatch(task: Task): Task {
  if (task.harness.kind !== 'inline') return task;
  const source = task.harness.source
    .replace(/tsp_observe\.mode_clear\((.+?), (0o\d+)\)/g, '(os.stat($1).st_mode & $2 == 0)')
    .replace(/obs\.modeClear\((.+?), (0o\d+)\)/g, '(fs.statSync($1).mode & $2) === 0');
  const tests = task.tests.map((t) => ({
    ...t,
    ...(t.expect ? { expect: t.expect.map((e) => ('file' in e ? { ...e, modeClear: undefined } : e)) } : {}),
  }));
  return { ...task, id: `${task.id}#unwatched`, harness: { ...task.harness, source }, tests };
}

/**
 * What the file-mode supervisor costs a permission task: each language's program (secure
 * reference, insecure variants) judged alternately with the suite's harness (supervised) and with
 * the same harness checking only the final mode (unsupervised), on one slot.
 */
async function supervisorRows(n: number): Promise<Row[]> {
  const rows: Row[] = [];
  if (!modeTracer()) return rows;
  const suite = buildSuite({
    families: ['py-perms-secret', 'js-perms-secret', 'c-perms-secret', 'go-perms-secret'],
  });
  const oracle = await createOracle({ slots: 1 });
  try {
    for (const lang of ['python', 'javascript', 'c', 'go'] as Language[]) {
      const task = suite.tasks.find((t) => t.language === lang);
      if (!task || !wanted([lang, 0])) continue;
      const plain = withoutModeWatch(task);
      const programs = [task.secureReference ?? '', ...task.insecureVariants];
      const times = { on: [] as number[], off: [] as number[] };
      for (let i = 0; i <= n; i++) {
        for (const [key, t] of [
          ['on', task],
          ['off', plain],
        ] as const) {
          const code = programs[i % programs.length] ?? '';
          const t0 = performance.now();
          const v = await oracle.judge(t, { taskId: t.id, sampleId: String(i), code });
          if (v.oracleErrors.length)
            throw new Error(`oracle error in benchmark: ${v.oracleErrors.join('; ')}`);
          if (i > 0) times[key].push(performance.now() - t0); // i = 0: warm-up (server start, builds)
        }
      }
      for (const key of ['on', 'off'] as const)
        rows.push({
          language: lang,
          what: `${task.id.split('/')[1]}: ${key === 'on' ? 'mode supervisor' : 'final mode only (same run)'}`,
          n: times[key].length,
          medianMs: median(times[key]),
          p95Ms: quantile(times[key], 0.95),
        });
    }
  } finally {
    await oracle.close();
  }
  return rows;
}

/**
 * The coverage gate's cost (docs/decisions/0018): the built-in suite's Python tasks (first variant of
 * each family; secure reference and insecure variants) judged alternately by an oracle with the gate
 * and one without, each on one slot, in the same run: the ratio is what the gate costs per verdict.
 */
async function coverageRows(n: number): Promise<Row[]> {
  const tasks = buildSuite({ languages: ['python'], variantsPerFamily: { train: 1, eval: 0 } }).tasks;
  const items = itemsFor(tasks, n + 2);
  const on = await createOracle({ slots: 1, coverageGate: true });
  const off = await createOracle({ slots: 1, coverageGate: false });
  const times = { on: [] as number[], off: [] as number[] };
  try {
    for (let i = 0; i < items.length; i++) {
      const it = items[i]!;
      const order = i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
      for (const key of order) {
        const t0 = performance.now();
        const v = await (key === 'on' ? on : off).judge(it.task, it.sample);
        if (v.oracleErrors.length) throw new Error(`oracle error in benchmark: ${v.oracleErrors.join('; ')}`);
        if (i >= 2) times[key].push(performance.now() - t0); // the first two: warm-up (server start)
      }
    }
  } finally {
    await on.close();
    await off.close();
  }
  return (['on', 'off'] as const).map((key) => ({
    language: 'python' as const,
    what: `builtin python tasks: ${key === 'on' ? 'coverage gate' : 'no coverage gate (same run)'}`,
    n: times[key].length,
    medianMs: median(times[key]),
    p95Ms: quantile(times[key], 0.95),
  }));
}

function itemsFor(tasks: Task[], count: number): JudgeItem[] {
  const programs = tasks.flatMap((task) =>
    [task.secureReference ?? '', ...task.insecureVariants].map((code) => ({ task, code })),
  );
  return Array.from({ length: count }, (_, i) => {
    const p = programs[i % programs.length]!;
    return { task: p.task, sample: { taskId: p.task.id, sampleId: String(i), code: p.code } };
  });
}

interface Row {
  language: Language | 'reference';
  what: string;
  n: number;
  medianMs: number;
  p95Ms: number;
  perSecond?: number;
  buildMedianMs?: number;
  testMedianMs?: number;
}

export async function run(): Promise<{ table: string; json: unknown }> {
  const slots = availableParallelism();
  const rows: Row[] = [];
  const refN = quick ? 10 : 30;

  // References.
  const barePy = timeHost('/usr/bin/python3', ['-c', 'pass'], refN);
  rows.push({
    language: 'reference',
    what: 'bare `/usr/bin/python3 -c pass`',
    n: refN,
    medianMs: median(barePy),
    p95Ms: quantile(barePy, 0.95),
  });
  const bareNode = timeHost(process.execPath, ['-e', '0'], refN);
  rows.push({
    language: 'reference',
    what: 'bare `node -e 0`',
    n: refN,
    medianMs: median(bareNode),
    p95Ms: quantile(bareNode, 0.95),
  });
  const sbxPy = await timeSandboxed(['/usr/bin/python3', '-c', 'pass'], refN);
  rows.push({
    language: 'reference',
    what: 'sandboxed `python3 -c pass` (bwrap+setpriv+prlimit)',
    n: refN,
    medianMs: median(sbxPy),
    p95Ms: quantile(sbxPy, 0.95),
  });
  if (modeTracer()) {
    const log = createModeLog();
    const traced = await timeSandboxed(['/usr/bin/python3', '-c', 'pass'], refN, log);
    removeModeLog(log);
    rows.push({
      language: 'reference',
      what: 'the same under the file-mode supervisor',
      n: refN,
      medianMs: median(traced),
      p95Ms: quantile(traced, 0.95),
    });
  }

  const byLang = (l: Language) => EXAMPLE_TASKS.filter((t) => t.language === l);
  const pyTasks = byLang('python');
  const pyPrograms = itemsFor(pyTasks, pyTasks.length * 2);
  const naive: number[] = [];
  for (let i = 0; i < (quick ? 10 : 40); i++) {
    const it = pyPrograms[i % pyPrograms.length]!;
    naive.push(await naivePython(it.task, it.sample.code));
  }
  rows.push({
    language: 'reference',
    what: 'naive: fresh sandboxed python3 per sample (python examples)',
    n: naive.length,
    medianMs: median(naive),
    p95Ms: quantile(naive, 0.95),
    perSecond: 1000 / median(naive),
  });

  // Latency: one slot, one sample at a time (after a warm-up that starts the Python server).
  const latencyOracle = await createOracle({ slots: 1 });
  const perLanguage: Record<string, { n: number; latency: number[]; build: number[]; test: number[] }> = {};
  try {
    const plan: [Language, number][] = [
      ['python', quick ? 40 : 200],
      ['javascript', quick ? 6 : 20],
      ['c', quick ? 3 : 8],
      ['cpp', quick ? 3 : 8],
      ['go', quick ? 3 : 8],
    ];
    for (const [lang, n] of plan.filter(wanted)) {
      const tasks = byLang(lang);
      const items = itemsFor(tasks, n);
      const warm = items[0];
      if (warm) await latencyOracle.judge(warm.task, warm.sample);
      const acc = { n, latency: [] as number[], build: [] as number[], test: [] as number[] };
      for (const it of items) {
        const t = performance.now();
        const v = await latencyOracle.judge(it.task, it.sample);
        acc.latency.push(performance.now() - t);
        acc.build.push(v.timings.buildMs);
        acc.test.push(v.timings.testMs);
        if (v.oracleErrors.length) throw new Error(`oracle error in benchmark: ${v.oracleErrors.join('; ')}`);
      }
      perLanguage[lang] = acc;
    }
  } finally {
    await latencyOracle.close();
  }

  // Throughput: all slots.
  const throughput: Record<string, number> = {};
  let pythonCpuMsPerVerdict = Number.NaN;
  const poolOracle = await createOracle({ slots });
  try {
    const plan: [Language, number][] = [
      ['python', quick ? 100 : 600],
      ['javascript', quick ? 8 : 30],
      ['c', quick ? 4 : 10],
      ['cpp', quick ? 4 : 10],
      ['go', quick ? 4 : 10],
    ];
    for (const [lang, n] of plan.filter(wanted)) {
      const items = itemsFor(byLang(lang), n);
      await poolOracle.judgeMany(items.slice(0, slots));
      const cpu0 = oracleCpuMs();
      const t = performance.now();
      await poolOracle.judgeMany(items);
      throughput[lang] = (n * 1000) / (performance.now() - t);
      if (lang === 'python') pythonCpuMsPerVerdict = (oracleCpuMs() - cpu0) / n;
    }
  } finally {
    await poolOracle.close();
  }

  const supervised = await supervisorRows(quick ? 4 : 12);
  const covered = wanted(['python', 0]) ? await coverageRows(quick ? 40 : 160) : [];

  for (const [lang, acc] of Object.entries(perLanguage)) {
    const compiled = lang === 'c' || lang === 'cpp' || lang === 'go' || lang === 'javascript';
    rows.push({
      language: lang as Language,
      what: `oracle on ${byLang(lang as Language)
        .map((t) => t.id)
        .join(', ')}`,
      n: acc.n,
      medianMs: median(acc.latency),
      p95Ms: quantile(acc.latency, 0.95),
      ...(throughput[lang] !== undefined ? { perSecond: throughput[lang] } : {}),
      ...(compiled ? { buildMedianMs: median(acc.build), testMedianMs: median(acc.test) } : {}),
    });
  }
  rows.push(...supervised, ...covered);
  const pyMedian = median(perLanguage.python?.latency ?? []);
  const naiveRatio = (throughput.python ?? Number.NaN) / (1000 / median(naive));
  const ratio = pyMedian / median(barePy);
  const table = [
    formatTable(
      [
        'language',
        'what',
        'n',
        'median ms',
        'p95 ms',
        `verdicts/s (${slots} slots)`,
        'build median ms',
        'test median ms',
      ],
      rows.map((r) => [
        r.language,
        r.what,
        r.n,
        r1(r.medianMs),
        r1(r.p95Ms),
        r.perSecond === undefined ? '' : r1(r.perSecond),
        r.buildMedianMs === undefined ? '' : r1(r.buildMedianMs),
        r.testMedianMs === undefined ? '' : r1(r.testMedianMs),
      ]),
    ),
    '',
    `Python median verdict latency / bare interpreter start: ${ratio.toFixed(2)}x (target <= 2x)`,
    `Python verdicts/s with ${slots} slots: ${r1(throughput.python ?? Number.NaN)}, ${r1(naiveRatio)}x the naive row's (target >= 4x, measured in the same run)`,
    `Python CPU per verdict (node + warm servers + samples): ${r1(pythonCpuMsPerVerdict)} ms -> at most ${r1((slots * 1000) / pythonCpuMsPerVerdict)} verdicts/s on ${slots} otherwise idle cores`,
    ...(covered.length === 2
      ? [
          `Python coverage gate: median verdict ${r1(covered[0]!.medianMs)} ms with, ${r1(covered[1]!.medianMs)} ms without (same run): ${(covered[0]!.medianMs / covered[1]!.medianMs).toFixed(2)}x`,
        ]
      : []),
    `(naive row's verdicts/s is 1000 / median: one at a time)`,
  ].join('\n');
  return {
    table,
    json: {
      slots,
      quick,
      rows,
      pythonLatencyOverBareStart: ratio,
      pythonOverNaive: naiveRatio,
      pythonCpuMsPerVerdict,
      ...(covered.length === 2 ? { coverageGateRatio: covered[0]!.medianMs / covered[1]!.medianMs } : {}),
    },
  };
}
