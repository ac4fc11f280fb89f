"""What is checked: a rule or neuron model, with what the checks may expect of it.

A :class:`Case` wraps the object under test. Most objects need nothing more
(``Case(PairSTDP())`` and ``PairSTDP()`` are checked alike); the fields state
what the object's class cannot: that a rule changes weights without any
spike by design, which neuron model its populations should use, or how
strongly a neuron model must be driven to fire.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from ..model.neurons import NeuronModel
from ..plasticity.gating import GatedRule
from ..plasticity.rule import Rule


@dataclass(frozen=True)
class Case:
    """A rule or neuron model to check, and what its checks may expect.

    Args:
        obj: a synaptic rule, a neuron rule or a neuron model instance.
        acts_without_spikes: (rules) the rule changes weights or its state
            with no spike at all, by design (periodic homeostasis,
            normalization, rewiring, variables set from a modulator level):
            the "still without spikes" check is then not run.
        model: (rules) the neuron model of the driving network's
            populations; by default chosen from what the rule reads
            (``pre_reads``/``post_reads``/``reads``).
        neuron_rules: (synaptic rules) neuron rules every population of the
            driving network carries, for rules that read them (MSPGrowth
            reads a Calcium rule); the presynaptic side is then a driven
            population instead of an input.
        conserves_synapses: (structural rules) the number of synapses stays
            constant (rewiring moves synapses, never adds or drops them).
        weight: (neuron models) the weight of the driving synapses, in the
            model's synaptic unit (pA, nS, ...): 60 inputs at 40 Hz with this
            weight should make the neuron fire at tens of Hz.
        name: the id in test reports (default: the object's class and the
            parameters that differ from their defaults).
    """

    obj: object
    acts_without_spikes: bool = False
    model: NeuronModel | None = None
    neuron_rules: tuple = ()
    conserves_synapses: bool = False
    weight: float | None = None
    name: str | None = None

    def __post_init__(self):
        if isinstance(self.obj, Case):
            raise TypeError("Case(Case(...)): wrap the rule or neuron model itself")
        if not isinstance(self.obj, (Rule, NeuronModel)):
            raise TypeError(f"Case.obj must be a Rule, NeuronRule or NeuronModel instance, "
                            f"got {type(self.obj).__name__}")
        object.__setattr__(self, "neuron_rules", tuple(self.neuron_rules))

    @property
    def label(self) -> str:
        """The readable id: ``name``, or the object's :func:`describe` (and the
        model it is checked on, when the Case gives one)."""
        if self.name:
            return self.name
        return describe(self.obj) + (f" on {describe(self.model)}" if self.model is not None else "")


def as_case(obj) -> Case:
    """``obj`` itself when it is a :class:`Case`, else ``Case(obj)``."""
    return obj if isinstance(obj, Case) else Case(obj)


def describe(obj) -> str:
    """``ClassName(field=value, ...)`` with only the fields that differ from
    their defaults; a gated rule reads ``Gated(Inner(...), modulator, ...)``."""
    if isinstance(obj, GatedRule):
        inner = obj.inner()
        gate = [repr(obj.gate_modulator)] + [c.removeprefix("gate_")
                                              for c in _changed(obj, ("gate_gain", "gate_reference", "gate_events"))]
        return f"Gated({describe(inner)}, {', '.join(gate)})"
    if not dataclasses.is_dataclass(obj):
        return type(obj).__name__
    return f"{type(obj).__name__}({', '.join(_changed(obj))})"


def _changed(obj, names=None) -> list[str]:
    out = []
    for f in dataclasses.fields(obj):
        if names is not None and f.name not in names:
            continue
        value = getattr(obj, f.name)
        default = f.default if f.default is not dataclasses.MISSING else dataclasses.MISSING
        if default is dataclasses.MISSING or not _equal(value, default):
            out.append(f"{f.name}={value!r}")
    return out


def _equal(a, b) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):   # arrays: element-wise comparison has no truth value
        return False
