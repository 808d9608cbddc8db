# What a run of a test may have left in the files it can write, put back before the next run: the
# judge's fresh processes (tests that compare runs) each start from the same files, so that nothing
# one run wrote (a counter kept in a file, the bytes it drew) reaches the next. Shared by the native
# test driver and the Python observer; both run inside the sandbox as the sample's uid.
import os
import stat


# The places a sample can write in the sandbox besides its own folder: /tmp, and /dev (a tmpfs of
# the sandbox's, with /dev/shm in it; its device nodes are bind mounts that cannot be removed).
WRITABLE = ('/tmp', '/dev')


def _open_up(path, st):
    # The program may have taken its own access away (chmod 000); the driver (its uid) gives it back.
    # Not the sandbox's own mounts (/dev/pts): what it does not own it cannot have changed.
    want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
    if (st.st_mode & want) != want and st.st_uid == os.getuid():
        os.chmod(path, stat.S_IMODE(st.st_mode) | want)


def tree_snapshot(root):
    """Everything under `root` (its own folder excluded): type, mode, times and content, to restore."""
    snap = {}

    def walk(d):
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            st = os.lstat(p)
            data = None
            if stat.S_ISDIR(st.st_mode):
                _open_up(p, st)
            elif stat.S_ISREG(st.st_mode):
                _open_up(p, st)
                with open(p, 'rb') as f:
                    data = f.read()
            elif stat.S_ISLNK(st.st_mode):
                data = os.readlink(p)
            snap[p] = (st.st_mode, data, st.st_atime_ns, st.st_mtime_ns)
            if stat.S_ISDIR(st.st_mode) and os.access(p, os.R_OK | os.X_OK):
                walk(p)
            if (stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)) and \
                    stat.S_IMODE(os.lstat(p).st_mode) != stat.S_IMODE(st.st_mode):
                os.chmod(p, stat.S_IMODE(st.st_mode))
    walk(root)
    return snap


def tree_restore(root, snap):
    """Puts `root` back as `tree_snapshot` found it: what was added goes, what was changed or removed
    comes back (content, mode, times), so that a fresh process starts from the state the first one
    did and nothing a run wrote reaches the next (a counter kept in a file)."""
    def clear(d):
        for name in os.listdir(d):
            p = os.path.join(d, name)
            st = os.lstat(p)
            old = snap.get(p)
            if stat.S_ISDIR(st.st_mode):
                _open_up(p, st)
                if os.access(p, os.R_OK | os.X_OK):
                    clear(p)
                if old is None or not stat.S_ISDIR(old[0]):
                    os.rmdir(p)
            elif old is None or stat.S_IFMT(old[0]) != stat.S_IFMT(st.st_mode) or (
                    stat.S_ISLNK(st.st_mode) and os.readlink(p) != old[1]):
                os.unlink(p)
    _open_up(root, os.lstat(root))
    clear(root)
    for p in sorted(snap):
        mode, data, _at, _mt = snap[p]
        if stat.S_ISDIR(mode):
            if not os.path.lexists(p):
                os.mkdir(p)
        elif stat.S_ISREG(mode):
            try:
                st = os.lstat(p)
                _open_up(p, st)
                with open(p, 'rb') as f:
                    same = f.read() == data
            except FileNotFoundError:
                same = False
            if not same:
                with open(p, 'wb') as f:
                    f.write(data)
        elif stat.S_ISLNK(mode):
            if not os.path.lexists(p):
                os.symlink(data, p)
        if not stat.S_ISLNK(mode) and os.path.lexists(p) and stat.S_IMODE(os.lstat(p).st_mode) != stat.S_IMODE(mode):
            os.chmod(p, stat.S_IMODE(mode))
    # times last, deepest first (restoring a child changes its folder's times)
    for p in sorted(snap, reverse=True):
        mode, _data, at, mt = snap[p]
        if os.path.lexists(p):
            st = os.lstat(p)
            if (st.st_atime_ns, st.st_mtime_ns) != (at, mt):
                os.utime(p, ns=(at, mt), follow_symlinks=False)
