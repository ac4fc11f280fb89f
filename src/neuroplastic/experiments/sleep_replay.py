"""``sleep-replay``: sleep after learning protects old memories from new ones.

Task (issue 14): a recurrent spiking network learns two sets of memories one after the
other in wake phases; without sleep the second set degrades the first; with sleep phases
between and after (spontaneous activity, plasticity on, replay emerging from the learned
weights) recall of set 1 stays higher while set 2 is learned as well. Nothing replays
stored data: replay is what the network does by itself with the weights it learned.
The full account (design, the pre-registration, results, how the design was reached):
docs/memory.md, "Sleep and replay".

Network (``_sleep_network.py``): ``n_exc`` adaptive exponential integrate-and-fire
excitatory neurons (C = 200 pF, g_L = 10 nS, E_L = -60 mV, V_T = -50 mV, Delta_T = 2 mV,
adaptation b = ``b_adapt`` pA, tau_w = ``tau_w`` ms: adaptation ends a replay event) and
``n_inh`` LIF inhibitory neurons, conductance synapses (E_e = 0, E_i = -80 mV; tau_e = 5,
tau_i = 10 ms), every ordered pair connected with ``p_connect``, delay 1.5 ms. Each neuron
has a private Poisson drive (``wake_rate`` Hz x ``w_drive`` nS); each E neuron a stimulus
line (``stim_rate`` when on, ``w_stim`` nS).

Memories (``memories``): two sets of ``n_assemblies`` assemblies of ``assembly_size``
neurons; set-2 assembly k shares ``overlap`` neurons with set-1 assembly k, so learning set 2
competes for those neurons' synapses; the other neurons belong to no memory.

Plasticity, on E->E only: the minimal triplet STDP rule (Pfister & Gerstner 2006, visual
cortex, all-to-all: A3+ = 6.5e-3, A2- = 7.1e-3, tau_+ = 16.8, tau_- = 33.7, tau_y = 114 ms;
amplitudes x ``stdp_scale`` x ``w_ee_max``), so uncorrelated firing depresses a synapse below
a postsynaptic rate of A2- tau_- / (A3+ tau_+ tau_y) = 19 Hz and potentiates it above; gated by
acetylcholine (``Gated``: rate x max(0, 1 + ach_gain (ACh - ach_wake)), half the wake rate at
the sleep level); and incoming weight normalisation every ``norm_period`` ms to the initial
total (the competition for a neuron's synaptic resources that makes set 2 interfere;
Litwin-Kumar & Doiron 2014 normalise the same way). Weights bounded to [0, ``w_ee_max``].

Protocol (a ``Protocol`` of four phases): wake-1 (set 1: each assembly shown
``n_presentations`` times for ``t_on`` ms, then ``t_off`` ms without, in a random order),
off, wake-2 (set 2), off. Two conditions from the same seed (same network, input spikes and
wake-1, bit for bit):

* **sleep**: in the off phases the stimulus is off, the drive is the spontaneous drive
  (``sleep_rate_exc`` / ``sleep_rate_inh`` Hz), acetylcholine is ``ach_sleep``, every rule on;
* **control** (``control = "rest"``, the pre-registered control): the same phases with the
  same drive and acetylcholine and every rule off (``scales = {"ee": 0}``): the same kind of
  spontaneous activity (it replays too), nothing learned from it. ``control = "awake"``: the
  off phases keep the wake drive and acetylcholine and every rule on (quiet waking).

Recall (``_sleep_network.recall``, fixed before the confirmatory run): in a frozen copy of
the network (same neurons and synapses, no rules, wake drive, restarted identically at every
probe) with the current E->E weights, the cued half of an assembly (``cue_fraction``, drawn
once per seed) is driven at ``stim_rate`` for ``t_cue`` ms; recall = (r_uncued - r_others) /
(r_cued - r_others), from the rates of its uncued members, its cued ones and every E neuron
outside it (1: complete pattern completion; 0: the uncued half fires like the rest). A set's
recall is the mean over its assemblies. Probes at ``probes_per_phase`` evenly spaced times in
each phase (and at t = 0) give the time course; they never touch the learning network.

Replay (``count_events``): in the off phases, an event of an assembly is a run of
``replay_bin``-ms bins in each of which at least ``replay_fraction`` of its own neurons (in no
other assembly) spike. Two baselines: the same neurons' trains shifted circularly by random
offsets (``n_shuffles``; rates kept, co-activation destroyed), and groups of neurons of no
memory of the same size (network-wide co-activation).

Metrics per seed (``_control`` / ``_sleep``): ``recall1_*``, ``recall2_*`` at the end of each
phase (``wake1``, ``off1``, ``wake2``, ``off2``) and at the start; ``recall1_gain`` =
recall1_sleep_off2 - recall1_control_off2 (primary), ``recall2_gain``; ``interference`` =
set-1 recall lost over wake 2 in the control; ``recall2_learned`` = set-2 recall gained in
the control; ``replay1_*``, ``replay2_*`` (events/s per assembly; set 2 in the second off
phase only), ``*_shuffled``, ``coactive_nomemory_*``, ``replay1_excess`` (over the groups of
no memory), ``replay1_over_shuffled``; mean E rates ``rate_wake_*``, ``rate_off_*``; mean
within-assembly weights ``w_set1_*``, ``w_set2_*`` (nS); ``wake1_identical``. With ``seeds``:
means over seeds plus ``recall1_gain_se``, ``recall1_gain_p_one_sided`` (one-sided one-sample
t-test of the paired gains), ``seeds_gain_positive``, ``sign_test_p``, ``recall2_gain_se``.
Figures: ``recall`` (both sets over time, both conditions, phases shaded), ``replay`` (a
raster of the second sleep with each assembly's activity per bin), ``gains`` (per seed).

Targets (pre-registered before the confirmatory run, full scale = seeds 10-29; seeds 0-9
were used to design): one-sided t-test of the paired set-1 gains p < 0.01 and mean gain
>= 0.025; set 2 learned as well (mean ``recall2_gain`` >= -0.03; ``recall2_learned`` >= 0.1);
the premise (``interference`` >= 0.04); replay (``replay1_sleep`` >= 0.1 and
``replay1_excess`` >= 0.05 events/s per assembly); ``wake1_identical`` = 1. Reduced scale
(200 + 50 neurons, assemblies of 20, shorter phases, seeds 0 and 1) with loose margins.

Measured (``neuroplastic reproduce sleep-replay``, seeds 10-29, 192 s of CPU): every target
met. Paired set-1 gain +0.042 +- 0.006 (s.e.), 20 of 20 seeds positive, t-test p = 1.8e-7;
set-1 recall at the end 0.175 with sleep, 0.133 without; set 2 0.235 and 0.190; interference
0.085; replay 0.245 events/s per set-1 assembly against 0.059 for groups of no memory and
0.0003 shuffled.

References: Gonzalez OC, Sokolov Y, Krishnan GP, Delanois JE, Bazhenov M (2020) eLife
9:e51005 (sleep protects old memories from interference in a thalamocortical model).
Litwin-Kumar A, Doiron B (2014) Nat Commun 5:5319 (assemblies, normalisation, spontaneous
reactivation). Pfister JP, Gerstner W (2006) J Neurosci 26:9673 (triplet STDP). Brette R,
Gerstner W (2005) J Neurophysiol 94:3637 (AdEx). Tononi G, Cirelli C (2014) Neuron 81:12
(sleep and synaptic downscaling).
"""
from __future__ import annotations

import math
import time

import numpy as np

from .. import Network
from ..errors import ValidationError
from . import _sleep_network as sn
from ._sleep_figures import gains_figure, recall_figure, replay_figure
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    n_exc=Param(400, "excitatory neurons", ge=1),
    n_inh=Param(100, "inhibitory neurons", ge=1),
    p_connect=Param(0.4, "connection probability of every ordered pair (no autapses)", gt=0, le=1),
    n_assemblies=Param(4, "assemblies per set", ge=1),
    assembly_size=Param(40, "neurons per assembly", ge=2),
    overlap=Param(20, "neurons a set-2 assembly shares with its set-1 partner", ge=0),
    c_m=Param(200.0, "membrane capacitance (E and I)", "pF", gt=0),
    g_l=Param(10.0, "leak conductance (E and I)", "nS", gt=0),
    e_l=Param(-60.0, "leak reversal and reset potential", "mV"),
    v_t=Param(-50.0, "AdEx threshold V_T (E); LIF threshold (I)", "mV"),
    delta_t=Param(2.0, "AdEx slope factor", "mV", gt=0),
    v_peak=Param(-30.0, "AdEx spike cut-off", "mV"),
    tau_w=Param(500.0, "adaptation time constant (E)", "ms", gt=0),
    b_adapt=Param(20.0, "spike-triggered adaptation increment (E)", "pA", ge=0),
    t_ref=Param(5.0, "refractory period", "ms", ge=0),
    tau_e=Param(5.0, "excitatory conductance time constant", "ms", gt=0),
    tau_i=Param(10.0, "inhibitory conductance time constant", "ms", gt=0),
    e_e=Param(0.0, "excitatory reversal potential", "mV"),
    e_i=Param(-80.0, "inhibitory reversal potential", "mV"),
    delay=Param(1.5, "delay of every recurrent synapse", "ms", ge=0),
    w_ee=Param(0.3, "initial E->E weight (and mean of the normalisation target)", "nS", gt=0),
    w_ee_max=Param(2.5, "upper bound of the E->E weights", "nS", gt=0),
    w_ei=Param(0.5, "E->I weight", "nS", ge=0),
    w_ie=Param(6.0, "I->E weight", "nS", ge=0),
    w_ii=Param(4.0, "I->I weight", "nS", ge=0),
    wake_rate=Param(1000.0, "drive of every neuron in wake (and in the probes)", "Hz", ge=0),
    sleep_rate_exc=Param(1300.0, "drive of every E neuron in the off phases (spontaneous drive)", "Hz", ge=0),
    sleep_rate_inh=Param(650.0, "drive of every I neuron in the off phases", "Hz", ge=0),
    w_drive=Param(0.5, "drive weight", "nS", ge=0),
    stim_rate=Param(2000.0, "stimulus (and cue) rate on a shown assembly's neurons", "Hz", ge=0),
    w_stim=Param(1.0, "stimulus weight", "nS", ge=0),
    stdp_scale=Param(14.0, "learning-rate factor on the published triplet amplitudes (x w_ee_max)", ge=0),
    norm_period=Param(100.0, "interval of the incoming weight normalisation", "ms", gt=0),
    ach_wake=Param(1.0, "acetylcholine level in wake (gate = 1)", ge=0),
    ach_sleep=Param(0.2, "acetylcholine level in the off phases", ge=0),
    ach_gain=Param(0.625, "gate slope: learning rate x max(0, 1 + ach_gain (ACh - ach_wake))"),
    ach_tau=Param(50.0, "acetylcholine time constant", "ms", gt=0),
    n_presentations=Param(10, "presentations of each assembly per wake phase", ge=1),
    t_on=Param(100.0, "stimulus on per presentation", "ms", gt=0),
    t_off=Param(100.0, "stimulus off after each presentation", "ms", ge=0),
    t_sleep=Param(8000.0, "duration of each off phase (sleep or rest)", "ms", gt=0),
    cue_fraction=Param(0.5, "fraction of an assembly cued in a recall probe", gt=0, lt=1),
    t_settle=Param(200.0, "probe: time before the first cue", "ms", ge=0),
    t_cue=Param(200.0, "probe: cue duration", "ms", gt=0),
    t_gap=Param(100.0, "probe: time after each cue", "ms", ge=0),
    probes_per_phase=Param(2, "recall probes per phase, evenly spaced (the last at its end)", ge=1),
    replay_bin=Param(20.0, "replay detection bin", "ms", gt=0),
    replay_fraction=Param(0.4, "fraction of an assembly's own neurons active in a bin for an event", gt=0, le=1),
    n_shuffles=Param(5, "circular shuffles for the replay baseline", ge=1),
    max_rate=Param(200.0, "runaway stop: population mean rate", "Hz", gt=0),
    dt=Param(0.1, "time step", "ms", gt=0),
    control=Param("rest", "the control's off phases: rest (sleep drive, every rule off) or awake (wake drive "
                  "and acetylcholine, rules on, no stimulus)", choices=("rest", "awake")),
    seeds=Param(tuple(range(10, 30)), "seeds of the paired comparison (empty: the single --seed)", ge=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("overlap", "<", "assembly_size"), Relation("t_gap", ">=", "dt"))

REDUCED = dict(n_exc=200, n_inh=50, p_connect=0.8, assembly_size=20, overlap=10, n_presentations=6, t_sleep=4000.0,
               probes_per_phase=1, seeds=(0, 1))

STAGES = ("wake1", "off1", "wake2", "off2")
CONDITIONS = ("control", "sleep")


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Both conditions for ``seed``, or, when ``config["seeds"]`` lists seeds, for each
    listed seed (``seed`` is then not used) with the paired statistics of the gains."""
    seeds = [int(x) for x in config["seeds"]]
    _check_layout(config)
    if not seeds:
        return _combine(config, [seed], [_run_seed(config, seed, progress)])
    if len(set(seeds)) != len(seeds):
        raise ValidationError("Experiment 'sleep-replay'", "seeds", config["seeds"], "must not repeat a seed")
    results = []
    for k, sd in enumerate(seeds):
        results.append(_run_seed(config, sd, False))
        if progress:
            m = results[-1]["metrics"]
            print(f"sleep-replay: seed {sd} ({k + 1}/{len(seeds)}): set-1 recall control "
                  f"{m['recall1_control_off2']:.3f} sleep {m['recall1_sleep_off2']:.3f}", flush=True)
    return _combine(config, seeds, results)


def _check_layout(c: dict) -> None:
    need = int(c["n_assemblies"]) * (2 * int(c["assembly_size"]) - int(c["overlap"]))
    if need > int(c["n_exc"]):
        raise ValidationError("Experiment 'sleep-replay'", "n_exc", c["n_exc"],
                              f"must hold both sets: n_assemblies * (2 assembly_size - overlap) = {need}")


def _run_seed(c: dict, seed: int, progress: bool) -> dict:
    """Both conditions of one seed: recall time courses, spikes, weights, metrics."""
    t0 = time.perf_counter()
    mem = sn.memories(c, seed)
    runs, probe_net, cache = {}, None, {}
    for condition in CONDITIONS:
        net = Network(sn.build(c, c["control"] if condition == "control" else condition), seed=seed)
        if probe_net is None:                               # same connectivity in both: same seed
            probe_net = Network(sn.build_probe(c, net), seed=seed + 1)
        runs[condition] = _run_condition(c, seed, net, probe_net, mem, cache)
        if progress:
            print(f"sleep-replay: seed {seed} {condition} done at {net.t:.0f} ms", flush=True)
    metrics = _seed_metrics(c, mem, runs)
    metrics["wake1_identical"] = int(np.array_equal(runs["control"]["w_wake1"], runs["sleep"]["w_wake1"]))
    metrics["wall_s"] = time.perf_counter() - t0
    return dict(seed=seed, metrics=metrics, runs=runs, memories=mem)


def _run_condition(c, seed, net, probe_net, mem, cache) -> dict:
    """The four phases with ``probes_per_phase`` recall probes each (and one at t = 0).

    ``cache`` (probe index -> (E->E weights, recall)) holds the first condition's
    probes up to the end of wake-1; the second reuses one when its weights are identical
    (both conditions are the same network until wake-1 ends)."""
    rng = np.random.default_rng([int(seed), 41])            # presentation order: same in both conditions
    n_probe = int(c["probes_per_phase"])
    times, values = [], []

    def probe(shareable: bool) -> None:
        w, k = net.weights("ee"), len(values)
        hit = cache.get(k)
        r = hit[1] if hit is not None and np.array_equal(hit[0], w) else sn.recall(probe_net, c, w, mem)
        if shareable and hit is None:
            cache[k] = (w.copy(), r)
        times.append(net.t)
        values.append(r)

    probe(True)
    for phase in range(4):
        if phase % 2 == 0:
            for chunk in np.array_split(np.arange(int(c["n_presentations"])), n_probe):
                for _ in chunk:
                    sn.present(net, c, mem.set1 if phase == 0 else mem.set2, rng)
                probe(phase == 0)
            if phase == 0:
                w_wake1 = net.weights("ee").copy()
        else:
            for _ in range(n_probe):
                net.run(float(c["t_sleep"]) / n_probe)
                probe(False)
    i, t = net.spikes("exc")
    pre, post = net.synapses("ee")
    return dict(t=np.array(times), recall=np.array(values), spike_i=np.asarray(i), spike_t=np.asarray(t),
                w=net.weights("ee").copy(), w_wake1=w_wake1, pre=np.asarray(pre), post=np.asarray(post))


def phase_ends(c: dict) -> dict:
    """End time (ms) of each phase: wake1, off1, wake2, off2."""
    t_w, t_s = sn.wake_duration(c), float(c["t_sleep"])
    return dict(zip(STAGES, np.cumsum([t_w, t_s, t_w, t_s])))


def _stage_index(run: dict, t_end: float) -> int:
    return int(np.argmin(np.abs(run["t"] - t_end)))


def _within(run: dict, assemblies) -> float:
    """Mean E->E weight between members of the same assembly (nS)."""
    pre, post, w = run["pre"], run["post"], run["w"]
    sel = np.zeros(len(pre), bool)
    for a in assemblies:
        sel |= np.isin(pre, a) & np.isin(post, a)
    return float(w[sel].mean()) if sel.any() else math.nan


def _replay(c: dict, run: dict, own, windows, rng) -> tuple[float, float]:
    """Events per second per assembly in ``windows`` [(t0, t1)], and the shuffled baseline."""
    i, t = run["spike_i"], run["spike_t"]
    b = float(c["replay_bin"])
    real, shuffled, seconds = 0.0, 0.0, sum(t1 - t0 for t0, t1 in windows) / 1000.0
    for neurons in own:
        need = max(1, int(math.ceil(c["replay_fraction"] * len(neurons))))
        for t0, t1 in windows:
            real += sn.count_events(i, t, neurons, t0, t1, b, need)
            shuffled += sn.shuffled_events(i, t, neurons, t0, t1, b, need, rng, int(c["n_shuffles"]))
    return real / seconds / len(own), shuffled / seconds / len(own)


def _control_groups(c: dict, mem) -> list:
    """Groups of neurons in no memory, as many and as large as the set-1 assemblies' own
    neurons (a fixed draw): their events measure network-wide co-activation."""
    free = np.setdiff1d(np.arange(int(c["n_exc"])), np.concatenate(mem.assemblies))
    size = min(len(o) for o in mem.own[:mem.n_per_set])
    n = min(mem.n_per_set, len(free) // max(size, 1))
    if n == 0:
        return [free] if free.size else [np.zeros(0, np.int64)]
    order = np.random.default_rng(7).permutation(free)
    return [np.sort(order[g * size:(g + 1) * size]) for g in range(n)]


def _seed_metrics(c: dict, mem, runs: dict) -> dict:
    ends, k = phase_ends(c), mem.n_per_set
    t_w = sn.wake_duration(c)
    off1, off2 = (ends["wake1"], ends["off1"]), (ends["wake2"], ends["off2"])
    m = {}
    for cond, run in runs.items():
        for stage, t_end in ends.items():
            r = run["recall"][_stage_index(run, t_end)]
            m[f"recall1_{cond}_{stage}"] = float(r[:k].mean())
            m[f"recall2_{cond}_{stage}"] = float(r[k:].mean())
        rng = np.random.default_rng(12345)
        m[f"replay1_{cond}"], m[f"replay1_{cond}_shuffled"] = _replay(c, run, mem.own[:k], [off1, off2], rng)
        m[f"replay2_{cond}"], m[f"replay2_{cond}_shuffled"] = _replay(c, run, mem.own[k:], [off2], rng)
        m[f"coactive_nomemory_{cond}"] = _replay(c, run, _control_groups(c, mem), [off1, off2], rng)[0]
        i, t = run["spike_i"], run["spike_t"]
        n_e = int(c["n_exc"])
        m[f"rate_wake_{cond}"] = float(np.count_nonzero(t < t_w) / n_e / (t_w / 1000.0))
        m[f"rate_off_{cond}"] = float(np.count_nonzero((t >= off1[0]) & (t < off1[1])) / n_e
                                      / ((off1[1] - off1[0]) / 1000.0))
        m[f"w_set1_{cond}"], m[f"w_set2_{cond}"] = _within(run, mem.set1), _within(run, mem.set2)
    r0 = runs["control"]["recall"][0]
    m.update(recall1_start=float(r0[:k].mean()), recall2_start=float(r0[k:].mean()),
             replay1_excess=m["replay1_sleep"] - m["coactive_nomemory_sleep"],
             replay1_over_shuffled=m["replay1_sleep"] - m["replay1_sleep_shuffled"],
             recall1_gain=m["recall1_sleep_off2"] - m["recall1_control_off2"],
             recall2_gain=m["recall2_sleep_off2"] - m["recall2_control_off2"],
             interference=m["recall1_control_off1"] - m["recall1_control_wake2"],
             recall2_learned=m["recall2_control_off2"] - float(r0[k:].mean()))
    return m


def _combine(config: dict, seeds: list, results: list) -> Result:
    """Means over seeds; paired statistics of the set-1 gains (t-test and sign test)."""
    from scipy import stats

    first = results[0]
    keys = first["metrics"].keys()
    m = {key: float(np.mean([r["metrics"][key] for r in results])) for key in keys}
    m["wake1_identical"] = int(min(r["metrics"]["wake1_identical"] for r in results))
    m["wall_s"] = float(sum(r["metrics"]["wall_s"] for r in results))
    gains = np.array([r["metrics"]["recall1_gain"] for r in results])
    gains2 = np.array([r["metrics"]["recall2_gain"] for r in results])
    n_pos, n_nonzero = int((gains > 0).sum()), int((gains != 0).sum())
    several = gains.size > 1
    m.update(n_seeds=len(seeds),
             recall1_gain_se=float(gains.std(ddof=1) / np.sqrt(gains.size)) if several else math.nan,
             recall2_gain_se=float(gains2.std(ddof=1) / np.sqrt(gains2.size)) if several else math.nan,
             recall1_gain_min=float(gains.min()), recall1_gain_max=float(gains.max()),
             seeds_gain_positive=n_pos,
             recall1_gain_p_one_sided=float(stats.ttest_1samp(gains, 0.0, alternative="greater").pvalue)
             if several else math.nan,
             sign_test_p=float(stats.binomtest(n_pos, n_nonzero, 0.5, alternative="greater").pvalue)
             if n_nonzero else math.nan)
    recordings = {"seeds": dict(seed=np.array(seeds), **{
        key: np.array([r["metrics"][key] for r in results]) for key in
        ("recall1_gain", "recall2_gain", "interference", "recall1_control_off2", "recall1_sleep_off2",
         "recall2_control_off2", "recall2_sleep_off2", "replay1_sleep", "replay1_sleep_shuffled")})}
    for cond in CONDITIONS:
        recordings[f"recall_{cond}"] = dict(t=first["runs"][cond]["t"],
                                            recall=np.stack([r["runs"][cond]["recall"] for r in results]))
        recordings[f"spikes_{cond}"] = dict(i=first["runs"][cond]["spike_i"], t=first["runs"][cond]["spike_t"])
    figures = {"recall": recall_figure(config, results, m),
               "replay": replay_figure(config, first, _control_groups(config, first["memories"])),
               "gains": gains_figure(seeds, gains, gains2, m)}
    notes = [f"seeds {seeds[0]}..{seeds[-1]} ({len(seeds)}): metrics are means over seeds; the replay raster "
             f"and the spike recordings are seed {seeds[0]}'s"] if len(seeds) > 1 else []
    return Result(config=dict(config), metrics=m, figures=figures, recordings=recordings, notes=notes)


EXPERIMENT = register(Experiment(
    name="sleep-replay",
    summary="two sets of assemblies learned one after the other: sleep (replay + plasticity) protects the first",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        Target("recall1_gain_p_one_sided", 0.0, 0.01, "sleep protects set 1: one-sided t-test of the paired "
               "gains (sleep - control set-1 recall at the end), seeds 10-29 (pre-registered)", scales=("full",)),
        Target("recall1_gain", 0.025, None, "mean paired set-1 gain >= 0.025 (pre-registered margin: half the "
               "exploratory mean of seeds 0-9)", scales=("full",)),
        Target("recall1_gain", 0.02, None, "set-1 recall higher with sleep (loose margin, reduced scale)",
               scales=("reduced",)),
        Target("recall2_gain", -0.03, None, "set 2 learned as well with sleep (non-inferiority, margin 0.03)",
               scales=("full",)),
        Target("recall2_gain", -0.05, None, "set 2 learned as well with sleep (loose margin)", scales=("reduced",)),
        Target("interference", 0.04, None, "without sleep, learning set 2 costs set 1 >= 0.04 of recall (the "
               "premise)", scales=("full",)),
        Target("interference", 0.02, None, "without sleep, learning set 2 costs set 1 recall (loose margin)",
               scales=("reduced",)),
        Target("recall2_learned", 0.1, None, "set 2 is learned in the control (recall gained over wake 2)",
               scales=("full",)),
        Target("recall2_learned", 0.05, None, "set 2 is learned in the control (loose margin)", scales=("reduced",)),
        Target("replay1_sleep", 0.1, None, "set-1 assemblies replay in sleep (events/s per assembly)",
               scales=("full",)),
        Target("replay1_excess", 0.05, None, "set-1 replay above co-activation of groups of no memory "
               "(events/s per assembly)", scales=("full",)),
        Target("replay1_over_shuffled", 0.05, None, "set-1 replay above the shuffled baseline (events/s per "
               "assembly)", scales=("reduced",)),
        Target("wake1_identical", 1, 1, "both conditions are the same network until wake 1 ends (bit for bit)")),
    reference="Gonzalez OC et al. (2020) eLife 9:e51005; Litwin-Kumar A, Doiron B (2014) Nat Commun 5:5319",
))
