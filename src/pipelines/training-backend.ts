import type { Policy } from '../spec/policy.ts';

/** A supervised example: NLL on `target`, which continues `prompt`. */
export interface SftExample {
  prompt: string;
  target: string;
}

/** Both sides continue `prefix`; the TSP loss covers only the first `*SegmentChars` chars of each. */
export interface PreferenceExample {
  prefix: string;
  chosen: string;
  rejected: string;
  chosenSegmentChars?: number;
  rejectedSegmentChars?: number;
}

export type PreferenceLoss = 'dpo' | 'tsp' | 'unlikelihood';

export interface TrainStats {
  steps: number;
  tokens: number;
  firstLoss: number | null;
  lastLoss: number | null;
}

/** A model the experiment can sample from, train, copy and checkpoint. */
export interface TrainableModel {
  readonly policy: Policy;
  dispose(): void;
}

/**
 * What the experiment needs from a trainer. The embedded tfjs GPT implements it; tests use a fake;
 * an external trainer (LLaMA-Factory, TRL) can implement it over exported data and checkpoints.
 */
export interface TrainingBackend<M extends TrainableModel = TrainableModel> {
  readonly name: string;
  /** The pretrained base model (cached: built once per configuration). */
  base(onProgress?: (phase: string, done: number, total: number) => void): Promise<M>;
  clone(model: M): Promise<M>;
  sft(
    model: M,
    examples: readonly SftExample[],
    opts: { steps: number; seed: number; onStep?: (step: number, loss: number) => void },
  ): Promise<TrainStats>;
  preference(
    model: M,
    reference: M,
    examples: readonly PreferenceExample[],
    opts: {
      loss: PreferenceLoss;
      steps: number;
      seed: number;
      onStep?: (step: number, loss: number) => void;
    },
  ): Promise<TrainStats>;
  save(model: M, dir: string): Promise<void>;
  load(dir: string): Promise<M>;
}
