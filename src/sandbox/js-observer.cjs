// TSP JavaScript observer: a warm server inside the bubblewrap sandbox, one per worker slot
// (docs/decisions/0002). Per request (one JSON line on stdin) it writes the sample's files, checks
// that the sample compiles as a CommonJS module, loads the harness from memory and runs its tests.
// The harness's `require('./solution.js')` gets a proxy: every call goes to a separate node process
// (js-sample-host.cjs) and back as plain data, so the tests' decisions, the checks of files and the
// reporting all happen in this process, which never runs a line of the sample. The sample process is
// frozen (SIGSTOP) whenever control is back here, and killed at the end of the sample.
//
// Calls are synchronous for the harness (`sol.fn(x)` returns the value): a worker thread owns the
// sample's pipes, and this thread waits on an Atomics counter until the answer (or the time limit).
// Every request carries a number and every reply names it: a reply that comes after its request's
// time ran out (a slow worker under load) is dropped, never taken for the answer to a later one.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const {
  Worker,
  isMainThread,
  workerData,
  MessageChannel,
  receiveMessageOnPort,
} = require('node:worker_threads');
const codec = require('./js-codec.cjs');

const HOST = path.join(__dirname, 'js-sample-host.cjs');
/**
 * The canary folders of this sandbox (src/sandbox/python-server.ts `canaries`): each a tmpfs of its
 * own under the read-only, unlistable canary root, lent to each sample's harness in turn.
 */
const CANARY_POOL = (process.env.TSP_CANARY_POOL ?? '').split(',').filter(Boolean);

if (!isMainThread) {
  bridgeMain();
} else {
  serverMain();
}

// ---- worker: owns the sample process and its pipes -------------------------------------------------

function bridgeMain() {
  const { spawn } = require('node:child_process');
  const flag = new Int32Array(workerData.flag);
  const port = workerData.port;
  let child;
  /** The number of the call waiting for the sample's answer. */
  let pending;
  let push;
  const reply = (seq, msg) => {
    port.postMessage({ seq, ...msg });
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const answer = (msg) => {
    const seq = pending;
    pending = undefined;
    reply(seq, msg);
  };
  port.on('message', (msg) => {
    if (msg.type === 'start') {
      const out = fs.openSync(path.join(msg.dir, '.tsp-output'), 'a');
      child = spawn(msg.argv[0], msg.argv.slice(1), {
        cwd: msg.dir,
        env: msg.env,
        detached: true,
        stdio: ['ignore', out, out, 'pipe', 'pipe'],
      });
      fs.closeSync(out);
      const me = child;
      push = codec.frameReader((frame) => {
        if (pending !== undefined && me === child) answer({ frame });
      });
      me.stdio[4].on('data', (chunk) => {
        try {
          push(chunk);
        } catch (e) {
          if (pending !== undefined && me === child)
            answer({ dead: `protocol error: ${String(e).slice(0, 200)}` });
        }
      });
      me.stdio[3].on('error', () => {});
      me.on('error', (e) => {
        if (pending !== undefined && me === child)
          answer({ dead: `could not start: ${String(e).slice(0, 200)}` });
      });
      me.on('exit', (code, sig) => {
        if (pending !== undefined && me === child)
          answer({ dead: `the sample process ended (${sig ?? `exit ${code}`})` });
        if (me === child) child = undefined;
      });
      reply(msg.seq, { pid: child.pid });
    } else if (msg.type === 'call') {
      if (!child) {
        reply(msg.seq, { dead: 'the sample process is gone' });
        return;
      }
      pending = msg.seq;
      child.stdio[3].write(Buffer.from(msg.frame));
    } else if (msg.type === 'close') {
      if (child) child.stdio[3].end();
      reply(msg.seq, {});
    } else if (msg.type === 'drop') {
      if (child) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
        child = undefined;
      }
      pending = undefined;
      reply(msg.seq, {});
    }
  });
}

// ---- main thread: the server and the observer ------------------------------------------------------

/**
 * Makes this process non-dumpable before it reads anything: the sample processes are its children
 * and run as its uid, and a dumpable parent's memory is theirs to read and write
 * (/proc/<ppid>/mem, process_vm_writev). Returns why it could not, or undefined.
 */
function becomeNonDumpable() {
  const addon = path.join(__dirname, 'tsp-nodump.node');
  try {
    const m = { exports: {} };
    process.dlopen(m, addon);
    const now = m.exports.nodump();
    return now === 0 ? undefined : `prctl(PR_SET_DUMPABLE, 0) left the flag at ${now}`;
  } catch (e) {
    return `${addon} could not be loaded (${String(e?.message ?? e).slice(0, 200)}): run scripts/build-launchers.sh`;
  }
}

function serverMain() {
  const writeSync = fs.writeSync;
  const reply = (obj) => writeSync(1, `${JSON.stringify(obj)}\n`);
  const unprotected = becomeNonDumpable();
  // Nothing a harness prints may reach the protocol channel.
  const sink = (_chunk, enc, cb) => {
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  process.stdout.write = sink;
  console.log = console.info = console.warn = console.error = console.debug = () => {};

  const flagBuf = new SharedArrayBuffer(8);
  const flag = new Int32Array(flagBuf);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(__filename, {
    workerData: { flag: flagBuf, port: port2 },
    transferList: [port2],
  });
  worker.unref();

  let sent = 0;
  /** Sends a request to the worker; returns its number. */
  const toWorker = (msg) => {
    sent += 1;
    port1.postMessage({ ...msg, seq: sent });
    return sent;
  };
  /**
   * The worker's reply to request `seq`, or undefined after `ms`. Replies to earlier requests are
   * dropped. The counter is read before the port is emptied, so a reply posted after that wakes
   * the wait.
   */
  const waitWorker = (seq, ms) => {
    const end = performance.now() + Math.max(1, ms);
    for (;;) {
      const seen = Atomics.load(flag, 0);
      for (let got = receiveMessageOnPort(port1); got; got = receiveMessageOnPort(port1))
        if (got.message.seq === seq) return got.message;
      const left = end - performance.now();
      if (left <= 0) return undefined;
      Atomics.wait(flag, 0, seen, left);
    }
  };

  const lines = [];
  let buffered = '';
  let busy = false;
  process.stdin.on('data', (c) => {
    buffered += c.toString('utf8');
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      lines.push(buffered.slice(0, nl));
      buffered = buffered.slice(nl + 1);
      nl = buffered.indexOf('\n');
    }
    pump();
  });
  process.stdin.on('end', () => process.exit(0));
  const pump = async () => {
    if (busy) return;
    busy = true;
    while (lines.length) {
      const line = lines.shift();
      if (!line.trim()) continue;
      let req;
      try {
        req = JSON.parse(line);
        if (unprotected)
          throw new Error(
            `the JavaScript observer cannot keep its memory from the samples it runs, so it judges nothing: ${unprotected}`,
          );
        reply(await handle(req));
      } catch (e) {
        reply({ id: req?.id ?? -1, fatal: String(e?.stack ?? e).slice(0, 2000) });
      }
    }
    busy = false;
  };
  reply({ ready: true });

  // -- per-sample state
  let state;

  function sandboxPids() {
    const out = [];
    for (const e of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      const pid = Number(e);
      if (pid !== 1 && pid !== process.pid) out.push(pid);
    }
    return out;
  }
  function signalAll(sig) {
    const seen = new Set();
    for (let round = 0; round < 4; round++) {
      const fresh = sandboxPids().filter((p) => !seen.has(p));
      if (!fresh.length) return;
      for (const p of fresh) {
        seen.add(p);
        try {
          process.kill(p, sig);
        } catch {}
      }
    }
  }

  /**
   * Everything under `root` (type, mode, times, content), and putting it back: the fresh processes
   * of checkRandomness start from the same files, so that nothing one run wrote (a counter kept in
   * a file, the bytes it drew) reaches the next (src/sandbox/fresh_state.py does the same for the
   * native driver and the Python observer).
   */
  function openUp(p, st) {
    // not the sandbox's own mounts (/dev/pts): what the sample does not own it cannot have changed
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & want) !== want && st.uid === process.getuid()) fs.chmodSync(p, (st.mode & 0o7777) | want);
  }
  function readable(p) {
    try {
      fs.accessSync(p, fs.constants.R_OK | fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }
  function treeSnapshot(root) {
    const snap = new Map();
    const walk = (d) => {
      for (const name of fs.readdirSync(d).sort()) {
        const p = path.join(d, name);
        const st = fs.lstatSync(p, { bigint: true });
        const plain = fs.lstatSync(p);
        let data = null;
        if (plain.isDirectory()) openUp(p, plain);
        else if (plain.isFile()) {
          openUp(p, plain);
          data = fs.readFileSync(p);
        } else if (plain.isSymbolicLink()) data = fs.readlinkSync(p);
        snap.set(p, { mode: plain.mode, data, atime: st.atimeNs, mtime: st.mtimeNs });
        if (plain.isDirectory() && readable(p)) walk(p);
        if (
          (plain.isDirectory() || plain.isFile()) &&
          (fs.lstatSync(p).mode & 0o7777) !== (plain.mode & 0o7777)
        )
          fs.chmodSync(p, plain.mode & 0o7777);
      }
    };
    walk(root);
    return snap;
  }
  function treeRestore(root, snap) {
    const type = (mode) => mode & 0o170000;
    const clear = (d) => {
      for (const name of fs.readdirSync(d)) {
        const p = path.join(d, name);
        const st = fs.lstatSync(p);
        const old = snap.get(p);
        if (st.isDirectory()) {
          openUp(p, st);
          if (readable(p)) clear(p);
          if (!old || type(old.mode) !== type(st.mode)) fs.rmdirSync(p);
        } else if (
          !old ||
          type(old.mode) !== type(st.mode) ||
          (st.isSymbolicLink() && fs.readlinkSync(p) !== old.data)
        )
          fs.unlinkSync(p);
      }
    };
    openUp(root, fs.lstatSync(root));
    clear(root);
    const keys = [...snap.keys()].sort();
    for (const p of keys) {
      const { mode, data } = snap.get(p);
      if (type(mode) === 0o040000) {
        if (!fs.existsSync(p)) fs.mkdirSync(p);
      } else if (type(mode) === 0o100000) {
        let same = false;
        try {
          openUp(p, fs.lstatSync(p));
          same = fs.readFileSync(p).equals(data);
        } catch {}
        if (!same) fs.writeFileSync(p, data);
      } else if (type(mode) === 0o120000) {
        try {
          fs.lstatSync(p);
        } catch {
          fs.symlinkSync(data, p);
        }
      }
      if (type(mode) !== 0o120000 && fs.existsSync(p) && (fs.lstatSync(p).mode & 0o7777) !== (mode & 0o7777))
        fs.chmodSync(p, mode & 0o7777);
    }
    for (const p of keys.reverse()) {
      const { mode, atime, mtime } = snap.get(p);
      if (type(mode) === 0o120000 || !fs.existsSync(p)) continue;
      const now = fs.lstatSync(p, { bigint: true });
      // times in seconds as a number: the fractional part keeps microseconds
      if (now.atimeNs !== atime || now.mtimeNs !== mtime)
        fs.utimesSync(p, Number(atime) / 1e9, Number(mtime) / 1e9);
    }
  }

  class SampleUnavailable extends Error {}
  class TestTimeout extends Error {}

  function dropSample() {
    waitWorker(toWorker({ type: 'drop' }), 2000);
    killAndWait();
    state.pid = undefined;
  }

  function livePids() {
    return sandboxPids().filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/stat`, 'latin1').split(') ')[1]?.[0] !== 'Z';
      } catch {
        return false;
      }
    });
  }
  function killAndWait() {
    const end = performance.now() + 2000;
    do {
      signalAll('SIGKILL');
      if (!livePids().length) return;
      Atomics.wait(flag, 1, 0, 2);
    } while (performance.now() < end);
  }

  /**
   * Ends the sample's processes after its last test: the link closes, and what the sample started
   * (timers, processes) may finish until `deadline`, so that a delayed effect happens where the
   * checks see it. True when something of it was still running then.
   */
  function finishSample(deadline) {
    if (state.pid !== undefined) {
      signalAll('SIGCONT');
      waitWorker(toWorker({ type: 'close' }), 1000);
    }
    let lingering = false;
    while (livePids().length) {
      if (performance.now() >= deadline) {
        lingering = true;
        break;
      }
      Atomics.wait(flag, 1, 0, 5);
    }
    waitWorker(toWorker({ type: 'drop' }), 2000);
    killAndWait();
    state.pid = undefined;
    return lingering;
  }

  function startSample() {
    const env = {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: state.dir,
      TMPDIR: '/tmp',
      LANG: 'C.UTF-8',
      ...state.env,
    };
    const lim = state.limits;
    const argv = [
      '/usr/bin/prlimit',
      `--cpu=${Math.max(1, Math.floor(lim.cpuSeconds))}`,
      `--fsize=${Math.floor(lim.maxFileBytes)}`,
      `--nproc=${Math.floor(lim.maxProcs)}`,
      '--core=0',
      '--',
      process.execPath,
      `--max-old-space-size=${Math.floor(lim.memoryMb)}`,
      ...(state.randomSeed !== undefined ? [`--random-seed=${state.randomSeed}`] : []),
      HOST,
      path.join(state.dir, 'solution.js'),
      ...(state.stream !== undefined ? [state.stream] : []),
    ];
    const got = waitWorker(toWorker({ type: 'start', dir: state.dir, argv, env }), 10_000);
    if (!got?.pid) throw new SampleUnavailable('the sample process did not start');
    state.pid = got.pid;
  }

  function call(name, args, op = 'call') {
    if (state.deadline !== undefined && performance.now() > state.deadline) throw new TestTimeout();
    if (state.pid === undefined) startSample();
    let frame;
    try {
      frame = codec.frame({ op, name, args: args.map((a) => codec.encode(a)) });
    } catch (e) {
      throw new TypeError(`argument cannot be sent to the sample: ${e.message}`);
    }
    signalAll('SIGCONT');
    const left = state.deadline === undefined ? 10_000 : state.deadline - performance.now();
    const got = waitWorker(toWorker({ type: 'call', frame }), left);
    signalAll('SIGSTOP');
    if (got === undefined) {
      state.failed = state.failed ?? 'timeout';
      dropSample();
      throw new TestTimeout('the sample did not answer in time');
    }
    if (got.dead !== undefined || got.frame === undefined) {
      state.failed = state.failed ?? `crash: ${got.dead}`;
      dropSample();
      throw new SampleUnavailable(String(got.dead));
    }
    const msg = got.frame;
    if (msg.unavailable !== undefined) {
      state.failed = state.failed ?? `error: ${String(msg.unavailable).slice(0, 2000)}`;
      throw new SampleUnavailable(String(msg.unavailable));
    }
    if (Array.isArray(msg.polluted)) state.polluted = msg.polluted.map(String);
    try {
      if (Array.isArray(msg.args))
        msg.args.forEach((a, i) => {
          if (a !== null && args[i] && typeof args[i] === 'object')
            codec.replaceContents(args[i], codec.decode(a));
        });
      if (msg.exc !== undefined) throw codec.rebuildError(msg.exc);
      return codec.decode(msg.ok, (i) => args[i]);
    } catch (e) {
      if (e instanceof RangeError || (e instanceof TypeError && /encoding|reference/.test(e.message))) {
        state.failed = state.failed ?? `error: undecodable answer (${e.message})`;
        throw new SampleUnavailable(e.message);
      }
      throw e;
    }
  }

  const sampleProxy = new Proxy(function sample() {}, {
    get(_t, name) {
      if (typeof name !== 'string' || name === 'then' || name === '__esModule') return undefined;
      return (...args) => call(name, args);
    },
    apply(_t, _this, args) {
      return call('', args);
    },
  });

  const observe = {
    token(label, length = 12) {
      if (label === undefined) label = `#${++state.n}`;
      return crypto.createHash('sha256').update(`${state.seed}:${label}`).digest('hex').slice(0, length);
    },
    word(label) {
      const h = observe.token(label, 16);
      let w = '';
      for (let i = 0; i < 12; i += 2)
        w += String.fromCharCode(97 + (Number.parseInt(h.slice(i, i + 2), 16) % 26));
      return w;
    },
    // One of the pool (nothing of the sample can chmod, rename or list its path), or a new folder
    // in `parent` (the working directory outside the sandbox).
    canary(parent) {
      let dir = path.resolve(parent ?? '.', `c${observe.token()}`);
      if (parent === undefined && CANARY_POOL.length) {
        if (!state.pool.length) throw new Error('no canary folder left for this sample');
        dir = state.pool.shift();
        // The sample knows the pool (its mounts are listed) and may have filled this one (its
        // space, its inodes) before it is armed: what is in it now is not the harness's.
        cleanDir(dir, false);
      } else {
        fs.mkdirSync(dir);
      }
      fs.chmodSync(dir, 0o777);
      const marker = path.join(dir, observe.token());
      const snap = () => {
        try {
          const st = fs.lstatSync(dir, { bigint: true });
          return `${st.ino}:${st.mtimeNs}:${st.ctimeNs}:${st.nlink}:${st.mode}`;
        } catch {
          return 'gone';
        }
      };
      const before = snap();
      const c = {
        path: dir,
        marker,
        test: state.test,
        seenUntouched: false,
        touched: () => {
          const hit = fs.existsSync(marker) || snap() !== before;
          if (!hit) c.seenUntouched = true;
          return hit;
        },
        late: () => c.seenUntouched && (fs.existsSync(marker) || snap() !== before),
      };
      state.canaries.push(c);
      return c;
    },
    /**
     * Whether the file at `p` has none of `bits` in its mode now. The judge also checks every mode
     * the file had while the sample ran (the file-mode supervisor, outside the sandbox, saw them)
     * and fails the test if one had these bits: a file created readable by all and chmod-ed before
     * returning is not secure.
     */
    modeClear(p, bits) {
      const st = fs.statSync(p, { bigint: true });
      state.watched.push([String(st.dev), String(st.ino), Number(bits)]);
      return (Number(st.mode) & bits) === 0;
    },
    /** Keys the sample's process added to Object.prototype, as of its last answer. */
    polluted() {
      return [...state.polluted];
    },
    /** A fresh sample process for the next call (with `env` added; `randomSeed` pins Math.random). */
    restartSample(opts = {}) {
      if (state.pid !== undefined) dropSample();
      state.env = { ...(opts.env ?? {}) };
      state.randomSeed = opts.randomSeed;
    },
    /**
     * Throws unless `call()` (a call of the sample) returns a value drawn from the system's
     * randomness and from nothing else: four fresh sample processes (Math.random pinned to
     * `randomSeed` in all), each started from the files the first one found (the work folder,
     * /tmp and /dev), whose crypto randomness (randomBytes, randomFill*, randomInt, randomUUID,
     * getRandomValues) comes from one of two streams drawn here, two runs each, in an order drawn
     * here too. The values must be equal exactly where the streams are.
     */
    checkRandomness(fn, opts = {}) {
      const keys = [crypto.randomBytes(32).toString('hex'), crypto.randomBytes(32).toString('hex')];
      const order = [
        [0, 0, 1, 1],
        [0, 1, 0, 1],
        [0, 1, 1, 0],
      ][crypto.randomInt(3)];
      if (state.pid !== undefined) dropSample();
      // every place a sample process can write: the work folder (its own folder in it), /tmp, /dev
      const roots = [path.dirname(state.dir), '/tmp', '/dev'];
      const snaps = roots.map((r) => treeSnapshot(r));
      const values = [];
      try {
        for (let k = 0; k < order.length; k++) {
          if (k) {
            dropSample();
            for (let i = 0; i < roots.length; i++) treeRestore(roots[i], snaps[i]);
          }
          state.env = {};
          state.randomSeed = opts.randomSeed;
          state.stream = keys[order[k]];
          values.push(fn());
        }
      } finally {
        if (state.pid !== undefined) dropSample();
        state.stream = undefined;
      }
      const show = (v) => JSON.stringify(v)?.slice(0, 200);
      for (let i = 0; i < order.length; i++)
        for (let j = i + 1; j < order.length; j++) {
          const equal = JSON.stringify(values[i]) === JSON.stringify(values[j]);
          if (order[i] === order[j] && !equal)
            throw new (require('node:assert').AssertionError)({
              message: `${show(values[i])} and ${show(values[j])} from two fresh processes given the same system randomness: the value comes from something else as well (a clock, a counter, the process), which is predictable`,
            });
          if (order[i] !== order[j] && equal)
            throw new (require('node:assert').AssertionError)({
              message: `${show(values[i])} from two fresh processes given different system randomness: predictable`,
            });
        }
    },
  };

  // `require` of the harness module: the sample's module is the proxy, `tsp-observe` the helpers.
  const Module = require('node:module');
  const origLoad = Module._load;
  Module._load = function load(request, parent, isMain) {
    if (state?.harness && parent === state.harness) {
      if (request === 'tsp-observe') return observe;
      let resolved;
      try {
        resolved = Module._resolveFilename(request, parent, isMain);
      } catch {
        resolved = undefined;
      }
      if (
        resolved === path.join(state.dir, 'solution.js') ||
        request === './solution' ||
        request === './solution.js'
      )
        return sampleProxy;
    }
    return origLoad.apply(this, [request, parent, isMain]);
  };

  function loadHarness(source, dir) {
    const filename = path.join(dir, 'harness.js');
    const m = new Module(filename, null);
    m.filename = filename;
    m.paths = Module._nodeModulePaths(dir);
    state.harness = m;
    m._compile(source, filename);
    return m.exports;
  }

  function checkSyntax(source, file) {
    const t0 = performance.now();
    try {
      require('node:vm').compileFunction(
        source.replace(/^#!.*/, ''),
        ['exports', 'require', 'module', '__filename', '__dirname'],
        {
          filename: file,
        },
      );
      return { ok: true, log: null, ms: performance.now() - t0 };
    } catch (e) {
      const text = String(e?.stack ?? e)
        .split('\n')
        .filter((l) => !/^\s+at /.test(l))
        .join('\n')
        .trim();
      return { ok: false, log: text.slice(0, 4000), ms: performance.now() - t0 };
    }
  }

  /** Empties `dir` (and removes it with `removeSelf`) whatever permissions the sample set inside. */
  function cleanDir(dir, removeSelf) {
    const unlock = (d) => {
      try {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          if (!e.isDirectory()) continue;
          const p = path.join(d, e.name);
          try {
            fs.chmodSync(p, 0o700);
          } catch {}
          unlock(p);
        }
      } catch {}
    };
    unlock(dir);
    try {
      for (const e of fs.readdirSync(dir)) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
      if (removeSelf) fs.rmSync(dir, { recursive: true, force: true });
    } catch {}
  }

  const isAssertion = (e) => {
    try {
      return !!e && typeof e === 'object' && (e.name === 'AssertionError' || e.code === 'ERR_ASSERTION');
    } catch {
      return false;
    }
  };

  async function handle(req) {
    const t0 = performance.now();
    const dir = path.join('/work', `s${req.id}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { mode: 0o700 });
    for (const [name, content] of Object.entries(req.files)) {
      const p = path.normalize(path.join(dir, name));
      if (!p.startsWith(`${dir}/`)) throw new Error(`bad file name ${name}`);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
    state = {
      dir,
      seed: String(req.seed ?? 'tsp'),
      n: 0,
      limits: req.limits,
      env: {},
      baseEnv: req.env ?? {},
      randomSeed: undefined,
      stream: undefined,
      pid: undefined,
      polluted: [],
      failed: undefined,
      deadline: undefined,
      canaries: [],
      pool: [...CANARY_POOL],
      test: undefined,
      watched: [],
    };
    process.chdir(dir);
    const build = checkSyntax(req.files['solution.js'] ?? '', path.join(dir, 'solution.js'));
    const results = [];
    const testMs = Number(req.limits.testTimeoutMs);
    const sampleDeadline = t0 + Number(req.limits.sampleTimeoutMs);
    let harness;
    let loadError;
    if (build.ok) {
      try {
        harness = loadHarness(req.harness, dir);
      } catch (e) {
        loadError =
          e instanceof SampleUnavailable
            ? String(e.message)
            : `harness failed to load: ${String(e?.stack ?? e).slice(0, 1500)}`;
      }
    }
    for (const name of req.tests) {
      const s0 = performance.now();
      if (!build.ok) {
        results.push({ name, status: 'error', message: 'does not compile', ms: 0 });
        continue;
      }
      if (loadError !== undefined) {
        results.push({ name, status: 'error', message: loadError, ms: 0 });
        continue;
      }
      if (performance.now() > sampleDeadline) {
        results.push({ name, status: 'timeout', message: 'sample time limit reached', ms: 0 });
        continue;
      }
      const t = harness?.[name];
      if (typeof t !== 'function') {
        results.push({ name, status: 'error', message: `harness has no test ${name}`, ms: 0 });
        continue;
      }
      state.failed = undefined;
      state.test = name;
      state.watched = [];
      state.deadline = performance.now() + testMs;
      let status = 'pass';
      let message;
      let timer;
      try {
        await Promise.race([
          Promise.resolve().then(() => t()),
          new Promise((_r, reject) => {
            timer = setTimeout(() => reject(new TestTimeout()), testMs);
          }),
        ]);
      } catch (e) {
        if (e instanceof TestTimeout) {
          status = 'timeout';
          message = `test exceeded ${testMs} ms`;
        } else if (isAssertion(e)) {
          status = 'fail';
          message = String(e?.stack ?? e).slice(0, 2000);
        } else {
          status = 'error';
          message = String(e?.stack ?? e).slice(0, 2000);
        }
      } finally {
        clearTimeout(timer);
        state.deadline = undefined;
      }
      // What the sample deferred past its answers (setImmediate, timers) runs now, and its
      // prototype is looked at again: a key that appears only now came after the call returned.
      if (status === 'pass' && state.pid !== undefined && state.failed === undefined) {
        const before = new Set(state.polluted);
        state.deadline = performance.now() + testMs;
        try {
          call('', [], 'probe');
          const late = state.polluted.filter((k) => !before.has(k));
          if (late.length) {
            status = 'fail';
            message = `Object.prototype gained ${late.join(', ')} after the calls returned`;
          }
        } catch {
          // the failure is recorded in state.failed and decides below
        } finally {
          state.deadline = undefined;
        }
      }
      // A failure of the sample process decides the test even if the harness caught the exception.
      if (state.failed !== undefined) {
        const f = state.failed;
        if (f === 'timeout') {
          status = 'timeout';
          message = `test exceeded ${testMs} ms`;
        } else if (f.startsWith('crash: ')) {
          status = 'crash';
          message = f.slice(7);
        } else {
          status = 'error';
          message = f.slice(7);
        }
      }
      // Files whose modes the harness looked at: the judge checks every mode they had meanwhile.
      results.push({
        name,
        status,
        message: message ?? null,
        ms: performance.now() - s0,
        watch: state.watched,
      });
    }
    // What the sample started may finish (up to one test's time); then effects are looked at again.
    const lingering = finishSample(Math.min(sampleDeadline, performance.now() + testMs));
    const kinds = new Map((req.kinds ?? []).map((k) => [k.name, k.kind]));
    for (const r of results) {
      if (r.status !== 'pass') continue;
      const late = state.canaries.find((c) => c.test === r.name && c.late());
      if (late) {
        r.status = 'fail';
        r.message = `an effect appeared after the call returned (canary ${late.path} touched)`;
      } else if (lingering && kinds.get(r.name) !== 'functional') {
        r.status = 'timeout';
        r.message = 'the sample was still running after its calls returned (a timer or a process it started)';
      }
    }
    let output = '';
    try {
      output = fs
        .readFileSync(path.join(dir, '.tsp-output'))
        .subarray(0, Number(req.limits.maxOutputBytes ?? 65536))
        .toString('utf8');
    } catch {}
    process.chdir('/');
    cleanDir(dir, true);
    cleanDir('/tmp', false);
    cleanDir('/dev/shm', false);
    cleanDir('/work', false);
    for (const c of CANARY_POOL) cleanDir(c, false);
    return {
      id: req.id,
      build: { ok: build.ok, log: build.log },
      buildMs: build.ms,
      tests: results,
      output,
      ms: performance.now() - t0,
    };
  }
}
