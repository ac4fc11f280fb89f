"""``stability``: a plastic recurrent E/I network with and without homeostasis.

One recurrent network of conductance-based LIF neurons with additive pair STDP on
its E->E synapses is simulated twice from the same seed (same connectivity,
initial state and background spikes): (a) with STDP only, (b) with STDP plus
three homeostatic mechanisms. Issue target: (a) runs away or falls silent; (b)
keeps every population between 1 and 20 Hz for at least 10 minutes of
biological time.

Network. N_E = 800, N_I = 200 LIF neurons (Vogels et al. 2011 / COBA membrane):
C = 200 pF, g_L = 10 nS (tau_m = 20 ms), E_L = -60 mV, V_th = -50 mV (+ theta),
V_reset = -60 mV, t_ref = 5 ms::

    C dv/dt = g_L (E_L - v) + g_e (E_e - v) + g_i (E_i - v)
    tau_e dg_e/dt = -g_e,  tau_i dg_i/dt = -g_i      (E_e = 0, E_i = -80 mV; 5, 10 ms)

Every ordered pair is connected with p = 0.1 (no autapses; ~80 E and ~20 I
inputs per neuron), delay 1.5 ms. Weights (nS, chosen here, not from a paper, so
that the initial network fires asynchronously at ~10 Hz): E->E 0.5 (plastic,
bounded to [0, w_max = 2]), E->I 0.5, I->E 4 (plastic in (b), bounded to
[0, 100]), I->I 4. Background: each neuron receives K = 100 private Poisson
trains of 10 Hz through 0.5 nS synapses, simulated as their sum, one Poisson
train of 1 kHz per neuron (Bernoulli per 0.1 ms step). Initial v ~ U(-60, -50)
mV. dt = 0.1 ms. The runaway check ``Model(max_rate=100 Hz)`` (population mean
over 100 ms) stops a run; the stop is caught and its time recorded.

Plasticity, run (a): :class:`~neuroplastic.PairSTDP` on E->E, additive,
all-to-all, tau_+ = tau_- = 20 ms and A_+ = 0.005 w_max = 0.01 nS (Song, Miller &
Abbott 2000 use A_+ = 0.005 g_max), A_- = ``ratio`` A_+ with ratio = 1.0 (a
balanced window, A_- tau_- = A_+ tau_+).

Why (a) fails (the mechanism). For a pre/post pair firing independently at rates
r_pre, r_post, all-to-all pair STDP drifts by r_pre r_post (A_+ tau_+ - A_- tau_-),
which is zero for the balanced window; what remains is the causal term: each
E->E spike raises the probability that its target fires in the next few ms, and
those pre-before-post pairs fall on the potentiation side only, giving
dw/dt ~ A_+ r_pre * (extra post spikes caused per pre spike). That term grows with
w (a stronger synapse causes more post spikes) and with the rates, which grow
with the mean E->E weight: Hebbian positive feedback through recurrent
excitation. The I->E and I->I weights are fixed, so inhibition only grows with
the I rate and cannot keep up. Measured (full scale, seed 0): the E rate climbs
from 10 Hz smoothly (12.7 Hz in the window 5-6 s, 20.4 Hz at 14-15 s, 52.7 Hz
at 24-25 s) until the runaway stop at t = 37.6 s (E 95 Hz, I 47 Hz in the last
complete second), with the mean E->E weight up from 0.50 to 0.70 nS. Seed 1: stop
at 41.1 s (E 98 Hz), mean E->E weight 0.69 nS.

The A_-/A_+ balance matters and is stated, not hidden: with Song et al.'s 5 %
excess of depression (ratio = 1.05; A_+ = 0.005 w_max) the uncorrelated drift is
negative and competitive: ``--set ratio=1.05 --set run_b=false`` (seed 0) does
not run away within 600 s; the E rate stays within 9.6-18.3 Hz (18.0 Hz in the
last second, drifting up slowly) and the E->E weights become bimodal (34 % near
w_max, 37 % near 0, mean 0.90 nS). In an exploratory run with ratio 1.05 and A_+ =
0.01 w_max (the Brian2 example's value) the same network did not run away either
within 600 s: E rates wandered 10-18.6 Hz while the E->E weights became bimodal
(35 % at w_max, 36 % at 0), the rate-regulating competition of Song et al. 2000.
So (a) fails here because the window's integral is not negative; no weight or
rate was tuned to make it fail, and the network starts well inside 1-20 Hz.

Plasticity, run (b), all rules on at once, every homeostatic set point 5 Hz for E:

* E->E: the same STDP plus :class:`~neuroplastic.SynapticScaling` (van Rossum,
  Bi & Turrigiano 2000): rate sensor tau_a da/dt = -a, a += 1000/tau_a per spike
  (Hz); every P = 100 ms each neuron's incoming E weights are multiplied by
  1 + beta (5 Hz - a) P, with tau_a = 1 s, beta = 0.02 /(s Hz), no integral term.
  This is much faster than biological scaling (hours to days; Turrigiano et al.
  1998) on purpose: Zenke, Hennequin & Gerstner (2013, PLoS Comput Biol
  9:e1003330) show that homeostasis stabilises Hebbian plasticity in recurrent
  networks only if it acts on a timescale comparable to or faster than the
  Hebbian growth (seconds to minutes); with tau_a of hours the runaway of (a)
  (tens of seconds) would happen first.
* I->E: :class:`~neuroplastic.InhibitorySTDP` (Vogels et al. 2011): eta = 1e-2 nS,
  tau = 20 ms as in the paper, rho0 = 5 Hz (the paper uses 3 Hz; here it is set to
  the scaling target so that the two rules share one set point: two
  integral-like rules with different set points would push their weights
  against each other without bound).
* Intrinsic: :class:`~neuroplastic.ThresholdHomeostasis` (SORN intrinsic
  plasticity, Lazar, Pipa & Triesch 2009) on E and I: theta += 0.02 mV per spike,
  theta -= 0.02 mV * target * P every P = 100 ms, targets 5 Hz (E) and 10 Hz (I),
  i.e. d theta/dt = 0.02 mV (r - target).

Scaling and the thresholds run at their own 100 ms period, not every step.

Metrics (``a_`` and ``b_`` prefixes): ``rate_{exc,inh}_windows`` (Hz, one per
``window`` = 1 s), ``rate_{exc,inh}_{min,max,mean,last}`` and ``rate_min``/``rate_max``
over both populations (windows after ``t_transient`` = 1 s), ``ran_away`` with
``runaway_time_s``/``runaway_step``/``runaway_population``, ``fell_silent`` (an E window
below 0.1 Hz) with ``silent_time_s``, ``left_band_time_s``, ``time_in_band_s``,
``failed`` (ran away, silent or out of 1-20 Hz), ``stayed_in_band``, final E->E weight
statistics, mean I->E weight, mean thetas, and ``wall_s``/``wall_s_per_sim_s``
(``Network.run`` only, after a one-step compile-and-reset; for information, not a
target; (a)'s cost per second rises with its rate). Figures: population rates of
both runs (log scale, 1 s bins, the 1-20 Hz band shaded) and the E->E weight
distribution over time for each run (4,000 sampled synapses).

Scales: full = 600 s; reduced = 60 s (same network). Measured with
``python -m neuroplastic.cli run stability --out /tmp/runs_c`` and
``python -m neuroplastic.cli reproduce stability`` (2 CPU cores; every target
passes; 68-70 s for the whole command, of which (a) 6.9 s up to its stop and
(b) 52 s for 600 s, i.e. 0.087 s of wall time per simulated second):

* seed 0: (a) runaway stop at 37.6 s; (b) 600 s, E 2.5-9.1 Hz (mean 5.02, last
  4.99), I 6.8-11.7 Hz (mean 9.7); final mean E->E weight 0.86 nS (35 % near 0,
  16 % near w_max), mean I->E 4.2 nS, mean theta +0.36 mV (E), -3.7 mV (I).
* seed 1 (``--seed 1``): (a) runaway stop at 41.1 s; (b) 600 s, E 2.7-8.7 Hz
  (mean 5.03), I 6.8-11.7 Hz; final mean E->E 0.80 nS, I->E 3.96 nS.
* reduced (60 s), seed 0 (``--scale reduced``, 27 s for the command): (a) stop
  at 37.6 s as at full scale (same network and seed); (b) E 3.8-7.8 Hz (5.5 Hz in
  the last second), I 6.8-10.0 Hz.

The seconds-scale dips of the E rate in (b) (down to 2.5 Hz around 100-150 s) are
fluctuations of the recurrent network (population bursts and pauses) that the
homeostatic rules damp over the following minutes; no parameter was changed
after seeing them.

References: Song S, Miller KD, Abbott LF (2000) Nat Neurosci 3:919. van Rossum
MCW, Bi GQ, Turrigiano GG (2000) J Neurosci 20:8812. Turrigiano GG et al. (1998)
Nature 391:892. Vogels TP, Sprekeler H, Zenke F, Clopath C, Gerstner W (2011)
Science 334:1569. Lazar A, Pipa G, Triesch J (2009) Front Comput Neurosci 3:23.
Zenke F, Hennequin G, Gerstner W (2013) PLoS Comput Biol 9:e1003330.
"""
from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure

from .. import (LIF, FixedProbability, Model, Network, OneToOne, PairSTDP, PoissonInput, Population,
                Projection, RateMonitor, SimulationError, Uniform, WeightMonitor)
from ..plasticity.homeostasis import SynapticScaling
from ..plasticity.inhibitory import InhibitorySTDP
from ..plasticity.intrinsic import ThresholdHomeostasis
from ..viz import (mark_time, plain_log_ticks, population_colours, time_unit,
                   weight_histogram_over_time)
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    duration=Param(600_000.0, "simulated time of each run", "ms", gt=0),
    n_exc=Param(800, "excitatory neurons", ge=1),
    n_inh=Param(200, "inhibitory neurons", ge=1),
    p_connect=Param(0.1, "connection probability of every ordered pair", ge=0, le=1),
    c_m=Param(200.0, "membrane capacitance", "pF", gt=0),
    tau_m=Param(20.0, "membrane time constant", "ms", gt=0),
    e_l=Param(-60.0, "leak reversal (resting) potential", "mV"),
    v_thresh=Param(-50.0, "firing threshold (plus theta)", "mV"),
    v_reset=Param(-60.0, "reset potential", "mV"),
    t_ref=Param(5.0, "refractory period", "ms", ge=0),
    e_e=Param(0.0, "excitatory reversal potential", "mV"),
    e_i=Param(-80.0, "inhibitory reversal potential", "mV"),
    tau_e=Param(5.0, "excitatory conductance time constant", "ms", gt=0),
    tau_i=Param(10.0, "inhibitory conductance time constant", "ms", gt=0),
    k_ext=Param(100, "private background inputs per neuron (simulated as one summed train)", ge=1),
    rate_ext=Param(10.0, "rate of each background input", "Hz", ge=0),
    w_ext=Param(0.5, "background weight", "nS", ge=0),
    w_ee=Param(0.5, "initial E->E weight", "nS", ge=0),
    w_ei=Param(0.5, "E->I weight", "nS", ge=0),
    w_ie=Param(4.0, "initial I->E weight", "nS", ge=0),
    w_ii=Param(4.0, "I->I weight", "nS", ge=0),
    w_ee_max=Param(2.0, "upper bound of the E->E weights", "nS", gt=0),
    w_ie_max=Param(100.0, "upper bound of the plastic I->E weights (run b)", "nS", gt=0),
    delay=Param(1.5, "delay of every recurrent synapse", "ms", ge=0),
    a_plus_frac=Param(0.005, "STDP potentiation A+ / w_ee_max", ge=0),
    ratio=Param(1.0, "STDP depression / potentiation A- / A+", ge=0),
    tau_stdp=Param(20.0, "STDP time constant (tau_+ = tau_-)", "ms", gt=0),
    target_rate=Param(5.0, "set point of every homeostatic rule on E (run b)", "Hz", gt=0),
    tau_a=Param(1000.0, "time constant of the scaling rate sensor", "ms", gt=0),
    beta=Param(0.02, "synaptic-scaling gain", "1/(s Hz)", ge=0),
    scaling_period=Param(100.0, "synaptic-scaling interval", "ms", gt=0),
    eta_istdp=Param(1e-2, "inhibitory STDP learning rate per pairing", "nS", ge=0),
    tau_istdp=Param(20.0, "inhibitory STDP time constant", "ms", gt=0),
    eta_ip=Param(0.02, "threshold increment per spike (intrinsic homeostasis)", "mV", ge=0),
    ip_period=Param(100.0, "interval of the threshold homeostasis", "ms", gt=0),
    target_rate_inh=Param(10.0, "set point of the I thresholds", "Hz", gt=0),
    max_rate=Param(100.0, "runaway stop: population mean rate over 100 ms", "Hz", gt=0),
    silent_rate=Param(0.1, "a window whose E rate is below this counts as silent", "Hz", ge=0),
    low=Param(1.0, "lower edge of the stability band", "Hz", ge=0),
    high=Param(20.0, "upper edge of the stability band", "Hz", gt=0),
    window=Param(1000.0, "rate window", "ms", gt=0),
    t_transient=Param(1000.0, "start left out of the rate statistics", "ms", ge=0),
    n_weight_sample=Param(4000, "E->E synapses sampled for the weight figure", ge=1),
    weight_samples=Param(120, "weight snapshots per run", ge=1),
    run_a=Param(True, "run (a): STDP only"),
    run_b=Param(True, "run (b): STDP with the homeostatic rules"),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("low", "<", "high"), Relation("t_transient", "<", "duration"), Relation("window", "<=", "duration"))

REDUCED = dict(duration=60_000.0, weight_samples=60)


def _rules(c, variant: str):
    """The rule lists of one variant: ``"a"`` (STDP only) or ``"b"`` (all homeostatic rules on)."""
    a_plus = c["a_plus_frac"] * c["w_ee_max"]
    stdp = PairSTDP(a_plus=a_plus, a_minus=c["ratio"] * a_plus, tau_plus=c["tau_stdp"],
                    tau_minus=c["tau_stdp"], w_max=c["w_ee_max"], weight_dependence="additive",
                    pairing="all-to-all")
    if variant == "a":
        return dict(ee=[stdp], ie=[], exc=[], inh=[])
    return dict(
        ee=[stdp, SynapticScaling(tau_a=c["tau_a"], target_rate=c["target_rate"], beta=c["beta"],
                                  gamma=0.0, period=c["scaling_period"])],
        ie=[InhibitorySTDP(eta=c["eta_istdp"], rho0=c["target_rate"], tau=c["tau_istdp"])],
        exc=[ThresholdHomeostasis(eta=c["eta_ip"], target_rate=c["target_rate"], period=c["ip_period"])],
        inh=[ThresholdHomeostasis(eta=c["eta_ip"], target_rate=c["target_rate_inh"], period=c["ip_period"])],
    )


def build(config: dict, variant: str, seed: int = 0, max_rate="config", monitors: bool = True) -> Network:
    """The network of run ``variant`` ("a" or "b"). Both variants share the seed, so their
    connectivity, initial state and background input are identical (same draws in the same
    order): only the rules differ. ``max_rate=None`` disables the runaway stop."""
    c = config
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    cell = LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["e_l"], v_reset=c["v_reset"],
               v_thresh=c["v_thresh"], t_ref=c["t_ref"], synapse="conductance", tau_e=c["tau_e"],
               tau_i=c["tau_i"], e_e=c["e_e"], e_i=c["e_i"])
    rules = _rules(c, variant)
    initial = {"v": Uniform(c["v_reset"], c["v_thresh"])}
    model = Model(dt=c["dt"], max_rate=c["max_rate"] if max_rate == "config" else max_rate)
    model.add(Population("exc", n_e, cell, initial=initial, rules=rules["exc"]))
    model.add(Population("inh", n_i, cell, initial=initial, rules=rules["inh"]))
    # k_ext independent Poisson trains of rate_ext per neuron, summed: one Poisson train of
    # rate k_ext * rate_ext per neuron (private, so the background carries no correlations).
    r_bg = float(c["k_ext"] * c["rate_ext"])
    model.add(PoissonInput("bg_exc", n_e, rate=r_bg))
    model.add(PoissonInput("bg_inh", n_i, rate=r_bg))
    model.add(Projection("bge", "bg_exc", "exc", OneToOne(), weight=c["w_ext"]))
    model.add(Projection("bgi", "bg_inh", "inh", OneToOne(), weight=c["w_ext"]))
    conn = FixedProbability(c["p_connect"])
    d = c["delay"]
    model.add(Projection("ee", "exc", "exc", conn, weight=c["w_ee"], delay=d, rules=rules["ee"],
                         w_min=0.0, w_max=c["w_ee_max"]))
    model.add(Projection("ei", "exc", "inh", conn, weight=c["w_ei"], delay=d))
    model.add(Projection("ie", "inh", "exc", conn, weight=c["w_ie"], delay=d, receptor="inh",
                         rules=rules["ie"], w_min=0.0, w_max=c["w_ie_max"]))
    model.add(Projection("ii", "inh", "inh", conn, weight=c["w_ii"], delay=d, receptor="inh"))
    if monitors:
        model.add(RateMonitor("exc", bin=c["window"]))
        model.add(RateMonitor("inh", bin=c["window"]))
        n_expected = int(round(n_e * (n_e - 1) * c["p_connect"]))
        n_sample = int(min(c["n_weight_sample"], max(n_expected // 2, 1)))
        sample = np.sort(np.random.default_rng(12345).choice(max(n_expected // 2, 1), n_sample,
                                                             replace=False))
        interval = max(float(c["duration"]) / max(int(c["weight_samples"]), 1), c["dt"])
        model.add(WeightMonitor("ee", synapses=sample, interval=interval))
        n_ie = int(round(n_i * n_e * c["p_connect"]))
        sample_ie = np.sort(np.random.default_rng(54321).choice(max(n_ie // 2, 1),
                                                                min(n_sample, max(n_ie // 2, 1)), replace=False))
        model.add(WeightMonitor("ie", synapses=sample_ie, interval=interval))
    return Network(model, seed=seed)


def simulate(config: dict, variant: str, seed: int = 0, progress: bool = False) -> dict:
    """Run one variant for ``duration`` ms; a runaway stop is caught and recorded."""
    c = config
    net = build(c, variant, seed)
    duration = float(c["duration"])
    net.run(c["dt"])       # compile (or load) the kernel outside the timed part,
    net.reset()            # then restore the initial state exactly (nothing is rebuilt)
    start = time.perf_counter()
    stopped = None
    try:
        net.run(duration, progress=progress)
    except SimulationError as err:
        stopped = dict(step=int(err.step), time_ms=float(err.time_ms), population=err.population,
                       reason=err.reason)
    wall = time.perf_counter() - start
    out = dict(net=net, stopped=stopped, wall=wall, t_end=net.t)
    for pop in ("exc", "inh"):
        mon = net.monitor(f"rate_{pop}")
        t, r = np.asarray(mon["t"], float), np.asarray(mon["rate"], float)
        full = (t + float(c["window"])) <= net.t + 1e-6     # complete windows only
        out[f"t_{pop}"], out[f"rate_{pop}"] = t[full], r[full]
    for proj in ("ee", "ie"):
        mon = net.monitor(f"weights_{proj}")
        out[f"tw_{proj}"] = np.asarray(mon["t"], float)
        out[f"w_{proj}"] = np.asarray(mon["w"], float).reshape(out[f"tw_{proj}"].size, -1)
        out[f"final_{proj}"] = net.weights(proj)
    out["theta_exc"] = np.asarray(net.state("exc", "theta")).copy()
    out["theta_inh"] = np.asarray(net.state("inh", "theta")).copy()
    return out


def summarise(c: dict, sim: dict, tag: str) -> dict:
    """Metrics of one run, keys prefixed by ``tag`` ("a_" or "b_")."""
    m = {}
    t_skip = float(c["t_transient"])
    sim_s = sim["t_end"] * 1e-3
    m["simulated_s"] = sim_s
    m["wall_s"] = sim["wall"]
    m["wall_s_per_sim_s"] = sim["wall"] / max(sim_s, 1e-9)
    m["ran_away"] = int(sim["stopped"] is not None)
    m["runaway_time_s"] = sim["stopped"]["time_ms"] * 1e-3 if sim["stopped"] else None
    m["runaway_step"] = sim["stopped"]["step"] if sim["stopped"] else None
    m["runaway_population"] = sim["stopped"]["population"] if sim["stopped"] else None
    silent_at, out_at = None, None
    lo_all, hi_all = np.inf, -np.inf
    for pop in ("exc", "inh"):
        t, r = sim[f"t_{pop}"], sim[f"rate_{pop}"]
        keep = t >= t_skip
        rr, tt = r[keep], t[keep]
        m[f"rate_{pop}_windows"] = [float(x) for x in r]
        m[f"rate_{pop}_min"] = float(rr.min()) if rr.size else None
        m[f"rate_{pop}_max"] = float(rr.max()) if rr.size else None
        m[f"rate_{pop}_last"] = float(r[-1]) if r.size else None
        m[f"rate_{pop}_mean"] = float(rr.mean()) if rr.size else None
        if rr.size:
            lo_all, hi_all = min(lo_all, rr.min()), max(hi_all, rr.max())
            bad = np.flatnonzero((rr < c["low"]) | (rr > c["high"]))
            if bad.size and (out_at is None or tt[bad[0]] < out_at):
                out_at = float(tt[bad[0]])
            if pop == "exc":
                quiet = np.flatnonzero(rr < c["silent_rate"])
                if quiet.size:
                    silent_at = float(tt[quiet[0]])
    m["rate_min"] = float(lo_all) if np.isfinite(lo_all) else None
    m["rate_max"] = float(hi_all) if np.isfinite(hi_all) else None
    m["fell_silent"] = int(silent_at is not None)
    m["silent_time_s"] = silent_at * 1e-3 if silent_at is not None else None
    m["left_band_time_s"] = out_at * 1e-3 if out_at is not None else None
    # seconds the whole run stayed inside [low, high] (every population, every window)
    end_s = sim["t_end"] * 1e-3
    m["time_in_band_s"] = out_at * 1e-3 if out_at is not None else end_s
    m["failed"] = int(m["ran_away"] or m["fell_silent"] or out_at is not None)
    m["stayed_in_band"] = int(not m["failed"])
    w = sim["final_ee"]
    m["w_ee_mean_final"] = float(w.mean())
    m["w_ee_frac_at_max"] = float(np.mean(w >= 0.95 * c["w_ee_max"]))
    m["w_ee_frac_at_zero"] = float(np.mean(w <= 0.05 * c["w_ee_max"]))
    m["w_ie_mean_final"] = float(sim["final_ie"].mean())
    m["theta_exc_mean"] = float(sim["theta_exc"].mean())
    m["theta_inh_mean"] = float(sim["theta_inh"].mean())
    return {f"{tag}{k}": v for k, v in m.items()}


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Run (a) STDP only and (b) STDP + scaling + iSTDP + threshold homeostasis, same seed."""
    c = config
    sims, metrics = {}, {}
    for variant in ("a", "b"):
        if not c[f"run_{variant}"]:
            continue
        sims[variant] = simulate(c, variant, seed, progress)
        metrics.update(summarise(c, sims[variant], f"{variant}_"))
    if "a" in sims and "b" in sims:
        metrics["wall_ratio_b_over_a"] = metrics["b_wall_s_per_sim_s"] / metrics["a_wall_s_per_sim_s"]
    figures = {}
    if sims:
        figures["population_rates"] = _rates_figure(c, sims)
    for v, sim in sims.items():
        t_w, w_t = sim["tw_ee"], sim["w_ee"]
        if t_w.size:
            stop = [(sim["stopped"]["time_ms"], "runaway stop")] if sim["stopped"] else []
            figures[f"weights_ee_{v}"] = weight_histogram_over_time(
                t_w, w_t, c["w_ee_max"], bins=20, unit="nS", events=stop, t_stop=float(sim["t_end"]),
                title=(f"E→E weight distribution ({w_t.shape[1]:,} sampled synapses), {_VARIANTS[v]}\n"
                       f"{_network(c)}"))
    recordings = {}
    for v, sim in sims.items():
        recordings[f"rates_{v}"] = dict(t_exc=sim["t_exc"], rate_exc=sim["rate_exc"],
                                        t_inh=sim["t_inh"], rate_inh=sim["rate_inh"])
        recordings[f"weights_ee_{v}"] = dict(t=sim["tw_ee"], w=sim["w_ee"], final=sim["final_ee"])
        recordings[f"weights_ie_{v}"] = dict(t=sim["tw_ie"], w=sim["w_ie"], final=sim["final_ie"])
        recordings[f"theta_{v}"] = dict(exc=sim["theta_exc"], inh=sim["theta_inh"])
    notes = ["rates in Hz per window of `window` ms; weights in nS; theta in mV",
             "run (a) stops at the runaway check (Model.max_rate); its metrics cover the time up to the stop"]
    return Result(config=dict(c), metrics=metrics, figures=figures, recordings=recordings, notes=notes)


_VARIANTS = {"a": "(a) pair STDP on E→E only",
             "b": "(b) pair STDP + synaptic scaling, iSTDP, threshold homeostasis"}


def _network(c) -> str:
    return f"{int(c['n_exc'])} E + {int(c['n_inh'])} I LIF neurons, {int(c['k_ext'])} Poisson inputs each"


def _rates_figure(c, sims) -> Figure:
    fig = Figure(figsize=(8, 2.8 * len(sims) + 0.8), layout="constrained")
    axes = fig.subplots(len(sims), 1, sharex=True, sharey=True, squeeze=False)[:, 0]
    unit = time_unit(c["duration"])
    colours = population_colours(["E", "I"])
    floor = 1e-2                                   # Hz: silent windows are drawn here on the log axis
    for ax, (v, sim) in zip(axes, sims.items()):
        for pop, label in (("exc", "E"), ("inh", "I")):
            t, r = sim[f"t_{pop}"], sim[f"rate_{pop}"]
            ax.plot(unit(t + 0.5 * c["window"]), np.maximum(r, floor), label=label, linewidth=1.0,
                    color=colours[label])
        ax.axhspan(c["low"], c["high"], color=OKABE_ITO[2], alpha=0.12, linewidth=0,
                   label=f"stability band {c['low']:g}-{c['high']:g} Hz")
        ax.set_yscale("log")
        ax.set_ylim(top=max(ax.get_ylim()[1], c["high"] * 2))
        plain_log_ticks(ax, "y")
        ax.set_ylabel(f"rate (Hz, {c['window'] / 1000:g} s bins)")
        ax.set_title(_VARIANTS[v], fontsize="medium")
        ax.set_xlim(0, unit(c["duration"]))
        if sim["stopped"]:
            mark_time([ax], unit, [(sim["stopped"]["time_ms"], f"runaway stop (> {c['max_rate']:g} Hz)")])
        ax.legend(fontsize="small", loc="lower right", framealpha=0.9)
    axes[-1].set_xlabel(unit.label())
    silent = any(np.any(sim[f"rate_{p}"] < floor) for sim in sims.values() for p in ("exc", "inh"))
    fig.suptitle(f"Population rates with E→E STDP\n{_network(c)}"
                 + (f" (0 Hz drawn at {floor:g} Hz)" if silent else ""))
    return fig


EXPERIMENT = register(Experiment(
    name="stability",
    summary="Recurrent E/I network with E->E pair STDP: unstable alone, stable with homeostasis",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        Target("a_failed", 1, None, "(a) STDP only: runs away (runaway stop) or falls silent or leaves "
               "1-20 Hz"),
        Target("b_stayed_in_band", 1, None, "(b) every population within 1-20 Hz in every window"),
        Target("b_rate_min", 1.0, None, "(b) min window rate over E and I (Hz)"),
        Target("b_rate_max", None, 20.0, "(b) max window rate over E and I (Hz)"),
        Target("b_simulated_s", 599.999, None, "(b) at least 10 min of biological time", scales=("full",)),
        Target("b_simulated_s", 59.999, None, "(b) reduced: the whole 60 s", scales=("reduced",)),
    ),
    reference=("Song, Miller & Abbott 2000; van Rossum, Bi & Turrigiano 2000; Vogels et al. 2011; "
               "Lazar, Pipa & Triesch 2009; Zenke, Hennequin & Gerstner 2013"),
))
