# A small stand-in for `wrapt_timeout_decorator` (not packaged for Debian), generated into the
# CWEval sandbox by TSP. Only what CWEval's tests use: `@timeout(seconds)` on a function, raising
# TimeoutError when the call takes longer. The call runs in a forked child so that even a loop
# inside C code (a catastrophic regex) is stopped; its result or exception comes back pickled.
# When forking is not possible the call runs in-process under SIGALRM.
import functools
import os
import pickle
import signal
import time

__all__ = ['timeout']


def _in_child(fn, args, kwargs, seconds):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            try:
                payload = pickle.dumps(('ok', fn(*args, **kwargs)))
            except BaseException as e:  # noqa: BLE001 - the exception is the result
                try:
                    payload = pickle.dumps(('err', e))
                except Exception:
                    payload = pickle.dumps(('err', RuntimeError('%s: %s' % (type(e).__name__, e))))
            with os.fdopen(w, 'wb') as f:
                f.write(payload)
        finally:
            os._exit(0)
    os.close(w)
    deadline = time.monotonic() + seconds
    chunks = []
    os.set_blocking(r, False)
    try:
        while True:
            try:
                chunk = os.read(r, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
                continue
            except BlockingIOError:
                pass
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise TimeoutError('Function %s timed out after %s seconds' % (getattr(fn, '__name__', 'call'), seconds))
            time.sleep(0.002)
    finally:
        os.close(r)
    os.waitpid(pid, 0)
    if not chunks:
        raise RuntimeError('the timed call died without a result')
    kind, value = pickle.loads(b''.join(chunks))
    if kind == 'err':
        raise value
    return value


def _with_alarm(fn, args, kwargs, seconds):
    def on_alarm(_s, _f):
        raise TimeoutError('Function %s timed out after %s seconds' % (getattr(fn, '__name__', 'call'), seconds))
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timeout(dec_timeout=None, use_signals=True, timeout_exception=None, exception_message=None, **_ignored):
    seconds = float(dec_timeout) if dec_timeout else None

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            if not seconds:
                return fn(*args, **kwargs)
            try:
                return _in_child(fn, args, kwargs, seconds)
            except (OSError, pickle.PicklingError):
                return _with_alarm(fn, args, kwargs, seconds)
        return wrapper

    return decorate
