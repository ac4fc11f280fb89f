"""``neurogenesis``: neurons added to a trained population integrate without disturbing it.

Network (a small competitive-learning layer in the spirit of Diehl & Cook
2015): ``n_in`` Poisson inputs project all-to-all onto ``n_exc`` current-based
LIF neurons (tau_m = 20 ms, C = 250 pF, E_L = V_reset = -65 mV, V_th = -52 mV,
t_ref = 5 ms) through plastic synapses (additive pair STDP, a+ = ``a_plus``,
a- = 1.05 a+, tau = 20 ms, weights in [0, ``w_max``] pA); every E neuron
excites one of ``n_inh`` inhibitory neurons' pool (all-to-all E->I) and
receives inhibition from all of them (I->E), a soft winner-take-all; an
adaptive threshold (Diehl & Cook: +``theta_plus`` mV per spike, decay
``theta_tau``) spreads the winners over the patterns.

Stimuli: ``n_patterns`` random patterns, each a set of ``pattern_size``
inputs firing at ``rate_on`` Hz (the others at ``rate_off``), presented for
``present`` ms in random order with ``gap`` ms of silence (rates set with
``Network.set_rates``).

Protocol: train for ``n_train`` presentations; label every neuron with the
pattern it responded to most over the last ``n_label`` presentations; then
``Neurogenesis``: ``n_new`` neurons join the E population
(``Network.add_neurons``: the input projection gives each all ``n_in``
plastic synapses drawn from its initial weight distribution, E->I and I->E give
them their E->I and I->E synapses), and training continues for ``n_after``
presentations.

Readout (Diehl & Cook's vote): a presentation is classified as the label whose
neurons fired most on average; accuracy is measured online over ``n_test``
presentations (plasticity stays on, as in a brain).

Metrics: ``acc_before`` (old neurons, just before the addition),
``acc_after_old`` (old neurons with their old labels, the ``n_test``
presentations right after the addition), ``acc_change`` = acc_after_old -
acc_before; ``acc_end_all`` (all neurons, labels re-assigned at the end);
``rate_new`` (mean rate of the new neurons over the last ``n_test``
presentations, Hz), ``in_degree_new`` / ``out_degree_new`` (synapses onto /
from each new neuron), ``selective_new`` (fraction of new neurons whose
response to their preferred pattern is >= 2x their mean response to the
others), ``rate_old_change`` (relative change of the old neurons' rate).

Targets: the addition does not disturb what was learned (|acc_change| <= 0.05
and acc_before >= 0.8, the layer did learn) and the new neurons integrate
(every new neuron receives and makes synapses; they fire, rate_new >= 1 Hz;
at least half of them become selective with continued training).

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99 (competitive
STDP layer, adaptive thresholds). Kempermann G et al. (2004) Curr Opin
Neurobiol 14:186 and Aimone JB, Deng W, Gage FH (2011) Neuron 70:589 (adult
neurogenesis adds neurons to working circuits).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import LIF, AllToAll, Model, Network, PairSTDP, PoissonInput, Population, Projection, Uniform
from ..plasticity.intrinsic import AdaptiveThreshold
from ..progress import RunProgress
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .protocols import present_each
from .registry import register

PARAMETERS = dict(
    n_in=Param(200, "Poisson inputs", ge=1),
    n_exc=Param(100, "excitatory (learning) neurons before neurogenesis", ge=1),
    n_inh=Param(20, "inhibitory neurons of the winner-take-all pool", ge=1),
    n_new=Param(25, "neurons added by neurogenesis", ge=1),
    dt=Param(0.1, "time step", "ms", gt=0),
    n_patterns=Param(8, "random input patterns", ge=2),
    pattern_size=Param(40, "inputs firing at rate_on in each pattern", ge=1),
    rate_on=Param(40.0, "rate of a pattern's inputs", "Hz", ge=0),
    rate_off=Param(2.0, "rate of the other inputs", "Hz", ge=0),
    present=Param(250.0, "duration of one presentation", "ms", gt=0),
    gap=Param(100.0, "silence after each presentation", "ms", ge=0),
    w_init_low=Param(30.0, "initial input weights uniform from w_init_low ...", "pA", ge=0),
    w_init_high=Param(100.0, "... to w_init_high", "pA", ge=0),
    w_max=Param(200.0, "upper bound of the input weights", "pA", gt=0),
    a_plus=Param(0.6, "STDP potentiation per pairing (a_minus = 1.05 a_plus)", "pA", ge=0),
    tau_stdp=Param(20.0, "STDP time constant", "ms", gt=0),
    w_ei=Param(150.0, "E->I weight", "pA", ge=0),
    w_ie=Param(120.0, "I->E weight magnitude (applied negative)", "pA", ge=0),
    theta_plus=Param(0.5, "adaptive-threshold increment per spike", "mV", ge=0),
    theta_tau=Param(20_000.0, "adaptive-threshold decay time constant", "ms", gt=0),
    n_train=Param(480, "presentations before neurogenesis", ge=1),
    n_label=Param(160, "last presentations used to label the neurons", ge=1),
    n_test=Param(160, "presentations over which accuracy is measured", ge=1),
    n_after=Param(480, "presentations after neurogenesis", ge=1),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("pattern_size", "<=", "n_in"), Relation("w_init_low", "<=", "w_init_high"),
             Relation("w_init_high", "<=", "w_max"), Relation("n_label", "<=", "n_train"),
             Relation("n_test", "<=", "n_train"), Relation("n_test", "<=", "n_after"), Relation("n_label", "<=", "n_after"))
REDUCED = dict(n_in=100, n_exc=40, n_inh=10, n_new=10, n_patterns=4, pattern_size=25,
               n_train=160, n_label=60, n_test=60, n_after=160)


def _model(c) -> Model:
    cell = LIF(tau_m=20.0, c_m=250.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-52.0, t_ref=5.0,
               synapse="current", tau_e=5.0, tau_i=10.0)
    m = Model(dt=c["dt"], max_rate=500.0)
    m.add(PoissonInput("inp", int(c["n_in"]), rate=0.0))
    m.add(Population("exc", int(c["n_exc"]), cell, initial={"v": Uniform(-65.0, -55.0)},
                     rules=[AdaptiveThreshold(increment=c["theta_plus"], tau=c["theta_tau"], period=10.0)]))
    m.add(Population("inh", int(c["n_inh"]), cell))
    stdp = PairSTDP(a_plus=c["a_plus"], a_minus=1.05 * c["a_plus"], tau_plus=c["tau_stdp"],
                    tau_minus=c["tau_stdp"], w_max=c["w_max"])
    m.add(Projection("in_exc", "inp", "exc", AllToAll(), weight=Uniform(c["w_init_low"], c["w_init_high"]),
                     delay=1.0, rules=[stdp], w_min=0.0, w_max=c["w_max"]))
    m.add(Projection("exc_inh", "exc", "inh", AllToAll(), weight=c["w_ei"], delay=1.0))
    m.add(Projection("inh_exc", "inh", "exc", AllToAll(), weight=-c["w_ie"], delay=1.0, receptor="inh"))
    return m


def _patterns(c, rng):
    n_in, k = int(c["n_in"]), int(c["pattern_size"])
    rates = np.full((int(c["n_patterns"]), n_in), float(c["rate_off"]))
    for p in range(len(rates)):
        rates[p, rng.choice(n_in, size=k, replace=False)] = c["rate_on"]
    return rates


def _present(net, c, rates, order, bar, offset):
    """Present patterns in ``order``; returns (presentations x E neurons) spike counts."""
    return present_each(net, ({"inp": rates[p]} for p in order), c["present"], "exc", rest=c["gap"],
                        rest_rates={"inp": 0.0}, each=lambda k, counts: bar.update(offset + net.t))


def labels_from(counts, order, n_patterns):
    """Each neuron's preferred pattern (argmax of its mean response) and the
    response matrix (patterns x neurons)."""
    resp = np.zeros((n_patterns, counts.shape[1]))
    for p in range(n_patterns):
        if np.any(order == p):
            resp[p] = counts[order == p].mean(axis=0)
    return resp.argmax(axis=0), resp


def vote_accuracy(counts, order, labels, n_patterns, neurons=None):
    """Diehl & Cook's vote: the label whose neurons fired most on average."""
    cols = np.arange(counts.shape[1]) if neurons is None else np.asarray(neurons)
    score = np.full((len(order), n_patterns), -np.inf)
    for p in range(n_patterns):
        members = cols[labels[cols] == p]
        if len(members):
            score[:, p] = counts[:, members].mean(axis=1)
    return float(np.mean(score.argmax(axis=1) == order))


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = dict(config)
    rng = np.random.default_rng([seed, 0x4E47])
    rates = _patterns(c, rng)
    n_pat, n_old = int(c["n_patterns"]), int(c["n_exc"])
    net = Network(_model(c), seed=seed)
    n_train, n_after = int(c["n_train"]), int(c["n_after"])
    total = (n_train + n_after) * (c["present"] + c["gap"])
    with RunProgress(enabled=progress, total_ms=total) as bar:
        order_a = rng.integers(0, n_pat, n_train)
        counts_a = _present(net, c, rates, order_a, bar, 0.0)
        labels, resp_before = labels_from(counts_a[-int(c["n_label"]):], order_a[-int(c["n_label"]):], n_pat)
        acc_before = vote_accuracy(counts_a[-int(c["n_test"]):], order_a[-int(c["n_test"]):], labels, n_pat)
        rate_old_before = counts_a[-int(c["n_test"]):].mean() / (c["present"] * 1e-3)
        t_add = net.t
        new = net.add_neurons("exc", int(c["n_new"]))
        deg = _degrees(net, new)
        order_b = rng.integers(0, n_pat, n_after)
        counts_b = _present(net, c, rates, order_b, bar, t_add)
    n_test = int(c["n_test"])
    acc_after_old = vote_accuracy(counts_b[:n_test], order_b[:n_test], labels, n_pat, np.arange(n_old))
    rate_old_after = counts_b[:n_test, :n_old].mean() / (c["present"] * 1e-3)
    labels_end, resp_end = labels_from(counts_b[-int(c["n_label"]):], order_b[-int(c["n_label"]):], n_pat)
    acc_end_all = vote_accuracy(counts_b[-n_test:], order_b[-n_test:], labels_end, n_pat)
    acc_end_old = vote_accuracy(counts_b[-n_test:], order_b[-n_test:], labels_end, n_pat, np.arange(n_old))
    acc_end_new = vote_accuracy(counts_b[-n_test:], order_b[-n_test:], labels_end, n_pat, new)
    r_new = resp_end[:, new]
    best = r_new.max(axis=0)
    others = (r_new.sum(axis=0) - best) / max(1, n_pat - 1)
    selective = (best >= 2 * others) & (best > 0)
    metrics = {
        "acc_before": acc_before, "acc_after_old": acc_after_old, "acc_change": acc_after_old - acc_before,
        "acc_end_all": acc_end_all, "acc_end_old": acc_end_old, "acc_end_new": acc_end_new,
        "rate_old_before": float(rate_old_before), "rate_old_after": float(rate_old_after),
        "rate_old_change": float(rate_old_after / rate_old_before - 1) if rate_old_before > 0 else float("nan"),
        "rate_new": float(counts_b[-n_test:, new].mean() / (c["present"] * 1e-3)),
        "in_degree_new_min": int(deg["in"].min()), "out_degree_new_min": int(deg["out"].min()),
        "selective_new": float(selective.mean()), "t_add_ms": float(t_add), "n_exc_end": int(net.size("exc")),
        "labels_covered_before": int(len(np.unique(labels))),
    }
    fig = _figure(c, counts_a, order_a, counts_b, order_b, labels, labels_end, new, metrics)
    return Result(
        config=c, metrics=metrics, figures={"neurogenesis": fig},
        recordings={"counts": dict(before=counts_a, order_before=order_a, after=counts_b, order_after=order_b),
                    "labels": dict(before=labels, end=labels_end, new=new),
                    "weights": dict(w=net.weights("in_exc"), pre=net.synapses("in_exc")[0],
                                    post=net.synapses("in_exc")[1])},
        notes=["accuracies are online (plasticity on) over n_test presentations; rates in Hz during stimuli",
               f"new neurons: indices {int(new[0])}..{int(new[-1])}, added at {t_add:g} ms"],
    )


def _degrees(net, new):
    _, post_in = net.synapses("in_exc")
    pre_ei, _ = net.synapses("exc_inh")
    _, post_ie = net.synapses("inh_exc")
    n = net.size("exc")
    in_deg = np.bincount(post_in, minlength=n)[new] + np.bincount(post_ie, minlength=n)[new]
    return {"in": in_deg, "out": np.bincount(pre_ei, minlength=n)[new]}


def _rolling_accuracy(counts, order, labels, n_pat, neurons, width=20):
    """Moving mean over ``width`` presentations of the per-presentation vote accuracy."""
    hits = []
    for k in range(len(order)):
        hits.append(vote_accuracy(counts[k:k + 1], order[k:k + 1], labels, n_pat, neurons))
    h = np.array(hits)
    return np.convolve(h, np.ones(width) / width, mode="valid")


_NEW = OKABE_ITO[2]     # bluish green: new neurons


def _figure(c, counts_a, order_a, counts_b, order_b, labels, labels_end, new, metrics) -> Figure:
    n_pat, n_old = int(c["n_patterns"]), int(c["n_exc"])
    fig = Figure(figsize=(13, 4.6), layout="constrained")
    ax, bx, cx = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.15, 1]})
    _accuracy_panel(ax, counts_a, order_a, counts_b, order_b, labels, new, metrics, n_pat, n_old)
    _response_panel(fig, bx, c, counts_b, order_b, labels_end, new, n_pat)
    rate = counts_b / (c["present"] * 1e-3)
    cx.plot(rate[:, :n_old].mean(axis=1), color="black", alpha=0.7, label=f"old ({n_old} neurons)")
    cx.plot(rate[:, new].mean(axis=1), color=_NEW, label=f"new ({len(new)} neurons)")
    cx.set_xlim(0, len(order_b))
    cx.set_ylim(bottom=0)
    cx.set_xlabel("presentation after the addition")
    cx.set_ylabel("mean rate during the stimulus (Hz)")
    cx.legend(fontsize="small")
    cx.set_title(f"rates; {metrics['selective_new']:.0%} of the new neurons become selective",
                 fontsize="medium")
    fig.suptitle(f"Neurogenesis: {len(new)} E neurons added to a trained STDP layer after "
                 f"{len(order_a)} presentations\n{int(c['n_in'])} Poisson inputs → {n_old} E "
                 f"(adaptive thresholds) ↔ {int(c['n_inh'])} I, {n_pat} patterns")
    return fig


def _accuracy_panel(ax, counts_a, order_a, counts_b, order_b, labels, new, metrics, n_pat, n_old, width=20):
    acc_a = _rolling_accuracy(counts_a, order_a, labels, n_pat, np.arange(n_old), width)
    acc_b = _rolling_accuracy(counts_b, order_b, labels, n_pat, np.arange(n_old), width)
    ax.plot(np.arange(len(acc_a)) + width, acc_a, color="black", label="old neurons, labels from before")
    ax.plot(len(order_a) + np.arange(len(acc_b)) + width, acc_b, color="black")
    ax.axvline(len(order_a), color=_NEW, ls="--", lw=1.5, label=f"neurogenesis: +{len(new)} E neurons")
    ax.axhline(1.0 / n_pat, color="0.5", ls=":", label=f"chance (1/{n_pat})")
    ax.set_ylim(0, 1.05)
    ax.set_xlim(0, len(order_a) + len(order_b))
    ax.set_xlabel("presentation")
    ax.set_ylabel(f"vote accuracy (mean over {width} presentations)")
    ax.legend(fontsize="small", loc="lower right")
    ax.set_title(f"accuracy of the old neurons: {metrics['acc_before']:.2f} before, "
                 f"{metrics['acc_after_old']:.2f} after", fontsize="medium")


def _response_panel(fig, bx, c, counts_b, order_b, labels_end, new, n_pat):
    _, resp = labels_from(counts_b[-int(c["n_label"]):], order_b[-int(c["n_label"]):], n_pat)
    order = np.lexsort((np.arange(resp.shape[1]), labels_end))
    im = bx.imshow(resp[:, order] / (c["present"] * 1e-3), aspect="auto", cmap="viridis",
                   interpolation="nearest")
    is_new = np.isin(order, new)
    bx.plot(np.flatnonzero(is_new), np.full(is_new.sum(), -0.5), linestyle="none", marker="v", color=_NEW,
            markersize=5, clip_on=False, label="new neuron")
    bx.set_ylim(n_pat - 0.5, -0.5)
    bx.set_yticks(np.arange(n_pat))
    bx.set_xlabel("E neuron (sorted by preferred pattern)")
    bx.set_ylabel("pattern")
    bx.legend(fontsize="small", loc="upper right", bbox_to_anchor=(1.0, 1.1), frameon=False)
    bx.set_title(f"responses, last {int(c['n_label'])} presentations", fontsize="medium", loc="left")
    fig.colorbar(im, ax=bx, label="rate (Hz)")


EXPERIMENT = register(Experiment(
    name="neurogenesis",
    summary="neurons added to a trained STDP layer integrate and leave its learned code intact",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(Target("acc_before", 0.8, None, "the layer learned the patterns before the addition (ours)"),
             Target("acc_change", -0.05, 0.05, "accuracy of the old neurons unchanged by the addition (issue)"),
             Target("rate_new", 1.0, None, "new neurons fire (issue)"),
             Target("in_degree_new_min", 1, None, "every new neuron receives synapses (issue)"),
             Target("out_degree_new_min", 1, None, "every new neuron makes synapses (issue)"),
             Target("selective_new", 0.5, None, "at least half the new neurons become selective (ours)")),
    reference="Diehl PU, Cook M (2015) Front Comput Neurosci 9:99; Aimone JB et al. (2011) Neuron 70:589",
))
