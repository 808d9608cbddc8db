/**
 * Every finding of TSP's tree-sitter analyzer over fixed inputs, one line each, for checking that a
 * change meant to keep findings (a speed change, a refactoring) keeps them byte for byte:
 *
 *   node --import tsx scripts/finding-snapshot.ts /tmp/before.txt      (in the base tree)
 *   node --import tsx scripts/finding-snapshot.ts /tmp/after.txt       (in the changed tree)
 *   cmp /tmp/before.txt /tmp/after.txt
 *
 * The inputs, each analyzed as a scan (no task) and, where said, as the oracle judges a task's
 * sample (`taskCwe`, strict, as evidence-precision.ts reads it):
 * - the bench's generated files (bench/scan.ts, 40 per language): scanned, and under each CWE a
 *   task of the built-in suite or CWEval is judged for;
 * - the built-in suite's secure references and insecure variants (seed 1, 6 variants): under their
 *   task's CWEs;
 * - CWEval's reference and unsafe files (TSP_BENCHMARKS_DIR): scanned and under their task's CWE;
 * - SafeCoder's dev-split functions, both sides: scanned and under the record's CWE (as
 *   `safecoder-quality.ts --as-task` does: strict, else lenient);
 * - real files of this machine (Python's and Go's standard libraries, JavaScript of node_modules,
 *   C sources and headers, libstdc++ headers): scanned. Absent folders are skipped (the header
 *   lines list how many inputs each set had, so a missing folder shows as a difference).
 *
 * A line is: set, input, task (or `-`), rule, severity, byte span, line span, CWEs, message. An
 * analysis that throws is one `ERR` line; notes are `NOTE` lines. The script prints the line count
 * and a sha256 of the output.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpus, makeFile, snippets } from '../bench/scan.ts';
import { createAnalyzer } from '../src/analyzers/analyzer.ts';
import { cwevalRoot, listTargets } from '../src/analyzers/cweval-quality.ts';
import { loadPairs, safecoderRoot } from '../src/analyzers/safecoder-quality.ts';
import { buildSuite } from '../src/benchmarks/builtin/build-suite.ts';
import type { CweId, Language } from '../src/spec/language.ts';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node --import tsx scripts/finding-snapshot.ts <output file>\n');
  process.exit(2);
}

const LANGS: Language[] = ['python', 'c', 'cpp', 'go', 'javascript'];
const analyzer = await createAnalyzer();
const lines: string[] = [];

/** Analyzes one input and appends its lines; `task` as the oracle judges it (strict, else lenient). */
async function record(set: string, id: string, code: string, language: Language, task?: readonly string[]) {
  const t = task ? task.join(',') : '-';
  const head = `${set}\t${id}\t${t}`;
  let result: Awaited<ReturnType<typeof analyzer.analyzeDetailed>>;
  try {
    result = task
      ? await analyzer
          .analyzeDetailed(code, language, { taskCwe: task as CweId[], strict: true, skipExternal: true })
          .catch(async (e: unknown) => {
            lines.push(`${head}\tSTRICT\t${e instanceof Error ? e.message : String(e)}`);
            return analyzer.analyzeDetailed(code, language, { taskCwe: task as CweId[], skipExternal: true });
          })
      : await analyzer.analyzeDetailed(code, language, { skipExternal: true });
  } catch (e) {
    lines.push(`${head}\tERR\t${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  for (const f of result.findings) {
    const s = f.span;
    lines.push(
      `${head}\t${f.ruleId}\t${f.severity}\t${s.startByte}-${s.endByte}\t${s.startLine}:${s.startColumn}-${s.endLine}:${s.endColumn}\t${f.cwe.join(',')}\t${f.message}`,
    );
  }
  for (const n of result.notes) lines.push(`${head}\tNOTE\t${n}`);
}

// The CWEs tasks are judged for: the built-in suite's and CWEval's.
const suite = buildSuite({ seed: 1, variantsPerFamily: { train: 6, eval: 6 } });
const cweval = cwevalRoot();
const targets = cweval ? listTargets(cweval) : [];
const taskCwes = [
  ...new Set([...suite.tasks.flatMap((t) => t.cwe), ...targets.map((t) => t.taskCwe)]),
].sort();

// 1. The bench's generated files: scanned, and under every task CWE.
for (const language of LANGS) {
  const pool = snippets(language);
  const files = Array.from({ length: 40 }, (_, k) => makeFile(language, pool, 1000 + k));
  lines.push(`# bench ${language}: ${files.length} files, ${taskCwes.length} task CWEs`);
  for (const [k, code] of files.entries()) {
    await record('bench', `${language}/${k}`, code, language);
    for (const cwe of taskCwes) await record('bench', `${language}/${k}`, code, language, [cwe]);
  }
}

// 2. The built-in suite's references under their tasks.
lines.push(`# suite: ${suite.tasks.length} tasks`);
for (const task of suite.tasks) {
  if (task.secureReference)
    await record('suite', `${task.id}/secure`, task.secureReference, task.language, task.cwe);
  for (const [i, code] of task.insecureVariants.entries())
    await record('suite', `${task.id}/insecure${i}`, code, task.language, task.cwe);
}

// 3. CWEval's files: scanned, and under their task.
lines.push(`# cweval: ${targets.length} targets`);
for (const t of targets) {
  const text = readFileSync(t.file, 'utf8');
  const id = `${t.id}/${t.kind}`;
  await record('cweval', id, text, t.language);
  await record('cweval', id, text, t.language, [t.taskCwe]);
  if (t.kind === 'insecure' && t.language === 'python' && t.lines) {
    const fn = text
      .split('\n')
      .slice(t.lines[0] - 1, t.lines[1])
      .join('\n');
    await record('cweval', `${id}/function`, fn, t.language, [t.taskCwe]);
  }
}

// 4. SafeCoder's dev split, both sides.
const sc = safecoderRoot();
const pairs = sc ? loadPairs(sc).filter((p) => p.split === 'dev') : [];
lines.push(`# safecoder dev: ${pairs.length} pairs`);
for (const [i, p] of pairs.entries())
  for (const [side, code] of [
    ['before', p.before],
    ['after', p.after],
  ] as const) {
    await record('safecoder', `${i}/${side}`, code, p.language);
    await record('safecoder', `${i}/${side}`, code, p.language, [p.cwe]);
  }

// 5. Real files of this machine, scanned.
const perPackage = (root: string, name: RegExp, each: number, n: number): string[] => {
  const found: string[] = [];
  if (!existsSync(root)) return found;
  for (const pkg of readdirSync(root).sort()) {
    if (found.length >= n) break;
    const dirs = pkg.startsWith('@')
      ? readdirSync(join(root, pkg))
          .sort()
          .map((d) => join(root, pkg, d))
      : [join(root, pkg)];
    for (const d of dirs) found.push(...corpus(d, name, Math.min(each, n - found.length)));
  }
  return found;
};
const real: [Language, string[]][] = [
  [
    'python',
    corpus('/usr/lib/python3.11', /\.py$/, 300, /\/(?:tests?|idlelib|lib2to3|site-packages|dist-packages)\//),
  ],
  ['go', corpus('/usr/lib/go-1.19/src', /^[^_].*(?<!_test)\.go$/, 300)],
  ['javascript', perPackage('node_modules', /^(?!.*\.min\.js$).*\.c?js$/, 8, 300)],
  [
    'c',
    [
      ...corpus('/usr/share/go-1.19', /\.c$/, 120),
      ...corpus('/usr/share/doc', /\.c$/, 100),
      ...corpus('/usr/include', /\.h$/, 120, /\/(?:c\+\+|X11|GL|GLES\d?|EGL|KHR)\//),
    ],
  ],
  ['cpp', corpus('/usr/include/c++/12', /\.(?:h|tcc)$/, 200)],
];
for (const [language, files] of real) {
  lines.push(`# real ${language}: ${files.length} files`);
  for (const f of files) await record('real', f, readFileSync(f, 'utf8'), language);
}

const text = `${lines.join('\n')}\n`;
writeFileSync(out, text);
process.stdout.write(
  `${out}: ${lines.length} lines, sha256 ${createHash('sha256').update(text).digest('hex').slice(0, 16)}\n`,
);
