"""Monitors: what to record during a run.

Recorded data live on the running network (``net.monitor(name)``) and are written
to a run directory by experiments and the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass

from .spec import Indices, Name, Names, Number, check

def _owner(kind: str, name, target) -> str:
    """``Kind 'name'`` for messages, from whichever of name and target is a string."""
    label = name if isinstance(name, str) and name else target
    return f"{kind} '{label}'" if isinstance(label, str) else kind


SOURCE, NAME = Name(refers_to="source"), Name(empty=True)
INTERVAL = Number("ms", gt=0, le=1e12)


def _named(monitor, target: str, prefix: str) -> str:
    """Check the fields, then give the monitor its default name ``<prefix>_<target>``;
    returns the owner for messages."""
    kind = type(monitor).__name__
    check(monitor, _owner(kind, monitor.name, getattr(monitor, target)))
    object.__setattr__(monitor, "name", monitor.name or f"{prefix}_{getattr(monitor, target)}")
    return f"{kind} '{monitor.name}'"


@dataclass(frozen=True)
class SpikeMonitor:
    """Record every spike (neuron index, time in ms) of a population or input."""

    population: str
    name: str = ""

    constraints = {"population": SOURCE, "name": NAME}

    def __post_init__(self):
        _named(self, "population", "spikes")


@dataclass(frozen=True)
class StateMonitor:
    """Sample state variables of a population every ``interval`` ms.

    ``indices`` selects neurons (default: all, including neurons added at run
    time, whose earlier samples read NaN).
    """

    population: str
    variables: tuple = ("v",)
    indices: object = None
    interval: float = 1.0
    name: str = ""

    constraints = {"population": SOURCE, "variables": Names(), "indices": Indices(optional=True),
                   "interval": INTERVAL, "name": NAME}

    def __post_init__(self):
        _named(self, "population", "state")


@dataclass(frozen=True)
class WeightMonitor:
    """Sample the weights of a projection every ``interval`` ms.

    ``synapses`` selects synapse indices in build order (default: all).
    """

    projection: str
    synapses: object = None
    interval: float = 100.0
    name: str = ""

    constraints = {"projection": Name(refers_to="projection"), "synapses": Indices(optional=True),
                   "interval": INTERVAL, "name": NAME}

    def __post_init__(self):
        _named(self, "projection", "weights")


@dataclass(frozen=True)
class RateMonitor:
    """Population rate (Hz, averaged over the living neurons) in bins of ``bin`` ms.

    Neurons added or removed at run time count for the time they exist; a last
    bin cut short by the end of the run is divided by the time it covers.
    """

    population: str
    bin: float = 1.0
    name: str = ""

    constraints = {"population": SOURCE, "bin": INTERVAL, "name": NAME}

    def __post_init__(self):
        _named(self, "population", "rate")


MONITOR_KINDS = {c.__name__: c for c in (SpikeMonitor, StateMonitor, WeightMonitor, RateMonitor)}
