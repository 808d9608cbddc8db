import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A program TSP uses, where it must be, and which Debian package provides it. */
export interface ToolSpec {
  name: string;
  /** Absolute path or command name looked up on PATH. */
  command: string;
  versionArgs: string[];
  debianPackage: string;
  purpose: string;
  /** Not installed by scripts/setup.sh: used when present (a large package few users need). */
  optional?: boolean;
}

export interface ToolStatus extends ToolSpec {
  found: boolean;
  path?: string;
  version?: string;
}

/** Toolchains the sandbox oracle runs generated code with. */
export const TOOLCHAINS: ToolSpec[] = [
  {
    name: 'bwrap',
    command: 'bwrap',
    versionArgs: ['--version'],
    debianPackage: 'bubblewrap',
    purpose: 'sandbox',
  },
  {
    name: 'setpriv',
    command: 'setpriv',
    versionArgs: ['--version'],
    debianPackage: 'util-linux',
    purpose: 'sandbox (unprivileged uid)',
  },
  {
    name: 'prlimit',
    command: 'prlimit',
    versionArgs: ['--version'],
    debianPackage: 'util-linux',
    purpose: 'sandbox (resource limits)',
  },
  {
    name: 'python3',
    command: '/usr/bin/python3',
    versionArgs: ['--version'],
    debianPackage: 'python3',
    purpose: 'Python runner',
  },
  {
    name: 'pytest',
    command: '/usr/bin/pytest-3',
    versionArgs: ['--version'],
    debianPackage: 'python3-pytest',
    purpose: 'CWEval Python harness',
  },
  {
    name: 'gcc',
    command: 'gcc',
    versionArgs: ['--version'],
    debianPackage: 'gcc',
    purpose: 'C runner (ASan/UBSan)',
  },
  {
    name: 'g++',
    command: 'g++',
    versionArgs: ['--version'],
    debianPackage: 'g++',
    purpose: 'C++ runner (ASan/UBSan)',
  },
  { name: 'go', command: 'go', versionArgs: ['version'], debianPackage: 'golang-go', purpose: 'Go runner' },
  {
    name: 'node',
    command: process.execPath,
    versionArgs: ['--version'],
    debianPackage: 'nodejs',
    purpose: 'JavaScript runner',
  },
];

/** Static analyzers TSP adapts (src/analyzers/external); optional: TSP's own rules run without them. */
export const ANALYZER_TOOLS: ToolSpec[] = [
  {
    name: 'cppcheck',
    command: 'cppcheck',
    versionArgs: ['--version'],
    debianPackage: 'cppcheck',
    purpose: 'static analysis (C/C++)',
  },
  {
    name: 'flawfinder',
    command: 'flawfinder',
    versionArgs: ['--version'],
    debianPackage: 'flawfinder',
    purpose: 'static analysis (C/C++)',
  },
  {
    name: 'bandit',
    command: 'bandit',
    versionArgs: ['--version'],
    debianPackage: 'bandit',
    purpose: 'static analysis (Python)',
  },
  {
    name: 'clang',
    command: 'clang',
    versionArgs: ['--version'],
    debianPackage: 'clang',
    purpose: 'static analysis (C/C++, --analyze)',
    optional: true,
  },
];

async function which(command: string): Promise<string | undefined> {
  if (command.startsWith('/')) {
    try {
      await access(command, constants.X_OK);
      return command;
    } catch {
      return undefined;
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    const p = `${dir}/${command}`;
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}

/** Checks each tool: found or missing, with its version's first line. */
export async function detectTools(specs: ToolSpec[]): Promise<ToolStatus[]> {
  return Promise.all(
    specs.map(async (spec): Promise<ToolStatus> => {
      const path = await which(spec.command);
      if (!path) return { ...spec, found: false };
      try {
        const { stdout, stderr } = await run(path, spec.versionArgs, { timeout: 10_000 });
        const first = `${stdout}\n${stderr}`.split('\n').find((l) => l.trim()) ?? '';
        return { ...spec, found: true, path, version: first.trim() };
      } catch {
        return { ...spec, found: true, path };
      }
    }),
  );
}
