import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../src/models/embedded/backend.ts';
import { loadCheckpoint, saveCheckpoint } from '../src/models/embedded/checkpoint.ts';
import { createModel } from '../src/models/embedded/gpt.ts';
import { EmbeddedPolicy } from '../src/models/embedded/policy.ts';
import { trainTokenizer } from '../src/models/embedded/tokenizer.ts';
import { type CompletionsServer, startCompletionsServer } from '../src/models/openai/completions-server.ts';
import { createOpenAIPolicy } from '../src/models/openai/openai-policy.ts';
import type { Policy } from '../src/spec/policy.ts';
import type { Pair } from '../src/spec/tree.ts';
import { runExternalSelfPlay } from '../src/training/export/external-trainer.ts';

/**
 * The external-trainer loop end to end, on the embedded model: the policy is served over the
 * OpenAI API by the same server `tsp serve` runs, the "external" trainer is `tsp dpo` started as
 * a shell command on each round's TRL export, and the new checkpoint is switched in through the
 * vLLM adapter-loading call. The round is a small release-style one (prefix + the secure
 * statement as chosen, prefix + the policy's own sample as rejected), not the full tree search.
 */
const REPO = resolve(import.meta.dirname, '..');
const PROMPT = 'def run(cmd):\n    import subprocess\n';
const SECURE = '    return subprocess.run(cmd, shell=False)\n';

let server: CompletionsServer;
let work: string;
let base: string;

async function loadPolicy(dir: string): Promise<EmbeddedPolicy> {
  const { model, tokenizer } = await loadCheckpoint(dir);
  return new EmbeddedPolicy(model, tokenizer);
}

beforeAll(async () => {
  await useBackend('wasm');
  work = await mkdtemp(join(tmpdir(), 'tsp-external-'));
  base = join(work, 'base');
  const tok = trainTokenizer([PROMPT + SECURE, 'import os\nos.system(cmd)\n'], 300);
  const model = createModel(
    { vocabSize: tok.vocabSize, contextLength: 128, dModel: 32, nLayers: 1, nHeads: 2 },
    3,
  );
  await saveCheckpoint(base, model, tok);
  model.dispose();
  server = await startCompletionsServer(await loadPolicy(base), {
    modelName: 'tiny',
    loadAdapter: loadPolicy,
  });
});
afterAll(async () => {
  await server?.close();
});

async function releaseStyleRound(policy: Policy, round: number): Promise<Pair[]> {
  const [r] = await policy.generate([
    { prompt: PROMPT, n: 3, temperature: 1, maxTokens: 16, seed: 100 + round },
  ]);
  return (r?.generations ?? [])
    .filter((g) => g.text !== SECURE)
    .map((g, i) => ({
      id: `r${round}-${i}`,
      taskId: 'demo/run',
      round,
      source: 'annotated' as const,
      prompt: PROMPT,
      prefix: PROMPT,
      chosen: SECURE,
      rejected: g.text,
      chosenSegmentChars: SECURE.length,
      rejectedSegmentChars: g.text.length,
      chosenVerified: true,
      rejectedVerified: true,
    }));
}

describe('tsp train --external loop over HTTP against the embedded model', () => {
  it('exports, runs the trainer command, loads its output as an adapter, and samples from it', async () => {
    const makePolicy = (t: { baseUrl: string; model: string }) =>
      createOpenAIPolicy({ endpoints: [{ baseUrl: t.baseUrl, model: t.model }] });
    const logs: string[] = [];
    const records = await runExternalSelfPlay({
      rounds: 2,
      initial: { baseUrl: server.url, model: 'tiny', modelPath: base },
      makePolicy,
      runRound: releaseStyleRound,
      trainerCommand: `node ${REPO}/bin/tsp.js dpo --model {model} --data {export}/segment.jsonl --out {output} --steps 8 --lr 3e-3`,
      switchMode: 'lora',
      workDir: join(work, 'loop'),
      format: 'trl',
      onLog: (l) => logs.push(l),
    });
    expect(records.map((r) => [r.round, r.policy.model, r.next.model])).toEqual([
      [1, 'tiny', 'tsp-round-1'],
      [2, 'tsp-round-1', 'tsp-round-2'],
    ]);
    expect(records[0]?.exported).toBeGreaterThan(0);
    expect(records[1]?.trainer.command).toContain(join(work, 'loop', 'round-1', 'model'));
    expect(server.models()).toEqual(['tiny', 'tsp-round-1', 'tsp-round-2']);
    // training moved probability towards the secure statement, measured over HTTP
    const score = async (model: string) =>
      (await makePolicy({ baseUrl: server.url, model }).score([{ prefix: PROMPT, continuation: SECURE }]))[0]
        ?.total ?? Number.NaN;
    const before = await score('tiny');
    const after = await score('tsp-round-2');
    expect(after).toBeGreaterThan(before);
  }, 180_000);
});
