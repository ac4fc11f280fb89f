"""The runaway-activity check: a population whose mean rate over a 100 ms window
exceeds its limit stops the run (``SimulationError`` with variable ``"rate"``).

A spiking neuron with refractory period ``t_ref`` cannot fire faster than
``1000 / (t_ref + dt)`` Hz: it spikes in step ``n``, is clamped for the next
``round(t_ref / dt)`` steps and can spike again one step later, so the
shortest inter-spike interval is ``t_ref + dt`` (as in NEST; in Brian2 it is
``t_ref``). With ``t_ref >= 1 ms`` that ceiling is below the default
``Model.max_rate`` of 1000 Hz, and a saturated population would never trip a
check against ``max_rate`` alone. The limit of population ``k`` is therefore

    limit_k = min(max_rate, SATURATION * mean_i 1000 / ((r_i + 1) dt))   [Hz]

with ``r_i`` the refractory steps of neuron ``i`` and ``SATURATION`` = 0.9: a
population that spends 90% of its time at the refractory ceiling is
saturated, whatever ``max_rate`` says. ``max_rate=None`` disables the check.
Inputs and rate units are never checked; neuron kinds without a refractory
period (binary units; a user's kind registered with ``refractory=None``) are
checked against ``max_rate`` alone.
"""
from __future__ import annotations

import numpy as np

from .limits import to_steps
from ..errors import SimulationError

WINDOW_MS = 100.0
SATURATION = 0.9


def rate_limit_hz(pop, max_rate: float, dt: float) -> float:
    """The runaway limit (Hz) of a population (module doc), inf when unchecked."""
    if max_rate is None or not pop.spec.neuron or pop.spec.graded:
        return np.inf
    ref = pop.spec.kind.refractory_steps(pop.arrays["par"])
    if ref is None:
        return float(max_rate)
    ceiling = float(np.mean(1e3 / ((np.asarray(ref, float) + 1.0) * dt)))
    return min(float(max_rate), SATURATION * ceiling)


def setup(net) -> None:
    """The window counters and per-population limits (spikes per window) of a network."""
    net._win = np.zeros(len(net._pops), np.int64)
    net._win_steps = to_steps(WINDOW_MS, net.dt, minimum=1)
    net._rate_limit = np.array([rate_limit_hz(p, net.model.max_rate, net.dt) for p in net._pops])
    net._win_limit = np.array([hz * p.n * WINDOW_MS * 1e-3 for hz, p in zip(net._rate_limit, net._pops)])


def error(net, step: int, index: int) -> SimulationError:
    """The SimulationError of a runaway population ``index`` at ``step``."""
    pop, limit = net._pops[index], float(net._rate_limit[index])
    why = f"max_rate = {net.model.max_rate:g} Hz" if limit >= net.model.max_rate else \
        f"{SATURATION:.0%} of the fastest mean rate its refractory periods allow, 1000 / (t_ref + dt)"
    reason = f"runaway activity (mean rate above {limit:.4g} Hz over {WINDOW_MS:g} ms: {why})"
    return SimulationError(reason, step, step * net.dt, pop.name, "rate")
