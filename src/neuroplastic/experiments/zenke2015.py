"""``zenke2015``: orchestrated plasticity forms and recalls cell assemblies.

Zenke, Agnes & Gerstner 2015 (Nat Commun 6:6922), Fig. 3, as the authors'
scripts run it (github.com/fzenke/pub2015orchestrated at 62e38a3:
``sim_rc_p10c``, ``globalvars.sh``, ``1run_init.sh``, ``2run_learn.sh``,
``3run_cued.sh``; shared/reference/canonical-results.md section 7).

Network (full scale): 4,096 excitatory and 1,024 inhibitory
:class:`~neuroplastic.model.aif.AIF` neurons (E: AMPA/NMDA ratio 0.2,
adaptation 0.1 g_L per spike, tau 100 ms; I: ratio 0.3, no adaptation),
recurrent connection probability 0.1; 4,096 Poisson inputs on a 64 x 64 grid
at 5 Hz, to E only: each E neuron receives the 197 inputs within 8 pixels of
its place on the grid (4.8 %; the authors' ``rf_discsR8.mtx``, the external
sparseness 0.05). Weights are conductances in units of the leak conductance:
E->E 0.1 and input->E 0.3 (plastic,
:class:`~neuroplastic.plasticity.orchestrated.OrchestratedPlasticity`, with
Tsodyks-Markram STP U = 0.2, tau_d = 150 ms, tau_f = 600 ms), E->I 0.6 (STP,
static), I->I 0.2 (static), I->E 0.15 (plastic,
:class:`~neuroplastic.plasticity.inhibitory.GlobalInhibitorySTDP`, eta 2e-5,
target population rate 4 Hz, tau_hom 10 s). Weights in [0, 5].

The initial input weight is not the scripts' ``--wext 0.1``: the scripts load
the disc fields from ``rf_discsR8.mtx`` scaled by xi = 1, which replaces that
value, and the file's weights are not in the sources read here. With 0.1 the
network stays near silence (0.12 Hz over the first 30 s at full scale, 0.08 Hz
over 60 s at 512 E: the transmitter-induced term would need ~15 min to double
the input weights); with 0.3 the full-scale network fired at 2-4 Hz over its
first 240 s (docs/orchestrated.md). ``--set w_ext=0.1`` runs the scripts' value.

Protocol: three phases of 3,600 s (``init``, ``learn``, ``recall``). Four
binary shapes (ring, square, X, triangle; experiments/_stimuli.py) raise
their inputs by 25 Hz while shown: init 1 s on / 2 s off, learn 1 s on / 20 s
off, recall shows the left half of each shape (50 % cue) for 0.5 s with 20 s
off (on durations normal with sd on/3, off exponential, as the authors'
StimulusGroup). Plasticity stays on throughout.

Measured (definitions fixed before the first full-scale run):

* ``rate_exc_min`` / ``rate_exc_max``: the lowest and highest E population
  rate over ``band_bin_ms`` bins (60 s) after the first bin;
  ``rate_exc_<phase>`` the mean per phase; ``rate_inh_mean``.
* Assemblies, from the learn phase: neuron i belongs to assembly k when its
  rate while shape k is shown is at least twice its rate during every other
  shape and twice its rate without stimulus (and >= 1 Hz).
  ``assembly_size_min``; ``assembly_weight_index``: mean E->E weight between
  neurons of the same assembly divided by the mean E->E weight (1 without
  structure); ``assembly_weight_between``: mean weight between different
  assemblies divided by the mean.
* Recall, from the recall phase: for each cue of shape k, the rate of
  assembly k in the 500 ms after the onset (evoked) and in the 1 s before
  (background); per shape, averaged over its cues, ``recall_ratio`` = evoked
  / background and ``recall_specificity`` = evoked / the largest evoked rate
  of another assembly during the same cues; ``_min`` over the four shapes.
* Ablations (``ablations=true`` runs both after the main run; each one alone
  is ``--set heterosynaptic=false`` or ``--set transmitter=false``): the init
  phase with the term removed, stopped as runaway when the E rate over a
  10 s bin exceeds 20 Hz (the authors' rate checker); ``ablation_<name>`` is 2
  (runaway), 0 (silent: E rate below 0.5 Hz over the last 5 min) or 1
  (neither), with the time and rates.

Recordings are bounded (experiments/_phases.py): rates in 1 s bins,
per-neuron counts in 10 s bins, selectivity sums in 10 min blocks, per-
assembly PSTHs around cues, a sample of weights every 60 s.

Stopping and continuing (experiments/_zenke_resume.py): with
``--set checkpoint_dir=DIR`` the run saves the network and the loop's state
(recordings, assemblies, phase and its start, stimulus shown, open cue
windows, runaway check, outcome, seconds per phase) at every multiple of
``checkpoint_every`` ms (a multiple of ``grid_ms``; 10 min by default) and at
the end of each phase, in ``DIR/main`` and ``DIR/without-<term>`` for the
ablations. The same command run again continues whichever part was running,
with the spikes of a run never stopped, and reads back the parts that
finished; a folder of another configuration or seed is refused. ``cpu_s`` and
``sim_wall_s`` add up the parts, ``wall_s`` is the last part's.
"""
from __future__ import annotations

import os
import time

import numpy as np

from .. import (AIF, FixedProbability, Pairs, GlobalInhibitorySTDP, Model, Network, OrchestratedPlasticity,
                PoissonInput, Population, PresynapticTsodyksMarkram, Projection, RateMonitor, WeightMonitor)
from ..plasticity.orchestrated import authors_bistability
from ..progress import RunProgress
from . import _zenke_figures as figs_
from ._phases import Counts, Outcome, Psth, _on_grid, run_phase
from ._zenke_resume import CheckpointFolder, Position, check, config_key, part_folder
from ._zenke_metrics import assembly_labels, assembly_rates, recall_metrics, weight_indices
from ._stimuli import disc_fields, half_cue, patterns, schedule
from .base import Experiment, Result, Target
from .registry import register
from .parameters import Param, Relation, defaults_of

PHASES = ("init", "learn", "recall")

PARAMETERS = dict(
    n_exc=Param(4096, "excitatory neurons", ge=1),
    n_inh=Param(1024, "inhibitory neurons", ge=1),
    n_inputs=Param(4096, "Poisson inputs (a square number: the stimulus grid)", ge=4),
    n_patterns=Param(4, "shapes shown (ring, square, X, triangle)", ge=1, le=4),
    p_rec=Param(0.1, "recurrent connection probability (E->E, E->I, I->E, I->I)", gt=0, le=1),
    rf_radius=Param(8.0, "input->E: radius of each E neuron's disc of inputs on the grid (pixels)", gt=0),
    w_ee=Param(0.1, "initial E->E weight (units of the leak conductance)", ge=0),
    w_ext=Param(0.3, "initial input->E weight (the authors' come from a file; module doc)", ge=0),
    w_ei=Param(0.6, "E->I weight (the authors' 3 x wei)", ge=0),
    w_ii=Param(0.2, "I->I weight", ge=0),
    w_ie=Param(0.15, "initial I->E weight", ge=0),
    w_max=Param(5.0, "upper bound of the plastic weights", gt=0),
    delay=Param(0.8, "synaptic delay of every projection (Auryn's minimal delay)", "ms", ge=0),
    bg_rate=Param(5.0, "background rate of every input", "Hz", ge=0),
    pattern_rate=Param(25.0, "extra rate of a shape's inputs while it is shown", "Hz", ge=0),
    stp_u=Param(0.2, "STP utilisation U (E->E, input->E, E->I)", gt=0, le=1),
    tau_d=Param(150.0, "STP recovery time constant", "ms", gt=0),
    tau_f=Param(600.0, "STP facilitation time constant", "ms", ge=0),
    eta=Param(1e-3, "E rule: triplet LTP / pair LTD amplitude", ge=0),
    beta=Param(0.04, "E rule: heterosynaptic strength", ge=0),
    delta=Param(2e-5, "E rule: transmitter-induced change per presynaptic spike", ge=0),
    tau_cons=Param(1_200_000.0, "E rule: consolidation time constant", "ms", gt=0),
    w_p=Param(0.5, "E rule: potentiated state of the consolidation variable", gt=0),
    heterosynaptic=Param(True, "keep the heterosynaptic term (false: the ablation)"),
    transmitter=Param(True, "keep the transmitter-induced term (false: the ablation)"),
    eta_inh=Param(2e-5, "I->E rule: learning rate", ge=0),
    kappa=Param(4.0, "I->E rule: target E population rate", "Hz", gt=0),
    tau_hom=Param(10_000.0, "I->E rule: time constant of the population rate estimate", "ms", gt=0),
    init_ms=Param(3_600_000.0, "init phase", "ms", gt=0),
    init_on=Param(1000.0, "init phase: mean stimulus duration", "ms", gt=0),
    init_off=Param(2000.0, "init phase: mean pause", "ms", gt=0),
    learn_ms=Param(3_600_000.0, "learn phase", "ms", gt=0),
    learn_on=Param(1000.0, "learn phase: mean stimulus duration", "ms", gt=0),
    learn_off=Param(20_000.0, "learn phase: mean pause", "ms", gt=0),
    recall_ms=Param(3_600_000.0, "recall phase", "ms", gt=0),
    cue_on=Param(500.0, "recall phase: mean cue duration (and the evoked window)", "ms", gt=0),
    cue_off=Param(20_000.0, "recall phase: mean pause", "ms", gt=0),
    runaway_rate=Param(20.0, "E rate (over a grid bin) at which a run stops as runaway", "Hz", gt=0),
    ablations=Param(True, "also run the init phase without each of the two terms"),
    ablation_ms=Param(3_600_000.0, "longest ablation run", "ms", gt=0),
    grid_ms=Param(10_000.0, "bins of the per-neuron spike counts", "ms", gt=0),
    block_ms=Param(600_000.0, "blocks of the selectivity sums", "ms", gt=0),
    band_bin_ms=Param(60_000.0, "bins of the rate band check", "ms", gt=0),
    psth_ms=Param(50.0, "bins of the recall PSTHs", "ms", gt=0),
    n_weight_sample=Param(2000, "E->E synapses whose weights are sampled every minute", ge=1),
    save_dir=Param("", "directory for a checkpoint of the network at the end of each phase (empty: none)"),
    checkpoint_dir=Param("", "save the run here (DIR/main, DIR/without-<term>) and continue a stopped run from its "
                         "last save (empty: no saves)"),
    checkpoint_every=Param(600_000.0, "biological time between saves (a multiple of grid_ms)", "ms", gt=0),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("band_bin_ms", ">=", "grid_ms"),)

#: Reduced scale: 1,024 E + 256 I with the full scale's in-degrees (p_rec x 4; the same 64 x 64 input grid
#: and receptive fields), phases of minutes; recall cues every ~5 s. (512 E at p_rec 0.8, as dense as it
#: gets, grew a cluster of strong E->E weights and climbed to 10 Hz within two minutes; 1,024 E at 0.4
#: stays near 3 Hz with slowly falling E->E weights, as the full scale does.)
REDUCED = dict(n_exc=1024, n_inh=256, p_rec=0.4, init_ms=120_000.0,
               learn_ms=60_000.0, learn_off=4000.0, recall_ms=120_000.0, cue_off=5000.0, ablations=False,
               ablation_ms=120_000.0, grid_ms=1000.0, block_ms=60_000.0, band_bin_ms=10_000.0)


def excitatory_rule(c: dict) -> OrchestratedPlasticity:
    """The E->E and input->E rule with the configured terms."""
    return OrchestratedPlasticity(eta=c["eta"], beta=c["beta"] if c["heterosynaptic"] else 0.0,
                                  delta=c["delta"] if c["transmitter"] else 0.0, tau_cons=c["tau_cons"],
                                  w_p=c["w_p"], bistability=authors_bistability(c["w_p"]))


def build(c: dict, seed: int = 0) -> Network:
    """The network, its inputs at the background rate."""
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    model = Model(dt=c["dt"], max_rate=250.0)
    model.add(PoissonInput("inp", int(c["n_inputs"]), rate=c["bg_rate"]))
    model.add(Population("exc", n_e, AIF()))
    model.add(Population("inh", n_i, AIF(ampa_nmda_ratio=0.3, adapt_jump=0.0)))
    # x and u per presynaptic neuron, as the authors' simulator keeps them (Auryn's STPConnection); the
    # per-synapse TsodyksMarkram gives the same spikes bit for bit at one exp per synapse instead of per spike
    stp = PresynapticTsodyksMarkram(U=c["stp_u"], tau_rec=c["tau_d"], tau_f=c["tau_f"])
    rule = excitatory_rule(c)
    rec, d, w_max = FixedProbability(c["p_rec"]), c["delay"], c["w_max"]
    pre, post = disc_fields(n_e, int(c["n_inputs"]), c["rf_radius"])
    model.add(Projection("ext", "inp", "exc", Pairs(pre, post), weight=c["w_ext"], delay=d,
                         rules=[stp, rule], w_min=0.0, w_max=w_max))
    model.add(Projection("ee", "exc", "exc", rec, weight=c["w_ee"], delay=d, rules=[stp, rule],
                         w_min=0.0, w_max=w_max))
    model.add(Projection("ei", "exc", "inh", rec, weight=c["w_ei"], delay=d, rules=[stp]))
    model.add(Projection("ii", "inh", "inh", rec, weight=c["w_ii"], delay=d, receptor="inh"))
    model.add(Projection("ie", "inh", "exc", rec, weight=c["w_ie"], delay=d, receptor="inh", w_min=0.0,
                         w_max=w_max, rules=[GlobalInhibitorySTDP(eta=c["eta_inh"], kappa=c["kappa"],
                                                                  tau_hom=c["tau_hom"])]))
    model.add(RateMonitor("exc", bin=1000.0))
    model.add(RateMonitor("inh", bin=1000.0))
    n_ee = int(round(n_e * n_e * c["p_rec"]))
    sample = np.sort(np.random.default_rng(12345).choice(max(n_ee // 2, 1), min(int(c["n_weight_sample"]),
                                                                                 max(n_ee // 2, 1)), replace=False))
    model.add(WeightMonitor("ee", synapses=sample, interval=60_000.0))
    return Network(model, seed=seed)


def phase_spans(c: dict) -> list[tuple[float, float, str]]:
    """(start, stop, name) of the three phases, in ms."""
    spans, t = [], 0.0
    for name in PHASES:
        spans.append((t, t + c[f"{name}_ms"], name))
        t += c[f"{name}_ms"]
    return spans


def simulate(c: dict, seed: int, phases=PHASES, progress: bool = False, checkpoint=None) -> dict:
    """Run ``phases`` (init, learn, recall, in order) of the protocol; the
    recall phase needs the assemblies found in the learn phase. Returns the
    network, recordings, the assemblies, the outcome and timings. With
    ``checkpoint`` (a folder) the run saves itself there every
    ``checkpoint_every`` ms and at the end of each phase, and continues from
    the folder's last save (experiments/_zenke_resume.py)."""
    n_e, n_in = int(c["n_exc"]), int(c["n_inputs"])
    pats = patterns(n_in, int(c["n_patterns"]))
    spans = [s for s in phase_spans(c) if s[2] in phases]
    out = dict(net=None, patterns=pats, cues=[half_cue(p, n_in) for p in pats], labels=np.full(n_e, -1),
               counts=Counts(n_e, len(pats), c["grid_ms"], c["block_ms"]), outcome=Outcome(),
               wall_s={}, cpu_s={}, psth=None)
    folder = None
    if checkpoint is not None:
        folder = CheckpointFolder(checkpoint, config_key(c, seed, [name for _, _, name in spans]))
    at = folder.load(out) if folder is not None and folder.exists() else Position()
    if out["net"] is None:
        out["net"] = build(c, seed)
    t_now = out["net"].t
    bar = RunProgress(enabled=progress, total_ms=(spans[-1][1] if spans else 0.0) - t_now, start_ms=t_now,
                      label="zenke2015")
    with bar:
        _phases(c, out, spans, np.random.default_rng([seed, 2015]), bar.update, folder, at)
    return out


def _phases(c: dict, out: dict, spans, rng, progress, folder=None, at: Position | None = None) -> None:
    """The phases from ``at`` on (default: the first); the schedules of every
    phase are drawn from ``rng`` in order (those of phases done before a resume
    too), so that a resumed run shows the stimuli of a run never stopped."""
    at = at or Position()
    for i, (t0, t1, name) in enumerate(spans):
        on, off = {"init": ("init_on", "init_off"), "learn": ("learn_on", "learn_off"),
                   "recall": ("cue_on", "cue_off")}[name]
        sched = schedule(rng, t0, t1, c[on], c[off], len(out["patterns"]), c["dt"])
        if i >= at.phase and out["outcome"].status != "ok":      # stopped as runaway (or read back so)
            break
        if name == "recall":
            out["psth"] = Psth(out["labels"], len(out["patterns"]), c["psth_ms"], 1000.0, c["cue_on"] + 1500.0)
        if i >= at.phase:
            _phase(c, out, (i, t0, t1, name), sched, progress, folder, at.cursor if i == at.phase else None)


def _phase(c: dict, out: dict, span, sched, progress, folder, cursor) -> None:
    """One phase (``span``: index, start, stop, name), continued from ``cursor``
    when given; wall and CPU seconds add up the parts of a resumed phase."""
    i, t0, t1, name = span
    net, counts, stimuli = out["net"], out["counts"], out["cues"] if name == "recall" else out["patterns"]
    spent = (out["wall_s"].get(name, 0.0), out["cpu_s"].get(name, 0.0)) if cursor is not None else (0.0, 0.0)
    clock = (time.perf_counter(), time.process_time())

    def clock_in() -> None:
        out["wall_s"][name] = spent[0] + time.perf_counter() - clock[0]
        out["cpu_s"][name] = spent[1] + time.process_time() - clock[1]

    def save_inside(net_, cur) -> None:
        if net_.t < t1 - 1e-6 and _on_grid(net_.t, c["checkpoint_every"]):
            clock_in()
            folder.save(out, Position(i, cur), t0)

    out["outcome"] = run_phase(net, c, sched, stimuli, t1, counts, out["psth"] if name == "recall" else None,
                               progress, cursor, save_inside if folder is not None else None)
    clock_in()
    if name == "learn":
        out["labels"] = assembly_labels(counts.responses(t0, t1)[0], len(out["patterns"]))
    if c["save_dir"]:
        net.save(os.path.join(c["save_dir"], f"zenke2015_{name}.npz"), metadata={"phase": name})
    if folder is not None:
        folder.save(out, Position(i + 1), t0)


def rate_metrics(c: dict, rate_e: np.ndarray, rate_i: np.ndarray) -> dict:
    """The E rate band over ``band_bin_ms`` bins (the first bin left out: the
    network starts from rest) and mean rates per phase; rates in 1 s bins."""
    per = int(round(c["band_bin_ms"] / 1000.0))
    m = len(rate_e) // per * per
    binned = rate_e[:m].reshape(-1, per).mean(1) if m else np.array([np.nan])
    checked = binned[1:] if binned.size > 1 else binned
    out = dict(rate_exc_min=float(np.min(checked)), rate_exc_max=float(np.max(checked)),
               rate_exc_mean=float(np.mean(rate_e)) if rate_e.size else float("nan"),
               rate_inh_mean=float(np.mean(rate_i)) if rate_i.size else float("nan"),
               rate_exc_in_band=float(np.mean((checked >= 1.0) & (checked <= 10.0))))
    for t0, t1, name in phase_spans(c):
        part = rate_e[int(t0 // 1000):int(t1 // 1000)]
        out[f"rate_exc_{name}"] = float(part.mean()) if part.size else float("nan")
    return out


def ablation(c: dict, seed: int, term: str) -> dict:
    """The init phase without ``term`` ("heterosynaptic" or "transmitter"), up
    to ``ablation_ms``: outcome 2 = runaway (E rate above ``runaway_rate``), 0 =
    silent (E rate below 0.5 Hz over the last 5 min), 1 = neither."""
    cfg = dict(c, **{term: False, "init_ms": c["ablation_ms"]})
    sim = simulate(cfg, seed, phases=("init",), checkpoint=part_folder(c, f"without-{term}"))
    net = sim["net"]
    rate_e = net.monitor("rate_exc")["rate"]
    last = rate_e[-300:]
    status = 2 if sim["outcome"].status == "runaway" else (0 if last.mean() < 0.5 else 1)
    return dict(outcome=status, t_end_ms=net.t, rate_last_5min=float(last.mean()), rate_max=float(rate_e.max()),
                grid=sim["counts"].grid_array(net.t), cpu_s=sim["cpu_s"]["init"])


OUTCOMES = {0: "silence", 1: "neither", 2: "runaway"}


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """The three phases, the metrics and figures; with ``ablations`` the init
    phase again without each of the two terms."""
    c = config
    check(c)
    wall = time.perf_counter()
    sim = simulate(c, seed, progress=progress, checkpoint=part_folder(c, "main"))
    net, counts, labels = sim["net"], sim["counts"], sim["labels"]
    k_n = len(sim["patterns"])
    rate_e, rate_i = (net.monitor(f"rate_{p}")["rate"] for p in ("exc", "inh"))
    metrics = rate_metrics(c, rate_e, rate_i)
    sizes = np.bincount(labels[labels >= 0], minlength=k_n)
    w, (pre, post) = net.weights("ee"), net.synapses("ee")
    within, between = weight_indices(w, pre, post, labels)
    metrics.update(outcome=OUTCOMES[2] if sim["outcome"].status == "runaway" else "ok",
                   t_end_s=net.t / 1000.0, assembly_sizes=sizes.tolist(), assembly_size_min=int(sizes.min()),
                   assembly_weight_index=within, assembly_weight_between=between,
                   w_ee_mean=float(w.mean()), w_ext_mean=float(net.weights("ext").mean()),
                   w_ie_mean=float(net.weights("ie").mean()),
                   cpu_s=float(sum(sim["cpu_s"].values())), sim_wall_s=float(sum(sim["wall_s"].values())))
    metrics["bio_per_cpu"] = metrics["t_end_s"] / max(metrics["cpu_s"], 1e-9)
    if sim["psth"] is not None and counts.psth:
        rec = recall_metrics(counts.psth, sizes, sim["psth"], c["cue_on"])
        metrics.update(recall_ratio=rec["recall_ratio"].tolist(), recall_specificity=rec["recall_specificity"].tolist(),
                       recall_ratio_min=rec["recall_ratio_min"], recall_specificity_min=rec["recall_specificity_min"],
                       n_cues=len(counts.psth))
    runs = {}
    if c["ablations"]:
        for term in ("heterosynaptic", "transmitter"):
            a = ablation(c, seed, term)
            metrics.update({f"ablation_{term}": a["outcome"], f"ablation_{term}_t_s": a["t_end_ms"] / 1000.0,
                            f"ablation_{term}_rate_last": a["rate_last_5min"],
                            f"ablation_{term}_rate_max": a["rate_max"]})
            runs[f"without {term} term"] = a
    metrics["wall_s"] = time.perf_counter() - wall
    grid = counts.grid_array(net.t)
    figures = _figures(c, sim, rate_e, rate_i, grid, (w, pre, post), runs)
    recordings = {"rates": dict(t=np.arange(rate_e.size) * 1000.0, exc=rate_e, inh=rate_i),
                  "grid_counts": dict(t=np.arange(grid.shape[0]) * c["grid_ms"], counts=grid),
                  "assemblies": dict(label=labels), "weights_ee_final": dict(w=w.astype(np.float32)),
                  "weights_ee_sample": net.monitor("weights_ee")}
    return Result(config=dict(c), metrics=metrics, figures=figures, recordings=recordings,
                  notes=[f"phases: {', '.join(f'{n} {a / 1000:g}-{b / 1000:g} s' for a, b, n in phase_spans(c))}",
                         "weights in units of the leak conductance"])


def _figures(c, sim, rate_e, rate_i, grid, weights, runs) -> dict:
    k_n, labels, counts = len(sim["patterns"]), sim["labels"], sim["counts"]
    net = f"{int(c['n_exc']):,} E + {int(c['n_inh']):,} I AIF neurons, {int(c['n_inputs']):,} inputs"
    t_pop = np.arange(rate_e.size) * 1000.0 + 500.0
    t_grid = (np.arange(grid.shape[0]) + 0.5) * c["grid_ms"]
    figs = {"rates": figs_.rates(t_pop, rate_e, rate_i, t_grid, assembly_rates(grid, labels, k_n, c["grid_ms"]),
                                 phase_spans(c), f"Population and assembly rates (Zenke et al. 2015)\n{net}",
                                 c["grid_ms"] / 1000.0),
            "weight_matrix": figs_.weight_matrix(*weights, labels, f"E→E weights at the end, sorted by assembly\n{net}"),
            "stimuli": figs_.stimuli(sim["patterns"], sim["cues"], int(c["n_inputs"]))}
    if sim["psth"] is not None and counts.psth:
        sizes = np.bincount(labels[labels >= 0], minlength=k_n)
        figs["recall"] = figs_.recall(counts.psth, k_n, sizes, c["psth_ms"], sim["psth"].pre, c["cue_on"],
                                      "Recall: assembly rates around 50 % cues (mean over cues)")
    if runs:
        t_full = (np.arange(grid.shape[0]) + 0.5) * c["grid_ms"]
        end = int(np.ceil(c["init_ms"] / c["grid_ms"]))
        panels = {"all terms (init phase)": (t_full[:end], grid[:end].mean(1) / (c["grid_ms"] * 1e-3), "stable")}
        for name, a in runs.items():
            t = (np.arange(a["grid"].shape[0]) + 0.5) * c["grid_ms"]
            panels[name] = (t, a["grid"].mean(1) / (c["grid_ms"] * 1e-3), OUTCOMES[a["outcome"]])
        figs["ablations"] = figs_.ablations(panels, c["runaway_rate"], "Removing one term of the E rule (init phase)",
                                            c["grid_ms"] / 1000.0)
    return figs


EXPERIMENT = register(Experiment(
    name="zenke2015",
    summary="Orchestrated plasticity (Zenke et al. 2015): assemblies form, 50 % cues recall them, ablations fail",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        Target("rate_exc_max", None, 10.0, "E population rate stays below 10 Hz (60 s bins, all phases)"),
        Target("rate_exc_min", 1.0, None, "E population rate stays above 1 Hz (60 s bins after the first)",
               scales=("full",)),
        Target("assembly_size_min", 40, None, "every shape has an assembly of >= 1 % of the E neurons",
               scales=("full",)),
        Target("assembly_weight_index", 2.0, None, "E->E weights within assemblies >= 2x the mean weight"),
        Target("recall_ratio_min", 3.0, None, "a 50 % cue raises its assembly's rate >= 3x its background"),
        Target("recall_specificity_min", 2.0, None, "... to >= 2x the rate of every other assembly"),
        Target("ablation_heterosynaptic", 2, 2, "without the heterosynaptic term: runaway activity (> 20 Hz)",
               scales=("full",)),
        Target("ablation_transmitter", 0, 0, "without the transmitter-induced term: silence (< 0.5 Hz)",
               scales=("full",)),
    ),
    reference=("Zenke, Agnes & Gerstner 2015, Nat Commun 6:6922; code github.com/fzenke/pub2015orchestrated "
               "(sim_rc_p10c, P10Connection, GlobalPFConnection; run scripts at 62e38a3)"),
))
