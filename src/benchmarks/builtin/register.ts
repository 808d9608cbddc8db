import { registerTaskSource } from '../../oracle/task-sources.ts';
import { buildSuite, lookupBuiltinTask } from './build-suite.ts';

/**
 * Registers the suite as the task source `builtin/<family>/<side>-<n>` (e.g.
 * `builtin/py-sqli-select/eval-0`) for `tsp judge --task`. Import for the side effect.
 */
registerTaskSource(
  'builtin',
  (id) => lookupBuiltinTask(id),
  () => buildSuite({ variantsPerFamily: { train: 1, eval: 1 } }).tasks.map((t) => t.id),
);
