"""Connectivity patterns between two populations (descriptions only).

The engine turns a pattern into (pre, post) index pairs with the network's seeded
random generator.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from ..errors import ValidationError


@dataclass(frozen=True)
class Connectivity:
    """Base class of connectivity patterns."""


@dataclass(frozen=True)
class AllToAll(Connectivity):
    """Every presynaptic neuron to every postsynaptic neuron.

    ``allow_self`` only matters when pre and post are the same population.
    """

    allow_self: bool = False


@dataclass(frozen=True)
class FixedProbability(Connectivity):
    """Each pair is connected independently with probability ``p`` in [0, 1]."""

    p: float = 0.1
    allow_self: bool = False

    def __post_init__(self):
        v.number("FixedProbability", "p", self.p, ge=0, le=1)
        if 0 < self.p < 1e-12:
            raise ValidationError("FixedProbability", "p", self.p, "must be 0 or >= 1e-12")


@dataclass(frozen=True)
class FixedInDegree(Connectivity):
    """Each postsynaptic neuron receives exactly ``k`` synapses from distinct
    presynaptic neurons chosen uniformly at random."""

    k: int = 10
    allow_self: bool = False

    def __post_init__(self):
        v.integer("FixedInDegree", "k", self.k, ge=0)


@dataclass(frozen=True)
class OneToOne(Connectivity):
    """Neuron i to neuron i (both populations must have the same size)."""


@dataclass(frozen=True)
class Pairs(Connectivity):
    """Explicit synapses: ``pre[k] -> post[k]``."""

    pre: object = field(default_factory=tuple)
    post: object = field(default_factory=tuple)

    def __post_init__(self):
        a, b = np.asarray(self.pre), np.asarray(self.post)
        if a.shape != b.shape or a.ndim != 1:
            raise ValidationError("Pairs", "pre", f"shape {a.shape}", f"must be 1-D and match post (shape {b.shape})")
        for key, arr in (("pre", a), ("post", b)):
            if arr.size and (not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0):
                raise ValidationError("Pairs", key, arr.dtype, "must hold non-negative integers")


CONNECTIVITY = {c.__name__: c for c in (AllToAll, FixedProbability, FixedInDegree, OneToOne, Pairs)}
