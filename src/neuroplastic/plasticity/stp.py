"""Short-term plasticity: the Tsodyks-Markram model of depression and facilitation.

Per synapse, resources x (available fraction) and utilisation u. Between spikes
(exact, event-driven)::

    dx/dt = (1 - x) / tau_rec        du/dt = -u / tau_f

At a presynaptic spike, u jumps first, then the released fraction u*x scales the
delivered weight, then x loses it::

    u <- u + U (1 - u);   release = u * x;   x <- x - u * x

Without facilitation (``tau_f = 0``) u stays equal to U. The first spike releases
U * w. Steady state for a regular train of interval D (depression only):
x_ss = (1 - e^{-D/tau_rec}) / (1 - (1 - U) e^{-D/tau_rec}).

Parameters: U (dimensionless, (0, 1]); tau_rec, tau_f (ms; tau_f = 0 disables
facilitation). Presets: ``depressing`` (U 0.5, tau_rec 800 ms) and
``facilitating`` (U 0.03, tau_rec 130 ms, tau_f 530 ms), Tsodyks, Pawelzik &
Markram 1998 as in Brian2's example of that paper.

References: Tsodyks MV, Markram H (1997) PNAS 94:719. Tsodyks M, Pawelzik K,
Markram H (1998) Neural Comput 10:821. Markram H, Wang Y, Tsodyks M (1998) PNAS
95:5323.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from numba import njit

from .rule import Rule, State, Transmission


@njit(cache=True, inline="always")
def _spike(x, u, t_last, t, p):
    """(x, u, release) after a presynaptic spike at t, from (x, u) as left by the spike
    at ``t_last`` (negative: none yet): recovery over the gap, then the jump of u, the
    release u x and its loss from x (module doc)."""
    if t_last >= 0.0:
        gap = t - t_last
        x = 1.0 - (1.0 - x) * math.exp(-gap / p.tau_rec)
        u = u * math.exp(-gap / p.tau_f) if p.tau_f > 0.0 else 0.0
    u = u + p.U * (1.0 - u) if p.tau_f > 0.0 else p.U
    release = u * x
    return x - release, u, release


@njit(cache=True, inline="always")
def _efficacy(s, i, j, t, st, p):
    syn = st.syn
    syn.x[s], syn.u[s], syn.release[s] = _spike(syn.x[s], syn.u[s], syn.t_last[s], t, p)
    syn.t_last[s] = t
    return syn.release[s]


@dataclass(frozen=True)
class TsodyksMarkram(Rule, Transmission):
    """Tsodyks-Markram short-term depression/facilitation (see module doc)."""

    U: float = 0.5
    tau_rec: float = 800.0
    tau_f: float = 0.0

    constraints = {"U": dict(gt=0, le=1), "tau_rec": dict(gt=0, unit="ms", time_constant=True), "tau_f": dict(ge=0, unit="ms", time_constant=True)}
    synapse_state = (State("x", 1.0), State("u", 0.0), State("t_last", -1.0, "ms"), State("release", 0.0))
    local_writes = True   # hooks write their own synapse's / spiking neuron's state (engine/threads.py)
    efficacy = _efficacy

    @classmethod
    def depressing(cls) -> "TsodyksMarkram":
        return cls(U=0.5, tau_rec=800.0, tau_f=0.0)

    @classmethod
    def facilitating(cls) -> "TsodyksMarkram":
        return cls(U=0.03, tau_rec=130.0, tau_f=530.0)


@njit(cache=True, inline="always")
def _presynaptic_efficacy(s, i, j, t, st, p):
    pre = st.pre
    if pre.t_last[i] != t:   # the first synapse of this spike: advance the neuron's state once
        pre.x[i], pre.u[i], pre.release[i] = _spike(pre.x[i], pre.u[i], pre.t_last[i], t, p)
        pre.t_last[i] = t
    return pre.release[i]


@dataclass(frozen=True)
class PresynapticTsodyksMarkram(TsodyksMarkram):
    """:class:`TsodyksMarkram` with one state (x, u) per presynaptic neuron instead of
    per synapse: the equations of the module doc, advanced once per spike by the
    neuron's first synapse and shared by all its synapses of the projection.

    Every synapse of a neuron sees the same spike train, so per-synapse states that
    start equal stay equal: the same arithmetic gives the same release bit for bit
    (tests/test_exp_triplet_stp.py), at one exp per spike instead of one per synapse
    and 32 bytes per neuron instead of per synapse. This is how Zenke et al. 2015's
    simulator keeps short-term plasticity (Auryn's ``STPConnection``: x and u per
    presynaptic neuron). Where synapses are born during a run (structural rules) a
    new synapse shares its neuron's state, where :class:`TsodyksMarkram` would start
    it rested (x = 1): use that one there.
    """

    synapse_state = ()
    pre_state = (State("x", 1.0), State("u", 0.0), State("t_last", -1.0, "ms"), State("release", 0.0))
    local_writes = True   # efficacy writes only its spiking neuron's state (rows of different neurons are disjoint)
    efficacy = _presynaptic_efficacy


def steady_state_depression(U: float, tau_rec: float, interval: float) -> float:
    """Closed-form steady-state resources x_ss for a regular train (no facilitation)."""
    e = math.exp(-interval / tau_rec)
    return (1.0 - e) / (1.0 - (1.0 - U) * e)
