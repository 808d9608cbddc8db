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
import secrets
import select
import shutil
import signal
import socket
import sys
import time
import traceback
import types

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coverage_gate  # noqa: E402
import fresh_state  # noqa: E402
import sample_proxy  # noqa: E402
import tsp_observe  # noqa: E402

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
# The canary folders of this sandbox (src/sandbox/python-server.ts `canaries`), lent to each sample.
CANARY_POOL = [p for p in os.environ.get('TSP_CANARY_POOL', '').split(',') if p]
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


def kill_strays():
    """Kills every process of this sandbox except pid 1 (bwrap), the server and the factory."""
    me = os.getpid()
    for _ in range(3):
        found = False
        for entry in os.listdir('/proc'):
            if not entry.isdigit():
                continue
            pid = int(entry)
            if pid in (1, me, FACTORY['pid']):
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


def apply_limits(lim):
    """The sample's limits (RLIMIT_AS counts from the process's size now: the fork shares the server)."""
    statm = open('/proc/self/statm').read().split()
    base_vm = int(statm[0]) * resource.getpagesize()
    mem = base_vm + int(lim['memoryMb']) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    cpu = max(1, int(lim['cpuSeconds']))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(lim['maxFileBytes']),) * 2)
    resource.setrlimit(resource.RLIMIT_NPROC, (int(lim['maxProcs']),) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def factory_main(ctrl):
    """Forks sample processes on request. Started before the server reads any request, so that a
    sample process (a fork of this one) holds nothing of any harness, seed or expectation."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    import random
    random_state = random.getstate()
    while True:
        try:
            data = ctrl.recv(1 << 16)
        except OSError:
            os._exit(0)
        if not data:
            os._exit(0)
        try:
            req = json.loads(data)
            sock, pid = sample_proxy.start_sample_process(
                req['dir'], req['module'], req['limits'], req.get('env') or {}, apply_limits, random_state,
                bool(req.get('streamFollows')), bool(req.get('coverage')))
            socket.send_fds(ctrl, [json.dumps({'pid': pid}).encode()], [sock.fileno()])
            sock.close()
        except BaseException as e:  # noqa: BLE001
            try:
                ctrl.send(json.dumps({'error': repr(e)}).encode())
            except OSError:
                os._exit(0)


FACTORY = {'pid': None, 'sock': None}


def start_factory(fresh_exec):
    """The factory: forked at start-up (nothing seen yet), re-executed afresh if a sample killed it."""
    if FACTORY['sock'] is not None:
        FACTORY['sock'].close()
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid == 0:
        mine.close()
        if fresh_exec:
            os.set_inheritable(theirs.fileno(), True)
            os.execv(sys.executable, [sys.executable, '-I', os.path.abspath(__file__), '--factory',
                                      str(theirs.fileno())])
        factory_main(theirs)
        os._exit(0)
    theirs.close()
    FACTORY['pid'], FACTORY['sock'] = pid, mine


def factory_alive():
    pid = FACTORY['pid']
    if pid is None:
        return False
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        return done == 0
    except ChildProcessError:
        return False


def observer_main(req, sample_dir, tests, wfd, key):
    """In the forked observer: runs the harness and decides each test; never runs the sample's code.

    The harness's `import solution` gets a proxy (sample_proxy.ProxyModule): every call goes to a
    sample process forked by the factory, one per test, killed when the test ends and frozen
    (SIGSTOP) whenever the observer looks, so that nothing of the sample runs while a check reads
    the files. The observer stays non-dumpable: a sample process cannot ptrace it or read its memory
    or its descriptors through /proc. Every event carries `key`."""
    def report(obj):
        obj['k'] = key
        emit(wfd, obj)

    server_pid = os.getppid()
    try:
        os.setsid()
        devnull = os.open('/dev/null', os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        ctrl = FACTORY['sock']
        keep_fds = sorted({wfd, ctrl.fileno()})
        low = 3
        for fd in keep_fds:
            os.closerange(low, fd)
            low = fd + 1
        os.closerange(low, 1 << 16)
        lim = req['limits']
        cpu = max(1, int(lim['cpuSeconds'])) * 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.chdir(sample_dir)
        os.environ.clear()
        os.environ.update({'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': sample_dir,
                           'TMPDIR': '/tmp', 'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8'})
        # The sample's folder is NOT on the observer's sys.path: a module the sample writes there
        # must never be imported by the judge (a lazy import in a harness would run its code here).
        sys.dont_write_bytecode = True
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        tsp_observe.configure(req.get('seed') or 'tsp', CANARY_POOL)
    except BaseException as e:  # noqa: BLE001
        report({'event': 'setup-error', 'message': repr(e)})
        os._exit(70)

    keep = {server_pid, FACTORY['pid'], os.getpid()}

    def sample_pids():
        return sample_proxy.sandbox_pids_except(keep)

    current = {'link': None, 'env': None, 'links': [], 'stream': None}
    # Every sample process of this observer: what of the program ran in them (coverage_gate).
    all_links = []

    def coverage_so_far():
        merged = {}
        problem = None
        for lk in all_links:
            for idx, offs in lk.coverage.items():
                merged.setdefault(idx, set()).update(offs)
            problem = problem or lk.cov_problem
        return [[idx, sorted(offs)] for idx, offs in merged.items()], problem

    def get_link():
        link = current['link']
        if link is None:
            env = dict(req.get('env') or {})
            env.update(current['env'] or {})
            ctrl.send(json.dumps({'dir': sample_dir, 'module': req.get('sampleModule') or 'solution',
                                  'limits': lim, 'env': env, 'streamFollows': current['stream'] is not None,
                                  'coverage': bool(req.get('coverage'))}).encode())
            try:
                data, fds, _flags, _addr = socket.recv_fds(ctrl, 1 << 16, 1)
            except OSError as e:
                raise sample_proxy.SampleUnavailable('no sample process (%r)' % (e,)) from None
            if not fds:
                raise sample_proxy.SampleUnavailable('no sample process: %s' % data[:300])
            info = json.loads(data)
            # The sample process leads its own process group: it and what it started stay stopped
            # while the observer looks (a process that left the group is killed at the test's end).
            link = sample_proxy.SampleLink(
                socket.socket(fileno=fds[0]), int(info['pid']),
                on_before_call=lambda lk: sample_proxy.signal_group(lk.pid, signal.SIGCONT),
                on_after_call=lambda lk: (sample_proxy.signal_group(lk.pid, signal.SIGSTOP), check_sample(lk)),
                coverage=bool(req.get('coverage')))
            if current['stream'] is not None:
                # the key goes to the sample process only (see sample_proxy.serve_sample)
                sample_proxy.send_msg(link.sock, {'stream': current['stream']})
            current['link'] = link
            current['links'].append(link)
            all_links.append(link)
        return link

    def end_sample(deadline=None):
        """Ends the test's sample processes. With a deadline, first lets them finish what they
        started (threads, processes: a delayed effect then happens where the checks can see it) up
        to the deadline; returns whether something of the sample was still running then."""
        link = current['link']
        current['link'] = None
        lingering = False
        if link is not None:
            if deadline is not None:
                sample_proxy.signal_all(sample_pids, signal.SIGCONT)
            try:
                link.sock.close()
            except OSError:
                pass
        if deadline is not None:
            while sample_pids():
                if time.monotonic() >= deadline:
                    lingering = True
                    break
                time.sleep(0.005)
        sample_proxy.kill_and_wait(sample_pids)
        return lingering

    def settle_sample(deadline, status):
        """After a test: the sample process serves the sample's next test too (one per sample, as
        in JavaScript), but only once what it started (threads, processes) has finished, up to the
        deadline; if it is still busy then it is killed and the test lingered (True)."""
        link = current['link']
        if link is None or link.dead is not None or current['env'] is not None or status == 'timeout':
            # A fresh process for the next test: this one died, hung, or had its own environment.
            return end_sample(None if status == 'timeout' else deadline)

        def busy():
            if any(p != link.pid for p in sample_pids()):
                return True
            try:
                return len(os.listdir('/proc/%d/task' % link.pid)) > 1
            except OSError:
                return False

        if not busy():
            return False
        sample_proxy.signal_all(sample_pids, signal.SIGCONT)
        while busy():
            if time.monotonic() >= deadline:
                end_sample()
                return True
            time.sleep(0.005)
        sample_proxy.signal_all(sample_pids, signal.SIGSTOP)
        return False

    expected_limits = {
        'Max cpu time': str(max(1, int(lim['cpuSeconds']))),
        'Max file size': str(int(lim['maxFileBytes'])),
        'Max processes': str(int(lim['maxProcs'])),
        'Max core file size': '0',
        'Max open files': sample_proxy.limit_line('self', 'Max open files'),
    }

    expected_filters = sample_proxy.own_filters()

    def check_sample(link):
        """After a call (the sample frozen): its limits and filters are still those it was given."""
        problem = sample_proxy.tampered(link.pid, expected_limits, expected_filters)
        if problem and link.dead is None:
            link.dead = 'the sample changed its own process limits or filters (%s): what it ran cannot be judged' % problem

    def restart(env):
        end_sample()
        current['env'] = {str(k): str(v) for k, v in (env or {}).items()}

    tsp_observe._state['restart'] = restart

    def randomness(call):
        """tsp_observe.check_randomness in the sandbox: four fresh sample processes, each started
        from the files the first one found (/work, /tmp, /dev), with one of two randomness
        streams drawn here (never shown to the harness or the sample), two runs each, in an order
        drawn here too. Returns why the values do not follow the streams, or None."""
        keys = [os.urandom(32).hex(), os.urandom(32).hex()]
        order = [[0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0]][secrets.randbelow(3)]
        end_sample()
        snaps = {root: fresh_state.tree_snapshot(root) for root in (WORK_ROOT,) + fresh_state.WRITABLE}
        values = []
        try:
            for k, stream in enumerate(order):
                if k:
                    end_sample()
                    for root, snap in snaps.items():
                        fresh_state.tree_restore(root, snap)
                current['stream'] = keys[stream]
                values.append(call())
        finally:
            end_sample()
            current['stream'] = None
        for i in range(len(order)):
            for j in range(i + 1, len(order)):
                if order[i] == order[j] and values[i] != values[j]:
                    return ('%r and %r from two fresh processes given the same system randomness: the value '
                            'comes from something else as well (a clock, a counter, the process), which is '
                            'predictable' % (values[i], values[j]))
                if order[i] != order[j] and values[i] == values[j]:
                    return '%r from two fresh processes given different system randomness: predictable' % (values[i],)
        return None

    tsp_observe._state['randomness'] = randomness
    proxy = sample_proxy.ProxyModule(req.get('sampleModule') or 'solution', get_link)
    sys.modules[proxy.__name__] = proxy
    test_ms = int(lim['testTimeoutMs'])

    def on_alarm(_sig, _frame):
        raise TestTimeout()

    signal.signal(signal.SIGALRM, on_alarm)
    module = None
    import_error = None
    try:
        signal.setitimer(signal.ITIMER_REAL, test_ms / 1000.0)
        module = types.ModuleType(req.get('module') or 'harness')
        module.__file__ = os.path.join(sample_dir, module.__name__ + '.py')
        sys.modules[module.__name__] = module
        exec(compile(req['harness'], module.__file__, 'exec'), module.__dict__)  # noqa: S102 - the harness
        signal.setitimer(signal.ITIMER_REAL, 0)
    except TestTimeout:
        import_error = ('timeout', 'loading the harness took longer than the test limit')
    except sample_proxy.SampleUnavailable as e:
        signal.setitimer(signal.ITIMER_REAL, 0)
        import_error = ('error', str(e))
    except BaseException as e:  # noqa: BLE001
        signal.setitimer(signal.ITIMER_REAL, 0)
        import_error = ('error', 'harness failed to load: ' + format_exc(e))
    end_sample()
    for name in tests:
        t0 = time.perf_counter()
        t_mono = time.monotonic()
        report({'event': 'start', 'test': name, 't': t_mono})
        tsp_observe.take_watched()
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
        except sample_proxy.SampleUnavailable as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            text = str(e)
            status = 'error' if 'does not import' in text else 'crash'
            message = text[-MESSAGE_LIMIT:]
        except AssertionError as e:
            signal.setitimer(signal.ITIMER_REAL, 0)
            status, message = 'fail', format_exc(e)
        except BaseException as e:  # noqa: BLE001
            signal.setitimer(signal.ITIMER_REAL, 0)
            status, message = 'error', format_exc(e)
        signal.setitimer(signal.ITIMER_REAL, 0)
        # A sample process that became unavailable decides the test, even where the harness caught
        # the exception (`except BaseException`): the attacked code never answered.
        dead = [lk.dead for lk in current['links'] if lk.dead is not None]
        if dead and status in ('pass', 'fail'):
            status = 'error' if 'does not import' in dead[0] else 'crash'
            message = dead[0][-MESSAGE_LIMIT:]
        current['links'] = []
        if settle_sample(t_mono + test_ms / 1000.0, status) and status == 'pass':
            status, message = 'timeout', 'the sample was still running after its calls returned (a thread or a process it started)'
        late = tsp_observe.late_effects()
        if late and status == 'pass':
            status, message = 'fail', 'an effect appeared after the call returned (canary %s touched)' % late[0]
        current['env'] = None
        if current['link'] is not None:
            current['links'].append(current['link'])
        # Files whose modes the harness looked at: the judge checks every mode they had meanwhile.
        end = {'event': 'end', 'test': name, 'status': status, 'message': message,
               'ms': (time.perf_counter() - t0) * 1000, 't': time.monotonic(),
               'watch': tsp_observe.take_watched()}
        if req.get('coverage'):
            end['cov'], end['covProblem'] = coverage_so_far()
        report(end)
    end_sample()
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
_str, _float, _int, _bool, _list = str, float, int, bool, list


def _encode(obj):
    if obj is None:
        return 'null'
    if _isinstance(obj, _bool):
        return 'true' if obj else 'false'
    if _isinstance(obj, (_int, _float)):
        return _float_repr(_float(obj))
    if _isinstance(obj, _str):
        return _encode_str(obj)
    if _isinstance(obj, _list):
        return '[' + ','.join(_encode(v) for v in obj) + ']'
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
        observer_main(req, sample_dir, tests, w, key)
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
                    if ev.get('watch'):
                        state['results'][name]['watch'] = ev.get('watch')
                    if 'cov' in ev:
                        state['results'][name]['cov'] = (ev.get('cov'), ev.get('covProblem'))
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
    coverage = judge_coverage(req, results) if req.get('coverage') and build['ok'] else None
    output = ''
    try:
        with open(os.path.join(sample_dir, '.tsp-output'), 'rb') as f:
            output = f.read(int(req['limits'].get('maxOutputBytes', 65536))).decode('utf-8', 'replace')
    except OSError:
        pass
    tsp_observe.empty_folder(sample_dir)
    shutil.rmtree(sample_dir, ignore_errors=True)
    tsp_observe.empty_folder('/tmp')
    tsp_observe.empty_folder('/dev/shm')
    tsp_observe.empty_folder(WORK_ROOT)
    for path in CANARY_POOL:
        tsp_observe.empty_folder(path)
    return {'id': sid, 'build': build, 'tests': [results.get(t, {'name': t, 'status': 'error',
                                                                   'message': 'no result', 'ms': 0})
                                                  for t in tests],
            'output': output, 'ms': (time.perf_counter() - t0) * 1000,
            **({'coverage': coverage} if coverage is not None else {})}


def judge_coverage(req, results):
    """What of the program's own code no test ran (coverage_gate), from every test's report."""
    executed = {}
    problem = None
    for res in results.values():
        cov, prob = res.pop('cov', (None, None))
        problem = problem or prob
        for entry in cov or ():
            try:
                idx, offs = entry
                executed.setdefault(int(idx), set()).update(int(o) for o in offs)
            except (TypeError, ValueError):
                problem = problem or 'malformed coverage report'
    name = (req.get('sampleModule') or 'solution') + '.py'
    source = req['files'].get(name)
    if source is None:
        return {'units': 0, 'untested': [], 'problem': 'no program file %s' % name}
    try:
        units, untested = coverage_gate.untested_code(source, os.path.join(WORK_ROOT, name), executed)
    except BaseException as e:  # noqa: BLE001
        return {'units': 0, 'untested': [], 'problem': 'coverage not computed: %s' % format_exc(e)}
    out = {'units': units, 'untested': untested}
    if problem:
        out['problem'] = str(problem)[:MESSAGE_LIMIT]
    return out


def main():
    if len(sys.argv) > 2 and sys.argv[1] == '--factory':
        # A factory started afresh (the first one died): nothing of the server's memory comes along.
        preload([m for m in os.environ.get('TSP_PRELOAD', '').split(',') if m])
        set_dumpable(False)
        factory_main(socket.socket(fileno=int(sys.argv[2])))
        return
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
    start_factory(fresh_exec=False)
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
            if not factory_alive():
                start_factory(fresh_exec=True)
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
