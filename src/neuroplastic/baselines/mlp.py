"""Multilayer perceptrons trained by gradient descent (JAX + Optax): SGD or Adam.

A network of layer sizes (n_0, ..., n_L) computes h_0 = x,
h_l = tanh(h_{l-1} (W_l * M_l) + b_l) for the hidden layers and logits
z = h_{L-1} (W_L * M_L) + b_L; it is trained on minibatches of B examples by
back-propagation (Rumelhart, Hinton & Williams 1986) of the mean softmax
cross-entropy (``optax.softmax_cross_entropy_with_integer_labels``)::

    SGD:  theta <- theta - eta g                                  (optax.sgd)
    Adam: m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2,
          theta <- theta - eta m_hat / (sqrt(v_hat) + eps)       (optax.adam; Kingma & Ba 2015)

The masks M_l (0/1, default all ones) fix which connections exist: a statically
sparse network (a budget of connections drawn once) or a lesion (the rows and
columns of removed hidden units set to 0). Masked weights get zero gradient and
stay 0. Weights start Glorot-uniform (Glorot & Bengio 2010), biases 0.

Cost (multiply-accumulates, MACs): a forward pass costs one MAC per existing
connection (sum of M_l); a training step costs about 3 forward passes per
example (forward, and backward through the activations and into the weights),
so training MACs = 3 x connections x examples.

References: Rumelhart DE, Hinton GE, Williams RJ (1986) Nature 323:533.
Kingma DP, Ba J (2015) Adam, ICLR. Glorot X, Bengio Y (2010) AISTATS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ._extra import require_jax

__all__ = ["MLPFit", "init_mlp", "forward", "mlp_predict", "connections", "train_mlp", "lesion_masks",
           "sparse_masks", "TRAIN_MACS_PER_CONNECTION"]

TRAIN_MACS_PER_CONNECTION = 3.0   # forward + backward (activations and weights), per example


@dataclass
class MLPFit:
    """A trained MLP and its training record.

    Attributes:
        params: [(W_l, b_l)] as NumPy arrays (masked weights are 0).
        masks: [M_l] (0/1).
        curve: (examples seen, accuracy on the evaluation set) after each chunk.
        loss: mean training loss of each chunk.
        macs: multiply-accumulates of the training.
        examples: training examples seen.
    """

    params: list
    masks: list
    curve: tuple = (np.array([]), np.array([]))
    loss: np.ndarray = field(default_factory=lambda: np.array([]))
    macs: float = 0.0
    examples: int = 0

    @property
    def connections(self) -> int:
        return connections(self.masks)


def connections(masks) -> int:
    """Existing connections (weights, biases not counted)."""
    return int(sum(np.asarray(m).sum() for m in masks))


def init_mlp(sizes, seed: int = 0) -> list:
    """[(W, b)] with Glorot-uniform weights and zero biases, for layer sizes (n_0, ..., n_L)."""
    jax, jnp, _ = require_jax()
    keys = jax.random.split(jax.random.PRNGKey(seed), len(sizes) - 1)
    init = jax.nn.initializers.glorot_uniform()
    return [(np.asarray(init(k, (a, b), jnp.float32)), np.zeros(b, np.float32))
            for k, a, b in zip(keys, sizes[:-1], sizes[1:])]


def forward(params, x, masks=None, tanh=np.tanh):
    """Logits for inputs x (n x n_0); ``tanh`` is ``np.tanh`` or ``jax.numpy.tanh``."""
    h = x
    for k, (w, b) in enumerate(params):
        z = h @ (w if masks is None else w * masks[k]) + b
        h = tanh(z) if k < len(params) - 1 else z
    return h


def mlp_predict(params, x, masks=None) -> np.ndarray:
    return forward(params, np.asarray(x, np.float32), masks).argmax(axis=1)


def sparse_masks(sizes, fan_in, seed: int = 0) -> list:
    """Masks with ``fan_in[l]`` inputs drawn at random for every unit of layer l + 1
    (None: dense layer)."""
    rng = np.random.default_rng([seed, 1986])
    masks = []
    for a, b, k in zip(sizes[:-1], sizes[1:], fan_in):
        m = np.ones((a, b), np.float32)
        if k is not None:
            m[:] = 0
            for j in range(b):
                m[rng.choice(a, size=int(k), replace=False), j] = 1
        masks.append(m)
    return masks


def lesion_masks(masks, layer: int, units) -> list:
    """Copies of ``masks`` without hidden units ``units`` of hidden layer ``layer``
    (1-based: the output of W_layer): their incoming and outgoing connections are removed."""
    out = [np.array(m, copy=True) for m in masks]
    out[layer - 1][:, units] = 0
    out[layer][units, :] = 0
    return out


@lru_cache(maxsize=16)
def _chunk_fn(optimizer: str, lr: float):
    """A jitted function that applies the optimizer to a stack of minibatches (lax.scan)."""
    jax, jnp, optax = require_jax()
    opt = {"sgd": optax.sgd, "adam": optax.adam}[optimizer](lr)

    def loss(params, masks, x, y):
        logits = forward(params, x, masks, jnp.tanh)
        return optax.softmax_cross_entropy_with_integer_labels(logits, y).mean()

    def chunk(params, state, masks, xb, yb):
        def step(carry, batch):
            p, st = carry
            value, grads = jax.value_and_grad(loss)(p, masks, *batch)
            updates, st = opt.update(grads, st, p)
            return (optax.apply_updates(p, updates), st), value

        (params, state), values = jax.lax.scan(step, (params, state), (xb, yb))
        return params, state, values.mean()

    return opt, jax.jit(chunk)


def train_mlp(x, y, sizes, optimizer: str = "adam", lr: float = 1e-2, epochs: int = 10, batch: int = 50,
              seed: int = 0, masks=None, params=None, eval_set=None, chunk: int | None = None) -> MLPFit:
    """Train an MLP of layer ``sizes`` on (x, y); see module doc.

    Args:
        optimizer: ``"sgd"`` or ``"adam"``; lr: its learning rate.
        epochs: passes over the data (each in a new random order; the last
            partial minibatch of a pass is dropped).
        batch: minibatch size B (<= len(x)).
        masks: connection masks (default dense); params: start from these
            (default :func:`init_mlp` with ``seed``).
        eval_set: (x, y) scored after every chunk (default the training set).
        chunk: minibatches between evaluations (default one epoch).
    """
    jax, jnp, _ = require_jax()
    x, y = np.asarray(x, np.float32), np.asarray(y, np.int32)
    masks = [np.ones((a, b), np.float32) for a, b in zip(sizes[:-1], sizes[1:])] if masks is None else masks
    params = init_mlp(sizes, seed) if params is None else params
    params = [(jnp.asarray(w * m), jnp.asarray(b)) for (w, b), m in zip(params, masks)]
    jmasks = [jnp.asarray(m) for m in masks]
    opt, run_chunk = _chunk_fn(optimizer, float(lr))
    state = opt.init(params)
    n_batches = len(x) // batch
    chunk = int(chunk or n_batches)
    ex, ey = eval_set if eval_set is not None else (x, y)
    rng = np.random.default_rng([seed, 1986, 1])
    order = np.concatenate([rng.permutation(len(x))[:n_batches * batch] for _ in range(int(epochs))])
    order = order.reshape(-1, batch)
    seen, acc, losses = [0], [_accuracy(params, ex, ey, masks)], []
    for start in range(0, len(order), chunk):
        idx = order[start:start + chunk]
        params, state, value = run_chunk(params, state, jmasks, jnp.asarray(x[idx]), jnp.asarray(y[idx]))
        seen.append(seen[-1] + idx.size)
        acc.append(_accuracy(params, ex, ey, masks))
        losses.append(float(value))
    out = [(np.asarray(w), np.asarray(b)) for w, b in params]
    macs = TRAIN_MACS_PER_CONNECTION * connections(masks) * seen[-1]
    return MLPFit(out, masks, (np.array(seen), np.array(acc)), np.array(losses), macs, seen[-1])


def _accuracy(params, x, y, masks) -> float:
    return float(np.mean(mlp_predict([(np.asarray(w), np.asarray(b)) for w, b in params], x, masks) == y))
