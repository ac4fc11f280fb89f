"""Triplet STDP (Pfister & Gerstner 2006).

Presynaptic traces r1 (tau_plus) and r2 (tau_x); postsynaptic traces o1
(tau_minus) and o2 (tau_y). At a post spike::

    dw = r1 * (a2_plus + a3_plus * o2(t - eps))

and at a pre spike::

    dw = -o1 * (a2_minus + a3_minus * r2(t - eps))

where ``(t - eps)`` means the trace value just before its own increment. Traces
add 1 per spike (``pairing="all-to-all"``) or are reset to 1 (``"nearest"``).
Weight changes are additive (in the units of the weight, dimensionless in the
published fits where w is the relative EPSP change).

Presets (:data:`PRESETS`; Pfister & Gerstner 2006, Table 4, as listed in the NESTML
triplet tutorial): visual cortex (Sjostrom et al. 2001 data) and hippocampal
(Wang et al. 2005 data), each for all-to-all and nearest-spike interactions.

References: Pfister JP, Gerstner W (2006) J Neurosci 26:9673-9682.
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from . import traces
from .rule import OnPost, OnPre, Rule, State


@njit(cache=True, inline="always")
def _on_pre(s, i, j, t, w, st, p):
    o1 = traces.read(st.post.o1[j], st.post.t_last[j], t, p.tau_minus)
    r2 = traces.read(st.pre.r2[i], st.pre.t_last[i], t, p.tau_x)
    return -o1 * (p.a2_minus + p.a3_minus * r2)


@njit(cache=True, inline="always")
def _pre_spike(i, t, st, p):
    st.pre.r1[i] = traces.bump(st.pre.r1[i], st.pre.t_last[i], t, p.tau_plus, p.pairing)
    st.pre.r2[i] = traces.bump(st.pre.r2[i], st.pre.t_last[i], t, p.tau_x, p.pairing)
    st.pre.t_last[i] = t


@njit(cache=True, inline="always")
def _on_post(s, i, j, t, w, st, p):
    r1 = traces.read(st.pre.r1[i], st.pre.t_last[i], t, p.tau_plus)
    o2 = traces.read(st.post.o2[j], st.post.t_last[j], t, p.tau_y)
    return r1 * (p.a2_plus + p.a3_plus * o2)


@njit(cache=True, inline="always")
def _post_spike(j, t, st, p):
    st.post.o1[j] = traces.bump(st.post.o1[j], st.post.t_last[j], t, p.tau_minus, p.pairing)
    st.post.o2[j] = traces.bump(st.post.o2[j], st.post.t_last[j], t, p.tau_y, p.pairing)
    st.post.t_last[j] = t


@dataclass(frozen=True)
class TripletSTDP(Rule, OnPre, OnPost):
    """Triplet STDP; use :meth:`preset` for the published parameter sets.

    Parameters: tau_plus, tau_minus, tau_x, tau_y (ms); a2_plus, a3_plus,
    a2_minus, a3_minus (weight units, >= 0); pairing ("all-to-all"/"nearest").
    """

    tau_plus: float = 16.8
    tau_minus: float = 33.7
    tau_x: float = 101.0
    tau_y: float = 125.0
    a2_plus: float = 5e-10
    a3_plus: float = 6.2e-3
    a2_minus: float = 7e-3
    a3_minus: float = 2.3e-4
    pairing: str = "all-to-all"

    constraints = {
        **{k: dict(gt=0, unit="ms", time_constant=True) for k in ("tau_plus", "tau_minus", "tau_x", "tau_y")},
        **{k: dict(ge=0) for k in ("a2_plus", "a3_plus", "a2_minus", "a3_minus")},
        "pairing": ("all-to-all", "nearest"),
    }
    pre_state = (State("r1"), State("r2"), State("t_last", 0.0, "ms"))
    post_state = (State("o1"), State("o2"), State("t_last", 0.0, "ms"))
    local_writes = True   # hooks write their own synapse's / spiking neuron's state (engine/threads.py)
    on_pre, pre_spike, on_post, post_spike = _on_pre, _pre_spike, _on_post, _post_spike

    @classmethod
    def preset(cls, name: str) -> "TripletSTDP":
        """A published parameter set by name (see :data:`PRESETS`)."""
        if name not in PRESETS:
            from ..errors import ValidationError

            raise ValidationError("TripletSTDP.preset", "name", name, f"must be one of {sorted(PRESETS)}")
        return cls(**PRESETS[name])


#: Pfister & Gerstner 2006, Table 4 (minimal models are not included here).
PRESETS = {
    "visual-all-to-all": dict(tau_x=101.0, tau_y=125.0, a2_plus=5e-10, a3_plus=6.2e-3,
                              a2_minus=7e-3, a3_minus=2.3e-4, pairing="all-to-all"),
    "visual-nearest": dict(tau_x=714.0, tau_y=40.0, a2_plus=8.8e-11, a3_plus=5.3e-2,
                           a2_minus=6.6e-3, a3_minus=3.1e-3, pairing="nearest"),
    "hippocampal-all-to-all": dict(tau_x=946.0, tau_y=27.0, a2_plus=6.1e-3, a3_plus=6.7e-3,
                                   a2_minus=1.6e-3, a3_minus=1.4e-3, pairing="all-to-all"),
    "hippocampal-nearest": dict(tau_x=575.0, tau_y=47.0, a2_plus=4.6e-3, a3_plus=9.1e-3,
                                a2_minus=3.0e-3, a3_minus=7.5e-9, pairing="nearest"),
}
