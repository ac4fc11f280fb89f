"""Atomic file writes.

Every writer here follows the same recipe: the content goes to a temporary file
in the *same directory* as the target (so the final rename never crosses a file
system), the temporary file is flushed and ``fsync``-ed, and only then moved
over the target with :func:`os.replace`. A reader therefore sees either the old
file or the complete new one, never a partial write. If anything fails before
the rename, the temporary file is removed and the target is left untouched.

Content that can be produced in memory (JSON, TOML) is fully encoded *before*
any file is created, so an encoding error does not even create a temporary file.

A process killed mid-write (``kill -9``, power loss) cannot remove its temporary
file. Temporary files are therefore named ``.<name>.<host>.<pid>.<random>.tmp``
and every write first removes the *stale* ones in its directory: those of a
process of this host that no longer exists, and any older than
:data:`STALE_AFTER_S` (a writer of another host, or a reused pid). A live
writer's temporary file is never touched. Files are created with mode
``0o666`` minus the process umask, like any other file the user creates.
"""
from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math
import os
import re
import secrets
import socket
import time
from pathlib import Path
from typing import IO, Any, Iterator, Mapping

import numpy as np

__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_write_toml",
    "atomic_save_npz",
    "atomic_save_figure",
    "to_jsonable",
    "stale_temp_files",
    "remove_stale_temp_files",
    "process_alive",
]

PathLike = str | os.PathLike

#: A temporary file older than this (seconds) is stale whatever its pid says.
STALE_AFTER_S = 3600.0

_HOST = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:63] or "host"
_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
_LEGACY_TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")   # tempfile.mkstemp names of older versions


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (one owned by another user counts)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _is_stale(entry: os.DirEntry, now: float) -> bool:
    match = _TEMP_RE.match(entry.name)
    if match is None and not _LEGACY_TEMP_RE.match(entry.name):
        return False
    try:
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except OSError:
        return False
    if age > STALE_AFTER_S:
        return True
    if match is None or match["host"] != _HOST:
        return False
    pid = int(match["pid"])
    return pid != os.getpid() and not process_alive(pid)


def stale_temp_files(directory: PathLike) -> list[Path]:
    """The temporary files in ``directory`` left by writers that died (sorted)."""
    now = time.time()
    try:
        with os.scandir(directory) as entries:
            return sorted(Path(e.path) for e in entries
                          if e.name.startswith(".") and e.name.endswith(".tmp") and e.is_file(follow_symlinks=False)
                          and _is_stale(e, now))
    except OSError:
        return []


def remove_stale_temp_files(directory: PathLike) -> list[Path]:
    """Delete :func:`stale_temp_files` of ``directory`` (best effort); return those removed."""
    removed = []
    for path in stale_temp_files(directory):
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def _create_temp(directory: Path, name: str) -> tuple[int, Path]:
    """Create ``.<name>.<host>.<pid>.<random>.tmp`` exclusively, mode 0o666 & ~umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = directory / f".{name}.{_HOST}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (best effort; not every platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _atomic_binary(path: PathLike) -> Iterator[IO[bytes]]:
    """Yield a binary file handle whose content replaces ``path`` on success.

    The temporary file lives next to ``path`` and is named
    ``.<name>.<host>.<pid>.<random>.tmp``; stale ones of dead writers in the
    same directory are removed first. On any exception (including a failing
    :func:`os.replace`) it is deleted and the exception propagates.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise FileNotFoundError(f"cannot write {target}: directory {directory} does not exist")
    remove_stale_temp_files(directory)
    fd, tmp = _create_temp(directory, target.name)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_directory(directory)


def atomic_write_bytes(path: PathLike, data: bytes) -> Path:
    """Atomically write ``data`` to ``path``; return the path."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"atomic_write_bytes({path!s}): data must be bytes, got {type(data).__name__}")
    with _atomic_binary(path) as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Atomically write ``text`` (encoded with ``encoding``) to ``path``; return the path."""
    if not isinstance(text, str):
        raise TypeError(f"atomic_write_text({path!s}): text must be str, got {type(text).__name__}")
    return atomic_write_bytes(path, text.encode(encoding))


# ----------------------------------------------------------------------------- JSON

def to_jsonable(obj: Any) -> Any:
    """Convert ``obj`` into plain JSON types.

    numpy scalars become Python numbers, numpy arrays/tuples/sets become lists,
    :class:`~pathlib.Path` becomes ``str``, dataclass instances become dicts,
    mapping keys become ``str``, and non-finite floats (NaN, +/-inf), which JSON
    cannot represent, become ``None`` (``null``). Anything else raises
    :class:`TypeError` naming the type.
    """
    if obj is None or isinstance(obj, (bool, str, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, np.generic):
        return to_jsonable(obj.item())
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, os.PathLike):
        return os.fspath(obj)
    if isinstance(obj, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted((to_jsonable(v) for v in obj), key=repr)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj))
    raise TypeError(f"object of type {type(obj).__name__} is not JSON serialisable: {obj!r}")


def atomic_write_json(path: PathLike, obj: Any) -> Path:
    """Atomically write ``obj`` as JSON (indent 2, sorted keys, trailing newline).

    Values are converted with :func:`to_jsonable` first, so numpy values and
    paths are accepted and NaN/inf are written as ``null``. The output is strict
    JSON (no ``NaN`` tokens).
    """
    try:
        text = json.dumps(to_jsonable(obj), indent=2, sort_keys=True, allow_nan=False)
    except TypeError as exc:
        raise TypeError(f"cannot write {path!s} as JSON: {exc}") from exc
    return atomic_write_text(path, text + "\n")


# ----------------------------------------------------------------------------- TOML

def _to_toml_value(value: Any, where: str) -> Any:
    if isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, np.generic):
        return _to_toml_value(value.item(), where)
    if isinstance(value, np.ndarray):
        return _to_toml_value(value.tolist(), where)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, Mapping):
        return {str(k): _to_toml_value(v, f"{where}.{k}" if where else str(k))
                for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        if any(v is None for v in value):
            raise ValueError(f"TOML value {where!r} is a list containing None; TOML has no null")
        return [_to_toml_value(v, f"{where}[{n}]") for n, v in enumerate(value)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _to_toml_value(dataclasses.asdict(value), where)
    # datetime/date/time are native TOML types and handled by tomli_w.
    import datetime as _dt
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value
    raise TypeError(f"TOML value {where!r} has unsupported type {type(value).__name__}")


def atomic_write_toml(path: PathLike, mapping: Mapping[str, Any]) -> Path:
    """Atomically write ``mapping`` as TOML.

    numpy scalars/arrays are converted to Python numbers/lists and paths to
    strings. **TOML has no null**: keys whose value is ``None`` are dropped (at
    any nesting level), so reading the file back gives a mapping without them;
    a ``None`` inside a list raises :class:`ValueError`. NaN and inf are valid
    TOML floats and are kept.
    """
    import tomli_w

    if not isinstance(mapping, Mapping):
        raise TypeError(f"cannot write {path!s} as TOML: top level must be a mapping, "
                        f"got {type(mapping).__name__}")
    text = tomli_w.dumps(_to_toml_value(mapping, ""))
    return atomic_write_text(path, text)


# ----------------------------------------------------------------------------- arrays, figures

def atomic_save_npz(path: PathLike, **arrays: Any) -> Path:
    """Atomically write ``arrays`` with :func:`numpy.savez_compressed`.

    The file is written exactly at ``path`` (no ``.npz`` suffix is appended).
    Object arrays are refused so that the file loads with ``allow_pickle=False``.
    """
    if not arrays:
        raise ValueError(f"atomic_save_npz({path!s}): no arrays given")
    converted = {}
    for key, value in arrays.items():
        arr = np.asarray(value)
        if arr.dtype == object:
            raise TypeError(f"atomic_save_npz({path!s}): array {key!r} has dtype object")
        converted[key] = arr
    with _atomic_binary(path) as fh:
        np.savez_compressed(fh, **converted)
    return Path(path)


def atomic_save_npy(path: PathLike, array: Any) -> Path:
    """Atomically write one array with :func:`numpy.save` (straight into the temporary
    file, no copy in memory). Written exactly at ``path``; object arrays are refused so
    that the file loads with ``allow_pickle=False``."""
    arr = np.asarray(array)
    if arr.dtype == object:
        raise TypeError(f"atomic_save_npy({path!s}): dtype object")
    with _atomic_binary(path) as fh:
        np.save(fh, arr)
    return Path(path)


def atomic_save_figure(fig: Any, path: PathLike, dpi: int = 120) -> Path:
    """Atomically save a matplotlib figure to ``path`` as PNG.

    Works with :class:`matplotlib.figure.Figure` objects that were never
    attached to pyplot (rendering uses the Agg canvas, so no display is needed).
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return atomic_write_bytes(path, buf.getvalue())
