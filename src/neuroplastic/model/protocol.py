"""Offline phases: a protocol of named phases (wake, sleep, rest ...) placed in time.

A :class:`Phase` changes, for its span of time, what the network receives and
how much it learns; nothing replays stored data. Its settings:

* ``rates``: input -> rate (Hz, a number or one per neuron) of a
  :class:`~neuroplastic.model.inputs.PoissonInput`; 0 switches the input off.
  Spontaneous drive is a Poisson input of its own (rate 0 as built, a rate in
  sleep) projecting onto the network: it stays in the event-driven loop, is
  seeded, costs nothing while off and drives every neuron kind alike.
* ``levels``: modulator -> level set once when the phase begins (it then
  relaxes to its baseline as usual);
* ``baselines``: modulator -> baseline during the phase (e.g. low
  acetylcholine in sleep);
* ``scales``: rule -> factor >= 0 multiplying its weight changes (0 = off).
  A key names a projection or a population (all its rules), or one rule as
  ``"<name>.<index>"`` or ``"<name>.<ClassName>"``. On/off only (0 off, any
  value > 0 on) for structural rules and neuron rules; short-term plasticity
  (``Transmission``) changes no weight and takes no scale.

A :class:`Protocol` is an ordered list of phases, laid out one after another
from its ``start`` (a phase's own ``start`` may leave a gap), the whole
sequence repeated ``repeat`` times. Outside every phase the network runs as
built: every input, baseline and rule the protocol touches returns to the
model's own value. Units: times in ms, rates in Hz, levels dimensionless.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validate import show
from .spec import Integer, Name, Number, Spec, Table, check
from ..errors import ValidationError

SETTINGS = ("rates", "levels", "baselines", "scales")
MAX_SCHEDULED = 10**6   # phases of all repetitions together (the engine lists their changes)


@dataclass(frozen=True)
class Phase:
    """One named phase (see module doc).

    Attributes:
        name: the phase's name (several phases may share one, e.g. ``"wake"``).
        duration: its length (ms, > 0); or give ``start`` and ``stop``.
        start: when it begins (ms, >= 0, from the start of each repetition of
            the protocol); default: where the previous phase ends.
        stop: when it ends (ms, > start), instead of ``duration``.
        rates, levels, baselines, scales: tables by name (see module doc).
    """

    name: str
    duration: float | None = None
    start: float | None = None
    stop: float | None = None
    rates: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    baselines: dict = field(default_factory=dict)
    scales: dict = field(default_factory=dict)

    constraints = {"name": Name(), "duration": Number("ms", gt=0, optional=True),
                   "start": Number("ms", ge=0, optional=True), "stop": Number("ms", gt=0, optional=True),
                   "rates": Table(of=Number("Hz", ge=0, array=True)), "levels": Table(of=Number()),
                   "baselines": Table(of=Number()), "scales": Table(of=Number(ge=0))}

    def __post_init__(self):
        o = f"Phase '{self.name}'" if isinstance(self.name, str) else "Phase"
        check(self, o)
        if self.duration is None and self.stop is None:
            raise ValidationError(o, "duration", None, "is required (or give start and stop)")
        if self.duration is not None and self.stop is not None:
            raise ValidationError(o, "stop", self.stop, "must not be given with duration (give one of the two)")
        if self.stop is not None:
            if self.start is None:
                raise ValidationError(o, "start", None, "is required when stop is given")
            if self.stop <= self.start:
                raise ValidationError(o, "stop", self.stop, f"must be > start ({self.start:g} ms)")

    def length(self) -> float:
        """The phase's length in ms."""
        return float(self.duration if self.duration is not None else self.stop - self.start)


@dataclass(frozen=True)
class PhaseList(Spec):
    """A list of :class:`Phase`, stored as a tuple (a config gives them as ``[[phases]]``)."""

    def normalise(self, owner, field, value):
        if not isinstance(value, (list, tuple)) or not all(isinstance(p, Phase) for p in value):
            raise ValidationError(owner, field, show(value), "must be a list of Phase")
        return tuple(value)


@dataclass(frozen=True)
class Protocol:
    """Phases in order, repeated ``repeat`` times from ``start`` (ms); see module doc.

    Attributes:
        phases: the :class:`Phase` list (``Model.add(phase)`` appends one).
        repeat: how many times the sequence runs (1 .. 10^6).
        start: when the first repetition begins (ms, >= 0).
    """

    phases: tuple = ()
    repeat: int = 1
    start: float = 0.0

    constraints = {"phases": PhaseList(), "repeat": Integer(ge=1, le=10**6), "start": Number("ms", ge=0)}

    def __post_init__(self):
        check(self, "Protocol")

    def cycle(self) -> list[tuple[float, float]]:
        """(start, stop) of each phase within one repetition (ms from its start).

        Phases are not checked against each other here (``Model.validate``
        reports overlaps)."""
        out, cursor = [], 0.0
        for phase in self.phases:
            t0 = cursor if phase.start is None else phase.start
            out.append((t0, t0 + phase.length()))
            cursor = out[-1][1]
        return out

    @property
    def period(self) -> float:
        """Length of one repetition (ms): the end of its last phase."""
        return self.cycle()[-1][1] if self.phases else 0.0

    def spans(self) -> list[tuple[float, float, int]]:
        """(start ms, stop ms, phase index) of every phase of every repetition, in time order."""
        cycle, period = self.cycle(), self.period
        return [(self.start + r * period + t0, self.start + r * period + t1, k)
                for r in range(self.repeat) for k, (t0, t1) in enumerate(cycle)]


def phase_owner(phase: Phase, k: int) -> str:
    """How errors name the ``k``-th phase of a model's protocol."""
    return f"Phase '{phase.name}' (phases[{k}])"


def rule_targets(model, key: str) -> list[tuple[str, str, int]]:
    """The rules a ``scales`` key names: ``(kind, part name, rule index)`` with
    kind ``"projection"`` or ``"population"``. Raises KeyError with the reason."""
    name, _, which = key.partition(".")
    if name in model.projections:
        kind, rules = "projection", model.projections[name].rules
    elif name in model.populations and getattr(model.populations[name], "rules", ()):
        kind, rules = "population", model.populations[name].rules
    else:
        raise KeyError("must name a projection, or a population with rules "
                       f"({', '.join(map(repr, _ruled(model))) or 'none defined'}), optionally followed by "
                       "'.<rule index>' or '.<rule class name>'")
    if not which:
        chosen = [(kind, name, r) for r in range(len(rules)) if _scalable(rules[r])]
        if not chosen:
            raise KeyError(f"names {kind} '{name}', none of whose rules changes a weight or a neuron "
                           "(short-term plasticity and phase-only rules take no scale)")
        return chosen
    if which.isdigit() and int(which) < len(rules):
        chosen = [int(which)]
    else:
        chosen = [r for r, rule in enumerate(rules) if _class_name(rule) == which]
    if len(chosen) != 1:
        listed = ", ".join(f"{r} ({_class_name(rule)})" for r, rule in enumerate(rules))
        raise KeyError(f"must name one rule of {kind} '{name}' by index or class name ({listed})")
    if not _scalable(rules[chosen[0]]):
        raise KeyError(f"names {_class_name(rules[chosen[0]])}, which changes no weight or neuron "
                       "(short-term plasticity and phase-only rules take no scale)")
    return [(kind, name, chosen[0])]


def _ruled(model) -> list[str]:
    return list(model.projections) + [k for k, p in model.populations.items() if getattr(p, "rules", ())]


def _class_name(rule) -> str:
    return getattr(type(rule), "gated_base", type(rule)).__name__


def _scalable(rule) -> bool:
    """Whether a scale means something for ``rule`` (it changes weights or neurons)."""
    from ..plasticity.rule import Continuous, NeuronRule, OnPost, OnPre, Periodic, Structural

    return isinstance(rule, (NeuronRule, OnPre, OnPost, Periodic, Structural, Continuous))


def check_protocol(model) -> None:
    """Cross-checks of ``model.protocol`` (run by ``Model.validate``): phases
    in time order without overlap and at least one step long; names of
    inputs, modulators and rules; rates against the inputs' sizes and 1/dt."""
    protocol = model.protocol
    if protocol is None:
        return
    if protocol.repeat * len(protocol.phases) > MAX_SCHEDULED:
        raise ValidationError("Protocol", "repeat", protocol.repeat, f"times {len(protocol.phases)} phases must be "
                              f"<= {MAX_SCHEDULED:g} scheduled phases in all")
    cursor = 0.0
    for k, (phase, (t0, t1)) in enumerate(zip(protocol.phases, protocol.cycle())):
        o = phase_owner(phase, k)
        if t0 < cursor:
            prev = protocol.phases[k - 1]
            raise ValidationError(o, "start", t0, f"must be >= {cursor:g} ms, the end of phases[{k - 1}] "
                                  f"('{prev.name}'): phases must not overlap")
        if t1 - t0 < model.dt:
            raise ValidationError(o, "duration", t1 - t0, f"must be >= dt ({model.dt:g} ms)")
        cursor = t1
        _check_settings(model, phase, o)


def _check_settings(model, phase: Phase, o: str) -> None:
    from .inputs import PoissonInput

    inputs = {k: p for k, p in model.populations.items() if isinstance(p, PoissonInput)}
    for name, rate in phase.rates.items():
        if name not in inputs:
            listed = ", ".join(map(repr, inputs)) or "none defined"
            raise ValidationError(o, f"rates.{name}", name, f"must name a PoissonInput of the model ({listed})")
        n = inputs[name].n
        if np.ndim(rate) == 1 and len(rate) != n:
            raise ValidationError(o, f"rates.{name}", f"array of length {len(rate)}",
                                  f"must be a scalar or have one rate per neuron ({n})")
        if np.max(rate, initial=0.0) > 1e3 / model.dt:
            raise ValidationError(o, f"rates.{name}", float(np.max(rate)),
                                  f"must be <= 1/dt = {1e3 / model.dt:g} Hz (at most one spike per step)")
    for setting in ("levels", "baselines"):
        for name in getattr(phase, setting):
            if name not in model.modulators:
                raise ValidationError(o, f"{setting}.{name}", name, "must name a modulator of the model "
                                      f"({', '.join(map(repr, model.modulators)) or 'none defined'})")
    for key in phase.scales:
        try:
            rule_targets(model, key)
        except KeyError as e:
            raise ValidationError(o, f"scales.{key}", key, e.args[0]) from None
