"""Shared workload specifications for the neuroplastic-vs-peer benchmarks.

Plain Python constants only (no imports of any simulator), so that the
neuroplastic side, the Brian2 side (``peers/brian2_workloads.py``) and the
NEST side (``peers/nest_workloads.py``) all build the *same* model from the
same numbers.

Units everywhere: ms, mV, nS, pF, pA, Hz.  Neuron parameter names follow
``neuroplastic.model.neurons.LIF`` (tau_m, c_m, v_rest, v_reset, v_thresh,
t_ref, tau_e, tau_i, e_e, e_i, i_bias), with leak conductance
g_L = c_m / tau_m (nS, since pF/ms = nS).

Conductance-based LIF used by all three workloads::

    c_m dv/dt = g_L (v_rest - v) + ge (e_e - v) + gi (e_i - v) + i_bias
    tau_e dge/dt = -ge          tau_i dgi/dt = -gi           (nS)
    v > v_thresh  ->  spike, v <- v_reset, v clamped for t_ref ms
    presynaptic spike of an excitatory (inhibitory) synapse: ge += w (gi += w)

Synaptic delays are zero: a spike emitted in step n increments the target
conductance before the state update of step n+1 (Brian2's default schedule).
Connections are independent Bernoulli draws with probability ``p``
("fixed probability"); autapses are allowed (as in Brian's ``connect(p=...)``).
Initial distributions are described by small dicts::

    {"dist": "normal", "mean": m, "std": s}    # no clipping
    {"dist": "uniform", "low": a, "high": b}
    {"dist": "const", "value": c}
"""

# ---------------------------------------------------------------------------
# W1: COBA (Vogels & Abbott 2005; Brette et al. 2007, benchmark 1)
# ---------------------------------------------------------------------------
# Source of every number below: Brian's reference implementation of
# benchmark 1, brian-team/brian ``examples/COBA.py`` (R. Brette, Dec 2007).
# Brian2's own tree has no LIF-COBA script; its ``examples/COBAHH.py`` and
# brian-team/brian2_benchmarks ``benchmarks/benchmarks.py``
# (time_COBAHH_example) reuse the same synapse numbers in absolute units
# (we = 6 nS, wi = 67 nS, ge0 = (randn*1.5+4)*10 nS, gi0 = (randn*12+20)*10 nS).
# The Brian 1 script expresses conductances in units of g_L and v relative to
# El = -60 mV:
#   taum 20 ms, taue 5 ms, taui 10 ms, Ee = +60 mV rel (0 mV abs),
#   Ei = -20 mV rel (-80 mV abs), threshold 10 mV rel (-50 mV abs),
#   reset 0 mV rel (-60 mV abs), refractory 5 ms,
#   we = 6/10, wi = 67/10 (x g_L), sparseness 0.02, 3200 exc + 800 inh,
#   v0 = (randn*5 - 5) mV rel, ge0 = randn*1.5 + 4, gi0 = randn*12 + 20 (x g_L).
# Absolute units with c_m = 200 pF, tau_m = 20 ms -> g_L = 10 nS (the cell of
# Brette et al. 2007, Table/Appendix B).  No external drive: the activity is
# self-sustained from the random initial conductances.
W1_COBA = {
    "name": "COBA",
    "duration_ms": 1000.0,
    "dt_ms": 0.1,
    "n_exc": 3200,
    "n_inh": 800,
    "neuron": {
        "model": "LIF",
        "synapse": "conductance",
        "tau_m": 20.0,      # ms  (g_L = c_m / tau_m = 10 nS)
        "c_m": 200.0,       # pF
        "v_rest": -60.0,    # mV  (El)
        "v_reset": -60.0,   # mV  (Vr)
        "v_thresh": -50.0,  # mV  (Vt)
        "t_ref": 5.0,       # ms
        "tau_e": 5.0,       # ms
        "tau_i": 10.0,      # ms
        "e_e": 0.0,         # mV
        "e_i": -80.0,       # mV
        "i_bias": 0.0,      # pA
    },
    "integration": "exponential_euler",  # Brian 1 used forward Euler
    "connectivity": {"rule": "fixed_probability", "p": 0.02,
                     "allow_autapses": True, "delay_ms": 0.0},
    "w_exc_nS": 6.0,    # 0.6 g_L, from every exc neuron to all 4000
    "w_inh_nS": 67.0,   # 6.7 g_L, from every inh neuron to all 4000
    "initial": {
        "v": {"dist": "normal", "mean": -65.0, "std": 5.0},    # mV
        "ge": {"dist": "normal", "mean": 40.0, "std": 15.0},   # nS
        "gi": {"dist": "normal", "mean": 200.0, "std": 120.0},  # nS
    },
}

# ---------------------------------------------------------------------------
# W2: Song, Miller & Abbott 2000 -- Brian2 examples/synapses/STDP.py
# ---------------------------------------------------------------------------
# Source: brian-team/brian2 ``examples/synapses/STDP.py`` (also
# examples/standalone/STDP_standalone.py), read at commit aec54d2a (2.10.1+):
#     dv/dt  = (ge * (Ee - v) + El - v) / taum        (ge dimensionless)
#     dge/dt = -ge / taue
#     threshold v > vt, reset v = vr, no refractory period, method 'euler'
#     on_pre:  ge += w; Apre += dApre;  w = clip(w + Apost, 0, gmax)
#     on_post: Apost += dApost;         w = clip(w + Apre,  0, gmax)
#     Apre, Apost decay with taupre = taupost = 20 ms (event-driven),
#     all-to-all pairing (traces add up), additive, hard bounds.
# NB: the current example uses ge*(Ee - v) (true conductance).  The older copy
# in brian-team/brian2_benchmarks (time_STDP_example) has ge*(Ee - vr), a
# current-based variant; we follow the current example.
# In absolute units ge is in units of g_L: pick c_m = 100 pF so that
# g_L = c_m / tau_m = 10 nS; then gmax = 0.01 g_L = 0.1 nS.
# The neuron starts at v = 0 mV (Brian2's default initial value, as in the
# example): it fires on the first step and resets to vr.
W2_SONG2000 = {
    "name": "Song2000",
    "duration_ms": 100_000.0,
    "dt_ms": 0.1,
    "n_inputs": 1000,
    "input_rate_hz": 15.0,           # independent Poisson trains
    "n_out": 1,
    "neuron": {
        "model": "LIF",
        "synapse": "conductance",
        "tau_m": 10.0,      # ms
        "c_m": 100.0,       # pF  -> g_L = 10 nS
        "v_rest": -74.0,    # mV  (El)
        "v_reset": -60.0,   # mV  (vr)
        "v_thresh": -54.0,  # mV  (vt)
        "t_ref": 0.0,       # ms  (none in the example)
        "tau_e": 5.0,       # ms
        "tau_i": 10.0,      # ms  (unused: no inhibition)
        "e_e": 0.0,         # mV
        "e_i": -80.0,       # mV  (unused)
        "i_bias": 0.0,      # pA
    },
    "integration": "exponential_euler",  # Brian2 example uses 'euler'
    "g_l_nS": 10.0,
    "gmax_rel": 0.01,                 # gmax in units of g_L (as in Brian2)
    "gmax_nS": 0.1,                   # = gmax_rel * g_l_nS
    "stdp": {
        "rule": "pair_additive_all_to_all",
        "tau_pre_ms": 20.0,
        "tau_post_ms": 20.0,
        "a_plus_nS": 0.001,           # dApre  = 0.01 * gmax
        "a_minus_nS": -0.00105,       # dApost = -1.05 * dApre (taupre/taupost = 1)
        "w_min_nS": 0.0,
        "w_max_nS": 0.1,
    },
    "initial": {
        "w": {"dist": "uniform", "low": 0.0, "high": 0.1},  # nS, U(0, gmax)
        "v": {"dist": "const", "value": 0.0},               # mV (Brian2 default)
        "ge": {"dist": "const", "value": 0.0},              # nS
        "gi": {"dist": "const", "value": 0.0},              # nS (unused)
    },
}

# ---------------------------------------------------------------------------
# W3: EI network with pair STDP on E->E (this project's own workload)
# ---------------------------------------------------------------------------
# Neuron/synapse parameters and initial distributions: those of W1, plus a
# bias current (see "Drive" below).
# 10,000 exc + 2,500 inh, p = 0.02 on all four pathways -> fan-in ~200 exc +
# ~50 inh = 250, vs 80 in W1; weights scaled by 80/250 = 0.32 to keep the
# mean input conductance of W1:
#   we = 6 nS * 0.32 = 1.92 nS,  wi = 67 nS * 0.32 = 21.44 nS.
# E->E synapses start at we and follow additive all-to-all pair STDP (same
# update order as W2) with w_max = 2 * we = 3.84 nS, A+ = 0.01 * w_max,
# A- = -1.05 * A+.  E->I, I->E, I->I are static.
# Drive: W1's activity is self-sustained, but with the 0.32 scaling the input
# fluctuations shrink (~sqrt(0.32)) and, measured with Brian2, activity dies
# out within ~100 ms (also with scalings 0.45-1.0 it dies for most seeds).
# We therefore add a constant bias current i_bias = 200 pA to every neuron
# (v_inf = v_rest + i_bias/g_L = -40 mV, i.e. 10 mV above threshold; the
# same suprathreshold drive as the "I = 20 mV" COBA variant used e.g. in the
# ANNarchy and BrainPy COBA benchmarks).  Inhibition keeps the network in an
# asynchronous irregular regime: Brian2 gives ~6.6-7.1 Hz for seeds 1-3,
# flat over 1 s, 1-ms population-count CV ~0.4 (see peers/MEASURED.md).
_W3_SCALE = 80.0 / 250.0
_W3_WE = 6.0 * _W3_SCALE
_W3_WMAX = 2.0 * _W3_WE
_W3_APLUS = 0.01 * _W3_WMAX

W3_EI_STDP = {
    "name": "EI-STDP",
    "duration_ms": 1000.0,
    "dt_ms": 0.1,
    "n_exc": 10_000,
    "n_inh": 2_500,
    "neuron": dict(W1_COBA["neuron"], i_bias=200.0),  # pA, all neurons
    "integration": "exponential_euler",
    "connectivity": {"rule": "fixed_probability", "p": 0.02,
                     "allow_autapses": True, "delay_ms": 0.0,
                     "pathways": ["EE", "EI", "IE", "II"]},
    "weight_scale": _W3_SCALE,
    "w_exc_nS": _W3_WE,               # 1.92 nS (E->E initial, E->I fixed)
    "w_inh_nS": 67.0 * _W3_SCALE,     # 21.44 nS (I->E, I->I fixed)
    "stdp_ee": {
        "rule": "pair_additive_all_to_all",
        "tau_pre_ms": 20.0,
        "tau_post_ms": 20.0,
        "a_plus_nS": _W3_APLUS,           # 0.0384 nS
        "a_minus_nS": -1.05 * _W3_APLUS,  # -0.04032 nS
        "w_min_nS": 0.0,
        "w_max_nS": _W3_WMAX,             # 3.84 nS
    },
    "initial": dict(W1_COBA["initial"]),
}

WORKLOADS = {"W1": W1_COBA, "W2": W2_SONG2000, "W3": W3_EI_STDP}


def scaled(spec: dict, duration_ms: float) -> dict:
    """Return a shallow copy of ``spec`` with another duration (ms).

    Used by smoke tests; everything else is unchanged.
    """
    out = dict(spec)
    out["duration_ms"] = float(duration_ms)
    return out


def g_leak_nS(neuron: dict) -> float:
    """Leak conductance g_L = c_m / tau_m of a neuron spec, in nS."""
    return neuron["c_m"] / neuron["tau_m"]
