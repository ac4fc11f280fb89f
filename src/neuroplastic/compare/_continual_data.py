"""Data of ``continual-digits`` and ``few-shot-digits``: scikit-learn's 8 x 8 digits or MNIST.

``dataset = "digits"`` (default): scikit-learn's bundled digits, split as the
``rewiring-budget`` experiment splits them (``split_seed``, ``n_train``,
``n_test``; n_train + n_test <= 1797), pixels 0..16, 64 inputs.
``dataset = "mnist"``: the MNIST IDX files in ``data_dir`` (else
``$NEUROPLASTIC_MNIST``; :func:`neuroplastic.datasets.load_mnist`), the first
``n_train`` of the 60,000 training and the first ``n_test`` of the 10,000 test
images, pixels 0..255, 784 inputs.

:func:`images` returns the pixels as they are with the value of a full pixel
(16 or 255): the spiking network's rate is ``max_rate`` x pixel / full and the
MLPs see pixel / full, in [0, 1], on both data sets.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import MissingData

__all__ = ["Images", "images", "mnist_check"]

DATASETS = ("digits", "mnist")


class Images(NamedTuple):
    """Training and test pixels (n x inputs, float), labels (int) and the full-pixel value."""
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    full: float

    @property
    def n_inputs(self) -> int:
        return int(self.x_train.shape[1])


def images(c: dict) -> Images:
    """The data ``c`` names (see module doc)."""
    if c["dataset"] == "digits":
        from ._digits import digits

        return Images(*digits(c), 16.0)
    from ..datasets import load_mnist

    folder = c["data_dir"] or None
    train, test = load_mnist("train", folder), load_mnist("test", folder)

    def flat(d, n):
        n = min(int(n), len(d.labels))
        return d.images[:n].reshape(n, -1).astype(np.float64), d.labels[:n].astype(np.int64)

    return Images(*flat(train, c["n_train"]), *flat(test, c["n_test"]), 255.0)


def mnist_check(task: str):
    """``needs_data`` of a task: with ``dataset = "mnist"``, MissingData naming
    ``data_dir`` unless the four IDX files are there (before anything runs)."""
    def check(config: dict) -> None:
        if config["dataset"] != "mnist":
            return
        from ..datasets import check_mnist

        try:
            check_mnist(config["data_dir"] or None)
        except MissingData as exc:
            raise MissingData(f"Task '{task}'", "data_dir", config["data_dir"] or None,
                              "must name a directory with the four MNIST IDX files (--set data_dir=DIR or "
                              "$NEUROPLASTIC_MNIST; 'neuroplastic data mnist DIR' writes them), or use "
                              f"--set dataset=digits ({exc})") from None
    return check
