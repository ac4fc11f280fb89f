"""``attention-gating``: acetylcholine-gated STDP stores only the attended associations.

Task (issue 4; Hasselmo 2006; Gu & Yakel 2011): ``n_groups`` input groups A_k of
``group_size`` Poisson neurons and as many output groups O_k of ``out_size``
LIF neurons. The stimulus stream presents the pairs (A_k, O_k) in a balanced
random order, ``n_presentations`` in all, each for ``pres_ms`` followed by a
``gap_ms`` pause: during a presentation of pair k the inputs of A_k fire at
``rate_on`` (the other inputs at ``rate_off``) and a teacher input drives O_k
(one private Poisson teacher per output neuron, ``teach_rate``, fixed weight
``w_teach``; the other outputs' teachers are silent), so A_k and O_k are
co-active. In the gaps every input fires at ``rate_off`` and no teacher fires.

The first ``n_attended`` pairs are *attended*. Acetylcholine comes from a
basal-forebrain population (``n_bf`` Poisson neurons, volume transmission: each
spike adds ``per_spike`` to the level, which decays to ``ach_low`` with
``tau_ach``)::

    tau_ach dM/dt = ach_low - M,      M <- M + per_spike at each basal-forebrain spike

The basal forebrain fires at ``bf_rate`` during attended presentations and is
silent otherwise; ``per_spike = (ach_high - ach_low) / (n_bf bf_rate tau_ach)``,
so M is about ``ach_high`` during attended presentations and ``ach_low`` otherwise.

Plasticity (``GatedSTDP``, target "both"): every input -> every output,
all-to-all pair STDP with LTP and LTD both multiplied by the gate
g(M) = max(0, 1 + gain (M - reference)) with reference = ach_high and
gain = 1 / ach_high, i.e. g = M / ach_high (1 when attended, ach_low / ach_high
otherwise)::

    post spike: dw = +a_plus  x_pre(t)  g(M)         (tau_plus = 20 ms)
    pre spike:  dw = -a_minus y_post(t) g(M)         (tau_minus = 20 ms)

a_plus > a_minus tau_minus / tau_plus, so co-activity potentiates (Hebbian
storage of an association). Weights start at ``w_init`` and are clipped to
[0, w_max] (pA).

Control (same network after ``net.reset()``, same stream and seed): the basal
forebrain fires at ``bf_rate`` throughout (presentations and gaps), i.e. a
constant high acetylcholine level: every association is stored and the
attended/unattended ratio is about 1.

Neurons: current-based LIF, tau_m 20 ms, c_m 250 pF, v_rest = v_reset = -70 mV,
threshold -50 mV, t_ref 2 ms, tau_e 5 ms; dt 0.5 ms.

Metrics: ``dw_attended`` / ``dw_unattended`` (mean weight change of the
association synapses A_k -> O_k of attended / unattended pairs, pA),
``ratio`` = dw_attended / dw_unattended (gated run; issue target >= 5),
``ratio_control`` (the same with constant acetylcholine, about 1),
``dw_cross`` (mean change of the non-associated synapses A_j -> O_k, j != k),
``ach_attended`` / ``ach_unattended`` (mean level during attended / unattended
presentations), ``recall_attended`` / ``recall_unattended`` (after learning,
each A_k alone for ``recall_ms`` without teachers: mean rate of O_k, Hz) and
their ``_control`` counterparts, ``out_rate_taught`` (mean rate of the taught
group during presentations, Hz), ``sim_wall_s``.

Figures: ``weight_change`` (mean association weight change per pair, attended and
unattended, gated vs control), ``weights_over_time`` (mean association weight of
attended / unattended pairs after every presentation), ``acetylcholine``
(the level over the first presentations, attended ones shaded).

Scales: full = 4 pairs (2 attended), 20 inputs per group, 5 outputs per group,
200 presentations of 200 ms + 100 ms gaps (60 s simulated per condition);
reduced = 80 presentations. Measured numbers are in docs/neuromodulation.md.

Results (``neuroplastic reproduce attention-gating --seed N``, N = 0..4): ratio
27.2-28.6 (target >= 5: met), control 0.96-1.03; attended pairs are recalled by
their input alone (24-26 Hz), unattended ones not (0 Hz). Reduced scale: ratio
20.6-22.5, control 0.97-1.06. The ratio is above the gate ratio (about 0.91 / 0.05)
because strengthened attended associations add causal pre -> post pairings.

References: Hasselmo ME (2006) Curr Opin Neurobiol 16:710 (acetylcholine and
encoding). Gu Z, Yakel JL (2011) Neuron 71:155 (cholinergic timing-dependent
plasticity). Sarter M, Hasselmo ME, Bruno JP, Givens B (2005) Brain Res Rev 48:98
(basal-forebrain acetylcholine and attention).
"""
from __future__ import annotations

import time

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from .. import Model, Network, Population, Projection
from ..model.connectivity import AllToAll, OneToOne
from ..model.inputs import PoissonInput
from ..model.modulators import ACETYLCHOLINE, Modulator, ModulatorMonitor
from ..model.neurons import LIF
from ..plasticity.gated import GatedSTDP
from ..viz import time_unit
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .protocols import present
from .registry import register

PARAMETERS = dict(
    n_groups=Param(4, "input/output group pairs (associations)", ge=2),
    n_attended=Param(2, "the first n_attended pairs are attended", ge=1),
    group_size=Param(20, "Poisson inputs per input group A_k", ge=1),
    out_size=Param(5, "LIF neurons per output group O_k", ge=1),
    n_presentations=Param(200, "pair presentations in the stream (balanced random order)", ge=1),
    pres_ms=Param(200.0, "duration of one presentation", "ms", gt=0),
    gap_ms=Param(100.0, "pause after each presentation", "ms", ge=0),
    rate_on=Param(40.0, "rate of the presented group's inputs", "Hz", ge=0),
    rate_off=Param(2.0, "rate of the other inputs, and of every input in the gaps", "Hz", ge=0),
    teach_rate=Param(2000.0, "rate of the private teacher of each taught output neuron", "Hz", ge=0),
    w_teach=Param(30.0, "teacher -> output weight", "pA", ge=0),
    w_init=Param(10.0, "initial input -> output weight", "pA", ge=0),
    w_max=Param(100.0, "upper bound of the input -> output weights", "pA", gt=0),
    a_plus=Param(0.3, "LTP per pairing at full gate (g = 1)", "pA", ge=0),
    a_minus=Param(0.15, "LTD per pairing at full gate", "pA", ge=0),
    tau_stdp=Param(20.0, "STDP trace time constant (tau_plus = tau_minus)", "ms", gt=0),
    n_bf=Param(20, "basal-forebrain Poisson neurons releasing acetylcholine", ge=1),
    bf_rate=Param(100.0, "basal-forebrain rate during attended presentations", "Hz", gt=0),
    tau_ach=Param(20.0, "acetylcholine decay time constant", "ms", gt=0),
    ach_high=Param(1.0, "acetylcholine level during attended presentations (gate reference)", gt=0),
    ach_low=Param(0.05, "acetylcholine baseline (unattended presentations, gaps)", ge=0),
    recall_ms=Param(500.0, "recall test per group (its input alone, no teacher)", "ms", gt=0),
    ach_interval=Param(2.0, "sampling interval of the acetylcholine monitor", "ms", gt=0),
    dt=Param(0.5, "time step", "ms", gt=0),
    control=Param(True, "also run the constant-acetylcholine control (same stream and seed)"),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("n_attended", "<", "n_groups"), Relation("ach_low", "<", "ach_high"),
             Relation("w_init", "<=", "w_max"))
REDUCED = dict(n_presentations=80)


def _order(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    blocks = -(-n // k)
    return np.concatenate([rng.permutation(k) for _ in range(blocks)])[:n]


def build(c: dict, seed: int):
    """Model, presentation order, and the group index of every input and output neuron."""
    rng = np.random.default_rng([seed, 4, 2])
    K, m, q = int(c["n_groups"]), int(c["group_size"]), int(c["out_size"])
    order = _order(int(c["n_presentations"]), K, rng)
    in_group, out_group = np.repeat(np.arange(K), m), np.repeat(np.arange(K), q)
    high, low = float(c["ach_high"]), float(c["ach_low"])
    per_spike = (high - low) / (int(c["n_bf"]) * float(c["bf_rate"]) * 1e-3 * float(c["tau_ach"]))
    cell = LIF(tau_m=20.0, c_m=250.0, v_rest=-70.0, v_reset=-70.0, v_thresh=-50.0, t_ref=2.0,
               synapse="current", tau_e=5.0, tau_i=10.0)
    rule = GatedSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_stdp"], tau_minus=c["tau_stdp"],
                     target="both", gain=1.0 / high, reference=high, modulator=ACETYLCHOLINE)
    model = Model(dt=float(c["dt"]), max_rate=None)
    model.add(PoissonInput("inp", K * m, rate=np.full(K * m, float(c["rate_off"]))))
    model.add(PoissonInput("teach", K * q, rate=np.zeros(K * q)))
    model.add(PoissonInput("bf", int(c["n_bf"]), rate=np.zeros(int(c["n_bf"]))))
    model.add(Population("out", K * q, cell, initial={"v": -70.0}))
    model.add(Projection("assoc", "inp", "out", AllToAll(), weight=float(c["w_init"]), w_min=0.0,
                         w_max=float(c["w_max"]), rules=[rule]))
    model.add(Projection("teacher", "teach", "out", OneToOne(), weight=float(c["w_teach"])))
    model.add(Modulator(ACETYLCHOLINE, tau=float(c["tau_ach"]), baseline=low, source="bf",
                        per_spike=per_spike))
    model.add(ModulatorMonitor(ACETYLCHOLINE, interval=float(c["ach_interval"]), name="ach"))
    return model, order, in_group, out_group


def _stream(net: Network, c: dict, order, in_group, out_group, tonic: bool) -> dict:
    """Present the stream; returns weights, per-presentation records and recall rates."""
    K, n_att = int(c["n_groups"]), int(c["n_attended"])
    on, off, teach, bf = float(c["rate_on"]), float(c["rate_off"]), float(c["teach_rate"]), float(c["bf_rate"])
    pres, gap = float(c["pres_ms"]), float(c["gap_ms"])
    n_in, n_out = in_group.size, out_group.size
    assoc = in_group[:, None] == out_group[None, :]                  # (n_in, n_out), AllToAll order
    att_syn = (assoc & (in_group[:, None] < n_att)).ravel()
    una_syn = (assoc & (in_group[:, None] >= n_att)).ravel()
    w0 = net.weights("assoc").copy()
    starts, taught_rate = np.empty(order.size), np.empty(order.size)
    w_att, w_una = np.empty(order.size + 1), np.empty(order.size + 1)
    w_att[0], w_una[0] = w0[att_syn].mean(), w0[una_syn].mean()
    net.set_rates("bf", bf if tonic else 0.0)
    rest = {"inp": off, "teach": 0.0} if tonic else {"inp": off, "teach": 0.0, "bf": 0.0}
    for n, k in enumerate(order):
        stimulus = {"inp": np.where(in_group == k, on, off), "teach": np.where(out_group == k, teach, 0.0)}
        if not tonic:
            stimulus["bf"] = bf if k < n_att else 0.0
        starts[n] = net.t
        counts = present(net, stimulus, pres, "out", rest=gap, rest_rates=rest)
        taught_rate[n] = counts[out_group == k].mean() / (pres * 1e-3)
        w = net.weights("assoc")
        w_att[n + 1], w_una[n + 1] = w[att_syn].mean(), w[una_syn].mean()
    w_end = net.weights("assoc").copy()
    trace = _trace(net)
    ach_mean = np.array([_mean_level(trace, t0, t0 + pres) for t0 in starts])
    recall = _recall(net, c, in_group, out_group)
    return dict(w0=w0, w=w_end, dw=(w_end - w0).reshape(n_in, n_out), ach=ach_mean, taught_rate=taught_rate,
                ach_trace=trace,
                w_att=w_att, w_una=w_una, recall=recall, att_syn=att_syn, una_syn=una_syn, assoc=assoc)


def _mean_level(trace, t0: float, t1: float) -> float:
    t, lv = trace
    keep = (t >= t0) & (t < t1)
    return float(lv[keep].mean()) if keep.any() else float("nan")


def _recall(net: Network, c, in_group, out_group) -> np.ndarray:
    """Rate (Hz) of each output group O_k while A_k alone is on (no teacher, acetylcholine at
    its low level); run after the final weights were read."""
    K, dur = int(c["n_groups"]), float(c["recall_ms"])
    net.set_rates("bf", 0.0)
    net.set_rates("teach", 0.0)
    out = np.empty(K)
    for k in range(K):
        net.set_rates("inp", np.where(in_group == k, float(c["rate_on"]), float(c["rate_off"])))
        net.spike_counts("out", clear=True)
        net.run(dur, progress=False)
        out[k] = net.spike_counts("out", clear=True)[out_group == k].mean() / (dur * 1e-3)
    return out


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Gated stream, then (reset) the constant-acetylcholine control on the same stream."""
    c = config
    if not 0 < int(c["n_attended"]) < int(c["n_groups"]):
        raise ValueError("n_attended must be between 1 and n_groups - 1")
    model, order, in_group, out_group = build(c, seed)
    net = Network(model, seed=seed)
    wall0 = time.perf_counter()
    runs = {"gated": _stream(net, c, order, in_group, out_group, tonic=False)}
    if c["control"]:
        net.reset()
        runs["control"] = _stream(net, c, order, in_group, out_group, tonic=True)
    wall = time.perf_counter() - wall0
    return _result(c, order, runs, wall)


def _trace(net):
    d = net.monitor("ach")
    return np.asarray(d["t"], float).copy(), np.asarray(d["level"], float).copy()


def _ratio(a: float, b: float) -> float:
    return float(a / b) if b > 0 else float("inf") if a > 0 else float("nan")


def _result(c, order, runs, wall) -> Result:
    n_att = int(c["n_attended"])
    att = order < n_att
    g = runs["gated"]
    dw = g["dw"].ravel()
    metrics = dict(
        dw_attended=float(dw[g["att_syn"]].mean()),
        dw_unattended=float(dw[g["una_syn"]].mean()),
        dw_cross=float(dw[~g["assoc"].ravel()].mean()),
        ach_attended=float(np.mean(g["ach"][att])),
        ach_unattended=float(np.mean(g["ach"][~att])),
        recall_attended=float(g["recall"][:n_att].mean()),
        recall_unattended=float(g["recall"][n_att:].mean()),
        out_rate_taught=float(g["taught_rate"].mean()),
        sim_wall_s=float(wall),
    )
    metrics["ratio"] = _ratio(metrics["dw_attended"], metrics["dw_unattended"])
    ctl = runs.get("control")
    if ctl is not None:
        dc = ctl["dw"].ravel()
        metrics.update(
            dw_attended_control=float(dc[ctl["att_syn"]].mean()),
            dw_unattended_control=float(dc[ctl["una_syn"]].mean()),
            dw_cross_control=float(dc[~ctl["assoc"].ravel()].mean()),
            ach_control=float(np.mean(ctl["ach"])),
            recall_attended_control=float(ctl["recall"][:n_att].mean()),
            recall_unattended_control=float(ctl["recall"][n_att:].mean()),
        )
        metrics["ratio_control"] = _ratio(metrics["dw_attended_control"], metrics["dw_unattended_control"])
    figures = {"weight_change": _change_figure(c, runs), "weights_over_time": _time_figure(c, runs),
               "acetylcholine": _ach_figure(c, order, g["ach_trace"])}
    rec = {"stream": dict(group=order, attended=att.astype(np.int64), ach_mean=g["ach"], taught_rate=g["taught_rate"]),
           "weights": dict(initial=g["w0"], final=g["w"], att_mean=g["w_att"], una_mean=g["w_una"]),
           "recall": dict(rate=g["recall"]),
           "acetylcholine": dict(t=g["ach_trace"][0], level=g["ach_trace"][1])}
    if ctl is not None:
        rec["control"] = dict(final=ctl["w"], att_mean=ctl["w_att"], una_mean=ctl["w_una"], recall=ctl["recall"],
                              ach_mean=ctl["ach"])
    return Result(config=dict(c), metrics=metrics, figures=figures, recordings=rec,
                  notes=["ratio = mean association weight change, attended / unattended pairs",
                         "control: basal forebrain fires throughout (constant high acetylcholine)"])


def _per_pair(run, K):
    dw, assoc = run["dw"], run["assoc"]
    in_group = np.repeat(np.arange(K), dw.shape[0] // K)
    return np.array([dw[(in_group == k)][:, assoc[in_group == k][0]].mean() for k in range(K)])


_ATT, _UNA = OKABE_ITO[1], OKABE_ITO[0]        # attended: vermillion, unattended: blue
_RUN_NAMES = {"gated": "ACh-gated", "control": "constant ACh (control)"}


def _setup(c) -> str:
    return (f"{int(c['n_groups'])} input→output pairs, {int(c['n_attended'])} attended; "
            f"{int(c['n_presentations'])} presentations of {c['pres_ms']:g} ms")


def _change_figure(c, runs) -> Figure:
    K, n_att = int(c["n_groups"]), int(c["n_attended"])
    fig = Figure(figsize=(7.5, 4), layout="constrained")
    ax = fig.add_subplot()
    width = 0.8 / len(runs)
    for r, (name, run) in enumerate(runs.items()):
        vals = _per_pair(run, K)
        x = np.arange(K) + (r - (len(runs) - 1) / 2) * width
        colours = [_ATT if k < n_att else _UNA for k in range(K)]
        ax.bar(x, vals, width, color=colours, edgecolor="black", linewidth=0.6,
               hatch=None if name == "gated" else "//", alpha=1.0 if name == "gated" else 0.45)
    handles = [Patch(color=_ATT, label="attended pair"), Patch(color=_UNA, label="unattended pair")]
    handles += [Patch(facecolor="white", edgecolor="black", hatch=None if n == "gated" else "//",
                      label=_RUN_NAMES.get(n, n)) for n in runs]
    ax.legend(handles=handles, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_xticks(np.arange(K), [f"A{k}→O{k}" for k in range(K)])
    ax.set_xlabel("association (input group → output group)")
    ax.set_ylabel("mean weight change (pA)")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_title(f"Acetylcholine gates STDP: only attended associations are stored\n{_setup(c)}",
                 fontsize="medium")
    return fig


def _time_figure(c, runs) -> Figure:
    fig = Figure(figsize=(7.5, 4), layout="constrained")
    ax = fig.add_subplot()
    styles = {"gated": "-", "control": ":"}
    for name, run in runs.items():
        n = np.arange(run["w_att"].size)
        ax.plot(n, run["w_att"], styles[name], color=_ATT, label=f"attended, {_RUN_NAMES.get(name, name)}")
        ax.plot(n, run["w_una"], styles[name], color=_UNA, label=f"unattended, {_RUN_NAMES.get(name, name)}")
    ax.set_xlim(0, max(run["w_att"].size - 1 for run in runs.values()))
    ax.set_xlabel("presentations")
    ax.set_ylabel("mean association weight (pA)")
    ax.set_title(f"Association weights during the stream\n{_setup(c)}", fontsize="medium")
    ax.legend(fontsize="small")
    return fig


def _ach_figure(c, order, trace) -> Figure:
    t, lv = trace
    period = float(c["pres_ms"]) + float(c["gap_ms"])
    n_show = min(order.size, 12)
    fig = Figure(figsize=(9, 3.4), layout="constrained")
    ax = fig.add_subplot()
    keep = t < n_show * period
    unit = time_unit(n_show * period)
    ax.plot(unit(t[keep]), lv[keep], color="black", linewidth=0.8)
    top = 1.25 * float(lv[keep].max()) if keep.any() else 1.25 * float(c["ach_high"])
    ax.set_ylim(-0.02 * top, top)
    for n in range(n_show):
        t0 = n * period
        attended = order[n] < int(c["n_attended"])
        ax.axvspan(unit(t0), unit(t0 + float(c["pres_ms"])), color=_ATT if attended else _UNA, alpha=0.18,
                   linewidth=0)
        ax.text(unit(t0 + 5), 0.92 * top, f"A{order[n]}", fontsize="x-small")
    ax.set_xlim(0, unit(n_show * period))
    ax.legend(handles=[Patch(color=_ATT, alpha=0.3, label="attended presentation"),
                       Patch(color=_UNA, alpha=0.3, label="unattended presentation")],
              fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_xlabel(unit.label())
    ax.set_ylabel("acetylcholine (dimensionless)")
    ax.set_title(f"Acetylcholine level, first {n_show} presentations (labels: input group)", fontsize="medium")
    return fig


EXPERIMENT = register(Experiment(
    name="attention-gating",
    summary="Acetylcholine-gated STDP stores only attended input-output associations",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(
        Target("ratio", 5.0, None, "attended / unattended association weight change >= 5 (issue 4)"),
        Target("ratio_control", 0.5, 2.0, "constant acetylcholine: ratio about 1"),
        Target("dw_attended", 0.0, None, "attended associations are potentiated"),
    ),
    reference="Hasselmo ME (2006) Curr Opin Neurobiol 16:710; Gu Z, Yakel JL (2011) Neuron 71:155",
))
