import type { Family } from '../family.ts';
import { COMMAND_INJECTION } from './command-injection.ts';
import { PATH_TRAVERSAL } from './path-traversal.ts';

/** Every family of the built-in suite, in a stable order. */
export const FAMILIES: readonly Family[] = [...COMMAND_INJECTION, ...PATH_TRAVERSAL];
