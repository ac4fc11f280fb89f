"""``stdp-window``: the pair-STDP window measured with isolated spike pairs.

Protocol: synapse k connects presynaptic source k to postsynaptic source k
(one-to-one); its pre neuron fires once at ``t0`` and its post neuron once at
``t0 + dt_k``, for dt_k spanning [-dt_max, dt_max]. Every synapse sees exactly one
pair, so its weight change is the window itself. Target: the measured change
equals a_plus exp(-dt/tau_plus) (dt >= 0) and -a_minus exp(dt/tau_minus) (dt < 0)
to 1e-9 (Bi & Poo 1998 window shape; Song, Miller & Abbott 2000 form).
"""
from __future__ import annotations

import numpy as np

from .. import (Model, Network, OneToOne, PairSTDP, Projection, SpikeMonitor, SpikeTimes)
from ..viz import stdp_window as window_figure
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    dt_max=Param(100.0, "largest |t_post - t_pre| of the pairing grid", "ms", gt=0),
    dt_step=Param(1.0, "spacing of the pairing intervals", "ms", gt=0),
    a_plus=Param(0.01, "potentiation amplitude A+", ge=0),
    a_minus=Param(0.0105, "depression amplitude A-", ge=0),
    tau_plus=Param(20.0, "potentiation time constant", "ms", gt=0),
    tau_minus=Param(20.0, "depression time constant", "ms", gt=0),
    w0=Param(0.5, "initial weight (bounds 0 and 1 are never reached)", ge=0, le=1),
    t0=Param(200.0, "time of the first presynaptic spike", "ms", ge=0),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("dt_step", "<=", "dt_max"),)


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Measure the window at every dt in the grid; returns max error vs closed form."""
    c = config
    deltas = np.arange(-c["dt_max"], c["dt_max"] + c["dt_step"] / 2, c["dt_step"])
    n = len(deltas)
    idx = np.arange(n)
    pre = SpikeTimes("pre", n, idx, np.full(n, c["t0"] + max(0.0, -deltas.min())))
    post = SpikeTimes("post", n, idx, pre.times + deltas)
    rule = PairSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_plus"],
                    tau_minus=c["tau_minus"], w_max=1.0)
    model = Model(dt=c["dt"])
    for part in (pre, post, Projection("pairs", "pre", "post", OneToOne(), weight=c["w0"],
                                       w_min=0.0, w_max=1.0, rules=[rule]),
                 SpikeMonitor("pre"), SpikeMonitor("post")):
        model.add(part)
    net = Network(model, seed=seed)
    net.run(float(pre.times.max() + c["dt_max"] + 10.0), progress=progress)
    dw = net.weights("pairs") - c["w0"]
    measured_dt = _pair_intervals(net, n)
    theory = rule.window(measured_dt)
    err = float(np.max(np.abs(dw - theory)))
    fine = np.linspace(deltas.min(), deltas.max(), 801)
    fig = window_figure(measured_dt, dw, fine, rule.window(fine),
                        ylabel=f"weight change Δw (w_max = 1, w0 = {c['w0']:g})",
                        title=(f"Pair-STDP window, one pre/post pair per synapse\n"
                               f"A+ = {c['a_plus']:g}, A- = {c['a_minus']:g}, "
                               f"τ+ = {c['tau_plus']:g} ms, τ- = {c['tau_minus']:g} ms"),
                        theory_label="closed form A±·exp(-|Δt|/τ±)")
    return Result(
        config=dict(c),
        metrics=dict(max_abs_error=err, n_pairs=n, dw_at_plus_10=float(np.interp(10, measured_dt, dw)),
                     dw_at_minus_10=float(np.interp(-10, measured_dt, dw))),
        figures={"stdp_window": fig},
        recordings={"window": dict(dt=measured_dt, dw=dw, theory=theory)},
    )


def _pair_intervals(net: Network, n: int) -> np.ndarray:
    """t_post - t_pre per synapse, from the recorded spike times."""
    ip, tp = net.spikes("pre")
    iq, tq = net.spikes("post")
    t_pre, t_post = np.empty(n), np.empty(n)
    t_pre[ip], t_post[iq] = tp, tq
    return t_post - t_pre


EXPERIMENT = register(Experiment(
    name="stdp-window",
    summary="Pair-STDP window from isolated pre/post pairings vs its closed form",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=dict(dt_step=5.0),
    targets=(Target("max_abs_error", 0.0, 1e-9, "closed form A+exp(-dt/tau+) / -A-exp(dt/tau-)"),),
    reference="Bi & Poo 1998, J Neurosci 18:10464; Song, Miller & Abbott 2000, Nat Neurosci 3:919",
))
