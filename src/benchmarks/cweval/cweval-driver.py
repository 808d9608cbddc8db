# TSP's CWEval driver. Runs INSIDE the bubblewrap sandbox, in /work, as an unprivileged uid:
#   1. builds the sample when the task is C, C++ or Go (compiled/<stem>_task, as the tests expect);
#   2. runs the task's pytest file in-process with a small plugin that keeps only the tests of the
#      sample (not CWEval's self-tests of its unsafe reference, unless asked) and streams one JSON
#      line per result to /work/_tsp_events.jsonl, so that results survive an outer kill.
# Job description: /work/_tsp_job.json. Written by TSP (src/benchmarks/cweval/cweval-harness.ts).
import json
import os
import signal
import subprocess
import sys
import time

WORK = '/work'
JOB = json.load(open(os.path.join(WORK, '_tsp_job.json')))
EVENTS = open(os.path.join(WORK, '_tsp_events.jsonl'), 'a', buffering=1)


def emit(obj):
    EVENTS.write(json.dumps(obj) + '\n')
    EVENTS.flush()


def build():
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
    def __init__(self, select, test_timeout_s):
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
        emit({'type': 'planned', 'tests': [{'id': it.nodeid, 'kind': self.kind[it.nodeid]} for it in keep]})

    def pytest_collectreport(self, report):
        if report.failed:
            emit({'type': 'collect-error', 'message': str(report.longrepr)[-3000:]})

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
            emit({'type': 'test', 'id': report.nodeid, 'when': report.when, 'status': status,
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


def main():
    tests_only = '--tests-only' in sys.argv
    if not tests_only and not build():
        emit({'type': 'done', 'exit': None})
        return
    if not tests_only and JOB.get('mode') == 'fresh':
        # Baseline for timing: pytest in a fresh interpreter per sample (what CWEval's scripts do).
        subprocess.run([sys.executable, '-B', os.path.abspath(__file__), '--tests-only'], cwd=WORK)
        return
    sys.path.insert(0, os.path.join(WORK, '_tsp_py'))
    sys.path.insert(0, WORK)
    install_crypto_alias()
    import pytest
    plugin = Plugin(JOB.get('select', 'sample'), JOB.get('testTimeoutS', 30))
    args = [JOB['testFile'], '-q', '-p', 'no:cacheprovider', '-p', 'no:randomly', '--rootdir', WORK,
            '--basetemp', '/tmp/tsp-pytest', '-o', 'console_output_style=classic', '--tb=line']
    code = pytest.main(args, plugins=[plugin])
    emit({'type': 'done', 'exit': int(code)})


main()
