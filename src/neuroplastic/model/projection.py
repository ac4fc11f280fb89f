"""Projections: synapses from one population to another, with plasticity rules."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from . import quantities
from .branches import BranchTarget
from .connectivity import Connectivity
from .distributions import Distribution, Uniform
from .spec import Choice, Name, Number, Part, Parts, Value, check
from ..errors import ValidationError

RECEPTORS = ("exc", "inh")
WEIGHT_FIELDS = ("weight", "w_min", "w_max")


@dataclass(frozen=True)
class Projection:
    """Synapses from population ``pre`` to population ``post``.

    Attributes:
        name: unique name within the model.
        pre, post: population (or input) names.
        connectivity: a :class:`~neuroplastic.model.connectivity.Connectivity`.
        weight: a scalar, a per-synapse array, or a Distribution. Units follow the
            postsynaptic model: pA (current synapses) or nS (conductance synapses);
            Izhikevich neurons take mV/ms, rate and binary units plain numbers.
            ``weight``, ``w_min`` and ``w_max`` may be quantities of current or
            conductance (``"0.5 nS"``): they are converted to pA or nS and
            ``Model.validate`` checks that the postsynaptic channel has that unit
            (``weight_unit`` records it; None for plain numbers).
        delay: transmission delay in ms (scalar, array or Distribution), rounded
            to whole steps; 0 means the input takes effect at the next step.
            Plasticity sees spikes at their emission times (delays are
            transmission delays only).
        receptor: ``"exc"`` or ``"inh"``: which synaptic channel receives input.
        rules: plasticity rules, applied in list order; their weight changes add.
        w_min, w_max: hard bounds applied once after all rules.
        branch: where each synapse lands on a postsynaptic neuron with dendritic
            branches: None (the soma), a branch index, ``"random"``,
            ``"cyclic"``, ``"blocks"``, one index per synapse or a
            Distribution (see :mod:`neuroplastic.model.branches`).
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
    branch: object = None
    weight_unit: str | None = field(default=None, init=False, compare=False)

    constraints = {"name": Name(), "pre": Name(refers_to="source"), "post": Name(refers_to="source"),
                   "connectivity": Part(kind="connectivity"), "weight": Value(None),
                   "delay": Value("ms", ge=0, le=1e5), "receptor": Choice(options=RECEPTORS), "rules": Parts(),
                   "w_min": Number(None, finite=False), "w_max": Number(None, finite=False),
                   "branch": BranchTarget(None, optional=True)}

    def __post_init__(self):
        from ..plasticity.rule import check_rule  # rules live beside the model layer

        o = f"Projection '{self.name}'"
        self._convert_weight_quantities(o)
        check(self, o)
        for k, rule in enumerate(self.rules):
            check_rule(o, f"rules[{k}]", rule)
        if self.w_max < self.w_min:
            raise ValidationError(o, "w_max", v.show(self.w_max), f"must be >= w_min ({self.w_min:g})")
        self._check_initial_weights(o)

    def _convert_weight_quantities(self, o: str) -> None:
        """Weight quantities (current, conductance or mV/ms) -> numbers in pA, nS or mV/ms."""
        units = {}
        for key in WEIGHT_FIELDS:
            value = getattr(self, key)
            unit = quantities.channel_unit(o, key, value)
            if unit is not None:
                object.__setattr__(self, key, quantities.convert(o, key, value, unit))
                units[key] = unit
        if len(set(units.values())) > 1:
            raise ValidationError(o, "weight", units, "weight, w_min and w_max must be quantities of one kind")
        object.__setattr__(self, "weight_unit", next(iter(units.values()), None))

    def _check_initial_weights(self, o: str) -> None:
        """Initial weights outside [w_min, w_max] would be clipped: refuse plain values,
        warn for a uniform distribution that reaches beyond, and for a rule whose
        own weight bound is above w_max."""
        w = self.weight
        if not isinstance(w, Distribution):
            for bound, outside, side in ((self.w_max, np.greater, "above w_max"), (self.w_min, np.less, "below w_min")):
                if np.any(outside(w, bound)):
                    raise ValidationError(o, "weight", v.show(w), f"must not be {side} ({bound:g}): initial "
                                          "weights outside [w_min, w_max] would be clipped")
        elif isinstance(w, Uniform) and (w.high > self.w_max or w.low < self.w_min):
            v.warn(o, "weight", w, f"reaches outside [w_min, w_max] = [{self.w_min:g}, {self.w_max:g}]; "
                   "the weights drawn outside are clipped to the bounds")
        for k, rule in enumerate(self.rules):
            ceiling = rule.weight_ceiling()
            if ceiling is not None and ceiling > self.w_max:
                v.warn(o, f"rules[{k}] ({type(rule).__name__}).w_max", v.show(ceiling),
                       f"is above the projection's w_max ({self.w_max:g}): weights are clipped at "
                       f"{self.w_max:g} before the rule's own bound is reached")

    def lowest_weight(self) -> float:
        """The lowest initial weight (plain values, or a uniform distribution's
        low end; 0 for unbounded distributions, which are not judged)."""
        if isinstance(self.weight, Uniform):
            return self.weight.low
        if isinstance(self.weight, Distribution) or np.size(self.weight) == 0:
            return 0.0
        return float(np.min(self.weight))
