"""The growing competitive spiking network of ``continual-digits`` and ``few-shot-digits``.

Network: 64 Poisson inputs (one per pixel, ``max_rate`` x pixel / 16 Hz while an
image is shown) -> ``hidden`` current-based LIF neurons (the rewiring-budget cell)
with

* competitive STDP on input -> hidden: pair STDP (multiplicative, ``a_plus``,
  ``a_minus``, ``tau_stdp``) and incoming normalisation to ``w_total`` pA per
  neuron every ``norm_period`` ms (Diehl & Cook 2015);
* all-to-all lateral inhibition (``w_inh`` pA) and an adaptive threshold
  (+``theta_plus`` mV per spike, decay ``theta_tau``): the winner of an image
  becomes harder to fire, so other neurons take the next images;
* **neurogenesis on novelty** (structural recruitment, one-shot Hebbian): after an
  image, when no hidden neuron fired ``novelty_spikes`` spikes or more, the input
  is new to the network and one neuron is added (``Network.add_neurons``) whose
  input weights are the presynaptic rates of that image, normalised:
  w_ij = w_total x_i / sum_i x_i (a Hebbian imprint of a single event,
  Delta w proportional to pre-activity x post-activity, with the new neuron driven
  to fire). Its threshold starts at the population's mean theta. Growth stops at
  ``n_max`` neurons.

No task label and no stored example is used. Labels of the training images are
used only to *assign* neurons to classes (as in Diehl & Cook): each neuron keeps
per-class spike counts r_jk over the training images it answered (the image that
recruited a neuron counts one spike for its class); a neuron belongs to the class
argmax_k r_jk. Test (``frozen``): a copy of the network with its learned synapses
and thresholds and no rule; an image's class is the one whose neurons fire most on
average (Diehl & Cook's vote); no spike at all is an error.

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99. Aimone JB, Deng W,
Gage FH (2011) Neuron 70:589 (adult neurogenesis for new input statistics).
Grossberg S (1987) Cogn Sci 11:23 (adaptive resonance: recruit a new category when
no stored one matches).
"""
from __future__ import annotations

import numpy as np

from .. import (LIF, AdaptiveThreshold, AllToAll, Model, Network, PairSTDP, Pairs, PoissonInput, Population,
                Projection, WeightNormalization)
from ..experiments.protocols import present
from .cost import SynapticEvents

__all__ = ["GrowingNetwork", "build", "build_frozen", "vote"]

N_CLASSES = 10


def _cell(c) -> LIF:
    return LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["v_rest"], v_reset=c["v_rest"], v_thresh=c["v_thresh"],
               t_ref=c["t_ref"], synapse="current", tau_e=c["tau_syn"], tau_i=c["tau_syn"])


def build(c: dict) -> Model:
    """The plastic network with ``n_start`` hidden neurons (uniform random input weights)."""
    from .. import Uniform

    w0 = c["w_total"] / 64
    rules = [PairSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_stdp"], tau_minus=c["tau_stdp"],
                      w_max=c["w_total"], weight_dependence="multiplicative"),
             WeightNormalization(target=c["w_total"], mode="incoming", period=c["norm_period"])]
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("pixels", 64, rate=np.zeros(64)))
    m.add(Population("hidden", int(c["n_start"]), _cell(c),
                     rules=[AdaptiveThreshold(increment=c["theta_plus"], tau=c["theta_tau"], period=c["norm_period"])]))
    m.add(Projection("input", "pixels", "hidden", AllToAll(), weight=Uniform(0.5 * w0, 1.5 * w0), w_min=0.0,
                     w_max=c["w_total"], rules=rules))
    m.add(Projection("lateral", "hidden", "hidden", AllToAll(), weight=c["w_inh"], receptor="inh"))
    return m


def build_frozen(c: dict, n_hidden: int, pre, post, w) -> Model:
    """The same neurons, input synapses and inhibition, with no rule."""
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("pixels", 64, rate=np.zeros(64)))
    m.add(Population("hidden", int(n_hidden), _cell(c)))
    m.add(Projection("input", "pixels", "hidden", Pairs(np.asarray(pre, np.int64), np.asarray(post, np.int64)),
                     weight=np.asarray(w, np.float64), w_min=0.0, w_max=c["w_total"]))
    m.add(Projection("lateral", "hidden", "hidden", AllToAll(), weight=c["w_inh"], receptor="inh"))
    return m


def vote(counts, labels) -> np.ndarray:
    """Diehl & Cook's vote: per image the class whose assigned neurons fire most on
    average; -1 (an error) when no assigned neuron fired."""
    counts = np.asarray(counts, float)[:, :len(labels)]
    score = np.full((len(counts), N_CLASSES), -1.0)
    for k in range(N_CLASSES):
        mine = labels == k
        if mine.any():
            score[:, k] = counts[:, mine].mean(axis=1)
    best = score.argmax(axis=1)
    return np.where(score.max(axis=1) > 0, best, -1)


class GrowingNetwork:
    """The plastic network, its class-count table and its work (see module doc)."""

    def __init__(self, c: dict, seed: int):
        self.c, self.seed = c, seed
        self.net = Network(build(c), seed=seed)
        self.responses = np.zeros((int(c["n_start"]), N_CLASSES))
        self.recruited = 0
        self.meter = SynapticEvents(self.net)

    @property
    def size(self) -> int:
        return self.net.size("hidden")

    @property
    def labels(self) -> np.ndarray:
        """The class of each neuron (-1: never answered a training image)."""
        r = self.responses
        return np.where(r.sum(axis=1) > 0, r.argmax(axis=1), -1)

    def _show(self, net, x) -> np.ndarray:
        scale = self.c["max_rate"] / 16.0
        return present(net, {"pixels": x * scale}, self.c["t_present"], "hidden", rest=self.c["t_rest"],
                       rest_rates={"pixels": np.zeros(64)})

    def learn(self, images, labels) -> None:
        """Show each training image with plasticity on; recruit a neuron on novelty."""
        for x, y in zip(images, labels):
            counts = self._show(self.net, x)
            self.meter.update()
            answer = counts[:len(self.responses)]
            if self.c["recruit_by"] == "class":
                answer = answer[self.labels == y]
            self.responses[:, y] += counts[:len(self.responses)]
            if answer.max(initial=0) < self.c["novelty_spikes"] and self.size < self.c["n_max"]:
                self.recruit(x, y)

    def recruit(self, x, y) -> int:
        """Add one neuron imprinted with image ``x`` (class ``y`` for its count table)."""
        theta = np.array(self.net.state("hidden", "theta"), copy=True)
        new = int(self.net.add_neurons("hidden", 1)[0])
        self.net.state("hidden", "theta")[new] = theta.mean() if theta.size else 0.0
        pre, post = self.net.synapses("input")
        w = self.net.weights("input")
        mine = post == new
        w[mine] = self.c["w_total"] * x[pre[mine]] / max(float(x.sum()), 1e-12)
        self.net.set_weights("input", w)
        self.responses = np.vstack([self.responses, np.zeros(N_CLASSES)])
        self.responses[new, y] += 1.0
        self.recruited += 1
        self.meter.events += 64                         # the imprint: one update per new synapse
        return new

    def frozen(self, seed_offset: int = 1) -> Network:
        pre, post = self.net.synapses("input")
        net = Network(build_frozen(self.c, self.size, pre, post, self.net.weights("input")),
                      seed=self.seed + seed_offset)
        net.state("hidden", "theta")[...] = np.array(self.net.state("hidden", "theta"), copy=True)
        return net

    def predict(self, images) -> np.ndarray:
        """Classes of ``images`` by a frozen copy (vote of the assigned neurons)."""
        net = self.frozen()
        counts = np.array([self._show(net, x) for x in images])
        return vote(counts, self.labels)

    @property
    def connections(self) -> int:
        return len(self.net.synapses("input")[0])
