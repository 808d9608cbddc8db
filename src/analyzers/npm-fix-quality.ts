import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'web-tree-sitter';
import { diffLines } from '../core/line-diff.ts';
import { createAnalyzer } from './analyzer.ts';
import { loadGrammar, parseLoaded } from './parser.ts';
import {
  dedent,
  type FixPair,
  type FixTally,
  formatFixTable,
  measureSafeCoder,
  type PairResult,
  type Split,
  splitOf,
  tallyResults,
  verboseLine,
} from './safecoder-quality.ts';

/**
 * Measures the JavaScript analyzer on real npm security fixes: for each advisory listed in
 * `npm-fix-pairs.json` (a package, its last vulnerable and first fixed version, the file(s) the fix
 * changed, the advisory's CWE and a one-line reason, written by hand from public advisories), both
 * published tarballs are fetched with `npm pack` into `.tsp-cache/npm-fix/` (never committed), the
 * named files are diffed line by line (whitespace ignored), and every *named* function that encloses
 * a changed line is cut out before and after the fix (the smallest named function: an anonymous
 * callback counts as part of the function it sits in; changes outside any named function are not
 * measured). A pair may restrict itself to the functions the fix is about (`functions`), when the
 * same release changed unrelated code in the file.
 *
 * Each function pair is scored exactly as safecoder-quality.ts scores SafeCoder's records (recall
 * of a related-CWE finding on the vulnerable side, related findings on the fixed side, "gone after
 * the fix", any finding after the fix), split into dev / held-out by a stable hash of (package,
 * vulnerable version, function). Run (network needed the first time only):
 *
 *   node --import tsx src/analyzers/npm-fix-quality.ts [--split dev|heldout|all] [--as-task] [--verbose] [--json]
 *
 * `--verbose` (per-pair states and rule ids) is refused for the held-out split.
 */

export interface NpmFixEntry {
  package: string;
  vulnerable: string;
  fixed: string;
  files: string[];
  functions?: string[];
  cwe: string;
  reason: string;
}

const here = dirname(fileURLToPath(import.meta.url));

export function loadNpmFixEntries(file = join(here, 'npm-fix-pairs.json')): NpmFixEntry[] {
  return JSON.parse(readFileSync(file, 'utf8')) as NpmFixEntry[];
}

export function npmFixCacheDir(): string {
  return resolve(here, '..', '..', '.tsp-cache', 'npm-fix');
}

/** The unpacked tarball of pkg@version (fetched once with `npm pack`); its package root directory. */
export function fetchPackage(pkg: string, version: string, cache = npmFixCacheDir()): string {
  const dir = join(cache, `${pkg.replace(/\//g, '__')}@${version}`);
  const done = join(dir, '.complete');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const out = execFileSync('npm', ['pack', `${pkg}@${version}`, '--silent', '--pack-destination', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tgz = out.trim().split('\n').pop() ?? '';
    execFileSync('tar', ['xzf', join(dir, tgz), '-C', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    rmSync(join(dir, tgz));
    execFileSync('touch', [done]);
  }
  // Most tarballs unpack into package/, a few into another single directory.
  const tops = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
  const top = tops.find((d) => d.name === 'package') ?? tops[0];
  if (!top) throw new Error(`${pkg}@${version}: empty tarball`);
  return join(dir, top.name);
}

/**
 * Lines (0-based) that differ between two texts, per side, compared with whitespace removed: deleted
 * lines on the before side, inserted lines on the after side, and for a pure insertion the line of
 * the before side where it happens (so the function that gained a check is found on both sides).
 */
export function changedLines(before: string, after: string): { before: Set<number>; after: Set<number> } {
  const norm = (s: string) => s.split('\n').map((l) => l.replace(/\s+/g, ''));
  const outA = new Set<number>();
  const outB = new Set<number>();
  for (const h of diffLines(norm(before), norm(after))) {
    for (let i = 0; i < h.oldCount; i++) outA.add(h.oldStart - 1 + i);
    for (let j = 0; j < h.newCount; j++) outB.add(h.newStart - 1 + j);
    if (h.oldCount === 0) outA.add(h.oldStart - 1);
  }
  return { before: outA, after: outB };
}

const FUNCTION_TYPES = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'generator_function',
  'method_definition',
]);

/** The name a function is known by, and a stand-alone snippet of it; undefined for anonymous ones. */
function namedFunction(node: Node): { name: string; text: string } | undefined {
  const own = node.childForFieldName('name');
  if (node.type === 'method_definition') {
    const name = own?.text ?? '';
    const text = node.text.replace(/^(static\s+)?(async\s+)?/, (_m, _s, asy) => `${asy ?? ''}function `);
    return name ? { name, text } : undefined;
  }
  if (node.type.endsWith('_declaration') && own) return { name: own.text, text: node.text };
  const parent = node.parent;
  // `module.exports = function deepExtend (...)`: the function's own name says more than `exports`.
  if (own && parent?.type === 'assignment_expression') return { name: own.text, text: `${parent.text};` };
  if (parent?.type === 'variable_declarator') {
    const id = parent.childForFieldName('name');
    const decl = parent.parent;
    if (id?.type === 'identifier' && decl)
      return {
        name: id.text,
        text: `${decl.type === 'variable_declaration' ? 'var' : 'const'} ${parent.text};`,
      };
  }
  if (parent?.type === 'assignment_expression') {
    const left = parent.childForFieldName('left');
    const name = left?.type === 'member_expression' ? left.childForFieldName('property')?.text : left?.text;
    if (name && left?.type !== 'subscript_expression') return { name, text: `${parent.text};` };
  }
  if (parent?.type === 'pair') {
    const key = parent.childForFieldName('key');
    const name = key?.text.replace(/^['"]|['"]$/g, '');
    if (name && /^[\w$]+$/.test(name)) return { name, text: `var ${name} = ${node.text};` };
  }
  if (own) return { name: own.text, text: node.text };
  return undefined;
}

interface CutFunction {
  name: string;
  text: string;
  start: number;
}

/** The smallest named function around each of `lines` (0-based). */
function functionsAround(root: Node, lines: Set<number>): Map<string, CutFunction> {
  const out = new Map<string, CutFunction>();
  const seen = new Set<number>();
  const visit = (node: Node, enclosing: CutFunction | undefined): void => {
    let here = enclosing;
    if (FUNCTION_TYPES.has(node.type)) {
      const named = namedFunction(node);
      if (named) here = { ...named, start: node.startPosition.row };
    }
    // A line belongs to the innermost named function whose own text holds it.
    if (here && node.childCount === 0) {
      const row = node.startPosition.row;
      if (lines.has(row) && !seen.has(row)) {
        seen.add(row);
        if (!out.has(here.name)) out.set(here.name, here);
      }
    }
    for (const c of node.children) if (c) visit(c, here);
  };
  visit(root, undefined);
  return out;
}

/** Bundled or minified files: very long average lines. */
function looksMinified(text: string, file: string): boolean {
  if (/\.min\.js$/.test(file)) return true;
  const lines = text.split('\n');
  return text.length / Math.max(1, lines.length) > 250;
}

export interface NpmFunctionPair extends FixPair {
  entry: NpmFixEntry;
  file: string;
  name: string;
}

/** The function pairs of one file of an advisory entry, from its text before and after the fix. */
export async function cutFilePair(
  entry: NpmFixEntry,
  file: string,
  before: string,
  after: string,
): Promise<{ pairs: NpmFunctionPair[]; notes: string[] }> {
  const grammar = await loadGrammar('javascript');
  const tag = `${entry.package}@${entry.vulnerable}->${entry.fixed}`;
  const pairs: NpmFunctionPair[] = [];
  if (looksMinified(before, file) || looksMinified(after, file))
    return { pairs, notes: [`${tag}: ${file} looks minified, skipped`] };
  const changed = changedLines(before, after);
  if (!changed.before.size && !changed.after.size)
    return { pairs, notes: [`${tag}: ${file} does not differ`] };
  const fb = functionsAround(parseLoaded('javascript', grammar, before).rootNode, changed.before);
  const fa = functionsAround(parseLoaded('javascript', grammar, after).rootNode, changed.after);
  const names = [...new Set([...fb.keys(), ...fa.keys()])].filter(
    (n) => !entry.functions || entry.functions.includes(n),
  );
  for (const name of names) {
    const b = fb.get(name) ?? findByName(before, grammar, name);
    const a = fa.get(name) ?? findByName(after, grammar, name);
    if (!b || !a) continue; // added or removed helper: no before/after pair
    if (b.text.replace(/\s+/g, '') === a.text.replace(/\s+/g, '')) continue;
    const key = `${entry.package}\u0000${entry.vulnerable}\u0000${name}`;
    pairs.push({
      id: `${entry.package}@${entry.vulnerable}:${file}#${name}`,
      language: 'javascript',
      cwe: entry.cwe.toUpperCase(),
      split: splitOf(key),
      before: dedent(b.text),
      after: dedent(a.text),
      entry,
      file,
      name,
    });
  }
  return { pairs, notes: [] };
}

/** The function pairs of one advisory entry (fetching both tarballs if needed), and notes. */
export async function cutEntry(entry: NpmFixEntry): Promise<{ pairs: NpmFunctionPair[]; notes: string[] }> {
  const notes: string[] = [];
  const pairs: NpmFunctionPair[] = [];
  const tag = `${entry.package}@${entry.vulnerable}->${entry.fixed}`;
  const beforeDir = fetchPackage(entry.package, entry.vulnerable);
  const afterDir = fetchPackage(entry.package, entry.fixed);
  for (const file of entry.files) {
    const pb = join(beforeDir, file);
    const pa = join(afterDir, file);
    if (!existsSync(pb) || !existsSync(pa)) {
      notes.push(`${tag}: ${file} missing on one side`);
      continue;
    }
    const r = await cutFilePair(entry, file, readFileSync(pb, 'utf8'), readFileSync(pa, 'utf8'));
    pairs.push(...r.pairs);
    notes.push(...r.notes);
  }
  if (!pairs.length) notes.push(`${tag}: no changed named function found`);
  return { pairs, notes };
}

function findByName(
  text: string,
  grammar: Awaited<ReturnType<typeof loadGrammar>>,
  name: string,
): CutFunction | undefined {
  const root = parseLoaded('javascript', grammar, text).rootNode;
  let found: CutFunction | undefined;
  const visit = (node: Node): void => {
    if (found) return;
    if (FUNCTION_TYPES.has(node.type)) {
      const named = namedFunction(node);
      if (named?.name === name) {
        found = { ...named, start: node.startPosition.row };
        return;
      }
    }
    for (const c of node.children) if (c) visit(c);
  };
  visit(root);
  return found;
}

export async function loadNpmFixPairs(
  entries = loadNpmFixEntries(),
): Promise<{ pairs: NpmFunctionPair[]; notes: string[] }> {
  const pairs: NpmFunctionPair[] = [];
  const notes: string[] = [];
  for (const e of entries) {
    try {
      const r = await cutEntry(e);
      pairs.push(...r.pairs);
      notes.push(...r.notes);
    } catch (err) {
      notes.push(`${e.package}@${e.vulnerable}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return { pairs, notes };
}

/** One row per CWE, then all pairs. */
export function npmFixRows(results: PairResult[]): (FixTally & { label: string })[] {
  const cwes = [...new Set(results.map((r) => r.pair.cwe))].sort();
  return [
    ...cwes.map((c) => ({ label: c, ...tallyResults(results.filter((r) => r.pair.cwe === c)) })),
    { label: 'all', ...tallyResults(results) },
  ];
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--split');
  const which = i >= 0 ? argv[i + 1] : 'dev';
  const splits: Split[] = which === 'all' ? ['dev', 'heldout'] : [which === 'heldout' ? 'heldout' : 'dev'];
  const verbose = argv.includes('--verbose');
  if (verbose && splits.includes('heldout')) {
    process.stderr.write('--verbose is for the dev split only\n');
    process.exitCode = 2;
    return;
  }
  const { pairs, notes } = await loadNpmFixPairs();
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  const analyzer = await createAnalyzer({ external: false });
  const json: Record<string, unknown> = {};
  for (const split of splits) {
    const mine = pairs.filter((p) => p.split === split);
    const { results } = await measureSafeCoder(mine, analyzer, 'tsp', argv.includes('--as-task'));
    const rows = npmFixRows(results);
    const advisories = new Set(mine.map((p) => `${p.entry.package}@${p.entry.vulnerable}`)).size;
    json[split] = rows;
    if (argv.includes('--json')) continue;
    process.stdout.write(
      `npm fix pairs, ${split} split (${mine.length} functions from ${advisories} advisories)\n\n${formatFixTable(rows, 'CWE')}\n\n`,
    );
    if (verbose) for (const r of results) process.stdout.write(`${verboseLine(r)}\n`);
  }
  if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await main();
