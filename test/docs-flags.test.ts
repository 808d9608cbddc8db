import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../src/cli/commands/index.ts';
import { DEPRECATED_FLAGS, rejectUnknownFlags } from '../src/cli/main.ts';

/**
 * Every `tsp …` command line the README and docs/ show uses options its command declares: the CLI
 * refuses undeclared ones, so a doc with a stale or misspelt flag would hand users an error (or,
 * before the CLI refused them, silently ignored the flag: `--run-dir` on ablations started fresh
 * runs elsewhere). Deprecated spellings count as declared (the CLI renames them).
 */
const root = resolve(import.meta.dirname, '..');
const pages = [
  join(root, 'README.md'),
  ...readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join(root, 'docs', f)),
];

/** `tsp <command> …` up to the end of its code span or line; continuation backslashes joined. */
function commandLines(text: string): string[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const out: string[] = [];
  for (const m of joined.matchAll(
    /(?:^|[`\s(])(?:node bin\/tsp\.js|npx tsp|tsp)\s+([a-z][a-z-]*)([^`\n]*)/gm,
  )) {
    out.push(`${m[1]}${m[2] ?? ''}`);
  }
  return out;
}

describe('docs', () => {
  it('show only options that their commands declare', async () => {
    const bad: string[] = [];
    let checked = 0;
    for (const page of pages) {
      for (const line of commandLines(readFileSync(page, 'utf8'))) {
        // quoted arguments (a trainer command) are one value; `[--a]` and `--a\|--b` are usage syntax
        const plain = line
          .replace(/'[^']*'|"[^"]*"/g, 'ARG')
          .replace(/\\\|/g, ' ')
          .replace(/[[\]|]/g, ' ');
        const [name = '', ...rest] = plain.trim().split(/\s+/);
        if (!(name in commands)) continue; // prose like "tsp run's tables"
        const entry = commands[name as keyof typeof commands];
        const cmd = typeof entry === 'function' ? await entry() : await entry;
        // stop at shell syntax: a pipe, a redirection, another command
        const words = rest.slice(0, rest.findIndex((w) => /^(\||>|2>|&&|;|#)/.test(w)) >>> 0);
        const renames = DEPRECATED_FLAGS[name] ?? {};
        const flags = words.map((w) => {
          const m = /^--([a-z][a-z-]*)(=.*)?$/.exec(w);
          return m && renames[m[1] as string] ? `--${renames[m[1] as string]}${m[2] ?? ''}` : w;
        });
        checked++;
        try {
          await rejectUnknownFlags(cmd as never, ['tsp', name], flags);
        } catch (e) {
          bad.push(`${page.slice(root.length + 1)}: tsp ${line.trim()}: ${(e as Error).message}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });
});
