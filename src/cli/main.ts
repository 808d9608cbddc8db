import { type CommandDef, defineCommand, runCommand, showUsage } from 'citty';
import { isTspError } from '../spec/errors.ts';
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
      await showUsage(rootCommand as CommandDef);
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
      let cmd = sub;
      const names = ['tsp', name];
      for (const word of rawArgs.slice(1)) {
        const subs = typeof cmd.subCommands === 'function' ? await cmd.subCommands() : await cmd.subCommands;
        const next = subs?.[word];
        if (!next) break;
        names.push(word);
        cmd = (typeof next === 'function' ? await next() : await next) as CommandDef;
      }
      // the parent is named by every word but the last: "tsp suite" for `tsp suite calibrate`
      await showUsage(cmd, { meta: { name: names.slice(0, -1).join(' '), version: VERSION } } as CommandDef);
      return;
    }
    await runCommand(sub, { rawArgs: rawArgs.slice(1) });
  } catch (e) {
    process.exitCode = reportError(e, verbose);
  }
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
