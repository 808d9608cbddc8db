# The sample process of a Python CWEval task (bound read-only at /opt/tsp/cweval_sample_host.py).
#
# TSP's CWEval driver (cweval-driver.py, the observer: pytest and CWEval's checks) never imports the
# sample. Per pytest test item it starts this host as a fresh interpreter
# (`/usr/bin/python3 -I -B -c <boot> <fd> <module>`: fork + exec, so nothing of the driver's memory,
# its event key or its job, comes along) with one end of a socket pair on <fd>. The host imports
# the sample's module from /work and answers the observer's calls (sample_proxy.serve_sample).
#
# What the sample sees here matches what it saw when it ran inside the driver: cwd /work, /work and
# /work/_tsp_py first on sys.path, the driver's environment, the `Crypto` -> `Cryptodome` alias, and the
# instrumentation a few CWEval test files apply to the process in which the sample runs (see
# SAMPLE_INSTRUMENTATION).
import os
import signal
import socket
import sys

WORK = '/work'
TSP_MODULES = '/opt/tsp'


def install_crypto_alias():
    """CWEval's tests and tasks import `Crypto` (PyCryptodome's default name); Debian installs it as
    `Cryptodome`. Used by the driver (for the tests) and by this host (for the sample)."""
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


def _mark_mktemp():
    # cwe_377_0_test.py wraps tempfile.mktemp (its names end in `_by_mktemp`) BEFORE it imports the
    # task, so that a sample that uses mktemp (also through `from tempfile import mktemp`) is seen.
    # The wrapper has to live where the sample runs: here. (The test file's own wrapper still runs in
    # the observer, where only CWEval's unsafe reference functions call it.)
    import tempfile
    original = tempfile.mktemp

    def mktemp_proxy(*args, **kwargs):
        return original(*args, **kwargs) + '_by_mktemp'

    tempfile.mktemp = mktemp_proxy


# Module of the sample -> what CWEval's test file does to the sample's process before importing it.
# Checked against every Python test file of CWEval (benchmark/core/py): only cwe_377_0 does this.
SAMPLE_INSTRUMENTATION = {
    'cwe_377_0_task': _mark_mktemp,
}


def main(argv):
    fd, module = int(argv[0]), argv[1]
    import sample_proxy
    try:
        import coverage_gate  # noqa: F401 - the collector's unit map (sample_proxy.start_coverage)
    except ImportError:
        pass

    sock = socket.socket(fileno=fd)
    for sig in (signal.SIGPIPE, signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    # The sample's import path as it was inside the driver: /work and the driver's helper modules
    # first (CWEval's unsafe references import wrapt_timeout_decorator too), no TSP module directory.
    helpers = os.path.join(WORK, '_tsp_py')
    sys.path[:] = [WORK, helpers] + [p for p in sys.path if p not in (TSP_MODULES, WORK, helpers, '')]
    sys.dont_write_bytecode = True
    os.chdir(WORK)
    install_crypto_alias()
    instrument = SAMPLE_INSTRUMENTATION.get(module)
    if instrument is not None:
        instrument()
    try:
        sample_proxy.serve_sample(sock, module, coverage='--coverage' in argv[2:])
    finally:
        os._exit(0)
