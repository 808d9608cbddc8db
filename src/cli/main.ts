import { type CommandDef, defineCommand, renderUsage, runCommand } from 'citty';
import { isTspError, TspError } from '../spec/errors.ts';
import { commands } from './commands/index.ts';

const VERSION = '0.1.0';

export const rootCommand = defineCommand({
  meta: {
    name: 'tsp',
    version: VERSION,
    description:
      'Tree-like Self-Play: find the critical decision nodes where a code model goes insecure, verify its branches with a sandboxed oracle, and train it to prefer the secure one.',
  },
  subCommands: commands,
});

/** Exit codes: 0 ok, 1 the command ran and reported a failure (e.g. a validation failed), 2 usage or tool error. */
export class ExitCode extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Entry point of the `tsp` binary: the only place that touches process.exit. Commands throw
 * TspError for user-facing problems and ExitCode to end with a status after printing.
 */
export async function runCli(argv: string[]): Promise<void> {
  // `tsp … | head`: the reader went away; stop quietly like any Unix filter.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  const verbose = argv.includes('--verbose');
  const rawArgs = argv.filter((a) => a !== '--verbose');
  try {
    if (rawArgs.length === 0 || rawArgs[0] === '--help' || rawArgs[0] === '-h') {
      console.log(await rootUsage());
      return;
    }
    if (rawArgs[0] === '--version' || rawArgs[0] === '-v') {
      console.log(VERSION);
      return;
    }
    const name = rawArgs[0] ?? '';
    if (!(name in commands)) {
      console.error(`tsp: unknown command '${name}'. Commands: ${Object.keys(commands).join(', ')}`);
      process.exitCode = 2;
      return;
    }
    const sub = await resolveCommand(name);
    if (rawArgs.includes('--help') || rawArgs.includes('-h')) {
      // `tsp suite calibrate --help`: the usage of the innermost named subcommand
      const { cmd, names } = await innermostCommand(sub, ['tsp', name], rawArgs.slice(1));
      // the parent is named by every word but the last: "tsp suite" for `tsp suite calibrate`
      const usage = await renderUsage(cmd, {
        meta: { name: names.slice(0, -1).join(' '), version: VERSION },
      } as CommandDef);
      // citty pads every line to the widest one; the terminal wraps long lines by itself.
      console.log(`${trimLines(usage)}\n`);
      return;
    }
    const args = renameDeprecatedFlags(name, rawArgs.slice(1));
    await rejectUnknownFlags(sub, ['tsp', name], args);
    await runCommand(sub, { rawArgs: args });
  } catch (e) {
    process.exitCode = reportError(e, verbose);
  }
}

function trimLines(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n');
}

/** The first sentence of a description, for the list of commands. */
function firstSentence(text: string, max = 100): string {
  const s = text.split(/(?<=\.)\s/)[0] ?? '';
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 3);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 60 ? cut.lastIndexOf(' ') : cut.length).replace(/[,:;(]$/, '')} ...`;
}

/** `tsp --help`: one line per command (its first sentence); `tsp <command> --help` says the rest. */
async function rootUsage(): Promise<string> {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [
    String(rootCommand.meta && 'description' in rootCommand.meta ? rootCommand.meta.description : ''),
    '',
    `Usage: tsp <command> [options]    (tsp ${VERSION})`,
    '',
    'Commands:',
  ];
  for (const n of names) {
    const cmd = await resolveCommand(n);
    const meta = (typeof cmd.meta === 'function' ? await cmd.meta() : await cmd.meta) as
      | { description?: string }
      | undefined;
    lines.push(`  ${n.padEnd(width)}  ${firstSentence(meta?.description ?? '')}`);
  }
  lines.push('', 'Use `tsp <command> --help` for the options of a command.');
  return lines.join('\n');
}

/**
 * Old spellings of flags, kept as deprecated aliases: the same option is called the same in
 * every command (`--languages`, `--work-dir`). Per command: old name -> new name.
 */
export const DEPRECATED_FLAGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  suite: { lang: 'languages' },
  run: { 'run-dir': 'work-dir' },
};

/** Rewrites deprecated flag spellings to the current ones, with a warning on stderr. */
export function renameDeprecatedFlags(
  command: string,
  args: readonly string[],
  warn: (line: string) => void = (l) => console.error(l),
): string[] {
  const renames = DEPRECATED_FLAGS[command] ?? {};
  return args.map((a) => {
    const m = /^--([a-z-]+)(=.*)?$/.exec(a);
    const next = m ? renames[m[1] as string] : undefined;
    if (!m || !next) return a;
    warn(`tsp: --${m[1]} is deprecated; use --${next}`);
    return `--${next}${m[2] ?? ''}`;
  });
}

/**
 * A flag the (innermost) command does not declare is an error, not silently ignored: a misspelt
 * `--work-dir` would otherwise start a fresh run somewhere else. Flags after `--` are not checked.
 */
export async function rejectUnknownFlags(
  root: CommandDef,
  names: string[],
  args: readonly string[],
): Promise<void> {
  const { cmd, names: path } = await innermostCommand(root, names, args);
  const defs = ((typeof cmd.args === 'function' ? await cmd.args() : await cmd.args) ?? {}) as Record<
    string,
    { type?: string; alias?: string | string[] }
  >;
  const known = new Set<string>(['help', 'verbose']);
  for (const [key, def] of Object.entries(defs)) {
    if (def.type === 'positional') continue;
    known.add(key);
    for (const a of [def.alias ?? []].flat()) known.add(a);
    if (def.type === 'boolean') known.add(`no-${key}`);
  }
  for (const a of args) {
    if (a === '--') break;
    const m = /^--([^=]+)/.exec(a);
    if (m && !known.has(m[1] as string))
      throw new TspError('invalid-input', `unknown option --${m[1]} for \`${path.join(' ')}\``, {
        hint: `see \`${path.join(' ')} --help\``,
      });
  }
}

/** The innermost subcommand the leading words of `args` name (`suite calibrate`), with its path. */
async function innermostCommand(
  root: CommandDef,
  names: readonly string[],
  args: readonly string[],
): Promise<{ cmd: CommandDef; names: string[] }> {
  let cmd = root;
  const path = [...names];
  for (const word of args) {
    const subs = typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands;
    const next = subs?.[word];
    if (!next) break;
    path.push(word);
    cmd = (typeof next === 'function' ? await next() : await next) as CommandDef;
  }
  return { cmd, names: path };
}

async function resolveCommand(name: string): Promise<CommandDef> {
  const entry = commands[name];
  const resolved = typeof entry === 'function' ? await entry() : await entry;
  return resolved as CommandDef;
}

function reportError(e: unknown, verbose: boolean): number {
  if (e instanceof ExitCode) return e.code;
  if (isTspError(e)) {
    console.error(`tsp: ${e.message}`);
    if (e.hint) console.error(`  hint: ${e.hint}`);
    if (e.retryable) console.error('  (this may succeed if retried)');
    if (verbose && e.stack) console.error(e.stack);
    return 2;
  }
  // citty's own argument errors (missing required argument, bad enum) are user errors too.
  if (e instanceof Error && (e as { code?: string }).code?.startsWith?.('E_')) {
    console.error(`tsp: ${e.message} (see --help)`);
    return 2;
  }
  console.error(`tsp: internal error: ${e instanceof Error ? e.message : String(e)}`);
  if (verbose && e instanceof Error && e.stack) console.error(e.stack);
  else console.error('  run again with --verbose for the stack trace, and please report it');
  return 2;
}
