import { describe, expect, it } from 'vitest';
import { applySamplingSettings, getPreset, REAL_MODEL_SAMPLING, setConfigValue } from './presets.ts';

describe('presets', () => {
  it('default compares all six methods with 8 samples per eval task; paper is the longer headline', () => {
    const d = getPreset('default');
    expect(d.methods).toEqual(['base', 'sft', 'spin', 'unlikelihood', 'tsp-release', 'tsp']);
    expect(d.eval.samplesPerTask).toBeGreaterThanOrEqual(8);
    expect(d.release).toEqual({ samples: 4, sampling: { temperature: 1, topP: 0.95, maxTokens: 192 } });
    const p = getPreset('paper');
    expect(p.seeds).toHaveLength(5);
    expect(p.training.rounds).toBe(3);
    expect(p.suite.maxEvalTasks).toBeGreaterThan(d.suite.maxEvalTasks);
    // the same base model as the default (found by its key among the shipped checkpoints)
    expect(p.base).toEqual(d.base);
  });
});

describe('setConfigValue', () => {
  const base = getPreset('smoke');

  it('sets a nested number, an array and an optional field, leaving the input untouched', () => {
    let c = setConfigValue(base, 'training.beta=0.5');
    c = setConfigValue(c, 'tree.sources=["oracle","value"]');
    c = setConfigValue(c, 'base.stages=[{"steps":5,"learningRate":0.001}]');
    expect(c.training.beta).toBe(0.5);
    expect(c.tree.sources).toEqual(['oracle', 'value']);
    expect(c.base.stages).toEqual([{ steps: 5, learningRate: 0.001 }]);
    expect(getPreset('smoke').base.stages).toBeUndefined();
    expect(base).toEqual(getPreset('smoke'));
    // a bare word is a string
    expect(setConfigValue(base, 'tree.segment=to-end').tree.segment).toBe('to-end');
  });

  it('removes an optional setting given null, and refuses null for a required one', () => {
    const staged = getPreset('default');
    expect(staged.base.stages?.length).toBeGreaterThan(0);
    const c = setConfigValue(staged, 'base.stages=null');
    expect(c.base.stages).toBeUndefined();
    expect('stages' in c.base).toBe(false);
    expect(() => setConfigValue(staged, 'training.beta=null')).toThrow(/training\.beta/);
  });

  it('rejects unknown settings, groups given a value, and values the schema refuses', () => {
    expect(() => setConfigValue(base, 'training.beeta=0.5')).toThrow(/no setting 'training.beeta'.*/);
    expect(() => setConfigValue(base, 'training.beta.x=1')).toThrow(/not a group/);
    expect(() => setConfigValue(base, 'training.beta=-1')).toThrow(/training\.beta/);
    expect(() => setConfigValue(base, 'tree.segment=sideways')).toThrow(/tree\.segment/);
    expect(() => setConfigValue(base, 'training')).toThrow(/path=value/);
    expect(() => setConfigValue(base, 'training=1')).toThrow(/training/);
  });
});

describe('applySamplingSettings', () => {
  const base = getPreset('default');

  it('gives a real model room to write (1024 tokens), then the flags, then each --set', () => {
    const real = applySamplingSettings(base, {}, { realModel: true });
    expect(real.tree.sampling).toEqual({ ...REAL_MODEL_SAMPLING.tree });
    expect(real.eval.sampling.maxTokens).toBe(1024);
    // the embedded model keeps the preset's settings
    expect(applySamplingSettings(base, {}, { realModel: false })).toEqual(base);
    const c = applySamplingSettings(
      base,
      {
        maxTokens: 600,
        temperature: 0.5,
        stop: ['\n\n\n'],
        samples: 6,
        set: ['tree.maxDepth=3', 'tree.sampling.maxTokens=700'],
      },
      { realModel: true },
    );
    expect(c.tree.sampling).toEqual({ temperature: 0.5, topP: 0.95, maxTokens: 700, stop: ['\n\n\n'] });
    expect(c.spin.sampling.maxTokens).toBe(600);
    expect(c.eval.sampling).toMatchObject({ temperature: 0.5, maxTokens: 600 });
    expect([c.tree.rootSamples, c.spin.samples, c.eval.samplesPerTask, c.tree.maxDepth]).toEqual([
      6, 6, 6, 3,
    ]);
    expect(base).toEqual(getPreset('default'));
  });
});
