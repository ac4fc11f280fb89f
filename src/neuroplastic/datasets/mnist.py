"""MNIST from the standard IDX files in a directory the user names.

The four files of the MNIST database (LeCun, Cortes & Burges), gzipped or not,
under their standard names::

    train-images-idx3-ubyte[.gz]   60,000 x 28 x 28 uint8 (0 = background)
    train-labels-idx1-ubyte[.gz]   60,000 labels 0..9
    t10k-images-idx3-ubyte[.gz]    10,000 x 28 x 28
    t10k-labels-idx1-ubyte[.gz]    10,000 labels

(``train-images.idx3-ubyte``, with a dot, as some copies name them, is found
too.) The directory is the ``directory`` argument, else the environment
variable ``NEUROPLASTIC_MNIST``. Nothing is downloaded here:
``neuroplastic data mnist DIR`` (:mod:`neuroplastic.datasets.fetch`) writes
the files once, on request. Every problem — no directory, a missing file,
a damaged or truncated one, images and labels of different counts, labels
outside 0..9, images that are not 28 x 28 — is a ``ValidationError`` that
names the file, before anything is returned.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..errors import MissingData, ValidationError
from .idx import read_idx

ENVIRONMENT = "NEUROPLASTIC_MNIST"
SPLITS = {"train": "train", "test": "t10k"}
#: images per class in the standard files (the fetch checks what it writes against them).
CLASS_COUNTS = {"train": (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949),
                "test": (980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009)}


class Digits(NamedTuple):
    """Images (n, rows, cols) uint8 0..255 and labels (n,) int64."""
    images: np.ndarray
    labels: np.ndarray


def data_directory(directory: os.PathLike | str | None = None) -> Path:
    """``directory``, else ``$NEUROPLASTIC_MNIST``; it must exist."""
    chosen = directory if directory is not None else os.environ.get(ENVIRONMENT)
    if not chosen:
        raise MissingData("MNIST", "data", None,
                              f"must name the directory of the IDX files (--data DIR or ${ENVIRONMENT}); "
                              "'neuroplastic data mnist DIR' writes them")
    path = Path(chosen).expanduser()
    if not path.is_dir():
        raise MissingData("MNIST", "data", str(path), "must be an existing directory of MNIST IDX files")
    return path


def file_of(directory: Path, split: str, kind: str) -> Path:
    """The file of ``split`` ('train' | 'test') and ``kind`` ('images' | 'labels')."""
    stem, ndim = SPLITS[split], 3 if kind == "images" else 1
    for name in (f"{stem}-{kind}-idx{ndim}-ubyte", f"{stem}-{kind}.idx{ndim}-ubyte"):
        for candidate in (directory / name, directory / f"{name}.gz"):
            if candidate.is_file():
                return candidate
    raise MissingData("MNIST", f"{split} {kind}", str(directory),
                          f"must hold {stem}-{kind}-idx{ndim}-ubyte (or .gz); "
                          "'neuroplastic data mnist DIR' writes the four files")


def load_mnist(split: str = "train", directory: os.PathLike | str | None = None) -> Digits:
    """One split of MNIST ('train': 60,000 images, 'test': 10,000), checked."""
    if split not in SPLITS:
        raise ValidationError("load_mnist", "split", split, f"must be one of {sorted(SPLITS)}")
    folder = data_directory(directory)
    images_file, labels_file = file_of(folder, split, "images"), file_of(folder, split, "labels")
    images, labels = read_idx(images_file), read_idx(labels_file)
    if images.ndim != 3 or images.dtype != np.uint8 or images.shape[1:] != (28, 28):
        raise ValidationError("MNIST", images_file.name, f"{images.dtype} {images.shape}",
                              "must be uint8 images of shape (n, 28, 28)")
    if labels.ndim != 1 or labels.dtype != np.uint8 or (labels.size and labels.max() > 9):
        raise ValidationError("MNIST", labels_file.name, f"{labels.dtype} {labels.shape}",
                              "must be uint8 labels 0..9, one per image")
    if labels.size != images.shape[0]:
        raise ValidationError("MNIST", labels_file.name, f"{labels.size} labels",
                              f"must match the {images.shape[0]} images of {images_file.name}")
    return Digits(images, labels.astype(np.int64))


def check_mnist(directory: os.PathLike | str | None = None) -> Path:
    """The directory holding all four MNIST files, found without reading them;
    :class:`~neuroplastic.errors.MissingData` otherwise (a run checks this before it starts)."""
    folder = data_directory(directory)
    for split in SPLITS:
        for kind in ("images", "labels"):
            file_of(folder, split, kind)
    return folder
