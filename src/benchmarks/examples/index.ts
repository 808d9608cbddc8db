import { registerTaskSource } from '../../oracle/task-sources.ts';
import { parseOrThrow } from '../../spec/parse.ts';
import { Task } from '../../spec/task.ts';
import { cGreeting } from './c.ts';
import { cppValueAt } from './cpp.ts';
import { goSafeJoin } from './go.ts';
import { jsRenderComment } from './javascript.ts';
import { pySqlEmail, pyWcLines } from './python.ts';

/**
 * Hand-written example tasks, at least one per language, each with functional and exploit tests,
 * a secure reference and insecure variants. Addressed as `examples/<id>`.
 */
export const EXAMPLE_TASKS: readonly Task[] = [
  pySqlEmail,
  pyWcLines,
  cGreeting,
  cppValueAt,
  goSafeJoin,
  jsRenderComment,
].map((t) => parseOrThrow(Task, t, `example task ${t.id}`));

export function getExampleTask(id: string): Task | undefined {
  return EXAMPLE_TASKS.find((t) => t.id === id || `examples/${t.id}` === id);
}

registerTaskSource('examples', getExampleTask, () => EXAMPLE_TASKS.map((t) => t.id));
