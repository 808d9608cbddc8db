# The sample's code and the test that judges it run in two processes (docs/decisions/0002).
#
# The observer (the harness, pytest, the checks) never runs a line of the sample. It reaches the
# sample's functions through `ProxyModule`: each call is one message to a separate sample process
# (`serve_sample`), whose answer is decoded into plain built-in values (None, bool, int, float, str,
# bytes, list, tuple, dict, set, pathlib paths) and compared on the observer's side. Objects the
# observer passes that cannot be copied (a sqlite3 connection) stay in the observer: the sample gets
# a handle whose allowed methods run in the observer (so what the sample's SQL does to the database
# happens where the observer looks). Nothing the sample sends back is ever executed or trusted as an
# object: an unknown object arrives as an inert `Opaque`, an exception as a plain instance of an
# allow-listed exception class.
#
# Failures of the link are `SampleUnavailable` (a BaseException, so that a harness's
# `except Exception:` around an attack cannot mistake "the sample never ran" for "the attack failed").
import base64
import json
import os
import pathlib
import signal
import socket
import struct
import sys
import traceback

MAX_MESSAGE = 32 * 1024 * 1024
# Captured at import, before any sample code runs in this process (a sample that patches json or
# struct for its own reasons should not break its own answers).
_dumps, _loads, _pack, _unpack = json.dumps, json.loads, struct.pack, struct.unpack
_blake2b, _urandom = __import__('hashlib').blake2b, os.urandom
MESSAGE_LIMIT = 2000


class SampleUnavailable(BaseException):
    """The sample could not answer: it did not import, died, hung up or broke the protocol."""


class Opaque:
    """An object of the sample's that is not a plain value: only its type name and repr arrive."""

    __slots__ = ('type_name', 'text')

    def __init__(self, type_name, text):
        self.type_name = type_name
        self.text = text

    def __repr__(self):
        return '<sample object %s: %s>' % (self.type_name, self.text)

    __str__ = __repr__


# ---- framing -------------------------------------------------------------------------------------

def send_msg(sock, obj):
    data = _dumps(obj, separators=(',', ':')).encode('utf-8')
    sock.sendall(_pack('>I', len(data)) + data)


def _recv_exact(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError('connection closed')
        chunks.append(chunk)
        n -= len(chunk)
    return b''.join(chunks)


def recv_msg(sock):
    (n,) = _unpack('>I', _recv_exact(sock, 4))
    if n > MAX_MESSAGE:
        raise ValueError('message of %d bytes is over the limit' % n)
    return _loads(_recv_exact(sock, n).decode('utf-8'))


# ---- values ----------------------------------------------------------------------------------------

def encode(v, handle_of=None, depth=0):
    """Plain values as tagged JSON; `handle_of(v)` names objects that must stay on this side."""
    if depth > 200:
        raise ValueError('value nested too deeply')
    if v is None or v is True or v is False:
        return v
    t = type(v)
    if t is int or t is float or t is str:
        return v
    if isinstance(v, bool):
        return bool(v)
    if isinstance(v, int):
        return int.__index__(v) if not isinstance(v, bool) else bool(v)
    if isinstance(v, float):
        return float.__float__(v)
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {'$b': base64.b64encode(bytes(v)).decode('ascii')}
    if isinstance(v, tuple):
        return {'$t': [encode(x, handle_of, depth + 1) for x in v]}
    if isinstance(v, list):
        return [encode(x, handle_of, depth + 1) for x in v]
    if isinstance(v, dict):
        return {'$d': [[encode(k, handle_of, depth + 1), encode(x, handle_of, depth + 1)] for k, x in v.items()]}
    if isinstance(v, (set, frozenset)):
        return {'$s': [encode(x, handle_of, depth + 1) for x in v], 'f': isinstance(v, frozenset)}
    if isinstance(v, pathlib.PurePath):
        return {'$p': str(v)}
    if handle_of is not None:
        h = handle_of(v)
        if h is not None:
            return h
    try:
        import sqlite3
        if isinstance(v, sqlite3.Row):
            return {'$t': [encode(x, handle_of, depth + 1) for x in tuple(v)]}
    except ImportError:
        pass
    try:
        text = repr(v)[:200]
    except BaseException:  # noqa: BLE001
        text = '?'
    return {'$o': type(v).__qualname__[:100], 'r': text}


def decode(v, resolve_handle, depth=0):
    """Tagged JSON back to plain built-in values (never anything the other side defined)."""
    if depth > 200:
        raise ValueError('value nested too deeply')
    if v is None or type(v) in (bool, int, float, str):
        return v
    if type(v) is list:
        return [decode(x, resolve_handle, depth + 1) for x in v]
    if type(v) is dict:
        if '$b' in v:
            return base64.b64decode(str(v['$b']))
        if '$t' in v:
            return tuple(decode(x, resolve_handle, depth + 1) for x in v['$t'])
        if '$d' in v:
            out = {}
            for pair in v['$d']:
                k = decode(pair[0], resolve_handle, depth + 1)
                try:
                    hash(k)
                except TypeError:
                    k = repr(k)
                out[k] = decode(pair[1], resolve_handle, depth + 1)
            return out
        if '$s' in v:
            items = []
            for x in v['$s']:
                x = decode(x, resolve_handle, depth + 1)
                try:
                    hash(x)
                    items.append(x)
                except TypeError:
                    items.append(repr(x))
            return frozenset(items) if v.get('f') else set(items)
        if '$p' in v:
            return pathlib.Path(str(v['$p']))
        if '$h' in v:
            return resolve_handle(v)
        if '$o' in v:
            return Opaque(str(v['$o'])[:100], str(v.get('r', ''))[:200])
    raise ValueError('unknown value encoding')


# ---- exceptions ------------------------------------------------------------------------------------

# Modules whose exception classes the observer re-creates by name (only if already imported there).
EXCEPTION_MODULES = (
    'builtins', 'sqlite3', 'jwt', 'jwt.exceptions', 'yaml', 'yaml.error', 'yaml.constructor',
    'yaml.scanner', 'yaml.parser', 'yaml.composer', 'json', 'json.decoder', 'subprocess', 'argon2',
    'argon2.exceptions', 'binascii', 'lxml.etree', 'xml.etree.ElementTree', 'xml.parsers.expat',
    'urllib.error', 'zipfile', 'tarfile', 're', 'ssl', 'socket', 'shutil', 'decimal', 'werkzeug.exceptions',
    'Crypto', 'Cryptodome', 'defusedxml', 'marshmallow', 'natsort',
)


def exception_record(e):
    t = type(e)
    text = ''
    try:
        text = str(e)[:MESSAGE_LIMIT]
    except BaseException:  # noqa: BLE001
        pass
    return {'type': '%s:%s' % (t.__module__, t.__qualname__), 'msg': text}


def rebuild_exception(rec):
    """An instance of the named class if it is an allow-listed Exception subclass, else RuntimeError."""
    name = str(rec.get('type', ''))
    msg = str(rec.get('msg', ''))[:MESSAGE_LIMIT]
    mod_name, _, qual = name.partition(':')
    cls = None
    if mod_name in EXCEPTION_MODULES and mod_name in sys.modules and qual:
        obj = sys.modules[mod_name]
        for part in qual.split('.'):
            obj = getattr(obj, part, None) if not part.startswith('__') else None
            if obj is None:
                break
        if isinstance(obj, type) and issubclass(obj, Exception):
            cls = obj
    if cls is not None:
        try:
            e = cls.__new__(cls)
            Exception.__init__(e, msg)
            return e
        except BaseException:  # noqa: BLE001
            pass
    return RuntimeError('%s: %s' % (name, msg))


# ---- observer side ---------------------------------------------------------------------------------

def _handle_rules():
    """Which methods and attributes of observer-owned objects a sample may use (and nothing else)."""
    rules = []
    try:
        import sqlite3
        rules.append((sqlite3.Connection,
                      {'execute', 'executemany', 'executescript', 'cursor', 'commit', 'rollback', 'close'},
                      {'total_changes', 'in_transaction', 'isolation_level'}))
        rules.append((sqlite3.Cursor,
                      {'execute', 'executemany', 'executescript', 'fetchone', 'fetchall', 'fetchmany', 'close'},
                      {'rowcount', 'lastrowid', 'description', 'arraysize'}))
    except ImportError:
        pass
    return rules


class SampleLink:
    """The observer's end of one sample process."""

    def __init__(self, sock, pid, on_before_call=None, on_after_call=None, coverage=False):
        self.sock = sock
        self.pid = pid
        self.objects = {}
        self.rules = _handle_rules()
        self.on_before_call = on_before_call
        self.on_after_call = on_after_call
        self.dead = None
        self.calls = 0
        # What of the program's own code ran in this process (code index -> instruction offsets),
        # from the `cov` field of its answers (docs/decisions/0018); `cov_problem` once an answer's
        # coverage was malformed or the process said its collector was tampered with.
        self.coverage = {}
        self.cov_problem = None
        self.cov_key = None
        self.cov_seq = 0
        if coverage:
            # The key of the coverage MACs: the first message the sample process reads, before its
            # module loads (serve_sample); it lives only in the collector's closure there.
            self.cov_key = _urandom(32)
            send_msg(sock, {'covkey': self.cov_key.hex()})

    def _take_coverage(self, msg):
        cov = msg.get('cov')
        if cov is None or self.cov_key is None:
            return
        want = coverage_mac(self.cov_key, self.cov_seq, cov)
        if msg.get('covmac') != want:
            self.cov_problem = self.cov_problem or 'coverage not authenticated (written by the program?)'
            return
        self.cov_seq += 1
        try:
            for idx, offsets in cov:
                if type(idx) is not int or type(offsets) is not list or any(type(o) is not int for o in offsets):
                    raise ValueError('coverage entry')
                self.coverage.setdefault(idx, set()).update(offsets)
        except (TypeError, ValueError):
            self.cov_problem = self.cov_problem or 'malformed coverage from the sample process'

    def _handle_of(self, v):
        for cls, methods, attrs in self.rules:
            if type(v) is cls:
                hid = id(v)
                self.objects[hid] = v
                return {'$h': hid, 'c': cls.__name__, 'm': sorted(methods), 'a': sorted(attrs)}
        return None

    def _resolve(self, ref):
        obj = self.objects.get(ref.get('$h'))
        if obj is None:
            raise ValueError('unknown handle')
        return obj

    def _rule(self, obj):
        for cls, methods, attrs in self.rules:
            if type(obj) is cls:
                return methods, attrs
        return set(), set()

    def _serve_handle_op(self, msg):
        try:
            obj = self._resolve({'$h': msg.get('id')})
            name = str(msg.get('name', ''))
            methods, attrs = self._rule(obj)
            if msg.get('op') == 'hcall' and name in methods:
                args = decode(msg.get('args', []), self._resolve)
                kwargs = decode(msg.get('kwargs', {'$d': []}), self._resolve)
                result = getattr(obj, name)(*args, **{str(k): x for k, x in kwargs.items()})
            elif msg.get('op') == 'hget' and name in attrs:
                result = getattr(obj, name)
            else:
                raise AttributeError('%s.%s is not available to the sample' % (type(obj).__name__, name))
            reply = {'ok': encode(result, self._handle_of)}
        except Exception as e:  # noqa: BLE001 - the sample's SQL may fail; that is its business
            reply = {'exc': exception_record(e)}
        send_msg(self.sock, reply)

    def call(self, op, name, args=(), kwargs=None):
        if self.dead is not None:
            raise SampleUnavailable(self.dead)
        request = {'op': op, 'name': name,
                   'args': encode(list(args), self._handle_of),
                   'kwargs': encode(dict(kwargs or {}), self._handle_of)}
        if self.on_before_call:
            self.on_before_call(self)
        self.calls += 1
        try:
            send_msg(self.sock, request)
            while True:
                msg = recv_msg(self.sock)
                if not isinstance(msg, dict):
                    raise ValueError('malformed message')
                if msg.get('op') in ('hcall', 'hget'):
                    self._serve_handle_op(msg)
                    continue
                if 'covtamper' in msg:
                    self.cov_problem = self.cov_problem or str(msg['covtamper'])[:MESSAGE_LIMIT]
                    continue
                break
        except (OSError, EOFError, ValueError, struct.error, RecursionError) as e:
            self.dead = 'the sample process stopped answering (%s)' % (e,)
            raise SampleUnavailable(self.dead) from None
        finally:
            if self.on_after_call:
                self.on_after_call(self)
        self._take_coverage(msg)
        if 'unavailable' in msg:
            self.dead = str(msg['unavailable'])[:MESSAGE_LIMIT]
            raise SampleUnavailable(self.dead)
        if 'exc' in msg:
            raise rebuild_exception(msg['exc'] if isinstance(msg['exc'], dict) else {})
        try:
            return decode(msg.get('ok'), self._resolve)
        except (ValueError, RecursionError, TypeError, KeyError) as e:
            self.dead = 'undecodable answer from the sample (%s)' % (e,)
            raise SampleUnavailable(self.dead) from None


class RemoteFunction:
    """A function of the sample's module, called in the sample process."""

    def __init__(self, get_link, module, name):
        self._get_link = get_link
        self._module = module
        self.__name__ = name
        self.__qualname__ = name

    def __call__(self, *args, **kwargs):
        return self._get_link().call('call', self.__name__, args, kwargs)

    def __repr__(self):
        return '<sample function %s.%s>' % (self._module, self.__name__)


class ProxyModule(type(sys)):
    """Stands for the sample's module in the observer: attributes are the sample's functions."""

    def __init__(self, name, get_link):
        super().__init__(name)
        self.__dict__['_tsp_get_link'] = get_link
        self.__file__ = '<sample %s>' % name

    def __getattr__(self, attr):
        if attr.startswith('__') and attr.endswith('__'):
            raise AttributeError(attr)
        return RemoteFunction(self.__dict__['_tsp_get_link'], self.__name__, attr)


def sandbox_pids_except(keep):
    """Live (not zombie) processes of this pid namespace, minus `keep` and pid 1."""
    out = []
    for entry in os.listdir('/proc'):
        if entry.isdigit():
            pid = int(entry)
            if pid != 1 and pid not in keep:
                try:
                    with open('/proc/%d/stat' % pid, 'rb') as f:
                        state = f.read().rsplit(b')', 1)[1].split()[0]
                except (OSError, IndexError):
                    continue
                if state != b'Z':
                    out.append(pid)
    return out


def kill_and_wait(pids_fn, wait_s=2.0):
    """SIGKILLs every process `pids_fn()` lists and waits (up to wait_s) until none is left alive."""
    import time
    end = time.monotonic() + wait_s
    while True:
        signal_all(pids_fn, signal.SIGKILL)
        if not pids_fn() or time.monotonic() >= end:
            return
        time.sleep(0.002)


def _limit_of(text, name):
    """The soft limit on the /proc/<pid>/limits line `name` (as text), or None."""
    for line in text.splitlines():
        if line.startswith(name):
            return line[len(name):].split()[0]
    return None


def limit_line(pid, name):
    """The soft limit of /proc/<pid>/limits line `name` (as text), or None."""
    try:
        with open('/proc/%s/limits' % pid) as f:
            return _limit_of(f.read(), name)
    except OSError:
        return None


FILTER_FIELDS = ('Seccomp', 'Seccomp_filters', 'NoNewPrivs')


def own_filters():
    """This process's seccomp and no_new_privs state: what a sample process must still have."""
    return {key: status_field('self', key) for key in FILTER_FIELDS}


def tampered(pid, limits, filters):
    """What of a sample process's limits or filters differs from what it was given (`limits`:
    /proc limits line -> soft value; `filters`: from `own_filters()`), or None: a sample that lowers
    its own RLIMIT_NPROC or installs a seccomp filter can make the vulnerable line fail only in
    the judge."""
    try:
        with open('/proc/%d/limits' % pid) as f:
            text = f.read()
        with open('/proc/%d/status' % pid) as f:
            status = f.read()
    except OSError:
        return None
    for name, want in limits.items():
        got = _limit_of(text, name)
        if want is not None and got is not None and got != want:
            return '%s %s, given %s' % (name, got, want)
    for key, mine in filters.items():
        theirs = _status_field_of(status, key)
        if mine != theirs:
            return '%s %s, given %s' % (key, theirs, mine)
    return None


def _status_field_of(text, key):
    for line in text.splitlines():
        k, _, value = line.partition(':')
        if k == key:
            return value.strip()
    return None


def status_field(pid, key):
    try:
        with open('/proc/%s/status' % pid) as f:
            return _status_field_of(f.read(), key)
    except OSError:
        return None


def signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except OSError:
        pass


def signal_all(pids_fn, sig):
    """Sends `sig` to every process `pids_fn()` lists, until no new one appears (forks in flight)."""
    seen = set()
    for _ in range(4):
        fresh = [p for p in pids_fn() if p not in seen]
        if not fresh:
            return
        for pid in fresh:
            seen.add(pid)
            try:
                os.kill(pid, sig)
            except OSError:
                pass


# ---- sample side -----------------------------------------------------------------------------------

class _HandleProxy:
    """The sample's view of an observer-owned object: its allowed methods and attributes, remotely."""

    def __init__(self, sock, ref):
        object.__setattr__(self, '_ref', ref)
        object.__setattr__(self, '_sock', sock)

    def _request(self, op, name, args=(), kwargs=None):
        ref = object.__getattribute__(self, '_ref')
        sock = object.__getattribute__(self, '_sock')
        send_msg(sock, {'op': op, 'id': ref['$h'], 'name': name,
                        'args': encode(list(args), _sample_handle_of),
                        'kwargs': encode(dict(kwargs or {}), _sample_handle_of)})
        msg = recv_msg(sock)
        if 'exc' in msg:
            raise _sample_exception(msg['exc'])
        return decode(msg.get('ok'), lambda r: _HandleProxy(sock, r))

    def __getattr__(self, name):
        ref = object.__getattribute__(self, '_ref')
        if name in ref.get('m', ()):
            return lambda *a, **k: self._request('hcall', name, a, k)
        if name in ref.get('a', ()):
            return self._request('hget', name)
        raise AttributeError('%s has no attribute %s here' % (ref.get('c'), name))

    def __iter__(self):
        while True:
            row = self._request('hcall', 'fetchone')
            if row is None:
                return
            yield row

    def __enter__(self):
        return self

    def __exit__(self, exc_type, _exc, _tb):
        self._request('hcall', 'rollback' if exc_type else 'commit')
        return False


def _sample_handle_of(v):
    if isinstance(v, _HandleProxy):
        return {'$h': object.__getattribute__(v, '_ref')['$h']}
    return None


def _sample_exception(rec):
    name = str(rec.get('type', ''))
    mod_name, _, qual = name.partition(':')
    obj = sys.modules.get(mod_name)
    for part in qual.split('.') if obj is not None else ():
        obj = getattr(obj, part, None)
    if isinstance(obj, type) and issubclass(obj, BaseException):
        try:
            e = obj.__new__(obj)
            BaseException.__init__(e, rec.get('msg', ''))
            return e
        except BaseException:  # noqa: BLE001
            pass
    return RuntimeError('%s: %s' % (name, rec.get('msg', '')))


# ---- coverage of the program's own code (docs/decisions/0018) ------------------------------------

CodeType = type(compile('', '', 'exec'))


def code_tree(code):
    """The code objects of a compiled module in a fixed order (depth first through co_consts): the
    sample process and the judge number them alike from the same source."""
    out = []
    stack = [code]
    while stack:
        c = stack.pop()
        out.append(c)
        stack.extend(reversed([k for k in c.co_consts if isinstance(k, CodeType)]))
    return out


# Audit events that hand out the collector or the frames it traces (see `start_coverage`).
_ALWAYS_TAMPER = frozenset(('gc.get_referrers', 'gc.get_referents', 'gc.get_objects', 'sys._current_frames'))
_FRAME_ATTRS = frozenset(('tb_frame', 'gi_frame', 'cr_frame', 'ag_frame'))
HOT_RUN = 20000


def coverage_mac(key, seq, cov):
    """The MAC of the `seq`-th coverage report of a sample process."""
    text = '%d:%s' % (seq, _dumps(cov, separators=(',', ':')))
    return _blake2b(text.encode('utf-8'), key=key, digest_size=16).hexdigest()


def start_coverage(code, source, sock, key):
    """Records which instructions of the program's own code objects (those compiled from its file at
    import, `code_tree(code)`: a code object made later by exec or compile is not the program's)
    run in this process; returns `take()`, which hands out (and forgets) what ran since the last
    call as [[code index, [offsets]], ...].

    Fail-safe by design: a program that stops the tracer (sys.settrace(None), its own tracer) only
    makes its coverage smaller, which denies it `secure` (untested code). What could make coverage
    larger is reaching the collector's state: through the garbage collector or the frames it traces.
    An audit hook (which cannot be removed) reports those operations to the judge at once, on the
    sample's socket, before the operation hands anything out: the judge then trusts none of this
    process's coverage. Residual routes (frames reached through a library helper such as
    traceback.walk_stack, or a signal handler's frame argument) are in the decision record."""
    mac_of = coverage_mac
    seq = [0]
    codes = code_tree(code)
    index = {id(c): i for i, c in enumerate(codes)}
    seen = [set() for _ in codes]
    fresh = []
    index_get = index.get
    fresh_append = fresh.append

    # What the judge counts is units (coverage_gate): per code object, the unit of each offset. An
    # instruction of a unit already seen need not be reported, and a code object all of whose
    # units ran is traced no more. Without the map (coverage_gate not importable), every new
    # instruction is reported and the tracing never stops early.
    try:
        import coverage_gate
        unit_maps = coverage_gate.attribute(source, code.co_filename)[3]
        if len(unit_maps) != len(codes):
            raise ValueError('code trees differ')
    except BaseException:  # noqa: BLE001
        unit_maps = None
    units_left = [len(set(m.values())) for m in unit_maps] if unit_maps is not None else None
    seen_units = [set() for _ in codes]

    def global_trace(frame, event, _arg):
        i = index_get(id(frame.f_code))
        if i is None:
            return None
        if units_left is not None and units_left[i] <= 0:
            return None
        s = seen[i]
        s_add = s.add
        umap = unit_maps[i] if unit_maps is not None else None
        done_units = seen_units[i]
        frame.f_trace_opcodes = True
        # A frame that has run HOT_RUN instructions in a row with nothing new (a hot loop) is
        # followed line by line until a line starts at an instruction not seen before.
        state = [0, True]

        def local_trace(frame, event, _arg):
            if event == 'opcode' or (event == 'line' and not state[1]):
                off = frame.f_lasti
                if off in s:
                    if state[1]:
                        state[0] += 1
                        if state[0] > HOT_RUN:
                            state[1] = False
                            frame.f_trace_opcodes = False
                    return local_trace
                s_add(off)
                state[0] = 0
                if not state[1]:
                    # a line not seen before: instruction by instruction again
                    state[1] = True
                    frame.f_trace_opcodes = True
                if umap is None:
                    fresh_append((i, off))
                    return local_trace
                u = umap.get(off)
                if u is not None and u not in done_units:
                    done_units.add(u)
                    fresh_append((i, off))
                    units_left[i] -= 1
                    if units_left[i] <= 0:
                        frame.f_trace_opcodes = False
                        return None
            return local_trace
        return local_trace

    sendall = sock.sendall
    notices = {}
    for why in ('gc', 'frames', 'getframe'):
        data = _dumps({'covtamper': 'the program reached the coverage collector (%s): its coverage is not '
                                    'trusted' % why}, separators=(',', ':')).encode('utf-8')
        notices[why] = _pack('>I', len(data)) + data
    sent = []

    def program_frame(frame):
        return frame is not None and index_get(id(frame.f_code)) is not None

    getframe = sys._getframe

    looking = []

    def guard(event, args):
        if sent:
            return
        why = None
        if event in _ALWAYS_TAMPER:
            why = 'gc'
        elif event == 'sys._getframe':
            if args and not looking and program_frame(args[0]):
                why = 'getframe'
        elif event == 'object.__getattr__':
            if len(args) > 1 and args[1] in _FRAME_ATTRS:
                looking.append(1)  # the guard's own look at its caller is no program's
                try:
                    if program_frame(getframe(1)):
                        why = 'frames'
                finally:
                    looking.pop()
        if why is not None:
            sent.append(why)
            try:
                sendall(notices[why])
            except BaseException:  # noqa: BLE001 - a link that cannot carry the notice must die
                os._exit(0)

    sys.addaudithook(guard)
    # Neither hands out the tracer by any spelling once removed (frames still do: see above).
    import threading
    for mod in (sys, threading):
        for name in ('gettrace', 'getprofile'):
            try:
                delattr(mod, name)
            except AttributeError:
                pass
    threading.settrace(global_trace)
    sys.settrace(global_trace)

    def take():
        """(coverage since the last call, its MAC)."""
        items = fresh[:]
        del fresh[:]
        grouped = {}
        for i, off in items:
            grouped.setdefault(i, []).append(off)
        cov = [[i, offs] for i, offs in grouped.items()]
        mac = mac_of(key, seq[0], cov)
        seq[0] += 1
        return cov, mac
    return take


def serve_sample(sock, module_name, stream_follows=False, coverage=False):
    """The sample process: import the sample's module, then answer calls until the link closes.
    With `stream_follows`, the observer's first message on the link is the judge's randomness key,
    installed before the module loads (it never passes through the factory, whose memory every
    later sample process inherits). With `coverage`, every answer carries what of the program's
    own code ran since the previous one (`start_coverage`)."""
    take_coverage = None
    cov_key = None
    if coverage:
        try:
            cov_key = bytes.fromhex(str(recv_msg(sock)['covkey']))
        except BaseException:  # noqa: BLE001
            os._exit(0)
    if stream_follows:
        try:
            install_stream(str(recv_msg(sock)['stream']))
        except BaseException:  # noqa: BLE001
            os._exit(0)
    try:
        # Loaded from its file, with its folder NOT on sys.path: the folder is the sample's to write
        # in, and a module it wrote there (code built from its input) must not be importable by a
        # plain `import`, which no static rule can tell from an import of the standard library.
        import importlib.util
        spec = importlib.util.spec_from_file_location(module_name, os.path.join(os.getcwd(), module_name + '.py'))
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        if coverage:
            code = spec.loader.get_code(module_name)
            source = spec.loader.get_source(module_name)
            take_coverage = start_coverage(code, source, sock, cov_key)
            del cov_key
            exec(code, module.__dict__)  # noqa: S102 - what exec_module does, with the code traced
        else:
            spec.loader.exec_module(module)
        failure = None
    except BaseException as e:  # noqa: BLE001
        module = None
        tb = traceback.format_exception(type(e), e, e.__traceback__)
        failure = 'the sample does not import: ' + ''.join(tb[-3:])[-MESSAGE_LIMIT:]
    while True:
        try:
            msg = recv_msg(sock)
        except BaseException:  # noqa: BLE001
            # The observer closed the link: the test is over once what the sample started in this
            # process (threads) is done too; the observer waits for that, up to the test's limit.
            import threading
            import time
            while threading.active_count() > 1:
                time.sleep(0.01)
            os._exit(0)
        if failure is not None:
            send_msg(sock, {'unavailable': failure})
            continue
        try:
            args = decode(msg.get('args', []), lambda r: _HandleProxy(sock, r))
            kwargs = decode(msg.get('kwargs', {'$d': []}), lambda r: _HandleProxy(sock, r))
            target = getattr(module, str(msg.get('name')))
            if msg.get('op') == 'call':
                result = target(*args, **{str(k): v for k, v in kwargs.items()})
            else:
                result = target
            reply = {'ok': encode(result, _sample_handle_of)}
        except BaseException as e:  # noqa: BLE001
            reply = {'exc': exception_record(e)}
        if take_coverage is not None:
            try:
                reply['cov'], reply['covmac'] = take_coverage()
            except BaseException:  # noqa: BLE001 - no coverage: the judge then finds the code unrun
                pass
        try:
            send_msg(sock, reply)
        except (ValueError, TypeError, RecursionError) as e:
            fallback = {'exc': exception_record(e)}
            if 'covmac' in reply:
                fallback['cov'], fallback['covmac'] = reply['cov'], reply['covmac']
            send_msg(sock, fallback)
        except BaseException:  # noqa: BLE001
            os._exit(0)


def install_stream(key_hex):
    """The sample process's system randomness from the judge's stream (64 hex digits): os.urandom and
    what reads through it (secrets, random.SystemRandom, uuid.uuid4) return the keyed BLAKE2b
    keystream, the same bytes in every process given the same key and indistinguishable from random
    without it. What does not read through it (ssl.RAND_bytes, /dev/urandom opened by name, a new
    random.Random()) keeps the kernel's randomness, so its value differs between two processes given
    the same stream: judged as not drawn from the system's randomness (strict, never lenient)."""
    import hashlib
    import operator
    import posix
    import random
    import threading
    key = bytes.fromhex(key_hex)
    state = {'block': 0, 'buf': b''}
    lock = threading.Lock()

    def urandom(size):
        size = operator.index(size)
        if size < 0:
            raise ValueError('negative argument not allowed')
        with lock:
            while len(state['buf']) < size:
                state['buf'] += hashlib.blake2b(state['block'].to_bytes(8, 'little'), key=key).digest()
                state['block'] += 1
            out, state['buf'] = state['buf'][:size], state['buf'][size:]
        return out

    os.urandom = posix.urandom = random._urandom = urandom


def start_sample_process(sample_dir, module_name, limits, env, setup_limits, random_state=None,
                         stream_follows=False, coverage=False):
    """Forks the sample process (from a process that never saw a harness); returns (socket, pid)."""
    parent_sock, child_sock = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        try:
            parent_sock.close()
            os.setsid()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            devnull = os.open('/dev/null', os.O_RDONLY)
            os.dup2(devnull, 0)
            out = os.open(os.path.join(sample_dir, '.tsp-output'), os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                          0o600)
            os.dup2(out, 1)
            os.dup2(out, 2)
            keep = child_sock.fileno()
            os.closerange(3, keep)
            os.closerange(keep + 1, 1 << 16)
            os.chdir(sample_dir)
            os.environ.clear()
            os.environ.update({'PATH': '/usr/local/bin:/usr/bin:/bin', 'HOME': sample_dir,
                               'TMPDIR': '/tmp', 'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8'})
            os.environ.update(env or {})
            sys.dont_write_bytecode = True
            if random_state is not None:
                # Python reseeds `random` in a forked child; every sample process starts from the
                # factory's state instead, so that an ordinary PRNG's output repeats across them.
                import random
                random.setstate(random_state)
            setup_limits(limits)
            serve_sample(child_sock, module_name, stream_follows, coverage)
        finally:
            os._exit(0)
    child_sock.close()
    return parent_sock, pid
