/**
 * The base models shipped in models/ are only used when their corpus key matches a configuration;
 * a change to the corpus, the suite's slot partition or the base configuration makes one stale and
 * `tsp run` would pretrain for an hour. This test says so, and how to refresh them.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinBaseKey } from '../src/pipelines/builtin-experiment.ts';
import { getPreset, setConfigValue } from '../src/pipelines/presets.ts';

function shippedKey(dir: string): string | undefined {
  const config = JSON.parse(
    readFileSync(join(resolve(import.meta.dirname, '..'), 'models', dir, 'config.json'), 'utf8'),
  ) as { extra: { baseKey?: string } };
  return config.extra.baseKey;
}

describe('shipped base models', () => {
  it('models/base-default matches the default preset and corpus (refresh with `tsp pretrain --preset default --ship`)', () => {
    expect(shippedKey('base-default')).toBe(builtinBaseKey(getPreset('default')).key);
  });

  it('models/base-default-suite1 matches the default preset on suite version 1 (the runs before version 2)', () => {
    const v1 = setConfigValue(getPreset('default'), 'suite.version=1');
    expect(shippedKey('base-default-suite1')).toBe(builtinBaseKey(v1).key);
    expect(shippedKey('base-default-suite1')).toBe('741bb0d242b681754e473da7c904e44d');
  });
});
