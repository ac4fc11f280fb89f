"""A population: ``n`` neurons of one model, with optional initial values."""
from __future__ import annotations

from dataclasses import dataclass, field

from .neurons import NeuronModel
from .spec import Integer, Name, Part, Parts, Table, Value, check, per_neuron
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

    constraints = {"name": Name(), "n": Integer(ge=1), "model": Part(kind="neuron model"),
                   "initial": Table(of=Value(None)), "rules": Parts()}

    def __post_init__(self):
        from ..plasticity.rule import check_neuron_rule  # rules live beside the model layer

        o = f"Population '{self.name}'"
        check(self, o)
        self.model.check_sizes(o, self.n)
        allowed = tuple(self.model.state_variables)
        for key, value in self.initial.items():
            if key not in allowed:
                raise ValidationError(o, "initial", key, f"must be one of {', '.join(map(repr, allowed))}")
            per_neuron(o, f"initial.{key}", value, self.n)
        for k, rule in enumerate(self.rules):
            check_neuron_rule(o, f"rules[{k}]", rule, self.model)
