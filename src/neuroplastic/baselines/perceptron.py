"""Rosenblatt's perceptron, trained with his error-correction rule (JAX + Optax).

One linear threshold unit per class (one unit for two classes, one per class
otherwise, one-vs-rest as in scikit-learn's ``Perceptron``), shown one example at
a time. With target t = +1 for the unit's class and -1 otherwise and score
s = w . x + b, Rosenblatt's rule changes the unit only when it errs::

    if t s <= 0:   w <- w + eta t x,   b <- b + eta t          (no change if t s > 0)

which is plain SGD (``optax.sgd(eta)``) on the perceptron criterion
L = -min(0, t s) with the tie s = 0 counted as an error (so that learning can
start from w = 0). The perceptron convergence theorem (Novikoff 1962): on a
linearly separable set it makes at most (R / gamma)^2 mistakes in all, R the
largest |x| (with the bias input 1) and gamma the margin of a separating unit
vector; on a set that is not separable (XOR) it never stops making mistakes,
and no linear threshold unit classifies more than 3 of XOR's 4 points.

An optional ``mask`` (n_in x n_units of 0/1) keeps only some connections (a
budget): masked weights stay 0.

Cost: one multiply-accumulate per connection per example for the score, and
one per connection of each unit that errs for its update.

References: Rosenblatt F (1958) Psychol Rev 65:386. Novikoff ABJ (1962) On
convergence proofs for perceptrons, Symp Math Theory Automata 12:615. Minsky M,
Papert S (1969) Perceptrons, MIT Press (XOR).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ._extra import require_jax

__all__ = ["PerceptronFit", "fit_perceptron", "perceptron_scores", "perceptron_predict"]


@dataclass(frozen=True)
class PerceptronFit:
    """A trained perceptron.

    Attributes:
        w: weights (n_in x n_units); b: biases (n_units).
        mask: the connections kept (n_in x n_units, 0/1).
        mistakes: mistakes (examples on which any unit erred) in each epoch.
        train_accuracy: accuracy on the training set after each epoch.
        eval_accuracy: accuracy on ``eval_set`` after each epoch (empty without one).
        macs: multiply-accumulates of training (scores and updates).
        examples: training examples shown (epochs x n).
    """

    w: np.ndarray
    b: np.ndarray
    mask: np.ndarray
    mistakes: np.ndarray
    train_accuracy: np.ndarray
    macs: float
    examples: int
    eval_accuracy: np.ndarray = field(default_factory=lambda: np.array([]))

    @property
    def connections(self) -> int:
        return int(self.mask.sum())


def perceptron_scores(w, b, x) -> np.ndarray:
    """Scores s = x w + b (n x n_units)."""
    return np.asarray(x, float) @ w + b


def perceptron_predict(fit: PerceptronFit, x) -> np.ndarray:
    """Class of each row of ``x``: s > 0 for one unit (classes 0/1), else argmax."""
    s = perceptron_scores(fit.w, fit.b, x)
    return (s[:, 0] > 0).astype(np.int64) if s.shape[1] == 1 else s.argmax(axis=1)


def _targets(y, n_classes: int) -> np.ndarray:
    """+-1 targets, one column per unit."""
    y = np.asarray(y, np.int64)
    if n_classes == 2:
        return np.where(y == 1, 1.0, -1.0)[:, None]
    return np.where(y[:, None] == np.arange(n_classes)[None, :], 1.0, -1.0)


@lru_cache(maxsize=8)
def _epoch_fn(eta: float):
    """A jitted epoch: the rule applied to examples in order (lax.scan); returns
    the parameters and, per example, which units erred."""
    jax, jnp, optax = require_jax()
    opt = optax.sgd(eta)

    def loss(params, mask, x, t):
        s = x @ (params["w"] * mask) + params["b"]
        return -jnp.sum(jnp.where(t * s <= 0, t * s, 0.0))

    def epoch(params, mask, xs, ts):
        state = opt.init(params)

        def step(carry, xt):
            p, st = carry
            x, t = xt
            s = x @ (p["w"] * mask) + p["b"]
            grads = jax.grad(loss)(p, mask, x, t)
            updates, st = opt.update(grads, st)
            return (optax.apply_updates(p, updates), st), t * s <= 0

        (params, _), errs = jax.lax.scan(step, (params, state), (xs, ts))
        return params, errs

    return jax.jit(epoch)


def fit_perceptron(x, y, n_classes: int | None = None, epochs: int = 10, eta: float = 1.0, seed: int = 0,
                   mask=None, shuffle: bool = True, eval_set=None) -> PerceptronFit:
    """Train a perceptron on (x, y) for ``epochs`` passes (see module doc).

    Args:
        x: inputs (n x n_in); y: integer classes 0..n_classes-1.
        n_classes: number of classes (default: max(y) + 1; 2 gives one unit).
        epochs: passes over the data; eta: learning rate.
        seed: the order of the examples in each pass (``shuffle``).
        mask: 0/1 connections kept (n_in x n_units); default all.
        eval_set: (x, y) scored after every epoch.
    """
    jax, jnp, _ = require_jax()
    x = np.asarray(x, np.float32)
    y = np.asarray(y, np.int64)
    k = int(n_classes or y.max() + 1)
    t = _targets(y, k).astype(np.float32)
    units = t.shape[1]
    mask = np.ones((x.shape[1], units), np.float32) if mask is None else np.asarray(mask, np.float32)
    params = {"w": jnp.zeros((x.shape[1], units), jnp.float32), "b": jnp.zeros(units, jnp.float32)}
    rng = np.random.default_rng([seed, 1958])
    epoch = _epoch_fn(float(eta))
    indegree = mask.sum(axis=0)
    mistakes, accuracy, scored, macs = [], [], [], 0.0
    for _ in range(int(epochs)):
        order = rng.permutation(len(x)) if shuffle else np.arange(len(x))
        params, errs = epoch(params, jnp.asarray(mask), jnp.asarray(x[order]), jnp.asarray(t[order]))
        errs = np.asarray(errs)
        mistakes.append(int(errs.any(axis=1).sum()))
        macs += len(x) * mask.sum() + float((errs * indegree).sum())
        w = np.asarray(params["w"]) * mask
        fit = PerceptronFit(w, np.asarray(params["b"]), mask, np.array([]), np.array([]), 0.0, 0)
        accuracy.append(float(np.mean(perceptron_predict(fit, x) == y)))
        if eval_set is not None:
            scored.append(float(np.mean(perceptron_predict(fit, eval_set[0]) == np.asarray(eval_set[1]))))
    return PerceptronFit(np.asarray(params["w"]) * mask, np.asarray(params["b"]), mask, np.array(mistakes),
                         np.array(accuracy), float(macs), int(epochs) * len(x), np.array(scored))
