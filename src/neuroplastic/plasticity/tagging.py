"""Synaptic tagging and capture: calcium-driven early phase, protein synthesis, late phase.

The synapse model of Luboeinski & Tetzlaff (2021), after Li, Kulvicius & Tetzlaff
(2016) and Clopath et al. (2008). Each synapse ``s`` from neuron ``i`` onto neuron
``j`` has a calcium amount ``c`` (dimensionless), an early-phase weight ``h`` (mV)
and a late-phase weight ``z`` (dimensionless); each postsynaptic neuron has a
protein amount ``p`` (dimensionless)::

    dc/dt = -c / tau_c + c_pre sum_k delta(t - t_k^pre - ca_delay) + c_post sum_l delta(t - t_l^post)

    tau_h dh/dt = 0.1 (h0 - h) + gamma_p (h_max - h) Theta(c - theta_p)
                  - gamma_d h Theta(c - theta_d) + sigma sqrt(tau_h (Theta(c - theta_p) + Theta(c - theta_d))) Gamma(t)

    tag:  h - h0 > theta_tag (LTP tag),   h0 - h > theta_tag (LTD tag)

    tau_p dp_j/dt = -p_j + alpha Theta(sum_{s onto j} |h_s - h0| - theta_pro)

    tau_z dz/dt = p_j (z_max - z) Theta(h - h0 - theta_tag) - p_j (z - z_min) Theta(h0 - h - theta_tag)

    effective weight (mV):  w = h + h0 z

Theta is the Heaviside step, Gamma(t) unit Gaussian white noise. Without
calcium ``h`` relaxes to ``h0`` with the time constant ``tau_h / 0.1``
(6884 s); while the calcium exceeds both thresholds it approaches
``(0.1 h0 + gamma_p h_max) / (0.1 + gamma_p + gamma_d)`` = 8.40 mV = 2 h0 in
``tau_h / 1958.8`` = 0.35 s. A tag is set while the early-phase change exceeds
``theta_tag``; proteins are made while the summed early-phase change of the
neuron exceeds ``theta_pro``; the late phase captures proteins only at tagged
synapses, towards ``z_max`` (LTP tag) or ``z_min`` (LTD tag).

**How it runs.** The fast part (calcium and ``h``) is event-driven: a synapse
is advanced in closed form (:mod:`neuroplastic.plasticity.early_phase`) when a
presynaptic spike (``on_pre``) or a postsynaptic spike (``on_post``) touches it,
and every ``period`` ms for all synapses; nothing is integrated per time step.
The noise term is kept, as an exact Ornstein-Uhlenbeck transition in
distribution (``sigma = 0`` switches it off). The slow part runs every ``period``
ms (``every``): all synapses are brought to the current time, then for each
neuron the synthesis switch ``Theta(sum |h - h0| - theta_pro)`` and each synapse's
tag are read at that time and held over the period just ended, over which
``p`` and ``z`` are integrated exactly::

    p <- S + (p - S) e^{-P/tau_p},   S = alpha Theta(...)
    I  = S P + (p_old - S) tau_p (1 - e^{-P/tau_p})           (integral of p over the period, ms)
    z <- z_max - (z_max - z) e^{-I/tau_z}   (LTP tag),   z <- z_min + (z - z_min) e^{-I/tau_z}   (LTD tag)

so the only approximation is that a threshold crossing (tag, synthesis) takes
effect at the end of the period in which it happens: an error of at most
``period / tau_p`` (1 s / 1 h = 0.03 %) in the time course of ``p`` and ``z``.

**The weight.** The rule adds ``scale * (change of h + h0 z)`` to the
projection's weight, so with an initial weight ``scale * h0`` the weight is
``scale * (h + h0 z)``, the published effective weight. ``scale`` converts mV
to the weight's unit: in the published model a weight is a jump of the
postsynaptic current times the membrane resistance (R = 10 MOhm), so for a
current-based LIF with g_L = 100 nS it is 100 pA per mV. Give the projection
bounds that never bind (``w_min <= scale h0 z_min``, ``w_max >= scale (h_max +
h0 z_max)``), or clipping makes the weight depart from ``h + h0 z``. The weight a
presynaptic spike transmits is the one of the synapse's previous update (its
last spike event or slow update), as the engine transmits before a rule's
``on_pre``; during a 100 Hz tetanus that lags the exact value by < 3 %.

Protein is shared by the synapses of one projection onto a neuron: put all the
plastic inputs of a neuron (all pathways) in one projection, as the published
model sums over all of a neuron's incoming excitatory synapses.

State: per synapse ``early`` (h - h0, mV), ``late`` (z), ``tag`` (+1 LTP tag,
-1 LTD tag, 0 none; as of the last slow update), ``calcium``, ``t_last`` (ms,
time of the last update); per presynaptic neuron its last 12 spike times
(``s0`` newest ... ``s11``, ms; for the delayed calcium); per postsynaptic
neuron ``protein`` (p), ``pool`` (sum of |h - h0| over its synapses at the last
slow update, mV), ``synthesis`` (S), ``exposure`` (integral of p over the last
period, ms); global ``draws`` (normal draws so far) and ``lost`` (delayed
calcium jumps dropped because a neuron fired more than 12 spikes within
``ca_delay``; 0 in any ordinary run). Read per-synapse state in synapse order
with ``net.rule_state(p).syn.late[net.synapse_slots(p)]``; each synapse's
early phase and calcium are as of its last update, and all of them as of the
slow update when a run stops at a multiple of ``period``. The rule changes ``t_last`` without
spikes (it brings synapses to the present), so it "acts without spikes".

Parameters and sources. Calcium, early phase, protein, late phase and noise are
those of Luboeinski & Tetzlaff 2021 (Table 1), as used by the authors'
Brian 2 and Arbor implementations (jlubo/brian_synaptic_plasticity_stc,
``config_basic_late.json``; jlubo/arbor_2N1S,
``mechanisms/expsyn_curr_calcium_plasticity.mod``): tau_c = 48.8 ms, c_pre = 1,
c_post = 0.2758, ca_delay = 18.8 ms, tau_h = 688.4 s, gamma_p = 1645.6,
gamma_d = 313.1, theta_p = 3.0, theta_d = 1.2, h_max = 10 mV, h0 = 4.20075 mV,
sigma_pl = 2.90436 mV, theta_tag = 0.840149 mV, theta_pro = 2.10037 mV,
alpha = 1, tau_p = tau_z = 3600 s, z_max = 1, z_min = -0.5.

References: Luboeinski J, Tetzlaff C (2021) Commun Biol 4:275. Li Y, Kulvicius
T, Tetzlaff C (2016) PLoS ONE 11:e0161679. Clopath C, Ziegler L, Vasilaki E,
Buesing L, Gerstner W (2008) PLoS Comput Biol 4:e1000248. Frey U, Morris RGM
(1997) Nature 385:533.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ValidationError
from . import early_phase as ep
from .rule import OnPost, OnPre, Periodic, Rule, State


# How the hooks touch the state matters for speed: numba reference-counts the
# arrays of a state tuple whenever it cannot pair the counts up, which happens
# when a part of ``st`` is used only inside a branch. The hooks therefore take
# each part once, unconditionally (``syn = st.syn``; the presynaptic ring is read
# into a tuple of floats), and branch on plain numbers only (measured: 50 ns per
# event against 350 ns when the ring is read inside the branch).

@njit(inline="always")
def _sync(s, t, times, early, calcium, t_last, draws, p):
    """Bring synapse s to time t (ms); ``times``: its presynaptic neuron's ring."""
    if p.ca_delay > 0.0 and times[0] + p.ca_delay > t_last[s] and t > t_last[s]:
        ep.land(s, t, times, early, calcium, t_last, draws, p)
    ep.advance(s, t, early, calcium, t_last, draws, p)


@njit(inline="always")
def _on_pre(s, i, j, t, w, st, p):
    syn = st.syn
    early, calcium = syn.early, syn.calcium
    before = early[s]
    _sync(s, t, ep.recent(st.pre, i), early, calcium, syn.t_last, st.glob.draws, p)
    if p.ca_delay <= 0.0:
        calcium[s] += p.c_pre
    return p.scale * (early[s] - before)


@njit
def _pre_spike(i, t, st, p):     # not inlined: it reads the ring inside a branch (see above)
    if p.ca_delay > 0.0:
        ep.remember_spike(i, t, st.pre, st.glob.lost, p)


@njit(inline="always")
def _on_post(s, i, j, t, w, st, p):
    syn = st.syn
    early, calcium = syn.early, syn.calcium
    before = early[s]
    _sync(s, t, ep.recent(st.pre, i), early, calcium, syn.t_last, st.glob.draws, p)
    calcium[s] += p.c_post
    return p.scale * (early[s] - before)


@njit(inline="always")
def _bring_to(t, w, conn, st, p):
    """Advance every synapse to t and sum |h - h0| per postsynaptic neuron."""
    syn, pre = st.syn, st.pre
    early, calcium, t_last, draws, pool = syn.early, syn.calcium, syn.t_last, st.glob.draws, st.post.pool
    pool[:] = 0.0
    for s in range(w.shape[0]):
        if conn.alive[s]:
            before = early[s]
            _sync(s, t, ep.recent(pre, conn.pre[s]), early, calcium, t_last, draws, p)
            w[s] += p.scale * (early[s] - before)
            pool[conn.post[s]] += abs(early[s])


@njit(inline="always")
def _protein(st, p):
    """Protein over the period just ended, with synthesis read now; sets ``exposure``."""
    post = st.post
    keep = math.exp(-p.period / p.tau_p)
    for j in range(post.protein.shape[0]):
        s_j = p.alpha if post.pool[j] > p.theta_pro else 0.0
        old = post.protein[j]
        post.protein[j] = s_j + (old - s_j) * keep
        post.exposure[j] = s_j * p.period + (old - s_j) * p.tau_p * (1.0 - keep)
        post.synthesis[j] = s_j


@njit(inline="always")
def _capture(w, conn, st, p):
    """Tags read now; tagged synapses capture proteins into the late phase."""
    syn = st.syn
    early, late, tags, exposure = syn.early, syn.late, syn.tag, st.post.exposure
    for s in range(w.shape[0]):
        if not conn.alive[s]:
            continue
        e = early[s]
        tag = 1.0 if e > p.theta_tag else (-1.0 if e < -p.theta_tag else 0.0)
        tags[s] = tag
        dose = exposure[conn.post[s]]
        if tag != 0.0 and dose > 0.0:
            bound = p.z_max if tag > 0.0 else p.z_min
            old = late[s]
            late[s] = bound + (old - bound) * math.exp(-dose / p.tau_z)
            w[s] += p.scale * p.h0 * (late[s] - old)


@njit
def _every(t, w, conn, st, p):
    _bring_to(t, w, conn, st, p)
    _protein(st, p)
    _capture(w, conn, st, p)


_MS = dict(gt=0, unit="ms", time_constant=True)


@dataclass(frozen=True)
class TaggingCapture(Rule, OnPre, OnPost, Periodic):
    """Synaptic tagging and capture (Luboeinski & Tetzlaff 2021; see module doc).

    Args:
        h0: initial and resting early-phase weight (mV).
        h_max: potentiation target of the early phase (mV).
        tau_h: early-phase time constant (ms); h decays to h0 with tau_h / 0.1.
        gamma_p, gamma_d: potentiation and depression rates (dimensionless).
        theta_p, theta_d: calcium thresholds of potentiation and depression.
        tau_c: calcium time constant (ms).
        c_pre, c_post: calcium jumps per pre- and postsynaptic spike.
        ca_delay: delay of the presynaptic calcium jump after the spike (ms).
        sigma: noise amplitude of the early phase, sigma_pl (mV; 0 = none).
        theta_tag: early-phase change that sets a tag (mV).
        theta_pro: summed early-phase change of a neuron that starts protein synthesis (mV).
        alpha: protein synthesis rate (dimensionless; the protein's steady state).
        tau_p: protein time constant (ms).
        tau_z: late-phase time constant (ms).
        z_max, z_min: late-phase bounds (dimensionless; z_min <= 0 < z_max).
        scale: weight units per mV of h (e.g. 100 pA/mV for a current-based LIF with
            g_L = 100 nS, the published neuron).
        period: interval of the slow update (protein, tags, late phase; ms).
        noise_seed: stream of the early-phase noise (a whole number >= 0).
    """

    h0: float = 4.20075
    h_max: float = 10.0
    tau_h: float = 688_400.0
    gamma_p: float = 1645.6
    gamma_d: float = 313.1
    theta_p: float = 3.0
    theta_d: float = 1.2
    tau_c: float = 48.8
    c_pre: float = 1.0
    c_post: float = 0.2758
    ca_delay: float = 18.8
    sigma: float = 2.90436
    theta_tag: float = 0.840149
    theta_pro: float = 2.10037
    alpha: float = 1.0
    tau_p: float = 3_600_000.0
    tau_z: float = 3_600_000.0
    z_max: float = 1.0
    z_min: float = -0.5
    scale: float = 1.0
    period: float = 1000.0
    noise_seed: float = 0

    constraints = {
        "h0": dict(gt=0, unit="mV"), "h_max": dict(gt=0, unit="mV"), "tau_h": _MS,
        "gamma_p": dict(ge=0), "gamma_d": dict(ge=0), "theta_p": dict(gt=0), "theta_d": dict(gt=0),
        "tau_c": _MS, "c_pre": dict(ge=0), "c_post": dict(ge=0), "ca_delay": dict(ge=0, unit="ms"),
        "sigma": dict(ge=0, unit="mV"), "theta_tag": dict(ge=0, unit="mV"), "theta_pro": dict(ge=0, unit="mV"),
        "alpha": dict(ge=0), "tau_p": _MS, "tau_z": _MS, "z_max": dict(gt=0), "z_min": dict(le=0),
        "scale": dict(gt=0), "period": dict(gt=0, unit="ms"), "noise_seed": dict(ge=0, le=2**53),
    }
    synapse_state = (State("early", 0.0, "mV"), State("late", 0.0), State("tag", 0.0), State("calcium", 0.0),
                     State("t_last", 0.0, "ms"))
    pre_state = tuple(State(name, ep.NEVER, "ms") for name in ep.ring_state())
    post_state = (State("protein", 0.0), State("pool", 0.0, "mV"), State("synthesis", 0.0),
                  State("exposure", 0.0, "ms"))
    global_state = (State("draws", 0.0), State("lost", 0.0))
    on_pre, pre_spike, on_post, every = _on_pre, _pre_spike, _on_post, _every

    def __post_init__(self):
        super().__post_init__()
        if not float(self.noise_seed).is_integer():
            raise ValidationError(type(self).__name__, "noise_seed", self.noise_seed, "must be a whole number >= 0")
        if self.h_max <= self.h0:
            raise ValidationError(type(self).__name__, "h_max", self.h_max, f"must be > h0 ({self.h0:g} mV)")

    # -- reading the state (numpy, between runs) ------------------------------
    def early_weight(self, st) -> np.ndarray:
        """h per synapse slot (mV), as of each synapse's last update."""
        return self.h0 + np.asarray(st.syn.early)

    def total_weight(self, st) -> np.ndarray:
        """The effective weight h + h0 z per synapse slot (mV)."""
        return self.early_weight(st) + self.h0 * np.asarray(st.syn.late)

    def equilibrium(self, potentiation: bool, depression: bool) -> float:
        """The value h approaches (mV) while the calcium stays above theta_p
        (``potentiation``) and/or theta_d (``depression``)."""
        pot, dep = float(potentiation), float(depression)
        return (0.1 * self.h0 + self.gamma_p * self.h_max * pot) / (0.1 + self.gamma_p * pot + self.gamma_d * dep)
