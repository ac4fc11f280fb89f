"""The spiking digit classifier of the ``lesion`` task: models, readout, frozen test copies.

learner:     pixels (64 Poisson) -> hidden (LIF, adaptive threshold; STDP, incoming
             normalisation, pruning and regrowth of silent synapses on the input;
             all-to-all lateral inhibition) -- the rewiring-budget network.
classifier:  the learner's learned synapses and thresholds + 10 output LIF neurons
             (hidden -> output all-to-all, Hebbian readout weights), with its
             plasticity on: the input rules, the adaptive thresholds, and synaptic
             scaling of the readout towards a target output rate.
frozen copy: the same neurons and current synapses with no rule (for tests).
"""
from __future__ import annotations

import numpy as np

from .. import (LIF, AdaptiveThreshold, AllToAll, Model, Network, PairSTDP, Pairs, PoissonInput, Population, Projection,
                SynapticScaling, WeightNormalization)
from ..experiments import rewiring_budget as rb
from ..plasticity.structural import PruneAndRegrow
from ..experiments.protocols import present_each

__all__ = ["build_learner", "build_classifier", "freeze", "show", "hebbian_readout", "classify", "readout_synapses",
           "synapses_of", "N_CLASSES"]

N_CLASSES = 10


def _cell(c) -> LIF:
    return rb._cell(c)     # the rewiring-budget neuron: one definition for both


def _input_rules(c) -> list:
    """The learner's input rules: STDP, normalisation, pruning and regrowth (rewiring-budget)."""
    w0 = c["w_total"] / rb.budget_k(c)
    return [PairSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_stdp"], tau_minus=c["tau_stdp"],
                     w_max=c["w_total"], weight_dependence="multiplicative"),
            WeightNormalization(target=c["w_total"], mode="incoming", period=c["norm_period"]),
            PruneAndRegrow(threshold=c["prune_rel"] * w0, period=c["rewire_period"], w_init=c["w_init_rel"] * w0,
                           regrow=c["regrow"], prune=c["prune"])]


def _threshold(c) -> list:
    return [AdaptiveThreshold(increment=c["theta_plus"], tau=c["theta_tau"], period=c["norm_period"])]


def build_learner(c: dict) -> Model:
    """The rewiring-budget network (``density`` of the pixels per hidden neuron, pruned
    and regrown): pixels -> hidden with STDP, normalisation, adaptive thresholds and
    lateral inhibition."""
    return rb.build(c, rewire=True)


def build_classifier(c: dict, synapses: dict, out_rate: float | None) -> Model:
    """Pixels -> hidden -> output from ``synapses`` (projection -> (pre, post, w)); with
    ``out_rate`` the network is plastic (input rules, thresholds, readout scaling to
    ``out_rate`` Hz), without it frozen."""
    n_h, plastic = int(c["n_hidden"]), out_rate is not None
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("pixels", 64, rate=np.zeros(64)))
    m.add(Population("hidden", n_h, _cell(c), rules=_threshold(c) if plastic else []))
    m.add(Population("output", N_CLASSES * int(c["per_class"]), _cell(c)))
    scaling = [SynapticScaling(tau_a=c["scaling_tau"], target_rate=out_rate, beta=c["scaling_beta"],
                               period=c["scaling_period"])] if plastic else []
    rules = {"input": _input_rules(c) if plastic and c["hidden_plastic"] else [], "lateral": [],
             "readout": scaling}
    ends = {"input": ("pixels", "hidden"), "lateral": ("hidden", "hidden"), "readout": ("hidden", "output")}
    m.add(Projection("compete", "output", "output", AllToAll(), weight=c["w_out_inh"], receptor="inh"))
    for name, (pre_pop, post_pop) in ends.items():
        pre, post, w = synapses[name]
        kw = dict(w_min=0.0, w_max=c["w_total"]) if name == "input" else {}
        if name == "readout":
            kw = dict(w_min=0.0, w_max=1e6)
        m.add(Projection(name, pre_pop, post_pop, Pairs(np.asarray(pre, np.int64), np.asarray(post, np.int64)),
                         weight=np.asarray(w, float), receptor="inh" if name == "lateral" else "exc",
                         rules=rules[name], **kw))
    return m


def synapses_of(net, names=("input", "lateral", "readout")) -> dict:
    """projection -> (pre, post, w) of the synapses that exist now."""
    out = {}
    for name in names:
        pre, post = net.synapses(name)
        out[name] = (np.array(pre), np.array(post), np.array(net.weights(name)))
    return out


def freeze(c: dict, net, seed: int) -> Network:
    """A copy of the classifier ``net`` as it is now, with no plasticity."""
    frozen = Network(build_classifier(c, synapses_of(net), None), seed=seed)
    frozen.state("hidden", "theta")[...] = np.array(net.state("hidden", "theta"), copy=True)
    return frozen


def show(net, images, c, population: str, each=None) -> np.ndarray:
    """Counts of ``population`` for each image (t_present ms of rates, t_rest ms of
    silence); ``each(k, counts)`` after image k."""
    scale = c["max_rate"] / 16.0
    return present_each(net, ({"pixels": x * scale} for x in images), c["t_present"], population,
                        rest=c["t_rest"], rest_rates={"pixels": np.zeros(64)}, each=each)


def hebbian_readout(counts, labels, n_hidden: int, total: float) -> np.ndarray:
    """Readout weights (n_hidden x 10) by a rectified covariance (Hebbian) rule:
    w_jk proportional to max(0, m_kj - mean_k' m_k'j), m_kj the mean count of hidden
    neuron j on training images of class k, each class column scaled to sum to
    ``total`` (pA). Only neurons that fire more than average for a class excite
    that class's output (Sejnowski 1977's covariance rule, kept excitatory)."""
    m = np.zeros((N_CLASSES, n_hidden))
    for k in range(N_CLASSES):
        if np.any(labels == k):
            m[k] = counts[labels == k].mean(axis=0)
    w = np.maximum(0.0, m - m.mean(axis=0, keepdims=True)).T
    sums = w.sum(axis=0)
    return w * np.where(sums > 0, total / np.where(sums > 0, sums, 1.0), 0.0)


def classify(counts, per_class: int = 1) -> np.ndarray:
    """The class whose ``per_class`` output neurons (consecutive) fire most per image;
    -1 for a tie (an error)."""
    counts = np.asarray(counts)
    counts = counts.reshape(len(counts), N_CLASSES, per_class).sum(axis=2)
    best = counts.argmax(axis=1)
    tie = (counts == counts.max(axis=1, keepdims=True)).sum(axis=1) > 1
    return np.where(tie, -1, best)


def readout_synapses(w, per_class: int) -> tuple:
    """(pre, post, w) of hidden -> output, all to all, for weights ``w`` (n_hidden x 10)
    and ``per_class`` output neurons per class (class k: outputs k * per_class ...)."""
    w = np.repeat(np.asarray(w, float), per_class, axis=1)
    n_h, n_out = w.shape
    return np.repeat(np.arange(n_h), n_out), np.tile(np.arange(n_out), n_h), w.ravel()
