/** Parsing of command-line values shared by the commands. */
import type { SamplingSettings } from '../pipelines/presets.ts';
import { TspError } from '../spec/errors.ts';
import { LANGUAGES, type Language } from '../spec/language.ts';

/** A whole-number flag value (undefined when the flag is absent); `min` is the smallest allowed. */
export function wholeNumber(raw: string | undefined, flag: string, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new TspError('invalid-input', `--${flag} must be a whole number >= ${min}`);
  return n;
}

/** A number flag in [min, max] (undefined when absent). */
export function numberIn(
  raw: string | undefined,
  flag: string,
  min: number,
  max: number,
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new TspError('invalid-input', `--${flag} must be a number from ${min} to ${max}`);
  return n;
}

const LANGUAGE_ALIASES: Record<string, Language> = { py: 'python', js: 'javascript', 'c++': 'cpp' };

/** `--languages python,c` (also py, js, c++) to languages; undefined when absent. */
export function parseLanguages(raw: string | undefined): Language[] | undefined {
  if (!raw) return undefined;
  return raw.split(',').map((s) => {
    const l = LANGUAGE_ALIASES[s.trim()] ?? s.trim();
    if (!(LANGUAGES as readonly string[]).includes(l))
      throw new TspError('invalid-input', `unknown language '${s}'`, { hint: `use ${LANGUAGES.join(', ')}` });
    return l as Language;
  });
}

/**
 * Every value of a flag that may be repeated (`--set a=1 --set b=2`, `--stop=x`); citty keeps only
 * the last one.
 */
export function repeatedFlag(rawArgs: readonly string[], flag: string): string[] {
  const out: string[] = [];
  rawArgs.forEach((a, i) => {
    if (a === `--${flag}`) {
      const v = rawArgs[i + 1];
      if (v !== undefined) out.push(v);
    } else if (a.startsWith(`--${flag}=`)) out.push(a.slice(flag.length + 3));
  });
  return out;
}

/** `\n`, `\t`, `\\` in a command-line string (stop strings are mostly newlines). */
export function unescapeFlag(s: string): string {
  return s.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}

/** The sampling and prompt flags shared by `tsp train` and `tsp eval` (citty definitions). */
export const SAMPLING_ARGS = {
  'chat-template': {
    type: 'string',
    description:
      'prompt format for an instruct model: chatml, llama-2, codellama-instruct, plain (default), or a template file',
  },
  'max-tokens': {
    type: 'string',
    description: 'tokens per generation (default 1024 for a real model, the preset value for tsp serve)',
  },
  temperature: { type: 'string', description: 'sampling temperature (default: 0.8 for trees, 0.2 for eval)' },
  'top-p': { type: 'string', description: 'nucleus sampling top-p (default 0.95)' },
  stop: {
    type: 'string',
    description: "stop string, repeatable; \\n is a newline (e.g. --stop '\\n\\n\\n' --stop '```')",
  },
  samples: {
    type: 'string',
    description: "samples per node: the tree's root samples (train) or samples per task (eval)",
  },
  set: {
    type: 'string',
    description:
      'any other setting as path=value, repeatable (e.g. --set tree.maxDepth=3; see src/spec/run-config.ts)',
  },
} as const;

/** The sampling settings given on the command line (absent flags stay undefined). */
export function samplingSettingsFrom(
  args: Record<string, unknown>,
  rawArgs: readonly string[],
): SamplingSettings {
  const str = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const maxTokens = wholeNumber(str('max-tokens'), 'max-tokens', 1);
  const temperature = numberIn(str('temperature'), 'temperature', 0, 5);
  const topP = numberIn(str('top-p'), 'top-p', 0.001, 1);
  const samples = wholeNumber(str('samples'), 'samples', 1);
  const stop = repeatedFlag(rawArgs, 'stop').map(unescapeFlag);
  const set = repeatedFlag(rawArgs, 'set');
  return {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(samples !== undefined ? { samples } : {}),
    ...(stop.length ? { stop } : {}),
    ...(set.length ? { set } : {}),
  };
}
