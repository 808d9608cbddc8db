/**
 * Slow end-to-end check of the embedded model (opt-in: TSP_SLOW=1, a few minutes of one core):
 * tokenizer + ~1M-parameter GPT pretrained on the built-in corpus, then the Policy continues
 * held-out programs and scores secure vs. corpus-typical continuations.
 */
import { describe, expect, it } from 'vitest';
import { buildCorpus } from '../src/benchmarks/builtin/corpus.ts';
import { createModel, EmbeddedPolicy, trainTokenizer, useBackend } from '../src/models/embedded/index.ts';
import { trainLanguageModel } from '../src/training/index.ts';

describe.skipIf(!process.env.TSP_SLOW)('embedded model on the built-in corpus (slow)', () => {
  it('learns the corpus and continues held-out programs with code', async () => {
    await useBackend('wasm');
    const { texts } = buildCorpus({ seed: 1, programs: 1000, neutral: 1000 });
    const train = texts.slice(0, -20);
    const heldOut = texts.slice(-20);
    const tok = trainTokenizer(train, 2048);
    const model = createModel(
      { vocabSize: tok.vocabSize, contextLength: 512, dModel: 128, nLayers: 4, nHeads: 4 },
      1,
    );
    const losses: number[] = [];
    await trainLanguageModel(
      model,
      tok,
      train,
      { epochs: 2, learningRate: 4e-3, warmupSteps: 20, batchTokens: 2048, maxBatchSize: 24 },
      { onStep: (s) => losses.push(s.loss) },
    );
    const tail = losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    // uniform over 2048 ids is ln 2048 = 7.6 nats; a unigram model of code tokens is ~5.5; below
    // 3.5 the model must be using context (keywords, indentation, identifiers of the program)
    expect(losses[0]).toBeGreaterThan(7);
    expect(tail).toBeLessThan(3.5);
    const policy = new EmbeddedPolicy(model, tok);
    // held-out programs score better than the same programs with their lines shuffled
    const scores = await policy.score(
      heldOut.flatMap((t) => {
        const lines = t.split('\n');
        const cut = Math.max(1, Math.floor(lines.length / 3));
        const prefix = `${lines.slice(0, cut).join('\n')}\n`;
        const rest = lines.slice(cut);
        const shuffled = [...rest].reverse();
        return [
          { prefix, continuation: rest.join('\n') },
          { prefix, continuation: shuffled.join('\n') },
        ];
      }),
    );
    let better = 0;
    for (let i = 0; i < scores.length; i += 2)
      if ((scores[i]?.total ?? 0) > (scores[i + 1]?.total ?? 0)) better++;
    expect(better).toBeGreaterThanOrEqual(15);
    const [gen] = await policy.generate([{ prompt: 'def ', n: 4, maxTokens: 60, temperature: 0.7, seed: 1 }]);
    for (const g of gen?.generations ?? []) expect(g.text.length).toBeGreaterThan(0);
    model.dispose();
  }, 1_800_000);
});
