// Values between the JavaScript observer and the sample process (docs/decisions/0002): tagged JSON
// that decodes into plain values only (primitives, arrays, plain objects with a null-safe prototype,
// Buffers, Maps, Sets, Dates). Whatever the sample defined (classes, getters, Proxies, functions,
// toString/valueOf tricks) arrives on the observer's side as an inert `Opaque`: the observer compares
// data the sample sent, never an object the sample made.
'use strict';

const MAX_DEPTH = 200;
// Captured when this module loads, before any sample code (a sample that patches JSON for its own
// reasons should not break its own answers).
const parseJson = JSON.parse;
const stringifyJson = JSON.stringify;

class Opaque {
  constructor(kind, text) {
    this.kind = kind;
    this.text = text;
  }
}

function isPlainObject(v) {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Encodes `v`; `argIndex(v)` names an argument object the value is (identity survives the trip). */
function encode(v, argIndex, depth = 0, seen = new Set()) {
  if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
  if (v === null) return null;
  switch (typeof v) {
    case 'undefined':
      return { $u: 1 };
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      if (Number.isNaN(v) || !Number.isFinite(v) || Object.is(v, -0))
        return { $n: String(Object.is(v, -0) ? '-0' : v) };
      return v;
    case 'bigint':
      return { $bi: v.toString() };
    case 'symbol':
      return { $x: 'symbol', t: String(v.description ?? '') };
    case 'function':
      return { $x: 'function', t: String(v.name ?? '') };
  }
  if (argIndex && depth === 0) {
    const i = argIndex(v);
    if (i >= 0) return { $arg: i };
  }
  if (seen.has(v)) return { $x: 'cycle', t: '' };
  seen.add(v);
  try {
    if (Buffer.isBuffer(v) || v instanceof Uint8Array) return { $b: Buffer.from(v).toString('base64') };
    if (Array.isArray(v)) return v.map((x) => encode(x, undefined, depth + 1, seen));
    if (v instanceof Map)
      return {
        $m: [...v].map(([k, x]) => [
          encode(k, undefined, depth + 1, seen),
          encode(x, undefined, depth + 1, seen),
        ]),
      };
    if (v instanceof Set) return { $s: [...v].map((x) => encode(x, undefined, depth + 1, seen)) };
    if (v instanceof Date) return { $dt: Number.isNaN(v.getTime()) ? null : v.toISOString() };
    if (v instanceof Error) return { $x: 'error', t: `${v.name}: ${v.message}`.slice(0, 300) };
    if (isPlainObject(v)) {
      const pairs = [];
      for (const k of Object.keys(v)) pairs.push([k, encode(v[k], undefined, depth + 1, seen)]);
      return { $o: pairs };
    }
    let name = 'object';
    try {
      name = String(v.constructor?.name ?? 'object');
    } catch {}
    return { $x: name.slice(0, 100), t: '' };
  } finally {
    seen.delete(v);
  }
}

/** Decodes into plain values; `arg(i)` gives back the caller's own argument object i. */
function decode(v, arg, depth = 0) {
  if (depth > MAX_DEPTH) throw new RangeError('value nested too deeply');
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((x) => decode(x, arg, depth + 1));
  if (typeof v !== 'object') throw new TypeError('unknown value encoding');
  if ('$u' in v) return undefined;
  if ('$n' in v) return v.$n === '-0' ? -0 : Number(String(v.$n));
  if ('$bi' in v) return BigInt(String(v.$bi));
  if ('$b' in v) return Buffer.from(String(v.$b), 'base64');
  if ('$arg' in v) {
    if (!arg) throw new TypeError('argument reference out of place');
    return arg(Number(v.$arg));
  }
  if ('$m' in v) return new Map(v.$m.map(([k, x]) => [decode(k, arg, depth + 1), decode(x, arg, depth + 1)]));
  if ('$s' in v) return new Set(v.$s.map((x) => decode(x, arg, depth + 1)));
  if ('$dt' in v) return new Date(v.$dt === null ? Number.NaN : String(v.$dt));
  if ('$o' in v) {
    const out = {};
    for (const [k, x] of v.$o) {
      const key = String(k);
      // A key like __proto__ is an own property here, as JSON.parse makes it: no setter runs.
      Object.defineProperty(out, key, {
        value: decode(x, arg, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if ('$x' in v) return new Opaque(String(v.$x).slice(0, 100), String(v.t ?? '').slice(0, 300));
  throw new TypeError('unknown value encoding');
}

/** Makes `target` (the caller's own object or array) hold `value` (what the callee left in its copy). */
function replaceContents(target, value) {
  if (Array.isArray(target) && Array.isArray(value)) {
    target.length = 0;
    for (const x of value) target.push(x);
    return;
  }
  if (target && typeof target === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const k of Object.keys(target)) if (!Object.hasOwn(value, k)) delete target[k];
    for (const k of Object.keys(value))
      Object.defineProperty(target, k, {
        value: value[k],
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
}

function errorRecord(e) {
  try {
    if (e && typeof e === 'object')
      return {
        name: String(e.name ?? 'Error').slice(0, 100),
        message: String(e.message ?? '').slice(0, 2000),
        code: typeof e.code === 'string' ? e.code.slice(0, 100) : undefined,
      };
    return { name: 'Error', message: `thrown: ${String(e).slice(0, 2000)}` };
  } catch {
    return { name: 'Error', message: 'unprintable exception' };
  }
}

const BUILTIN_ERRORS = { Error, TypeError, RangeError, SyntaxError, ReferenceError, URIError, EvalError };

/** The observer's copy of a sample's exception: a built-in Error class, name/message/code as data. */
function rebuildError(rec) {
  const name = String(rec?.name ?? 'Error');
  const Cls = Object.hasOwn(BUILTIN_ERRORS, name) ? BUILTIN_ERRORS[name] : Error;
  const e = new Cls(String(rec?.message ?? ''));
  if (Cls === Error && name !== 'Error') e.name = name;
  if (typeof rec?.code === 'string') e.code = rec.code;
  return e;
}

/** Length-prefixed frames on a stream: returns a push(chunk) that calls onFrame(obj) per frame. */
function frameReader(onFrame, maxBytes = 32 * 1024 * 1024) {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    while (buf.length >= 4) {
      const n = buf.readUInt32BE(0);
      if (n > maxBytes) throw new RangeError(`frame of ${n} bytes is over the limit`);
      if (buf.length < 4 + n) return;
      const body = buf.subarray(4, 4 + n);
      buf = buf.subarray(4 + n);
      onFrame(parseJson(body.toString('utf8')));
    }
  };
}

function frame(obj) {
  const body = Buffer.from(stringifyJson(obj), 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

module.exports = { Opaque, encode, decode, replaceContents, errorRecord, rebuildError, frameReader, frame };
