"""Diehl & Cook's excitatory threshold: adaptive theta plus a 50 ms spike block.

In the original code an excitatory neuron may fire only when
``v > v_thresh + theta - offset`` *and* its ``timer`` (set to 0 at a spike,
growing at 0.1 ms per ms) exceeds 5 ms, i.e. 50 ms after its last spike;
its membrane is held at reset for only 5 ms (``refractory``), so between 5 and
50 ms it integrates its input and fires as soon as the block ends if it is
then above threshold. The engine's LIF holds the membrane for ``t_ref``;
this rule adds the block on top (``block`` ms, 0: none) by raising theta by a
large constant ``raise_by`` while a neuron is blocked. Together with the
adaptive part (:class:`~neuroplastic.AdaptiveThreshold`'s equation)::

    at a spike of j:  theta_j += increment; until_j = t + block; theta_j += raise_by
    every step:       theta_j = (theta_j - raise_by b_j) e^{-dt/tau} + raise_by b_j'
                      (b_j = 1 while blocked, b_j' = 1 if t < until_j)

so the decay acts on the adaptive part only and the block leaves no trace.
:func:`adaptive_theta` gives the adaptive part (what the frozen copy inherits).

Parameters: increment (mV), tau (ms), block (ms), raise_by (mV), period (ms:
the step, so the block ends to the step).

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99 (the original
``Diehl&Cook_spiking_MNIST.py``: ``timer``, ``refrac_e``, ``theta``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..plasticity.rule import NeuronRule, OnSpike, Periodic, State

__all__ = ["BlockedAdaptiveThreshold", "adaptive_theta"]


@njit(cache=True, inline="always")
def _on_spike(j, t, st, p):
    st.var.theta[j] += p.increment
    if p.block > 0.0:
        st.neuron.until[j] = t + p.block
        if st.neuron.blocked[j] == 0.0:
            st.var.theta[j] += p.raise_by
            st.neuron.blocked[j] = 1.0


@njit(cache=True, inline="always")
def _every(t, st, p):
    f = math.exp(-p.period / p.tau)
    theta, until, blocked = st.var.theta, st.neuron.until, st.neuron.blocked
    for j in range(theta.shape[0]):
        still = 1.0 if t + 1e-9 < until[j] else 0.0
        theta[j] = (theta[j] - p.raise_by * blocked[j]) * f + p.raise_by * still
        blocked[j] = still


@dataclass(frozen=True)
class BlockedAdaptiveThreshold(NeuronRule, OnSpike, Periodic):
    """Adaptive threshold with Diehl & Cook's spike block (see module doc)."""

    increment: float = 0.05
    tau: float = 1e7
    block: float = 50.0
    raise_by: float = 1000.0
    period: float = 0.5

    constraints = {"increment": dict(ge=0), "tau": dict(gt=0, unit="ms", time_constant=True),
                   "block": dict(ge=0, unit="ms"), "raise_by": dict(gt=0, unit="mV"),
                   "period": dict(gt=0, unit="ms")}
    neuron_state = (State("until", -1e9, "ms"), State("blocked", 0.0, "1"))
    reads = ("theta",)
    on_spike = _on_spike
    every = _every


def adaptive_theta(net, rule: BlockedAdaptiveThreshold, population: str = "exc", index: int = 0) -> np.ndarray:
    """theta without the block's raise (a copy): what the frozen network inherits.
    ``index``: the rule's place in the population's rules."""
    st = net.neuron_rule_state(population, index)
    return np.array(st.var.theta) - rule.raise_by * np.array(st.neuron.blocked)
