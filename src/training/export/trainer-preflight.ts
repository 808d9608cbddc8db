import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { TspError } from '../../spec/errors.ts';
import { TRAINER_PLACEHOLDERS } from './external-trainer.ts';

/**
 * Checks of a trainer command made before a round samples anything, so that a mistake in the
 * command costs seconds, not a round: the program it runs resolves (on PATH, or as a file), a
 * script given to an interpreter exists, every `{placeholder}` is known, and the ones it uses have
 * a value (`{model}` needs the initial model's path).
 */

const SHELL_WORDS = new Set(
  'cd . source exec eval test [ true false echo printf set export if for while until case ( { ! time env'.split(
    ' ',
  ),
);
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'zsh', 'node', 'python', 'python3', 'uv', 'npx']);

/** The first words of a shell command (quotes removed), up to the first operator; best effort. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s'";|&<>()]+)|([;|&<>()])/g;
  let current: string | undefined;
  let lastEnd = 0;
  for (let m = re.exec(command); m; m = re.exec(command)) {
    if (m[4] !== undefined) break;
    const part = m[1] ?? m[2] ?? m[3] ?? '';
    const joined = current !== undefined && m.index === lastEnd;
    if (joined) current = `${current}${part}`;
    else {
      if (current !== undefined) words.push(current);
      current = part;
    }
    lastEnd = m.index + m[0].length;
  }
  if (current !== undefined) words.push(current);
  return words;
}

/** Where `program` resolves: a path (relative to `cwd`) or the first executable on PATH. */
export function resolveProgram(program: string, path: string, cwd: string): string | undefined {
  const executable = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (program.includes('/')) {
    const p = isAbsolute(program) ? program : resolve(cwd, program);
    return executable(p) ? p : undefined;
  }
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const p = join(dir, program);
    if (executable(p)) return p;
  }
  return undefined;
}

export interface TrainerPreflight {
  /** The program the command runs first, when it could be told. */
  program?: string;
  /** Where it resolved. */
  resolved?: string;
  /** Placeholders and `TSP_*` variables the command uses. */
  uses: string[];
}

/**
 * Throws a TspError naming every problem of the trainer command (see the module comment). `vars`:
 * the values the placeholders would have in the next round ('' = none).
 */
export function checkTrainerCommand(
  command: string,
  vars: { modelPath: string },
  env: { PATH?: string; cwd?: string } = {},
): TrainerPreflight {
  const problems: string[] = [];
  const hints: string[] = [];
  const uses = new Set<string>();
  for (const m of command.matchAll(/\{([a-z_]+)\}/g)) {
    const name = m[1] as string;
    if (name in TRAINER_PLACEHOLDERS) uses.add(`{${name}}`);
    else problems.push(`unknown placeholder {${name}}`);
  }
  for (const m of command.matchAll(/\$\{?(TSP_[A-Z_]+)/g)) uses.add(m[1] as string);
  if (!vars.modelPath && (uses.has('{model}') || uses.has('TSP_MODEL_PATH'))) {
    problems.push('it uses {model} (TSP_MODEL_PATH), which has no value: no --model-path was given');
    hints.push("pass --model-path <the served model's weights or checkpoint>");
  }
  const words = shellWords(command);
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] as string)) i++;
  const program = words[i];
  const out: TrainerPreflight = { uses: [...uses] };
  const cwd = env.cwd ?? process.cwd();
  if (program && !SHELL_WORDS.has(program) && !program.includes('{') && !program.includes('$')) {
    out.program = program;
    const resolved = resolveProgram(program, env.PATH ?? process.env.PATH ?? '', cwd);
    if (!resolved) {
      problems.push(
        program.includes('/') ? `${program} is not an executable file` : `'${program}' is not on PATH`,
      );
      if (program === 'tsp')
        hints.push('run TSP itself as `node <repo>/bin/tsp.js` (or `npx tsp` inside the repository)');
      else hints.push('give the full path of the program, or add its folder to PATH');
    } else {
      out.resolved = resolved;
      const script = words[i + 1];
      const base = program.split('/').pop() ?? program;
      if (
        INTERPRETERS.has(base) &&
        base !== 'npx' &&
        script &&
        !script.startsWith('-') &&
        /\.(sh|js|mjs|cjs|ts|py)$/.test(script) &&
        !script.includes('{') &&
        !script.includes('$')
      ) {
        try {
          statSync(resolve(cwd, script));
        } catch {
          problems.push(`${program} would run ${script}, which does not exist (from ${cwd})`);
        }
      }
    }
  }
  if (problems.length)
    throw new TspError('invalid-input', `the trainer command will not run: ${problems.join('; ')}`, {
      hint: `${hints.length ? `${hints.join('; ')}. ` : ''}Placeholders: ${Object.keys(TRAINER_PLACEHOLDERS)
        .map((p) => `{${p}}`)
        .join(' ')}. Nothing was sampled yet.`,
    });
  return out;
}
