import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOracle } from '../src/oracle/oracle.ts';
import { oracleProgramJudge, readTaskFile, validateTaskFile } from '../src/pipelines/task-file.ts';

/**
 * docs/tasks.md teaches writing tasks as folders of files assembled with jq. This test writes out
 * every `file=<folder>/<name>` block of the page, runs the page's own `assemble` command in each
 * folder, and validates the resulting task file as `tsp tasks validate` does (the sandboxed
 * oracle): one task per language, every one valid (each secure reference secure-pass, each insecure
 * variant caught by a security test, the prompt alone not passing).
 */
const DOC = readFileSync(resolve(import.meta.dirname, '..', 'docs', 'tasks.md'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'tsp-docs-tasks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docs/tasks.md', () => {
  it('its examples assemble with its jq command and pass tsp tasks validate', async () => {
    const files = [...DOC.matchAll(/```\w+ file=([\w.-]+)\/([\w.]+)\n([\s\S]*?)\n```/g)];
    const folders = [...new Set(files.map((m) => m[1] as string))];
    expect(folders).toEqual([
      'py-read-upload',
      'js-merge-settings',
      'c-value-at',
      'cpp-window',
      'go-archive-path',
    ]);
    for (const [, folder, name, body] of files) {
      mkdirSync(join(work, folder as string), { recursive: true });
      writeFileSync(join(work, folder as string, name as string), `${body}\n`);
    }
    const assemble = /```sh assemble\n([\s\S]*?)\n```/.exec(DOC)?.[1];
    expect(assemble).toContain('jq');
    for (const folder of folders) {
      const dir = join(work, folder);
      const ext = (readdirSync(dir).find((n) => n.startsWith('prompt.')) as string).slice('prompt.'.length);
      execFileSync('/bin/sh', ['-c', `ext=${ext}\n${assemble}`], { cwd: dir });
    }
    const read = await readTaskFile(join(work, 'my-tasks.jsonl'));
    expect(read.problems).toEqual([]);
    expect(read.tasks.map((t) => t.language)).toEqual(['python', 'javascript', 'c', 'cpp', 'go']);
    // The page teaches the current protocol (docs/decisions/0002): native examples are observed
    // (every test has `expect`, bodies run under tsp_select / TSP.Select, no argv dispatch), and the
    // Python and JavaScript examples draw their names and payloads through the helpers.
    for (const t of read.tasks) {
      const source = t.harness.kind === 'inline' ? t.harness.source : '';
      if (t.language === 'python') expect(source).toContain('import tsp_observe');
      else if (t.language === 'javascript') expect(source).toContain("require('tsp-observe')");
      else {
        expect(t.tests.filter((x) => x.expect === undefined).map((x) => x.name)).toEqual([]);
        expect(source).toMatch(t.language === 'go' ? /TSP\.begin\(os\.Args\)/ : /tsp_begin\(argc, argv\)/);
        for (const x of t.tests) expect(source).toContain(`{{test:${x.name}}}`);
        expect(source).not.toMatch(/argv\[1\]|os\.Args\[1\]|os\.Exit/);
      }
    }
    const oracle = await createOracle({ slots: 2 });
    try {
      const result = await validateTaskFile(read, { judge: oracleProgramJudge(oracle), concurrency: 2 });
      expect(result.tasks.filter((t) => !t.ok)).toEqual([]);
      expect(result.ok).toBe(true);
    } finally {
      await oracle.close();
    }
  }, 240_000);
});
