# Helpers for harnesses, on the observer's side only (docs/decisions/0002): values drawn per judging
# from the oracle's seed (the same seed gives the same values), and canaries that show an exploit's
# effect even when the sample removes its marker afterwards.
import hashlib
import os
import shutil

_state = {'seed': 'tsp', 'n': 0, 'restart': None, 'randomness': None, 'canaries': [], 'pool': [], 'watched': []}


def configure(seed, canary_pool=()):
    """A new sample: its seed, and (in the sandbox) the canary folders its harness may use: each a
    tmpfs of its own under the read-only, unlistable canary root (src/sandbox/bwrap.ts `canaries`),
    so that nothing of the sample can chmod, rename or list what leads to a canary. Without a pool
    (trusted reference programs run locally) canaries are made in the working directory."""
    _state['seed'] = str(seed)
    _state['n'] = 0
    _state['pool'] = list(canary_pool)
    _state['pooled'] = bool(_state['pool'])


def restart_sample(env=None):
    """Ends the sample process of this test; the next call starts a fresh one (with `env` added to
    its environment). Fresh processes start from the same clean state: a value that two of them
    compute alike (an ordinary PRNG's output) is predictable."""
    if _state['restart'] is not None:
        _state['restart'](env)
        return
    # Without the sandboxed observer (trusted reference programs run in one process, see
    # src/benchmarks/builtin/local-runner.ts): the same effect in this process.
    import random
    random.seed(_state['seed'])
    base = _state.setdefault('env0', dict(os.environ))
    os.environ.clear()
    os.environ.update(base)
    os.environ.update({str(k): str(v) for k, v in (env or {}).items()})


def check_randomness(call):
    """Asserts that `call()` (a call of the sample) returns a value drawn from the system's randomness
    and from nothing else: four fresh sample processes, started from the same files, whose
    randomness (os.urandom, secrets, SystemRandom, uuid4) the judge chooses: two streams, two runs
    each, in an order the sample cannot know. The values must be equal exactly where the streams
    are; one made from a clock, a counter or the process differs where they are equal, one that
    ignores the randomness is equal where they differ."""
    if _state['randomness'] is not None:
        why = _state['randomness'](call)
        assert why is None, why
        return
    # Without the sandboxed observer (trusted reference programs, one process): two calls, each
    # after `random` was put back to the same state (as restart_sample does here), differ.
    restart_sample()
    first = call()
    restart_sample()
    assert first != call(), 'the same value twice after the same restart: %r' % (first,)


def token(label=None, length=12):
    """A lowercase hex string drawn from the judging's seed (by `label`, or the next in sequence)."""
    if label is None:
        _state['n'] += 1
        label = '#%d' % _state['n']
    return hashlib.sha256(('%s:%s' % (_state['seed'], label)).encode()).hexdigest()[:length]


def word(label=None):
    """A random lowercase word (letters only), for payload parts and names."""
    letters = 'abcdefghijklmnopqrstuvwxyz'
    h = token(label, 16)
    return ''.join(letters[int(h[i:i + 2], 16) % 26] for i in range(0, 12, 2))


def mode_clear(path, bits):
    """Whether the file at `path` has none of `bits` in its mode now. In the sandbox the judge also
    checks every mode the file had while the sample ran (the file-mode supervisor, outside the
    sandbox, saw them) and fails the test if one of them had these bits: a file created readable by
    all and chmod-ed before returning is not secure."""
    st = os.stat(path)
    _state['watched'].append([str(st.st_dev), str(st.st_ino), int(bits)])
    return st.st_mode & bits == 0


def take_watched():
    """The files `mode_clear` looked at since the last call (the observer reports them with the test)."""
    watched, _state['watched'] = _state['watched'], []
    return watched


def empty_folder(path):
    """Removes everything inside `path` whatever permissions the sample set (the folder stays)."""
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


class Canary:
    """A fresh directory the code under test is never given. `touched()` is true when anything was
    created, removed or changed in it (its inode, mtime, ctime or link count moved; ctime cannot be
    set back by a program), or when its marker exists."""

    def __init__(self, parent=None):
        name = 'c' + token()
        if parent is None and _state.get('pooled'):
            if not _state['pool']:
                raise RuntimeError('no canary folder left for this sample')
            self.path = _state['pool'].pop(0)
            # The sample knows the pool (its mounts are listed) and may have filled this one (its
            # space, its inodes) before it is armed: what is in it now is not the harness's.
            empty_folder(self.path)
        else:
            parent = os.path.abspath('.' if parent is None else parent)
            self.path = os.path.join(parent, name)
            if os.path.lexists(self.path):  # a local run (one process per test) drew the same name
                import tempfile
                self.path = tempfile.mkdtemp(prefix='c', dir=parent)
            else:
                os.mkdir(self.path)
        os.chmod(self.path, 0o777)
        self.marker = os.path.join(self.path, token())
        self._before = self._state()
        self.seen_untouched = False
        _state['canaries'].append(self)

    def _state(self):
        try:
            st = os.lstat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, st.st_nlink, st.st_mode)

    def touched(self):
        hit = os.path.lexists(self.marker) or self._state() != self._before
        if not hit:
            self.seen_untouched = True
        return hit


def late_effects():
    """Canaries the harness saw untouched that are touched now (after the sample's activity ended),
    forgotten afterwards: an effect that came after the call returned."""
    late = [c.path for c in _state['canaries'] if c.seen_untouched and (os.path.lexists(c.marker) or c._state() != c._before)]
    _state['canaries'] = []
    return late


def canary(parent=None):
    return Canary(parent)
