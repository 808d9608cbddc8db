import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathExists, resolveBenchmarksDir } from '../cweval/load-cweval.ts';
import {
  annotatedBranchPoints,
  dedent,
  loadSafeCoder,
  loadTspRelease,
  parseRiskAnnotations,
  recordsToTasks,
  releasePrefix,
} from './load-safecoder.ts';

const SECURE = `def get_user(db, name):
    cur = db.cursor()
    cur.execute("SELECT * FROM users WHERE name = ?", (name,))
    return cur.fetchone()
`;

const ANNOTATION = `\`\`\`
[[1]]
[Code_Line]  cur.execute("SELECT * FROM users WHERE name = ?", (name,))
[CWE_ID]CWE-089
[Description]SQL Injection. Formatting the name into the query
would let a user change it.

[[2]]
[Code_Line] return cur.fetchone()
[CWE_ID] not a cwe
[Description]Nothing.
\`\`\``;

const RECORD = {
  func_name: 'Repo::get_user',
  func_src_before: `    def get_user(db, name):\n        cur = db.cursor()\n        cur.execute("SELECT * FROM users WHERE name = '%s'" % name)\n        return cur.fetchone()\n`,
  func_src_after: SECURE.replace(/^/gm, '    '),
  vul_type: 'cwe-089',
  file_name: 'app/models.py',
  commit_link: 'https://example.invalid/commit/1',
  description: 'Write a function that finds a user by name.',
  output: ANNOTATION,
};

describe('release prefix rule', () => {
  it('takes the text before the first line equal after stripping', () => {
    expect(releasePrefix(SECURE, '   cur.execute("SELECT * FROM users WHERE name = ?", (name,))  ')).toBe(
      'def get_user(db, name):\n    cur = db.cursor()\n',
    );
    expect(releasePrefix('a\nb\na\n', 'a')).toBe('');
  });
  it('falls back to a substring covering at least half the line', () => {
    // the annotation dropped the trailing argument: still most of the line
    expect(releasePrefix(SECURE, 'cur.execute("SELECT * FROM users WHERE name = ?"')).toBe(
      'def get_user(db, name):\n    cur = db.cursor()\n',
    );
    // too short a fragment of a long line does not match
    expect(releasePrefix(SECURE, 'cur.execute(')).toBeUndefined();
    // the line is inside a longer annotation (e.g. a line with a trailing comment added)
    expect(releasePrefix(SECURE, 'return cur.fetchone()  # the row')).toBe(
      SECURE.slice(0, SECURE.indexOf('    return')),
    );
    expect(releasePrefix(SECURE, 'nothing like it')).toBeUndefined();
    expect(releasePrefix(SECURE, '   ')).toBeUndefined();
  });
  it('prefers an exact line over an earlier partial one', () => {
    expect(releasePrefix('x = foo(a, b)\nfoo(a, b)\n', 'foo(a, b)')).toBe('x = foo(a, b)\n');
  });
});

describe('annotation parsing', () => {
  it('reads code line, CWE and multi-line description per block', () => {
    const a = parseRiskAnnotations(ANNOTATION);
    expect(a).toHaveLength(2);
    expect(a[0]).toEqual({
      line: 'cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
      cwe: 'CWE-89',
      description: 'SQL Injection. Formatting the name into the query\nwould let a user change it.',
    });
    expect(a[1]?.cwe).toBeUndefined();
    expect(a[1]?.description).toBe('Nothing.');
  });
});

describe('SafeCoder / TSP release records to tasks', () => {
  it('builds a static-only task with references and risk annotations', () => {
    const { tasks, skipped, unmatchedAnnotations } = recordsToTasks(
      [RECORD, { ...RECORD, file_name: 'x.rb' }, { ...RECORD, file_name: 'X.java' }, { nope: 1 }],
      { source: 'tsp-release' },
    );
    expect(skipped).toEqual({ 'language .rb': 1, 'language .java': 1, 'invalid record': 1 });
    expect(unmatchedAnnotations).toEqual([]);
    const t = tasks[0];
    expect(t?.id).toBe('tsp-release/0000-Repo_get_user');
    expect(t?.entryPoint).toBe('get_user');
    expect(t?.cwe).toEqual(['CWE-89']);
    expect(t?.prompt).toBe('# Write a function that finds a user by name.\n');
    expect(t?.secureReference).toBe(t?.prompt + SECURE);
    expect(t?.insecureVariants[0]).toContain("'%s'\" % name");
    expect(t?.harness.kind).toBe('none');
    const points = annotatedBranchPoints(t!);
    expect(points.map((p) => p.prefix)).toEqual([
      `${t?.prompt}def get_user(db, name):\n    cur = db.cursor()\n`,
      `${t?.prompt}${SECURE.slice(0, SECURE.indexOf('    return'))}`,
    ]);
    expect(points.every((p) => t?.secureReference?.startsWith(p.prefix))).toBe(true);
  });
  it('comments the description in C-like languages and dedents tabs', () => {
    const { tasks } = recordsToTasks(
      [{ ...RECORD, file_name: 'a.go', func_src_after: '\tfunc f() {\n\t\treturn\n\t}', output: undefined }],
      { source: 'safecoder' },
    );
    expect(tasks[0]?.prompt).toBe('/*\nWrite a function that finds a user by name.\n*/\n');
    expect(tasks[0]?.secureReference?.endsWith('func f() {\n\treturn\n}')).toBe(true);
    expect(dedent('  a\n\n    b')).toBe('a\n\n  b');
  });
  it('reads JSONL and JSON files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'safecoder-'));
    await writeFile(join(dir, 'a.jsonl'), `${JSON.stringify(RECORD)}\n\n${JSON.stringify(RECORD)}\n`);
    await writeFile(join(dir, 'b.json'), JSON.stringify([RECORD]));
    expect((await loadSafeCoder(join(dir, 'a.jsonl'))).tasks).toHaveLength(2);
    expect((await loadTspRelease(join(dir, 'b.json'))).tasks[0]?.riskAnnotations).toHaveLength(2);
  });
});

const root = resolveBenchmarksDir();
const releaseFile = join(root, 'TSP/sec-new-desc_annotated.json');
const safecoderFile = join(root, 'SafeCoder/data_train_val/train/sec-new-desc.jsonl');
const have = (await pathExists(releaseFile)) && (await pathExists(safecoderFile));
if (!have && process.env.CI) throw new Error(`SafeCoder/TSP data missing under ${root} (required in CI)`);

describe.skipIf(!have)(`real SafeCoder / TSP release data (${have ? root : 'missing: skipped'})`, () => {
  it('loads the 421 records of both, keeping the five TSP languages', async () => {
    const sc = await loadSafeCoder(safecoderFile);
    const rel = await loadTspRelease(releaseFile);
    // 421 records: py 132, js 94 + jsx 7, c 45, go 41, cc 4 are kept; rb 75 and java 23 are not.
    expect(rel.tasks).toHaveLength(323);
    expect(rel.skipped).toEqual({ 'language .rb': 75, 'language .java': 23 });
    expect(sc.tasks).toHaveLength(323);
    const annotated = rel.tasks.filter((t) => t.riskAnnotations.length > 0);
    expect(annotated.length).toBe(rel.tasks.length);
    const matched = rel.tasks.filter((t) => annotatedBranchPoints(t).length > 0).length;
    // most annotations point at a real line of the secure code
    expect(matched / rel.tasks.length).toBeGreaterThan(0.9);
    expect(rel.unmatchedAnnotations.length).toBe(rel.tasks.length - matched);
  });
});
