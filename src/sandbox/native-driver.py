# TSP native test driver: runs inside the bubblewrap sandbox, once per sample. For each test name it
# runs `<argv...> <test>` in its own session with a time limit, stdout/stderr going to size-limited
# files, and prints one JSON line per event on its own stdout: {"event":"start"} then {"event":"end",
# "exit":..,"signal":..,"timedOut":..,"stderr":..}. The TS side turns these into test statuses.
#
# Finish channel (request field `finishChannel`): the binary was linked with TSP's runner main
# (src/sandbox/finish-guard.ts). Per test the driver draws a random nonce, hands it to the test
# process on fd 3 (a pipe it reads once and closes) and gives it fd 4 (a pipe) for the result. The
# runner writes `<nonce> <code>` on fd 4 only when the harness itself returned (or called exit) with
# <code>; a sample that calls exit(0) / _exit(0) / os.Exit(0) ends the process without it. The end
# event then carries "finished": <code> or null.
#
# Observed mode (request field `observed`, docs/decisions/0002): each test is an object with its
# argument list (a random test id, a fresh folder, a marker path, eight random words), its folder,
# its canary folder and the files to report. The driver creates the folders, runs the test with its
# working directory in its folder and fd 3 a pipe for the harness's values, then, once the process
# has ended and every process it left is killed, reads the values, whether the canary folder was
# touched (inode, mtime, ctime, link count: a removed marker still shows) and the state of the files
# asked for. It decides nothing: the TS side compares all of it with the task's expectations.
import ctypes
import fcntl
import json
import os
import resource
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # -I leaves the script's folder out
from fresh_state import WRITABLE, tree_restore, tree_snapshot  # noqa: E402


def read_finish(fd, nonce):
    """The code the harness finished with, from the result pipe, or None (never reached the end).
    Non-blocking: a descendant that still holds the pipe open cannot stall the driver."""
    os.set_blocking(fd, False)
    data = b''
    try:
        while len(data) < 4096:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    for line in data.decode('ascii', 'replace').split('\n'):
        parts = line.split(' ')
        if len(parts) == 2 and parts[0] == nonce:
            try:
                return int(parts[1])
            except ValueError:
                return None
    return None


def read_all(fd, cap):
    """Up to `cap` bytes from a pipe, without blocking on a descendant that holds it open."""
    os.set_blocking(fd, False)
    data = b''
    try:
        while len(data) < cap:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            data += chunk
    except BlockingIOError:
        pass
    return data[:cap]


def kill_others():
    """Kills every process of this sandbox but pid 1 and the driver (what a test left running)."""
    me = os.getpid()
    for _ in range(4):
        found = False
        for entry in os.listdir('/proc'):
            if entry.isdigit() and int(entry) not in (1, me):
                try:
                    os.kill(int(entry), signal.SIGKILL)
                    found = True
                except OSError:
                    pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
            except ChildProcessError:
                break
        if not found:
            return


def others_alive():
    """Whether a live (not zombie) process other than pid 1 and the driver exists."""
    me = os.getpid()
    for entry in os.listdir('/proc'):
        if entry.isdigit() and int(entry) not in (1, me):
            try:
                with open('/proc/%s/stat' % entry, 'rb') as f:
                    state = f.read().rsplit(b')', 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state != b'Z':
                return True
    return False


def dir_state(path):
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return [st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink, st.st_mode]


def file_report(path, cap=65536):
    try:
        st = os.lstat(path)
    except OSError:
        return {'exists': False}
    # dev/ino: the judge matches the file with the modes the supervisor saw it have (bwrap.ts `traceModes`).
    rep = {'exists': True, 'mode': st.st_mode & 0o7777, 'size': st.st_size,
           'dev': str(st.st_dev), 'ino': str(st.st_ino)}
    try:
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, 'rb') as f:
                rep['head'] = f.read(cap).hex()
    except OSError:
        pass
    return rep


def run_observed(req, out):
    argv = req['argv']
    test_s = req['testTimeoutMs'] / 1000.0
    cap = int(req['maxOutputBytes'])
    as_bytes = req.get('addressSpaceBytes')
    full_env = dict(os.environ)
    full_env.update(req.get('env') or {})
    channel = {}

    def limits():
        hi = fcntl.fcntl(channel['w'], fcntl.F_DUPFD, 20)
        os.dup2(hi, 3)
        os.close(hi)
        if as_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        signal.signal(signal.SIGXFSZ, signal.SIG_DFL)

    def head(path):
        try:
            with open(path, 'rb') as f:
                return f.read(cap).decode('utf-8', 'replace')
        except OSError:
            return ''

    def run_once(t, i, extra_env=None):
        """One process of test `t` (with `extra_env` added): its end fields and the values it reported."""
        so_path = '/tmp/.tsp-out-%d' % i
        se_path = '/tmp/.tsp-err-%d' % i
        r, channel['w'] = os.pipe()
        try:
            fcntl.fcntl(channel['w'], 1031, 1 << 20)  # F_SETPIPE_SZ: room for the values
        except OSError:
            pass
        t0 = time.perf_counter()
        timed_out = False
        with open(so_path, 'wb') as so, open(se_path, 'wb') as se:
            try:
                p = subprocess.Popen(argv + list(t['args']), stdin=subprocess.DEVNULL, stdout=so, stderr=se,
                                     cwd=t['dir'], start_new_session=True, preexec_fn=limits,
                                     env=dict(full_env, **extra_env) if extra_env else full_env,
                                     pass_fds=(3,))
            except OSError as e:
                os.close(r)
                os.close(channel['w'])
                return {'exit': None, 'signal': None, 'timedOut': False, 'stdout': '',
                        'stderr': 'cannot start: %s' % e, 'ms': 0}, ''
            os.close(channel['w'])
            try:
                p.wait(timeout=test_s)
            except subprocess.TimeoutExpired:
                timed_out = True
            # What the test started may finish within the test's time (a delayed effect then happens
            # before the canary and the files are looked at); still running then: it lingered.
            lingering = False
            if not timed_out:
                while others_alive():
                    if time.perf_counter() - t0 >= test_s:
                        lingering = True
                        break
                    time.sleep(0.005)
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except OSError:
                pass
            p.wait()
        ms = (time.perf_counter() - t0) * 1000
        kill_others()
        obs = read_all(r, 4 * 1024 * 1024)
        os.close(r)
        rc = p.returncode
        end = {'exit': rc if rc >= 0 else None,
               'signal': signal.Signals(-rc).name if rc < 0 and -rc in signal.valid_signals() else None,
               'timedOut': timed_out, 'stdout': head(so_path), 'stderr': head(se_path), 'ms': ms,
               'lingering': lingering}
        for path in (so_path, se_path):
            try:
                os.unlink(path)
            except OSError:
                pass
        return end, obs.decode('latin-1')

    for i, t in enumerate(req['observed']):
        name = t['name']
        out.write(json.dumps({'event': 'start', 'test': name}) + '\n')
        out.flush()
        for d in (t['dir'], t['canary']):
            os.makedirs(d, exist_ok=True)
            os.chmod(d, 0o777)
        before = dir_state(t['canary'])
        runs = []
        end = None
        # A test that compares runs (a value a fresh process computes alike is predictable) runs
        # more than once, each run a fresh process started from the same files (/tmp and /dev, the
        # only places a run can write, are put back as they were before the first), with its own environment when
        # the request gives one per run (the judge's randomness stream); the first run that fails to
        # end normally stops it.
        repeat = max(1, int(t.get('repeat') or 1))
        run_env = t.get('runEnv') or []
        snaps = {root: tree_snapshot(root) for root in WRITABLE} if repeat > 1 else {}
        for k in range(repeat):
            if k > 0:
                try:
                    for root, snap in snaps.items():
                        tree_restore(root, snap)
                except OSError as e:
                    end = {'exit': None, 'signal': None, 'timedOut': False, 'stdout': '', 'ms': 0,
                           'stderr': 'the files the test left cannot be put back for its next run: %s' % e}
                    break
            run_end, obs = run_once(t, i, run_env[k] if k < len(run_env) else None)
            runs.append(obs)
            if (end is None or run_end['timedOut'] or run_end['signal'] or run_end.get('lingering')
                    or run_end['exit'] not in (0, None)):
                end = run_end
            if run_end['timedOut'] or run_end['signal']:
                break
        touched = dir_state(t['canary']) != before or os.path.lexists(t.get('marker') or '/nonexistent')
        files = {f: file_report(f) for f in t.get('files') or []}
        out.write(json.dumps({'event': 'end', 'test': name, **end, 'obs': runs[0], 'obsRuns': runs,
                              'canaryTouched': touched, 'files': files}) + '\n')
        out.flush()


def main():
    req = json.loads(sys.stdin.read())
    try:
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: tests cannot tamper with the driver
    except Exception:  # noqa: BLE001
        pass
    out = os.fdopen(os.dup(1), 'w')
    # fds 3 and 4 stay taken in the driver, so no pipe of its own (Popen's error pipe included) can
    # sit where the test process's fds 3 and 4 are placed.
    held = []
    while True:
        fd = os.open('/dev/null', os.O_RDONLY)
        if fd > 4:
            os.close(fd)
            break
        held.append(fd)
    if req.get('observed') is not None:
        run_observed(req, out)
        return
    argv = req['argv']
    tests = req['tests']
    test_s = req['testTimeoutMs'] / 1000.0
    cap = int(req['maxOutputBytes'])
    as_bytes = req.get('addressSpaceBytes')
    env = req.get('env') or {}
    finish_channel = bool(req.get('finishChannel'))
    full_env = dict(os.environ)
    full_env.update(env)

    channel = {}

    def limits():
        if finish_channel:
            # The nonce pipe becomes fd 3 and the result pipe fd 4 (via high fds: no clobbering).
            hi_r = fcntl.fcntl(channel['nonce_r'], fcntl.F_DUPFD, 20)
            hi_w = fcntl.fcntl(channel['result_w'], fcntl.F_DUPFD, 20)
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)
            os.close(hi_r)
            os.close(hi_w)
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
        nonce = None
        if finish_channel:
            nonce = os.urandom(16).hex()
            channel['nonce_r'], nonce_w = os.pipe()
            os.write(nonce_w, nonce.encode())
            os.close(nonce_w)
            result_r, channel['result_w'] = os.pipe()
        with open(so_path, 'wb') as so, open(se_path, 'wb') as se:
            try:
                p = subprocess.Popen(argv + [name], stdin=subprocess.DEVNULL, stdout=so, stderr=se,
                                     start_new_session=True, preexec_fn=limits, env=full_env,
                                     pass_fds=(3, 4) if finish_channel else ())
            except OSError as e:
                if finish_channel:
                    for fd in (channel['nonce_r'], channel['result_w'], result_r):
                        os.close(fd)
                out.write(json.dumps({'event': 'end', 'test': name, 'exit': None, 'signal': None,
                                      'timedOut': False, 'stdout': '', 'stderr': 'cannot start: %s' % e,
                                      'ms': 0}) + '\n')
                out.flush()
                continue
            if finish_channel:
                os.close(channel['nonce_r'])
                os.close(channel['result_w'])
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
        finished = None
        if finish_channel:
            finished = read_finish(result_r, nonce)
            os.close(result_r)

        def head(path):
            try:
                with open(path, 'rb') as f:
                    return f.read(cap).decode('utf-8', 'replace')
            except OSError:
                return ''
        out.write(json.dumps({'event': 'end', 'test': name, 'exit': rc if rc >= 0 else None,
                              'signal': signal.Signals(-rc).name if rc < 0 and -rc in signal.valid_signals() else None,
                              'timedOut': timed_out, 'stdout': head(so_path), 'stderr': head(se_path),
                              'ms': ms, **({'finished': finished} if finish_channel else {})}) + '\n')
        out.flush()
        for path in (so_path, se_path):
            try:
                os.unlink(path)
            except OSError:
                pass


main()
