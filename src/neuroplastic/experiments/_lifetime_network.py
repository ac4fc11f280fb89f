"""The network of ``lifetime``: every plasticity family on one recurrent E/I network.

Kept apart from the experiment module (``lifetime.py``, which documents the design and
runs the protocol): this one builds the model and measures recall.

Units: ms, mV, nS, pF, pA, Hz. Weights are conductances (nS).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .. import (LIF, Consolidation, FixedProbability, GlobalInhibitorySTDP, Model, Modulator, OneToOne, Phase,
                PoissonInput, Population, Projection, PruneAndRegrow, RewardModulatedSTDP,
                ThresholdHomeostasis, TripletSTDP, TsodyksMarkram, Uniform, WeightNormalization)
from ..model import Protocol
from .protocols import present

#: Pfister & Gerstner (2006) minimal triplet model, visual cortex, all-to-all (Table 4).
TRIPLET_MINIMAL_VISUAL = dict(a3_plus=6.5e-3, a2_minus=7.1e-3, tau_plus=16.8, tau_minus=33.7, tau_y=114.0)

#: The families an ablation switches off, each a boolean parameter of the experiment.
FAMILIES = ("homeostasis", "inhibitory", "intrinsic", "structural", "dopamine", "consolidation", "sleep")

#: Named phases entered from Python with ``Network.set_phase`` (placed far beyond any run,
#: so that no scheduled change overrides them).
NEVER = 1e12


@dataclass(frozen=True)
class Patterns:
    """Assemblies of excitatory neurons: ``members[k]`` are pattern k's neurons,
    ``cues[k]`` the half of them driven in a recall probe. Patterns 0 .. n_first - 1
    form set 1, the rest set 2; ``rewarded`` is the index of the rewarded pattern."""

    members: tuple
    cues: tuple
    n_first: int
    rewarded: int


def patterns(c: dict, seed: int) -> Patterns:
    """Disjoint assemblies of ``assembly_size`` consecutive E neurons (two sets of
    ``n_per_set``); the cued half of each drawn from ``seed``; the first pattern of set 2
    is the rewarded one."""
    k, m = 2 * int(c["n_per_set"]), int(c["assembly_size"])
    members = tuple(np.arange(x * m, (x + 1) * m) for x in range(k))
    rng = np.random.default_rng([int(seed), 16])
    cues = tuple(np.sort(rng.choice(a, m // 2, replace=False)) for a in members)
    return Patterns(members, cues, int(c["n_per_set"]), int(c["n_per_set"]))


def cell(c: dict) -> LIF:
    """Conductance-based LIF (its ``theta`` is the threshold offset the intrinsic rule moves)."""
    return LIF(tau_m=c["c_m"] / c["g_l"], c_m=c["c_m"], v_rest=c["e_l"], v_reset=c["e_l"], v_thresh=c["v_t"],
               t_ref=c["t_ref"], synapse="conductance", tau_e=c["tau_e"], tau_i=c["tau_i"], e_e=0.0, e_i=-80.0)


def ee_rules(c: dict) -> list:
    """E->E: triplet STDP, consolidation with its heterosynaptic pull, reward-modulated STDP,
    incoming weight normalisation, prune-and-regrow and Tsodyks-Markram depression, each family only
    when its switch is on."""
    p, scale = TRIPLET_MINIMAL_VISUAL, c["stdp_scale"] * c["w_ee_max"]
    rules = [TripletSTDP(tau_plus=p["tau_plus"], tau_minus=p["tau_minus"], tau_x=100.0, tau_y=p["tau_y"],
                         a2_plus=0.0, a3_plus=scale * p["a3_plus"], a2_minus=scale * p["a2_minus"], a3_minus=0.0)]
    if c["consolidation"]:
        w_p = c["w_p"]
        rules.append(Consolidation(tau_cons=c["tau_cons"], w_p=w_p, bistability=5.0 / (w_p * w_p),
                                   beta=c["beta_het"], tau_z=20.0, period=1000.0))
    if c["dopamine"]:
        rules.append(RewardModulatedSTDP(a_plus=c["da_a"], a_minus=0.5 * c["da_a"], tau_e=1000.0,
                                         eta=c["da_eta"], period=10.0))
    if c["homeostasis"]:
        rules.append(WeightNormalization(target=c["w_total"], mode="incoming", period=c["norm_period"]))
    if c["structural"]:
        rules.append(PruneAndRegrow(threshold=c["prune_below"], period=c["structural_period"],
                                    fraction=c["prune_fraction"], w_init=c["w_grow"], delay=c["delay"],
                                    regrow="activity"))
    rules.append(TsodyksMarkram(U=c["stp_u"], tau_rec=c["stp_tau_rec"], tau_f=0.0))
    return rules


def build(c: dict) -> Model:
    """The learning network with its named phases (module doc of ``lifetime``)."""
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    m = Model(dt=c["dt"], max_rate=c["max_rate"])
    start = {"v": Uniform(c["e_l"], c["v_t"])}
    rules = intrinsic_rules(c)
    m.add(Population("exc", n_e, cell(c), initial=start, rules=rules))
    m.add(Population("inh", n_i, cell(c), initial=start))
    for name, n in (("drive_exc", n_e), ("drive_inh", n_i), ("stimulus", n_e)):
        m.add(PoissonInput(name, n, rate=np.full(n, 0.0 if name == "stimulus" else c["wake_rate"])))
    m.add(Projection("drive_e", "drive_exc", "exc", OneToOne(), weight=c["w_drive"]))
    m.add(Projection("drive_i", "drive_inh", "inh", OneToOne(), weight=c["w_drive"]))
    m.add(Projection("stim", "stimulus", "exc", OneToOne(), weight=c["w_stim"]))
    m.add(Modulator("dopamine", tau=c["da_tau"], baseline=0.0))
    p = c["p_connect"]
    m.add(Projection("ee", "exc", "exc", FixedProbability(c["p_ee"]), weight=initial_ee(c), delay=c["delay"],
                     rules=ee_rules(c), w_min=0.0, w_max=c["w_ee_max"]))
    m.add(Projection("ei", "exc", "inh", FixedProbability(p), weight=c["w_ei"], delay=c["delay"]))
    ie_rules = [GlobalInhibitorySTDP(eta=c["istdp_eta"], kappa=c["target_rate"], tau_hom=c["istdp_tau_hom"])] \
        if c["inhibitory"] else []
    m.add(Projection("ie", "inh", "exc", FixedProbability(p), weight=c["w_ie"], delay=c["delay"],
                     receptor="inh", rules=ie_rules, w_min=0.0, w_max=c["w_ie_max"]))
    m.add(Projection("ii", "inh", "inh", FixedProbability(p), weight=c["w_ii"], delay=c["delay"],
                     receptor="inh"))
    m.add(Protocol(phases=phases(c), start=NEVER))
    return m


def intrinsic_rules(c: dict) -> list:
    """The E cells' threshold homeostasis; with ``sleep_ip`` > 0 a second one, ``sleep_ip``
    times as fast, which only sleep switches on (:func:`phases`; design (d): the assemblies'
    threshold and inhibition surplus from wake is evened out while the network sleeps)."""
    if not c["intrinsic"]:
        return []
    rules = [ThresholdHomeostasis(eta=c["ip_eta"], target_rate=c["target_rate"], period=100.0)]
    if c["sleep_ip"] > 0:
        rules.append(ThresholdHomeostasis(eta=c["sleep_ip"] * c["ip_eta"], target_rate=c["target_rate"],
                                          period=100.0))
    return rules


#: The phases in which plasticity runs (the probes' ``frozen`` and the control copy's
#: ``recover-static`` are not among them).
PLASTIC_PHASES = ("wake", "sleep", "rest", "recover", "recovery", "wake-gap")


def design_scales(c: dict, name: str) -> dict:
    """Scales design (d) adds to phase ``name``: the normalisation's step ``norm_step`` in the
    plastic phases (wake, sleep, rest, recover, wake-gap; 1 leaves it hard) and the sleep-only
    threshold rule (``exc.1``) on in sleep, off in every other phase that leaves the E cells'
    rules on."""
    out = {}
    plastic = name in PLASTIC_PHASES
    if plastic and c["homeostasis"] and c["norm_step"] != 1.0:
        out["ee.WeightNormalization"] = c["norm_step"]
    if c["intrinsic"] and c["sleep_ip"] > 0 and (plastic or name == "recover-static"):
        out["exc.1"] = 1.0 if name == "sleep" else 0.0
    return out


def initial_ee(c: dict) -> float:
    """The initial E->E weight (nS): ``w_total`` spread over the expected in-degree."""
    return c["w_total"] / (c["p_ee"] * max(int(c["n_exc"]) - 1, 1))


def phases(c: dict) -> list:
    """wake (as built), sleep (stimulus off, spontaneous drive, STDP at ``sleep_stdp``,
    no dopamine), frozen (every weight-changing, structural and intrinsic rule off: the
    recall probes), rest (the ``sleep=false`` ablation's off phase: wake drive, no
    stimulus), recover (wake drive, STDP at ``rest_stdp``: the rest before the lesion),
    recovery (recover with the normalisation's step x ``recovery_norm``: after the lesion;
    design (e)) and recover-static (recover without structural and homeostatic plasticity:
    the control copy); with ``gap_stdp`` != 1 also wake-gap (wake, STDP at ``gap_stdp``:
    between presentations)."""
    wake = dict(rates={"drive_exc": c["wake_rate"], "drive_inh": c["wake_rate"]})
    sleep = dict(rates={"drive_exc": c["sleep_rate_exc"], "drive_inh": c["sleep_rate_inh"], "stimulus": 0.0},
                 levels={"dopamine": 0.0}, scales={"ee.TripletSTDP": c["sleep_stdp"]})
    frozen_scales = {"ee": 0.0} | ({"ie": 0.0} if c["inhibitory"] else {}) | ({"exc": 0.0} if c["intrinsic"] else {})
    recover = {"ee.TripletSTDP": c["rest_stdp"]}
    gap = [Phase("wake-gap", duration=1.0, scales={"ee.TripletSTDP": c["gap_stdp"]}, **wake)] if gated(c) else []
    out = [Phase("wake", duration=1.0, **wake), Phase("sleep", duration=1.0, **sleep),
           Phase("rest", duration=1.0, **wake), Phase("frozen", duration=1.0, scales=frozen_scales, **wake),
           Phase("recover", duration=1.0, scales=recover, **wake),
           Phase("recover-static", duration=1.0, scales=static_scales(c) | recover, **wake)] + gap
    out = [replace(ph, scales=dict(ph.scales) | design_scales(c, ph.name)) for ph in out]
    before_lesion = next(ph for ph in out if ph.name == "recover")
    step = before_lesion.scales.get("ee.WeightNormalization", 1.0)
    norm = {"ee.WeightNormalization": c["recovery_norm"] * step} \
        if c["homeostasis"] and c["recovery_norm"] != 1.0 else {}
    return out + [replace(before_lesion, name="recovery", scales=before_lesion.scales | norm)]


def gated(c: dict) -> bool:
    """Whether wake switches to the phase wake-gap between presentations (only where the
    factor differs: entering a phase restarts the Poisson drive)."""
    return float(c["gap_stdp"]) != 1.0


def static_scales(c: dict) -> dict:
    """The control copy after the lesion: structural, normalisation, inhibitory and intrinsic
    plasticity off (STDP, consolidation and dopamine as in the full network's recovery)."""
    out = {"ie": 0.0} if c["inhibitory"] else {}
    for name, on in (("WeightNormalization", c["homeostasis"]), ("PruneAndRegrow", c["structural"])):
        if on:
            out[f"ee.{name}"] = 0.0
    if c["intrinsic"]:
        out["exc"] = 0.0
    return out


def recall(net, c: dict, pats: Patterns) -> np.ndarray:
    """Recall of every pattern in the network as it is now, without changing it.

    The state is stored, every rule is switched off (phase ``frozen``), the network
    settles for ``t_settle`` ms, then each pattern's cue (its cued half, living neurons
    only, driven at ``stim_rate`` for ``t_cue`` ms, then ``t_gap`` ms without); the state
    is restored afterwards. Per pattern, from the rates during the cue::

        recall = (r_uncued - r_others) / (r_cued - r_others)

    r_uncued: its living members that were not cued, r_others: the living excitatory
    neurons of no pattern (so that other assemblies' activity does not move the baseline).
    1: the uncued half fires like the cued half (pattern completion); 0: like the background.
    Dimensionless.
    """
    n_e = int(c["n_exc"])
    alive = net.alive("exc")
    background = alive.copy()
    background[np.concatenate(pats.members)] = False
    net.store("before-recall")
    net.set_phase("frozen")
    off = np.zeros(n_e)
    net.set_rates("stimulus", off)
    net.run(c["t_settle"])
    out = np.zeros(len(pats.members))
    for x, (members, cue) in enumerate(zip(pats.members, pats.cues)):
        rates = off.copy()
        rates[cue] = c["stim_rate"]
        counts = present(net, {"stimulus": rates}, c["t_cue"], "exc", rest=c["t_gap"], rest_rates={"stimulus": off})
        out[x] = _completion(counts * (1000.0 / c["t_cue"]), members, cue, alive, background)
    net.restore("before-recall")
    return out


def _completion(hz, members, cue, alive, outside) -> float:
    cued, uncued = cue[alive[cue]], np.setdiff1d(members, cue)
    uncued = uncued[alive[uncued]]
    if len(cued) == 0 or len(uncued) == 0:
        return 0.0
    r_cue, r_rest, r_unc = hz[cued].mean(), hz[outside].mean(), hz[uncued].mean()
    return float((r_unc - r_rest) / (r_cue - r_rest)) if r_cue - r_rest > 1.0 else 0.0


def within_weight(net, pats: Patterns) -> np.ndarray:
    """Mean E->E weight (nS) within each pattern's assembly (0 without synapses)."""
    pre, post = net.synapses("ee")
    w = net.weights("ee")
    out = np.zeros(len(pats.members))
    for x, a in enumerate(pats.members):
        sel = np.isin(pre, a) & np.isin(post, a)
        out[x] = w[sel].mean() if sel.any() else 0.0
    return out


def check_layout(c: dict) -> int:
    """Neurons the patterns need (``n_per_set`` x 2 x ``assembly_size``)."""
    return 2 * int(c["n_per_set"]) * int(c["assembly_size"])

