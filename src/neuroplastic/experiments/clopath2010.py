"""``clopath2010``: voltage-based STDP (Clopath et al. 2010) on its AdEx neuron.

**Frequency protocol** (Sjostrom, Turrigiano & Nelson 2001, as simulated by
the authors and by NEST's ``clopath_synapse_spike_pairing`` example): one
AdExClopath neuron per condition (5 frequencies x post 10 ms after / before
the pre spike), ``n_pairs`` pairings at rho Hz through a ClopathSTDP synapse
of w0 = 0.5 mV (its EPSP reaches the neuron), the postsynaptic spike forced by
a ``kick`` mV delta input one step before it (it fires exactly at the planned
time, checked: ``max_timing_error_ms``). The change of one block is
multiplied by ``repetitions`` = 15, as NEST's example does: in the experiment
15 blocks are given 10 s apart, and after 10 s every variable of the model is
back at rest, so the blocks are independent; dw/w0 after 75 pairings is
compared with the Sjostrom data (``sjostrom_triplet.SJOSTROM_2001``).

Parameters: the rule and the neuron are NEST's defaults (``clopath_synapse``,
``aeif_psc_delta_clopath``: A_LTD 14e-5, A_LTP 8e-5, theta -70.6/-45.3 mV,
tau_x 15, tau- 10, tau+ 7 ms, constant A_LTD) except the three values NEST's
pairing example sets, which are also those of the authors' code:
v_reset = e_l + 21 mV, b = 0.0805 pA and a trace delay of 4 ms. A second
population with the plain NEST neuron defaults (v_reset -60 mV, b 80.5 pA,
delay 5 ms) is reported with the suffix ``_nest_defaults``, without targets:
there the spike-triggered adaptation accumulates over a 40 Hz train and the
-10 ms curve stays negative at 40 Hz (crossing between 40 and 50 Hz).

Targets and why one of the issue's is not met. The sign of dw matches the
data at the 9 points where the data differ from zero by more than one SEM
(``n_sign_match_significant``). At 0.1 Hz, +10 ms the data are -0.04 +- 0.05
and the model cannot be negative: an isolated pre-then-post pair depresses
only if u- is above theta- (= e_l) when the presynaptic spike arrives, and a
neuron at rest sits exactly at e_l; the pair potentiates a little through the
presynaptic EPSP, which raises u+ above theta- before the postsynaptic spike
(+0.012; 0 exactly without the EPSP, as in the authors' code). So
``n_sign_match`` is 9 of 10 and the target for that point is no change within
its SEM (``abs_dw_01hz_plus10 <= 0.05``). The -10 ms curve changes sign
between 20 and 40 Hz; every point is within 2 SEM or 0.15 of the data (the
reference notes' tolerance); and the engine agrees with a fine-step
integration of the published equations over each recorded membrane potential
(``max_dev_from_integration``, relative to potentiation + depression; the
conditions at >= 10 Hz; the isolated pairs of 0.1 Hz are in the tests).

**Connectivity reflects coding** (the paper's Fig. 4, network of NEST's
``clopath_synapse_small_network`` example): see ``_clopath_network``. The
reciprocal fraction of strong pairs in both codes for ``n_seeds`` seeds;
targets, fixed before the first full-scale run: rate code >= 0.6 and
temporal code <= 0.3 for every seed, and the difference >= 0.4 for every seed
(reduced: 0.5, 0.3, 0.3).

References: Clopath C, Buesing L, Vasilaki E, Gerstner W (2010) Nat Neurosci
13:344. Sjostrom PJ, Turrigiano GG, Nelson SB (2001) Neuron 32:1149. NEST
examples ``clopath_synapse_spike_pairing.py`` and
``clopath_synapse_small_network.py``; ModelDB 144566.
"""
from __future__ import annotations

import math

import numpy as np

from .. import AdExClopath, ClopathSTDP, Model, Network, OneToOne, Population, Projection, SpikeMonitor, SpikeTimes
from .. import StateMonitor
from ..analysis.voltage_stdp import clopath_terms
from ..viz import frequency_dependence
from . import _clopath_network as network
from .base import Experiment, Result, Target
from .parameters import Param, defaults_of
from .registry import register
from .sjostrom_triplet import SJOSTROM_2001, pairing_trains

PARAMETERS = dict(
    freqs=Param([0.1, 10.0, 20.0, 40.0, 50.0], "pairing frequencies rho (the targets need the default five)",
                "Hz", gt=0),
    n_pairs=Param(5, "pairings per block", ge=1),
    repetitions=Param(15, "blocks (10 s apart, independent): the change of one block is multiplied by this", ge=1),
    delta=Param(10.0, "|t_post - t_pre| of a pairing", "ms", gt=0),
    t0=Param(100.0, "time of the first pairing", "ms", ge=0),
    w0=Param(0.5, "initial weight of the paired synapse (its EPSP)", "mV", gt=0),
    kick=Param(150.0, "delta input forcing the postsynaptic spike one step later", "mV", gt=0),
    v_reset=Param(-49.6, "reset of the pairing neuron (NEST pairing example, authors' code: e_l + 21 mV)", "mV"),
    b=Param(0.0805, "spike-triggered adaptation of the pairing neuron (NEST pairing example)", "pA", ge=0),
    trace_delay=Param(4.0, "delay of u- and u+ in the pairing neuron (NEST pairing example)", "ms", ge=0),
    substeps=Param(10, "fine steps per time step of the direct integration", ge=1),
    n_neurons=Param(10, "neurons of the recurrent network", ge=3),
    n_inputs=Param(50, "private Poisson inputs per neuron", ge=1),
    input_rate=Param(30.0, "rate of an input at the centre of the bump", "Hz", ge=0),
    w_input=Param(5.0, "weight of an input synapse", "mV", ge=0),
    sigma=Param(0.6, "width of the activity bump over the line of neurons", "neurons", gt=0),
    presentation=Param(100.0, "rate code: the bump jumps to a random neuron this often", "ms", gt=0),
    sequence_step=Param(10.0, "temporal code: the bump steps to the next neuron this often", "ms", gt=0),
    duration=Param(20000.0, "learning time of each network", "ms", gt=0),
    w_recurrent=Param(0.25, "initial recurrent weight", "mV", ge=0),
    w_max=Param(0.75, "largest recurrent weight", "mV", gt=0),
    u_ref_squared=Param(60.0, "reference of the homeostatic depression (u_bar_bar - e_l)^2 / u_ref^2", "mV^2", gt=0),
    strong=Param(0.5, "a connection is strong when w >= strong * w_max", gt=0, le=1),
    n_seeds=Param(5, "network seeds (each: both codes)", ge=1),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
REDUCED = dict(duration=5000.0, n_seeds=1)


def pairing_neurons(c: dict) -> dict:
    """Population name -> the pairing neuron: the experiment's and NEST's defaults."""
    return {"paired": AdExClopath(v_reset=c["v_reset"], b=c["b"], trace_delay=c["trace_delay"]),
            "nest_defaults": AdExClopath()}


def pairing_network(c: dict, conditions: list, pre: list, post: list) -> Network:
    model = Model(dt=c["dt"])
    model.add(SpikeTimes.from_trains("pre", pre))
    model.add(SpikeTimes.from_trains("kick", [p - c["dt"] for p in post]))
    recorded = [k for k, (f, _) in enumerate(conditions) if f >= 10.0]
    for name, cell in pairing_neurons(c).items():
        model.add(Population(name, len(conditions), cell))
        model.add(Projection(f"kick_{name}", "kick", name, OneToOne(), weight=c["kick"]))
        model.add(Projection(f"syn_{name}", "pre", name, OneToOne(), weight=c["w0"], w_min=0.0, w_max=100.0,
                             rules=[ClopathSTDP()]))
        model.add(SpikeMonitor(name))
    model.add(StateMonitor("paired", ("v",), indices=recorded, interval=c["dt"]))
    return Network(model)


def frequency_protocol(c: dict, progress: bool = False) -> dict:
    """dw/w0 after n_pairs x repetitions pairings for every condition, both neurons."""
    freqs = [float(f) for f in c["freqs"]]
    conditions = [(f, d) for d in (c["delta"], -c["delta"]) for f in freqs]
    pre, post = zip(*(pairing_trains(f, int(c["n_pairs"]), d, c["t0"]) for f, d in conditions))
    net = pairing_network(c, conditions, list(pre), list(post))
    net.run(float(max(np.max(p) for p in post)) + 100.0, progress=progress)
    out = {"conditions": conditions, "pre": pre, "post": post}
    for name in pairing_neurons(c):
        out[name] = (net.weights(f"syn_{name}") - c["w0"]) / c["w0"] * c["repetitions"]
        i, t = net.spikes(name)
        out[f"timing_{name}"] = max(float(np.max(np.abs(t[i == k] - post[k]))) if np.sum(i == k) == len(post[k])
                                    else math.inf for k in range(len(conditions)))
    out["deviation"] = integration_deviation(c, net, conditions, pre, out["paired"])
    return out


def integration_deviation(c, net, conditions, pre, dw) -> float:
    """Largest |engine - direct integration| / (potentiation + depression) over the recorded conditions."""
    rec = net.monitor("state_paired")
    cell = pairing_neurons(c)["paired"]
    worst = 0.0
    for column, k in enumerate(rec["index"]):
        end = int(round((max(pre[k]) + 60.0) / c["dt"]))
        terms = clopath_terms(rec["t"][:end], rec["v"][:end, column], pre[k], ClopathSTDP(),
                              tau_minus=cell.tau_minus, tau_plus=cell.tau_plus, trace_delay=cell.trace_delay,
                              substeps=int(c["substeps"]))
        engine = dw[k] / c["repetitions"] * c["w0"]
        worst = max(worst, abs(engine - terms.dw) / (terms.potentiation + terms.depression))
    return worst


def sign(x: float) -> int:
    return int(np.sign(x))


def science(freqs: list, dw: np.ndarray) -> dict:
    """Comparison with the Sjostrom data: signs, 2 SEM (or 0.15), the -10 ms crossing."""
    n = len(freqs)
    rows = [(f, d, v) for d, part in ((+1, dw[:n]), (-1, dw[n:])) for f, v in zip(freqs, part)]
    data = [(SJOSTROM_2001[f][0 if d > 0 else 1], v) for f, d, v in rows if f in SJOSTROM_2001]
    significant = [(m, v) for (m, s), v in data if abs(m) > s]
    minus = dw[n:]
    crossing = float(minus[freqs.index(20.0)] < 0 < minus[freqs.index(40.0)]) if {20.0, 40.0} <= set(freqs) \
        else math.nan
    return dict(n_sign_match=sum(sign(v) == sign(m) for (m, _), v in data), n_data_points=len(data),
                n_sign_match_significant=sum(sign(v) == sign(m) for m, v in significant),
                n_significant=len(significant),
                n_within_2sem_or_015=int(sum(abs(v - m) <= max(2 * s, 0.15) for (m, s), v in data)),
                sign_change_minus10=crossing,
                abs_dw_01hz_plus10=float(abs(dw[freqs.index(0.1)])) if 0.1 in freqs else math.nan)


def network_metrics(results: dict) -> dict:
    """Reciprocal fractions per code (every seed, and the worst), and the margin."""
    rate = [r["fraction"] for r in results["rate"]]
    temporal = [r["fraction"] for r in results["temporal"]]
    margin = [a - b for a, b in zip(rate, temporal)]
    out = dict(reciprocal_rate_min=float(np.min(rate)), reciprocal_temporal_max=float(np.max(temporal)),
               reciprocal_margin_min=float(np.min(margin)), reciprocal_rate_mean=float(np.mean(rate)),
               reciprocal_temporal_mean=float(np.mean(temporal)),
               forward_fraction_temporal=float(np.mean([r["forward"] for r in results["temporal"]])))
    for code in network.CODES:
        out[f"strong_{code}_mean"] = float(np.mean([r["strong"] for r in results[code]]))
        out[f"rate_hz_{code}"] = float(np.mean([r["rate"] for r in results[code]]))
    return out


def frequency_figure(c: dict, freqs: list, protocol: dict):
    n = len(freqs)
    delta = c["delta"]
    model, variants = {}, {}
    for name, tag in (("paired", ""), ("nest_defaults", " [NEST neuron defaults]")):
        for d, part in ((delta, protocol[name][:n]), (-delta, protocol[name][n:])):
            model[f"{d:+g} ms{tag}"] = part
            if tag:
                variants[f"{d:+g} ms{tag}"] = f"{d:+g} ms"
    data = {f"{d:+g} ms": tuple(np.array(x) for x in zip(*[SJOSTROM_2001.get(f, ((math.nan,) * 2,) * 2)[k]
                                                              for f in freqs]))
            for k, d in enumerate((delta, -delta))}
    pairings = int(c["n_pairs"]) * int(c["repetitions"])
    return frequency_dependence(
        np.array(freqs), model=model, variants=variants, data=data, data_label="Sjöström et al. 2001, mean ± SEM",
        ylabel=f"relative weight change Δw/w0 after {pairings} pairings",
        title=f"±{delta:g} ms pairings: voltage-based STDP (Clopath 2010) and Sjöström 2001\n"
              f"solid: v_reset {c['v_reset']:g} mV, b {c['b']:g} pA, delay {c['trace_delay']:g} ms; "
              f"dashed: NEST neuron defaults")


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """The frequency protocol (both neurons), then both codes of the network for every seed."""
    c = config
    freqs = [float(f) for f in c["freqs"]]
    protocol = frequency_protocol(c, progress)
    metrics = {}
    for name, suffix in (("paired", ""), ("nest_defaults", "_nest_defaults")):
        for (f, d), v in zip(protocol["conditions"], protocol[name]):
            metrics[f"dw_{f:g}hz_{'plus' if d > 0 else 'minus'}{abs(d):g}{suffix}".replace(".", "")] = float(v)
        metrics.update({f"{k}{suffix}": v for k, v in science(freqs, protocol[name]).items()})
    metrics["max_timing_error_ms"] = protocol["timing_paired"]
    metrics["max_dev_from_integration"] = protocol["deviation"]
    results = network.run_codes(c, seed, progress)
    metrics.update(network_metrics(results))
    notes = [f"{code} code, seed {r['seed']}: {r['reciprocal_pairs']}/{r['pairs']} strong pairs reciprocal "
             f"({r['fraction']:.2f}), {r['strong']} strong connections, {r['rate']:.1f} Hz"
             for code in network.CODES for r in results[code]]
    n = len(freqs)
    return Result(
        config=dict(c), metrics=metrics, notes=notes,
        figures={"frequency_dependence": frequency_figure(c, freqs, protocol),
                 "weights": network.figure(results, c)},
        recordings={"dw": dict(freqs=np.array(freqs), plus=protocol["paired"][:n], minus=protocol["paired"][n:],
                               plus_nest_defaults=protocol["nest_defaults"][:n],
                               minus_nest_defaults=protocol["nest_defaults"][n:]),
                    "weights": {f"{code}_seed{r['seed']}": r["w"] for code in network.CODES
                                for r in results[code]}},
    )


EXPERIMENT = register(Experiment(
    name="clopath2010",
    summary="Voltage-based STDP (Clopath 2010): Sjostrom frequency protocol, and connectivity reflects coding",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced=REDUCED,
    targets=(
        Target("n_sign_match_significant", 9, 9, "sign of dw as the Sjostrom data at the 9 points that differ "
               "from 0 by more than one SEM"),
        Target("abs_dw_01hz_plus10", 0.0, 0.05, "0.1 Hz, +10 ms: no change within the data's SEM (-0.04 +- 0.05)"),
        Target("sign_change_minus10", 1.0, 1.0, "-10 ms: depression at 20 Hz, potentiation at 40 Hz"),
        Target("n_within_2sem_or_015", 10, 10, "every point within 2 SEM or 0.15 of the data (reference notes)"),
        Target("max_timing_error_ms", 0.0, 1e-9, "every postsynaptic spike at its planned time"),
        Target("max_dev_from_integration", 0.0, 0.02, "engine = fine-step integration of the equations within 2 %"),
        Target("reciprocal_rate_min", 0.6, None, "rate code: mostly bidirectional strong pairs, every seed",
               scales=("full",)),
        Target("reciprocal_temporal_max", None, 0.3, "temporal code: mostly unidirectional, every seed",
               scales=("full",)),
        Target("reciprocal_margin_min", 0.4, None, "rate minus temporal reciprocal fraction, every seed",
               scales=("full",)),
        Target("reciprocal_rate_min", 0.5, None, "rate code, 5 s: mostly bidirectional", scales=("reduced",)),
        Target("reciprocal_temporal_max", None, 0.3, "temporal code, 5 s: mostly unidirectional",
               scales=("reduced",)),
        Target("reciprocal_margin_min", 0.3, None, "rate minus temporal, 5 s", scales=("reduced",)),
    ),
    reference="Clopath, Buesing, Vasilaki & Gerstner 2010, Nat Neurosci 13:344; Sjostrom, Turrigiano & Nelson "
              "2001, Neuron 32:1149",
))
