"""``urbanczik-senn``: the dendrite learns to predict the teacher-driven somatic rate (Urbanczik & Senn 2014, Fig. 1B).

NEST's example of ``urbanczik_synapse`` in this engine: one
:class:`~neuroplastic.model.UrbanczikNeuron` (NEST's defaults: C = 300 pF,
g_L = 30 nS, g_sp = 600 nS, phi_max = 150 Hz, k = 0.5, beta = 1/3 1/mV,
theta = -55 mV, dead time 3 ms). Its dendrite (``branch=0``) receives a
frozen pattern: ``n_inputs`` Poisson spike trains at ``rate`` Hz drawn once
for ``pattern`` ms and repeated back to back from t = 0, through synapses with
:class:`~neuroplastic.plasticity.dendritic.UrbanczikSenn` (eta = 0.17,
tau_delta = 100 ms, initial weight 0.3 C = 90 pA, bounds 0 .. 4.5 C). After
``teach_from`` ms, for ``repetitions`` patterns, the soma's conductances are
driven every step by a teacher: g_E(t) = 30 (a_e sin(2 pi 2 t / pattern) +
b_e) nS and g_I = 30 a_i nS (a_e = 0.016 C, b_e = 0.018 C, a_i = 0.06 C; NEST
gives these increments every 0.1 ms step to 3 ms synapses; here they are
increments per step of dt), whose matching potential
U_M = (g_E E_E + g_I E_I) / (g_E + g_I) oscillates twice per pattern. Then
the teacher stops for ``recall`` patterns.

The rule moves the dendritic weights so that the dendritic prediction
V* = (g_L E_L + g_sp V_w) / (g_L + g_sp) predicts the somatic rate:
phi(V*) comes to follow phi(U), the rate the teacher (and the dendrite)
impose on the soma, and after learning the dendrite reproduces the teacher's
signal on its own.

Measure (fixed before the first full run): ``corr_rate_last``, the Pearson
correlation of phi(V*) and phi(U), sampled every ms over the last
``last_repetitions`` patterns of the teaching period. Target >= 0.9
(reduced: >= 0.8). Reported besides: ``corr_rate_first`` (the first two
teaching patterns), ``rate_rmse_first_hz`` / ``rate_rmse_last_hz``
(RMS of phi(V*) - phi(U)), ``corr_recall`` (V* after the teacher stopped
against U_M of a teaching pattern: the dendrite alone reproduces the
teacher's signal), the mean weight before and after.

Figures: ``fig1b`` (U_M, U and V* in the first and the last teaching
patterns and V* in recall, as the paper's Fig. 1B), ``rates`` (phi(U) and
phi(V*) early and late), ``weights`` (20 synapses over the patterns).

Scales: full = 200 inputs, 100 teaching patterns (NEST's example); reduced =
25 teaching patterns.

References: Urbanczik R, Senn W (2014) Learning by the dendritic prediction
of somatic spiking. Neuron 81:521-528 (Fig. 1B); NEST ``urbanczik_synapse``
example (pynest/examples/urbanczik_synapse_example.py).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import (AllToAll, Model, Network, Population, Projection, SpikeMonitor, SpikeTimes, StateMonitor,
                UrbanczikNeuron, UrbanczikSenn, ValueInput, WeightMonitor)
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register

PARAMETERS = dict(
    n_inputs=Param(200, "dendritic inputs (one frozen Poisson spike train each)", ge=1),
    rate=Param(10.0, "rate of the frozen input trains", "Hz", ge=0),
    pattern=Param(200.0, "length of the frozen pattern, repeated back to back", "ms", gt=0),
    teach_from=Param(400.0, "the teacher starts (a whole number of patterns)", "ms", ge=0),
    repetitions=Param(100, "patterns with the teacher", ge=2),
    recall=Param(2, "patterns after the teacher stops", ge=1),
    eta=Param(0.17, "learning rate (NEST's units)", gt=0),
    tau_delta=Param(100.0, "low-pass time constant of the weight change", "ms", gt=0),
    w_init=Param(90.0, "initial weight (0.3 C)", "pA", ge=0),
    w_max=Param(1350.0, "upper weight bound (4.5 C)", "pA", gt=0),
    last_repetitions=Param(10, "teaching patterns at the end over which the prediction is measured", ge=1),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("last_repetitions", "<=", "repetitions"),)
REDUCED = dict(repetitions=25)
DT = 0.1
C_M = 300.0     # pF: NEST's teacher amplitudes are given as multiples of C


def teacher(c, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-step conductance increments (nS) of the excitatory and inhibitory teacher."""
    t = np.arange(steps) * DT
    on = (t >= c["teach_from"]) & (t < c["teach_from"] + c["repetitions"] * c["pattern"])
    freq = 2.0 / c["pattern"]
    g_e = np.where(on, 0.016 * C_M * np.sin(2 * np.pi * freq * t) + 0.018 * C_M, 0.0)
    g_i = np.where(on, 0.06 * C_M, 0.0)
    return g_e, g_i


def model(c, seed: int) -> Model:
    n_pat = int(round(c["teach_from"] / c["pattern"])) + int(c["repetitions"]) + int(c["recall"])
    steps = int(round(n_pat * c["pattern"] / DT))
    rng = np.random.default_rng(seed)
    idx, times = [], []
    for k in range(int(c["n_inputs"])):   # the frozen pattern: Poisson spike times on the step grid
        t = np.cumsum(rng.exponential(1e3 / c["rate"], size=int(4 * c["rate"] * c["pattern"] / 1e3) + 20)) \
            if c["rate"] > 0 else np.zeros(0)
        t = np.unique(np.round(t[t < c["pattern"]] / DT) * DT)
        idx.append(np.full(len(t), k))
        times.append(t)
    idx, times = np.concatenate(idx), np.concatenate(times)
    reps = np.arange(n_pat) * c["pattern"]
    g_e, g_i = teacher(c, steps)
    m = Model(dt=DT, max_rate=None)
    m.add(SpikeTimes("pattern", int(c["n_inputs"]), np.tile(idx, n_pat), (times[None, :] + reps[:, None]).ravel()))
    m.add(ValueInput("teacher_e", g_e[:, None], interval=DT))
    m.add(ValueInput("teacher_i", g_i[:, None], interval=DT))
    m.add(Population("cell", 1, UrbanczikNeuron()))
    m.add(Projection("dendrite", "pattern", "cell", AllToAll(), weight=c["w_init"], branch=0, w_min=0.0,
                     w_max=c["w_max"], rules=[UrbanczikSenn(eta=c["eta"], tau_delta=c["tau_delta"])]))
    m.add(Projection("teach_e", "teacher_e", "cell", AllToAll(), weight=1.0))
    m.add(Projection("teach_i", "teacher_i", "cell", AllToAll(), weight=1.0, receptor="inh"))
    m.add(StateMonitor("cell", ("v", "v_star", "ge", "gi"), interval=1.0))
    m.add(WeightMonitor("dendrite", interval=c["pattern"]))
    m.add(SpikeMonitor("cell"))
    return m


def phi(u, p: UrbanczikNeuron):
    """The rate function (Hz)."""
    return p.phi_max / (1.0 + p.k * np.exp(p.beta * (p.theta - u)))


def _window(t, t0, t1):
    return (t >= t0) & (t < t1)


def measures(c, rec, weights) -> dict:
    p = UrbanczikNeuron()
    t, u, vs = rec["t"], rec["v"][:, 0], rec["v_star"][:, 0]
    ge, gi = rec["ge"][:, 0], rec["gi"][:, 0]
    um = (ge * p.e_e + gi * p.e_i) / np.maximum(ge + gi, 1e-12)
    t0, t_end = c["teach_from"], c["teach_from"] + c["repetitions"] * c["pattern"]
    first = _window(t, t0, t0 + 2 * c["pattern"])
    last = _window(t, t_end - c["last_repetitions"] * c["pattern"], t_end)
    recall = _window(t, t_end, t_end + c["recall"] * c["pattern"])
    corr = lambda a, b, m: float(np.corrcoef(a[m], b[m])[0, 1])
    rmse = lambda m: float(np.sqrt(np.mean((phi(vs[m], p) - phi(u[m], p)) ** 2)))
    one = _window(t, t_end - c["pattern"], t_end)       # U_M of one teaching pattern, replayed against recall
    target = np.tile(um[one], int(c["recall"]))[: int(recall.sum())]
    return dict(corr_rate_last=corr(phi(vs, p), phi(u, p), last), corr_rate_first=corr(phi(vs, p), phi(u, p), first),
                rate_rmse_first_hz=rmse(first), rate_rmse_last_hz=rmse(last),
                corr_vstar_um_last=corr(vs, um, last),
                corr_recall=float(np.corrcoef(vs[recall], target)[0, 1]),
                w_mean_initial=float(weights[0].mean()), w_mean_final=float(weights[-1].mean()))


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = dict(config)
    m = model(c, seed)
    net = Network(m, seed=seed)
    n_pat = int(round(c["teach_from"] / c["pattern"])) + int(c["repetitions"]) + int(c["recall"])
    net.run(n_pat * c["pattern"], progress=progress)
    rec, w = net.monitor("state_cell"), net.monitor("weights_dendrite")
    metrics = measures(c, rec, w["w"])
    metrics["somatic_spikes"] = int(len(net.spikes("cell")[0]))
    figures = {"fig1b": _fig1b(c, rec), "rates": _rates(c, rec), "weights": _weights(c, w)}
    return Result(config=c, metrics=metrics, figures=figures,
                  recordings={"cell": dict(rec), "weights": dict(t=w["t"], w=w["w"])})


def _traces(c, rec):
    p = UrbanczikNeuron()
    ge, gi = rec["ge"][:, 0], rec["gi"][:, 0]
    um = np.where(ge + gi > 0, (ge * p.e_e + gi * p.e_i) / np.maximum(ge + gi, 1e-12), np.nan)
    return rec["t"], rec["v"][:, 0], rec["v_star"][:, 0], um


def _fig1b(c, rec) -> Figure:
    t, u, vs, um = _traces(c, rec)
    t_end = c["teach_from"] + c["repetitions"] * c["pattern"]
    spans = (("first teaching patterns", c["teach_from"], c["teach_from"] + 2 * c["pattern"]),
             ("last teaching patterns", t_end - 2 * c["pattern"], t_end),
             ("teacher off: recall", t_end, t_end + c["recall"] * c["pattern"]))
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    axes = fig.subplots(1, 3, sharey=True)
    one = _window(t, t_end - c["pattern"], t_end)
    for ax, (name, t0, t1) in zip(axes, spans):
        w = _window(t, t0, t1)
        ax.plot(t[w] - t0, um[w] if name != spans[2][0] else np.tile(um[one], 3)[: w.sum()], color="C3",
                lw=1.2, ls="-" if name != spans[2][0] else "--", label="U_M (teacher)")
        ax.plot(t[w] - t0, u[w], color="k", lw=1.0, label="U (soma)")
        ax.plot(t[w] - t0, vs[w], color="C0", lw=1.2, label="V* (dendritic prediction)")
        ax.set_title(name)
        ax.set_xlabel("time in pattern (ms)")
    axes[0].set_ylabel("potential (mV)")
    axes[0].legend(fontsize=7, loc="lower left")
    fig.suptitle("Urbanczik & Senn (2014) Fig. 1B: the dendrite learns to predict the somatic potential")
    return fig


def _rates(c, rec) -> Figure:
    p = UrbanczikNeuron()
    t, u, vs, _ = _traces(c, rec)
    t_end = c["teach_from"] + c["repetitions"] * c["pattern"]
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    for ax, (name, t0) in zip(axes, (("first teaching pattern", c["teach_from"]),
                                     ("last teaching pattern", t_end - c["pattern"]))):
        w = _window(t, t0, t0 + c["pattern"])
        ax.plot(t[w] - t0, phi(u[w], p), color="k", label="phi(U): somatic rate")
        ax.plot(t[w] - t0, phi(vs[w], p), color="C0", label="phi(V*): dendritic prediction")
        ax.set_title(name)
        ax.set_xlabel("time in pattern (ms)")
    axes[0].set_ylabel("rate (Hz)")
    axes[0].legend(fontsize=8)
    return fig


def _weights(c, w) -> Figure:
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.add_subplot()
    ws = np.asarray(w["w"])
    for k in range(0, ws.shape[1], max(1, ws.shape[1] // 20)):
        ax.plot(w["t"] / c["pattern"], ws[:, k], lw=0.8)
    ax.set_xlabel("pattern repetition")
    ax.set_ylabel("weight (pA)")
    ax.set_title("Dendritic weights under the Urbanczik-Senn rule (every tenth synapse)")
    return fig


EXPERIMENT = register(Experiment(
    name="urbanczik-senn",
    summary="the dendrite learns to predict the teacher-driven somatic rate (Urbanczik & Senn 2014, Fig. 1B)",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(Target("corr_rate_last", 0.9, 1.0, "phi(V*) follows phi(U): correlation over the last 10 teaching "
                                                "patterns", ("full",)),
             Target("corr_rate_last", 0.8, 1.0, "phi(V*) follows phi(U) (reduced: 25 patterns)", ("reduced",))),
    reference="Urbanczik R, Senn W (2014) Neuron 81:521 (Fig. 1B); NEST urbanczik_synapse example",
))
