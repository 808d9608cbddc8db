// TSP JavaScript test runner: runs inside the bubblewrap sandbox, once per sample. It loads the
// harness (CommonJS, `module.exports = { name: async () => {...} }`, which requires ./solution.js),
// runs the named tests one after another with a time limit each, and prints one JSON line per event
// on stdout, prefixed with a nonce. The sample's own console output goes to stderr.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const nonce = process.argv[2];
const harnessFile = process.argv[3];
const testMs = Number(process.argv[4]);
const tests = process.argv.slice(5);
const emit = (obj) => fs.writeSync(1, `${nonce} ${JSON.stringify(obj)}\n`);
const toErr = (chunk, enc, cb) => {
  try {
    fs.writeSync(2, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
  } catch {}
  if (typeof enc === 'function') enc();
  else if (typeof cb === 'function') cb();
  return true;
};
process.stdout.write = toErr;

function describe(e) {
  if (e && typeof e === 'object' && 'stack' in e && e.stack) return String(e.stack).slice(0, 2000);
  return String(e).slice(0, 2000);
}
function isAssertion(e) {
  return !!e && typeof e === 'object' && (e.name === 'AssertionError' || e.code === 'ERR_ASSERTION');
}

async function main() {
  let harness;
  let importError;
  try {
    harness = require(path.resolve(harnessFile));
  } catch (e) {
    importError = `import failed: ${describe(e)}`;
  }
  process.on('unhandledRejection', () => {});
  process.on('uncaughtException', () => {});
  for (const name of tests) {
    emit({ event: 'start', test: name });
    const t0 = performance.now();
    if (importError) {
      emit({ event: 'end', test: name, status: 'error', message: importError, ms: 0 });
      continue;
    }
    const fn = harness?.[name];
    if (typeof fn !== 'function') {
      emit({ event: 'end', test: name, status: 'error', message: `harness does not export ${name}`, ms: 0 });
      continue;
    }
    let timer;
    try {
      await Promise.race([
        Promise.resolve().then(() => fn()),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('test timeout'), { tspTimeout: true })),
            testMs,
          );
        }),
      ]);
      emit({ event: 'end', test: name, status: 'pass', ms: performance.now() - t0 });
    } catch (e) {
      const status = e?.tspTimeout ? 'timeout' : isAssertion(e) ? 'fail' : 'error';
      emit({ event: 'end', test: name, status, message: describe(e), ms: performance.now() - t0 });
    } finally {
      clearTimeout(timer);
    }
  }
  process.exit(0);
}
main();
