# TSP native test driver: runs inside the bubblewrap sandbox, once per sample. For each test name it
# runs `<argv...> <test>` in its own session with a time limit, stdout/stderr going to size-limited
# files, and prints one JSON line per event on its own stdout: {"event":"start"} then {"event":"end",
# "exit":..,"signal":..,"timedOut":..,"stderr":..}. The TS side turns these into test statuses.
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time


def main():
    req = json.loads(sys.stdin.read())
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: tests cannot tamper with the driver
    except Exception:  # noqa: BLE001
        pass
    out = os.fdopen(os.dup(1), 'w')
    argv = req['argv']
    tests = req['tests']
    test_s = req['testTimeoutMs'] / 1000.0
    cap = int(req['maxOutputBytes'])
    as_bytes = req.get('addressSpaceBytes')
    env = req.get('env') or {}
    full_env = dict(os.environ)
    full_env.update(env)

    def limits():
        if as_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)

    for i, name in enumerate(tests):
        out.write(json.dumps({'event': 'start', 'test': name}) + '\n')
        out.flush()
        so_path = '/tmp/.tsp-out-%d' % i
        se_path = '/tmp/.tsp-err-%d' % i
        t0 = time.perf_counter()
        timed_out = False
        with open(so_path, 'wb') as so, open(se_path, 'wb') as se:
            try:
                p = subprocess.Popen(argv + [name], stdin=subprocess.DEVNULL, stdout=so, stderr=se,
                                     start_new_session=True, preexec_fn=limits, env=full_env)
            except OSError as e:
                out.write(json.dumps({'event': 'end', 'test': name, 'exit': None, 'signal': None,
                                      'timedOut': False, 'stdout': '', 'stderr': 'cannot start: %s' % e,
                                      'ms': 0}) + '\n')
                out.flush()
                continue
            try:
                p.wait(timeout=test_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
        ms = (time.perf_counter() - t0) * 1000
        rc = p.returncode

        def head(path):
            try:
                with open(path, 'rb') as f:
                    return f.read(cap).decode('utf-8', 'replace')
            except OSError:
                return ''
        out.write(json.dumps({'event': 'end', 'test': name, 'exit': rc if rc >= 0 else None,
                              'signal': signal.Signals(-rc).name if rc < 0 and -rc in signal.valid_signals() else None,
                              'timedOut': timed_out, 'stdout': head(so_path), 'stderr': head(se_path),
                              'ms': ms}) + '\n')
        out.flush()
        for path in (so_path, se_path):
            try:
                os.unlink(path)
            except OSError:
                pass


main()
