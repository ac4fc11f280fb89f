"""``lifetime``: every plasticity family at once, over hours of wake and sleep (issue 16, part 2).

Network (``_lifetime_network.py``): ``n_exc`` excitatory and ``n_inh`` inhibitory
conductance-based LIF neurons (C = 200 pF, g_L = 10 nS, E_L = reset = -60 mV, threshold
-50 mV + theta, t_ref = 5 ms; E_e = 0, E_i = -80 mV, tau_e = 5, tau_i = 10 ms), every
ordered pair of the four recurrent projections connected with ``p_connect``, delay 1.5 ms.
Every neuron has a private Poisson drive; each E neuron a stimulus line. A smaller
network of the kind of ``zenke2015`` (recurrent E/I with STP on E->E, plastic E->E and
I->E): LIF neurons in place of AIF because the intrinsic rule moves the threshold offset
``theta`` that AIF resets at every spike; the size is chosen for the speed target
(docs/lifetime.md, "Speed").

Families, all on at once (each a boolean parameter; ``false`` removes it from the model):

* synaptic: minimal triplet STDP (Pfister & Gerstner 2006; amplitudes x ``stdp_scale`` x
  ``w_ee_max``) on E->E; Tsodyks-Markram depression (``stp_u``, ``stp_tau_rec``) on E->E;
* ``consolidation``: :class:`~neuroplastic.Consolidation` (bistable w~, tau ``tau_cons``,
  w_P ``w_p``; its heterosynaptic pull ``beta_het``; Zenke et al. 2015);
* ``dopamine``: :class:`~neuroplastic.RewardModulatedSTDP` (eligibility 1 s) read from a
  dopamine modulator (tau ``da_tau``) released after each presentation of the rewarded
  pattern (``da_release``);
* ``homeostasis``: :class:`~neuroplastic.WeightNormalization` of every E neuron's incoming
  E->E weight towards ``w_total`` every ``norm_period``, the fraction ``norm_step`` of the way
  (design (d), full scale: 0.01, a soft normalisation with a time constant of about 10 s; the
  hard one handed the unshown assemblies' input to the background, docs/lifetime.md);
* ``inhibitory``: :class:`~neuroplastic.GlobalInhibitorySTDP` on I->E (the population rate held
  at ``target_rate``; Zenke et al. 2015; a per-neuron set point silences the assemblies, see
  docs/lifetime.md); the neurons a stimulus drives are left out of that rate while it drives
  them (``istdp_counts_stimulus`` false; counted, they pushed the rest to ~1 Hz and built an
  inhibition surplus onto the assemblies);
* ``intrinsic``: :class:`~neuroplastic.ThresholdHomeostasis` of the E thresholds, and in
  sleep a second one ``sleep_ip`` times as fast (design (d), full scale: 10; it evens out the
  threshold and inhibition surplus the assemblies gain in wake);
* ``structural``: :class:`~neuroplastic.PruneAndRegrow` on E->E (synapses below
  ``prune_below`` pruned, as many grown between co-active neurons, every
  ``structural_period``);
* ``sleep``: the off phases are sleep (no stimulus, spontaneous drive ``sleep_rate_*``, no
  dopamine, STDP x ``sleep_stdp``: 1/900 at full scale, 0.2 for the 30 s reduced phases, the
  same integral; more over a 90 min sleep rewires the replaying assemblies into cliques that
  drive the background, see docs/lifetime.md); ``false``: rest with the wake drive.

Protocol (``_lifetime_protocol.py``): wake 1 (set 1 of ``n_per_set`` patterns, each shown
``t_on`` ms then ``t_off`` ms without, in random order, for ``t_wake``), sleep 1
(``t_sleep``), wake 2 (set 2; its first pattern rewarded), sleep 2, a rest baseline
(``t_baseline``, wake drive, no stimulus, STDP x ``rest_stdp``), a lesion of
``lesion_fraction`` of the E neurons, recovery (``t_recover``, as the rest, with the incoming
normalisation's step x ``recovery_norm``: 0 at full scale, design (e)), a final recall test.
``rest_stdp`` is 1 for the 40 s of rest and recovery at reduced scale and 1/105 for
the 70 min at full scale (the same integral): 60 min of spontaneous activity with full STDP
rewire the assemblies as sleep did (docs/lifetime.md). A control copy (the stored state
just before the lesion; same lesioned neurons) recovers with structural, normalisation,
inhibitory and intrinsic plasticity off. ``gap_stdp`` != 1 (a pilot option, 1 by default)
runs the triplet rule x ``gap_stdp`` between presentations in wake (phase wake-gap).

Recall (``_lifetime_network.recall``): on a stored copy of the state with every rule off,
the cued half of a pattern (living neurons) is driven for ``t_cue`` ms; recall =
(r_uncued - r_others) / (r_cued - r_others) (1: the uncued half fires like the cued one;
0: like the rest). Probes after every phase; they change nothing.

Metrics: ``rate_exc_min`` / ``rate_exc_max`` (E rate over ``band_ms`` windows, the whole
run after the first window, control copy excluded); ``recall_<k>`` at the end,
``recall_min``, ``recall_rewarded``, ``recall_unrewarded`` (mean of the others),
``reward_advantage`` (rewarded - unrewarded); ``recall_static`` (mean, control copy) and
``lesion_advantage`` = ``recall_mean`` - ``recall_static``; ``rate_recovery`` = E rate over
the last ``t_window`` of recovery / E rate over the baseline; ``rate_recovery_static``;
recall means after each phase; wall time by part; ``peak_rss_mb``. With ``seeds``: means
over seeds, except ``rate_exc_min`` (min), ``rate_exc_max`` and ``recall_min`` (min over
seeds), and ``seeds_reward_positive``, ``seeds_lesion_positive``.

Ablations (``ablations=true``): after the main run, the same protocol on
``ablation_seeds`` with each family switched off in turn; table rows in
``recordings["ablations"]``, metrics ``ablation_<family>_<metric>`` and a figure. A row whose
run blows up (NaN or runaway: a SimulationError) is NaN with the time it stopped
(``ablation_<family>_stopped_ms``).
"""
from __future__ import annotations

import resource
import sys
import time

import numpy as np

from .. import Network
from ..errors import SimulationError, ValidationError
from . import _lifetime_figures as figs
from . import _lifetime_network as ln
from . import _lifetime_protocol as lp
from ._lifetime_params import DEFAULTS, PARAMETERS, REDUCED, RELATIONS
from .base import Experiment, Result, Target
from .registry import register

#: The properties each ablation row reports (metric, larger is better).
PROPERTIES = ("rate_exc_min", "rate_exc_max", "recall_mean", "recall_min", "reward_advantage",
              "rate_recovery", "lesion_advantage")


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """The protocol for ``seed`` or for each of ``config["seeds"]``; the ablations if asked."""
    c = dict(config)
    if ln.check_layout(c) > int(c["n_exc"]):
        raise ValidationError("Experiment 'lifetime'", "n_exc", c["n_exc"],
                              f"must hold the patterns: 2 n_per_set assembly_size = {ln.check_layout(c)}")
    seeds = [int(s) for s in c["seeds"]] or [int(seed)]
    if len(set(seeds)) != len(seeds):
        raise ValidationError("Experiment 'lifetime'", "seeds", c["seeds"], "must not repeat a seed")
    results = [_seed(c, s, progress) for s in seeds]
    m = combine([r["metrics"] for r in results])
    recordings = {"timeline": results[0]["timeline"].array(),
                  "seeds": {"seed": np.array(seeds), **{k: np.array([r["metrics"][k] for r in results])
                                                        for k in PROPERTIES}}}
    figures = {"timeline": figs.timeline(c, results[0])}
    if c["ablations"]:
        table = ablation_table(c, m, progress)
        recordings["ablations"] = table
        figures["ablations"] = figs.ablation_figure(table)
        for row, family in enumerate(table["family"]):
            for key in PROPERTIES + ("stopped_ms",):
                m[f"ablation_{family}_{key}"] = float(table[key][row])
    m["peak_rss_mb"] = peak_rss_mb()
    notes = [f"seeds {seeds}: metrics are means over seeds (rate_exc_min, recall_min: minimum; rate_exc_max: "
             f"maximum); the timeline figure is seed {seeds[0]}'s"]
    return Result(config=c, metrics=m, figures=figures, recordings=recordings, notes=notes)


def _seed(c: dict, seed: int, progress: bool) -> dict:
    """One run of the protocol (module doc): metrics and the timeline."""
    t_start = time.perf_counter()
    pats, tl = ln.patterns(c, seed), lp.Timeline()
    t0 = time.perf_counter()
    net = Network(ln.build(c), seed=seed)
    tl.clock("build", time.perf_counter() - t0)
    rng = np.random.default_rng([seed, 1616])
    off = "sleep" if c["sleep"] else "rest"
    first, second = list(pats.members[:pats.n_first]), list(pats.members[pats.n_first:])
    stages = {}
    for name, phase, span, shown, reward in (("wake1", "wake", c["t_wake"], first, -1),
                                             ("sleep1", off, c["t_sleep"], (), -1),
                                             ("wake2", "wake", c["t_wake"], second, 0),
                                             ("sleep2", off, c["t_sleep"], (), -1)):
        lp.phase(net, c, phase, span, tl, shown, reward, rng)
        stages[name] = lp.probe(net, c, pats, tl)
        if progress:
            print(f"lifetime: seed {seed} {name} done at {net.t / 60000:.1f} min: recall "
                  f"{np.round(stages[name], 2)}", flush=True)
    lp.phase(net, c, "recover", c["t_baseline"], tl)
    rate_pre = lp.mean_rate(tl, net.t - c["t_baseline"], net.t)
    net.store("before-lesion")
    static = _recover(net, c, pats, seed, "recover-static")
    net.restore("before-lesion")
    final = _recover(net, c, pats, seed, "recovery", tl)
    m = _metrics(c, pats, stages, final, static, rate_pre, tl)
    m["wall_s"] = time.perf_counter() - t_start
    for part, seconds in tl.wall.items():
        m[f"wall_{part.replace(' ', '_')}_s"] = seconds
    if progress:
        print(f"lifetime: seed {seed} done in {m['wall_s']:.0f} s: recall {np.round(final['recall'], 2)}, "
              f"static copy {np.round(static['recall'], 2)}", flush=True)
    return dict(metrics=m, timeline=tl, patterns=pats)


def _recover(net, c: dict, pats, seed: int, phase: str, tl: lp.Timeline | None = None) -> dict:
    """Lesion now, recover in ``phase`` for ``t_recover`` ms, test recall."""
    tl = tl if tl is not None else lp.Timeline()
    t_lesion = net.t
    killed = net.lesion(c["lesion_fraction"], population="exc")
    tl.events.append((t_lesion, f"lesion {c['lesion_fraction']:.0%}"))
    lp.phase(net, c, phase, c["t_recover"], tl)
    rate_post = lp.mean_rate(tl, net.t - c["t_window"], net.t)
    rate_early = lp.mean_rate(tl, t_lesion, t_lesion + c["t_window"])
    return dict(recall=lp.probe(net, c, pats, tl), rate_post=rate_post, rate_early=rate_early,
                killed=np.asarray(killed), timeline=tl)


def _metrics(c, pats, stages, final, static, rate_pre, tl) -> dict:
    lo, hi = lp.band(tl, c["band_ms"], c["band_ms"])
    r, k = final["recall"], pats.rewarded
    others = np.delete(r, k)
    m = dict(rate_exc_min=lo, rate_exc_max=hi, recall_min=float(r.min()), recall_mean=float(r.mean()),
             recall_rewarded=float(r[k]), recall_unrewarded=float(others.mean()),
             reward_advantage=float(r[k] - others.mean()), recall_static=float(static["recall"].mean()),
             lesion_advantage=float(r.mean() - static["recall"].mean()), rate_pre_lesion=rate_pre,
             rate_after_lesion=final["rate_early"], rate_recovered=final["rate_post"],
             rate_recovery=final["rate_post"] / rate_pre if rate_pre > 0 else 0.0,
             rate_recovery_static=static["rate_post"] / rate_pre if rate_pre > 0 else 0.0,
             lesioned_identical=int(np.array_equal(final["killed"], static["killed"])))
    for x, value in enumerate(r):
        m[f"recall_{x}"] = float(value)
    for name, values in stages.items():
        m[f"recall_set1_{name}"] = float(values[:pats.n_first].mean())
        m[f"recall_set2_{name}"] = float(values[pats.n_first:].mean())
    return m


def combine(metrics: list) -> dict:
    """Means over seeds; minima and maxima where a target bounds every seed."""
    m = {key: float(np.mean([x[key] for x in metrics])) for key in metrics[0]}
    m.update(rate_exc_min=min(x["rate_exc_min"] for x in metrics), n_seeds=len(metrics),
             rate_exc_max=max(x["rate_exc_max"] for x in metrics),
             recall_min=min(x["recall_min"] for x in metrics),
             rate_recovery_min=min(x["rate_recovery"] for x in metrics),
             seeds_reward_positive=sum(x["reward_advantage"] > 0 for x in metrics),
             seeds_lesion_positive=sum(x["lesion_advantage"] > 0 for x in metrics),
             lesioned_identical=min(x["lesioned_identical"] for x in metrics))
    return m


def ablation_table(c: dict, full: dict, progress: bool) -> dict:
    """The protocol with each family off in turn on ``ablation_seeds``: one row per
    family (``all`` first: the full network on the same seeds) of :data:`PROPERTIES`."""
    rows = {"family": ["all"] + list(ln.FAMILIES)}
    values = {key: [] for key in PROPERTIES + ("stopped_ms",)}
    seeds = [int(s) for s in c["ablation_seeds"]]
    for family in rows["family"]:
        cc = dict(c) if family == "all" else dict(c, **{family: False})
        m = _ablation_row(cc, seeds)
        for key in values:
            values[key].append(m[key])
        if progress:
            print(f"lifetime: ablation {family}: " + ", ".join(f"{key} {m[key]:.3g}" for key in values), flush=True)
    return dict(rows, **{key: np.array(v) for key, v in values.items()}, seeds=np.array(seeds))


def _ablation_row(c: dict, seeds: list) -> dict:
    """Combined metrics of ``c`` over ``seeds``; a run that blows up (a SimulationError:
    NaN or runaway) makes the row NaN with the time it stopped (``stopped_ms``, else NaN)."""
    try:
        m = combine([_seed(c, s, False)["metrics"] for s in seeds])
    except SimulationError as e:
        return dict({key: float("nan") for key in PROPERTIES}, stopped_ms=float(e.time_ms))
    return dict(m, stopped_ms=float("nan"))


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / 2**20


#: Fixed before the first full run (seeds 10-14 fresh; the design used seeds 0 and 1 at
#: reduced scale and short full-size pilots).
TARGETS = (
    Target("rate_exc_min", 1.0, None, "E rate never below 1 Hz over 60 s windows, whole run, every seed "
           "(no hand intervention)", scales=("full",)),
    Target("rate_exc_max", None, 20.0, "E rate never above 20 Hz over 60 s windows, whole run, every seed",
           scales=("full",)),
    Target("recall_min", 0.05, None, "every pattern recalled at the end (after lesion and recovery) with "
           "recall >= 0.05 in every seed (0 = no completion; untrained probes give |recall| < 0.03)",
           scales=("full",)),
    Target("reward_advantage", 0.02, None, "the rewarded pattern is recalled better than the unrewarded ones "
           "(mean over seeds, >= 0.02)", scales=("full",)),
    Target("seeds_reward_positive", 4, None, "... in at least 4 of 5 seeds", scales=("full",)),
    Target("rate_recovery_min", 0.9, None, "E rate at the end of recovery >= 90 % of the pre-lesion rate, "
           "every seed", scales=("full",)),
    Target("lesion_advantage", 0.02, None, "recall after the lesion better than in the copy without structural "
           "and homeostatic plasticity (mean over seeds, >= 0.02)", scales=("full",)),
    Target("seeds_lesion_positive", 4, None, "... in at least 4 of 5 seeds", scales=("full",)),
    Target("rate_exc_min", 1.0, None, "E rate never below 1 Hz (10 s windows)", scales=("reduced",)),
    Target("rate_exc_max", None, 20.0, "E rate never above 20 Hz (10 s windows)", scales=("reduced",)),
    Target("recall_min", 0.03, None, "every pattern recalled at the end (reduced threshold 0.03)",
           scales=("reduced",)),
    Target("reward_advantage", 0.02, None, "the rewarded pattern recalled better (>= 0.02)", scales=("reduced",)),
    Target("rate_recovery_min", 0.9, None, "E rate recovers to >= 90 % of the pre-lesion rate",
           scales=("reduced",)),
    Target("lesion_advantage", 0.02, None, "recall after the lesion better than the static copy (>= 0.02)",
           scales=("reduced",)),
    Target("lesioned_identical", 1, 1, "the static copy loses the same neurons (same seed, restored state)"),
)

EXPERIMENT = register(Experiment(
    name="lifetime",
    summary="every plasticity family at once over hours of wake and sleep: learn, sleep, reward, lesion, recall",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=TARGETS,
    reference="Zenke F, Agnes EJ, Gerstner W (2015) Nat Commun 6:6922 (issue 16, part 2: our own experiment)",
))
