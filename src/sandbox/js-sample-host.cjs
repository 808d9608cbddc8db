// The JavaScript sample process (docs/decisions/0002): loads the sample's module and answers the
// observer's calls, one frame in on fd 3, one frame out on fd 4. Nothing here is trusted: the
// observer decodes what arrives into plain values and decides on its own side.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const codec = require('./js-codec.cjs');

const solutionPath = process.argv[2];
// What Object.prototype holds before the sample loads: keys added or members replaced are
// reported after each call.
// The probe's functions are captured before the sample loads (a sample that replaces
// Reflect.ownKeys or Object.getOwnPropertyDescriptor does not blind it).
const objectProto = Object.prototype;
const ownKeys = Reflect.ownKeys;
const descriptorOf = Object.getOwnPropertyDescriptor;
const apply = Reflect.apply;
const initial = new Map(ownKeys(objectProto).map((k) => [k, descriptorOf(objectProto, k)]));
const mapGet = Map.prototype.get;
const asString = String;
const pollution = () => {
  const out = [];
  const keys = apply(ownKeys, Reflect, [objectProto]);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const was = apply(mapGet, initial, [k]);
    const now = apply(descriptorOf, Object, [objectProto, k]);
    if (!was || now?.value !== was.value || now?.get !== was.get || now?.set !== was.set)
      out[out.length] = typeof k === 'symbol' ? 'symbol' : asString(k);
  }
  return out;
};

let mod;
let failure;
try {
  mod = require(solutionPath);
} catch (e) {
  const r = codec.errorRecord(e);
  failure = `the sample does not load: ${r.name}: ${r.message}`;
}

const out = new net.Socket({ fd: 4, readable: false, writable: true });
const send = (obj) => {
  let data;
  try {
    data = codec.frame(obj);
  } catch (e) {
    data = codec.frame({ exc: codec.errorRecord(e) });
  }
  out.write(data);
};

async function answer(msg) {
  if (failure !== undefined) return { unavailable: failure };
  if (msg.op === 'probe') {
    // After a test: what the sample deferred (setImmediate, timers due now) runs first.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ok: null, args: [], polluted: pollution() };
  }
  let args = [];
  try {
    args = (msg.args ?? []).map((a) => codec.decode(a));
    const target = msg.name === '' ? mod : mod?.[msg.name];
    let result = msg.op === 'call' ? Reflect.apply(target, undefined, args) : target;
    if (result && typeof result.then === 'function') result = await result;
    const argIndex = (v) => (v && typeof v === 'object' ? args.indexOf(v) : -1);
    return {
      ok: codec.encode(result, argIndex),
      args: args.map((a) => (a && typeof a === 'object' ? codec.encode(a) : null)),
      polluted: pollution(),
    };
  } catch (e) {
    return { exc: codec.errorRecord(e), polluted: pollution() };
  }
}

let queue = Promise.resolve();
const input = new net.Socket({ fd: 3, readable: true, writable: false });
const push = codec.frameReader((msg) => {
  queue = queue.then(() => answer(msg)).then(send);
});
input.on('data', (chunk) => {
  try {
    push(chunk);
  } catch {
    process.exit(0);
  }
});
// The observer closed the link: stop reading and let whatever the sample started finish (the
// process then ends by itself); the observer waits for that up to the sample's limit.
const finish = () => {
  input.removeAllListeners();
  input.destroy();
  out.end();
};
input.on('end', finish);
input.on('error', finish);
// Keep running while the observer holds the link open.
fs.fstatSync(3);
