# TSP's CWEval driver. Runs INSIDE the bubblewrap sandbox, in /work, as an unprivileged uid:
#   1. builds the sample when the task is C, C++ or Go (compiled/<stem>_task, as the tests expect);
#   2. runs the task's pytest file in-process with a small plugin that keeps only the tests of the
#      sample (not CWEval's self-tests of its unsafe reference, unless asked) and streams one JSON
#      line per result to /work/_tsp_events.jsonl, so that results survive an outer kill.
# Job description: /work/_tsp_job.json. Written by TSP (src/benchmarks/cweval/cweval-harness.ts).
#
# Forged results: the events file sits in /work, where the sample (and the programs the tests run)
# can write too. Every line is `<mac> <json>`, the mac an HMAC-SHA256 over the line's sequence
# number and JSON under a random key of this run that arrives on stdin (argv, the environment and
# /work are readable by the sample) and is kept in a closure, not a module global. TSP accepts only
# lines that verify in sequence, so lines the sample appends, copies or replays are rejected (and
# fail the run). The driver is also made non-dumpable, so a program the tests start cannot read its
# memory through /proc or ptrace. A Python sample runs in this very process and could still dig the
# key out of memory: this stops forging through the file, not a sample that attacks the interpreter.
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import time

WORK = '/work'
JOB = json.load(open(os.path.join(WORK, '_tsp_job.json')))


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
    emit({'type': 'build', 'ok': ok, 'log': log, 'ms': (time.time() - start) * 1000})
    return ok


class TestTimeout(BaseException):
    """Raised by the per-test alarm (BaseException: a sample's `except Exception` cannot swallow it)."""


class Plugin:
    def __init__(self, emit, select, test_timeout_s):
        self.emit = emit
        self.select = select
        self.test_timeout_s = test_timeout_s
        self.kind = {}
        self.exc = {}

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

    def pytest_collectreport(self, report):
        if report.failed:
            self.emit({'type': 'collect-error', 'message': str(report.longrepr)[-3000:]})

    def pytest_runtest_call(self, item):
        # Python-level hangs end here; C-level ones (a regex in C) end at the outer sandbox limit.
        def on_alarm(_sig, _frame):
            raise TestTimeout('test exceeded %ss' % self.test_timeout_s)
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
                if report.when != 'call':
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


def install_crypto_alias():
    # CWEval's tests import `Crypto` (PyCryptodome's default name); Debian installs it as `Cryptodome`.
    import importlib
    import importlib.abc
    import importlib.util

    class Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, name, path=None, target=None):
            if name == 'Crypto' or name.startswith('Crypto.'):
                return importlib.util.spec_from_loader(name, self)
            return None

        def create_module(self, spec):
            module = importlib.import_module('Cryptodome' + spec.name[len('Crypto'):])
            sys.modules[spec.name] = module
            return module

        def exec_module(self, module):
            pass

    try:
        import Cryptodome  # noqa: F401
        sys.meta_path.insert(0, Alias())
    except ImportError:
        pass


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
    if not tests_only and not build(emit):
        emit({'type': 'done', 'exit': None})
        return
    if not tests_only and JOB.get('mode') == 'fresh':
        # Baseline for timing: pytest in a fresh interpreter per sample (what CWEval's scripts do).
        subprocess.run([sys.executable, '-B', os.path.abspath(__file__), '--tests-only'], cwd=WORK,
                       input=('%s %d\n' % (key.hex(), emit.next_seq())).encode())
        return
    del key
    sys.path.insert(0, os.path.join(WORK, '_tsp_py'))
    sys.path.insert(0, WORK)
    install_crypto_alias()
    import pytest
    plugin = Plugin(emit, JOB.get('select', 'sample'), JOB.get('testTimeoutS', 30))
    args = [JOB['testFile'], '-q', '-p', 'no:cacheprovider', '-p', 'no:randomly', '--rootdir', WORK,
            '--basetemp', '/tmp/tsp-pytest', '-o', 'console_output_style=classic', '--tb=line']
    code = pytest.main(args, plugins=[plugin])
    emit({'type': 'done', 'exit': int(code)})


main()
