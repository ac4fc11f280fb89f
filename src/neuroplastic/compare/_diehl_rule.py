"""Diehl & Cook's STDP, written for speed: nearest-spike traces kept as last spike times.

Diehl & Cook (2015) use a presynaptic trace x (tau_pre) and two postsynaptic
traces o1 (tau_post1) and o2 (tau_post2), each *set to 1* at a spike of its
neuron (nearest-spike)::

    pre spike at t:   w -= nu_pre  * o1(t)
    post spike at t:  w += nu_post * x(t) * o2(t-)        o2 before its reset

This is :class:`~neuroplastic.TripletSTDP` with ``pairing="nearest"``,
a2_plus = a3_minus = 0, a3_plus = nu_post, a2_minus = nu_pre. Because every
trace is reset to 1, its value is exp(-(t - t_last) / tau) of the neuron's last
spike, so the rule keeps only last spike times (no trace values), skips the
unused fourth trace, and skips the exponential where the last spike is more
than ``horizon`` time constants back: the change left out is below
nu x exp(-horizon) (1e-4 x 9e-14 nS at the default 30; the weights are
~0.1 nS). On MNIST nearly every presynaptic spike meets postsynaptic neurons
that have not fired for seconds, so most events cost a comparison instead of
an exponential: learning runs ~2-3x faster than with ``TripletSTDP``
(docs/unsupervised.md). The two give the same weights to 1e-12 nS
(tests/test_compare_diehl_cook.py).

Parameters: nu_pre, nu_post (nS); tau_pre, tau_post1, tau_post2 (ms); horizon
(time constants). Bounds: the projection's ``w_min``/``w_max``.

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from numba import njit

from ..plasticity.rule import OnPost, OnPre, Rule, State

__all__ = ["DiehlCookSTDP"]

NEVER = -1e9   # ms: "no spike yet"


@njit(cache=True, inline="always")
def _decay(t, t_last, tau, horizon):
    lag = t - t_last
    if lag > horizon * tau:
        return 0.0
    return math.exp(-lag / tau)


@njit(cache=True, inline="always")
def _on_pre(s, i, j, t, w, st, p):
    return -p.nu_pre * _decay(t, st.post.t_last[j], p.tau_post1, p.horizon)


@njit(cache=True, inline="always")
def _pre_spike(i, t, st, p):
    st.pre.t_last[i] = t


@njit(cache=True, inline="always")
def _on_post(s, i, j, t, w, st, p):
    x = _decay(t, st.pre.t_last[i], p.tau_pre, p.horizon)
    if x == 0.0:
        return 0.0
    return p.nu_post * x * _decay(t, st.post.t_last[j], p.tau_post2, p.horizon)


@njit(cache=True, inline="always")
def _post_spike(j, t, st, p):
    st.post.t_last[j] = t


@dataclass(frozen=True)
class DiehlCookSTDP(Rule, OnPre, OnPost):
    """Diehl & Cook's nearest-spike STDP (see module doc); defaults are the paper's."""

    nu_pre: float = 1e-4
    nu_post: float = 1e-2
    tau_pre: float = 20.0
    tau_post1: float = 20.0
    tau_post2: float = 40.0
    horizon: float = 30.0

    constraints = {
        "nu_pre": dict(ge=0), "nu_post": dict(ge=0), "horizon": dict(gt=0),
        **{k: dict(gt=0, unit="ms", time_constant=True) for k in ("tau_pre", "tau_post1", "tau_post2")},
    }
    pre_state = (State("t_last", NEVER, "ms"),)
    post_state = (State("t_last", NEVER, "ms"),)
    on_pre, pre_spike, on_post, post_spike = _on_pre, _pre_spike, _on_post, _post_spike
