import { writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import { createAnalyzer } from '../../analyzers/analyzer.ts';
import { ensureCwevalNodeModules } from '../../benchmarks/cweval/cweval-setup.ts';
import {
  summarizeValidation,
  validateCwevalReferences,
} from '../../benchmarks/cweval/validate-references.ts';
import {
  type OfflineEvalReport,
  type ParsedSamples,
  readSamplesFile,
  scoreSamples,
} from '../../benchmarks/offline/score-samples.ts';
import { loadChatTemplate } from '../../models/openai/chat-templates.ts';
import { createOpenAIPolicy } from '../../models/openai/openai-policy.ts';
import { createOracle } from '../../oracle/oracle.ts';
import {
  BENCHMARKS,
  knownBrokenTasks,
  loadBenchmarkTasks,
  parseBenchmark,
} from '../../pipelines/benchmark-tasks.ts';
import {
  EMBEDDED_OWNER,
  ensurePolicyServed,
  listServedModelEntries,
} from '../../pipelines/external-self-play.ts';
import { generateBenchmarkSamples } from '../../pipelines/generate-samples.ts';
import { applySamplingSettings, getPreset } from '../../pipelines/presets.ts';
import { TspError } from '../../spec/errors.ts';
import type { Task } from '../../spec/task.ts';
import { parseLanguages, SAMPLING_ARGS, samplingSettingsFrom, wholeNumber } from '../args.ts';
import { ExitCode } from '../main.ts';
import { formatTable, printJson } from '../output.ts';

/** A rate as a percentage; n/a where no task had enough samples for an estimate. */
function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`;
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
  const lines: string[] = [];
  // What was not scored comes first: it changes how to read every number below.
  if (r.problems.length)
    lines.push(
      `${r.problems.length} unreadable sample line(s) skipped (--skip-bad-lines): ${r.problems.slice(0, 3).join('; ')}${r.problems.length > 3 ? ' ...' : ''}`,
    );
  if (r.excluded.length)
    lines.push(
      `${r.excluded.length} known-broken task(s) left out of the scores (--include-broken keeps them): ${r.excluded
        .map((e) => `${e.taskId} (${e.samples} samples): ${e.reason}`)
        .join('; ')}`,
    );
  lines.push(
    `${r.benchmark}: ${r.overall.samples} samples of ${r.overall.tasks} tasks; security ${
      staticOnly
        ? 'from the STATIC ANALYZER ONLY (no executable tests): a static-only security rate'
        : r.securityBasis === 'mixed'
          ? 'from tests where the task has them, else static analysis'
          : 'from the security tests'
    }`,
    formatTable(header, [...r.perLanguage.map(row), row(r.overall)]),
  );
  const short = r.overall.atK.filter((a) => a.tasks < r.overall.tasks);
  if (short.length)
    lines.push(
      short
        .map((a) =>
          a.tasks === 0
            ? `@${a.k}: n/a, no task has ${a.k} samples (give at least ${a.k} per task)`
            : `@${a.k}: over the ${a.tasks} task(s) with at least ${a.k} samples`,
        )
        .join('; '),
    );
  if (r.oracleErrors) lines.push(`${r.oracleErrors} samples had oracle errors (counted as failing)`);
  if (r.unknownTaskIds.length)
    lines.push(
      `unknown task ids (ignored): ${r.unknownTaskIds.slice(0, 10).join(', ')}${r.unknownTaskIds.length > 10 ? ' ...' : ''}`,
    );
  return lines.join('\n');
}

export default defineCommand({
  meta: {
    name: 'eval',
    description:
      'Score a model on a benchmark: generate from an OpenAI-compatible server and judge (--endpoint URL --model NAME), or judge pre-generated samples (--samples file.jsonl); reports func@k and func-sec@k (SPR@k). --references validates the CWEval harness.',
  },
  args: {
    samples: {
      type: 'string',
      description:
        'JSONL of samples: {"taskId", "code"} or {"taskId", "completion"}; with --endpoint: samples per task (default: the largest k)',
    },
    endpoint: {
      type: 'string',
      description: 'generate the samples from this OpenAI-compatible server (base URL with /v1)',
    },
    model: { type: 'string', description: 'with --endpoint: the model name the server serves' },
    'api-key': { type: 'string', description: 'API key for the endpoint (default: $OPENAI_API_KEY)' },
    concurrency: { type: 'string', description: 'requests in flight to the endpoint (default 4)' },
    seed: { type: 'string', default: '1', description: 'seed of the generation requests' },
    'save-samples': {
      type: 'string',
      description: 'with --endpoint: also write the generated samples (JSONL)',
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
    'coverage-gate': {
      type: 'boolean',
      description:
        "also require that every non-inert part of a Python sample ran in the tests (docs/decisions/0018; on in the self-play oracle and tsp judge, off here by default so scores stay comparable to the benchmark's own harness)",
    },
    'include-broken': {
      type: 'boolean',
      description:
        "score CWEval's known-broken tasks too (left out by default; `tsp tasks export --benchmark cweval` marks them)",
    },
    'skip-bad-lines': {
      type: 'boolean',
      description: 'score the readable lines of a samples file that has unreadable ones (default: exit 2)',
    },
    out: { type: 'string', description: 'write the verdicts (JSONL) here' },
    json: { type: 'boolean', description: 'print the report as JSON' },
    'chat-template': SAMPLING_ARGS['chat-template'],
    'max-tokens': SAMPLING_ARGS['max-tokens'],
    temperature: SAMPLING_ARGS.temperature,
    'top-p': SAMPLING_ARGS['top-p'],
    stop: SAMPLING_ARGS.stop,
    set: SAMPLING_ARGS.set,
  },
  async run({ args, rawArgs }) {
    const benchmark = parseBenchmark(args.benchmark);
    const log = (s: string) => process.stderr.write(`${s}\n`);
    const languages = parseLanguages(args.languages);
    const tasks = await loadBenchmarkTasks(benchmark, {
      ...(args.file ? { file: args.file } : {}),
      ...(languages ? { languages } : {}),
      onLog: log,
    });
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

    const ks = args.k.split(',').map((s) => Number(s.trim()));
    if (ks.some((k) => !Number.isInteger(k) || k < 1))
      throw new TspError('invalid-input', `bad --k '${args.k}'`);
    let parsed: ParsedSamples;
    if (args.endpoint) {
      parsed = await generateFromEndpoint(args, rawArgs, tasks, Math.max(...ks), log);
    } else {
      if (!args.samples)
        throw new TspError(
          'invalid-input',
          'give --samples <file.jsonl>, or --endpoint URL --model NAME to generate',
          { hint: 'or --references to validate the CWEval harness' },
        );
      parsed = await readSamplesFile(args.samples);
      if (parsed.problems.length) {
        log(
          `${parsed.problems.length} of ${parsed.problems.length + parsed.records.length} lines of ${args.samples} are not sample records: ${parsed.problems.slice(0, 3).join('; ')}${parsed.problems.length > 3 ? ' ...' : ''}`,
        );
        if (!args['skip-bad-lines'])
          throw new TspError(
            'invalid-input',
            `${parsed.problems.length} unreadable line(s) in ${args.samples}; nothing was scored`,
            {
              hint: 'fix them, or pass --skip-bad-lines to score the readable ones (the report says how many were skipped)',
            },
          );
      }
    }
    const broken = args['include-broken'] ? new Map<string, string>() : knownBrokenTasks(benchmark, tasks);
    const staticNeeded = args.static || tasks.some((t) => t.harness.kind === 'none');
    const oracle = await createOracle({
      ...(slots ? { slots } : {}),
      ...(staticNeeded ? { staticAnalyzer: await createAnalyzer() } : {}),
      staticCounts: Boolean(args.static),
      coverageGate: Boolean(args['coverage-gate']),
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
        exclude: broken,
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

/** `tsp eval --endpoint`: samples every task's prompt from the server, with progress on stderr. */
async function generateFromEndpoint(
  args: Record<string, unknown>,
  rawArgs: string[],
  tasks: Task[],
  maxK: number,
  log: (s: string) => void,
): Promise<ParsedSamples> {
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const endpoint = str('endpoint') as string;
  const model = str('model');
  if (!model)
    throw new TspError('invalid-input', '--model <name> is required with --endpoint', {
      hint: 'the model name the server serves (GET /v1/models)',
    });
  const samples = wholeNumber(str('samples'), 'samples', 1) ?? maxK;
  if (samples < maxK) log(`warning: ${samples} sample(s) per task: func@k for k > ${samples} will be n/a`);
  const apiKey = str('api-key') ?? process.env.OPENAI_API_KEY;
  const auth = apiKey ? { apiKey } : {};
  const concurrency = wholeNumber(str('concurrency'), 'concurrency', 1);
  const seed = wholeNumber(str('seed'), 'seed', 0) ?? 1;
  await ensurePolicyServed({ baseUrl: endpoint, model }, auth);
  const served = await listServedModelEntries(endpoint, auth);
  const realModel = served?.find((m) => m.id === model)?.ownedBy !== EMBEDDED_OWNER;
  const config = applySamplingSettings(getPreset('default'), samplingSettingsFrom(args, rawArgs), {
    realModel,
  });
  const sampling = config.eval.sampling;
  const template = str('chat-template');
  const chatTemplate = template ? await loadChatTemplate(template) : undefined;
  const policy = createOpenAIPolicy({
    endpoints: [{ baseUrl: endpoint, model, ...auth, ...(concurrency ? { concurrency } : {}) }],
    logprobs: false,
    ...(chatTemplate ? { chatTemplate } : {}),
  });
  log(
    `generating ${samples} sample(s) for each of ${tasks.length} tasks from ${model} at ${endpoint}: max tokens ${sampling.maxTokens}, temperature ${sampling.temperature}, top-p ${sampling.topP}${sampling.stop?.length ? `, stop ${JSON.stringify(sampling.stop)}` : ''}, chat template ${chatTemplate?.name ?? 'plain'}`,
  );
  let last = 0;
  const generated = await generateBenchmarkSamples({
    policy,
    model,
    tasks,
    sampling,
    samples,
    seed,
    parallel: concurrency ?? 4,
    onProgress: (done, total) => {
      if (done === total || Date.now() - last > 2000) {
        last = Date.now();
        log(`generated ${done}/${total} tasks`);
      }
    },
  });
  for (const w of generated.warnings) log(`warning: ${w}`);
  if (generated.truncated)
    log(
      `warning: ${generated.truncated} of ${generated.samples.length} samples stopped at max tokens ${sampling.maxTokens} (raise --max-tokens: a cut program usually fails)`,
    );
  const saveTo = str('save-samples');
  if (saveTo) {
    await writeFile(saveTo, generated.samples.map((r) => `${JSON.stringify(r)}\n`).join(''));
    log(`wrote ${generated.samples.length} samples to ${saveTo}`);
  }
  return { records: generated.samples, problems: [] };
}
