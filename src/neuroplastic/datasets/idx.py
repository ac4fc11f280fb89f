"""The IDX file format of MNIST: read and write, gzipped or not.

An IDX file is a 4-byte magic number — two zero bytes, a type code and the
number of dimensions d — then d big-endian uint32 sizes, then the data in
row-major order, big-endian (LeCun, Cortes & Burges, "The MNIST database",
yann.lecun.com/exdb/mnist: "THE IDX FILE FORMAT"). MNIST uses type 0x08
(unsigned byte): images with d = 3 (count, rows, columns), labels with d = 1.

:func:`read_idx` checks the header against the file's length, so a truncated
or padded file is refused with a message that names the file and what is
wrong, before any array is returned.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from ..io.atomic import atomic_write_bytes

#: type code -> big-endian numpy dtype (the format's table).
TYPES = {0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
         0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
CODES = {dt.newbyteorder("=").str.lstrip("<>|="): code for code, dt in TYPES.items()}


def _raw(path: Path) -> bytes:
    """The file's bytes, un-gzipped when it is gzipped (by content, not by name)."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise ValidationError("IDX file", "path", str(path), f"must be a readable file ({err.strerror})") from None
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise ValidationError("IDX file", "path", str(path), f"is a damaged gzip file ({err})") from None
    return data


def read_idx(path: os.PathLike | str) -> np.ndarray:
    """The array stored in an IDX file (native byte order; uint8 stays uint8)."""
    path = Path(path)
    data = _raw(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in TYPES:
        raise ValidationError("IDX file", "header", f"{path.name}: {data[:4].hex() or 'empty'}",
                              f"must start with 00 00, a type code in {sorted(hex(c) for c in TYPES)} "
                              "and the number of dimensions (is it an IDX file?)")
    dtype, ndim = TYPES[data[2]], data[3]
    head = 4 + 4 * ndim
    if len(data) < head:
        raise ValidationError("IDX file", "header", path.name, f"must hold {ndim} sizes: the file is truncated")
    shape = tuple(int(s) for s in np.frombuffer(data, ">u4", ndim, 4))
    need = head + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != need:
        state = "truncated" if len(data) < need else "longer than its header says"
        raise ValidationError("IDX file", "length", f"{path.name}: {len(data)} bytes",
                              f"must be {need} bytes for shape {shape}: the file is {state}")
    return np.frombuffer(data, dtype, offset=head).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: os.PathLike | str, array, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file, atomically; gzipped when ``compress`` (by
    default: when the name ends in ``.gz``)."""
    path = Path(path)
    array = np.asarray(array)
    key = array.dtype.str.lstrip("<>|=")
    if key not in CODES or array.ndim > 255:
        raise ValidationError("write_idx", "array", f"{array.dtype} with {array.ndim} dimensions",
                              f"must have a dtype in {sorted(CODES)} and at most 255 dimensions")
    code = CODES[key]
    body = (bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
            + np.ascontiguousarray(array, TYPES[code]).tobytes())
    if compress if compress is not None else path.suffix == ".gz":
        body = gzip.compress(body, mtime=0)
    return atomic_write_bytes(path, body)
