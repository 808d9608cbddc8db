import { writeFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import {
  BENCHMARKS,
  knownBrokenTasks,
  loadBenchmarkTasks,
  parseBenchmark,
  promptRecord,
} from '../../pipelines/benchmark-tasks.ts';
import { oracleProgramJudge, readTaskFile, validateTaskFile } from '../../pipelines/task-file.ts';
import { TspError } from '../../spec/errors.ts';
import { parseLanguages, wholeNumber } from '../args.ts';
import { ExitCode } from '../main.ts';
import { printJson } from '../output.ts';

const exportCmd = defineCommand({
  meta: {
    name: 'export',
    description:
      "Write a benchmark's prompts as JSONL ({taskId, language, cwe, entryPoint, prompt}; CWEval's known-broken tasks carry knownBroken), or whole tasks with --full, for generating with your own stack and scoring with `tsp eval --samples`.",
  },
  args: {
    benchmark: { type: 'string', default: 'cweval', description: `one of ${BENCHMARKS.join(', ')}` },
    file: { type: 'string', description: 'benchmark file or folder (securityeval: the prompts JSONL)' },
    languages: { type: 'string', description: 'only these languages (python,c,cpp,go,javascript)' },
    full: { type: 'boolean', description: 'whole tasks in the Task schema (tests, references), not prompts' },
    out: { type: 'string', description: 'output file (default: stdout)' },
  },
  async run({ args }) {
    const benchmark = parseBenchmark(args.benchmark);
    const languages = parseLanguages(args.languages);
    const tasks = await loadBenchmarkTasks(benchmark, {
      ...(args.file ? { file: args.file } : {}),
      ...(languages ? { languages } : {}),
      prepare: false,
      onLog: (s) => process.stderr.write(`${s}\n`),
    });
    const broken = knownBrokenTasks(benchmark, tasks);
    const text = tasks
      .map((t) => `${JSON.stringify(args.full ? t : promptRecord(t, broken.get(t.id)))}\n`)
      .join('');
    if (!args.out) {
      process.stdout.write(text);
      return;
    }
    await writeFile(args.out, text);
    console.error(
      `wrote ${tasks.length} ${args.full ? 'tasks' : 'prompts'} of ${benchmark} to ${args.out}${broken.size ? ` (${broken.size} known-broken, marked)` : ''}`,
    );
  },
});

const validate = defineCommand({
  meta: {
    name: 'validate',
    description:
      'Check a task file before training on it (docs/tasks.md): the schema, that the harness defines every declared test, that the secure reference is secure-pass, that each insecure variant fails an exploit test, and that the prompt alone does not pass (in the sandbox). Exit 1 when a task fails.',
  },
  args: {
    file: {
      type: 'positional',
      required: true,
      description: 'task file: JSONL, a JSON array, or one JSON task',
    },
    slots: { type: 'string', description: 'programs judged in parallel (default 2)' },
    json: { type: 'boolean', description: 'print the result as JSON' },
  },
  async run({ args }) {
    const read = await readTaskFile(args.file);
    if (read.tasks.length === 0 && read.problems.length === 0)
      throw new TspError('invalid-input', `${args.file} holds no task`);
    const slots = wholeNumber(args.slots, 'slots', 1) ?? 2;
    const { createOracle } = await import('../../oracle/oracle.ts');
    const oracle = await createOracle({ slots });
    let result: Awaited<ReturnType<typeof validateTaskFile>>;
    try {
      result = await validateTaskFile(read, {
        judge: oracleProgramJudge(oracle),
        concurrency: slots,
        onProgress: (done, total) => process.stderr.write(`validated ${done}/${total}\n`),
      });
    } finally {
      await oracle.close();
    }
    if (args.json) printJson(result);
    else {
      for (const p of result.problems) console.log(`INVALID ${p}`);
      for (const t of result.tasks) {
        console.log(`${t.ok ? 'ok  ' : 'FAIL'} ${t.taskId}`);
        for (const p of t.problems) console.log(`     ${p}`);
      }
      const bad = result.tasks.filter((t) => !t.ok).length + result.problems.length;
      console.log(
        bad
          ? `\n${bad} of ${result.tasks.length + result.problems.length} record(s) do not validate`
          : `\nall ${result.tasks.length} task(s) validate`,
      );
    }
    if (!result.ok) throw new ExitCode(1);
  },
});

export default defineCommand({
  meta: { name: 'tasks', description: 'Task files: export a benchmark, validate your own tasks.' },
  subCommands: { export: exportCmd, validate },
});
