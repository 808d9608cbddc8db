import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { defineCommand } from 'citty';
import {
  buildCorpus,
  buildSuite,
  getSplits,
  listFamilies,
  lookupBuiltinTask,
  namedSplits,
  type ProgramJudge,
  runProgramLocally,
  type SplitConfig,
  unseenGroups,
  validateTasks,
} from '../../benchmarks/builtin/index.ts';
import { oracleProgramJudge } from '../../pipelines/task-file.ts';
import { formatPercent } from '../../report/format.ts';
import type { StaticAnalyzer } from '../../spec/analyzer.ts';
import { TspError } from '../../spec/errors.ts';
import { type Language, normalizeCwe } from '../../spec/language.ts';
import { DEFAULT_SUITE_VERSION, LATEST_SUITE_VERSION } from '../../spec/run-config.ts';
import type { Task } from '../../spec/task.ts';
import { parseLanguages } from '../args.ts';
import { ExitCode } from '../main.ts';
import { formatTable, printJson } from '../output.ts';

function parseInt0(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new TspError('invalid-input', `--${name} must be a non-negative integer`);
  return n;
}

/** The `--suite-version` option (suite versions: DEFAULT_SUITE_VERSION in spec/run-config.ts). */
function suiteVersionArg(fallback: number) {
  return {
    type: 'string' as const,
    description: `suite version (${Array.from({ length: LATEST_SUITE_VERSION }, (_, i) => i + 1).join(', ')}; default ${fallback}${fallback === DEFAULT_SUITE_VERSION ? ', the one tsp run uses' : ', the latest'}): 2 adds the new families and correct plurals`,
  };
}

function parseSuiteVersion(raw: string | undefined, fallback: number): number {
  const v = parseInt0(raw, 'suite-version', fallback);
  if (v < 1 || v > LATEST_SUITE_VERSION)
    throw new TspError('invalid-input', `--suite-version must be between 1 and ${LATEST_SUITE_VERSION}`);
  return v;
}

/** A fraction in [0, 1], or undefined when the option is absent (the library's default applies). */
function parseRate(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) throw new TspError('invalid-input', `--${name} must be in [0, 1]`);
  return n;
}

/** Family ids matching a comma list of ids or id substrings. */
function pickFamilies(raw: string | undefined, langs: Language[] | undefined): string[] {
  const all = listFamilies().filter((f) => !langs || langs.includes(f.language));
  if (!raw) return all.map((f) => f.id);
  const wanted = raw.split(',').map((s) => s.trim());
  const ids = all.filter((f) => wanted.some((w) => f.id === w || f.id.includes(w))).map((f) => f.id);
  if (!ids.length)
    throw new TspError('not-found', `no family matches '${raw}'`, { hint: 'see `tsp suite list`' });
  return ids;
}

const list = defineCommand({
  meta: { name: 'list', description: 'List the families: language, CWE, principle, tests, and split role.' },
  args: {
    languages: {
      type: 'string',
      description: 'only these languages (python,c,cpp,go,javascript; --lang is deprecated)',
    },
    cwe: { type: 'string', description: 'only this CWE' },
    'suite-version': suiteVersionArg(DEFAULT_SUITE_VERSION),
    json: { type: 'boolean', description: 'print JSON' },
  },
  run({ args }) {
    const langs = parseLanguages(args.languages);
    const cwe = args.cwe ? normalizeCwe(args.cwe) : undefined;
    const version = parseSuiteVersion(args['suite-version'], DEFAULT_SUITE_VERSION);
    const suite = buildSuite({
      version,
      variantsPerFamily: { train: 1, eval: 0 },
      ...(langs ? { languages: langs } : {}),
    });
    const fams = suite.families.filter((f) => !cwe || f.cwe === cwe);
    const roleOf = new Map(unseenGroups(version).flatMap((g) => g.cwes.map((c) => [c, g.split] as const)));
    const rows = fams.map((f) => {
      const task = suite.tasks.find((t) => t.family === f.id);
      const tests = task?.tests ?? [];
      return {
        id: f.id,
        language: f.language,
        cwe: f.cwe,
        principle: f.principle,
        functionalTests: tests.filter((t) => t.kind === 'functional').length,
        securityTests: tests.filter((t) => t.kind === 'security').length,
        insecureVariants: task?.insecureVariants.length ?? 0,
        role: roleOf.get(f.cwe) ?? 'train/eval',
        scenario: f.scenario,
      };
    });
    if (args.json) return printJson(rows);
    console.log(
      formatTable(
        ['family', 'lang', 'cwe', 'principle', 'func', 'sec', 'insec', 'role'],
        rows.map((r) => [
          r.id,
          r.language,
          r.cwe,
          r.principle,
          r.functionalTests,
          r.securityTests,
          r.insecureVariants,
          r.role,
        ]),
      ),
    );
    const cwes = new Set(fams.map((f) => f.cwe));
    console.log(
      `\n${fams.length} families, ${cwes.size} CWEs, ${new Set(fams.map((f) => f.language)).size} languages`,
    );
  },
});

const show = defineCommand({
  meta: {
    name: 'show',
    description: 'Show one task: prompt, secure completion, insecure variants and tests.',
  },
  args: {
    id: { type: 'positional', required: true, description: 'task id (py-sqli-select/eval-0) or family id' },
    harness: { type: 'boolean', description: 'print the harness source too' },
    'suite-version': {
      type: 'string',
      description: `suite version (default ${DEFAULT_SUITE_VERSION}, or the version that introduced the family)`,
    },
    json: { type: 'boolean', description: 'print the Task as JSON' },
  },
  run({ args }) {
    const id =
      args.id.includes('/') && !args.id.startsWith('builtin/') ? args.id : args.id.replace(/^builtin\//, '');
    const task = lookupBuiltinTask(
      id.includes('/') ? id : `${id}/train-0`,
      args['suite-version']
        ? { version: parseSuiteVersion(args['suite-version'], DEFAULT_SUITE_VERSION) }
        : {},
    );
    if (!task)
      throw new TspError('not-found', `no built-in task '${args.id}'`, {
        hint: 'ids look like py-sqli-select/train-0 or py-sqli-select/eval-2; see `tsp suite list`',
      });
    if (args.json) return printJson(task);
    const bar = (s: string) => console.log(`\n--- ${s} ${'-'.repeat(Math.max(0, 60 - s.length))}`);
    console.log(`task ${task.id}  (${task.language}, ${task.cwe.join(',')}, entry point ${task.entryPoint})`);
    bar('prompt');
    process.stdout.write(task.prompt);
    bar('secure completion');
    process.stdout.write((task.secureReference ?? '').slice(task.prompt.length));
    task.insecureVariants.forEach((v, i) => {
      bar(`insecure variant ${i}`);
      process.stdout.write(v.slice(task.prompt.length));
    });
    bar('tests');
    for (const t of task.tests) console.log(`${t.kind.padEnd(10)} ${t.name}`);
    if (task.riskAnnotations.length) console.log(`decision line: ${task.riskAnnotations[0]?.line}`);
    if (args.harness && task.harness.kind === 'inline') {
      bar('harness');
      process.stdout.write(task.harness.source);
    }
  },
});

function splitArgs(args: { config?: string; split?: string }): { config: SplitConfig; split: string } {
  const config = (args.config ?? 'standard') as SplitConfig;
  if (config !== 'standard' && config !== 'cross-language')
    throw new TspError('invalid-input', `unknown --config '${args.config}'`, {
      hint: 'standard or cross-language',
    });
  return { config, split: args.split ?? 'all' };
}

function selectTasks(
  args: {
    config?: string;
    split?: string;
    seed?: string;
    train?: string;
    eval?: string;
    'suite-version'?: string;
  },
  langs: Language[] | undefined,
): Task[] {
  const { config, split } = splitArgs(args);
  const suite = buildSuite({
    version: parseSuiteVersion(args['suite-version'], DEFAULT_SUITE_VERSION),
    seed: parseInt0(args.seed, 'seed', 1),
    variantsPerFamily: { train: parseInt0(args.train, 'train', 6), eval: parseInt0(args.eval, 'eval', 3) },
    ...(langs ? { languages: langs } : {}),
  });
  if (split === 'all') return suite.tasks;
  const named = namedSplits(getSplits(suite, config));
  const tasks = named[split];
  if (!tasks)
    throw new TspError('invalid-input', `unknown --split '${split}' for ${config}`, {
      hint: `one of all, ${Object.keys(named).join(', ')}`,
    });
  return tasks;
}

const exportCmd = defineCommand({
  meta: {
    name: 'export',
    description:
      "Write the built-in suite's tasks as JSONL in the Task schema (for use with any backend); other benchmarks: `tsp tasks export --benchmark cweval`.",
  },
  args: {
    out: { type: 'string', description: 'output file (default: stdout)' },
    split: {
      type: 'string',
      description: 'all (default), train, eval, unseen-cwe (suite version 2: unseen-sibling, unseen-distant)',
    },
    config: { type: 'string', description: 'standard (default) or cross-language' },
    languages: {
      type: 'string',
      description: 'only these languages (python,c,cpp,go,javascript; --lang is deprecated)',
    },
    seed: { type: 'string', description: 'suite seed (default 1)' },
    train: { type: 'string', description: 'train variants per family (default 6)' },
    eval: { type: 'string', description: 'eval variants per family (default 3)' },
    'suite-version': suiteVersionArg(DEFAULT_SUITE_VERSION),
  },
  async run({ args }) {
    const tasks = selectTasks(args, parseLanguages(args.languages));
    const text = tasks.map((t) => JSON.stringify(t)).join('\n') + (tasks.length ? '\n' : '');
    if (!args.out) {
      process.stdout.write(text);
      return;
    }
    await writeFile(args.out, text);
    console.error(`wrote ${tasks.length} tasks to ${args.out}`);
  },
});

async function createJudge(
  local: boolean,
  slots: number,
): Promise<{ judge: ProgramJudge; close: () => Promise<void>; how: string }> {
  if (local) {
    return {
      how: 'local runner (no sandbox; trusted reference programs only)',
      close: async () => {},
      judge: async (task, code) => {
        const r = await runProgramLocally(task, code);
        return { buildOk: r.build.ok, ...(r.build.log ? { buildLog: r.build.log } : {}), tests: r.tests };
      },
    };
  }
  const { createOracle } = await import('../../oracle/oracle.ts');
  const oracle = await createOracle({ slots });
  return {
    how: `sandboxed oracle, ${oracle.slots} slots`,
    close: () => oracle.close(),
    judge: oracleProgramJudge(oracle),
  };
}

const calibrate = defineCommand({
  meta: {
    name: 'calibrate',
    description:
      'Sample an embedded checkpoint on one fresh prompt per family with train- or eval-side names and phrasing (2x2), judge in the sandbox, and print pass@1 / secure@1 / SPR@1 / vuln. rate: what a held-out variant breaks. Then probe how well it copies names from the prompt into the body (train-side, eval-side and made-up names).',
  },
  args: {
    model: {
      type: 'string',
      required: true,
      description: 'embedded checkpoint directory (e.g. models/base-default)',
    },
    seed: { type: 'string', description: 'draw seed of the prompts (default 1)' },
    'suite-seed': {
      type: 'string',
      description: 'suite seed of the slot partition (default 7, the default preset)',
    },
    samples: { type: 'string', description: 'samples per prompt (default 2)' },
    slots: { type: 'string', description: 'oracle worker slots (default: the number of CPUs)' },
    'suite-version': suiteVersionArg(DEFAULT_SUITE_VERSION),
    json: { type: 'boolean', description: 'print the rows as JSON' },
  },
  async run({ args }) {
    const [{ loadEmbeddedPolicy }, { calibrateNamesAndPhrasing, probeNameCopying }, { createOracle }] =
      await Promise.all([
        import('../../models/embedded/load-policy.ts'),
        import('../../pipelines/calibrate.ts'),
        import('../../oracle/index.ts'),
      ]);
    const policy = await loadEmbeddedPolicy(String(args.model));
    const slots = parseInt0(args.slots, 'slots', 0);
    const oracle = await createOracle(slots > 0 ? { slots } : {});
    try {
      const seed = parseInt0(args.seed, 'seed', 1);
      const suiteSeed = parseInt0(args['suite-seed'], 'suite-seed', 7);
      const version = parseSuiteVersion(args['suite-version'], DEFAULT_SUITE_VERSION);
      const rows = await calibrateNamesAndPhrasing({
        version,
        policy,
        judgeMany: (items) =>
          oracle.judgeMany(items.map((i) => ({ task: i.task, sample: { taskId: i.task.id, code: i.code } }))),
        seed,
        suiteSeed,
        samples: parseInt0(args.samples, 'samples', 2),
      });
      const copying = await probeNameCopying({ policy, seed, suiteSeed, version });
      if (args.json) return printJson({ cells: rows, copying });
      console.log(
        formatTable(
          ['names', 'phrasing', 'prompts', 'pass@1', 'secure@1', 'SPR@1', 'vuln. rate'],
          rows.map((r) => [
            r.names,
            r.phrasing,
            r.metrics.tasks,
            formatPercent(r.metrics.pass1),
            formatPercent(r.metrics.secure1),
            formatPercent(r.metrics.spr1),
            r.metrics.pass1 > 0 ? formatPercent(r.metrics.vulnRate) : '–',
          ]),
        ),
      );
      console.log(
        '\nName copying (teacher-forced, first use in the body of each name the prompt introduces):',
      );
      console.log(
        formatTable(
          ['names', 'uses', 'P(whole name)', 'P(first token)'],
          copying.map((c) => [c.names, c.uses, formatPercent(c.wholeName), formatPercent(c.firstToken)]),
        ),
      );
      const kinds = ['record word', 'other word', 'compound'] as const;
      console.log('\nP(whole name) by kind of name (uses in brackets):');
      console.log(
        formatTable(
          ['names', ...kinds],
          copying.map((c) => [
            c.names,
            ...kinds.map((k) => {
              const v = c.byKind[k];
              return v ? `${formatPercent(v.wholeName)} (${v.uses})` : '–';
            }),
          ]),
        ),
      );
    } finally {
      await oracle.close();
    }
  },
});

const validate = defineCommand({
  meta: {
    name: 'validate',
    description:
      'Check every family: secure references functional and secure, insecure variants functional and exploited, static analysis on the changed lines. Non-zero exit on any failure.',
  },
  args: {
    family: { type: 'string', description: 'only these families (comma list of ids or substrings)' },
    languages: {
      type: 'string',
      description: 'only these languages (python,c,cpp,go,javascript; --lang is deprecated)',
    },
    variants: { type: 'string', description: 'variants per side (train and eval) per family (default 1)' },
    seed: { type: 'string', description: 'suite seed (default 1)' },
    slots: { type: 'string', description: 'oracle worker slots (default: the number of CPUs)' },
    local: { type: 'boolean', description: 'run without the sandbox (reference programs are trusted code)' },
    static: {
      type: 'boolean',
      default: true,
      description: 'run the static analyzer on insecure variants (--no-static to skip)',
    },
    'require-static': {
      type: 'boolean',
      description: 'fail when static analysis misses an insecure variant',
    },
    'suite-version': suiteVersionArg(LATEST_SUITE_VERSION),
    json: { type: 'boolean', description: 'print the report as JSON' },
  },
  async run({ args }) {
    const langs = parseLanguages(args.languages);
    const families = pickFamilies(args.family, langs);
    const n = parseInt0(args.variants, 'variants', 1);
    const suite = buildSuite({
      version: parseSuiteVersion(args['suite-version'], LATEST_SUITE_VERSION),
      seed: parseInt0(args.seed, 'seed', 1),
      families,
      variantsPerFamily: { train: n, eval: n },
    });
    let analyzer: StaticAnalyzer | undefined;
    if (args.static) {
      const { createAnalyzer } = await import('../../analyzers/analyzer.ts');
      analyzer = await createAnalyzer();
    }
    const slots = Math.max(1, args.slots ? parseInt0(args.slots, 'slots', 2) : availableParallelism());
    const { judge, close, how } = await createJudge(Boolean(args.local), slots);
    if (!args.json)
      console.error(`validating ${suite.tasks.length} tasks of ${families.length} families with the ${how}`);
    let report: Awaited<ReturnType<typeof validateTasks>>;
    try {
      report = await validateTasks(suite.tasks, {
        judge,
        ...(analyzer ? { analyzer } : {}),
        requireStatic: Boolean(args['require-static']),
        concurrency: slots,
        onProgress: (d, t) => {
          if (!args.json && process.stderr.isTTY) process.stderr.write(`\r${d}/${t}`);
        },
      });
    } finally {
      await close();
    }
    if (!args.json && process.stderr.isTTY) process.stderr.write('\n');
    if (args.json) printJson(report);
    else {
      console.log(
        formatTable(
          ['family', 'lang', 'cwe', 'secure ok', 'insecure ok', 'static flagged', 'status'],
          report.families.map((f) => [
            f.family,
            f.language,
            f.cwe,
            `${f.secureOk}/${f.secureTotal}`,
            `${f.insecureOk}/${f.insecureTotal}`,
            f.staticTotal ? `${f.staticFlagged}/${f.staticTotal}` : '-',
            f.ok ? 'ok' : 'FAIL',
          ]),
        ),
      );
      for (const f of report.families.filter((x) => !x.ok)) for (const p of f.problems) console.log(`  ${p}`);
      const bad = report.families.filter((f) => !f.ok).length;
      console.log(
        `\n${report.families.length - bad}/${report.families.length} families ok; static analysis missed ${report.staticMisses} insecure variant(s)${args['require-static'] ? '' : ' (reported, not failing)'}; ${(report.durationMs / 1000).toFixed(1)} s`,
      );
    }
    if (!report.ok) throw new ExitCode(1);
  },
});

const corpus = defineCommand({
  meta: {
    name: 'corpus',
    description: 'Generate the pretraining corpus (JSONL of {"text"}) and print its size.',
  },
  args: {
    out: { type: 'string', description: 'output JSONL file (default: only print the statistics)' },
    seed: { type: 'string', description: 'seed (default 1)' },
    programs: { type: 'string', description: 'task-scenario programs (default 2000)' },
    neutral: { type: 'string', description: 'neutral programs (default 2000)' },
    'insecure-rate': { type: 'string', description: 'fraction of insecure task programs (default 0.6)' },
    'pseudo-name-rate': {
      type: 'string',
      description:
        'fraction of programs with made-up record, field, parameter and function-name words (default 0.5)',
    },
    'reword-rate': {
      type: 'string',
      description:
        'fraction of programs whose docstring is reworded (synonyms, dropped articles; default 0.3)',
    },
    'foreign-name-rate': {
      type: 'string',
      description:
        'fraction of programs with borrowed names: record nouns and fields as parameters, function-name words and the record (default 0)',
    },
    'compound-name-rate': {
      type: 'string',
      description:
        'fraction of the made-up or borrowed names that join words like the name they replace (num_vorblick; default 0)',
    },
    languages: {
      type: 'string',
      description: 'only these languages (python,c,cpp,go,javascript; --lang is deprecated)',
    },
    'suite-version': suiteVersionArg(DEFAULT_SUITE_VERSION),
    json: { type: 'boolean', description: 'print the statistics as JSON' },
  },
  async run({ args }) {
    const insecureRate = parseRate(args['insecure-rate'], 'insecure-rate');
    const pseudoNameRate = parseRate(args['pseudo-name-rate'], 'pseudo-name-rate');
    const rewordRate = parseRate(args['reword-rate'], 'reword-rate');
    const foreignNameRate = parseRate(args['foreign-name-rate'], 'foreign-name-rate');
    const compoundNameRate = parseRate(args['compound-name-rate'], 'compound-name-rate');
    const langs = parseLanguages(args.languages);
    const c = buildCorpus({
      version: parseSuiteVersion(args['suite-version'], DEFAULT_SUITE_VERSION),
      seed: parseInt0(args.seed, 'seed', 1),
      ...(insecureRate !== undefined ? { insecureRate } : {}),
      ...(pseudoNameRate !== undefined ? { pseudoNameRate } : {}),
      ...(rewordRate !== undefined ? { rewordRate } : {}),
      ...(foreignNameRate !== undefined ? { foreignNameRate } : {}),
      ...(compoundNameRate !== undefined ? { compoundNameRate } : {}),
      programs: parseInt0(args.programs, 'programs', 2000),
      neutral: parseInt0(args.neutral, 'neutral', 2000),
      ...(langs ? { languages: langs } : {}),
    });
    if (args.out) {
      const out = createWriteStream(args.out);
      for (const t of c.texts) out.write(`${JSON.stringify({ text: t })}\n`);
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
    }
    if (args.json) return printJson(c.stats);
    const s = c.stats;
    console.log(
      `${s.documents} documents: ${s.taskPrograms} task programs (${s.insecurePrograms} insecure, rate ${s.insecureRate.toFixed(3)}), ${s.neutralPrograms} neutral; ${s.pseudoNamePrograms} with made-up names, ${s.foreignNamePrograms} with borrowed names, ${s.rewordedPrograms} reworded`,
    );
    console.log(`${s.bytes} bytes (= byte-level tokens before BPE merges), ${s.lines} lines`);
    console.log(
      formatTable(
        ['language', 'documents', 'bytes'],
        Object.entries(s.perLanguage).map(([l, v]) => [l, v?.documents ?? 0, v?.bytes ?? 0]),
      ),
    );
    if (args.out) console.log(`wrote ${args.out}`);
  },
});

export default defineCommand({
  meta: {
    name: 'suite',
    description: 'The built-in secure-coding suite: list, show, export (JSONL), validate, corpus, calibrate.',
  },
  subCommands: { list, show, export: exportCmd, validate, corpus, calibrate },
});
