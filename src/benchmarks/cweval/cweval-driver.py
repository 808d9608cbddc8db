# TSP's CWEval driver. Runs INSIDE the bubblewrap sandbox, in /work, as an unprivileged uid, as the
# sandbox's only process besides pid 1 (until it starts others):
#   1. builds the sample when the task is C, C++ or Go (compiled/<stem>_task, as the tests expect);
#      for Python it only checks that the sample compiles;
#   2. runs the task's pytest file in-process with a small plugin that keeps only the tests of the
#      sample (not CWEval's self-tests of its unsafe reference, unless asked) and streams one JSON
#      line per result to /work/_tsp_events.jsonl, so that results survive an outer kill.
# Job description: /work/_tsp_job.json. Written by TSP (src/benchmarks/cweval/cweval-harness.ts).
#
# The driver is the observer: pytest, CWEval's test code and its checks run here, and no code of
# the sample ever does (docs/decisions/0002).
# - Python tasks: the sample's module is never imported here. Before pytest collects the test file,
#   sys.modules[<stem>_task] is a sample_proxy.ProxyModule; every call of one of its functions is a
#   message to a sample process, and what comes back is decoded into plain values (str, bytes,
#   tuples, dicts, ...; anything else arrives as an inert `Opaque`), so an answer cannot carry an
#   `__eq__` that lies. Observer-owned sqlite3 objects stay here behind handles. The sample process
#   is a FRESH interpreter (fork + exec of `/usr/bin/python3 -I`, running cweval-sample-host.py,
#   bound read-only at /opt/tsp), so it holds nothing of this process's memory: not the event key,
#   not the emitter, not pytest. One sample process per test item, started at the item's first
#   call; every process of the sandbox but the driver and pid 1 is stopped (SIGSTOP) whenever a call
#   returns and continued before the next one, so nothing of the sample runs while a check looks at
#   files, and all of them are killed when the item ends. A sample process that does not import,
#   dies, hangs past a timeout or breaks the protocol raises `SampleUnavailable` (a BaseException);
#   the item is then reported crash / error / timeout even if the test caught the exception.
#   `@timeout` of CWEval's wrapt_timeout_decorator becomes a deadline on the link (the sample
#   process is killed and the test sees TimeoutError), not a fork of the observer.
# - C, C++, Go, JavaScript: the tests start the sample's program themselves (as CWEval's do); at
#   the end of every item every process but the driver and pid 1 is killed, so that no program of
#   the sample outlives its test.
# - After collection, no directory under /work is left on sys.path (the sample and its programs can
#   write there: a file the observer imported later would run here).
#
# Forged results: the events file sits in /work, where the sample (and the programs the tests run)
# can write too. Every line is `<mac> <json>`, the mac an HMAC-SHA256 over the line's sequence
# number and JSON under a random key of this run that arrives on stdin (argv, the environment and
# /work are readable by the sample) and is kept in a closure. TSP accepts only lines that verify in
# sequence, so lines the sample appends, copies or replays are rejected (and fail the run). The
# driver is non-dumpable, so no process of the sample can ptrace it or read its memory or fds via
# /proc. What remains: a sample may kill or stop the driver (its tests then end without results:
# error / timeout), and it still sees its inputs, so it may recognise CWEval's fixed attack payloads
# and behave well only on them; that is a weakness of the tests, not of this driver.
import functools
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import types

WORK = '/work'
TSP_MODULES = '/opt/tsp'
PYTHON = '/usr/bin/python3'
JOB = json.load(open(os.path.join(WORK, '_tsp_job.json')))

sys.path.insert(0, TSP_MODULES)
import cweval_sample_host  # noqa: E402
import sample_proxy  # noqa: E402

SampleUnavailable = sample_proxy.SampleUnavailable
STARTUP_GRACE_S = 2.0
HOST_BOOT = ("import sys; sys.path.insert(0, %r); import cweval_sample_host; "
             "cweval_sample_host.main(sys.argv[1:])" % TSP_MODULES)


def make_emitter(key, seq):
    """`emit(obj)`: one authenticated line per event, written with one append (O_APPEND) each."""
    fd = os.open(os.path.join(WORK, '_tsp_events.jsonl'), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    state = {'seq': seq}

    def emit(obj):
        body = json.dumps(obj)
        mac = hmac.new(key, ('%d\n%s' % (state['seq'], body)).encode(), hashlib.sha256).hexdigest()
        state['seq'] += 1
        data = ('%s %s\n' % (mac, body)).encode()
        while data:
            data = data[os.write(fd, data):]

    emit.next_seq = lambda: state['seq']
    return emit


def set_dumpable(flag):
    """PR_SET_DUMPABLE = 4: a non-dumpable process cannot be ptraced or read via /proc by its children."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(4, 1 if flag else 0, 0, 0, 0)
    except BaseException:  # noqa: BLE001
        pass


def build(emit):
    cmd = JOB.get('compile')
    if not cmd:
        return True
    os.makedirs(os.path.join(WORK, 'compiled'), exist_ok=True)
    for target, link in JOB.get('links') or []:
        if os.path.exists(target) and not os.path.lexists(link):
            os.makedirs(os.path.dirname(link), exist_ok=True)
            os.symlink(target, link)
    env = dict(os.environ)
    env.update(JOB.get('compileEnv') or {})
    start = time.time()
    try:
        p = subprocess.run(cmd, cwd=WORK, capture_output=True, text=True, env=env,
                           timeout=JOB.get('compileTimeoutS', 120))
        ok = p.returncode == 0
        log = (p.stdout + p.stderr)[-8000:]
    except subprocess.TimeoutExpired:
        ok, log = False, 'compilation timed out'
    except OSError as e:
        ok, log = False, 'cannot run the compiler: %s' % e
    pattern = JOB.get('forbiddenSymbols')
    if ok and pattern and JOB.get('binary'):
        import re
        try:
            with open(os.path.join(WORK, JOB['binary']), 'rb') as f:
                found = re.search(pattern.encode(), f.read())
        except OSError:
            found = None
        if found:
            ok = False
            log = ('the program uses %s, which a test program may not use (it could hide a sanitizer report)'
                   % found.group(0).decode('latin-1'))
    emit({'type': 'build', 'ok': ok, 'log': log, 'ms': (time.time() - start) * 1000})
    return ok


def check_python_sample(emit):
    """The Python sample's "build": it must compile (parsed here, never run here)."""
    module = JOB.get('sampleModule')
    if JOB.get('language') != 'python' or not module:
        return True
    start = time.time()
    path = os.path.join(WORK, module + '.py')
    try:
        with open(path, 'rb') as f:
            compile(f.read(), path, 'exec', dont_inherit=True)
        ok, log = True, None
    except BaseException as e:  # noqa: BLE001 - SyntaxError, ValueError (NUL), RecursionError...
        ok, log = False, ('%s: %s' % (type(e).__name__, e))[-8000:]
    emit({'type': 'build', 'ok': ok, 'log': log, 'ms': (time.time() - start) * 1000})
    return ok


class TestTimeout(BaseException):
    """Raised by the per-test alarm (BaseException: a sample's `except Exception` cannot swallow it)."""


class Strays:
    """Every process of the sandbox except pid 1 and the driver (and, in `fresh` mode, the parent driver)."""

    def __init__(self, keep):
        self.keep = set(keep)

    def pids(self):
        return sample_proxy.sandbox_pids_except(self.keep | {os.getpid()})

    def signal(self, sig):
        sample_proxy.signal_all(self.pids, sig)

    def kill_all(self, wait_s=2.0):
        """SIGKILL to every stray, then waits until none is left running: a signal is delivered
        asynchronously, and on a busy machine a killed daemon may otherwise still run when the next
        item starts (zombies are dead: pid 1 or the driver reaps them)."""
        self.signal(signal.SIGKILL)
        deadline = time.monotonic() + wait_s
        while True:
            alive = [pid for pid in self.pids() if _running(pid)]
            if not alive or time.monotonic() > deadline:
                return
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.002)


def _running(pid):
    """A process that exists and is not a zombie (state from /proc/<pid>/stat, after the comm)."""
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            stat = f.read()
    except OSError:
        return False
    state = stat[stat.rfind(b')') + 2:stat.rfind(b')') + 3]
    return state not in (b'Z', b'X', b'')


class _Link(sample_proxy.SampleLink):
    """A SampleLink that tells its session when the sample became unavailable (caught or not)."""

    def __init__(self, session, sock, pid):
        super().__init__(sock, pid, on_before_call=session.before_call, on_after_call=session.after_call,
                         coverage=bool(JOB.get('coverage')))
        self.session = session

    def call(self, op, name, args=(), kwargs=None):
        try:
            return super().call(op, name, args, kwargs)
        except SampleUnavailable as e:
            self.session.mark_unavailable(str(e))
            raise


class SampleSession:
    """The sample processes of the current pytest item (Python tasks)."""

    def __init__(self, module, strays):
        self.module = module
        self.strays = strays
        self.link = None
        self.procs = []
        self.trouble = None  # (status, message): the item cannot pass
        self.deadlines = []
        self.all_links = []  # every sample process's link: what of the program ran (coverage_gate)

    # -- link ------------------------------------------------------------------------------------
    def get_link(self):
        if self.link is not None:
            return self.link
        parent, child = socket.socketpair()
        try:
            env = dict(os.environ)
            env.setdefault('PATH', '/usr/local/bin:/usr/bin:/bin')
            proc = subprocess.Popen(
                [PYTHON, '-I', '-B', '-c', HOST_BOOT, str(child.fileno()), self.module]
                + (['--coverage'] if JOB.get('coverage') else []),
                pass_fds=[child.fileno()], cwd=WORK, env=env, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError as e:
            parent.close()
            self.mark_unavailable('cannot start the sample process (%s)' % e)
            raise SampleUnavailable('cannot start the sample process (%s)' % e) from None
        finally:
            child.close()
        self.procs.append(proc)
        self.link = _Link(self, parent, proc.pid)
        self.all_links.append(self.link)
        return self.link

    def before_call(self, link):
        self.strays.signal(signal.SIGCONT)
        timeout = None
        if self.deadlines:
            timeout = max(0.001, min(self.deadlines) - time.monotonic())
            if link.calls == 0:
                # The first call also waits for the fresh interpreter to start and import the
                # sample, which the in-process import of old did before the clock started.
                timeout += STARTUP_GRACE_S
        try:
            link.sock.settimeout(timeout)
        except OSError:
            pass

    def after_call(self, _link):
        self.strays.signal(signal.SIGSTOP)

    # -- the item's state ------------------------------------------------------------------------
    def mark(self, status, message):
        if self.trouble is None or (status == 'timeout' and self.trouble[0] != 'timeout'):
            self.trouble = (status, str(message)[-1500:])

    def mark_unavailable(self, message):
        self.mark('error' if 'does not import' in message else 'crash', message)

    def stop_sample(self, reason):
        """Kills the sample processes now; later calls of this item raise SampleUnavailable."""
        if self.link is not None and self.link.dead is None:
            self.link.dead = reason
        self.strays.kill_all()

    def end_item(self):
        """Kills the item's sample processes and every other stray; returns the item's trouble."""
        link, self.link = self.link, None
        if link is not None:
            try:
                link.sock.close()
            except OSError:
                pass
        self.strays.kill_all()
        for proc in self.procs:
            try:
                proc.wait(timeout=5)
            except (subprocess.TimeoutExpired, OSError):
                pass
        self.procs = []
        self.deadlines = []
        trouble, self.trouble = self.trouble, None
        return trouble

    # -- CWEval's @timeout -----------------------------------------------------------------------
    def timeout_module(self):
        """A `wrapt_timeout_decorator` whose `@timeout(s)` bounds the calls to the sample in the
        decorated function: past the deadline the sample process is killed and TimeoutError raised."""
        session = self

        def timeout(dec_timeout=None, *_args, **_kwargs):
            seconds = float(dec_timeout) if dec_timeout else None

            def decorate(fn):
                @functools.wraps(fn)
                def wrapper(*args, **kwargs):
                    if not seconds:
                        return fn(*args, **kwargs)
                    deadline = time.monotonic() + seconds
                    session.deadlines.append(deadline)
                    try:
                        return fn(*args, **kwargs)
                    except SampleUnavailable:
                        if time.monotonic() < deadline - 0.05:
                            raise
                        message = 'Function %s timed out after %s seconds' % (
                            getattr(fn, '__name__', 'call'), dec_timeout)
                        session.stop_sample(message)
                        session.mark('timeout', message)
                        raise TimeoutError(message) from None
                    finally:
                        session.deadlines.remove(deadline)
                return wrapper
            return decorate

        module = types.ModuleType('wrapt_timeout_decorator')
        module.timeout = timeout
        module.__all__ = ['timeout']
        return module


def scrub_sys_path():
    """No directory the sample or its programs can write to stays on the observer's import path."""
    def writable(p):
        p = os.path.abspath(p or '.')
        return p == WORK or p.startswith(WORK + '/') or p == '/tmp' or p.startswith('/tmp/')
    sys.path[:] = [p for p in sys.path if p and not writable(p)]
    sys.path_importer_cache.clear()
    import importlib
    importlib.invalidate_caches()


class Plugin:
    def __init__(self, emit, select, test_timeout_s, strays, session):
        self.emit = emit
        self.select = select
        self.test_timeout_s = test_timeout_s
        self.strays = strays
        self.session = session
        self.kind = {}
        self.exc = {}
        self.forced = {}

    def pytest_collection_modifyitems(self, session, config, items):
        keep, drop = [], []
        for it in items:
            fname = getattr(it, 'originalname', None) or it.name.split('[')[0]
            is_self_test = 'unsafe' in fname
            (keep if is_self_test == (self.select == 'unsafe') else drop).append(it)
        items[:] = keep
        if drop:
            config.hook.pytest_deselected(items=drop)
        for it in keep:
            if it.get_closest_marker('security') is not None:
                self.kind[it.nodeid] = 'security'
            elif it.get_closest_marker('functionality') is not None:
                self.kind[it.nodeid] = 'functional'
            else:
                self.kind[it.nodeid] = 'unmarked'
        self.emit({'type': 'planned', 'tests': [{'id': it.nodeid, 'kind': self.kind[it.nodeid]} for it in keep]})

    def pytest_collection_finish(self, session):
        scrub_sys_path()
        # A call during collection (none of CWEval's tests makes one) does not carry into an item.
        if self.session is not None:
            self.session.end_item()
        else:
            self.strays.kill_all()

    def pytest_collectreport(self, report):
        if report.failed:
            self.emit({'type': 'collect-error', 'message': str(report.longrepr)[-3000:]})

    def pytest_runtest_call(self, item):
        # Hangs of a Python sample's process and Python-level ones of the observer end here; C-level
        # ones in the observer (CWEval's own code, a program a test waits for) at the outer limit.
        def on_alarm(_sig, _frame):
            message = 'test exceeded %ss' % self.test_timeout_s
            if self.session is not None:
                # The item cannot pass even if the test swallows the exception; a call in flight
                # leaves the link out of step, so the sample process goes.
                self.session.mark('timeout', message)
                self.session.stop_sample(message)
            raise TestTimeout(message)
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, self.test_timeout_s)

    def pytest_runtest_teardown(self, item):
        signal.setitimer(signal.ITIMER_REAL, 0)

    def pytest_runtest_makereport(self, item, call):
        if call.excinfo is not None and call.when == 'call':
            self.exc[item.nodeid] = call.excinfo.typename

    def pytest_runtest_logreport(self, report):
        if report.when == 'call' or report.failed or report.skipped:
            if report.when != 'call' and report.passed:
                return
            status = 'pass'
            if report.skipped:
                status = 'skipped'
            elif report.failed:
                exc = self.exc.get(report.nodeid)
                if report.nodeid in self.forced:
                    status = self.forced[report.nodeid]
                elif report.when != 'call':
                    status = 'error'
                elif exc == 'TestTimeout' or exc == 'TimeoutError':
                    status = 'timeout'
                elif exc in ('AssertionError', 'Failed', 'CalledProcessError'):
                    status = 'fail'
                else:
                    status = 'error'
            message = None
            if report.failed:
                crash = getattr(report.longrepr, 'reprcrash', None)
                message = (crash.message if crash is not None else str(report.longrepr))[-1500:]
            self.emit({'type': 'test', 'id': report.nodeid, 'when': report.when, 'status': status,
                  'message': message, 'ms': report.duration * 1000,
                  'kind': self.kind.get(report.nodeid, 'unmarked')})


def make_hooks(plugin):
    """The plugin's hook wrappers (pytest imported lazily: it is imported only once the job is known)."""
    import pytest

    class Hooks:
        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_teardown(self, item):
            yield
            # After the item's fixtures are finalised, before its teardown report: no process of
            # the sample (sample processes, programs the test started and their children) lives on.
            if plugin.session is not None:
                trouble = plugin.session.end_item()
                if trouble is not None:
                    plugin.session.trouble = trouble
            else:
                plugin.strays.kill_all()

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_makereport(self, item, call):
            outcome = yield
            session = plugin.session
            if session is None or session.trouble is None or item.nodeid in plugin.forced:
                return
            # The sample became unavailable (or timed out) during this item: whatever the test made
            # of it (a bare `except:` catches SampleUnavailable too), the item does not pass.
            status, message = session.trouble
            plugin.forced[item.nodeid] = status
            report = outcome.get_result()
            if not report.failed:
                report.outcome = 'failed'
                report.longrepr = 'the sample was unavailable during this test (%s): %s' % (status, message)

        @pytest.hookimpl(hookwrapper=True)
        def pytest_runtest_protocol(self, item, nextitem):
            if plugin.session is not None:
                plugin.session.trouble = None
            yield
            # Also when the item ended in a way that skipped its teardown: nothing of it survives.
            if plugin.session is not None:
                plugin.session.end_item()
            else:
                plugin.strays.kill_all()

    return Hooks()


def read_key():
    """`<key hex> [<first sequence number>]` from stdin; stdin then becomes /dev/null."""
    parts = sys.stdin.buffer.readline().split()
    null = os.open('/dev/null', os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    if not parts:
        sys.stderr.write('tsp cweval driver: no event key on stdin\n')
        sys.exit(2)
    return bytes.fromhex(parts[0].decode()), int(parts[1]) if len(parts) > 1 else 0


def main():
    set_dumpable(False)
    key, seq = read_key()
    emit = make_emitter(key, seq)
    tests_only = '--tests-only' in sys.argv
    if not tests_only and not (build(emit) and check_python_sample(emit)):
        emit({'type': 'done', 'exit': None})
        return
    if not tests_only and JOB.get('mode') == 'fresh':
        # Baseline for timing: pytest in a fresh interpreter per sample (what CWEval's scripts do).
        subprocess.run([PYTHON, '-I', '-B', os.path.abspath(__file__), '--tests-only'], cwd=WORK,
                       input=('%s %d\n' % (key.hex(), emit.next_seq())).encode())
        return
    del key
    # In `fresh` mode the parent driver waits for this one: it is not a stray.
    strays = Strays({os.getpid()} | ({os.getppid()} if tests_only else set()))
    select = JOB.get('select', 'sample')
    session = None
    module = JOB.get('sampleModule')
    source = None
    if JOB.get('coverage') and module:
        # Read before any of the sample runs (it may rewrite its own file).
        try:
            with open(os.path.join(WORK, module + '.py'), encoding='utf-8') as f:
                source = f.read()
        except OSError:
            source = None
    if JOB.get('language') == 'python' and module:
        session = SampleSession(module, strays)
        sys.modules[module] = sample_proxy.ProxyModule(module, session.get_link)
        if select == 'sample':
            sys.modules['wrapt_timeout_decorator'] = session.timeout_module()
    # For the test file's own imports (the timeout shim) during collection; removed after it.
    sys.path.insert(0, os.path.join(WORK, '_tsp_py'))
    cweval_sample_host.install_crypto_alias()
    import pytest
    plugin = Plugin(emit, select, JOB.get('testTimeoutS', 30), strays, session)
    args = [JOB['testFile'], '-q', '-p', 'no:cacheprovider', '-p', 'no:randomly', '--rootdir', WORK,
            '--basetemp', '/tmp/tsp-pytest', '-o', 'console_output_style=classic', '--tb=line']
    code = pytest.main(args, plugins=[plugin, make_hooks(plugin)])
    if session is not None and source is not None:
        emit_coverage(emit, session, module, source)
    emit({'type': 'done', 'exit': int(code)})


def emit_coverage(emit, session, module, source):
    """What of the program no test ran (docs/decisions/0018), from the source read before it ran."""
    import coverage_gate
    executed = {}
    problem = None
    for link in session.all_links:
        for idx, offs in link.coverage.items():
            executed.setdefault(idx, set()).update(offs)
        problem = problem or link.cov_problem
    try:
        units, untested = coverage_gate.untested_code(source, os.path.join(WORK, module + '.py'), executed)
        out = {'type': 'coverage', 'units': units, 'untested': untested}
    except BaseException as e:  # noqa: BLE001
        out = {'type': 'coverage', 'units': 0, 'untested': [], 'problem': 'coverage not computed: %r' % (e,)}
    if problem:
        out['problem'] = str(problem)[:2000]
    emit(out)


main()
