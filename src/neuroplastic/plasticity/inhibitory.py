"""Inhibitory spike-timing-dependent plasticity (symmetric iSTDP).

The rule of Vogels, Sprekeler, Zenke, Clopath & Gerstner (2011) for
inhibitory-to-excitatory synapses. Each side keeps a trace that jumps by 1 per
spike and decays with ``tau``; with x_pre, x_post read just before the
current spike's increment::

    presynaptic spike:   dw = eta * (x_post - alpha)
    postsynaptic spike:  dw = eta * x_pre

    alpha = 2 * rho0 * tau            (rho0 in Hz, tau in s: dimensionless)

A single pair at distance dt therefore gives eta * exp(-|dt| / tau) whatever
the order (a symmetric window), plus the constant depression -eta * alpha that
every presynaptic spike carries.

Fixed point. For independent pre (rate rho_pre) and post (rate rho_post)
spike trains the traces average rho * tau, so the mean drift of a weight is::

    <dw/dt> = eta * rho_pre * (2 * rho_post * tau - alpha)
            = 2 * eta * rho_pre * tau * (rho_post - rho0)

which vanishes exactly at rho_post = rho0. Above rho0 inhibition grows, below
it shrinks: the postsynaptic rate is driven to rho0 (and, with correlated
inputs, excitation and inhibition become balanced input by input).

Parameters: eta (weight units per pairing, >= 0), rho0 (target postsynaptic
rate, Hz, >= 0), tau (trace time constant, ms, > 0). ``alpha`` is derived
(property). Weights are the magnitudes of inhibitory conductances/currents
(the projection uses ``receptor="inh"``); bound them with ``w_min=0``.

References: Vogels TP, Sprekeler H, Zenke F, Clopath C, Gerstner W (2011)
Science 334:1569.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from . import traces
from .rule import OnPost, OnPre, Rule, State


@njit(cache=True, inline="always")
def _on_pre(s, i, j, t, w, st, p):
    post = traces.read(st.post.x[j], st.post.t_last[j], t, p.tau)
    alpha = 2.0 * p.rho0 * p.tau * 1e-3
    return p.eta * (post - alpha)


@njit(cache=True, inline="always")
def _pre_spike(i, t, st, p):
    st.pre.x[i] = traces.bump(st.pre.x[i], st.pre.t_last[i], t, p.tau, 0.0)
    st.pre.t_last[i] = t


@njit(cache=True, inline="always")
def _on_post(s, i, j, t, w, st, p):
    return p.eta * traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau)


@njit(cache=True, inline="always")
def _post_spike(j, t, st, p):
    st.post.x[j] = traces.bump(st.post.x[j], st.post.t_last[j], t, p.tau, 0.0)
    st.post.t_last[j] = t


@dataclass(frozen=True)
class InhibitorySTDP(Rule, OnPre, OnPost):
    """Symmetric inhibitory STDP with target rate ``rho0`` (see module doc).

    Args:
        eta: learning rate (weight units per pairing).
        rho0: target postsynaptic rate (Hz); alpha = 2 * rho0 * tau.
        tau: trace time constant (ms).
    """

    eta: float = 1e-2
    rho0: float = 3.0
    tau: float = 20.0

    constraints = {"eta": dict(ge=0), "rho0": dict(ge=0, unit="Hz"), "tau": dict(gt=0, unit="ms", time_constant=True)}
    pre_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    post_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    local_writes = True   # hooks write their own synapse's / spiking neuron's state (engine/threads.py)
    on_pre, pre_spike, on_post, post_spike = _on_pre, _pre_spike, _on_post, _post_spike

    @property
    def alpha(self) -> float:
        """The depression offset alpha = 2 * rho0 * tau (dimensionless)."""
        return 2.0 * self.rho0 * self.tau * 1e-3

    def window(self, dt):
        """Closed-form weight change of one isolated pre/post pair at
        dt = t_post - t_pre (ms), including the pre spike's -eta * alpha."""
        import numpy as np

        return self.eta * (np.exp(-np.abs(np.asarray(dt, dtype=float)) / self.tau) - self.alpha)

    def drift(self, rho_pre, rho_post):
        """Mean weight drift (weight units per s) for independent Poisson pre/post
        trains at rates rho_pre, rho_post (Hz): eta rho_pre (2 rho_post tau - alpha)."""
        return self.eta * rho_pre * (2.0 * rho_post * self.tau * 1e-3 - self.alpha)


# ---------------------------------------------------------------------------
# Inhibitory STDP gated by the population rate (Zenke, Agnes & Gerstner 2015)
# ---------------------------------------------------------------------------

@njit(cache=True, inline="always")
def _global_gate(t, st, p):
    """g = eta (r - kappa) / kappa, computed at the first read of a time step (so
    from the spikes of earlier steps, as in the authors' code): r is the
    postsynaptic population's mean rate (Hz), stored as r - kappa."""
    g = st.glob
    if g.t_read[0] != t:
        r = (g.excess[0] + p.kappa) * math.exp(-(t - g.t_last[0]) / p.tau_hom)
        g.gate[0] = p.eta * r / p.kappa - p.eta
        g.t_read[0] = t
    return g.gate[0]


@njit(cache=True, inline="always")
def _global_on_pre(s, i, j, t, w, st, p):
    return _global_gate(t, st, p) * (traces.read(st.post.x[j], st.post.t_last[j], t, p.tau) + p.xi)


@njit(cache=True, inline="always")
def _global_on_post(s, i, j, t, w, st, p):
    return _global_gate(t, st, p) * traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau)


@njit(cache=True, inline="always")
def _global_post_spike(j, t, st, p):
    st.post.x[j] = traces.bump(st.post.x[j], st.post.t_last[j], t, p.tau, 0.0)
    st.post.t_last[j] = t
    g = st.glob
    r = (g.excess[0] + p.kappa) * math.exp(-(t - g.t_last[0]) / p.tau_hom)
    g.excess[0] = r + st.post.counted[j] * 1000.0 / (p.tau_hom * st.post.x.shape[0]) - p.kappa
    g.t_last[0] = t


@dataclass(frozen=True)
class GlobalInhibitorySTDP(Rule, OnPre, OnPost):
    """Symmetric inhibitory STDP whose sign and size follow the postsynaptic
    population's rate (Zenke, Agnes & Gerstner 2015, Methods; the authors'
    ``GlobalPFConnection``)::

        presynaptic spike:   dw = G(t) (x_post + xi)
        postsynaptic spike:  dw = G(t) x_pre
        G(t) = eta (r(t) - kappa) / kappa

    x_pre, x_post: traces (tau, +1 per spike) read before the spike's own
    increment; r: the mean rate of the postsynaptic population (Hz), an
    exponential moving average over tau_hom of all its spikes (r starts at
    kappa, so G starts at 0). Inhibition onto every excitatory cell grows
    while the population fires above kappa and shrinks below it, most where
    inhibitory and excitatory spikes coincide: the population rate, not each
    cell's, is held at kappa, which leaves room for assemblies that fire
    above the mean. (Vogels et al.'s :class:`InhibitorySTDP` holds each cell at
    rho0.)

    Which spikes enter r: each postsynaptic neuron's ``counted`` state (1 by
    default: all of them) weights its spikes in the estimate, so a protocol can
    leave out the neurons a stimulus drives while it drives them
    (``net.rule_state(projection, k).post.counted[idx] = 0``; r stays the
    population mean, i.e. the counted spikes divided by all neurons and time).

    Args:
        eta: learning rate (weight units per pairing; the authors' eta / 50 = 2e-5).
        kappa: target population rate (Hz; 4 Hz, ``--alpha 4``).
        tau_hom: time constant of the rate estimate (ms; 10 s).
        tau: trace time constant (ms; 20 ms).
        xi: the constant added to x_post at presynaptic spikes (dimensionless; 1).

    References: Zenke F, Agnes EJ, Gerstner W (2015) Nat Commun 6:6922; code
    github.com/fzenke/pub2015orchestrated (``GlobalPFConnection``,
    ``sim_rc_p10c``).
    """

    eta: float = 2e-5
    kappa: float = 4.0
    tau_hom: float = 10_000.0
    tau: float = 20.0
    xi: float = 1.0

    constraints = {"eta": dict(ge=0), "kappa": dict(gt=0, unit="Hz"),
                   "tau_hom": dict(gt=0, unit="ms", time_constant=True),
                   "tau": dict(gt=0, unit="ms", time_constant=True), "xi": dict(ge=0)}
    pre_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"))
    post_state = (State("x", 0.0, "1"), State("t_last", 0.0, "ms"), State("counted", 1.0, "1"))
    global_state = (State("excess", 0.0, "Hz"), State("t_last", 0.0, "ms"), State("gate", 0.0, "1"),
                    State("t_read", -1.0, "ms"))
    on_pre, pre_spike, on_post, post_spike = _global_on_pre, _pre_spike, _global_on_post, _global_post_spike

    def gate(self, rate):
        """G at a population rate (Hz): eta (rate - kappa) / kappa."""
        return self.eta * (np.asarray(rate, dtype=float) - self.kappa) / self.kappa
