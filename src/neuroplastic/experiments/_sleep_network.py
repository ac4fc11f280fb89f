"""The network of ``sleep-replay``: memories, the learning network, recall probes, replay events.

Kept apart from the experiment module (``sleep_replay.py``, which documents the
design) so that each stays one concept: this one builds and measures, that one
runs the protocol, combines seeds and draws.

Units: ms, mV, nS, pF, pA, Hz.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import (LIF, AdEx, FixedProbability, Gated, Model, Modulator, OneToOne, Pairs, Phase, PoissonInput,
                Population, Projection, SpikeMonitor, TripletSTDP, Uniform, WeightNormalization)
from .protocols import present as trial

#: Pfister & Gerstner (2006) minimal triplet model, visual cortex, all-to-all (Table 4):
#: A2+ = 0, A3+ = 6.5e-3, A2- = 7.1e-3, A3- = 0; tau_+ = 16.8, tau_- = 33.7, tau_y = 114 ms.
TRIPLET_MINIMAL_VISUAL = dict(a3_plus=6.5e-3, a2_minus=7.1e-3, tau_plus=16.8, tau_minus=33.7, tau_y=114.0)

RECURRENT = ("ee", "ei", "ie", "ii")


@dataclass(frozen=True)
class Memories:
    """Which excitatory neurons form which assembly, and which half of each is cued.

    Group k (k = 0 .. K-1) occupies ``2 M - V`` consecutive neurons: set-1 assembly k
    is its first M, set-2 assembly k its last M, and the V in the middle belong to
    both (``shared``). ``assemblies`` lists set 1 then set 2; ``cues[x]`` is the cued
    part of assembly x, ``own[x]`` its neurons that are in no other assembly.
    """

    assemblies: tuple
    cues: tuple
    own: tuple
    n_per_set: int

    @property
    def set1(self) -> tuple:
        return self.assemblies[:self.n_per_set]

    @property
    def set2(self) -> tuple:
        return self.assemblies[self.n_per_set:]


def memories(c: dict, seed: int) -> Memories:
    """The assemblies of ``c`` and, drawn from ``seed``, the cued half of each."""
    k, m, v = int(c["n_assemblies"]), int(c["assembly_size"]), int(c["overlap"])
    step = 2 * m - v
    set1 = [np.arange(g * step, g * step + m) for g in range(k)]
    set2 = [np.arange(g * step + m - v, g * step + step) for g in range(k)]
    everything = set1 + set2
    rng = np.random.default_rng([int(seed), 14])
    n_cue = int(round(c["cue_fraction"] * m))
    cues = tuple(np.sort(rng.choice(a, n_cue, replace=False)) for a in everything)
    counts = np.bincount(np.concatenate(everything), minlength=int(c["n_exc"]))
    own = tuple(a[counts[a] == 1] for a in everything)
    return Memories(tuple(everything), cues, own, k)


def wake_duration(c: dict) -> float:
    """One wake phase: every assembly of a set shown ``n_presentations`` times (ms)."""
    return float(c["n_presentations"] * c["n_assemblies"] * (c["t_on"] + c["t_off"]))


def excitatory_cell(c: dict) -> AdEx:
    """Adaptive exponential integrate-and-fire with conductance synapses (adaptation ends replay events)."""
    return AdEx(c_m=c["c_m"], g_l=c["g_l"], e_l=c["e_l"], v_t=c["v_t"], delta_t=c["delta_t"], v_peak=c["v_peak"],
                v_reset=c["e_l"], tau_w=c["tau_w"], a=0.0, b=c["b_adapt"], t_ref=c["t_ref"], synapse="conductance",
                tau_e=c["tau_e"], tau_i=c["tau_i"], e_e=c["e_e"], e_i=c["e_i"])


def inhibitory_cell(c: dict) -> LIF:
    return LIF(tau_m=c["c_m"] / c["g_l"], c_m=c["c_m"], v_rest=c["e_l"], v_reset=c["e_l"], v_thresh=c["v_t"],
               t_ref=c["t_ref"], synapse="conductance", tau_e=c["tau_e"], tau_i=c["tau_i"], e_e=c["e_e"],
               e_i=c["e_i"])


def ee_rules(c: dict) -> list:
    """Minimal triplet STDP gated by acetylcholine, plus incoming weight normalization."""
    p = TRIPLET_MINIMAL_VISUAL
    scale = c["stdp_scale"] * c["w_ee_max"]
    triplet = TripletSTDP(tau_plus=p["tau_plus"], tau_minus=p["tau_minus"], tau_x=100.0, tau_y=p["tau_y"],
                          a2_plus=0.0, a3_plus=scale * p["a3_plus"], a2_minus=scale * p["a2_minus"], a3_minus=0.0)
    total = c["w_ee"] * c["p_connect"] * (int(c["n_exc"]) - 1)
    return [Gated(triplet, "acetylcholine", gain=c["ach_gain"], reference=c["ach_wake"]),
            WeightNormalization(target=total, mode="incoming", period=c["norm_period"])]


def _neurons(m: Model, c: dict) -> None:
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    start = {"v": Uniform(c["e_l"], c["v_t"])}
    m.add(Population("exc", n_e, excitatory_cell(c), initial=start))
    m.add(Population("inh", n_i, inhibitory_cell(c), initial=start))
    m.add(PoissonInput("drive_exc", n_e, rate=c["wake_rate"]))
    m.add(PoissonInput("drive_inh", n_i, rate=c["wake_rate"]))
    m.add(PoissonInput("stimulus", n_e, rate=np.zeros(n_e)))
    m.add(Projection("drive_e", "drive_exc", "exc", OneToOne(), weight=c["w_drive"]))
    m.add(Projection("drive_i", "drive_inh", "inh", OneToOne(), weight=c["w_drive"]))
    m.add(Projection("stim", "stimulus", "exc", OneToOne(), weight=c["w_stim"]))


_ENDS = {"ee": ("exc", "exc", "exc"), "ei": ("exc", "inh", "exc"), "ie": ("inh", "exc", "inh"),
         "ii": ("inh", "inh", "inh")}


def build(c: dict, condition: str) -> Model:
    """The learning network with its protocol: wake-1, off, wake-2, off, where "off" is
    ``sleep`` (plasticity on) or ``rest`` (every rule off); both have the same drive and
    acetylcholine level, so the conditions differ only in whether the network learns
    from its own spontaneous activity."""
    m = Model(dt=c["dt"], max_rate=c["max_rate"])
    _neurons(m, c)
    m.add(Modulator("acetylcholine", tau=c["ach_tau"], baseline=c["ach_wake"]))
    weights = {"ee": c["w_ee"], "ei": c["w_ei"], "ie": c["w_ie"], "ii": c["w_ii"]}
    for name, (pre, post, kind) in _ENDS.items():
        plastic = name == "ee"
        m.add(Projection(name, pre, post, FixedProbability(c["p_connect"]), weight=weights[name],
                         delay=c["delay"], receptor="exc" if kind == "exc" else "inh",
                         rules=ee_rules(c) if plastic else [], w_min=0.0,
                         w_max=c["w_ee_max"] if plastic else math.inf))
    m.add(SpikeMonitor("exc"))
    off = dict(rates={"drive_exc": c["sleep_rate_exc"], "drive_inh": c["sleep_rate_inh"]},
               levels={"acetylcholine": c["ach_sleep"]}, baselines={"acetylcholine": c["ach_sleep"]})
    if condition == "rest":
        off["scales"] = {"ee": 0.0}
    elif condition == "awake":
        off = {}
    t_wake, t_off = wake_duration(c), float(c["t_sleep"])
    for name, duration, settings in (("wake-1", t_wake, {}), (condition, t_off, off),
                                     ("wake-2", t_wake, {}), (condition, t_off, off)):
        m.add(Phase(name, duration=duration, **settings))
    return m


def build_probe(c: dict, net) -> Model:
    """A frozen copy of ``net``'s neurons and recurrent synapses (no rules, no protocol,
    wake drive) in which recall is measured; its E->E weights are set per probe."""
    m = Model(dt=c["dt"], max_rate=None)
    _neurons(m, c)
    weights = {"ee": c["w_ee"], "ei": c["w_ei"], "ie": c["w_ie"], "ii": c["w_ii"]}
    for name, (pre, post, kind) in _ENDS.items():
        i, j = net.synapses(name)
        m.add(Projection(name, pre, post, Pairs(np.asarray(i, np.int64), np.asarray(j, np.int64)),
                         weight=weights[name], delay=c["delay"], receptor="exc" if kind == "exc" else "inh",
                         w_min=0.0, w_max=c["w_ee_max"] if name == "ee" else math.inf))
    return m


def present(net, c: dict, assemblies, rng) -> None:
    """One round of a wake phase: each assembly of ``assemblies`` in a random order,
    ``t_on`` ms of stimulus on its neurons, then ``t_off`` ms without."""
    n_e = int(c["n_exc"])
    off = np.zeros(n_e)
    for k in rng.permutation(len(assemblies)):
        rates = off.copy()
        rates[assemblies[k]] = c["stim_rate"]
        net.set_rates("stimulus", rates)
        net.run(c["t_on"])
        net.set_rates("stimulus", off)
        net.run(c["t_off"])


def recall(pnet, c: dict, ee_weights, mem: Memories) -> np.ndarray:
    """Recall of every assembly (set 1, then set 2) with the E->E weights ``ee_weights``.

    The probe network restarts from the same state (``reset``: same initial voltages and
    input spikes at every probe), settles for ``t_settle`` ms, then each assembly's cue
    (its cued half driven at ``stim_rate`` for ``t_cue`` ms, then ``t_gap`` ms without).
    Per assembly, from the rates during the cue::

        recall = (r_uncued - r_others) / (r_cued - r_others)

    r_uncued: its members that were not cued, r_others: every excitatory neuron outside
    it. 1 = the uncued half fires like the cued half (complete pattern completion),
    0 = like neurons outside the assembly. Dimensionless.
    """
    n_e = int(c["n_exc"])
    pnet.reset()
    pnet.set_weights("ee", ee_weights)
    pnet.run(c["t_settle"])
    off = np.zeros(n_e)
    out = np.zeros(len(mem.assemblies))
    for x, (members, cue) in enumerate(zip(mem.assemblies, mem.cues)):
        rates = off.copy()
        rates[cue] = c["stim_rate"]
        counts = trial(pnet, {"stimulus": rates}, c["t_cue"], "exc", rest=c["t_gap"], rest_rates={"stimulus": off})
        hz = counts * (1000.0 / c["t_cue"])
        outside = np.ones(n_e, bool)
        outside[members] = False
        r_cue, r_rest = hz[cue].mean(), hz[outside].mean()
        r_uncued = hz[np.setdiff1d(members, cue)].mean()
        out[x] = (r_uncued - r_rest) / (r_cue - r_rest) if r_cue - r_rest > 1.0 else 0.0
    return out


def count_events(i, t, neurons, t0: float, t1: float, bin_ms: float, need: int) -> int:
    """Onsets of bins (``bin_ms`` wide, from ``t0``) in which at least ``need`` distinct
    neurons of ``neurons`` spiked; spikes ``(i, t)`` are restricted to [t0, t1)."""
    sel = (t >= t0) & (t < t1) & np.isin(i, neurons)
    n_bins = int(np.ceil((t1 - t0) / bin_ms))
    b = np.minimum(((t[sel] - t0) // bin_ms).astype(np.int64), n_bins - 1)
    pairs = np.unique(b * (int(i.max()) + 1 if i.size else 1) + i[sel])
    active = np.bincount(pairs // (int(i.max()) + 1 if i.size else 1), minlength=n_bins) >= need
    return int(np.count_nonzero(active[1:] & ~active[:-1]) + (1 if active.size and active[0] else 0))


def shuffled_events(i, t, neurons, t0: float, t1: float, bin_ms: float, need: int, rng, n: int) -> float:
    """Mean :func:`count_events` after shifting each neuron's spike train circularly by its
    own random offset in [t0, t1): rates kept, co-activation destroyed."""
    sel = (t >= t0) & (t < t1) & np.isin(i, neurons)
    ii, tt = i[sel], t[sel]
    counts = []
    for _ in range(n):
        shift = rng.uniform(0.0, t1 - t0, size=int(i.max()) + 1 if i.size else 1)
        counts.append(count_events(ii, t0 + (tt - t0 + shift[ii]) % (t1 - t0), neurons, t0, t1, bin_ms, need))
    return float(np.mean(counts))
