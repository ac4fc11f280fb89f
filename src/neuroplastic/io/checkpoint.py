"""Checkpoint files: one portable file holding a network's whole state.

The file is a zip archive (``numpy.load`` opens it as an ``.npz``)::

    manifest.json        format name and version, neuroplastic version, creation
                         time, seed, step, time reached, digest of the compiled
                         loop, the engine state that is not an array (JSON),
                         the index of the arrays (dtype, shape), user metadata
    model.toml           the model description as a config file
                         (neuroplastic.config; user rules by import
                         path; long numeric lists as arrays ``model/<k>``,
                         see :mod:`neuroplastic.io.description`)
    arrays/<name>.npy    one .npy file per array (no pickled objects)

No code is pickled: the model is rebuilt from ``model.toml`` and the state
copied into it. Writes are atomic (a temporary file in the same folder, fsync,
``os.replace``): a crash leaves the previous checkpoint or none. Every member
carries a CRC-32 that is checked on reading; a truncated or corrupt file, a
file of another format version or one whose arrays do not match its index
raises :class:`~neuroplastic.errors.ValidationError`. See docs/checkpoints.md.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import io
import json
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import _atomic_binary
from ..errors import ValidationError

FORMAT = "neuroplastic-checkpoint"
FORMAT_VERSION = 1
MANIFEST, MODEL = "manifest.json", "model.toml"
ARRAYS = "arrays/"

__all__ = ["Checkpoint", "FORMAT", "FORMAT_VERSION", "read_checkpoint", "read_manifest", "write_checkpoint"]


@dataclass
class Checkpoint:
    """A checkpoint file read back: ``manifest`` (dict), ``model`` (TOML text)
    and ``arrays`` (name -> array)."""

    manifest: dict
    model: str
    arrays: dict


def write_checkpoint(path, manifest: dict, model: str, arrays: dict) -> Path:
    """Write a checkpoint atomically; ``manifest`` gets the format fields and
    the array index added. Returns the path."""
    from .. import __version__

    index = {name: {"dtype": a.dtype.str, "shape": list(a.shape)} for name, a in arrays.items()}
    for name, a in arrays.items():
        if a.dtype.hasobject:
            raise TypeError(f"checkpoint array {name!r} has dtype object")
    head = {"format": FORMAT, "format_version": FORMAT_VERSION, "neuroplastic_version": __version__,
            "created": _dt.datetime.now().astimezone().isoformat(timespec="seconds"), **manifest,
            "arrays": index}
    text = json.dumps(head, indent=1, sort_keys=True, allow_nan=False)
    with _atomic_binary(path) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, compresslevel=1,
                                                     allowZip64=True) as zf:
        zf.writestr(MANIFEST, text)
        zf.writestr(MODEL, model)
        for name, a in arrays.items():
            with zf.open(f"{ARRAYS}{name}.npy", "w", force_zip64=True) as out:
                np.lib.format.write_array(out, np.asanyarray(a), allow_pickle=False)
    return Path(path)


def _fail(path, field, value, allowed):
    return ValidationError(f"checkpoint '{path}'", field, value, allowed)


_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, UnicodeDecodeError, ValueError, OSError,
           TypeError, AttributeError)


@contextlib.contextmanager
def _opened(path: Path):
    """The checkpoint's zip archive; any sign of damage becomes a ValidationError."""
    if not path.is_file():
        raise _fail(path, "path", str(path), "must be an existing checkpoint file")
    try:
        with zipfile.ZipFile(path) as zf:
            yield zf
    except ValidationError:
        raise
    except _BROKEN as e:
        raise _fail(path, "file", f"{type(e).__name__}: {e}",
                    "must be a complete checkpoint written by Network.save (it is truncated or corrupt)") from None


def read_checkpoint(path) -> Checkpoint:
    """Read and check a checkpoint file (see the module doc for what is checked)."""
    path = Path(path)
    with _opened(path) as zf:
        manifest = _manifest(path, zf)
        model = zf.read(MODEL).decode("utf-8")
        arrays = {name: _array(path, zf, name, spec) for name, spec in manifest["arrays"].items()}
    return Checkpoint(manifest, model, arrays)


def read_manifest(path) -> dict:
    """The manifest of a checkpoint (format, versions, seed, time, metadata)
    without reading its arrays."""
    path = Path(path)
    with _opened(path) as zf:
        return _manifest(path, zf)


def _manifest(path, zf: zipfile.ZipFile) -> dict:
    head = json.loads(zf.read(MANIFEST).decode("utf-8"))
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise _fail(path, "format", head.get("format") if isinstance(head, dict) else None,
                    f"must be {FORMAT!r}")
    version = head.get("format_version")
    if version != FORMAT_VERSION:
        raise _fail(path, "format_version", version,
                    f"must be {FORMAT_VERSION} (the version this neuroplastic reads; the file was written "
                    f"by neuroplastic {head.get('neuroplastic_version', '?')})")
    if not isinstance(head.get("arrays"), dict):
        raise _fail(path, "arrays", None, "must be the index of the file's arrays")
    return head


def _array(path, zf: zipfile.ZipFile, name: str, spec: dict) -> np.ndarray:
    data = zf.read(f"{ARRAYS}{name}.npy")   # checks the member's CRC-32
    a = np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
    if a.dtype.str != spec.get("dtype") or list(a.shape) != spec.get("shape"):
        raise _fail(path, f"arrays.{name}", f"{a.dtype.str}{list(a.shape)}",
                    f"must match the manifest ({spec.get('dtype')}{spec.get('shape')})")
    return a


