"""``clustered-vs-dispersed``: the same active synapses drive a neuron harder on few branches
than spread over many, and a two-layer model predicts its rate where a point neuron cannot.

Set-up (per seed). A :class:`~neuroplastic.model.DendriticNeuron` (LIF soma,
K = ``branches`` thin branches with an NMDA-like plateau: all-or-none current
``amp_d`` to the soma for ``dur_d`` ms after the branch potential last reached
``theta_d``, plus passive coupling ``g_c``) is copied once per stimulus
pattern, all copies in one network run (``_cluster_network``). A pattern
activates ``n_k`` synapses on branch k, each an independent Poisson input at
``rate`` Hz (slow, NMDA-like branch synaptic current, ``tau_syn``); the output
rate of each copy is counted over ``duration`` ms after ``settle`` ms.

Patterns:

* the cluster sweep: ``sweep_total`` synapses in clusters of m per branch,
  m from 1 (dispersed, one per branch) to ``sweep_total`` (all on one branch);
* clustered against dispersed at N = 4, 8, ... ``sweep_total`` synapses:
  clusters of ``cluster_size`` against one per branch;
* ``n_random`` mixed patterns (``_cluster_network.random_patterns``): N
  uniform in [total_min, total_max] spread over a random number of random
  branches with Dirichlet weights.

The mixed patterns are split at random in halves; on one half a point neuron
``rate = g(sum_k n_k)`` and a two-layer neuron ``rate = g(sum_k s(n_k))``
(sigmoidal subunit s, soft-threshold output g; ``_subunit_fits``) are fitted
by least squares; R^2 is measured on the other half.

Why: a branch's plateau needs several coincident synapses on the same branch
(its potential must reach ``theta_d``); a synapse alone only adds its small
passive current. Spread over many branches, N synapses start no plateau;
in clusters just above threshold they start as many as possible; all on one
branch they start just one (the subunit saturates). The rate is then a
function of the per-branch counts through a sigmoid, not of their sum.

Metrics (means over seeds unless named ``_min``/``_max``): ``rate_dispersed_hz``
(sweep, 1 per branch), ``rate_clustered_hz`` (clusters of ``cluster_size``),
``rate_one_branch_hz``, ``clustered_over_dispersed`` (ratio of the two,
dispersed floored at one spike per run), ``best_cluster_size``;
``r2_two_layer``, ``r2_two_layer_min``, ``r2_point``, ``r2_point_max``,
``r2_margin_min`` (smallest per-seed two-layer minus point R^2), the training
R^2 of both, ``subunit_threshold`` and ``subunit_width`` (fitted s, synapses).
Figures: ``clusters`` (rate against synapses per branch; clustered against
dispersed over N), ``fits`` (held-out predicted against measured rates, both
fits), ``subunit`` (the fitted s(n) of every seed).

Targets (fixed before the first full-scale run, from the published claims, not
from our numbers): clustered >= 2x dispersed in every seed; all on one branch
at most 0.9x the clusters (the subunit saturates); R^2(two-layer) >= 0.8 in every
seed; R^2(point) <= 0.6 and at least 0.3 below the two-layer fit in every
seed. Published: 0.91 against 0.37 (Poirazi, Brannon & Mel 2003). The
operating point (``amp_d``, ``i_bias``, ``weight``, the pattern totals) was
chosen on exploratory runs with seeds 0-4; the confirmatory run uses seeds
10-14 (``neuroplastic reproduce clustered-vs-dispersed --seed 10``).

Scales: full = 5 seeds x (400 mixed + 26 structured patterns) x 2 s;
reduced = 1 seed x 200 mixed patterns x 1 s.

References: Poirazi P, Brannon T, Mel BW (2003) Neuron 37:989-999 (two-layer
model); Poirazi P, Brannon T, Mel BW (2003) Neuron 37:977-987 (sigmoidal thin
branches); Schiller J et al. (2000) Nature 404:285 (NMDA spikes); Polsky A,
Mel BW, Schiller J (2004) Nat Neurosci 7:621 (branch-wise summation).
"""
from __future__ import annotations

import numpy as np

from . import _cluster_figures as cf
from . import _cluster_network as cn
from . import _subunit_fits as sf
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    seeds=Param(5, "independent pattern sets and networks, seeds seed .. seed + seeds - 1", ge=1),
    branches=Param(32, "thin branches of the neuron (several dozen in CA1, Poirazi et al. 2003)", ge=2),
    rate=Param(50.0, "rate of an active synapse (high-frequency activation)", "Hz", gt=0),
    weight=Param(17.0, "synaptic current per spike into the branch", "pA", gt=0),
    tau_syn=Param(20.0, "decay of the branch synaptic current (NMDA-like)", "ms", gt=0),
    tau_d=Param(10.0, "branch membrane time constant", "ms", gt=0),
    g_d=Param(10.0, "branch leak conductance", "nS", gt=0),
    theta_d=Param(-60.0, "branch plateau threshold", "mV"),
    amp_d=Param(70.0, "plateau current to the soma", "pA", gt=0),
    dur_d=Param(40.0, "plateau duration after the last threshold crossing", "ms", gt=0),
    g_c=Param(0.5, "passive branch-to-soma coupling", "nS", ge=0),
    i_bias=Param(500.0, "somatic bias current (sets the operating point)", "pA"),
    v_thresh=Param(-50.0, "somatic threshold", "mV"),
    t_ref=Param(2.0, "somatic refractory period", "ms", ge=0),
    dt=Param(0.1, "time step", "ms", gt=0),
    settle=Param(100.0, "simulated before counting", "ms", ge=0),
    duration=Param(2000.0, "counting window per pattern", "ms", gt=0),
    n_random=Param(400, "mixed patterns (half fit, half held out)", ge=20),
    total_min=Param(16, "fewest active synapses of a mixed pattern", ge=1),
    total_max=Param(48, "most active synapses of a mixed pattern", ge=1),
    sweep_total=Param(32, "active synapses of the cluster sweep", ge=2),
    cluster_size=Param(8, "synapses per branch of the clustered patterns", ge=2),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(seeds=1, n_random=200, duration=1000.0)
RELATIONS = (Relation("total_min", "<=", "total_max"), Relation("sweep_total", "<=", "branches"),
             Relation("cluster_size", "<=", "sweep_total"))


def per_branch_values(total: int) -> list:
    """Cluster sizes of the sweep: every m for which ``total`` synapses fill
    clusters of m differently (1 .. total)."""
    return sorted({total // j for j in range(1, total + 1)} | {1, total})


def structured(c) -> dict:
    """The structured patterns: the cluster sweep, and clustered / dispersed over N."""
    k, total = int(c["branches"]), int(c["sweep_total"])
    ns = np.arange(4, total + 1, 4)
    per_branch = sorted(set(per_branch_values(total)) | {int(c["cluster_size"])})
    return dict(per_branch=np.array(per_branch), ns=ns, sweep=cn.sweep(total, k, per_branch),
                clustered=np.vstack([cn.sweep(n, k, [min(int(c["cluster_size"]), n)]) for n in ns]),
                dispersed=np.vstack([cn.sweep(n, k, [1]) for n in ns]))


def one_seed(c, seed: int) -> dict:
    """Rates of every pattern (one network run) and both fits, for one seed."""
    rng = np.random.default_rng([seed, 2003])
    s = structured(c)
    mixed = cn.random_patterns(rng, int(c["n_random"]), int(c["branches"]), int(c["total_min"]), int(c["total_max"]))
    blocks = [s["sweep"], s["clustered"], s["dispersed"], mixed]
    rates = np.split(cn.rates(c, np.vstack(blocks), seed), np.cumsum([len(b) for b in blocks])[:-1])
    fits = sf.held_out(mixed, rates[3], rng)
    return dict(sweep=rates[0], clustered=rates[1], dispersed=rates[2], mixed=rates[3], mixed_counts=mixed, **fits)


def _metrics(c, runs) -> dict:
    s = structured(c)
    sweep = np.array([r["sweep"] for r in runs])
    m = list(s["per_branch"])
    floor = 1000.0 / c["duration"]                 # one spike in the counting window
    disp, clus, one = sweep[:, m.index(1)], sweep[:, m.index(int(c["cluster_size"]))], sweep[:, -1]
    r2t, r2p = np.array([r["r2_two_layer"] for r in runs]), np.array([r["r2_point"] for r in runs])
    theta = np.array([r["two_layer_params"][:2] for r in runs])
    return dict(
        seeds=len(runs), rate_dispersed_hz=float(disp.mean()), rate_clustered_hz=float(clus.mean()),
        rate_one_branch_hz=float(one.mean()),
        clustered_over_dispersed=float(clus.mean() / max(disp.mean(), floor)),
        clustered_over_dispersed_min=float(np.min(clus / np.maximum(disp, floor))),
        one_branch_over_clustered_max=float(np.max(one / np.maximum(clus, floor))),
        best_cluster_size=int(m[int(np.argmax(sweep.mean(axis=0)))]),
        r2_two_layer=float(r2t.mean()), r2_two_layer_min=float(r2t.min()),
        r2_point=float(r2p.mean()), r2_point_max=float(r2p.max()), r2_margin_min=float(np.min(r2t - r2p)),
        r2_two_layer_train=float(np.mean([r["r2_two_layer_train"] for r in runs])),
        r2_point_train=float(np.mean([r["r2_point_train"] for r in runs])),
        subunit_threshold=float(theta[:, 0].mean()), subunit_width=float(theta[:, 1].mean()),
        mixed_rate_hz=float(np.mean([r["mixed"].mean() for r in runs])),
    )


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = dict(config)
    runs = [one_seed(c, seed + s) for s in range(int(c["seeds"]))]
    s = structured(c)
    figures = {"clusters": cf.clusters_figure(c, s, runs), "fits": cf.fits_figure(runs[0]),
               "subunit": cf.subunit_figure(runs)}
    recordings = {"rates": dict(sweep=np.array([r["sweep"] for r in runs]), per_branch=s["per_branch"],
                                ns=s["ns"], clustered=np.array([r["clustered"] for r in runs]),
                                dispersed=np.array([r["dispersed"] for r in runs]),
                                mixed=np.array([r["mixed"] for r in runs]),
                                mixed_counts=np.array([r["mixed_counts"] for r in runs])),
                  "fits": dict(two_layer_params=np.array([r["two_layer_params"] for r in runs]),
                               point_params=np.array([r["point_params"] for r in runs]),
                               r2_two_layer=np.array([r["r2_two_layer"] for r in runs]),
                               r2_point=np.array([r["r2_point"] for r in runs]))}
    return Result(config=c, metrics=_metrics(c, runs), figures=figures, recordings=recordings)


EXPERIMENT = register(Experiment(
    name="clustered-vs-dispersed",
    summary="synapses clustered on a few NMDA branches drive the neuron harder than dispersed ones; "
            "a two-layer model fits its rates, a point neuron does not",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED, relations=RELATIONS,
    targets=(Target("clustered_over_dispersed_min", 2.0, None,
                    "clusters drive >= 2x the rate of the same synapses dispersed, every seed"),
             Target("one_branch_over_clustered_max", None, 0.9,
                    "all on one branch drives less than clusters (the subunit saturates), every seed"),
             Target("r2_two_layer_min", 0.8, 1.0, "two-layer R^2 (held out) >= 0.8, every seed (published 0.91)"),
             Target("r2_point_max", None, 0.6, "point-neuron R^2 (held out) <= 0.6, every seed (published 0.37)"),
             Target("r2_margin_min", 0.3, None, "two-layer R^2 >= point R^2 + 0.3, every seed"),
             Target("seeds", 5, None, ">= 5 seeds", ("full",))),
    reference="Poirazi P, Brannon T, Mel BW (2003) Neuron 37:989-999",
))
