import { describe, expect, it } from 'vitest';
import type { ExternalRoundRecord } from '../training/export/external-trainer.ts';
import { retrainedPrevious } from './external-self-play.ts';

describe('--retrain-round', () => {
  const rounds = [1, 2].map((round) => ({ round }) as ExternalRoundRecord);
  it('reopens the last finished round, or trains the interrupted one again', () => {
    expect(retrainedPrevious(rounds, undefined)).toHaveLength(2);
    expect(retrainedPrevious(rounds, 3).map((r) => r.round)).toEqual([1, 2]);
    expect(retrainedPrevious(rounds, 2).map((r) => r.round)).toEqual([1]);
    expect(retrainedPrevious([], 1)).toEqual([]);
  });
  it('refuses an earlier round: the rounds after it sampled from its old model', () => {
    expect(() => retrainedPrevious(rounds, 1)).toThrow(/only round 2 or 3 can be trained again/);
  });
});
