"""Monitors: what to record during a run.

Recorded data live on the running network (``net.monitor(name)``) and are written
to a run directory by experiments and the CLI.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from ..errors import ValidationError


def _target(obj) -> str:
    return getattr(obj, "name", obj)


@dataclass(frozen=True)
class SpikeMonitor:
    """Record every spike (neuron index, time in ms) of a population or input."""

    population: str
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "population", _target(self.population))
        object.__setattr__(self, "name", self.name or f"spikes_{self.population}")
        v.name(f"SpikeMonitor '{self.name}'", "population", self.population)


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

    def __post_init__(self):
        object.__setattr__(self, "population", _target(self.population))
        object.__setattr__(self, "variables", tuple(self.variables))
        object.__setattr__(self, "name", self.name or f"state_{self.population}")
        o = f"StateMonitor '{self.name}'"
        v.number(o, "interval", self.interval, gt=0, le=1e12, unit="ms")
        if not self.variables:
            raise ValidationError(o, "variables", self.variables, "must name at least one variable")
        _check_indices(o, self.indices)


@dataclass(frozen=True)
class WeightMonitor:
    """Sample the weights of a projection every ``interval`` ms.

    ``synapses`` selects synapse indices in build order (default: all).
    """

    projection: str
    synapses: object = None
    interval: float = 100.0
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "projection", _target(self.projection))
        object.__setattr__(self, "name", self.name or f"weights_{self.projection}")
        v.number(f"WeightMonitor '{self.name}'", "interval", self.interval, gt=0, le=1e12, unit="ms")
        _check_indices(f"WeightMonitor '{self.name}'", self.synapses)


@dataclass(frozen=True)
class RateMonitor:
    """Population rate (Hz, averaged over the living neurons) in bins of ``bin`` ms.

    Neurons added or removed at run time count for the time they exist; a last
    bin cut short by the end of the run is divided by the time it covers.
    """

    population: str
    bin: float = 1.0
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "population", _target(self.population))
        object.__setattr__(self, "name", self.name or f"rate_{self.population}")
        v.number(f"RateMonitor '{self.name}'", "bin", self.bin, gt=0, le=1e12, unit="ms")


def _check_indices(owner: str, indices) -> None:
    if indices is None:
        return
    arr = np.asarray(indices)
    if arr.ndim != 1 or (arr.size and (not np.issubdtype(arr.dtype, np.integer) or arr.min() < 0)):
        raise ValidationError(owner, "indices", indices, "must be None or a 1-D array of non-negative integers")


MONITOR_KINDS = {c.__name__: c for c in (SpikeMonitor, StateMonitor, WeightMonitor, RateMonitor)}
