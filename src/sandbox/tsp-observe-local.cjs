// `require('tsp-observe')` for harnesses run WITHOUT the sandboxed observer: only the suite's own
// trusted reference programs (src/benchmarks/builtin/local-runner.ts), in one process with the
// harness. The same API as the observer's (src/sandbox/js-observer.cjs), emulated in-process.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const seed = process.env.TSP_OBSERVE_SEED ?? 'tsp';
const initialKeys = new Set(Reflect.ownKeys(Object.prototype).map(String));
const baseEnv = { ...process.env };
let n = 0;

function token(label, length = 12) {
  if (label === undefined) label = `#${++n}`;
  return crypto.createHash('sha256').update(`${seed}:${label}`).digest('hex').slice(0, length);
}

module.exports = {
  token,
  word(label) {
    const h = token(label, 16);
    let w = '';
    for (let i = 0; i < 12; i += 2)
      w += String.fromCharCode(97 + (Number.parseInt(h.slice(i, i + 2), 16) % 26));
    return w;
  },
  canary(parent = '.') {
    // Each local test is a process of its own: a unique folder, not one drawn from the seed.
    const dir = fs.mkdtempSync(path.resolve(parent, 'c'));
    const marker = path.join(dir, token());
    const snap = () => {
      try {
        const st = fs.lstatSync(dir, { bigint: true });
        return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}:${st.nlink}`;
      } catch {
        return 'gone';
      }
    };
    const before = snap();
    return { path: dir, marker, touched: () => fs.existsSync(marker) || snap() !== before };
  },
  /** The file's mode now (the sandboxed observer also checks every mode it had meanwhile). */
  modeClear(p, bits) {
    return (fs.statSync(p).mode & bits) === 0;
  },
  polluted() {
    return Reflect.ownKeys(Object.prototype)
      .map(String)
      .filter((k) => !initialKeys.has(k));
  },
  /**
   * Without the sandboxed observer (trusted reference programs, one process): two calls, each after
   * Math.random was pinned to `randomSeed` (as restartSample does here), differ.
   */
  checkRandomness(fn, opts = {}) {
    this.restartSample(opts);
    const first = fn();
    this.restartSample(opts);
    if (JSON.stringify(first) === JSON.stringify(fn()))
      throw new (require('node:assert').AssertionError)({
        message: `the same value twice after the same restart: ${JSON.stringify(first)}`,
      });
  },
  restartSample(opts = {}) {
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, baseEnv, opts.env ?? {});
    if (opts.randomSeed !== undefined) {
      // A seeded generator in place of Math.random: the same seed gives the same sequence.
      let x = Number(opts.randomSeed) >>> 0 || 1;
      Math.random = () => {
        x ^= x << 13;
        x >>>= 0;
        x ^= x >>> 17;
        x ^= x << 5;
        x >>>= 0;
        return x / 4294967296;
      };
    }
  },
};
