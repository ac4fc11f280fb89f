"""Modulator gating of any event-driven rule: ``Gated(rule, modulator, ...)``.

Neuromodulators change how much a synapse learns from the same activity.
``Gated`` multiplies the weight changes of any rule with ``on_pre`` /
``on_post`` hooks (STDP, triplet STDP, iSTDP, Oja, BCM, a user's rule) by a
gate factor of a modulator level M::

    g(M) = max(0, 1 + gain * (M - reference))
    dw   = g(M) * dw_rule          for the events named by ``events``

``events = "both"`` scales every change (a learning rate set by the
modulator); ``"post"`` only the changes made at postsynaptic spikes and
``"pre"`` only those at presynaptic spikes. For pair-based STDP rules these are
the LTP and the LTD sides, so ``events`` sets the LTP/LTD balance. ``g = 1`` at
``M = reference``; ``gain = 1 / M_high, reference = M_high`` gives
``g = M / M_high`` (no learning without the modulator).

Biology and the settings that express it:

* acetylcholine and attention: ACh released with attention enables and
  amplifies cortical STDP, so attended inputs are stored and unattended ones
  not (Hasselmo 2006; Gu & Yakel 2011): ``Gated(PairSTDP(...),
  "acetylcholine", gain=1/M_high, reference=M_high)``;
* serotonin and the LTD side: 5-HT receptor activation shifts plasticity
  towards depression in some circuits (He et al. 2015): ``events="pre"`` with
  ``gain > 0`` scales only the depression of pair STDP;
* noradrenaline raises neuronal gain (an intrinsic parameter, not a synaptic
  change): :class:`~neuroplastic.plasticity.gated.ModulatedGain`.

The wrapped rule keeps its state, parameters and hooks; the gate is applied by
the compiled loop where the rule's ``dw`` is added (a few flops per changed
synapse, no extra state). Rules that change weights in a periodic ``every``
hook (e.g. ``RewardModulatedSTDP``, ``SynapticScaling``) are not gated this
way: give them a modulator field of their own (docs/writing-a-rule.md).

Units: gain per modulator unit; reference in modulator units.

References: Hasselmo ME (2006) Curr Opin Neurobiol 16:710. Gu Z, Yakel JL
(2011) Neuron 71:155. He K et al. (2015) Neuron 88:528.
"""
from __future__ import annotations

import dataclasses
import sys

from .rule import Continuous, OnPost, OnPre, Periodic, Rule, Structural
from ..errors import ValidationError

EVENTS = ("both", "pre", "post")
GATE_FIELDS = ("gate_modulator", "gate_gain", "gate_reference", "gate_events")


class GatedRule:
    """Marker of the classes made by :func:`Gated` (the engine checks it)."""

    def inner(self) -> Rule:
        """The wrapped rule (an instance of the original class)."""
        base = type(self).gated_base
        return base(**{f.name: getattr(self, f.name) for f in dataclasses.fields(base)})

    def gates(self, hook: str) -> bool:
        """Whether the changes of ``hook`` ("on_pre" or "on_post") are gated."""
        return self.gate_events == "both" or hook == f"on_{self.gate_events}"

    def __reduce__(self):
        return (Gated, (self.inner(), self.gate_modulator, self.gate_gain, self.gate_reference, self.gate_events))


_CLASSES: dict = {}


def _gated_class(base: type) -> type:
    """The gated subclass of ``base`` (one per rule class, made once).

    It is published in this module under a unique name so that its state types
    can be pickled by the compiled-kernel cache, like any rule's."""
    if base in _CLASSES:
        return _CLASSES[base]
    name = f"Gated_{base.__module__.replace('.', '_')}_{base.__qualname__.replace('.', '_')}"
    namespace = {
        "__module__": __name__, "__qualname__": name,
        "__annotations__": {"gate_modulator": str, "gate_gain": float, "gate_reference": float,
                            "gate_events": str},
        "gate_modulator": "acetylcholine", "gate_gain": 1.0, "gate_reference": 0.0, "gate_events": "both",
        "constraints": {**base.constraints, "gate_gain": dict(), "gate_reference": dict(), "gate_events": EVENTS},
        "modulated_by": tuple(base.modulated_by) + ("gate_modulator",),
        "gated_base": base,
        "__doc__": f"{base.__name__} with its weight changes gated by a modulator (see neuroplastic.plasticity.gating).",
    }
    cls = dataclasses.dataclass(frozen=True)(type(name, (GatedRule, base), namespace))
    setattr(sys.modules[__name__], name, cls)
    _CLASSES[base] = cls
    return cls


def Gated(rule: Rule, modulator: str = "acetylcholine", gain: float = 1.0, reference: float = 0.0,
          events: str = "both") -> Rule:
    """``rule`` with its weight changes multiplied by g(M) (see module doc).

    Args:
        rule: a synaptic rule with ``on_pre`` and/or ``on_post`` weight changes.
        modulator: name of the model's modulator that gates it.
        gain: slope of the gate per modulator unit.
        reference: modulator level at which the gate is 1.
        events: "both", "pre" (changes at presynaptic spikes) or "post".
    """
    owner = f"Gated({type(rule).__name__})"
    if isinstance(rule, GatedRule):
        raise ValidationError(owner, "rule", type(rule).__name__, "is already gated (gate it once)")
    if not isinstance(rule, Rule) or not isinstance(rule, (OnPre, OnPost)):
        raise ValidationError(owner, "rule", type(rule).__name__,
                              "must be a synaptic Rule with on_pre/on_post weight changes (OnPre or OnPost)")
    if isinstance(rule, (Periodic, Structural, Continuous)):
        raise ValidationError(owner, "rule", type(rule).__name__,
                              "changes weights in a periodic, continuous or structural hook, which a gate cannot "
                              "scale; "
                              "give the rule a modulator field instead (docs/writing-a-rule.md)")
    cls = _gated_class(type(rule))
    fields = {f.name: getattr(rule, f.name) for f in dataclasses.fields(rule)}
    return cls(**fields, gate_modulator=modulator, gate_gain=gain, gate_reference=reference, gate_events=events)
