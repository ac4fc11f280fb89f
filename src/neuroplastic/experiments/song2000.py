"""``song2000``: competitive additive STDP splits 1,000 Poisson synapses into a bimodal distribution.

Model: the Brian2 example ``examples/synapses/STDP.py`` ("Adapted from Song, Miller
and Abbott (2000) and Song and Abbott (2001)"; read at brian-team/brian2 commits
28820645 and 327cbffd). N = 1000 Poisson inputs at F = 15 Hz, all-to-all onto one
LIF neuron: tau_m = 10 ms, E_l = -74 mV, v_t = -54 mV, v_r = -60 mV, no refractory
period, E_e = 0 mV, tau_e = 5 ms; dimensionless weights w ~ U(0, g_max), g_max =
0.01; additive all-to-all pair STDP, tau_pre = tau_post = 20 ms, dA_pre = 0.01 g_max,
dA_post = -1.05 dA_pre, w clipped to [0, g_max].

Driving force. The default, ``drive="conductance"``, is a conductance-based LIF
as the engine issue specifies: c_m dv/dt = g_L (E_l - v) + ge (E_e - v), with
c_m = 10 pF, tau_m = 10 ms, so g_L = 1 nS and ge in nS equals Brian's
dimensionless ge. Copies of the Brian2 example differ here: those stored at
commits 28820645 and 327cbffd write

    dv/dt = (ge (E_e - v_r) + E_l - v) / tau_m,     dge/dt = -ge / tau_e,

a *fixed* driving force E_e - v_r = 60 mV (current-based synapses despite the
name), while the copy our benchmark spec was read from (aec54d2) and the
independent re-run in the reference notes use ge (E_e - v); the re-run's numbers
(28 %, 24 %, 0.46, 18 Hz) match the conductance form. ``drive="fixed"`` mirrors
the fixed-driving-force copy exactly with the current-based LIF: c_m = 10 pF and
tau_m = 10 ms give g_L = 1 nS, and a Brian weight w becomes a current jump of
w * g_L * (E_e - v_r) = 60 w pA (so g_max = 0.6 pA and both STDP amplitudes scale
by the same factor; every reported weight is w / g_max and thus unit-free).
With the conductance form the driving force varies between 54 and 74 mV (vs 60 mV)
and each input also shortens the membrane time constant; at 300 s this gives a
slightly more symmetric distribution (seeds 0-4: 26-29 % below 0.1 g_max, 22-25 %
above 0.9 g_max, mean w/g_max 0.47, rate 17-23 Hz) than the fixed form (31-33 %,
20-21 %, 0.43, 20-24 Hz). Both forms meet every target below.

Reference values (shared/reference/canonical-results.md section 1, an independent
numpy re-run of the Brian2 variant, not a published number): after 300 s, 28 %
below 0.1 g_max and 24 % above 0.9 g_max, mean w/g_max 0.46, output 18 Hz over the
last 20 s. Stated tolerance there: >= 40 % in the two outer deciles, each middle
decile (0.3-0.7) < 6 %, mean w/g_max in [0.35, 0.6].

Scales: full = 300 s (the GeNN/PyNN ports' length); reduced = 100 s, the length of
Brian2's own example, where the distribution is already clearly U-shaped (seeds
0-11, fixed drive: 25-29 % below 0.1, 15-19 % above 0.9, every decile in 0.3-0.7
at most 7.4 %, both end deciles 2.1-3.6x the largest of those). At full scale
(seeds 0-11, fixed drive): 30-33 % below, 19.5-23 % above, outer 50-56 %, mean
0.430-0.437, largest middle decile 3.6-5.9 %, output 20-24 Hz.
"""
from __future__ import annotations

import numpy as np

from .. import (LIF, AllToAll, Model, Network, PairSTDP, PoissonInput, Population, Projection,
                SpikeMonitor, Uniform, WeightMonitor)
from ..errors import ValidationError
from ..viz import raster, weight_histogram, weight_histogram_over_time
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    duration=Param(300_000.0, "simulated time", "ms", gt=0),
    n_inputs=Param(1000, "Poisson inputs onto the one LIF neuron", ge=1),
    rate=Param(15.0, "input rate", "Hz", ge=0),
    tau_m=Param(10.0, "membrane time constant (g_L = c_m / tau_m = 1 nS)", "ms", gt=0),
    c_m=Param(10.0, "membrane capacitance", "pF", gt=0),
    v_rest=Param(-74.0, "resting potential E_l", "mV"),
    v_thresh=Param(-54.0, "firing threshold", "mV"),
    v_reset=Param(-60.0, "reset potential", "mV"),
    e_e=Param(0.0, "excitatory reversal potential", "mV"),
    tau_e=Param(5.0, "synaptic time constant", "ms", gt=0),
    g_max=Param(0.01, "weight bound in units of g_L (Brian2's dimensionless g_max)", gt=0),
    a_plus_frac=Param(0.01, "LTP amplitude dA_pre / g_max", ge=0),
    ratio=Param(1.05, "LTD / LTP amplitude ratio |dA_post| / dA_pre", ge=0),
    tau_stdp=Param(20.0, "STDP time constant (tau_pre = tau_post)", "ms", gt=0),
    drive=Param("conductance", "synaptic drive: ge (E_e - v), or the older Brian2 copies' fixed ge (E_e - v_r)",
                choices=("conductance", "fixed")),
    weight_interval=Param(1000.0, "weight sampling interval", "ms", gt=0),
    rate_window=Param(20_000.0, "window at the end for the output rate", "ms", gt=0),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("rate_window", "<=", "duration"),)

_DRIVES = ("fixed", "conductance")


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Simulate the Brian2 STDP example and summarise the final weight distribution."""
    c = config
    if c["drive"] not in _DRIVES:
        raise ValidationError("Experiment 'song2000'", "drive", c["drive"], f"must be one of {_DRIVES}")
    if c["drive"] == "fixed":
        # Brian2: dv/dt = (ge (E_e - v_r) + E_l - v)/tau_m -> a current ge * g_L * (E_e - v_r).
        g_l = c["c_m"] / c["tau_m"]                          # nS
        unit = g_l * (c["e_e"] - c["v_reset"])               # pA per unit of Brian's ge
        neuron = LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["v_rest"], v_reset=c["v_reset"],
                     v_thresh=c["v_thresh"], t_ref=0.0, synapse="current", tau_e=c["tau_e"])
        weight_unit = "pA"
    else:
        unit = c["c_m"] / c["tau_m"]                         # nS per unit of Brian's ge (= g_L)
        neuron = LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["v_rest"], v_reset=c["v_reset"],
                     v_thresh=c["v_thresh"], t_ref=0.0, synapse="conductance", tau_e=c["tau_e"],
                     e_e=c["e_e"])
        weight_unit = "nS"
    w_max = c["g_max"] * unit
    a_plus = c["a_plus_frac"] * w_max
    rule = PairSTDP(a_plus=a_plus, a_minus=c["ratio"] * a_plus, tau_plus=c["tau_stdp"],
                    tau_minus=c["tau_stdp"], w_max=w_max, weight_dependence="additive",
                    pairing="all-to-all")
    model = Model(dt=c["dt"])
    for part in (PoissonInput("inp", int(c["n_inputs"]), rate=c["rate"]),
                 Population("out", 1, neuron, initial={"v": c["v_rest"]}),
                 Projection("syn", "inp", "out", AllToAll(), weight=Uniform(0.0, w_max),
                            receptor="exc", rules=[rule], w_min=0.0, w_max=w_max),
                 SpikeMonitor("out"),
                 WeightMonitor("syn", interval=c["weight_interval"])):
        model.add(part)
    net = Network(model, seed=seed)
    net.run(float(c["duration"]), progress=progress)

    w = net.weights("syn") / w_max                           # unit-free, in [0, 1]
    mon = net.monitor("weights_syn")
    i_out, t_out = net.spikes("out")
    metrics = weight_metrics(w)
    window = min(float(c["rate_window"]), float(c["duration"]))
    metrics["output_rate_last"] = float(np.sum(t_out >= c["duration"] - window) / (window * 1e-3))
    metrics["output_rate_mean"] = float(t_out.size / (c["duration"] * 1e-3))
    metrics["weight_unit_per_gmax"] = float(w_max)

    t_w, w_t = np.asarray(mon["t"], dtype=float), np.asarray(mon["w"]) / w_max
    if t_w.size == 0 or t_w[-1] < c["duration"]:        # samples are taken at step start:
        t_w = np.append(t_w, float(c["duration"]))      # add the final weights at t = duration
        w_t = np.vstack([w_t.reshape(-1, w.size), w[None, :]])
    figures = _figures(c, t_w, w_t, w, i_out, t_out)
    return Result(
        config=dict(c), metrics=metrics, figures=figures,
        recordings={"weights": dict(t=t_w, w_over_gmax=w_t, final=w),
                    "spikes_out": dict(i=np.asarray(i_out, dtype=np.int64), t=t_out)},
        notes=[f"weights are in {weight_unit} internally; g_max = {w_max:g} {weight_unit}"],
    )


def _figures(c, t_w, w_t, w, i_out, t_out) -> dict:
    setup = (f"{int(c['n_inputs'])} Poisson inputs at {c['rate']:g} Hz, additive STDP, "
             f"{c['drive']} drive")
    end = f"{c['duration'] / 1000:g} s"
    return {
        "weights_over_time": weight_histogram_over_time(
            t_w, w_t, 1.0, bins=20, unit="w / g_max", t_stop=float(c["duration"]),
            title=f"Input weight distribution over time (Song et al. 2000, Brian2 variant)\n{setup}"),
        "final_histogram": weight_histogram(
            w, 1.0, bins=10, unit="w / g_max",
            title=f"Input weights after {end}: bimodal (Song et al. 2000)\n{setup}"),
        "output": raster(i_out, t_out, n=1, bin_ms=1000.0, t_stop=float(c["duration"]),
                         title=f"Output neuron firing over {end}\n{setup}"),
    }


def weight_metrics(w_over_gmax) -> dict:
    """Decile fractions, outer-decile mass, mean and bimodality of weights given as w / g_max."""
    w = np.clip(np.asarray(w_over_gmax, dtype=float), 0.0, 1.0)
    counts = np.bincount(np.minimum((w * 10).astype(np.int64), 9), minlength=10)
    frac = counts / w.size
    middle = frac[3:7]                                        # deciles 0.3-0.7
    m = {f"decile_{k}": float(frac[k]) for k in range(10)}    # decile_k: w/g_max in [k/10, (k+1)/10)
    m.update(
        frac_below_0_1=float(np.mean(w < 0.1)),
        frac_above_0_9=float(np.mean(w > 0.9)),
        mean_w_over_gmax=float(w.mean()),
        max_middle_decile=float(middle.max()),
        bimodality_ratio=float(min(frac[0], frac[9]) / max(middle.max(), 1e-12)),
        hist_counts=[int(x) for x in counts],
    )
    m["frac_outer_deciles"] = m["frac_below_0_1"] + m["frac_above_0_9"]
    return m


EXPERIMENT = register(Experiment(
    name="song2000",
    summary="Additive pair STDP on 1000 Poisson inputs (Brian2 STDP example): bimodal weights",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=dict(duration=100_000.0),
    targets=(
        Target("frac_outer_deciles", 0.40, None, ">= 40 % of weights below 0.1 or above 0.9 g_max after 300 s",
               scales=("full",)),
        Target("mean_w_over_gmax", 0.35, 0.60, "mean w/g_max (reference re-run 0.46)"),
        Target("max_middle_decile", None, 0.06, "each decile in 0.3-0.7 g_max holds < 6 %", scales=("full",)),
        Target("frac_below_0_1", 0.15, None, "a depressed mode (reference re-run 28 %)", scales=("full",)),
        Target("frac_above_0_9", 0.15, None, "a saturated mode (reference re-run 24 %)", scales=("full",)),
        Target("bimodality_ratio", 3.0, None, "both end deciles >= 3x the fullest middle decile",
               scales=("full",)),
        Target("output_rate_last", 10.0, 35.0, "output rate regulated (reference re-run 18 Hz, last 20 s)"),
        Target("frac_outer_deciles", 0.38, None, "after 100 s: outer deciles (measured 0.42-0.46)",
               scales=("reduced",)),
        Target("frac_below_0_1", 0.20, None, "after 100 s: depressed mode (measured 0.22-0.29)",
               scales=("reduced",)),
        Target("frac_above_0_9", 0.12, None, "after 100 s: saturated mode (measured 0.155-0.205)",
               scales=("reduced",)),
        Target("max_middle_decile", None, 0.08, "after 100 s: middle deciles (measured <= 0.074)",
               scales=("reduced",)),
        Target("bimodality_ratio", 1.8, None, "after 100 s: U shape (measured 2.1-3.6)", scales=("reduced",)),
    ),
    reference="Song, Miller & Abbott 2000, Nat Neurosci 3:919; Brian2 examples/synapses/STDP.py",
))
