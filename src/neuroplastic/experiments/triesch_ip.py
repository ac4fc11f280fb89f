"""``triesch-ip``: intrinsic plasticity makes a sigmoid unit's output exponential.

``n`` sigmoid rate units y = 1 / (1 + exp(-(a h + b))) each receive their own
Gaussian input h ~ N(0, sigma^2) (a ``ValueInput``, one sample per step, dt =
1 ms, weight 1, one-to-one). :class:`~neuroplastic.plasticity.intrinsic.TrieschIP`
adapts gain a and bias b every step::

    db = eta (1 - (2 + 1/mu) y + y^2 / mu)
    da = eta / a + h db

the stochastic gradient that minimises the Kullback-Leibler divergence between
the output distribution and an exponential with mean mu (Triesch 2005). A
sigmoid of a Gaussian can only approximate an exponential, so the fit is
judged by the Kolmogorov-Smirnov *statistic* D (the largest distance between
the empirical and the exponential CDF), reported beside the same units without
intrinsic plasticity (a = 1, b = 0: mean 0.5). With tens of thousands of
samples the KS p-value rejects any approximation, so it is not used as a
target (the canonical notes' "p > 0.01" is not attainable at this sample size;
we say so rather than sub-sample to pass it).

Why the mean is ~3 % above mu: the bias update vanishes on average when
E[y] (2 + 1/mu) = 1 + E[y^2] / mu, which gives E[y] = mu only if
E[y^2] = 2 mu^2, as for an exact exponential. A sigmoid of a Gaussian is not
one, so the stationary mean is a property of the rule, not of eta: measured
(4 units, seed 0) 0.10268 / 0.10274 / 0.10275 / 0.10273 for eta = 1e-3,
3e-4, 1e-4, 3e-3 (steps 2e5, 6e5, 2e6, 6e4), KS D = 0.034 throughout; at
eta = 1e-4, E[y^2] = 0.0237 (vs 2 mu^2 = 0.020) and the two sides of the
balance are 1.2371 and 1.2373. The exponential is compared untruncated: its
mass above y = 1 is e^(-1/mu) = 4.5e-5 at mu = 0.1, far below the D values
reported.

Metrics: ``mean_output`` over the last ``measure_fraction`` of the run, pooled
over units; ``mean_rel_error`` = |mean - mu| / mu; ``ks_statistic`` vs
Exponential(mu) on the pooled last-part samples (and ``ks_pvalue`` for
information); ``ks_statistic_no_ip``; final gains and biases. Targets: mean
within 5 % of mu (issue); D <= 0.05 and D at most 1/5 of the no-IP value
(our thresholds: an exponential is matched to within 5 % of probability mass
everywhere, and IP must be what makes it so).

Scales: full = 10 units x 2e5 steps, eta = 1e-3; reduced = 6e4 steps, eta =
3e-3. Measured (``neuroplastic reproduce triesch-ip --seed S [--scale
reduced]``, seeds 0-4): full mean 0.10278-0.10282 (+2.8 %), D =
0.0338-0.0347 (p ~ 1e-100 at 5e5 samples, see above), no-IP D = 0.786-0.787,
ratio 0.043-0.044; reduced mean 0.10286-0.10295, D = 0.0335-0.0353, ratio
0.043-0.045; all targets met in all 10 runs.

References: Triesch J (2005) ICANN, LNCS 3696:65; Triesch J (2007) Neural
Comput 19:885.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from .. import Model, Network, OneToOne, Population, Projection, RateUnit, StateMonitor, TrieschIP, ValueInput
from ..viz import plain_log_ticks, time_series
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, defaults_of
from .registry import register

PARAMETERS = dict(
    n=Param(10, "sigmoid rate units, each with its own Gaussian input", ge=1),
    steps=Param(200_000, "input samples, one per 1 ms step", ge=1),
    eta=Param(1e-3, "intrinsic-plasticity learning rate per step", gt=0),
    mu=Param(0.1, "target mean output (of the exponential distribution)", gt=0, lt=1),
    sigma=Param(1.0, "standard deviation of the Gaussian input h", gt=0),
    measure_fraction=Param(0.25, "last fraction of the run over which the output is measured", gt=0, le=1),
    record_every=Param(1.0, "output sampling interval", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(steps=60_000, eta=3e-3)


def _model(c, x, plastic: bool) -> Model:
    model = Model(dt=1.0, max_rate=None)
    model.add(ValueInput("h", x, interval=1.0))
    rules = [TrieschIP(eta=c["eta"], mu=c["mu"], period=1.0)] if plastic else []
    model.add(Population("y", int(c["n"]), RateUnit("sigmoid"), rules=rules))
    model.add(Projection("hy", "h", "y", OneToOne(), weight=1.0))
    model.add(StateMonitor("y", ["r", "gain", "bias"], interval=c["record_every"], name="outputs"))
    return model


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = config
    rng = np.random.default_rng(seed)
    steps = int(c["steps"])
    x = rng.normal(0.0, c["sigma"], (steps, int(c["n"])))
    out = {}
    for plastic in (True, False):
        net = Network(_model(c, x, plastic), seed=seed).run(float(steps), progress=progress and plastic)
        out[plastic] = (net.monitor("outputs"), net)
    mon, net = out[True]
    r = np.asarray(mon["r"], float)
    tail = r[int(len(r) * (1 - c["measure_fraction"])):].ravel()
    tail_no_ip = np.asarray(out[False][0]["r"], float)[int(len(r) * (1 - c["measure_fraction"])):].ravel()
    ks = stats.kstest(tail, "expon", args=(0.0, c["mu"]))
    ks0 = stats.kstest(tail_no_ip, "expon", args=(0.0, c["mu"]))
    mean = float(tail.mean())
    return Result(
        config=dict(c),
        metrics=dict(mean_output=mean, mean_rel_error=abs(mean - c["mu"]) / c["mu"],
                     ks_statistic=float(ks.statistic), ks_pvalue=float(ks.pvalue),
                     ks_statistic_no_ip=float(ks0.statistic), ks_ratio=float(ks.statistic / ks0.statistic),
                     gain_mean=float(net.state("y", "gain").mean()), bias_mean=float(net.state("y", "bias").mean()),
                     samples=int(tail.size)),
        figures={"output_histogram": _histogram(tail, tail_no_ip, c),
                 "gain_bias": _gain_bias(mon, c)},
        recordings={"units": dict(t=np.asarray(mon["t"])[::100], r=r[::100],
                                  gain=np.asarray(mon["gain"])[::100], bias=np.asarray(mon["bias"])[::100])},
    )


def _histogram(y, y0, c) -> Figure:
    mu = c["mu"]
    fig = Figure(figsize=(6.5, 4.0), layout="constrained")
    ax = fig.add_subplot()
    bins = np.linspace(0, 1, 51)
    ax.hist(y, bins=bins, density=True, alpha=0.6, color=OKABE_ITO[0], label="with intrinsic plasticity")
    ax.hist(y0, bins=bins, density=True, histtype="step", color="0.4", label="without (a = 1, b = 0)")
    grid = np.linspace(0, 1, 200)
    ax.plot(grid, np.exp(-grid / mu) / mu, color="black", linestyle="--", linewidth=1.2, zorder=3,
            label=f"exponential, mean {mu:g} (target)")
    ax.set_yscale("log")
    plain_log_ticks(ax, "y")
    ax.set_xlim(0, 1)
    ax.set_xlabel("output y (dimensionless)")
    ax.set_ylabel("probability density")
    ax.set_title(f"Outputs of {int(c['n'])} sigmoid units pooled over the last "
                 f"{c['measure_fraction']:.0%} of the run ({len(y):,} values)\n"
                 f"intrinsic plasticity (Triesch 2005) makes it exponential with mean {mu:g}",
                 fontsize="medium")
    ax.legend(frameon=False, fontsize="small")
    return fig


def _gain_bias(mon, c) -> Figure:
    t = np.asarray(mon["t"])[::100]
    return time_series(t, {"gain a": np.asarray(mon["gain"])[::100].mean(axis=1),
                           "bias b": np.asarray(mon["bias"])[::100].mean(axis=1)},
                       ylabel="mean over units (dimensionless)",
                       title=(f"Intrinsic plasticity: gain and bias of {int(c['n'])} sigmoid units\n"
                              f"Gaussian input, one sample per ms, eta = {c['eta']:g}"))


EXPERIMENT = register(Experiment(
    name="triesch-ip",
    summary="Triesch intrinsic plasticity: sigmoid outputs become exponential with mean mu",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED,
    targets=(Target("mean_rel_error", 0.0, 0.05, "output mean = mu +- 5 % (Triesch 2005)"),
             Target("ks_statistic", 0.0, 0.05, "KS distance to Exponential(mu) <= 0.05 (our threshold)"),
             Target("ks_ratio", 0.0, 0.2, "KS distance at most 1/5 of the same units without IP")),
    reference="Triesch J (2005) ICANN, LNCS 3696:65; Triesch J (2007) Neural Comput 19:885",
))
