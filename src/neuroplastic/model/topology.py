"""Scheduled changes of a network's topology: lesions, neurogenesis, removal of silent neurons.

These are model parts (``model.add(Lesion(...))``) that the engine carries out
between compiled chunks at their time, like structural rules; the same
operations are available from Python at any time (``Network.lesion``,
``Network.add_neurons``, ``Network.remove_neurons``). See docs/structural.md.

* :class:`Lesion` at ``time`` removes a ``fraction`` of the (living) neurons of
  a population, or of the synapses of a projection, chosen at random (seeded).
* :class:`Neurogenesis` at ``time`` adds ``n`` neurons to a population; every
  projection from or to it draws their synapses with its own connectivity,
  weight and delay.
* :class:`PruneSilent` removes, every ``silent_for`` ms, the neurons of a
  population that did not spike in the last ``silent_for`` ms.

Removed neurons keep their index (recordings and indices stay valid); they
lose all their synapses and never spike again. Units: times in ms.
"""
from __future__ import annotations

from dataclasses import dataclass

from .spec import Integer, Name, Number, check
from ..errors import ValidationError

TIME, NAME = Number("ms", ge=0), Name(empty=True)


def _checked(event) -> str:
    """Check the fields; returns the owner for messages."""
    kind = type(event).__name__
    owner = f"{kind} '{event.name}'" if isinstance(event.name, str) and event.name else kind
    check(event, owner)
    return owner


@dataclass(frozen=True)
class Lesion:
    """Remove a fraction of a population's neurons or of a projection's synapses.

    Attributes:
        time: when (ms, >= 0); the lesion happens before the step at ``time``.
        fraction: share of the living neurons (or existing synapses) removed, in (0, 1].
        population: the neuron population to lesion, or
        projection: the projection whose synapses are cut (exactly one of the two).
        name: unique name (default ``lesion_<target>_<time>``).
    """

    time: float
    fraction: float
    population: str | None = None
    projection: str | None = None
    name: str = ""

    constraints = {"time": TIME, "fraction": Number(gt=0, le=1), "population": Name(optional=True),
                   "projection": Name(optional=True), "name": NAME}

    def __post_init__(self):
        o = _checked(self)
        if (self.population is None) == (self.projection is None):
            raise ValidationError(o, "population/projection", (self.population, self.projection),
                                  "exactly one of population and projection must be given")
        target = self.population if self.population is not None else self.projection
        object.__setattr__(self, "name", self.name or f"lesion_{target}_{self.time:.0f}")


@dataclass(frozen=True)
class Neurogenesis:
    """Add ``n`` neurons to ``population`` at ``time`` (ms)."""

    time: float
    population: str
    n: int
    name: str = ""

    constraints = {"time": TIME, "population": Name(), "n": Integer(ge=1), "name": NAME}

    def __post_init__(self):
        _checked(self)
        object.__setattr__(self, "name", self.name or f"neurogenesis_{self.population}_{self.time:.0f}")


@dataclass(frozen=True)
class PruneSilent:
    """Every ``silent_for`` ms from ``start``, remove the neurons of
    ``population`` that did not spike during the last ``silent_for`` ms."""

    population: str
    silent_for: float
    start: float = 0.0
    name: str = ""

    constraints = {"population": Name(), "silent_for": Number("ms", gt=0), "start": TIME, "name": NAME}

    def __post_init__(self):
        _checked(self)
        object.__setattr__(self, "name", self.name or f"prune_silent_{self.population}")


EVENTS = (Lesion, Neurogenesis, PruneSilent)
