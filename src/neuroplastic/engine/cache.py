"""On-disk cache of generated step-loop modules.

A generated module is written once to ``<cache dir>/np_<hash>.py`` and imported
under a unique name; numba stores its machine code beside it (``__pycache__``), so
a later process with the same structure loads instead of compiling. The cache
directory is ``$NEUROPLASTIC_CACHE_DIR`` or ``~/.cache/neuroplastic/kernels``.

Several processes share the cache (the workers of a sweep): writing a module and
compiling-and-storing its machine code happen under a file lock per key
(``np_<hash>.lock``, :mod:`filelock`). The first process compiles; the others
wait and then load its machine code instead of compiling the same kernel again.
Without the lock two processes would both compile, and one could rewrite the
module while the other's numba index was stamped with the old file's time, which
leaves an index that never matches (a compile on every later start).
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import inspect
import os
import sys
import time
from pathlib import Path

import numba
from filelock import FileLock
from numba.core import event

from ..io.atomic import atomic_write_text

_ENGINE_SOURCES = ("neurons.py", "inputs.py", "random.py", "codegen.py", "kinds.py", "dendrites.py", "threads.py",
                  "prefetch.py")


def cache_dir() -> Path:
    """Where generated kernels and numba's compiled code are kept."""
    root = os.environ.get("NEUROPLASTIC_CACHE_DIR")
    path = Path(root) if root else Path.home() / ".cache" / "neuroplastic" / "kernels"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _engine_fingerprint() -> str:
    """The engine's kernel sources and every module of the plasticity package
    (built-in hooks call helper kernels across its modules, e.g. traces.py)."""
    here = Path(__file__).parent
    plasticity = sorted((here.parent / "plasticity").glob("*.py"))
    return "".join(f.read_text() for f in [here / name for name in _ENGINE_SOURCES] + plasticity)


def module_source(fn) -> str:
    """The qualified name and source of ``fn`` (a hook or kernel) and the whole
    source of its module, so that editing a helper kernel beside it changes the
    cache key too; the name alone where no source is kept (an interactive session)."""
    parts = [f"{fn.__module__}.{fn.__qualname__}"]
    for obj in (fn, inspect.getmodule(fn)):   # the function itself: two of one name in a module differ
        try:
            parts.append(inspect.getsource(obj))
        except (OSError, TypeError):
            pass
    return "\n".join(parts)


def kernel_sources(net) -> list[str]:
    """Identity and source of every function the loop calls that the
    generated source only names: each population's kernel (its registered
    kind, engine/kinds.py) and each rule's hooks."""
    kernels = [p.spec.kind.fingerprint(p.spec.step) for p in net._pops]
    rules = [type(r).source_fingerprint() for part in net._pops + net._projs for r in part.spec.rules]
    return kernels + rules


def kernel_key(source: str, sources: list[str]) -> str:
    """Hash of everything the compiled loop depends on."""
    h = hashlib.sha256()
    for part in (source, *sources, _engine_fingerprint(), numba.__version__, sys.version):
        h.update(part.encode())
    return h.hexdigest()[:20]


def load_kernel(source: str, sources: list[str], hooks: dict):
    """The ``advance`` function of the generated module, with the kernels and
    hooks it calls bound as its globals (``sources``: :func:`kernel_sources`)."""
    key = kernel_key(source, sources)
    mod_name = f"np_{key}"
    module = sys.modules.get(mod_name)
    if module is None:
        path = cache_dir() / f"{mod_name}.py"
        with kernel_lock(mod_name):
            if not path.exists() or path.read_text() != source:
                atomic_write_text(path, source)
        spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        spec.loader.exec_module(module)
        for name, fn in hooks.items():
            setattr(module, name, fn)
    return module.advance


@contextlib.contextmanager
def kernel_lock(mod_name: str):
    """Hold the inter-process lock of one generated module (``<cache dir>/<mod_name>.lock``).
    A cache directory where no lock file can be made (read-only, shared) is used unlocked:
    it can only be read there, and reading needs no lock."""
    lock = FileLock(cache_dir() / f"{mod_name}.lock")
    try:
        lock.acquire()
    except OSError:
        yield
        return
    try:
        yield
    finally:
        lock.release()


def compile_once(advance, args) -> None:
    """Compile ``advance`` for the types of ``args``, or load its machine code
    from the disk cache, holding the module's lock: of several processes that
    need the same new kernel at once, one compiles and the others load it."""
    if advance.signatures:
        return
    with kernel_lock(advance.py_func.__module__):
        advance.compile(tuple(advance.typeof_pyval(a) for a in args))


class _CompileListener(event.Listener):
    """Reports numba's compilation of one dispatcher (a disk-cache load is no compilation)."""

    def __init__(self, dispatcher, on_start, on_end):
        self.dispatcher, self.on_start_cb, self.on_end_cb, self.t0 = dispatcher, on_start, on_end, 0.0

    def on_start(self, ev):
        if ev.data["dispatcher"] is self.dispatcher:
            self.t0 = time.perf_counter()
            self.on_start_cb()

    def on_end(self, ev):
        if ev.data["dispatcher"] is self.dispatcher:
            self.on_end_cb(time.perf_counter() - self.t0)


@contextlib.contextmanager
def watch_compile(advance, on_start, on_end):
    """Within the context, call ``on_start()`` when numba starts compiling
    ``advance`` (its first call, when the disk cache has no machine code for it)
    and ``on_end(seconds)`` when it is done."""
    if advance.signatures:   # already compiled or loaded in this process
        yield
        return
    with event.install_listener("numba:compile", _CompileListener(advance, on_start, on_end)):
        yield
