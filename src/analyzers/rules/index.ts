import type { Rule } from '../engine/rule.ts';
import { PYTHON_RULES } from './python.ts';

/** Every TSP rule, all languages. */
export const ALL_RULES: readonly Rule[] = [...PYTHON_RULES];
