"""Neuromodulators: named, global signals with their own dynamics.

A :class:`Modulator` is a concentration-like level m(t) (dimensionless) that
relaxes to a baseline and jumps up at release events::

    tau dm/dt = baseline - m,        m <- m + amount   at each release

(integrated exactly: every step m <- baseline + (m - baseline) exp(-dt / tau)).
Releases come from

* an explicit schedule (``release_times`` in ms, ``release_amounts``),
* the spikes of a population (volume transmission: ``source`` and ``per_spike``,
  the amount added per spike of that population), or
* Python between runs, ``Network.release(name, amount)`` (reward functions of
  activity, environments, novelty detectors).

The four classical names are ``DOPAMINE``, ``ACETYLCHOLINE``, ``SEROTONIN`` and
``NORADRENALINE``; any other name is allowed. Rules read a modulator whose name
is one of their fields (see ``Rule.modulated_by``); a modulator local to one
population is simply a separate modulator read by the rules of that
population's projections. Levels are recorded by :class:`ModulatorMonitor`.

Units: times in ms; levels and amounts dimensionless.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .spec import Name, Number, Numbers, check
from ..errors import ValidationError

DOPAMINE, ACETYLCHOLINE, SEROTONIN, NORADRENALINE = "dopamine", "acetylcholine", "serotonin", "noradrenaline"


@dataclass(frozen=True)
class Modulator:
    """A neuromodulator (see module doc).

    Attributes:
        name: unique within the model, e.g. ``"dopamine"``.
        tau: decay time constant towards ``baseline`` (ms, > 0); Izhikevich 2007
            uses 200 ms for dopamine.
        baseline: resting level (dimensionless).
        initial: level at t = 0 (default: the baseline).
        release_times: scheduled release times (ms).
        release_amounts: one amount for all scheduled releases, or one per time.
        source: a population whose spikes release the modulator (or None).
        per_spike: amount released per spike of ``source``.
    """

    name: str
    tau: float = 200.0
    baseline: float = 0.0
    initial: float | None = None
    release_times: object = field(default_factory=tuple)
    release_amounts: object = 1.0
    source: str | None = None
    per_spike: float = 0.0

    constraints = {"name": Name(), "tau": Number("ms", gt=0, time_constant=True), "baseline": Number(),
                   "initial": Number(optional=True), "release_times": Numbers("ms", ge=0),
                   "release_amounts": Number(array=True), "source": Name(refers_to="source", optional=True),
                   "per_spike": Number()}

    def __post_init__(self):
        o = f"Modulator '{self.name}'"
        check(self, o)
        times, amounts = self.release_times, np.asarray(self.release_amounts)
        if amounts.ndim == 1 and amounts.size != times.size:
            raise ValidationError(o, "release_amounts", f"{amounts.size} values",
                                  f"must be one number or one per release time ({times.size})")
        object.__setattr__(self, "release_times", tuple(times.tolist()))
        if amounts.ndim == 1:
            object.__setattr__(self, "release_amounts", tuple(amounts.tolist()))

    @property
    def start(self) -> float:
        """The level at t = 0."""
        return float(self.baseline if self.initial is None else self.initial)

    def schedule(self) -> tuple[np.ndarray, np.ndarray]:
        """(times in ms, amounts), sorted by time."""
        t = np.asarray(self.release_times, dtype=float)
        a = np.broadcast_to(np.asarray(self.release_amounts, dtype=float), t.shape)
        order = np.argsort(t, kind="stable")
        return t[order], np.ascontiguousarray(a[order])


@dataclass(frozen=True)
class ModulatorMonitor:
    """Sample a modulator's level every ``interval`` ms (like a StateMonitor)."""

    modulator: str
    interval: float = 1.0
    name: str = ""

    constraints = {"modulator": Name(refers_to="modulator"), "interval": Number("ms", gt=0, le=1e12),
                   "name": Name(empty=True)}

    def __post_init__(self):
        from .monitors import _owner

        check(self, _owner("ModulatorMonitor", self.name, self.modulator))
        object.__setattr__(self, "name", self.name or f"modulator_{self.modulator}")
