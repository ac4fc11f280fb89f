"""Voltage-based STDP (Clopath, Buesing, Vasilaki & Gerstner 2010).

The weight of a synapse from presynaptic neuron i onto postsynaptic neuron j
follows the postsynaptic membrane potential u (mV) through two low-pass
traces of it, u- (tau_minus) and u+ (tau_plus), both read ``trace_delay`` ms
late, and a slow average u-bar-bar, all kept once per neuron by the
postsynaptic model (:class:`~neuroplastic.model.clopath.AdExClopath`)::

    depression, at each presynaptic spike of i:
        dw = -A_LTD * H(u_bar_bar_j) * [u-_j - theta_minus]+
    potentiation, continuously:
        dw/dt = A_LTP * x_i(t) * [u_j - theta_plus]+ * [u+_j - theta_minus]+
    presynaptic trace: tau_x dx_i/dt = -x_i,  x_i <- x_i + 1/tau_x at each spike of i

x has units 1/ms, so that dw over a potentiation episode is dimensionless per
mV^2 of A_LTP (NEST's ``clopath_synapse``: x_bar grows by 1/tau_x). [.]+ is
max(., 0). The homeostatic factor H of the depression amplitude:

* ``homeostasis="off"`` (default; NEST's ``A_LTD_const = True``): H = 1;
* ``"nest"`` (NEST's ``A_LTD_const = False``): H = u_bar_bar^2 / u_ref_squared,
  with u_bar_bar the absolute potential (mV), as NEST computes it;
* ``"depolarization"`` (the paper's A_LTD(u_bar_bar) = A_LTD u_bar_bar^2 /
  u_ref^2 with u_bar_bar the mean depolarization): H = (u_bar_bar -
  u_rest)^2 / u_ref_squared. The authors' receptive-field code averages the
  squared depolarization instead; the two differ by the variance of u-.

Integration. Depression is event-driven (``on_pre``), with u- of the end of
the step in which the presynaptic spike occurs. Potentiation is not
event-driven: the rule is :class:`Continuous`. Its drive ``post_drive`` is
g_j = A_LTP [u_j - theta_plus]+ [u+_j - theta_minus]+ dt at the end of every
step (rectangle rule on the step grid, as NEST's history entries); it is zero
unless the neuron is above theta_plus (-45.3 mV: during the upswing of a spike
and its clamp), so the engine walks a neuron's incoming synapses only in the
few steps around each of its spikes and adds g_j * x_i(t) to each (x read
exactly, decayed from its last spike). Cost per step: one test per
postsynaptic neuron.

Parameters: a_ltd (1/mV), a_ltp (1/mV^2), theta_minus, theta_plus, u_rest
(mV), tau_x (ms), u_ref_squared (mV^2), homeostasis. Defaults: NEST's
``clopath_synapse`` and ``aeif_psc_delta_clopath`` (the authors' visual-cortex
values). Hard bounds are the projection's ``w_min``/``w_max``.

References: Clopath C, Buesing L, Vasilaki E, Gerstner W (2010) Nat Neurosci
13:344. Clopath C, Gerstner W (2010) Front Synaptic Neurosci 2:25. NEST
``clopath_synapse`` documentation; ModelDB 144566 (the authors' code).
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from . import traces
from .rule import Continuous, OnPre, Rule, State

HOMEOSTASIS = ("off", "nest", "depolarization")


@njit(cache=True, inline="always")
def _ltd_factor(j, st, p):
    """H(u_bar_bar_j) of the module doc."""
    if p.homeostasis < 0.5:
        return 1.0
    ubb = st.dst.u_bar_bar[j]
    if p.homeostasis < 1.5:
        return ubb * ubb / p.u_ref_squared
    d = ubb - p.u_rest
    return d * d / p.u_ref_squared


@njit(cache=True, inline="always")
def _on_pre(s, i, j, t, w, st, p):
    drive = st.dst.u_minus_delayed[j] - p.theta_minus
    if drive <= 0.0:
        return 0.0
    return -p.a_ltd * _ltd_factor(j, st, p) * drive


@njit(cache=True, inline="always")
def _pre_spike(i, t, st, p):
    st.pre.x[i] = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_x) + 1.0 / p.tau_x
    st.pre.t_last[i] = t


@njit(cache=True, inline="always")
def _post_drive(j, t, dt, st, p):
    above = st.dst.v[j] - p.theta_plus
    if above <= 0.0:
        return 0.0
    low = st.dst.u_plus_delayed[j] - p.theta_minus
    if low <= 0.0:
        return 0.0
    return p.a_ltp * above * low * dt


@njit(cache=True, inline="always")
def _on_drive(s, i, j, t, w, g, st, p):
    return g * traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_x)


@dataclass(frozen=True)
class ClopathSTDP(Rule, OnPre, Continuous):
    """Voltage-based STDP with an optional homeostatic depression amplitude (module doc).

    The postsynaptic population must keep the traces (``AdExClopath``); the
    model's validation names ``post_reads`` otherwise.
    """

    a_ltd: float = 14e-5
    a_ltp: float = 8e-5
    theta_minus: float = -70.6
    theta_plus: float = -45.3
    tau_x: float = 15.0
    u_ref_squared: float = 60.0
    homeostasis: str = "off"
    u_rest: float = -70.6

    constraints = {
        "a_ltd": dict(ge=0, unit="1/mV"), "a_ltp": dict(ge=0, unit="1/mV**2"),
        "theta_minus": dict(unit="mV"), "theta_plus": dict(unit="mV"),
        "tau_x": dict(gt=0, unit="ms", time_constant=True), "u_ref_squared": dict(gt=0, unit="mV**2"),
        "homeostasis": HOMEOSTASIS, "u_rest": dict(unit="mV"),
    }
    pre_state = (State("x", 0.0, "1/ms"), State("t_last", 0.0, "ms"))
    post_reads = ("v", "u_minus_delayed", "u_plus_delayed", "u_bar_bar")
    on_pre, pre_spike, post_drive, on_drive = _on_pre, _pre_spike, _post_drive, _on_drive

    def ltd_amplitude(self, u_bar_bar: float) -> float:
        """A_LTD * H(u_bar_bar) (1/mV) for a value of the slow average (mV)."""
        if self.homeostasis == "off":
            return self.a_ltd
        ref = u_bar_bar if self.homeostasis == "nest" else u_bar_bar - self.u_rest
        return self.a_ltd * ref * ref / self.u_ref_squared

