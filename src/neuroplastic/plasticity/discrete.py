"""Spike-timing rule for discrete-time binary networks (SORN).

Lazar, Pipa & Triesch (2009) use a one-step causal window: for a synapse from
unit i to unit j::

    dw_ji = eta * (x_j(t) x_i(t-1) - x_j(t-1) x_i(t))

i.e. +eta when the postsynaptic unit is active one step after the
presynaptic unit, -eta for the reverse order, nothing for simultaneous or more
distant activity. ``step`` is the model's time step (ms): "one step earlier"
means a spike time within half a step of t - step. [eta: weight units]

Reference: Lazar A, Pipa G, Triesch J (2009) Front Comput Neurosci 3:23.
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from .rule import OnPost, OnPre, Rule, State


@njit(cache=True, inline="always")
def _was_previous(t, step, last, prev):
    """Was the neuron active one step before t, given its last and previous spike times?"""
    target = t - step
    tol = 0.5 * step
    return abs(last - target) < tol or (abs(last - t) < tol and abs(prev - target) < tol)


@njit(cache=True, inline="always")
def _discrete_on_pre(s, i, j, t, w, st, p):
    if _was_previous(t, p.step, st.post.last[j], st.post.prev[j]):
        return -p.eta
    return 0.0


@njit(cache=True, inline="always")
def _discrete_pre_spike(i, t, st, p):
    st.pre.prev[i] = st.pre.last[i]
    st.pre.last[i] = t


@njit(cache=True, inline="always")
def _discrete_on_post(s, i, j, t, w, st, p):
    if _was_previous(t, p.step, st.pre.last[i], st.pre.prev[i]):
        return p.eta
    return 0.0


@njit(cache=True, inline="always")
def _discrete_post_spike(j, t, st, p):
    st.post.prev[j] = st.post.last[j]
    st.post.last[j] = t


@dataclass(frozen=True)
class DiscreteSTDP(Rule, OnPre, OnPost):
    """SORN's one-step STDP (see module doc).

    Args:
        eta: weight change per causal (or anti-causal) pair (weight units).
        step: the model's time step (ms).
    """

    eta: float = 1e-3
    step: float = 1.0

    constraints = {"eta": dict(ge=0), "step": dict(gt=0, unit="ms")}
    pre_state = (State("last", -1e18, "ms"), State("prev", -1e18, "ms"))
    post_state = (State("last", -1e18, "ms"), State("prev", -1e18, "ms"))
    on_pre, pre_spike = _discrete_on_pre, _discrete_pre_spike
    on_post, post_spike = _discrete_on_post, _discrete_post_spike
