"""Continual-learning baselines for MLPs (JAX + Optax): sequential fine-tuning, EWC, SI,
experience replay, joint training; and nearest-class-mean on hidden features.

The network is :mod:`.mlp`'s (tanh hidden layers, softmax output over *all*
classes: the class-incremental scenario, one shared head, no task label at test).
Tasks arrive one after another; on task t the loss is the mean softmax
cross-entropy of that task's data plus a quadratic penalty that keeps the
parameters near their values after the previous tasks::

    L_t(theta) = CE_t(theta) + s * sum_i Omega_i (theta_i - theta*_i)^2

* **sequential fine-tuning** (``method="sequential"``): s = 0.
* **EWC** (Kirkpatrick et al. 2017, "online"/summed form): s = lambda / 2,
  Omega = the sum over past tasks of the diagonal empirical Fisher information
  F_i = mean over that task's examples of (d log p(y | x) / d theta_i)^2 (true
  labels), theta* = the parameters after the last task. ``lambda = 0`` is
  sequential fine-tuning exactly.
* **SI** (Zenke, Poole & Ganguli 2017): s = c, and along each task's trajectory
  omega_i = - sum over steps g_i Delta theta_i (g the gradient of CE_t alone);
  at the task's end Omega_i += omega_i / ((theta_i(end) - theta_i(start))^2 + xi).
* **replay** (experience replay; uses *stored data*): after each task
  ``buffer_per_class`` training examples of each of its classes are kept; each
  later minibatch is half current data, half buffer (the buffer repeated to the
  size of the current task), s = 0.
* **joint** (upper bound): all tasks' data at once (as many minibatches as the whole sequence), s = 0.

The regularisers are one penalty term on top of the Optax optimizer
(``optax.sgd`` / ``optax.adam``): the optimizer sees grad(CE + penalty).

Nearest class mean (Mensink et al. 2013): class means of feature vectors
(here: the last hidden layer of a trained MLP); an input belongs to the class
whose mean is nearest (Euclidean).

Cost: 3 MACs per connection per training example (forward + backward, as
:mod:`.mlp`); EWC's Fisher adds 3 per connection per example of a finished task.

References: Kirkpatrick J et al. (2017) PNAS 114:3521. Zenke F, Poole B, Ganguli S
(2017) ICML. van de Ven GM, Tolias AS (2019) arXiv:1904.07734 (split MNIST,
class-incremental). Mensink T, Verbeek J, Perronnin F, Csurka G (2013) IEEE TPAMI
35:2624 (nearest class mean). Rolnick D et al. (2019) NeurIPS (experience replay).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ValidationError
from ._extra import require_jax
from .mlp import TRAIN_MACS_PER_CONNECTION, connections, forward, init_mlp, mlp_predict

__all__ = ["METHODS", "ContinualFit", "train_tasks", "task_accuracies", "hidden_features", "ncm_fit",
           "ncm_predict", "split_tasks"]

METHODS = ("sequential", "ewc", "si", "replay", "joint")


@dataclass
class ContinualFit:
    """The record of one continual run.

    Attributes:
        params: [(W, b)] after the last task (NumPy).
        accuracy: (n_tasks x n_tasks) matrix, row t = test accuracy on each task's
            classes after training on task t (joint: one row, repeated).
        macs: multiply-accumulates of training (+ EWC's Fisher).
        examples: training examples seen (buffer examples included).
        stored: examples kept in a buffer (replay; 0 otherwise).
    """

    params: list
    accuracy: np.ndarray
    macs: float
    examples: int
    stored: int = 0

    @property
    def average(self) -> float:
        """Mean over tasks of the accuracy after the last task (van de Ven & Tolias's measure)."""
        return float(self.accuracy[-1].mean())


def split_tasks(classes_per_task: int, n_classes: int = 10) -> tuple:
    """((0, 1), (2, 3), ...): consecutive classes, ``classes_per_task`` per task."""
    return tuple(tuple(range(k, k + classes_per_task)) for k in range(0, n_classes, classes_per_task))


def task_accuracies(params, x, y, tasks) -> np.ndarray:
    """Accuracy (all-class prediction) on the examples of each task's classes."""
    pred = mlp_predict(params, x)
    return np.array([np.mean(pred[np.isin(y, t)] == y[np.isin(y, t)]) for t in tasks])


def hidden_features(params, x) -> np.ndarray:
    """The last hidden layer's activity (n x n_hidden)."""
    return forward(params[:-1], np.asarray(x, np.float32)) if len(params) > 1 else np.asarray(x)


def ncm_fit(features, y, classes=None) -> tuple:
    """(classes, means): the mean feature vector of each class."""
    classes = np.unique(y) if classes is None else np.asarray(classes)
    return classes, np.stack([np.asarray(features)[y == k].mean(axis=0) for k in classes])


def ncm_predict(model, features) -> np.ndarray:
    """The class of the nearest class mean (Euclidean) for each feature vector."""
    classes, means = model
    d = ((np.asarray(features)[:, None, :] - means[None]) ** 2).sum(axis=2)
    return classes[d.argmin(axis=1)]


@lru_cache(maxsize=16)
def _step_fns(optimizer: str, lr: float):
    """(optax optimizer, jitted scan over minibatches, jitted per-example Fisher)."""
    jax, jnp, optax = require_jax()
    opt = {"sgd": optax.sgd, "adam": optax.adam}[optimizer](lr)

    def ce(params, x, y):
        return optax.softmax_cross_entropy_with_integer_labels(forward(params, x, None, jnp.tanh), y).mean()

    def chunk(params, state, path, anchor, omega, strength, xb, yb):
        def step(carry, batch):
            p, st, w = carry
            g_ce = jax.grad(ce)(p, *batch)
            # d/dtheta of s * Omega (theta - theta*)^2, in closed form
            grads = jax.tree_util.tree_map(lambda g, q, a, o: g + 2.0 * strength * o * (q - a), g_ce, p, anchor,
                                           omega)
            updates, st = opt.update(grads, st, p)
            new = optax.apply_updates(p, updates)
            w = jax.tree_util.tree_map(lambda acc, g, a, b: acc - g * (a - b), w, g_ce, new, p)
            return (new, st, w), None

        (params, state, path), _ = jax.lax.scan(step, (params, state, path), (xb, yb))
        return params, state, path

    def fisher(params, x, y, weight):
        sq = jax.vmap(lambda xi, yi: jax.tree_util.tree_map(
            jnp.square, jax.grad(ce)(params, xi[None], yi[None])))(x, y)
        return jax.tree_util.tree_map(lambda a: jnp.tensordot(weight, a, axes=1), sq)

    return opt, jax.jit(chunk), jax.jit(fisher)


def _check(method, strength):
    if method not in METHODS:
        raise ValidationError("train_tasks", "method", method, f"one of {', '.join(METHODS)}")
    if not strength >= 0:
        raise ValidationError("train_tasks", "strength", strength, "a number >= 0 (lambda for EWC, c for SI)")


def train_tasks(x, y, tasks, sizes, method: str = "sequential", strength: float = 0.0, optimizer: str = "adam",
                lr: float = 1e-3, iterations: int = 100, batch: int = 32, seed: int = 0, eval_set=None,
                buffer_per_class: int = 0, xi: float = 0.1, params=None) -> ContinualFit:
    """Train an MLP of layer ``sizes`` on ``tasks`` (tuples of classes) in turn; see module doc.

    Args:
        x, y: training data (all classes; each task uses the examples of its classes).
        method: one of :data:`METHODS`; strength: EWC's lambda or SI's c (ignored otherwise).
        iterations: minibatches per task (joint: per task of the sequence, all at once), each
            drawn at random from the task's data (van de Ven & Tolias's protocol); batch: its size.
        eval_set: (x, y) scored after every task (default the training set).
        buffer_per_class: replay: examples kept per class of a finished task.
        xi: SI's damping (squared parameter units).
        params: start from these (default :func:`init_mlp` with ``seed``).
    """
    _check(method, strength)
    jax, jnp, _ = require_jax()
    x, y = np.asarray(x, np.float32), np.asarray(y, np.int32)
    ex, ey = eval_set if eval_set is not None else (x, y)
    rng = np.random.default_rng([seed, 2017])
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in (init_mlp(sizes, seed) if params is None else params)]
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    opt, run_chunk, fisher = _step_fns(optimizer, float(lr))
    n_conn = connections([np.ones((a, b)) for a, b in zip(sizes[:-1], sizes[1:])])
    omega, anchor, buf_x, buf_y = zeros, params, x[:0], y[:0]
    s = {"ewc": strength / 2, "si": strength}.get(method, 0.0)
    rows, seen, macs = [], 0, 0.0
    for k, task in enumerate([tuple(c for t in tasks for c in t)] if method == "joint" else tasks):
        mine = np.isin(y, task)
        tx, ty = x[mine], y[mine]
        bx, by = (buf_x, buf_y) if method == "replay" and len(buf_x) else (None, None)
        if len(tx):
            start, state, path = params, opt.init(params), zeros
            for _ in range(len(tasks) if method == "joint" else 1):     # one compiled shape for every task
                xb, yb = _batches(tx, ty, bx, by, _order(len(tx), None if bx is None else len(bx), iterations,
                                                         batch, rng))
                params, state, path = run_chunk(params, state, path, anchor, omega, s, jnp.asarray(xb),
                                                jnp.asarray(yb))
                seen += int(yb.size)
            omega, extra = _consolidate(method, omega, params, start, path, fisher, tx, ty, xi, batch)
            macs += extra * n_conn
        anchor = params
        if method == "replay":
            buf_x, buf_y = _keep(buf_x, buf_y, tx, ty, task, buffer_per_class, rng)
        rows.append(task_accuracies([(np.asarray(w), np.asarray(b)) for w, b in params], ex, ey, tasks))
    acc = np.array(rows if method != "joint" else rows * len(tasks))
    macs += TRAIN_MACS_PER_CONNECTION * n_conn * seen
    out = [(np.asarray(w), np.asarray(b)) for w, b in params]
    return ContinualFit(out, acc, macs, seen, len(buf_x))


def _order(n: int, n_buffer, steps: int, batch: int, rng) -> tuple:
    """Minibatch indices (steps x batch, drawn with replacement) of the current data, and of
    the buffer for half of each minibatch (replay)."""
    if n_buffer is None:
        return rng.integers(0, max(n, 1), (steps, batch)), None
    half = max(1, batch // 2)
    return rng.integers(0, n, (steps, batch - half)), rng.integers(0, n_buffer, (steps, half))


def _batches(tx, ty, bx, by, order):
    cur, buf = order
    if buf is None:
        return tx[cur], ty[cur]
    return np.concatenate([tx[cur], bx[buf]], axis=1), np.concatenate([ty[cur], by[buf]], axis=1)


def _consolidate(method, omega, params, start, path, fisher, tx, ty, xi, batch):
    """(new importance, extra forward-backward passes): EWC adds the Fisher, SI the path integral."""
    import jax

    if method == "ewc":
        n = len(tx)
        pad = -n % batch                                     # fixed-size pieces: one compiled shape
        xs, ys = np.concatenate([tx, tx[:1].repeat(pad, 0)]), np.concatenate([ty, ty[:1].repeat(pad)])
        weight = np.r_[np.ones(n), np.zeros(pad)].astype(np.float32) / n
        parts = [fisher(params, xs[k:k + batch], ys[k:k + batch], weight[k:k + batch])
                 for k in range(0, len(xs), batch)]
        f = jax.tree_util.tree_map(lambda *a: sum(a), *parts)
        return jax.tree_util.tree_map(lambda o, a: o + a, omega, f), TRAIN_MACS_PER_CONNECTION * n
    if method == "si":
        return jax.tree_util.tree_map(lambda o, w, a, b: o + w / ((a - b) ** 2 + xi), omega, path, params,
                                      start), 0.0
    return omega, 0.0


def _keep(buf_x, buf_y, tx, ty, task, per_class: int, rng):
    """The buffer plus ``per_class`` random examples of each class of ``task``."""
    picks = [rng.permutation(np.flatnonzero(ty == c))[:per_class] for c in task]
    idx = np.concatenate(picks) if picks else np.array([], int)
    return np.concatenate([buf_x, tx[idx]]), np.concatenate([buf_y, ty[idx]])
