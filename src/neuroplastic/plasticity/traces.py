"""Event-driven exponential traces, shared by the spike-timing rules.

A trace is stored as its value at its last update and the time of that update;
reading it at time t decays it exactly: x(t) = x(t_last) exp(-(t - t_last)/tau).
This is exact (no time-step error) and costs nothing between spikes.
"""
from __future__ import annotations

import math

from numba import njit


@njit(cache=True, inline="always")
def read(x, t_last, t, tau):
    """Trace value at time t (ms) given its value x at t_last (ms)."""
    return x * math.exp(-(t - t_last) / tau)


@njit(cache=True, inline="always")
def bump(x, t_last, t, tau, nearest):
    """Value after a spike at t: decayed + 1 (all-to-all) or reset to 1 (nearest)."""
    if nearest > 0.5:
        return 1.0
    return x * math.exp(-(t - t_last) / tau) + 1.0
