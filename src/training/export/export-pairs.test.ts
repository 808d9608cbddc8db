import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pair } from '../../spec/tree.ts';
import {
  llamaFactoryDatasetInfo,
  readRunPairs,
  selectPairs,
  toLlamaFactoryAlpaca,
  toLlamaFactoryShareGpt,
  toTrlRecord,
  writeExport,
} from './export-pairs.ts';

const PROMPT = 'import sqlite3\n\ndef get_user(db, name):\n';
const PREFIX = `${PROMPT}    cur = db.cursor()\n`;
const CHOSEN_SEG = "    cur.execute('SELECT * FROM users WHERE name = ?', (name,))\n";
const REJECTED_SEG = '    cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")\n';
const TAIL = '    return cur.fetchone()\n';

function pair(over: Partial<Pair> = {}): Pair {
  return {
    id: 'p1',
    taskId: 'builtin/sql/0',
    round: 1,
    source: 'tsp',
    criticalBy: 'oracle',
    prompt: PROMPT,
    prefix: PREFIX,
    chosen: CHOSEN_SEG + TAIL,
    rejected: REJECTED_SEG + TAIL,
    chosenSegmentChars: CHOSEN_SEG.length,
    rejectedSegmentChars: REJECTED_SEG.length,
    chosenVerified: true,
    rejectedVerified: true,
    ...over,
  };
}

describe('preference export', () => {
  it('TRL standard format: exactly prompt / chosen / rejected, both variants', () => {
    const whole = toTrlRecord(pair(), 'whole');
    expect(Object.keys(whole).sort()).toEqual(['chosen', 'prompt', 'rejected']);
    expect(whole.prompt).toBe(PROMPT);
    // the complete programs are prompt + chosen / prompt + rejected
    expect(whole.prompt + whole.chosen).toBe(PREFIX + CHOSEN_SEG + TAIL);
    expect(whole.prompt + whole.rejected).toBe(PREFIX + REJECTED_SEG + TAIL);
    const seg = toTrlRecord(pair(), 'segment');
    expect(seg).toEqual({ prompt: PREFIX, chosen: CHOSEN_SEG + TAIL, rejected: REJECTED_SEG + TAIL });
    const only = toTrlRecord(pair(), 'segment-only');
    expect(only).toEqual({ prompt: PREFIX, chosen: CHOSEN_SEG, rejected: REJECTED_SEG });
  });

  it('segment ends each side where its program ends, so an appended end-of-sequence token is true', () => {
    // TRL's DPO tokenization appends EOS after chosen and after rejected: prompt + side + EOS must
    // be a whole program, not a program cut after the critical statement.
    const p = pair();
    const seg = toTrlRecord(p, 'segment');
    expect(seg.prompt + seg.chosen).toBe(p.prefix + p.chosen);
    expect(seg.prompt + seg.rejected).toBe(p.prefix + p.rejected);
    expect(seg.chosen.startsWith(CHOSEN_SEG)).toBe(true);
    expect(seg.rejected.startsWith(REJECTED_SEG)).toBe(true);
  });

  it('LLaMA-Factory alpaca and sharegpt rows match their dataset_info columns', () => {
    const a = toLlamaFactoryAlpaca(pair(), 'segment');
    expect(a).toEqual({
      instruction: PREFIX,
      input: '',
      chosen: CHOSEN_SEG + TAIL,
      rejected: REJECTED_SEG + TAIL,
    });
    const infoA = llamaFactoryDatasetInfo('d', 'd.json', 'alpaca').d as {
      ranking: boolean;
      columns: Record<string, string>;
    };
    expect(infoA.ranking).toBe(true);
    for (const col of Object.values(infoA.columns)) expect(a).toHaveProperty(col);
    const s = toLlamaFactoryShareGpt(pair(), 'whole');
    expect(s.conversations).toEqual([{ from: 'human', value: PROMPT }]);
    expect(s.chosen).toEqual({ from: 'gpt', value: `    cur = db.cursor()\n${CHOSEN_SEG}${TAIL}` });
    const infoS = llamaFactoryDatasetInfo('d', 'd.json', 'sharegpt').d as {
      formatting: string;
      columns: Record<string, string>;
      tags: Record<string, string>;
    };
    expect(infoS.formatting).toBe('sharegpt');
    for (const col of Object.values(infoS.columns)) expect(s).toHaveProperty(col);
    expect(infoS.tags.user_tag).toBe(s.conversations[0]?.from);
    expect(infoS.tags.assistant_tag).toBe(s.chosen.from);
  });

  it('keeps only verified pairs unless asked, and drops identical sides', () => {
    const pairs = [
      pair({ id: 'a' }),
      pair({ id: 'b', rejectedVerified: false }),
      pair({ id: 'c', rejected: CHOSEN_SEG + TAIL }),
      pair({ id: 'd', round: 2 }),
    ];
    expect(selectPairs(pairs).map((p) => p.id)).toEqual(['a', 'd']);
    expect(selectPairs(pairs, { includeUnverified: true }).map((p) => p.id)).toEqual(['a', 'b', 'd']);
    expect(selectPairs(pairs, { rounds: [2] }).map((p) => p.id)).toEqual(['d']);
  });

  it('reads a run directory and writes both formats to disk', async () => {
    const run = await mkdtemp(join(tmpdir(), 'tsp-export-'));
    await mkdir(join(run, 'pairs'));
    await writeFile(
      join(run, 'pairs', 'round-1.jsonl'),
      `${JSON.stringify(pair({ id: 'x' }))}\n${JSON.stringify(pair({ id: 'y', chosenVerified: false }))}\n`,
    );
    const pairs = await readRunPairs(run);
    expect(pairs.map((p) => p.id)).toEqual(['x', 'y']);
    const lf = await writeExport(pairs, join(run, 'lf'), { format: 'llamafactory' });
    expect(lf).toMatchObject({
      pairs: 1,
      skipped: 1,
      datasets: { whole: 'tsp_dpo_whole', segment: 'tsp_dpo_segment' },
    });
    const info = JSON.parse(await readFile(join(run, 'lf', 'dataset_info.json'), 'utf8'));
    expect(Object.keys(info)).toEqual(['tsp_dpo_whole', 'tsp_dpo_segment']);
    const rows = JSON.parse(await readFile(join(run, 'lf', info.tsp_dpo_segment.file_name), 'utf8'));
    expect(rows).toEqual([
      { instruction: PREFIX, input: '', chosen: CHOSEN_SEG + TAIL, rejected: REJECTED_SEG + TAIL },
    ]);
    const trl = await writeExport(pairs, join(run, 'trl'), { format: 'trl', variants: ['segment'] });
    const lines = (await readFile(join(run, 'trl', 'segment.jsonl'), 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { prompt: PREFIX, chosen: CHOSEN_SEG + TAIL, rejected: REJECTED_SEG + TAIL },
    ]);
    expect(trl.files.some((f) => f.endsWith('pairs-meta.jsonl'))).toBe(true);
    const meta = JSON.parse((await readFile(join(run, 'trl', 'pairs-meta.jsonl'), 'utf8')).trim());
    expect(meta).toMatchObject({ id: 'x', taskId: 'builtin/sql/0', round: 1, verified: true });
  });
});
