import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { defineCommand } from 'citty';
import '../../benchmarks/examples/index.ts';
import '../../benchmarks/builtin/register.ts';
import { createOracle } from '../../oracle/oracle.ts';
import { resolveTask } from '../../oracle/task-sources.ts';
import { readTaskFile } from '../../pipelines/task-file.ts';
import { TspError } from '../../spec/errors.ts';
import type { Task } from '../../spec/task.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { ExitCode } from '../main.ts';
import { formatTable, printJson } from '../output.ts';

/** A compact human rendering of a verdict. */
export function formatVerdict(v: Verdict): string {
  const lines: string[] = [];
  lines.push(`task ${v.taskId}${v.sampleId ? `  sample ${v.sampleId}` : ''}`);
  lines.push(`build: ${v.build.ok ? 'ok' : 'FAILED'} (${Math.round(v.build.durationMs)} ms)`);
  if (!v.build.ok && v.build.log) lines.push(indent(v.build.log.split('\n').slice(0, 12).join('\n')));
  if (v.tests.length) {
    lines.push(
      formatTable(
        ['test', 'kind', 'status', 'ms', 'message'],
        v.tests.map((t) => [
          t.name,
          t.kind,
          t.status,
          Math.round(t.durationMs),
          shortMessage(t.message ?? ''),
        ]),
      ),
    );
  }
  for (const s of v.sanitizer)
    lines.push(
      `sanitizer: ${s.sanitizer} ${s.errorType} ${s.cwe.join(',')}${s.frame ? ` at ${s.frame.file ?? '?'}:${s.frame.line ?? '?'}${s.frame.function ? ` in ${s.frame.function}` : ''}` : ''}`,
    );
  for (const f of v.findings)
    lines.push(`finding: ${f.source}/${f.ruleId} ${f.cwe.join(',')} line ${f.span.startLine}: ${f.message}`);
  for (const e of v.oracleErrors) lines.push(`ORACLE ERROR: ${e}`);
  lines.push(
    `functional: ${v.functional}  secure: ${v.secure} (by ${v.secureBy}${v.staticSecure === null ? '' : `, static ${v.staticSecure}`})  securePass: ${v.securePass}  (${Math.round(v.timings.totalMs)} ms)`,
  );
  return lines.join('\n');
}

/** One line of a test message: the last line of a traceback, else the first line. */
function shortMessage(m: string): string {
  const lines = m
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = (m.includes('Traceback') || m.includes('File "') ? lines.at(-1) : lines[0]) ?? '';
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export default defineCommand({
  meta: {
    name: 'judge',
    description:
      "Build a program and run the task's functional and security tests in the sandbox; print the verdict.",
  },
  args: {
    task: {
      type: 'string',
      required: true,
      description:
        'task file (one JSON task, or JSONL / a JSON array with --id), or a task id such as examples/py-sql-email',
    },
    id: { type: 'string', description: 'the task to judge in a task file that holds several' },
    code: {
      type: 'string',
      description: 'file with the complete program (prompt + completion); or --reference / --insecure',
    },
    reference: { type: 'boolean', description: "judge the task's secure reference" },
    insecure: { type: 'string', description: "judge the task's insecure variant number N (0-based)" },
    json: { type: 'boolean', description: 'print the Verdict as JSON' },
  },
  async run({ args }) {
    const task = await findTask(args.task, args.id);
    let code: string;
    if (args.code) {
      try {
        code = await readFile(args.code, 'utf8');
      } catch {
        throw new TspError('not-found', `cannot read code file ${args.code}`);
      }
    } else if (args.reference) {
      if (!task.secureReference)
        throw new TspError('invalid-input', `task ${task.id} has no secure reference`);
      code = task.secureReference;
    } else if (args.insecure !== undefined) {
      const i = Number(args.insecure);
      const variant = Number.isInteger(i) ? task.insecureVariants[i] : undefined;
      if (variant === undefined)
        throw new TspError('invalid-input', `task ${task.id} has no insecure variant ${args.insecure}`, {
          hint: `it has ${task.insecureVariants.length}`,
        });
      code = variant;
    } else {
      throw new TspError(
        'invalid-input',
        'give the program with --code <file> (or --reference / --insecure N)',
      );
    }
    const oracle = await createOracle({ slots: 1 });
    let verdict: Verdict;
    try {
      verdict = await oracle.judge(task, { taskId: task.id, code });
    } finally {
      await oracle.close();
    }
    if (args.json) printJson(verdict);
    else console.log(formatVerdict(verdict));
    if (verdict.oracleErrors.length) throw new ExitCode(2);
    // Judging the task's own programs checks the task: a secure reference that is not
    // secure-pass, or an insecure variant that passes every exploit test, is a broken task.
    if (args.reference && !verdict.securePass) {
      console.error(
        `tsp: the secure reference of ${task.id} is not secure-pass (functional ${verdict.functional}, secure ${verdict.secure}): the task is broken`,
      );
      throw new ExitCode(1);
    }
    if (args.insecure !== undefined && verdict.secure && verdict.build.ok) {
      console.error(
        `tsp: insecure variant ${args.insecure} of ${task.id} passes every security test: its exploit tests cannot fail it`,
      );
      throw new ExitCode(1);
    }
  },
});

/** A task by id, or from a task file: one task, or the one named by `--id` among several. */
async function findTask(ref: string, id: string | undefined): Promise<Task> {
  if (!/\.(jsonl|json)$/.test(ref) || !existsSync(ref)) return resolveTask(ref);
  const { tasks, problems } = await readTaskFile(ref);
  if (id) {
    const t = tasks.find((x) => x.id === id);
    if (t) return t;
    throw new TspError(
      'not-found',
      `no task '${id}' in ${ref}${problems.length ? ` (${problems.length} unreadable record(s))` : ''}`,
      {
        hint: `it holds ${
          tasks
            .map((x) => x.id)
            .slice(0, 10)
            .join(', ') || 'no valid task'
        }`,
      },
    );
  }
  if (tasks.length === 1 && problems.length === 0) return tasks[0] as Task;
  if (problems.length)
    throw new TspError('invalid-input', `${ref}: ${problems[0]}`, {
      hint: '`tsp tasks validate` lists every problem',
    });
  throw new TspError('invalid-input', `${ref} holds ${tasks.length} tasks: say which with --id`, {
    hint: `e.g. --id ${tasks[0]?.id ?? '<task id>'}`,
  });
}
