"""Modulator gating: a modulator level scales plasticity or excitability.

Each rule here reads one modulator (its field ``modulator`` names it) and
applies a gate factor::

    g(M) = max(0, 1 + gain * (M - reference))

so ``g = 1`` at the reference level; with ``reference = M_high`` and
``gain = 1 / M_high`` the gate is M / M_high (0 without the modulator).

**GatedSTDP** — pair STDP (additive, all-to-all traces, as ``PairSTDP``) whose
LTP, LTD or both are multiplied by g(M) at the moment of the change::

    post spike: dw = a_plus  * x_pre(t)  * (g(M) if target in {both, ltp} else 1)
    pre  spike: dw = -a_minus * y_post(t) * (g(M) if target in {both, ltd} else 1)

Biology: acetylcholine released with attention enables and amplifies cortical
STDP (target "both": attended inputs learn, unattended ones do not; Hasselmo
2006; Gu & Yakel 2011); serotonin shifts the balance toward depression in
some circuits (target "ltd" with gain > 0; He et al. 2015 report 5-HT and
norepinephrine receptor-specific control of the LTP/LTD sides).

**ModulatedGain** — for rate units: every ``period`` ms the gain becomes
``base_gain * g(M)``. Biology: noradrenaline from the locus coeruleus raises
neuronal gain (responsiveness) without changing the input (Aston-Jones & Cohen
2005, adaptive gain theory).

**ModulatedThreshold** — for LIF or binary units: every ``period`` ms the
threshold offset becomes ``theta = -shift * (M - reference)`` (mV for LIF),
so more modulator lowers the threshold (raised excitability).

Units: a_plus, a_minus in weight units; tau_plus, tau_minus, period in ms;
gain per modulator unit; reference in modulator units; shift in threshold
units per modulator unit.

References: Hasselmo ME (2006) Curr Opin Neurobiol 16:710. Gu Z, Yakel JL
(2011) Neuron 71:155. He K et al. (2015) Neuron 88:528. Aston-Jones G, Cohen JD
(2005) Annu Rev Neurosci 28:403.
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from . import traces
from .rule import NeuronRule, OnPost, OnPre, Periodic, Rule, State

TARGETS = ("both", "ltp", "ltd")


@njit(cache=True, inline="always")
def _gate(m, p):
    g = 1.0 + p.gain * (m - p.reference)
    return g if g > 0.0 else 0.0


@njit(cache=True, inline="always")
def _gated_on_pre(s, i, j, t, w, st, p):
    y = traces.read(st.post.y[j], st.post.t_last[j], t, p.tau_minus)
    g = _gate(st.mod.modulator[0], p) if p.target != 1.0 else 1.0   # 1 = "ltp": LTD ungated
    return -p.a_minus * y * g


@njit(cache=True, inline="always")
def _gated_on_post(s, i, j, t, w, st, p):
    x = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus)
    g = _gate(st.mod.modulator[0], p) if p.target != 2.0 else 1.0   # 2 = "ltd": LTP ungated
    return p.a_plus * x * g




@dataclass(frozen=True)
class GatedSTDP(Rule, OnPre, OnPost):
    """Pair STDP whose LTP and/or LTD are scaled by a modulator gate (see module doc).

    Args:
        a_plus, a_minus: STDP amplitudes at g = 1 (weight units).
        tau_plus, tau_minus: trace time constants (ms).
        target: ``"both"``, ``"ltp"`` or ``"ltd"``: which side the gate scales.
        gain: slope of the gate per modulator unit.
        reference: modulator level at which the gate is 1.
        modulator: name of the model's modulator (e.g. ``"acetylcholine"``).
    """

    a_plus: float = 0.01
    a_minus: float = 0.0105
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    target: str = "both"
    gain: float = 1.0
    reference: float = 1.0
    modulator: str = "acetylcholine"

    constraints = {"a_plus": dict(ge=0), "a_minus": dict(ge=0), "tau_plus": dict(gt=0, unit="ms", time_constant=True),
                   "tau_minus": dict(gt=0, unit="ms", time_constant=True), "target": TARGETS, "gain": dict(), "reference": dict()}
    pre_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    post_state = (State("y", 0.0, "1"), State("t_last", 0.0, "ms"))
    modulated_by = ("modulator",)
    on_pre, pre_spike = _gated_on_pre, traces.pre_trace_spike
    on_post, post_spike = _gated_on_post, traces.post_trace_spike

    def gate(self, level: float) -> float:
        """g(M) for a modulator level (for docs and tests)."""
        return max(0.0, 1.0 + self.gain * (level - self.reference))


@njit(cache=True, inline="always")
def _gain_every(t, st, p):
    value = p.base_gain * _gate(st.mod.modulator[0], p)
    for j in range(st.var.gain.shape[0]):
        st.var.gain[j] = value


@dataclass(frozen=True)
class ModulatedGain(NeuronRule, Periodic):
    """Rate-unit gain = base_gain * g(M), every ``period`` ms (noradrenaline; see module doc)."""

    base_gain: float = 1.0
    gain: float = 1.0
    reference: float = 0.0
    period: float = 1.0
    modulator: str = "noradrenaline"

    constraints = {"base_gain": dict(), "gain": dict(), "reference": dict(), "period": dict(gt=0, unit="ms")}
    reads = ("gain",)
    modulated_by = ("modulator",)
    every = _gain_every


@njit(cache=True, inline="always")
def _threshold_every(t, st, p):
    value = -p.shift * (st.mod.modulator[0] - p.reference)
    for j in range(st.var.theta.shape[0]):
        st.var.theta[j] = value


@dataclass(frozen=True)
class ModulatedThreshold(NeuronRule, Periodic):
    """Threshold offset theta = -shift * (M - reference), every ``period`` ms (see module doc)."""

    shift: float = 1.0
    reference: float = 0.0
    period: float = 1.0
    modulator: str = "noradrenaline"

    constraints = {"shift": dict(), "reference": dict(), "period": dict(gt=0, unit="ms")}
    reads = ("theta",)
    modulated_by = ("modulator",)
    every = _threshold_every
