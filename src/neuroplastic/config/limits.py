"""Sanity limits of a config file: sizes that would exhaust memory or time
before any model-level check could object.

These are not declarations of the model (a Python user may build a bigger
network); they protect ``neuroplastic run FILE.toml`` from a typo such as
``n = 10000000000``. Everything else a config may hold is what the model
classes declare.
"""
from __future__ import annotations

import numpy as np

from ..model.connectivity import AllToAll, FixedInDegree, FixedProbability, OneToOne, Pairs
from ..model.distributions import Distribution
from .context import Context, join

MAX_NEURONS = 10_000_000
MAX_SYNAPSES = 2_000_000_000
MAX_SPIKE_TIME_MS = 1.0e9

#: Upper bounds by field name, for integer, index and number fields:
#: (bound, unit for the message).
LIMITS = {
    "n": (MAX_NEURONS, ""),           # neurons of a population, input or neurogenesis event
    "k": (MAX_NEURONS, ""),           # in-degree of FixedInDegree
    "pre": (MAX_NEURONS, ""),         # neuron indices of Pairs connectivity
    "post": (MAX_NEURONS, ""),
    "indices": (MAX_SYNAPSES, ""),    # neuron indices (monitors, spike times)
    "synapses": (MAX_SYNAPSES, ""),   # synapse indices of a WeightMonitor
    "times": (MAX_SPIKE_TIME_MS, " ms"),   # spike times of SpikeTimes
}


def within_limit(ctx: Context, path: str, value, limit) -> None:
    """Raise if a number or any item of an array is above ``limit`` = (bound, unit)."""
    bound, unit = limit
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype.kind in "iuf":
        over = np.flatnonzero(value > bound)
        if over.size:
            k = int(over[0])
            raise ctx.fail(join(path, k), value[k].item(), f"must be <= {bound:g}{unit}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value > bound:
        raise ctx.fail(path, value, f"must be <= {bound:g}{unit}")


def estimated_synapses(conn, n_pre: int, n_post: int) -> float:
    """About how many synapses a connectivity makes (its expectation when random)."""
    if isinstance(conn, AllToAll):
        return float(n_pre) * n_post
    if isinstance(conn, FixedProbability):
        return float(conn.p) * n_pre * n_post
    if isinstance(conn, FixedInDegree):
        return float(conn.k) * n_post
    if isinstance(conn, OneToOne):
        return float(n_pre)
    return float(len(conn.pre)) if isinstance(conn, Pairs) else 0.0


def synapse_count(conn, n_pre: int, n_post: int, same: bool) -> int | None:
    """The number of synapses a connectivity makes, when it does not depend on the seed."""
    if isinstance(conn, AllToAll):
        return n_pre * n_post - (n_pre if same and not conn.allow_self else 0)
    if isinstance(conn, FixedInDegree):
        return int(conn.k) * n_post
    if isinstance(conn, OneToOne):
        return n_pre
    if isinstance(conn, Pairs):
        return len(conn.pre)
    return None


def check_synapses(ctx: Context, model, proj, path: str) -> None:
    """A projection makes at most MAX_SYNAPSES synapses, and its per-synapse
    lists (weight, delay) have one value per synapse, a count known in advance."""
    n_pre, n_post = model.size(proj.pre), model.size(proj.post)
    if estimated_synapses(proj.connectivity, n_pre, n_post) > MAX_SYNAPSES:
        raise ctx.fail(path, proj.name, f"must create at most {MAX_SYNAPSES:g} synapses")
    for key in ("weight", "delay"):
        value = getattr(proj, key)
        if isinstance(value, Distribution) or np.ndim(value) == 0:
            continue
        count = synapse_count(proj.connectivity, n_pre, n_post, proj.pre == proj.post)
        n = len(value)
        if count is None:
            raise ctx.fail(join(path, key), f"list of length {n}",
                           f"must be a number or a distribution with {type(proj.connectivity).__name__} "
                           "connectivity (the synapse count depends on the seed)")
        if n != count:
            raise ctx.fail(join(path, key), f"list of length {n}", f"must have one value per synapse ({count})")
