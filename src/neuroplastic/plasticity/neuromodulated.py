"""Three-factor plasticity: STDP writes an eligibility trace, a modulator turns it into weight.

**RewardModulatedSTDP** (Izhikevich 2007; Fremaux & Gerstner 2016). Each
synapse keeps an eligibility trace e (weight units) that pair-based STDP
increments and that decays with ``tau_e``; the weight follows the product of
the trace and the modulator level M (e.g. dopamine), minus a reference level
(a baseline, or the running mean reward for a reward-prediction error)::

    tau_e de/dt = -e
    e <- e + a_plus  x_pre(t)     at each post spike   (x_pre: trace, tau_plus)
    e <- e - a_minus y_post(t)    at each pre spike    (y_post: trace, tau_minus)
    dw/dt = eta (M(t) - reference) e(t)

The weight equation is integrated every ``period`` ms as
dw = eta (M - reference) e P (forward Euler in the modulator; e is read exactly
at the update time), which is Izhikevich's scheme (P = 10 ms, eta = 0.1 / ms
makes dw = M e per update). When M = reference no weight changes at all, and
with M constant the rule is STDP scaled by eta (M - reference) and smoothed by
tau_e. Parameters: a_plus, a_minus (weight units per pairing); tau_plus,
tau_minus, tau_e, period (ms); eta (1/ms per unit modulator); reference
(modulator units); modulator (the name of the modulator read).

References: Izhikevich EM (2007) Cereb Cortex 17:2443. Fremaux N, Gerstner W
(2016) Front Neural Circuits 9:85. Florian RV (2007) Neural Comput 19:1468.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from numba import njit

from . import traces
from .rule import OnPost, OnPre, Periodic, Rule, State


@njit(cache=True, inline="always")
def _eligibility_now(st, s, t, tau_e):
    return st.syn.e[s] * math.exp(-(t - st.syn.t_e[s]) / tau_e)


@njit(cache=True, inline="always")
def _rstdp_on_pre(s, i, j, t, w, st, p):
    y = traces.read(st.post.y[j], st.post.t_last[j], t, p.tau_minus)
    st.syn.e[s] = _eligibility_now(st, s, t, p.tau_e) - p.a_minus * y
    st.syn.t_e[s] = t
    return 0.0


@njit(cache=True, inline="always")
def _rstdp_on_post(s, i, j, t, w, st, p):
    x = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus)
    st.syn.e[s] = _eligibility_now(st, s, t, p.tau_e) + p.a_plus * x
    st.syn.t_e[s] = t
    return 0.0




@njit(cache=True, inline="always")
def _rstdp_every(t, w, conn, st, p):
    m = st.mod.modulator[0] - p.reference
    if m == 0.0:
        return
    k = p.eta * m * p.period
    for s in range(w.shape[0]):
        if conn.alive[s] and st.syn.e[s] != 0.0:
            w[s] += k * _eligibility_now(st, s, t, p.tau_e)


@dataclass(frozen=True)
class RewardModulatedSTDP(Rule, OnPre, OnPost, Periodic):
    """Three-factor STDP: eligibility trace x modulator (see module doc).

    Args:
        a_plus, a_minus: eligibility increments per pairing (weight units).
        tau_plus, tau_minus: STDP trace time constants (ms).
        tau_e: eligibility time constant (ms); Izhikevich 2007: 1000 ms.
        eta: learning rate (1/ms per unit modulator).
        reference: subtracted from the modulator level (baseline / expected reward).
        period: weight-update interval (ms).
        modulator: name of the model's modulator to read (default ``"dopamine"``).
    """

    a_plus: float = 1.0
    a_minus: float = 1.5
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    tau_e: float = 1000.0
    eta: float = 0.1
    reference: float = 0.0
    period: float = 10.0
    modulator: str = "dopamine"

    constraints = {"a_plus": dict(ge=0), "a_minus": dict(ge=0), "tau_plus": dict(gt=0, unit="ms", time_constant=True),
                   "tau_minus": dict(gt=0, unit="ms", time_constant=True), "tau_e": dict(gt=0, unit="ms", time_constant=True),
                   "eta": dict(ge=0, unit="1/ms"), "reference": dict(), "period": dict(gt=0, unit="ms")}
    synapse_state = (State("e", 0.0, "weight"), State("t_e", 0.0, "ms"))
    pre_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    post_state = (State("y", 0.0, "1"), State("t_last", 0.0, "ms"))
    modulated_by = ("modulator",)
    on_pre, pre_spike = _rstdp_on_pre, traces.pre_trace_spike
    on_post, post_spike = _rstdp_on_post, traces.post_trace_spike
    every = _rstdp_every
