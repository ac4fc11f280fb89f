"""Turn a connectivity description into (pre, post) index pairs (vectorised numpy)."""
from __future__ import annotations

import numpy as np

from ..model.connectivity import AllToAll, FixedInDegree, FixedProbability, OneToOne, Pairs


def pairs(conn, n_pre: int, n_post: int, same: bool, rng: np.random.Generator):
    """Synapse endpoints sorted by (pre, post) order of creation.

    ``same`` is True when pre and post are the same population (self-connections
    then follow ``allow_self``).
    """
    if isinstance(conn, Pairs):
        return np.asarray(conn.pre, np.int64), np.asarray(conn.post, np.int64)
    if isinstance(conn, OneToOne):
        idx = np.arange(n_pre, dtype=np.int64)
        return idx, idx.copy()
    if isinstance(conn, AllToAll):
        pre = np.repeat(np.arange(n_pre, dtype=np.int64), n_post)
        post = np.tile(np.arange(n_post, dtype=np.int64), n_pre)
    elif isinstance(conn, FixedProbability):
        pre, post = _bernoulli_pairs(conn.p, n_pre, n_post, rng)
    elif isinstance(conn, FixedInDegree):
        pre, post = _in_degree_pairs(conn.k, n_pre, n_post, same and not conn.allow_self, rng)
    else:
        raise TypeError(f"unknown connectivity {type(conn).__name__}")
    if same and not conn.allow_self:
        keep = pre != post
        pre, post = pre[keep], post[keep]
    return pre, post


def _bernoulli_pairs(p, n_pre, n_post, rng):
    """Each of the n_pre*n_post pairs independently with probability p.

    Walks the flattened pair index with geometric gaps (a Bernoulli process), so
    cost and memory grow with the synapse count, not with n_pre*n_post.
    """
    total = n_pre * n_post
    if p <= 0 or total == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if p >= 1:
        flat = np.arange(total, dtype=np.int64)
    else:
        chunks, pos = [], -1
        batch = int(total * p + 10 * np.sqrt(total * p) + 100)
        while pos < total:
            steps = np.cumsum(rng.geometric(p, size=batch).astype(np.int64)) + pos
            chunks.append(steps)
            pos = int(steps[-1])
        flat = np.concatenate(chunks)
        flat = flat[flat < total]
    return np.divmod(flat, n_post)


def _in_degree_pairs(k, n_pre, n_post, exclude_self, rng):
    """Exactly k distinct presynaptic partners per postsynaptic neuron."""
    pre = np.empty(k * n_post, dtype=np.int64)
    for j in range(n_post):  # build time only
        pool = n_pre - 1 if exclude_self else n_pre
        choice = rng.choice(pool, size=k, replace=False)
        if exclude_self:
            choice[choice >= j] += 1
        pre[j * k:(j + 1) * k] = np.sort(choice)
    post = np.repeat(np.arange(n_post, dtype=np.int64), k)
    order = np.lexsort((post, pre))
    return pre[order], post[order]
