"""``tsodyks-markram``: short-term depression and facilitation against the closed form.

Synapses (Tsodyks, Pawelzik & Markram 1998; parameters of Brian2's example of that
paper): depressing U = 0.5, tau_rec = 800 ms, no facilitation; facilitating
U = 0.03, tau_rec = 130 ms, tau_f = 530 ms. Each synapse gets a regular train of
``n_spikes`` presynaptic spikes at 5, 20 and 70 Hz, starting at ``t0``.

Measurement through the engine
------------------------------
Every (synapse type, frequency) pair has its own postsynaptic neuron: a current-based
LIF with tau_e = 1e15 ms (``ie`` practically never decays) and an unreachable
threshold, so ``ie`` adds up the amounts w * u * x the engine delivers. ``ie`` is
recorded every step (0.1 ms) and the positive jumps between samples are the
amplitudes A_k (w = 1, so A_k is the released fraction). Nothing of the model is
re-implemented on the measurement path.

Closed forms (in this module)
-----------------------------
* :func:`tm_amplitudes`: the model solved exactly between spikes for any given
  intervals D: x <- 1 - (1 - x) e^{-D/tau_rec}, u <- u e^{-D/tau_f}; at a spike
  u <- u + U (1 - u) (u = U without facilitation), A = u x, x <- x - A.
* :func:`paired_pulse_ratio`: A2/A1 = (1 + (1 - U) e^{-D/tau_f}) (1 - U e^{-D/tau_rec})
  with facilitation, 1 - U e^{-D/tau_rec} without.
* :func:`steady_state`: the fixed point of the spike-to-spike map for period D:
  u_ss = U / (1 - (1 - U) e^{-D/tau_f}) (u_ss = U without facilitation),
  x_ss = (1 - e^{-D/tau_rec}) / (1 - (1 - u_ss) e^{-D/tau_rec}), A_ss = u_ss x_ss
  (reduces to :func:`neuroplastic.plasticity.stp.steady_state_depression`).

Spike-time grid
---------------
Spike times are rounded to the 0.1 ms grid. 5 and 20 Hz periods are on it; at 70 Hz
(period 14.2857 ms) the intervals are 14.2 or 14.3 ms in a pattern that repeats every
7 spikes (100 ms). Hence two different comparisons:

* ``max_abs_error``: measured A_k/A_1 (and A_1) against :func:`tm_amplitudes` at the
  recorded spike times, every spike of every train. Target 1e-3 (notes, section 8);
  observed about 2e-13 (event-driven, only float rounding).
* ``max_dev_ideal_period_{dep,fac}``: the effect of the grid alone, i.e. the largest
  difference over all spikes between the closed-form ratios for the recorded times
  and for the ideal period. Observed 0 at 5 and 20 Hz; at 70 Hz about 9e-5
  (depressing) and 8e-3 (facilitating, where ratios are ~3, about 0.25 % relative:
  with x small and recovering at tau_rec = 130 ms, a 0.04 ms shift of a spike moves
  A_k by that much). The facilitating grid effect therefore exceeds 1e-3 in absolute
  terms; it is reported, not targeted, and it is NOT an engine error (the exact-interval
  comparison above is 2e-13).
* Against the ideal-period analytic values: ``max_dev_ppr_analytic`` (all six PPRs,
  about 2e-5) and ``max_dev_ss_analytic_dep`` (depressing steady state, about 3e-5)
  are targeted at 1e-3; ``max_dev_ss_analytic_fac`` (about 2.6e-3 at 70 Hz, the
  grid effect above) is reported only.

Steady state: ``ss_ratio_*`` is A_last / A_1. The facilitating synapse converges
slowly (u relaxes by (1 - U) e^{-D/tau_f} = 0.88 per spike at 20 Hz, 0.94 at 70 Hz),
so 40 spikes are not enough (A_40/A_1 = 3.149 vs 3.184 at 70 Hz); the default
``n_spikes = 200`` brings the ideal-period train to its fixed point within 3e-6.

Reference values (notes, section 8, [R], 3 decimals): depressing A2/A1 = 0.611 /
0.530 / 0.509 and A_ss/A1 = 0.362 / 0.114 / 0.035 at 5 / 20 / 70 Hz; facilitating
A2/A1 = 1.654 / 1.844 / 1.892, with the largest amplitude at the 7th spike at 70 Hz.
``max_dev_from_reference`` (observed 4.0e-4) is limited by the 3-decimal rounding.
"""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure

from .. import LIF, Model, Network, Pairs, Population, Projection, SpikeMonitor, SpikeTimes, StateMonitor
from ..plasticity.stp import TsodyksMarkram
from ..viz import bar_ratios
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, defaults_of
from .registry import register

PARAMETERS = dict(
    freqs=Param([5.0, 20.0, 70.0], "presynaptic train frequencies", "Hz", gt=0),
    n_spikes=Param(200, "spikes per train (enough for the facilitating steady state)", ge=2),
    t0=Param(10.0, "time of the first spike", "ms", ge=0),
    dep_U=Param(0.5, "release fraction U of the depressing synapse", gt=0, le=1),
    dep_tau_rec=Param(800.0, "recovery time constant of the depressing synapse", "ms", gt=0),
    fac_U=Param(0.03, "baseline release fraction U of the facilitating synapse", gt=0, le=1),
    fac_tau_rec=Param(130.0, "recovery time constant of the facilitating synapse", "ms", gt=0),
    fac_tau_f=Param(530.0, "facilitation time constant", "ms", gt=0),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)

#: Reference-notes [R] values (section 8), by frequency (Hz).
REFERENCE = {
    ("dep", "ppr"): {5.0: 0.611, 20.0: 0.530, 70.0: 0.509},
    ("dep", "ss_ratio"): {5.0: 0.362, 20.0: 0.114, 70.0: 0.035},
    ("fac", "ppr"): {5.0: 1.654, 20.0: 1.844, 70.0: 1.892},
}


def tm_amplitudes(times, U: float, tau_rec: float, tau_f: float = 0.0) -> np.ndarray:
    """Released fractions u*x at each spike of ``times`` (ms), solved exactly between spikes.

    Starts from rest (x = 1, u = 0). ``tau_f = 0`` means no facilitation (u = U).
    """
    times = np.asarray(times, dtype=float)
    out = np.empty(times.size)
    x, u, t_prev = 1.0, 0.0, None
    for k, t in enumerate(times):
        if t_prev is not None:
            gap = t - t_prev
            x = 1.0 - (1.0 - x) * math.exp(-gap / tau_rec)
            u = u * math.exp(-gap / tau_f) if tau_f > 0 else 0.0
        u = u + U * (1.0 - u) if tau_f > 0 else U
        out[k] = u * x
        x -= u * x
        t_prev = t
    return out


def paired_pulse_ratio(U: float, tau_rec: float, tau_f: float, interval: float) -> float:
    """A2/A1 for two spikes ``interval`` ms apart, from rest (closed form)."""
    dep = 1.0 - U * math.exp(-interval / tau_rec)
    if tau_f <= 0:
        return dep
    return (1.0 + (1.0 - U) * math.exp(-interval / tau_f)) * dep


def steady_state(U: float, tau_rec: float, tau_f: float, interval: float) -> tuple[float, float, float]:
    """(u_ss, x_ss, A_ss) at the spikes of an infinite regular train of period ``interval`` (ms).

    u_ss is the utilisation after its jump, x_ss the resources just before release.
    """
    if tau_f > 0:
        u_ss = U / (1.0 - (1.0 - U) * math.exp(-interval / tau_f))
    else:
        u_ss = U
    e = math.exp(-interval / tau_rec)
    x_ss = (1.0 - e) / (1.0 - (1.0 - u_ss) * e)
    return u_ss, x_ss, u_ss * x_ss


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Drive both synapse types at every frequency; compare engine amplitudes with closed forms."""
    c = config
    freqs = [float(f) for f in c["freqs"]]
    nf, ns = len(freqs), int(c["n_spikes"])
    ideal = [c["t0"] + 1000.0 / f * np.arange(ns) for f in freqs]
    kinds = {
        "dep": TsodyksMarkram(U=c["dep_U"], tau_rec=c["dep_tau_rec"], tau_f=0.0),
        "fac": TsodyksMarkram(U=c["fac_U"], tau_rec=c["fac_tau_rec"], tau_f=c["fac_tau_f"]),
    }
    model = Model(dt=c["dt"])
    model.add(SpikeTimes.from_trains("pre", ideal))
    model.add(Population("post", len(kinds) * nf, LIF(synapse="current", tau_e=1e15, v_thresh=1e9)))
    for k, (name, rule) in enumerate(kinds.items()):
        model.add(Projection(name, "pre", "post", Pairs(np.arange(nf), np.arange(nf) + k * nf),
                             weight=1.0, delay=0.0, rules=[rule]))
    model.add(SpikeMonitor("pre"))
    model.add(StateMonitor("post", ("ie",), interval=c["dt"]))
    net = Network(model, seed=seed)
    t_end = max(tr[-1] for tr in ideal)
    net.run(float(t_end + 20 * c["dt"]), progress=progress)

    ip, tp = net.spikes("pre")
    actual = [np.sort(tp[ip == i]) for i in range(nf)]
    jumps = np.diff(np.asarray(net.monitor("state_post")["ie"]), axis=0)

    metrics, notes, recs = {}, [], {}
    labels, measured_bars, analytic_bars = [], [], []
    errors = []
    grid = {name: [] for name in kinds}
    ppr_dev, ss_dev = [], {name: [] for name in kinds}
    for k, (name, rule) in enumerate(kinds.items()):
        for i, f in enumerate(freqs):
            col = jumps[:, k * nf + i]
            amps = col[col > 1e-9]
            tag = f"{name}_{f:g}hz"
            period = 1000.0 / f
            cf = tm_amplitudes(actual[i], rule.U, rule.tau_rec, rule.tau_f)
            cf_ideal = tm_amplitudes(ideal[i], rule.U, rule.tau_rec, rule.tau_f)
            metrics[f"n_amplitudes_{tag}"] = int(amps.size)
            if amps.size != ns:
                notes.append(f"{tag}: measured {amps.size} amplitudes, expected {ns}")
                errors.append(math.inf)
                continue
            ratios, cf_ratios, id_ratios = amps / amps[0], cf / cf[0], cf_ideal / cf_ideal[0]
            errors += [float(np.max(np.abs(ratios - cf_ratios))), float(abs(amps[0] - cf[0]))]
            grid[name].append(float(np.max(np.abs(cf_ratios - id_ratios))))
            ppr_an = paired_pulse_ratio(rule.U, rule.tau_rec, rule.tau_f, period)
            ss_an = steady_state(rule.U, rule.tau_rec, rule.tau_f, period)[2] / rule.U
            metrics[f"ppr_{tag}"] = float(ratios[1])
            metrics[f"ppr_analytic_{tag}"] = ppr_an
            metrics[f"ppr_exact_intervals_{tag}"] = float(cf_ratios[1])
            metrics[f"ss_ratio_{tag}"] = float(ratios[-1])
            metrics[f"ss_analytic_{tag}"] = float(ss_an)
            metrics[f"ss_exact_intervals_{tag}"] = float(cf_ratios[-1])
            metrics[f"peak_spike_{tag}"] = int(np.argmax(amps)) + 1       # 1-based
            ppr_dev.append(abs(ratios[1] - ppr_an))
            ss_dev[name].append(abs(ratios[-1] - ss_an))
            recs[tag] = dict(times=actual[i], amplitudes=amps, exact_intervals=cf, ideal_period=cf_ideal)
            labels += [f"{name} PPR {f:g} Hz", f"{name} ss {f:g} Hz"]
            measured_bars += [ratios[1], ratios[-1]]
            analytic_bars += [ppr_an, ss_an]

    def _max(values):
        return float(max(values)) if values else math.nan

    metrics["max_abs_error"] = _max(errors)
    for name in kinds:
        metrics[f"max_dev_ideal_period_{name}"] = _max(grid[name])
        metrics[f"max_dev_ss_analytic_{name}"] = _max(ss_dev[name])
    metrics["max_dev_ideal_period"] = _max(grid["dep"] + grid["fac"])
    metrics["max_dev_ppr_analytic"] = _max(ppr_dev)
    ref_dev = []
    for (name, what), table in REFERENCE.items():
        for f, rv in table.items():
            m = metrics.get(f"{what}_{name}_{f:g}hz")
            if m is not None:
                ref_dev.append(abs(m - rv))
    metrics["max_dev_from_reference"] = _max(ref_dev)

    figures = {"ratios": bar_ratios(labels, measured_bars, analytic_bars,
                                    ylabel="amplitude ratio A_k / A_1",
                                    title=("Tsodyks-Markram synapses (dep: depressing, fac: facilitating): "
                                           "paired-pulse ratio A2/A1 (PPR) and steady state A_ss/A1 (ss), "
                                           "simulation vs closed form for the ideal period"))}
    if recs:
        figures["amplitudes"] = _amplitude_figure(recs, kinds, freqs, min(ns, 40))
    return Result(config=dict(c), metrics=metrics, figures=figures, recordings=recs, notes=notes)


_KIND_NAMES = {"dep": "depressing", "fac": "facilitating"}


def _amplitude_figure(recs, kinds, freqs, n_show) -> Figure:
    """A_k/A_1 against spike number: engine (hollow markers) and exact closed form (lines on top)."""
    fig = Figure(figsize=(9, 3.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(kinds)))
    for ax, (name, rule) in zip(axes, kinds.items()):
        for j, f in enumerate(freqs):
            rec = recs.get(f"{name}_{f:g}hz")
            if rec is None:
                continue
            k = np.arange(1, n_show + 1)
            a, cf = rec["amplitudes"][:n_show], rec["exact_intervals"][:n_show]
            colour = OKABE_ITO[j % len(OKABE_ITO)]
            ax.plot(k, a / a[0], "o", color=colour, markerfacecolor="none", markersize=4, zorder=2,
                    label=f"{f:g} Hz")
            ax.plot(k, cf / cf[0], color=colour, linewidth=1.2, zorder=3)
        ax.plot([], [], "o", color="0.3", markerfacecolor="none", markersize=4, label="simulation")
        ax.plot([], [], color="0.3", linewidth=1.2, label="closed form")
        ax.set_title(f"{_KIND_NAMES.get(name, name)} synapse: U = {rule.U:g}, "
                     f"τ_rec = {rule.tau_rec:g} ms, τ_f = {rule.tau_f:g} ms", fontsize="small")
        ax.set_xlabel("spike number k in the train")
        ax.set_ylabel("amplitude A_k / A_1")
        ax.set_xlim(0, n_show + 1)
        ax.legend(frameon=False, fontsize="small")
    fig.suptitle("Tsodyks-Markram short-term plasticity: regular trains at several rates")
    return fig


EXPERIMENT = register(Experiment(
    name="tsodyks-markram",
    summary="Tsodyks-Markram depression/facilitation amplitudes through the engine vs closed forms",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced={},
    targets=(
        Target("max_abs_error", 0.0, 1e-3, "A_k/A_1 vs closed form at the recorded spike times (dt = 0.1 ms)"),
        Target("max_dev_ppr_analytic", 0.0, 1e-3, "A2/A1 vs closed form for the ideal period"),
        Target("max_dev_ss_analytic_dep", 0.0, 1e-3,
               "depressing A_ss/A1 vs x_ss = (1-e^{-D/tau})/(1-(1-U)e^{-D/tau}), ideal period"),
        Target("max_dev_from_reference", 0.0, 1e-3, "reference-notes [R] ratios (3 decimals)"),
        Target("peak_spike_fac_70hz", 7, 7, "facilitating synapse at 70 Hz peaks at the 7th spike"),
    ),
    reference="Tsodyks & Markram 1997, PNAS 94:719; Tsodyks, Pawelzik & Markram 1998, Neural Comput 10:821",
))
