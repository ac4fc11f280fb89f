"""Projections: synapses from one population to another, with plasticity rules."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import _validate as v
from .connectivity import Connectivity
from .distributions import check_value
from ..errors import ValidationError

RECEPTORS = ("exc", "inh")


@dataclass(frozen=True)
class Projection:
    """Synapses from population ``pre`` to population ``post``.

    Attributes:
        name: unique name within the model.
        pre, post: population (or input) names.
        connectivity: a :class:`~neuroplastic.model.connectivity.Connectivity`.
        weight: a scalar, a per-synapse array, or a Distribution. Units follow the
            postsynaptic model: pA (current synapses) or nS (conductance synapses).
        delay: transmission delay in ms (scalar, array or Distribution), rounded
            to whole steps; 0 means the input takes effect at the next step.
            Plasticity sees spikes at their emission times (delays are
            transmission delays only).
        receptor: ``"exc"`` or ``"inh"``: which synaptic channel receives input.
        rules: plasticity rules, applied in list order; their weight changes add.
        w_min, w_max: hard bounds applied once after all rules.
    """

    name: str
    pre: str
    post: str
    connectivity: Connectivity
    weight: object = 1.0
    delay: object = 0.0
    receptor: str = "exc"
    rules: tuple = field(default_factory=tuple)
    w_min: float = -math.inf
    w_max: float = math.inf

    def __post_init__(self):
        from ..plasticity.rule import check_rule  # rules live beside the model layer

        o = f"Projection '{self.name}'"
        v.name(o, "name", self.name)
        for key in ("pre", "post"):
            value = getattr(self, key)
            object.__setattr__(self, key, getattr(value, "name", value))
            v.name(o, key, getattr(self, key))
        if not isinstance(self.connectivity, Connectivity):
            raise ValidationError(o, "connectivity", self.connectivity,
                                  "must be AllToAll, FixedProbability, FixedInDegree, OneToOne or Pairs")
        check_value(o, "weight", self.weight)
        check_value(o, "delay", self.delay, ge=0, le=1e5, unit="ms")
        v.choice(o, "receptor", self.receptor, RECEPTORS)
        object.__setattr__(self, "rules", tuple(self.rules))
        for k, rule in enumerate(self.rules):
            check_rule(o, f"rules[{k}]", rule)
        v.number(o, "w_min", self.w_min, finite=False)
        v.number(o, "w_max", self.w_max, finite=False, ge=self.w_min)
        object.__setattr__(self, "w_min", float(self.w_min))
        object.__setattr__(self, "w_max", float(self.w_max))
