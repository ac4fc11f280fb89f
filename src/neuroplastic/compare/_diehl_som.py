"""Data of the ``diehl-cook`` task and its unsupervised artificial contender, a Kohonen map.

Data (:func:`images`): MNIST (``neuroplastic.datasets.load_mnist``; the first
``n_train`` training and ``n_test`` test images, values / 255) or scikit-learn's
bundled 8 x 8 digits (values / 16, split as the ``rewiring-budget`` experiment
splits them, ``split_seed``). Pixels are in [0, 1] for every contender.

Self-organizing map (Kohonen 1982; the ``minisom`` package): ``rows x cols``
units (:func:`grid`: the most nearly square grid of ``n_neurons`` units) with
weight vectors w_u; for each example x (in random order), the winner
b = argmin_u |x - w_u| and every unit moves toward x::

    w_u <- w_u + eta(t) h(u, b; sigma(t)) (x - w_u),   h Gaussian on the grid

with eta and sigma decaying as a / (1 + t / (T / 2)) (minisom's defaults). The
map sees no labels; afterwards its units are labelled as the spiking neurons
are (compare/_diehl_labels.py) with the response 1 for the winner, 0 for the
rest, so an example takes its winner's class. Cost: one distance
(n_inputs MACs per unit) and one update (n_inputs MACs per unit) per training
example; one distance per unit per labelled or test example.

References: Kohonen T (1982) Biol Cybern 43:59; Vettigli G, MiniSom (2018),
https://github.com/JustGlowing/minisom.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["images", "grid", "train_som", "winners"]


def images(c: dict):
    """(x_train, y_train, x_test, y_test) with pixels in [0, 1] (see module doc)."""
    if c["dataset"] == "digits":
        from ..experiments import rewiring_budget as rb

        x_tr, y_tr, x_te, y_te = rb.digits(c)
        return x_tr / 16.0, y_tr, x_te / 16.0, y_te
    from ..datasets import load_mnist

    folder = c["data_dir"] or None
    train, test = load_mnist("train", folder), load_mnist("test", folder)
    n_tr, n_te = int(c["n_train"]), int(c["n_test"])
    flat = lambda d, n: (d.images[:n].reshape(min(n, len(d.labels)), -1) / 255.0, d.labels[:n].astype(np.int64))
    return (*flat(train, n_tr), *flat(test, n_te))


def grid(n: int) -> tuple[int, int]:
    """(rows, cols) with rows * cols = n and rows <= cols as close as possible."""
    rows = int(math.isqrt(n))
    while n % rows:
        rows -= 1
    return rows, n // rows


def train_som(x, n_units: int, sigma: float, learning_rate: float, iterations: int, seed: int):
    """A trained ``minisom.MiniSom`` of ``n_units`` units (see module doc)."""
    from minisom import MiniSom

    rows, cols = grid(n_units)
    som = MiniSom(rows, cols, x.shape[1], sigma=sigma, learning_rate=learning_rate, random_seed=seed)
    som.random_weights_init(x)
    som.train(x, int(iterations), random_order=True)
    return som


def winners(som, x) -> np.ndarray:
    """One-hot responses (examples x units): 1 for each example's winning unit."""
    w = som.get_weights().reshape(-1, x.shape[1])
    d = (x ** 2).sum(1)[:, None] - 2.0 * x @ w.T + (w ** 2).sum(1)[None, :]
    out = np.zeros((len(x), len(w)))
    out[np.arange(len(x)), np.argmin(d, axis=1)] = 1.0
    return out
