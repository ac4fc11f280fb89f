"""Pair-based spike-timing-dependent plasticity.

For a pre spike at t_pre and a post spike at t_post, dt = t_post - t_pre:

    dw = +a_plus  * f_+(w) * exp(-dt / tau_plus)     if dt >= 0   (potentiation)
    dw = -a_minus * f_-(w) * exp( dt / tau_minus)    if dt < 0    (depression)

with f_+ = f_- = 1 (``weight_dependence="additive"``, Song et al. 2000) or
f_+ = (w_max - w), f_- = w (``"multiplicative"``, van Rossum et al. 2000;
Rubin et al. 2001). Implemented with a presynaptic trace (tau_plus) and a
postsynaptic trace (tau_minus): with ``pairing="all-to-all"`` every pair
contributes (traces add 1 per spike); with ``"nearest"`` each spike pairs only
with the most recent spike of the other side (traces are reset to 1; symmetric
nearest-neighbour, Morrison et al. 2008).

Parameters: a_plus, a_minus (weight units, >= 0); tau_plus, tau_minus (ms);
w_max (weight units, used by the multiplicative form). Hard bounds are the
projection's ``w_min``/``w_max``.

References: Bi GQ, Poo MM (1998) J Neurosci 18:10464. Song S, Miller KD,
Abbott LF (2000) Nat Neurosci 3:919. van Rossum MCW, Bi GQ, Turrigiano GG (2000)
J Neurosci 20:8812. Morrison A, Diesmann M, Gerstner W (2008) Biol Cybern 98:459.
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from . import traces
from .rule import OnPost, OnPre, Rule, State


@njit(cache=True, inline="always")
def _on_pre(s, i, j, t, w, st, p):
    post = traces.read(st.post.x[j], st.post.t_last[j], t, p.tau_minus)
    scale = w if p.weight_dependence > 0.5 else 1.0
    return -p.a_minus * scale * post


@njit(cache=True, inline="always")
def _pre_spike(i, t, st, p):
    st.pre.x[i] = traces.bump(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus, p.pairing)
    st.pre.t_last[i] = t


@njit(cache=True, inline="always")
def _on_post(s, i, j, t, w, st, p):
    pre = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus)
    scale = (p.w_max - w) if p.weight_dependence > 0.5 else 1.0
    return p.a_plus * scale * pre


@njit(cache=True, inline="always")
def _post_spike(j, t, st, p):
    st.post.x[j] = traces.bump(st.post.x[j], st.post.t_last[j], t, p.tau_minus, p.pairing)
    st.post.t_last[j] = t


@dataclass(frozen=True)
class PairSTDP(Rule, OnPre, OnPost):
    """Pair STDP, additive or multiplicative, all-to-all or nearest-spike (see module doc)."""

    a_plus: float = 0.01
    a_minus: float = 0.0105
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    w_max: float = 1.0
    weight_dependence: str = "additive"
    pairing: str = "all-to-all"

    constraints = {
        "a_plus": dict(ge=0), "a_minus": dict(ge=0),
        "tau_plus": dict(gt=0, unit="ms", time_constant=True), "tau_minus": dict(gt=0, unit="ms", time_constant=True),
        "w_max": dict(gt=0),
        "weight_dependence": ("additive", "multiplicative"),
        "pairing": ("all-to-all", "nearest"),
    }
    pre_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    post_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    on_pre, pre_spike, on_post, post_spike = _on_pre, _pre_spike, _on_post, _post_spike
    local_writes = True   # hooks write their own synapse's / spiking neuron's state (engine/threads.py)

    def weight_ceiling(self):
        """``w_max`` for the multiplicative form (its soft bound); None for the additive one."""
        return self.w_max if self.weight_dependence == "multiplicative" else None

    def window(self, dt):
        """Closed-form weight change of one isolated pair at dt = t_post - t_pre (ms),
        for the additive form (or per unit of f(w) for the multiplicative one)."""
        import numpy as np

        dt = np.asarray(dt, dtype=float)
        return np.where(dt >= 0, self.a_plus * np.exp(-dt / self.tau_plus),
                        -self.a_minus * np.exp(dt / self.tau_minus))
