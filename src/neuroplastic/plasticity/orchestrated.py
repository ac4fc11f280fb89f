"""Orchestrated plasticity: the excitatory rule of Zenke, Agnes & Gerstner (2015).

Four terms act on one excitatory synapse i -> j, with traces that jump by 1 at
each spike and decay exponentially: z_i (tau_plus) of the presynaptic neuron,
z_j (tau_minus) and the slow z_j^slow (tau_slow) of the postsynaptic neuron,
all read just before the current spike's own increment::

    presynaptic spike:   dw = -eta z_j + delta                     (pair LTD, transmitter-induced)
    postsynaptic spike:  dw = eta z_i z_j^slow - beta (w - w~) z_j^3    (triplet LTP, heterosynaptic)

and a slow consolidation variable w~ per synapse, bistable at 0 and w_P,
which the heterosynaptic term pulls the weight towards::

    tau_cons dw~/dt = (w - w~) - P w~ (w_P / 2 - w~) (w_P - w~)

What each term does (docs/orchestrated.md): the triplet LTP term is Hebbian
and needs a burst (z_j^slow > 0 only after an earlier postsynaptic spike); the
pair LTD term depresses at every presynaptic spike that follows postsynaptic
activity; the heterosynaptic term, cubic in the postsynaptic trace, pulls all
inputs of a neuron that fires at high rate back to their consolidated value
w~ and so stops runaway potentiation; the transmitter-induced term delta
potentiates every active synapse a little, so that weights of silent neurons
grow back instead of decaying to zero; consolidation keeps what was learned
when w~ crosses w_P / 2.

This is the variant without a sliding threshold (the authors' class
``P10Connection`` used for the paper's Fig. 3; ``P11Connection`` multiplies the
LTD amplitude by (H / kappa)^2, H a homeostatic rate trace). The terms are one
rule rather than a composition of TripletSTDP, Consolidation and a constant
per presynaptic spike because they share the postsynaptic trace z_j and the
pull needs w~ (rules do not read each other's state): one rule keeps one copy
of each trace and reads the postsynaptic ones once per spike (``before_post``,
before the walk over the neuron's synapses, instead of a per-synapse check of a
per-spike cache). The column walk loads w~ of the neuron's synapses in its
gather pass (``prefetch_on_post``): the heterosynaptic term reads it at
scattered synapses, and those cache misses were the walk's largest cost
(benchmarks/MEASURED.md). The composition
[TripletSTDP(a2_plus=0, a3_minus=0, ...), Consolidation(...)] gives the same
weights when delta = 0 and w~ starts at w (tests/test_orchestrated.py).

Numerics. Traces are event-driven and exact up to rounding. They are epoch
traces (plasticity/traces.py): the per-synapse reads of z_i (column walk) and
z_j (row walk) multiply by one decay factor per spike (``before_pre``,
``before_post``) instead of calling exp() at every synapse, the largest cost of
the full-scale network's plasticity (benchmarks/MEASURED.md); the weights agree
with per-synapse exact reads to 1e-12 (tests/test_orchestrated.py), not bit for
bit. w~ starts at 0 (the authors'
``weight_a``, the lower stable state) and is advanced every ``period`` ms
over the elapsed time h by the exponential-Euler step of
:class:`~neuroplastic.plasticity.consolidation.Consolidation` (exact for the
linear part, fixed points kept exactly; the authors' Euler step of 1.2 s
differs by O(h / tau_cons) = 1e-3 per step), checked stable for
h (1 + P w_P^2 / 2) <= tau_cons.

Parameters (defaults: the authors' run scripts for the paper's figure,
``sim_rc_p10c`` at commit 62e38a3 of fzenke/pub2015orchestrated): eta = A =
1e-3, beta = 0.04, delta = 2e-5 (``--delta 0.02`` times eta) (weight units per
spike; the weights are dimensionless conductances in units of the leak
conductance, :class:`~neuroplastic.model.aif.AIF`); tau_plus = tau_minus =
20 ms, tau_slow = 100 ms, tau_cons = 1,200 s, w_P = 0.5, P = 0.1 /
f(w_P / 4) = 17.07 with f(x) = x (w_P/2 - x) (w_P - x) (the cubic's strength
normalised at w_P / 4, as the authors' ``pot_strength``), period = 1.2 s (the
authors' consolidation step). beta = 0 removes the heterosynaptic term, delta
= 0 the transmitter-induced term (the paper's ablations).

References: Zenke F, Agnes EJ, Gerstner W (2015) Nat Commun 6:6922; code
github.com/fzenke/pub2015orchestrated (``P10Connection``, ``sim_rc_p10c``,
``globalvars.sh``, ``1run_init.sh``); Pfister JP, Gerstner W (2006) J Neurosci
26:9673 (the minimal triplet rule).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from . import traces
from .consolidation import _bistable, check_stable_period
from .rule import OnPost, OnPre, Periodic, Rule, State


def authors_bistability(w_p: float = 0.5, strength: float = 0.1) -> float:
    """P such that P f(w_P / 4) = ``strength``, f(x) = x (w_P/2 - x) (w_P - x):
    the normalisation of the authors' code (17.07 for w_P = 0.5)."""
    x = w_p / 4.0
    return strength / (x * (w_p / 2.0 - x) * (w_p - x))


@njit(cache=True, inline="always")
def _epoch(t, p):
    """The end of the epoch of t shared by the rule's traces (plasticity/traces.py, epoch traces)."""
    return traces.epoch_end(t, traces.EPOCH_TAUS * min(p.tau_plus, p.tau_minus, p.tau_slow))


@njit(cache=True, inline="always")
def _before_pre(i, t, st, p):
    """The epoch of t and its decay factor for z_j (tau_minus), once per presynaptic
    spike: every synapse of the row reads its z_j with them."""
    ec = _epoch(t, p)
    st.pre.ec_now[i] = ec
    st.pre.f_now[i] = math.exp((ec - t) / p.tau_minus)


@njit(cache=True, inline="always")
def _on_pre(s, i, j, t, w, st, p):
    pre, post = st.pre, st.post
    return p.delta - p.eta * traces.epoch_read(post.zx[j], post.epoch[j], t, pre.ec_now[i], pre.f_now[i],
                                               p.tau_minus)


@njit(cache=True, inline="always")
def _pre_spike(i, t, st, p):
    ec = _epoch(t, p)
    st.pre.zx[i] = traces.epoch_bump(st.pre.zx[i], st.pre.epoch[i], t, ec, p.tau_plus)
    st.pre.epoch[i] = ec


@njit(cache=True, inline="always")
def _before_post(j, t, st, p):
    """z_j and z_j^slow at this postsynaptic spike, and the epoch of t with its decay
    factor for z_i (tau_plus), once per spike (the column walk's ``before_post``):
    every synapse onto j reads the same values."""
    post = st.post
    ec = _epoch(t, p)
    post.z_now[j] = post.zx[j] * traces.decay(post.epoch[j], t, p.tau_minus)
    post.slow_now[j] = post.slowx[j] * traces.decay(post.epoch[j], t, p.tau_slow)
    post.ec_now[j] = ec
    post.f_now[j] = math.exp((ec - t) / p.tau_plus)


@njit(cache=True, inline="always")
def _on_post(s, i, j, t, w, st, p):
    pre, post = st.pre, st.post
    z = post.z_now[j]
    z_i = traces.epoch_read(pre.zx[i], pre.epoch[i], t, post.ec_now[j], post.f_now[j], p.tau_plus)
    return p.eta * z_i * post.slow_now[j] - p.beta * (w - st.syn.w_tilde[s]) * z * z * z


@njit(cache=True, inline="always")
def _post_spike(j, t, st, p):
    post = st.post
    ec = _epoch(t, p)
    post.zx[j] = traces.epoch_bump(post.zx[j], post.epoch[j], t, ec, p.tau_minus)
    post.slowx[j] = traces.epoch_bump(post.slowx[j], post.epoch[j], t, ec, p.tau_slow)
    post.epoch[j] = ec


@njit(cache=True)
def _every(t, w, conn, st, p):
    span = t - st.glob.t_last[0]
    st.glob.t_last[0] = t
    a = math.exp(-span / p.tau_cons)
    wt = st.syn.w_tilde
    for s in range(w.shape[0]):
        if conn.alive[s]:
            x = wt[s]
            wt[s] = x * a + (1.0 - a) * (w[s] - p.bistability * _bistable(x, p.w_p))


@dataclass(frozen=True)
class OrchestratedPlasticity(Rule, OnPre, OnPost, Periodic):
    """The E->E rule of Zenke, Agnes & Gerstner 2015 (equations in the module doc).

    Args:
        eta: amplitude A of triplet LTP and pair LTD (weight units per spike).
        beta: strength of the heterosynaptic pull towards w~ (dimensionless; 0 removes it).
        delta: transmitter-induced change per presynaptic spike (weight units; 0 removes it).
        tau_plus, tau_minus, tau_slow: trace time constants (ms).
        tau_cons: time constant of the consolidation variable w~ (ms).
        w_p: the potentiated stable state of w~ (weight units).
        bistability: P, strength of the cubic (1 / weight units^2).
        period: how often w~ is advanced (ms).
    """

    eta: float = 1e-3
    beta: float = 0.04
    delta: float = 2e-5
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    tau_slow: float = 100.0
    tau_cons: float = 1_200_000.0
    w_p: float = 0.5
    bistability: float = authors_bistability(0.5)
    period: float = 1200.0

    constraints = {
        "eta": dict(ge=0), "beta": dict(ge=0), "delta": dict(ge=0),
        **{k: dict(gt=0, unit="ms", time_constant=True) for k in ("tau_plus", "tau_minus", "tau_slow", "tau_cons")},
        "w_p": dict(gt=0), "bistability": dict(ge=0), "period": dict(gt=0, unit="ms"),
    }
    synapse_state = (State("w_tilde", 0.0, "weight"),)
    prefetch_on_post = ("w_tilde",)   # the heterosynaptic term's w~ at scattered synapses
    local_writes = True   # hooks write their own synapse's / spiking neuron's state (engine/threads.py)
    # epoch traces (plasticity/traces.py): zx = z_i, slowx = z_j^slow carried to their ``epoch``'s end;
    # ec_now, f_now: the epoch and decay factor of the current spike (before_pre, before_post)
    pre_state = (State("zx"), State("epoch", 0.0, "ms"), State("ec_now", 0.0, "ms"), State("f_now"))
    post_state = (State("zx"), State("slowx"), State("epoch", 0.0, "ms"), State("z_now"), State("slow_now"),
                  State("ec_now", 0.0, "ms"), State("f_now"))
    global_state = (State("t_last", 0.0, "ms"),)
    on_pre, pre_spike, on_post, post_spike, every = _on_pre, _pre_spike, _on_post, _post_spike, _every
    before_pre, before_post = _before_pre, _before_post

    def __post_init__(self):
        super().__post_init__()
        check_stable_period(self)

    def pair(self, dt) -> np.ndarray:
        """Closed-form change of an isolated pre/post pair at dt = t_post - t_pre
        (ms), both neurons silent before: the presynaptic spike's delta, minus
        eta e^{dt / tau_minus} when the postsynaptic spike came first; no LTP and
        no heterosynaptic change (both need an earlier postsynaptic spike)."""
        dt = np.asarray(dt, dtype=float)
        return self.delta - np.where(dt < 0, self.eta * np.exp(np.minimum(dt, 0.0) / self.tau_minus), 0.0)

    def drift(self, w_tilde, w) -> np.ndarray:
        """dw~/dt (weight units per ms) at w~ = ``w_tilde`` for a fast weight ``w``."""
        x = np.asarray(w_tilde, dtype=float)
        return ((w - x) - self.bistability * x * (0.5 * self.w_p - x) * (self.w_p - x)) / self.tau_cons
