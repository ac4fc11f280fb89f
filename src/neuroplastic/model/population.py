"""A population: ``n`` neurons of one model, with optional initial values."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import _validate as v
from .distributions import Distribution
from .neurons import NeuronModel
from ..errors import ValidationError


@dataclass(frozen=True)
class Population:
    """``n`` neurons sharing a :class:`~neuroplastic.model.neurons.NeuronModel`.

    Attributes:
        name: unique name within the model.
        n: number of neurons (>= 1).
        model: the neuron model; its parameters may be per-neuron arrays.
        initial: initial values by state variable name: a scalar, an array of
            length n, or a Distribution (e.g. ``{"v": Uniform(-60, -50)}``).
        rules: neuron rules (intrinsic plasticity, :class:`NeuronRule`
            subclasses such as ``AdaptiveThreshold``), applied in list order.
    """

    name: str
    n: int
    model: NeuronModel
    initial: dict = field(default_factory=dict)
    rules: tuple = field(default_factory=tuple)

    def __post_init__(self):
        from ..plasticity.rule import check_neuron_rule  # rules live beside the model layer

        o = f"Population '{self.name}'"
        v.name(o, "name", self.name)
        v.integer(o, "n", self.n, ge=1)
        if not isinstance(self.model, NeuronModel):
            raise ValidationError(o, "model", self.model,
                                  "must be a neuron model (LIF, AdEx, Izhikevich, RateUnit, BinaryUnit)")
        self.model.check_sizes(o, self.n)
        for key, value in self.initial.items():
            v.choice(o, "initial", key, self.model.state_variables)
            if not isinstance(value, Distribution):
                v.number(o, f"initial.{key}", value)
                v.per_neuron(o, f"initial.{key}", value, self.n)
        object.__setattr__(self, "rules", tuple(self.rules))
        for k, rule in enumerate(self.rules):
            check_neuron_rule(o, f"rules[{k}]", rule, self.model)
