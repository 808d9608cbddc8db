import type { Rule } from '../engine/rule.ts';
import { C_RULES } from './c.ts';
import { C_BOUNDS_RULES } from './c-bounds.ts';
import { C_CHECK_RULES } from './c-checks.ts';
import { C_CLASSIC_RULES } from './c-classic.ts';
import { C_MEMORY_RULES } from './c-memory.ts';
import { EVASION_RULES } from './evasion.ts';
import { GO_RULES } from './go.ts';
import { GO_CLASSIC_RULES } from './go-classic.ts';
import { JS_RULES } from './javascript.ts';
import { JS_CLASSIC_RULES } from './javascript-classic.ts';
import { JS_WEAKNESS_RULES } from './javascript-weakness.ts';
import { logEntryReturned, markupCharsWritten, markupReturned, markupWritten } from './markup-returned.ts';
import { cSinkReference, inlineAssembly, opaqueCall } from './opaque.ts';
import { PYTHON_RULES } from './python.ts';
import { PY_CLASSIC_RULES } from './python-classic.ts';
import { PY_WEAKNESS_RULES } from './python-weakness.ts';
import { SHARED_RULES } from './shared.ts';

/** Every TSP rule, all languages. */
export const ALL_RULES: readonly Rule[] = [
  ...SHARED_RULES,
  ...PYTHON_RULES,
  ...PY_CLASSIC_RULES,
  ...PY_WEAKNESS_RULES,
  ...C_RULES,
  ...C_MEMORY_RULES,
  ...C_BOUNDS_RULES,
  ...C_CLASSIC_RULES,
  ...C_CHECK_RULES,
  ...GO_RULES,
  ...GO_CLASSIC_RULES,
  ...JS_RULES,
  ...JS_CLASSIC_RULES,
  ...JS_WEAKNESS_RULES,
  ...EVASION_RULES,
  markupReturned,
  markupWritten,
  markupCharsWritten,
  logEntryReturned,
  opaqueCall,
  inlineAssembly,
  cSinkReference,
];
