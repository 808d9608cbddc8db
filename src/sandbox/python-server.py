# TSP Python fork-server. Runs inside the bubblewrap sandbox as the slot's unprivileged uid, started
# once per worker slot. It pre-imports the modules tests commonly need, then for every request
# (one JSON line on stdin) writes the sample's files into a fresh directory, forks a child per batch
# of tests, applies the limits in the child and answers one JSON line on stdout.
#
# The child runs the tests one after another and streams one event per test on a private pipe.
# When a child dies or hangs, the test it was running gets `crash` / `timeout` and the remaining
# tests run in a fresh child. After every sample the server kills every other process of the
# sandbox and removes the sample's files and anything it left in /tmp.
import fcntl
import json
import os
import resource
import select
import shutil
import signal
import sys
import time
import traceback

PRELOAD = [
    'abc', 'argparse', 'base64', 'binascii', 'collections', 'contextlib', 'copy', 'csv', 'ctypes',
    'dataclasses', 'datetime', 'decimal', 'enum', 'errno', 'fnmatch', 'functools', 'glob', 'hashlib',
    'hmac', 'html', 'html.parser', 'http', 'http.client', 'io', 'ipaddress', 'itertools', 'json',
    'logging', 'math', 'mimetypes', 'operator', 'os', 'pathlib', 'pickle', 'random', 're',
    'secrets', 'shlex', 'shutil', 'socket', 'sqlite3', 'stat', 'string', 'struct', 'subprocess',
    'tarfile', 'tempfile', 'textwrap', 'threading', 'time', 'traceback', 'typing', 'unicodedata',
    'urllib', 'urllib.parse', 'urllib.request', 'uuid', 'xml', 'xml.etree.ElementTree',
    'xml.dom.minidom', 'xml.sax', 'zipfile', 'zlib', 'unittest', 'unittest.mock',
    'yaml', 'lxml', 'lxml.etree', 'jwt', 'argon2', 'natsort', 'Cryptodome', 'flask', 'markupsafe',
]
WORK_ROOT = '/work'
MESSAGE_LIMIT = 2000


class TestTimeout(BaseException):
    """Raised in the child when a test passes its time limit (BaseException: harder to swallow)."""


def preload(extra):
    loaded = []
    for name in PRELOAD + list(extra):
        try:
            __import__(name)
            loaded.append(name)
        except BaseException:  # noqa: BLE001 - a missing optional module is fine
            pass
    return loaded


def set_dumpable(flag):
    """PR_SET_DUMPABLE = 4: a non-dumpable server cannot be ptraced or read via /proc by its children."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 1 if flag else 0, 0, 0, 0)
    except BaseException:  # noqa: BLE001
        pass


def clean_dir(path):
    """Removes everything inside `path` whatever permissions the sample set."""
    if not os.path.isdir(path):
        return
    for root, dirs, _files in os.walk(path):
        for d in dirs:
            try:
                os.chmod(os.path.join(root, d), 0o700)
            except OSError:
                pass
    for entry in os.listdir(path):
        p = os.path.join(path, entry)
        try:
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p, ignore_errors=True)
            else:
                os.unlink(p)
        except OSError:
            pass


def kill_strays():
    """Kills every process of this sandbox except pid 1 (bwrap) and the server itself."""
    me = os.getpid()
    for _ in range(3):
        found = False
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            pid = int(entry)
            if pid in (1, me):
                continue
            try:
                os.kill(pid, signal.SIGKILL)
                found = True
            except OSError:
                pass
        # reap our own children
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
            except ChildProcessError:
                break
        if not found:
            return


def child_main(req, sample_dir, tests, wfd, key):
    """In the forked child: limits, fresh module state, run tests, stream events, never return.

    Every event carries `key`, a random value of this batch: the server ignores lines without it,
    so a sample that finds the event pipe (/proc/self/fd) and writes "pass" lines of its own, then
    ends the process, reports nothing."""
    def report(obj):
        obj['k'] = key
        emit(wfd, obj)

    try:
        os.setsid()
        set_dumpable(True)
        devnull = os.open('/dev/null', os.O_RDONLY)
        os.dup2(devnull, 0)
        out = os.open(os.path.join(sample_dir, '.tsp-output'), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, wfd)
        os.closerange(wfd + 1, 1 << 16)
        lim = req['limits']
        statm = open('/proc/self/statm').read().split()
        base_vm = int(statm[0]) * resource.getpagesize()
        mem = base_vm + int(lim['memoryMb']) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        cpu = max(1, int(lim['cpuSeconds']))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(lim['maxFileBytes']),) * 2)
        resource.setrlimit(resource.RLIMIT_NPROC, (int(lim['maxProcs']),) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.chdir(sample_dir)
        os.environ.clear()
        os.environ.update({'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': sample_dir,
                           'TMPDIR': '/tmp', 'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8'})
        os.environ.update(req.get('env') or {})
        sys.path.insert(0, sample_dir)
        sys.dont_write_bytecode = True
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    except BaseException as e:  # noqa: BLE001
        report({'event': 'setup-error', 'message': repr(e)})
        os._exit(70)

    test_ms = int(lim['testTimeoutMs'])

    def on_alarm(_sig, _frame):
        raise TestTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    module = None
    import_error = None
    try:
        signal.setitimer(signal.ITIMER_REAL, test_ms / 1000.0)
        module = __import__(req.get('module', 'harness'))
        signal.setitimer(signal.ITIMER_REAL, 0)
    except TestTimeout:
        import_error = ('timeout', 'importing the harness and sample took longer than the test limit')
    except BaseException as e:  # noqa: BLE001
        signal.setitimer(signal.ITIMER_REAL, 0)
        import_error = ('error', 'import failed: ' + format_exc(e))
    for name in tests:
        t0 = time.perf_counter()
        report({'event': 'start', 'test': name, 't': time.monotonic()})
        if import_error is not None:
            report({'event': 'end', 'test': name, 'status': import_error[0], 'message': import_error[1],
                       'ms': 0})
            continue
        fn = getattr(module, 'test_' + name, None)
        if fn is None:
            report({'event': 'end', 'test': name, 'status': 'error',
                       'message': 'harness has no test_' + name, 'ms': 0})
            continue
        status, message = 'pass', None
        try:
            signal.setitimer(signal.ITIMER_REAL, test_ms / 1000.0)
            fn()
            signal.setitimer(signal.ITIMER_REAL, 0)
        except TestTimeout:
            status, message = 'timeout', 'test exceeded %d ms' % test_ms
        except AssertionError as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            status, message = 'fail', format_exc(e)
        except BaseException as e:  # noqa: BLE001
            signal.setitimer(signal.ITIMER_REAL, 0)
            status, message = 'error', format_exc(e)
        report({'event': 'end', 'test': name, 'status': status, 'message': message,
                   'ms': (time.perf_counter() - t0) * 1000, 't': time.monotonic()})
    os._exit(0)


def format_exc(e):
    try:
        tb = traceback.format_exception(type(e), e, e.__traceback__)
        text = ''.join(tb[-3:])
    except BaseException:  # noqa: BLE001
        text = repr(e)
    return text[-MESSAGE_LIMIT:]


# The child reports through functions captured before the sample is imported, so that a sample that
# patches json, str or os (deliberately or not) cannot break or redirect the reporting.
_encode_str = json.encoder.encode_basestring_ascii
_float_repr = float.__repr__
_os_write = os.write
_isinstance = isinstance
_str, _float, _int, _bool = str, float, int, bool


def _encode(obj):
    if obj is None:
        return 'null'
    if _isinstance(obj, _bool):
        return 'true' if obj else 'false'
    if _isinstance(obj, (_int, _float)):
        return _float_repr(_float(obj))
    if _isinstance(obj, _str):
        return _encode_str(obj)
    return '{' + ','.join(_encode_str(_str(k)) + ':' + _encode(v) for k, v in obj.items()) + '}'


def emit(fd, obj):
    data = _str.encode(_encode(obj) + '\n', 'utf-8', 'replace')
    while data:
        n = _os_write(fd, data)
        data = data[n:]


def run_batch(req, sample_dir, tests, deadline):
    """Forks one child for `tests`; returns (results, current_test, died_how).

    The server sleeps on a pidfd of the child and wakes once when it exits (or when a time limit may
    have passed), rather than once per test event: on a loaded machine every wake-up costs.
    The child stamps its events with CLOCK_MONOTONIC, so limits are measured from the test's start.
    """
    key = os.urandom(12).hex()
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, 1031, 1 << 20)  # F_SETPIPE_SZ: room for every event without blocking the child
    except OSError:
        pass
    pid = os.fork()
    if pid == 0:
        os.close(r)
        child_main(req, sample_dir, tests, w, key)
        os._exit(71)
    os.close(w)
    os.set_blocking(r, False)
    pfd = os.pidfd_open(pid)
    test_s = int(req['limits']['testTimeoutMs']) / 1000.0
    grace = 0.5
    state = {'results': {}, 'current': None, 'current_start': time.monotonic(), 'buf': b'',
             'setup_error': None, 'eof': False, 'flood': False}

    def drain():
        while True:
            try:
                chunk = os.read(r, 1 << 16)
            except BlockingIOError:
                return
            if not chunk:
                state['eof'] = True
                return
            state['buf'] += chunk
            if len(state['buf']) > 4 * 1024 * 1024:
                state['flood'] = True
                return
            while b'\n' in state['buf']:
                line, state['buf'] = state['buf'].split(b'\n', 1)
                try:
                    ev = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(ev, dict) or ev.get('k') != key:
                    continue
                kind = ev.get('event')
                name = ev.get('test')
                if kind == 'start' and name in tests:
                    state['current'] = name
                    try:
                        state['current_start'] = float(ev.get('t'))
                    except (TypeError, ValueError):
                        state['current_start'] = time.monotonic()
                elif kind == 'end' and name in tests and name not in state['results']:
                    state['results'][name] = {'name': name, 'status': ev.get('status', 'error'),
                                              'message': ev.get('message'), 'ms': float(ev.get('ms') or 0)}
                    if state['current'] == name:
                        state['current'] = None
                    try:
                        state['current_start'] = float(ev.get('t'))
                    except (TypeError, ValueError):
                        state['current_start'] = time.monotonic()
                elif kind == 'setup-error':
                    state['setup_error'] = str(ev.get('message'))

    died = None
    mono_deadline = time.monotonic() + (deadline - time.perf_counter())
    while True:
        # The current test (or the gap before the next one) may run test_s + grace from its start.
        limit = min(mono_deadline, state['current_start'] + test_s + grace)
        wait = limit - time.monotonic()
        if wait <= 0:
            drain()
            limit = min(mono_deadline, state['current_start'] + test_s + grace)
            if limit - time.monotonic() <= 0:
                died = 'timeout'
                break
            continue
        ready, _, _ = select.select([pfd], [], [], wait)
        if ready:
            break
        if state['flood']:
            died = 'flood'
            break
    drain()
    os.close(pfd)
    results, current, setup_error = state['results'], state['current'], state['setup_error']
    os.close(r)
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    status = None
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    if died is None and status is not None and len(results) < len(tests):
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            died = 'signal %s' % signal.Signals(sig).name if sig in signal.valid_signals() else str(sig)
            if sig == signal.SIGXCPU:
                died = 'timeout-cpu'
        else:
            died = 'exit %d' % os.WEXITSTATUS(status)
    if setup_error is not None:
        died = 'setup-error: ' + setup_error
    return results, current, died


def handle(req):
    sid = int(req['id'])
    sample_dir = os.path.join(WORK_ROOT, 's%d' % sid)
    shutil.rmtree(sample_dir, ignore_errors=True)
    os.mkdir(sample_dir, 0o700)
    for name, content in req['files'].items():
        path = os.path.normpath(os.path.join(sample_dir, name))
        if not path.startswith(sample_dir + '/'):
            raise ValueError('bad file name ' + name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as f:
            f.write(content)
    t0 = time.perf_counter()
    build = {'ok': True, 'log': None}
    src_name = req.get('checkSyntax')
    if src_name:
        try:
            compile(req['files'][src_name], src_name, 'exec')
        except BaseException as e:  # noqa: BLE001
            build = {'ok': False, 'log': format_exc(e)}
    tests = list(req['tests'])
    results = {}
    deadline = time.perf_counter() + int(req['limits']['sampleTimeoutMs']) / 1000.0
    remaining = tests if build['ok'] else []
    for name in tests if not build['ok'] else []:
        results[name] = {'name': name, 'status': 'error', 'message': 'does not compile', 'ms': 0}
    rounds = 0
    while remaining:
        rounds += 1
        if time.perf_counter() >= deadline:
            for name in remaining:
                results[name] = {'name': name, 'status': 'timeout', 'message': 'sample time limit reached',
                                 'ms': 0}
            break
        got, current, died = run_batch(req, sample_dir, remaining, deadline)
        results.update(got)
        left = [t for t in remaining if t not in results]
        if left and died is not None:
            victim = current if current in left else left[0]
            if died.startswith('timeout') or died == 'flood':
                st, msg = ('timeout', 'test time limit' if died == 'timeout' else 'CPU time limit')
                if died == 'flood':
                    st, msg = 'error', 'output flood on the result channel'
            elif died.startswith('setup-error'):
                st, msg = 'error', died
            elif died == 'exit 0':
                # os._exit(0) from the sample's code: the harness never finished this test.
                st, msg = 'error', 'test ended before the harness finished (exit 0)'
            else:
                st, msg = 'crash', 'test process died: ' + died
            results[victim] = {'name': victim, 'status': st, 'message': msg, 'ms': 0}
            left = [t for t in left if t != victim]
        remaining = left
        if rounds > len(tests) + 1:
            break
        kill_strays()
    kill_strays()
    output = ''
    try:
        with open(os.path.join(sample_dir, '.tsp-output'), 'rb') as f:
            output = f.read(int(req['limits'].get('maxOutputBytes', 65536))).decode('utf-8', 'replace')
    except OSError:
        pass
    clean_dir(sample_dir)
    shutil.rmtree(sample_dir, ignore_errors=True)
    clean_dir('/tmp')
    clean_dir('/dev/shm')
    clean_dir(WORK_ROOT)
    return {'id': sid, 'build': build, 'tests': [results.get(t, {'name': t, 'status': 'error',
                                                                   'message': 'no result', 'ms': 0})
                                                  for t in tests],
            'output': output, 'ms': (time.perf_counter() - t0) * 1000}


def main():
    # This program deletes everything under /work and /tmp between samples: only ever inside the
    # sandbox (its own pid namespace, where it is one of the first processes, and a private /work).
    if os.environ.get('TSP_IN_SANDBOX') != '1' or os.getpid() > 16:
        sys.stderr.write('python-server.py runs only inside the TSP sandbox\n')
        sys.exit(3)
    extra = [m for m in os.environ.get('TSP_PRELOAD', '').split(',') if m]
    loaded = preload(extra)
    set_dumpable(False)
    # Move every pre-imported object out of the collector's reach: a child's garbage collections
    # then do not touch (and copy-on-write) the server's pages after each fork.
    import gc
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    out = os.fdopen(os.dup(1), 'w')
    # Nothing the server imports may write on the protocol channel.
    devnull = os.open('/dev/null', os.O_WRONLY)
    os.dup2(devnull, 1)
    out.write(json.dumps({'ready': True, 'preloaded': len(loaded)}) + '\n')
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            resp = handle(req)
        except BaseException as e:  # noqa: BLE001
            resp = {'id': -1, 'fatal': format_exc(e)}
            try:
                resp['id'] = int(json.loads(line).get('id', -1))
            except BaseException:  # noqa: BLE001
                pass
        out.write(json.dumps(resp) + '\n')
        out.flush()


if __name__ == '__main__':
    main()
