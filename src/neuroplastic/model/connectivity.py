"""Connectivity patterns between two populations (descriptions only).

The engine turns a pattern into (pre, post) index pairs with the network's seeded
random generator.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .spec import Flag, Indices, Integer, Number, check
from ..errors import ValidationError


@dataclass(frozen=True)
class Connectivity:
    """Base class of connectivity patterns."""

    constraints = {}

    def __post_init__(self):
        check(self, type(self).__name__)


@dataclass(frozen=True)
class AllToAll(Connectivity):
    """Every presynaptic neuron to every postsynaptic neuron.

    ``allow_self`` only matters when pre and post are the same population.
    """

    allow_self: bool = False

    constraints = {"allow_self": Flag()}


@dataclass(frozen=True)
class FixedProbability(Connectivity):
    """Each pair is connected independently with probability ``p`` in [0, 1]."""

    p: float = 0.1
    allow_self: bool = False

    constraints = {"p": Number(ge=0, le=1), "allow_self": Flag()}

    def __post_init__(self):
        super().__post_init__()
        if 0 < self.p < 1e-12:
            raise ValidationError("FixedProbability", "p", self.p, "must be 0 or >= 1e-12")


@dataclass(frozen=True)
class FixedInDegree(Connectivity):
    """Each postsynaptic neuron receives exactly ``k`` synapses from distinct
    presynaptic neurons chosen uniformly at random."""

    k: int = 10
    allow_self: bool = False

    constraints = {"k": Integer(ge=0), "allow_self": Flag()}


@dataclass(frozen=True)
class OneToOne(Connectivity):
    """Neuron i to neuron i (both populations must have the same size)."""


@dataclass(frozen=True)
class Pairs(Connectivity):
    """Explicit synapses: ``pre[k] -> post[k]``."""

    pre: object = field(default_factory=tuple)
    post: object = field(default_factory=tuple)

    constraints = {"pre": Indices(), "post": Indices()}

    def __post_init__(self):
        super().__post_init__()
        if self.pre.shape != self.post.shape:
            raise ValidationError("Pairs", "pre", f"shape {self.pre.shape}",
                                  f"must be 1-D and match post (shape {self.post.shape})")


CONNECTIVITY = {c.__name__: c for c in (AllToAll, FixedProbability, FixedInDegree, OneToOne, Pairs)}
