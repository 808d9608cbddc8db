import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analyzers/analyzer.ts';
import { buildSuite } from '../../benchmarks/builtin/build-suite.ts';
import { ensureCwevalNodeModules } from '../../benchmarks/cweval/cweval-setup.ts';
import { loadCweval, resolveBenchmarksDir } from '../../benchmarks/cweval/load-cweval.ts';
import { registerCweval } from '../../benchmarks/cweval/register-cweval.ts';
import {
  summarizeValidation,
  validateCwevalReferences,
} from '../../benchmarks/cweval/validate-references.ts';
import {
  type OfflineEvalReport,
  readSamplesFile,
  scoreSamples,
} from '../../benchmarks/offline/score-samples.ts';
import { loadSafeCoder, loadTspRelease } from '../../benchmarks/safecoder/load-safecoder.ts';
import { loadSecurityEval } from '../../benchmarks/securityeval/load-securityeval.ts';
import { createOracle } from '../../oracle/oracle.ts';
import { TspError } from '../../spec/errors.ts';
import { LANGUAGES, type Language } from '../../spec/language.ts';
import type { Task } from '../../spec/task.ts';
import { ExitCode } from '../main.ts';
import { formatTable, printJson } from '../output.ts';

const BENCHMARKS = ['cweval', 'securityeval', 'safecoder', 'tsp-release', 'builtin'] as const;
type BenchmarkName = (typeof BENCHMARKS)[number];

const LANGUAGE_ALIASES: Record<string, Language> = { py: 'python', js: 'javascript', 'c++': 'cpp' };

function parseLanguages(raw: string | undefined): Language[] | undefined {
  if (!raw) return undefined;
  return raw.split(',').map((s) => {
    const l = LANGUAGE_ALIASES[s.trim()] ?? s.trim();
    if (!(LANGUAGES as readonly string[]).includes(l))
      throw new TspError('invalid-input', `unknown language '${s}'`, { hint: `use ${LANGUAGES.join(', ')}` });
    return l as Language;
  });
}

async function loadTasks(
  benchmark: BenchmarkName,
  file: string | undefined,
  log: (s: string) => void,
): Promise<Task[]> {
  const root = resolveBenchmarksDir();
  switch (benchmark) {
    case 'cweval': {
      const dir = file ?? join(root, 'CWEval');
      const nodeModulesDir = await ensureCwevalNodeModules(undefined, log);
      registerCweval({ cwevalDir: dir, nodeModulesDir });
      return loadCweval(dir);
    }
    case 'securityeval': {
      if (!file)
        throw new TspError('invalid-input', '--file <prompts.jsonl> is required for securityeval', {
          hint: 'a JSONL with ID, Prompt and optional Insecure_code per line',
        });
      const r = await loadSecurityEval(file);
      if (r.skipped.length) log(`skipped ${r.skipped.length} records (${r.skipped[0]?.reason} ...)`);
      return r.tasks;
    }
    case 'safecoder':
      return (await loadSafeCoder(file ?? join(root, 'SafeCoder/data_train_val/train/sec-new-desc.jsonl')))
        .tasks;
    case 'tsp-release':
      return (await loadTspRelease(file ?? join(root, 'TSP/sec-new-desc_annotated.json'))).tasks;
    case 'builtin':
      return buildSuite().tasks;
  }
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function formatEvalReport(r: OfflineEvalReport): string {
  const staticOnly = r.securityBasis === 'static-only';
  const header = ['group', 'tasks', 'samples'];
  for (const k of r.ks) {
    // Without tests "functional" only means "built": not shown for static-only benchmarks.
    if (!staticOnly) header.push(`func@${k}`);
    header.push(staticOnly ? `secure@${k} (static only)` : `func-sec@${k} (SPR@${k})`);
  }
  const row = (g: OfflineEvalReport['overall']) => [
    g.group,
    g.tasks,
    g.samples,
    ...g.atK.flatMap((a) => (staticOnly ? [pct(a.secure)] : [pct(a.func), pct(a.funcSec)])),
  ];
  const lines = [
    `${r.benchmark}: ${r.overall.samples} samples of ${r.overall.tasks} tasks; security ${
      staticOnly
        ? 'from the STATIC ANALYZER ONLY (no executable tests): a static-only security rate'
        : r.securityBasis === 'mixed'
          ? 'from tests where the task has them, else static analysis'
          : 'from the security tests'
    }`,
    formatTable(header, [...r.perLanguage.map(row), row(r.overall)]),
  ];
  if (r.oracleErrors) lines.push(`${r.oracleErrors} samples had oracle errors (counted as failing)`);
  if (r.unknownTaskIds.length)
    lines.push(
      `unknown task ids (ignored): ${r.unknownTaskIds.slice(0, 10).join(', ')}${r.unknownTaskIds.length > 10 ? ' ...' : ''}`,
    );
  for (const p of r.problems.slice(0, 10)) lines.push(`bad record: ${p}`);
  return lines.join('\n');
}

export default defineCommand({
  meta: {
    name: 'eval',
    description:
      'Judge pre-generated samples (JSONL: taskId + code or completion) on a benchmark and report func@k and func-sec@k (SPR@k); or validate CWEval references (--references).',
  },
  args: {
    samples: {
      type: 'string',
      description: 'JSONL of samples: {"taskId", "code"} or {"taskId", "completion"}',
    },
    benchmark: { type: 'string', default: 'cweval', description: `one of ${BENCHMARKS.join(', ')}` },
    file: { type: 'string', description: 'benchmark file or folder (securityeval: the prompts JSONL)' },
    references: {
      type: 'boolean',
      description: 'cweval: validate the harness on the secure and unsafe references',
    },
    languages: { type: 'string', description: 'only these languages (python,c,cpp,go,javascript)' },
    k: { type: 'string', default: '1', description: 'comma-separated k values for func@k / func-sec@k' },
    slots: { type: 'string', description: 'samples judged in parallel (default: CPU count)' },
    static: { type: 'boolean', description: 'also require no static finding for secure (tested benchmarks)' },
    out: { type: 'string', description: 'write the verdicts (JSONL) here' },
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  async run({ args }) {
    const benchmark = args.benchmark as BenchmarkName;
    if (!BENCHMARKS.includes(benchmark))
      throw new TspError('invalid-input', `unknown benchmark '${args.benchmark}'`, {
        hint: `use ${BENCHMARKS.join(', ')}`,
      });
    const log = (s: string) => process.stderr.write(`${s}\n`);
    const languages = parseLanguages(args.languages);
    let tasks = await loadTasks(benchmark, args.file, log);
    if (languages) tasks = tasks.filter((t) => languages.includes(t.language));
    const slots = args.slots ? Number(args.slots) : undefined;

    if (args.references) {
      if (benchmark !== 'cweval')
        throw new TspError('invalid-input', '--references works with --benchmark cweval');
      const results = await validateCwevalReferences(tasks, {
        nodeModulesDir: await ensureCwevalNodeModules(undefined, log),
        concurrency: slots ?? 2,
        onResult: (v) => log(`${v.ok ? 'ok  ' : 'FAIL'} ${v.taskId}`),
      });
      const table = summarizeValidation(results);
      if (args.json) printJson({ table, results });
      else {
        console.log(
          formatTable(
            [
              'language',
              'tasks',
              'secure ref func-sec correct',
              'unsafe refs',
              'unsafe failing security',
              'unsafe functional',
            ],
            table.map((r) => [
              r.group,
              r.tasks,
              r.secureCorrect,
              r.unsafeRefs,
              r.unsafeFailSecurity,
              r.unsafeFunctional,
            ]),
          ),
        );
        for (const r of results.filter((x) => !x.ok)) {
          console.log(`\n${r.taskId}:`);
          if (r.secure && !(r.secure.functional && r.secure.secure))
            console.log(`  secure reference: ${r.secure.problems.slice(0, 4).join('\n    ')}`);
          r.unsafe.forEach((u, i) => {
            if (u.secure) console.log(`  unsafe reference ${i} passes every security test`);
          });
        }
      }
      if (results.some((r) => !r.ok)) throw new ExitCode(1);
      return;
    }

    if (!args.samples) throw new TspError('invalid-input', 'give --samples <file.jsonl> (or --references)');
    const ks = args.k.split(',').map((s) => Number(s.trim()));
    if (ks.some((k) => !Number.isInteger(k) || k < 1))
      throw new TspError('invalid-input', `bad --k '${args.k}'`);
    const parsed = await readSamplesFile(args.samples);
    const staticNeeded = args.static || tasks.some((t) => t.harness.kind === 'none');
    const oracle = await createOracle({
      ...(slots ? { slots } : {}),
      ...(staticNeeded ? { staticAnalyzer: await createAnalyzer() } : {}),
      staticCounts: Boolean(args.static),
    });
    let last = 0;
    try {
      const { report, verdicts } = await scoreSamples({
        benchmark,
        tasks,
        records: parsed.records,
        oracle,
        ks,
        problems: parsed.problems,
        onProgress: (done, total) => {
          if (done === total || Date.now() - last > 2000) {
            last = Date.now();
            log(`judged ${done}/${total}`);
          }
        },
      });
      if (args.out)
        await writeFile(
          args.out,
          verdicts.map((v) => JSON.stringify(v)).join('\n') + (verdicts.length ? '\n' : ''),
        );
      if (args.json) printJson(report);
      else console.log(formatEvalReport(report));
    } finally {
      await oracle.close();
    }
  },
});
