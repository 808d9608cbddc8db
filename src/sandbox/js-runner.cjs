// TSP JavaScript test runner: runs inside the bubblewrap sandbox, once per sample. It loads the
// harness (CommonJS, `module.exports = { name: async () => {...} }`, which requires ./solution.js),
// runs the named tests one after another with a time limit each, and prints one JSON line per event
// on stdout, prefixed with a nonce. The sample's own console output goes to stderr.
//
// The nonce comes on stdin (not argv or env, which the sample can read) and the reporting path is
// captured before the harness and the sample load, so a sample that writes lines of its own on fd 1,
// replaces fs.writeSync or JSON.stringify, or ends the process early cannot report a pass: a test
// without its nonce-prefixed end event is not passed (the TS side says why).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const nonce = fs.readFileSync(0, 'latin1').trim();
// argv: [--check <file>] <harness> <testMs> <tests...>
const args = process.argv.slice(2);
const checkFile = args[0] === '--check' ? args[1] : undefined;
if (checkFile !== undefined) args.splice(0, 2);
const harnessFile = args[0];
const testMs = Number(args[1]);
const tests = args.slice(2);
const apply = Reflect.apply;
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const now = performance.now.bind(performance);
const emit = (obj) => {
  apply(writeSync, fs, [1, `${nonce} ${apply(stringify, JSON, [obj])}\n`]);
};
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
  try {
    if (e && typeof e === 'object' && 'stack' in e && e.stack) return String(e.stack).slice(0, 2000);
    return String(e).slice(0, 2000);
  } catch {
    return 'unprintable exception';
  }
}
function isAssertion(e) {
  try {
    return !!e && typeof e === 'object' && (e.name === 'AssertionError' || e.code === 'ERR_ASSERTION');
  } catch {
    return false;
  }
}

/** The "build" of a JavaScript sample: it must compile as a CommonJS module (what `node --check` does). */
function checkSyntax(file) {
  const t0 = now();
  try {
    const source = fs.readFileSync(file, 'utf8');
    require('node:vm').compileFunction(
      source.replace(/^#!.*/, ''),
      ['exports', 'require', 'module', '__filename', '__dirname'],
      {
        filename: path.resolve(file),
      },
    );
    return { event: 'build', ok: true, ms: now() - t0 };
  } catch (e) {
    // Like `node --check`: "<file>:<line>", the source line with a caret, the error; no frames of ours.
    const text = describe(e)
      .split('\n')
      .filter((l) => !/^\s+at /.test(l))
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim();
    return { event: 'build', ok: false, log: text, ms: now() - t0 };
  }
}

async function main() {
  if (checkFile !== undefined) {
    const build = checkSyntax(checkFile);
    emit(build);
    if (!build.ok) process.exit(0);
  }
  // The harness's assertions cannot be switched off by the sample.
  for (const id of ['node:assert', 'node:assert/strict']) {
    try {
      Object.freeze(require(id));
    } catch {}
  }
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
    const t0 = now();
    if (importError) {
      emit({ event: 'end', test: name, status: 'error', message: importError, ms: 0 });
      continue;
    }
    let fn;
    try {
      fn = harness?.[name];
    } catch {}
    if (typeof fn !== 'function') {
      emit({ event: 'end', test: name, status: 'error', message: `harness does not export ${name}`, ms: 0 });
      continue;
    }
    let timer;
    try {
      // A hand-made race: `await` on native promises does not go through a (patchable) `.then`.
      await new Promise((resolve, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('test timeout'), { tspTimeout: true })),
          testMs,
        );
        (async () => {
          try {
            await fn();
            resolve();
          } catch (e) {
            reject(e);
          }
        })();
      });
      emit({ event: 'end', test: name, status: 'pass', ms: now() - t0 });
    } catch (e) {
      const status = e?.tspTimeout === true ? 'timeout' : isAssertion(e) ? 'fail' : 'error';
      emit({ event: 'end', test: name, status, message: describe(e), ms: now() - t0 });
    } finally {
      clearTimeout(timer);
    }
  }
  process.exit(0);
}
main();
