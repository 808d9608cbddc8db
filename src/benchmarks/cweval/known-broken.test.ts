import { describe, expect, it } from 'vitest';
import { CWEVAL_KNOWN_BROKEN, knownBrokenCweval } from './known-broken.ts';

describe('CWEval known-broken tasks', () => {
  it('finds them by full task id, each with a reason', () => {
    const found = knownBrokenCweval(['cweval/core/js/cwe_078_0_js', 'cweval/core/py/cwe_078_0']);
    expect([...found.keys()]).toEqual(['cweval/core/js/cwe_078_0_js']);
    for (const reason of Object.values(CWEVAL_KNOWN_BROKEN)) expect(reason.length).toBeGreaterThan(40);
  });
});
