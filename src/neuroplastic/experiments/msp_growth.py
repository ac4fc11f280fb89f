"""``msp-growth``: a network wires itself up by homeostatic structural plasticity.

Protocol (NEST's ``structural_plasticity.py`` example, after Butz & van Ooyen
2013): ``n_exc`` + ``n_inh`` (800 + 200) current-based LIF neurons and **no
synapses at the start**. Each neuron receives independent Poisson background;
excitatory neurons grow axonal elements ``Axon_ex``, inhibitory ones
``Axon_in``, every neuron grows dendritic elements ``Den_ex`` and ``Den_in``,
all by Gaussian growth curves of their calcium (eta = 0; eps = 0.05 for every
element of an E neuron, 0.2 for an I neuron; nu = 1e-4 elements/ms except the
Den_ex of I neurons, 4e-4). Every ``update_interval`` ms excess synapses are
deleted and vacant ``Axon_ex``/``Den_ex`` (``Axon_in``/``Den_in``) elements are
paired at random into excitatory (inhibitory) synapses. Calcium: +beta_Ca =
0.001 per spike, tau_Ca = 10 s, so Ca ~ 0.01 x rate (Hz): the targets 0.05 and
0.2 mean about 5 Hz (E) and 20 Hz (I). Calcium and synapse counts are
recorded every second. Equations: :mod:`neuroplastic.plasticity.msp`.

Implementation: E and I are one population ``neurons`` (E = indices
[0, n_exc)), with two recurrent projections, ``ex`` (receptor exc) and ``in``
(receptor inh), each carrying one :class:`~neuroplastic.plasticity.msp.MSPGrowth`
(one per synapse type, as NEST's ``synapse_ex``/``synapse_in``), and a
:class:`~neuroplastic.plasticity.msp.Calcium` neuron rule (updated every step,
exact decay). Elements are integrated every ``element_period`` = 100 ms
(Euler, calcium at that time); connectivity changes every
``update_interval`` = 100 ms, the interval of NEST's original example: it sets
``update_interval = 1000`` and NEST 2's kernel counted it in *steps*
(``(clock_.get_steps() + from_step_) % interval == 0``), i.e. 1000 x 0.1 ms.
Later versions of the example write ``10000.0``, which NEST 3 reads as ms
(fmod of the time in ms): 10 s. This default was 10 s until the kernel code
was read (an earlier session chose it as "NEST 3's example" before running);
both results are below, and ``--set update_interval=10000`` runs the NEST 3
variant. The issue's speed benchmark also uses 100 ms updates.

Neuron and synapse conversion (stated, not fitted):

* NEST's example *defines* model_params (tau_syn 0.5 ms, E_L = V_reset = -65,
  V_th = -50 mV) but never passes them to ``nest.Create``: its neurons run with
  ``iaf_psc_alpha`` defaults (tau_m 10 ms, C_m 250 pF, t_ref 2 ms,
  E_L = V_reset = -70, V_th = -55 mV, tau_syn 2 ms). We use the voltages the
  project notes give (-65 / -50 mV: the same 15 mV from rest to threshold as
  NEST's defaults, so equivalent for a current-based LIF) and ``tau_syn``
  = 2 ms, the synaptic time constant NEST actually ran. With tau_syn = 0.5 ms
  the background below is 1/4 as strong (84 pA mean against a 375 pA
  rheobase): the neurons stay silent, Ca = eta = 0 where the Gaussian curve is
  exactly 0, and nothing ever grows (``tau_syn=0.5`` runs that case).
* Synapses: our LIF has exponential PSCs (ie jumps by w, decays with tau_syn);
  NEST's alpha PSC of peak W carries charge W e tau_syn. Equal charge (hence
  equal mean drive) gives w = e W: background 6.2 pA -> 16.85 pA,
  recurrent +-585 pA -> +-1590 pA (inhibitory as a negative current on the
  ``inh`` channel).
* Background: NEST's single 10 kHz Poisson generator (independent trains per
  target) becomes ``bg_sources`` = 20 independent 500 Hz Poisson inputs per
  neuron (our Poisson inputs are Bernoulli per step: p = rate dt must be small;
  20 x 500 Hz at dt = 0.1 ms has p = 0.05 and count variance 0.95 of Poisson).
* Delays: the projections start empty, so they are built without a delay
  buffer and new synapses get delay 0 (delivered at the next step, 0.1 ms)
  instead of NEST's 1 ms. Autapses and multapses are allowed (NEST default).

Metrics: ``ca_exc``, ``ca_inh`` = mean calcium over E and I neurons at the end
(``ca_*_rel_error`` = |Ca - eps| / eps); ``ca_exc_tail``, ``ca_inh_tail`` =
means over the last ``tail`` s (recorded every second); ``n_ex``, ``n_in``
final synapse counts; ``n_ex_growth`` = n_ex(end) - n_ex(first record);
``n_ex_plateau``, ``n_in_plateau`` = |n(end) - n(end - tail)| / n(end)
(relative change over the last ``tail`` s); ``rate_exc``, ``rate_inh`` (Hz,
over the last ``tail`` s, from spike counts); ``wall_s`` and
``structural_s`` (time spent inside the structural rules).
Targets (issue): Ca within +-10 % of eps for E and I at the end; synapse
counts grow (> 0) and plateau (our definition, fixed before the runs: change
<= 10 % over the last ``tail`` = 50 s).

Scales: full = 800 + 200 neurons, 200 s; reduced = 160 + 40 neurons, 200 s
(growth per neuron does not depend on the network size: each neuron's
in-/out-degree is set by its own elements).

Measured (seed 0 unless stated; ``python -c "from neuroplastic import
experiments as e; x = e.get('msp-growth'); print(x.run(x.resolve({...},
scale=S), seed=0).metrics)"``; 2-core machine shared with other jobs, load
average 5-7, so wall times are inflated ~3x):

* Background alone (no synapse before 20 s) gives Ca 0.033 at 20 s
  (stationary ~0.038, 3.8 Hz), below both set points: elements grow.
  Conversion check (numpy, 500 free neurons, 20 s): NEST's alpha PSC
  (tau 2 ms) fires 3.92 Hz; a charge-matched exponential PSC with tau 2 ms
  5.29 Hz (above the E target: E neurons barely grow); the charge- and
  variance-matched one (tau_e = 3.09 ms, the default) 4.14 Hz.
* ``update_interval=10000`` (10 s, NEST 3's reading of the later example):
  **targets not met**. The
  network overshoots: full scale Ca E 0.040 -> 0.058 -> 0.180, Ca I 0.124 ->
  0.277 -> 0.634 at 90 / 150 / 200 s; synapses ex 1382 -> 2727 -> 1949, in
  947 -> 1064 -> 598 (after I calcium passes 0.2 the I axons retract,
  inhibition is lost and activity runs away within the 200 s). Reduced: Ca E
  0.132, I 0.457 at 200 s (0.055 / 0.251 at 150 s).
* Default ``update_interval=100`` (NEST 2's original example: 1000 steps of
  0.1 ms; the issue's benchmark interval), reduced: seed 0 Ca E 0.0473 (-5.4 %), I 0.1975
  (-1.3 %), synapses ex 327 / in 144, plateau changes 5.8 % / 4.2 %; seed 1
  Ca E 0.0513 (+2.6 %), I 0.2070 (+3.5 %), ex 350 / in 160, 0.3 % / 3.1 %:
  all targets met. Full scale, seed 0: Ca E 0.0508 (+1.6 %), I 0.2026
  (+1.3 %) at 200 s (0.052 / 0.211 at 100 s), synapses ex 1495 / in 777
  (plateau changes 2.7 % / 2.4 %), rates 5.0 / 20.1 Hz: all targets met.
* With ``psc_match="charge"`` (tau_e = 2 ms), 10 s updates, full: Ca E
  0.0426, I 0.119 at 200 s, synapses still growing linearly (ex 2500, in
  2739): not converged (E starts near its target from background alone).
  This was the first conversion tried; the variance match was adopted
  after that run, when the numpy check above showed that charge matching
  alone makes the background drive stronger than NEST's neuron (5.3 vs
  3.9 Hz). Say so when quoting these numbers.
* Time: full scale, 10 s updates: 475 s wall under load (104 s for the
  same network in an earlier, less loaded run), of which 4.1 s (0.9 %) inside the structural rules (element
  integration every 100 ms + 20 connectivity updates); reduced 60 s under
  load (~25 s unloaded), 4.8 %. With 100 ms updates, full: 409 s wall under
  load, 15.0 s (3.7 %) in the structural rules (2000 connectivity updates);
  reduced 68-71 s under load, 13-14 %. The time in ``restructure`` does
  not count the cost of ending the compiled loop every 100 ms (not measured).

References: Butz M, van Ooyen A (2013) PLoS Comput Biol 9:e1003259.
Diaz-Pier S, Naveau M, Butz-Ostendorf M, Morrison A (2016) Front Neuroanat
10:57. NEST example ``pynest/examples/structural_plasticity.py``.
"""
from __future__ import annotations

import math
import time

import numpy as np
from matplotlib.figure import Figure

from .. import LIF, Model, Network, Pairs, PoissonInput, Population, Projection, SpikeMonitor
from ..plasticity.msp import Calcium, MSPGrowth
from ..viz import population_colours, time_unit
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    n_exc=Param(800, "excitatory neurons", ge=1),
    n_inh=Param(200, "inhibitory neurons", ge=1),
    duration=Param(200_000.0, "simulated time", "ms", gt=0),
    dt=Param(0.1, "time step", "ms", gt=0),
    tau_m=Param(10.0, "membrane time constant", "ms", gt=0),
    c_m=Param(250.0, "membrane capacitance", "pF", gt=0),
    e_l=Param(-65.0, "resting potential", "mV"),
    v_reset=Param(-65.0, "reset potential", "mV"),
    v_thresh=Param(-50.0, "firing threshold", "mV"),
    t_ref=Param(2.0, "refractory period", "ms", ge=0),
    tau_syn=Param(2.0, "time constant of NEST's alpha PSC", "ms", gt=0),
    psc_match=Param("variance", "alpha -> exponential PSC: same charge and PSP variance, or same charge",
                    choices=("variance", "charge")),
    psc_e=Param(585.0, "NEST excitatory alpha-PSC peak (converted by charge)", "pA", ge=0),
    psc_i=Param(-585.0, "NEST inhibitory alpha-PSC peak (negative)", "pA", le=0),
    psc_ext=Param(6.2, "NEST background alpha-PSC peak", "pA", ge=0),
    bg_rate=Param(10_000.0, "background rate per neuron (split over bg_sources inputs)", "Hz", ge=0),
    bg_sources=Param(20, "independent Poisson inputs carrying each neuron's background", ge=1),
    tau_ca=Param(10_000.0, "calcium decay time constant", "ms", gt=0),
    beta_ca=Param(0.001, "calcium increment per spike", gt=0),
    eta=Param(0.0, "lower zero of every growth curve (calcium units)", ge=0),
    eps_exc=Param(0.05, "calcium set point of the elements of E neurons (~5 Hz)", gt=0),
    eps_inh=Param(0.2, "calcium set point of the elements of I neurons (~20 Hz)", gt=0),
    nu_exc=Param(1e-4, "growth rate of the elements of E neurons", "elements/ms", ge=0),
    nu_inh_den_ex=Param(4e-4, "growth rate of the excitatory dendritic elements of I neurons", "elements/ms", ge=0),
    nu_inh=Param(1e-4, "growth rate of the other elements of I neurons", "elements/ms", ge=0),
    element_period=Param(100.0, "interval of the element integration", "ms", gt=0),
    update_interval=Param(100.0, "interval of the connectivity updates (deletion, pairing)", "ms", gt=0),
    record_interval=Param(1000.0, "sampling interval of calcium and synapse counts", "ms", gt=0),
    tail=Param(50_000.0, "final window of the plateau and rate measures", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("tail", "<=", "duration"), Relation("record_interval", "<=", "tail"))

REDUCED = dict(n_exc=160, n_inh=40)


def matched_exponential_psc(tau_alpha: float, tau_m: float) -> float:
    """Time constant tau_e (ms) of an exponential PSC that, given the same
    charge as an alpha PSC with ``tau_alpha`` (w = W e tau_alpha / tau_e),
    also gives the same integral of the squared PSP (membrane ``tau_m``):
    Poisson input then has the same mean *and* variance of the free membrane
    potential (Campbell's theorem) as in NEST's ``iaf_psc_alpha``.

    PSP of a unit-charge exponential PSC (per unit 1/C):
    h(t) = (e^{-t/tau_m} - e^{-t/tau_e}) tau_m / (tau_m - tau_e), whose square
    integrates to (tau_m/(tau_m - tau_e))^2 (tau_m/2 + tau_e/2 - 2 tau_m tau_e /
    (tau_m + tau_e)); the alpha PSP's is integrated numerically (fine grid).
    tau_alpha = 2 ms, tau_m = 10 ms gives tau_e = 3.090 ms."""
    from scipy.optimize import brentq
    from scipy.signal import lfilter

    h = 1e-3 * min(tau_alpha, tau_m)
    t = np.arange(0.0, 30.0 * max(tau_alpha, tau_m), h)
    current = t / tau_alpha ** 2 * np.exp(-t / tau_alpha)            # unit charge
    v = lfilter([h], [1.0, -math.exp(-h / tau_m)], current)
    target = float((v ** 2).sum() * h)

    def exp_sq(te):
        a = tau_m / (tau_m - te)
        return a * a * (tau_m / 2 + te / 2 - 2 * tau_m * te / (tau_m + te)) - target

    return float(brentq(exp_sq, 1e-3 * tau_m, 0.999 * tau_m))


def build(c: dict) -> Model:
    """The model: one population (E first), background, ``ex`` and ``in``."""
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    n, k = n_e + n_i, int(c["bg_sources"])
    # alpha PSC of peak W carries W e tau_syn; an exponential PSC w tau_e: equal charge
    tau_e = matched_exponential_psc(c["tau_syn"], c["tau_m"]) if c["psc_match"] == "variance" else c["tau_syn"]
    charge = math.e * c["tau_syn"] / tau_e
    cell = LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["e_l"], v_reset=c["v_reset"], v_thresh=c["v_thresh"],
               t_ref=c["t_ref"], synapse="current", tau_e=tau_e, tau_i=tau_e)
    model = Model(dt=c["dt"])
    model.add(Population("neurons", n, cell, rules=[Calcium(tau=c["tau_ca"], beta=c["beta_ca"], period=c["dt"])]))
    model.add(PoissonInput("background", n * k, rate=c["bg_rate"] / k))
    model.add(Projection("bg", "background", "neurons", Pairs(np.arange(n * k), np.arange(n * k) // k),
                         weight=c["psc_ext"] * charge))
    common = dict(period=c["element_period"], update_interval=c["update_interval"], eta=c["eta"], den_split=n_e,
                  eps_den_a=c["eps_exc"], eps_den_b=c["eps_inh"])
    ex = MSPGrowth(axon_lo=0, axon_hi=n_e, eps_axon=c["eps_exc"], nu_axon=c["nu_exc"],
                   nu_den_a=c["nu_exc"], nu_den_b=c["nu_inh_den_ex"], weight=c["psc_e"] * charge, **common)
    inh = MSPGrowth(axon_lo=n_e, axon_hi=-1, eps_axon=c["eps_inh"], nu_axon=c["nu_inh"],
                    nu_den_a=c["nu_exc"], nu_den_b=c["nu_inh"], weight=c["psc_i"] * charge, **common)
    empty = Pairs(np.zeros(0, np.int64), np.zeros(0, np.int64))
    model.add(Projection("ex", "neurons", "neurons", empty, weight=c["psc_e"] * charge, rules=[ex]))
    model.add(Projection("in", "neurons", "neurons", empty, weight=c["psc_i"] * charge, receptor="inh",
                         rules=[inh]))
    model.add(SpikeMonitor("neurons"))
    return model


class _Timed:
    """Wraps ``MSPGrowth.restructure`` to add up the time spent in it."""

    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        orig = self._orig = MSPGrowth.restructure
        timer = self

        def timed(rule, t, edit, rng):
            t0 = time.perf_counter()
            try:
                return orig(rule, t, edit, rng)
            finally:
                timer.seconds += time.perf_counter() - t0

        MSPGrowth.restructure = timed
        return self

    def __exit__(self, *exc):
        MSPGrowth.restructure = self._orig


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = config
    n_e, n_i = int(c["n_exc"]), int(c["n_inh"])
    net = Network(build(c), seed=seed)
    ca = net.neuron_rule_state("neurons", 0).neuron.ca
    step, n_rec = float(c["record_interval"]), int(round(c["duration"] / c["record_interval"]))
    rec = {k: np.zeros(n_rec) for k in ("t", "ca_exc", "ca_inh", "n_ex", "n_in")}
    t0 = time.perf_counter()
    with _Timed() as timer:
        for r in range(n_rec):
            net.run(step, progress=False)
            rec["t"][r] = (r + 1) * step / 1000.0
            rec["ca_exc"][r], rec["ca_inh"][r] = ca[:n_e].mean(), ca[n_e:].mean()
            rec["n_ex"][r], rec["n_in"][r] = net.weights("ex").size, net.weights("in").size
            if progress and (r + 1) % 10 == 0:
                print(f"msp-growth {rec['t'][r]:.0f} s: Ca E {rec['ca_exc'][r]:.4f} I {rec['ca_inh'][r]:.4f}, "
                      f"synapses ex {rec['n_ex'][r]:.0f} in {rec['n_in'][r]:.0f}", flush=True)
    wall = time.perf_counter() - t0

    k_tail = max(1, int(round(c["tail"] / step)))
    i_s, t_s = (np.asarray(x) for x in net.spikes("neurons"))
    t_end = n_rec * step
    late = np.asarray(t_s, float) >= t_end - k_tail * step
    counts = np.bincount(np.asarray(i_s, np.int64)[late], minlength=n_e + n_i)
    secs = k_tail * step / 1000.0

    def plateau(x):
        return float(abs(x[-1] - x[-1 - k_tail]) / x[-1]) if x[-1] > 0 and len(x) > k_tail else math.nan

    m = dict(
        ca_exc=float(rec["ca_exc"][-1]), ca_inh=float(rec["ca_inh"][-1]),
        ca_exc_tail=float(rec["ca_exc"][-k_tail:].mean()), ca_inh_tail=float(rec["ca_inh"][-k_tail:].mean()),
        n_ex=int(rec["n_ex"][-1]), n_in=int(rec["n_in"][-1]),
        n_ex_growth=int(rec["n_ex"][-1] - rec["n_ex"][0]), n_in_growth=int(rec["n_in"][-1] - rec["n_in"][0]),
        n_ex_plateau=plateau(rec["n_ex"]), n_in_plateau=plateau(rec["n_in"]),
        rate_exc=float(counts[:n_e].mean() / secs), rate_inh=float(counts[n_e:].mean() / secs),
        wall_s=wall, structural_s=timer.seconds, structural_fraction=timer.seconds / wall,
    )
    m["ca_exc_rel_error"] = abs(m["ca_exc"] - c["eps_exc"]) / c["eps_exc"]
    m["ca_inh_rel_error"] = abs(m["ca_inh"] - c["eps_inh"]) / c["eps_inh"]
    return Result(config=dict(c), metrics=m, figures={"calcium_and_connections": _figure(rec, c)},
                  recordings={"msp": rec})


def _figure(rec, c) -> Figure:
    fig = Figure(figsize=(7.5, 5.6), layout="constrained")
    ax, bx = fig.subplots(2, 1, sharex=True)
    colours = population_colours(["E", "I"])
    unit = time_unit(float(c["duration"]))
    t = unit(rec["t"] * 1000.0)                       # recorded in s
    for pop, key, eps, name in (("E", "ca_exc", c["eps_exc"], "excitatory"),
                                ("I", "ca_inh", c["eps_inh"], "inhibitory")):
        ax.axhline(eps, color=colours[pop], linewidth=4.0, alpha=0.3, label=f"target, {name}: {eps:g}")
        ax.plot(t, rec[key], color=colours[pop], label=f"{name} neurons")
    ax.set_ylabel("mean calcium (0.01 per Hz)")
    ax.set_ylim(0, max(0.275, 1.1 * float(np.max(rec["ca_inh"], initial=0))))
    ax.legend(loc="upper right", fontsize="small", ncols=2)
    ax.set_title("calcium (a low-pass filtered firing rate)", fontsize="medium")
    bx.plot(t, rec["n_ex"], color=colours["E"], label="excitatory synapses")
    bx.plot(t, rec["n_in"], color=colours["I"], label="inhibitory synapses")
    bx.set_ylim(bottom=0)
    bx.set_xlim(0, unit(float(c["duration"])))
    bx.set_ylabel("synapses in the network")
    bx.set_xlabel(unit.label())
    bx.legend(loc="lower right", fontsize="small")
    bx.set_title("synapses grown (from none)", fontsize="medium")
    fig.suptitle(f"Structural plasticity (MSP, Butz & van Ooyen 2013): an unconnected network\n"
                 f"grows synapses until its calcium reaches the targets; {int(c['n_exc'])} E + "
                 f"{int(c['n_inh'])} I neurons, updates every {c['update_interval'] / 1000:g} s")
    return fig


EXPERIMENT = register(Experiment(
    name="msp-growth",
    summary="Butz & van Ooyen structural plasticity: an unconnected E/I network grows to target calcium",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(Target("ca_exc_rel_error", 0.0, 0.1, "mean E calcium = 0.05 +- 10 % at the end (issue)"),
             Target("ca_inh_rel_error", 0.0, 0.1, "mean I calcium = 0.2 +- 10 % at the end (issue)"),
             Target("n_ex_growth", 1, None, "excitatory synapses grow from none (issue)"),
             Target("n_in_growth", 1, None, "inhibitory synapses grow from none (issue)"),
             Target("n_ex_plateau", 0.0, 0.1, "excitatory count changes <= 10 % over the last tail (ours)"),
             Target("n_in_plateau", 0.0, 0.1, "inhibitory count changes <= 10 % over the last tail (ours)")),
    reference="Butz M, van Ooyen A (2013) PLoS Comput Biol 9:e1003259; Diaz-Pier S et al. (2016) "
              "Front Neuroanat 10:57; NEST example structural_plasticity.py",
))
