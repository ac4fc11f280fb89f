"""Labels after learning: assign each neuron a class, classify by the assigned neurons' responses.

Diehl & Cook (2015): labels are used only after (or beside) learning. With
the responses R (examples x neurons; spike counts, or 1 for a SOM's winning
unit) of labelled examples with classes y:

    mean_c(j)   = mean of R[:, j] over the examples of class c
    class(j)    = argmax_c mean_c(j)          (-1: neuron j never responded)

and an example with responses r is classified as

    argmax_c  mean of r[j] over the neurons j with class(j) = c

(a class without neurons scores 0). Ties go to the lowest class, as numpy's argmax.

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99 (Methods,
"Training, classification and evaluation").
"""
from __future__ import annotations

import numpy as np

__all__ = ["assign", "classify", "running_accuracy"]

N_CLASSES = 10


def assign(responses, labels, n_classes: int = N_CLASSES) -> np.ndarray:
    """class(j) of every neuron (int64; -1 where it never responded)."""
    r = np.asarray(responses, float)
    y = np.asarray(labels, np.int64)
    sums = np.zeros((n_classes, r.shape[1]))
    np.add.at(sums, y, r)
    counts = np.bincount(y, minlength=n_classes)[:, None]
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    out = np.argmax(means, axis=0).astype(np.int64)
    out[means.max(axis=0) <= 0] = -1
    return out


def classify(responses, assignment, n_classes: int = N_CLASSES) -> np.ndarray:
    """The class of each example (rows of ``responses``) by its assigned neurons' mean response."""
    r = np.asarray(responses, float)
    a = np.asarray(assignment, np.int64)
    scores = np.zeros((r.shape[0], n_classes))
    for c in range(n_classes):
        members = a == c
        if members.any():
            scores[:, c] = r[:, members].mean(axis=1)
    return np.argmax(scores, axis=1)


def running_accuracy(responses, labels, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Diehl & Cook's running estimate during learning: neurons are assigned on
    each window of ``window`` examples and score the next window.

    Returns (examples seen at the end of each scored window, its accuracy).
    """
    r, y = np.asarray(responses), np.asarray(labels)
    xs, accs = [], []
    for start in range(window, len(y) - window + 1, window):
        a = assign(r[start - window:start], y[start - window:start])
        nxt = slice(start, start + window)
        xs.append(start + window)
        accs.append(float(np.mean(classify(r[nxt], a) == y[nxt])))
    return np.array(xs, float), np.array(accs)
