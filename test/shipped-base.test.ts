/**
 * The base model shipped in models/ is only used when its corpus key matches the default preset;
 * a change to the corpus, the suite's slot partition or the base configuration makes it stale and
 * `tsp run` would pretrain for half an hour. This test says so, and how to refresh it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinBaseKey } from '../src/pipelines/builtin-experiment.ts';
import { getPreset } from '../src/pipelines/presets.ts';

describe('models/base-default', () => {
  it('matches the default preset and corpus (refresh with `tsp pretrain --preset default --ship`)', () => {
    const config = getPreset('default');
    const shipped = JSON.parse(
      readFileSync(join(resolve(import.meta.dirname, '..'), 'models', 'base-default', 'config.json'), 'utf8'),
    ) as {
      extra: { baseKey?: string };
    };
    expect(shipped.extra.baseKey).toBe(builtinBaseKey(config).key);
  });
});
