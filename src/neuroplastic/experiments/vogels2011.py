"""``vogels2011``: inhibitory STDP restores asynchronous-irregular activity at a target rate.

Network (shared/reference/canonical-results.md section 5, the parameters of the
Brian2 example ``Vogels_et_al_2011.py``): N_E = 8,000 excitatory and N_I = 2,000
inhibitory conductance-based LIF neurons, every ordered pair connected with
probability p = 0.02 (160 E and 40 I inputs per neuron on average). Membrane:
C = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = -60 mV, V_th = -50 mV, reset
-60 mV, t_ref = 5 ms, constant background current I_bg = 200 pA (v_inf = -40 mV,
above threshold: every neuron is tonically driven). Synapses: E_e = 0 mV,
E_i = -80 mV, tau_AMPA = 5 ms, tau_GABA = 10 ms; fixed E->E and E->I 0.3 nS, fixed
I->I 3 nS; plastic I->E, starting at 1e-10 nS and bounded to [0, 100] nS. Initial
v ~ U(-60, -50) mV, conductances 0. dt = 0.1 ms.

Plasticity: :class:`~neuroplastic.plasticity.inhibitory.InhibitorySTDP` (eta =
1e-2 nS per pairing, rho0 = 3 Hz, tau = 20 ms, alpha = 0.12). The reference runs
1 s with plasticity off, then 9 s with it on. The engine has no way to change a
rule parameter after the network is built, so this module uses
:class:`GatedInhibitorySTDP`: InhibitorySTDP's own kernels with every weight change
multiplied by a global ``gate`` (a 1-element rule state, live through
``net.rule_state``). The gate is 0 for the first ``t_off`` ms and set to 1 after;
the traces run throughout (as they do in the Brian script, where only eta is
switched), so the off phase is exactly "eta = 0" and nothing else differs.

Metrics (all rates in Hz; "last" = the final ``window`` ms, 2 s by default):
``rate_exc_last`` / ``rate_inh_last``; ``rate_exc_before`` (plasticity off,
[t_transient, t_off)), ``rate_exc_early`` (first second of learning);
``cv_isi_last`` / ``cv_isi_before``: mean ISI CV of E neurons with >= 3 spikes in
the window; ``sync_last`` / ``sync_before``: std/mean of the E population spike
count in 1 ms bins (independent Poisson neurons give ~1/sqrt(mean count);
synchronous or oscillating activity gives values of order 1); ``w_ie_mean``
(final mean I->E weight, nS) and ``w_ie_mean_before``. Over the last window, the
drift decomposition of :mod:`neuroplastic.analysis.pairing` for all I->E
synapses: ``istdp_kappa`` (pairing sums relative to independent trains;
``_pre``: E trace at I spikes, ``_post``: I trace at E spikes),
``istdp_drift_last`` and ``istdp_drift_independent_last`` (mean drift, nS/s,
measured and for independent trains at the same rates), ``rate_exc_weighted``
(I-rate-weighted E rate), ``rate_exc_zero_drift`` = rho0 / kappa and
``rate_exc_zero_drift_rel_error``; figure ``pairing_correlogram``.

Targets (full scale): mean E rate over the last 2 s within +-5 % of the
reference implementation's settled rate, ``REFERENCE_RATE`` = 3.76 Hz (Brian2
running the authors' script for 1,200 s, benchmarks/peers/MEASURED.md), i.e.
[3.57, 3.95] Hz, and within 6 % of the rule's measured fixed point rho0 / kappa;
ISI CV > 0.8. The published ρ0 = 3 Hz (canonical-results section 5 noted
"within +-15 % of rho0", a tolerance from our notes, not from the paper) is kept
as a documented comparison: ``rate_exc_last_rel_error`` is the relative distance
to it (0.27 at full scale), and the reasons it is not the fixed point follow.

Scales: full = 8,000 + 2,000 neurons for 600 s (1 s off, then 599 s on: long
enough for the weights to settle; ``--set duration=10000`` is the 10 s protocol
of the Brian2 example). Reduced = 2,000 + 500 neurons with p = 0.08, which keeps
the in-degree (160 E, 40 I) and so the mean and variance of every neuron's input
with unchanged weights, for 10 s (see ``REDUCED``).

Results (measured, not tuned; the single-cell analysis is in docs/homeostasis.md).

* 10 s protocol, full scale, seeds 0/1: before learning the E cells fire
  tonically and in lockstep (161 Hz, ISI CV 0.004); after 9 s of learning the E
  rate is 9.3 / 7.6 Hz, CV 0.89 / 0.82, still falling. Brian2 2.9 running the
  same network (``benchmarks/peers/brian2_vogels2011.py``) gives 8.8 / 9.8 Hz.
* Long runs: the rate settles about 27 % above rho0 and stays there. Full scale,
  seed 0 (``neuroplastic run vogels2011``, 7 min 40 s, 2 GB): 3.81 Hz over the
  last 2 s after 600 s, CV 0.80, mean I->E weight 1.96 nS; 3.91 Hz (3.85 Hz over
  the last 20 s) after 1200 s, CV 0.79. Brian2 with the authors' script
  (``brian2_vogels2011.py 0 1199``): 3.76 Hz (3.82 Hz over 20 s) after 1200 s,
  CV 0.78, 2.03 nS, flat at 3.8-3.95 Hz from 300 s on (benchmarks/peers/MEASURED.md).
  Neither simulator reaches rho0 +- 15 % (the target this experiment had until
  it was restated as above); the CV target is borderline (0.78-0.80) once the
  rate has settled.
* Why: rho0 = alpha / (2 tau) is the fixed point only for independent pre and
  post spike trains. Here each E cell is tonically driven and has 40 inhibitory
  inputs of ~2 nS; an inhibitory spike delays the cell's next spike (the E rate
  0-5 ms after an I spike is ~0.2-0.3 of chance, recovering over ~40 ms), so the
  potentiating pairing term is smaller than for independent trains: kappa_post =
  0.57, kappa_pre = 1.05, kappa = 0.81 (600 s, last 2 s; Brian2 at 1200 s: 0.56,
  1.04, 0.80), and the drift vanishes at rho0 / kappa = 3.70 Hz, where the network
  sits (I-weighted E rate 3.75 Hz; measured drift 6 % of the independent-train
  drift). tests/test_homeostasis.py shows the same shift for single tonically
  driven cells and that it vanishes as the inhibition is split over more inputs
  (k = 25 / 100 / 400: 4.0 / 3.5 / 3.25 Hz = rho0 / kappa).
* Reduced scale, 150 s (``--scale reduced --set duration=150000``, 28 s): 3.93 Hz,
  kappa 0.84, rho0 / kappa 3.58 Hz, I-weighted E rate 3.78 Hz (slow test).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from numba import njit

from ..analysis import cross_correlogram, istdp_drift
from .. import (LIF, FixedProbability, Model, Network, Population, Projection, SpikeMonitor, Uniform,
                WeightMonitor)
from ..plasticity import inhibitory as _istdp
from ..plasticity.inhibitory import InhibitorySTDP
from ..plasticity.rule import State
from ..viz import isi_cv_histogram, population_raster, time_series
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .coba import isi_cvs
from .registry import register

#: Hz: the E rate of the reference implementation once settled (Brian2 2.9 running the
#: authors' script, seed 0, mean over the last 2 s of 1,200 s; benchmarks/peers/MEASURED.md).
REFERENCE_RATE = 3.76

PARAMETERS = dict(
    duration=Param(600_000.0, "simulated time", "ms", gt=0),
    t_off=Param(1000.0, "initial time with plasticity off (gate 0)", "ms", ge=0),
    t_transient=Param(200.0, "start left out of the 'before' statistics", "ms", ge=0),
    window=Param(2000.0, "final window of the 'last' statistics", "ms", gt=0),
    n_exc=Param(8000, "excitatory neurons", ge=1),
    n_inh=Param(2000, "inhibitory neurons", ge=1),
    p_connect=Param(0.02, "connection probability of every ordered pair", ge=0, le=1),
    c_m=Param(200.0, "membrane capacitance (g_L = c_m / tau_m)", "pF", gt=0),
    tau_m=Param(20.0, "membrane time constant", "ms", gt=0),
    e_l=Param(-60.0, "leak reversal (resting) potential", "mV"),
    v_thresh=Param(-50.0, "firing threshold", "mV"),
    v_reset=Param(-60.0, "reset potential", "mV"),
    t_ref=Param(5.0, "refractory period", "ms", ge=0),
    i_bg=Param(200.0, "constant background current", "pA"),
    e_e=Param(0.0, "excitatory reversal potential", "mV"),
    e_i=Param(-80.0, "inhibitory reversal potential", "mV"),
    tau_e=Param(5.0, "AMPA conductance time constant", "ms", gt=0),
    tau_i=Param(10.0, "GABA conductance time constant", "ms", gt=0),
    w_ee=Param(0.3, "E->E weight", "nS", ge=0),
    w_ei=Param(0.3, "E->I weight", "nS", ge=0),
    w_ii=Param(3.0, "I->I weight", "nS", ge=0),
    w_ie0=Param(1e-10, "initial I->E weight", "nS", ge=0),
    w_ie_max=Param(100.0, "upper bound of the plastic I->E weights", "nS", gt=0),
    eta=Param(1e-2, "inhibitory STDP learning rate per pairing", "nS", ge=0),
    rho0=Param(3.0, "target E rate of inhibitory STDP", "Hz", gt=0),
    tau_stdp=Param(20.0, "inhibitory STDP time constant", "ms", gt=0),
    v0_low=Param(-60.0, "initial membrane potentials uniform from v0_low ...", "mV"),
    v0_high=Param(-50.0, "... to v0_high", "mV"),
    n_weight_sample=Param(2000, "I->E synapses sampled for the weight recordings", ge=1),
    weight_interval=Param(50.0, "weight sampling interval", "ms", gt=0),
    raster_ms=Param(500.0, "length of each raster excerpt", "ms", gt=0),
    correlogram_ms=Param(100.0, "the I->E correlogram spans lags of +- this", "ms", gt=0),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("t_off", "<", "duration"), Relation("window", "<=", "duration"),
             Relation("v0_low", "<=", "v0_high"))

REDUCED = dict(n_exc=2000, n_inh=500, p_connect=0.08, duration=10_000.0)


@njit(cache=True, inline="always")
def _gated_on_pre(s, i, j, t, w, st, p):
    return st.glob.gate[0] * _istdp._on_pre(s, i, j, t, w, st, p)


@njit(cache=True, inline="always")
def _gated_on_post(s, i, j, t, w, st, p):
    return st.glob.gate[0] * _istdp._on_post(s, i, j, t, w, st, p)


@dataclass(frozen=True)
class GatedInhibitorySTDP(InhibitorySTDP):
    """InhibitorySTDP whose weight changes are multiplied by a global ``gate``
    (initially ``gate0``); set ``net.rule_state(proj).glob.gate[0]`` to switch
    learning off (0) or on (1) without touching the traces."""

    global_state = (State("gate", 0.0, "1"),)
    on_pre, on_post = _gated_on_pre, _gated_on_post


def build(config: dict, seed: int = 0) -> tuple[Network, np.ndarray]:
    """The network (learning gated off) and the I->E synapses its WeightMonitor samples."""
    c = config
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    cell = LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["e_l"], v_reset=c["v_reset"],
               v_thresh=c["v_thresh"], t_ref=c["t_ref"], synapse="conductance", tau_e=c["tau_e"],
               tau_i=c["tau_i"], e_e=c["e_e"], e_i=c["e_i"], i_bias=c["i_bg"])
    initial = {"v": Uniform(c["v0_low"], c["v0_high"])}
    rule = GatedInhibitorySTDP(eta=c["eta"], rho0=c["rho0"], tau=c["tau_stdp"])
    conn = FixedProbability(c["p_connect"])
    model = Model(dt=c["dt"])
    model.add(Population("exc", n_e, cell, initial=initial))
    model.add(Population("inh", n_i, cell, initial=initial))
    model.add(Projection("ee", "exc", "exc", conn, weight=c["w_ee"], receptor="exc"))
    model.add(Projection("ei", "exc", "inh", conn, weight=c["w_ei"], receptor="exc"))
    model.add(Projection("ii", "inh", "inh", conn, weight=c["w_ii"], receptor="inh"))
    model.add(Projection("ie", "inh", "exc", conn, weight=c["w_ie0"], receptor="inh", rules=[rule],
                         w_min=0.0, w_max=c["w_ie_max"]))
    # A fixed random subset of I->E synapses (build order), drawn independently of the network seed.
    n_expected = int(round(n_i * n_e * c["p_connect"]))
    n_sample = int(min(c["n_weight_sample"], max(n_expected // 2, 1)))
    sample = np.sort(np.random.default_rng(12345).choice(max(n_expected // 2, 1), n_sample, replace=False))
    model.add(WeightMonitor("ie", synapses=sample, interval=c["weight_interval"]))
    model.add(SpikeMonitor("exc"))
    model.add(SpikeMonitor("inh"))
    net = Network(model, seed=seed)
    net.rule_state("ie", 0).glob.gate[0] = 0.0
    return net, sample


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Balanced E/I network; iSTDP on I->E switched on after ``t_off`` ms."""
    c = config
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    net, sample = build(c, seed)
    gate = net.rule_state("ie", 0).glob.gate
    t_off, duration = float(c["t_off"]), float(c["duration"])
    net.run(t_off, progress=progress)
    w_before = net.weights("ie")
    gate[0] = 1.0
    net.run(duration - t_off, progress=progress)

    i_e, t_e = (np.asarray(x) for x in net.spikes("exc"))
    i_i, t_i = (np.asarray(x) for x in net.spikes("inh"))
    i_e, i_i = i_e.astype(np.int64), i_i.astype(np.int64)
    t_e, t_i = t_e.astype(float), t_i.astype(float)
    w_final = net.weights("ie")
    last0 = duration - float(c["window"])

    before = window_metrics(i_e, t_e, n_e, float(c["t_transient"]), t_off)
    last = window_metrics(i_e, t_e, n_e, last0, duration)
    metrics = dict(
        rate_exc_last=last["rate"], rate_inh_last=_rate(t_i, n_i, last0, duration),
        rate_exc_before=before["rate"], rate_inh_before=_rate(t_i, n_i, float(c["t_transient"]), t_off),
        rate_exc_early=_rate(t_e, n_e, t_off, min(t_off + 1000.0, duration)),
        rate_inh_early=_rate(t_i, n_i, t_off, min(t_off + 1000.0, duration)),
        cv_isi_last=last["cv"], cv_isi_before=before["cv"],
        n_cv_last=last["n_cv"], n_cv_before=before["n_cv"],
        sync_last=last["sync"], sync_before=before["sync"],
        sync_poisson_last=last["sync_poisson"],
        w_ie_mean=float(w_final.mean()), w_ie_mean_before=float(w_before.mean()),
        n_ie_synapses=int(w_final.size),
    )
    metrics["rate_exc_last_rel_error"] = abs(metrics["rate_exc_last"] - c["rho0"]) / c["rho0"]
    metrics["rate_exc_ratio"] = metrics["rate_exc_last"] / metrics["rate_exc_before"]
    syn_pre, syn_post = net.synapses("ie")
    lags, ccg, pairing = pairing_metrics((i_i, t_i), (i_e, t_e), (syn_pre, syn_post), c, last0, duration)
    metrics.update(pairing)

    mon = net.monitor("weights_ie")
    t_w, w_t = np.asarray(mon["t"], dtype=float), np.asarray(mon["w"], dtype=float)
    cvs_last = isi_cvs(i_e[t_e >= last0], t_e[t_e >= last0], n_e)
    figures = _figures(c, (i_e, t_e), (i_i, t_i), (t_w, w_t), cvs_last, last, (lags, ccg, pairing))
    return Result(
        config=dict(c), metrics=metrics, figures=figures,
        recordings={"spikes_exc": dict(i=i_e, t=t_e), "spikes_inh": dict(i=i_i, t=t_i),
                    "weights_ie": dict(t=t_w, w=w_t, synapse=sample, final=w_final),
                    "isi_cv_last": dict(cv=cvs_last),
                    "ie_synapses": dict(pre=syn_pre.astype(np.int32), post=syn_post.astype(np.int32)),
                    "correlogram_last": dict(lag=lags, ratio=ccg)},
        notes=["learning gated off for the first t_off ms (eta x 0); I->E weights in nS"],
    )


def pairing_metrics(inh_spikes, exc_spikes, synapses, c: dict, t0: float, t1: float):
    """iSTDP drift decomposition and I->E correlogram over [t0, t1) ms.

    Returns (lags in ms, correlogram ratio, metrics) with the metrics
    ``istdp_kappa`` / ``_pre`` / ``_post`` (pairing sums relative to independent
    trains), ``istdp_drift_last`` and ``istdp_drift_independent_last`` (nS/s,
    mean over synapses), ``rate_exc_weighted`` (I-rate-weighted E rate, Hz),
    ``rate_exc_zero_drift`` (rho0 / kappa, Hz) and ``rate_exc_zero_drift_rel_error``
    (|rate_exc_weighted / rate_exc_zero_drift - 1|). See
    :mod:`neuroplastic.analysis.pairing`.
    """
    n_i, n_e = int(c["n_inh"]), int(c["n_exc"])
    d = istdp_drift(inh_spikes, exc_spikes, synapses, n_i, n_e, eta=c["eta"], rho0=c["rho0"],
                    tau=c["tau_stdp"], t0=t0, t1=t1)
    lags, ccg = cross_correlogram(inh_spikes, exc_spikes, synapses, n_i, n_e, t0, t1,
                                  max_lag=float(c["correlogram_ms"]), bin_ms=1.0)
    metrics = dict(
        istdp_kappa=d.kappa, istdp_kappa_pre=d.kappa_pre, istdp_kappa_post=d.kappa_post,
        istdp_drift_last=d.drift, istdp_drift_independent_last=d.drift_independent,
        rate_exc_weighted=d.rate_post_weighted, rate_exc_zero_drift=d.rate_zero_drift,
        rate_exc_zero_drift_rel_error=abs(d.rate_post_weighted / d.rate_zero_drift - 1.0),
    )
    return lags, ccg, metrics


def _rate(t, n: int, t0: float, t1: float) -> float:
    if t1 <= t0:
        return float("nan")
    return float(np.sum((t >= t0) & (t < t1)) / (n * (t1 - t0) * 1e-3))


def window_metrics(i, t, n: int, t0: float, t1: float) -> dict:
    """Mean rate (Hz), mean ISI CV (>= 3 spikes) and 1 ms population-count std/mean in [t0, t1)."""
    keep = (t >= t0) & (t < t1)
    i, t = i[keep], t[keep]
    cvs = isi_cvs(i, t, n)
    counts, _ = np.histogram(t, bins=np.arange(t0, t1 + 1e-9, 1.0))
    mean = counts.mean() if counts.size else 0.0
    return dict(
        rate=float(t.size / (n * (t1 - t0) * 1e-3)),
        cv=float(np.nanmean(cvs)) if np.isfinite(cvs).any() else float("nan"),
        n_cv=int(np.isfinite(cvs).sum()),
        sync=float(counts.std() / mean) if mean > 0 else float("nan"),
        sync_poisson=float(1.0 / np.sqrt(mean)) if mean > 0 else float("nan"),
    )


def _figures(c, exc, inh, weights, cvs_last, last, correlogram) -> dict:
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    t_off, duration, r_ms = float(c["t_off"]), float(c["duration"]), float(c["raster_ms"])
    learning = [(0.0, t_off, "iSTDP off"), (t_off, duration, "iSTDP on")]
    net = f"{n_e:,} E + {n_i:,} I LIF neurons, iSTDP on I→E from {t_off / 1000:g} s"
    t_w, w_t = weights
    window = f"last {c['window'] / 1000:g} s"
    return {
        "population_rates": _rates_figure(exc[1], inh[1], n_e, n_i, duration, c["rho0"], learning, net),
        "weights_over_time": time_series(
            t_w, {"mean over sampled synapses": w_t.mean(axis=1)}, "I→E weight (nS)", phases=learning,
            title=f"Inhibitory STDP: mean of {w_t.shape[1]:,} sampled I→E weights\n{net}"),
        "isi_cv": isi_cv_histogram(cvs_last[np.isfinite(cvs_last)], last["cv"], target=0.8,
                                   xlabel=f"ISI CV, {window} (E neurons with >= 3 spikes)",
                                   title=f"E irregularity after learning ({window})"),
        "raster_before": _raster_excerpt(exc, inh, c, t_off - r_ms, t_off, "before learning (iSTDP off)"),
        "raster_last": _raster_excerpt(exc, inh, c, duration - r_ms, duration, "end of the run"),
        "pairing_correlogram": _correlogram_figure(*correlogram, c["tau_stdp"], window),
    }


def _rates_figure(t_e, t_i, n_e, n_i, duration, rho0, learning, net) -> Figure:
    width = max(10.0, duration / 3000.0)            # ms; ~3,000 bins however long the run
    bins = np.arange(0.0, duration + 1e-9, width)
    rates = {label: np.histogram(t, bins=bins)[0] / (n * width * 1e-3)
             for t, n, label in ((t_e, n_e, "E"), (t_i, n_i, "I"))}
    return time_series(0.5 * (bins[1:] + bins[:-1]), rates, f"population rate (Hz, {width:g} ms bins)",
                       log_y=True, phases=learning, references={f"target rho0 = {rho0:g} Hz": rho0},
                       title=f"Population rates (Vogels et al. 2011)\n{net}")


def _correlogram_figure(lags, ratio, m: dict, tau: float, window: str) -> Figure:
    fig = Figure(figsize=(6.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(lags, 0.0, np.exp(-np.abs(lags) / tau), color=OKABE_ITO[5], alpha=0.3, linewidth=0,
                    label=f"iSTDP window exp(-|lag| / {tau:g} ms)")
    ax.plot(lags, ratio, color="black", linewidth=1.0, label="E rate around I spikes / independent")
    ax.axhline(1.0, color="0.5", linestyle=":", label="independent trains")
    ax.set_xlim(lags.min(), lags.max())
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"lag t_E − t_I (ms), connected I→E pairs, {window}")
    ax.set_ylabel("E rate ratio (dimensionless)")
    ax.set_title(f"I→E spike correlogram: κ_pre {m['istdp_kappa_pre']:.2f}, κ_post "
                 f"{m['istdp_kappa_post']:.2f}, κ {m['istdp_kappa']:.2f}\n"
                 f"iSTDP drift vanishes at an E rate of {m['rate_exc_zero_drift']:.2f} Hz", fontsize="medium")
    ax.legend(fontsize="small", loc="upper right", frameon=False)
    return fig


def _raster_excerpt(exc, inh, c, t0, t1, label) -> Figure:
    """E and I neurons (at most 400 and 100 of them) in [t0, t1) ms."""
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    groups = {}
    for name, (i, t), n, show in (("E", exc, n_e, 400), ("I", inh, n_i, 100)):
        keep = (t >= t0) & (t < t1) & (i < min(n, show))
        groups[name] = (i[keep], t[keep], min(n, show))
    return population_raster(groups, bin_ms=1.0, t_start=t0, t_stop=t1,
                             title=(f"Spikes {label}, {t0 / 1000:g}-{t1 / 1000:g} s: first "
                                    f"{groups['E'][2]} E and {groups['I'][2]} I neurons\n"
                                    f"{n_e:,} E + {n_i:,} I network (Vogels et al. 2011)"))


EXPERIMENT = register(Experiment(
    name="vogels2011",
    summary="Inhibitory STDP (Vogels et al. 2011) in a 10,000-neuron E/I network, target rho0 = 3 Hz",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        # Full scale: the reference implementation's settled rate (Brian2 running the authors'
        # script for 1,200 s: 3.76 Hz over the last 2 s), not rho0 (see the module docstring).
        Target("rate_exc_last", REFERENCE_RATE * 0.95, REFERENCE_RATE * 1.05,
               f"mean E rate over the last 2 s within +-5 % of the reference implementation's settled "
               f"rate ({REFERENCE_RATE:g} Hz: Brian2, authors' script, 1,200 s); rho0 = 3 Hz is not the "
               f"fixed point here (rate_exc_last_rel_error reports the distance to it)", scales=("full",)),
        Target("cv_isi_last", 0.8, None, "asynchronous-irregular after learning: ISI CV > 0.8",
               scales=("full",)),
        # Qualitative signatures (both scales): tonic synchronous start, iSTDP brings the rate down
        # and makes firing irregular and less synchronous.
        Target("rate_exc_before", 100.0, None, "before learning (no I->E inhibition): tonic high-rate "
               "firing (measured 161 Hz at both scales)"),
        Target("cv_isi_before", None, 0.1, "before learning: regular firing (measured <= 0.008)"),
        Target("rate_exc_ratio", None, 0.1, "E rate last window / before learning (measured 0.047-0.059 "
               "reduced, 0.024 full)"),
        Target("w_ie_mean", 1.0, 2.5, "learned mean I->E weight, nS (measured 1.48-1.59 reduced, "
               "1.96 full)"),
        # Derived here (not published): where the rule's drift actually vanishes in this network.
        Target("istdp_kappa", 0.7, 0.9, "full: I->E pairing sums below independent trains (kappa < 1: an "
               "I spike delays its target's next spike; measured 0.80)", scales=("full",)),
        Target("rate_exc_zero_drift_rel_error", None, 0.06, "full: the E rate has settled at the rule's "
               "fixed point rho0 / kappa (measured 3 %)", scales=("full",)),
        # Reduced scale: what the 2,500-neuron network reaches in 10 s (seeds 0-3), NOT rho0.
        Target("rate_exc_last", 3.0, 12.0, "reduced: E rate still above rho0 after 9 s of learning "
               "(measured 7.6-9.5 Hz; the +-15 % rho0 target is not met)", scales=("reduced",)),
        Target("cv_isi_last", 0.75, None, "reduced: irregular firing (measured 0.81-0.87)",
               scales=("reduced",)),
        Target("sync_last", None, 1.1, "reduced: 1 ms population-count std/mean well below the "
               "pre-learning 1.7 (measured 0.65-0.90)", scales=("reduced",)),
    ),
    reference=("Vogels, Sprekeler, Zenke, Clopath & Gerstner 2011, Science 334:1569; "
               "Brian2 examples Vogels_et_al_2011.py"),
))
