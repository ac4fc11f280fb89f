"""The growing competitive spiking network of ``continual-digits`` and ``few-shot-digits``.

Network: one Poisson input per pixel (64 for the 8 x 8 digits, 784 for MNIST;
``max_rate`` x pixel / full pixel Hz for ``t_present`` ms, then ``t_rest`` ms of
silence) -> ``hidden`` current-based LIF neurons (the rewiring-budget cell) with

* competition: all-to-all lateral inhibition (``w_inh`` pA) and an adaptive
  threshold (Diehl & Cook 2015: +``theta_plus`` mV per spike, decay ``theta_tau``),
  so a neuron that answers often becomes harder to fire;
* **neurogenesis on novelty** (structural recruitment, one-shot Hebbian): after a
  training image, when none of the answering neurons fired ``novelty_spikes`` spikes,
  one neuron is added (``Network.add_neurons``) whose input weights are the
  presynaptic rates of that image, normalised: w_ij = w_total x_i / sum_i x_i (a
  Hebbian imprint of one event, Delta w proportional to pre x post activity with the
  new neuron driven). Its threshold starts at the population's mean theta; growth
  stops at ``n_max`` neurons, and at ``n_max_per_class`` recruits for one class
  (0: no limit per class). ``recruit_by = "class"`` (default): the answering
  neurons are those assigned to the image's class (label-gated recruitment, as in
  supervised adaptive resonance, ARTMAP); ``"any"``: every neuron (unsupervised).
* optional competitive STDP on the input (``a_plus`` > 0: multiplicative pair STDP +
  incoming normalisation to ``w_total``). Off by default: measured on digits (seed 0)
  it moves old neurons towards the new classes and the average accuracy after the
  last task falls from 0.83 to 0.26-0.48 (docs/continual.md).

No task identity and no stored example is used. Labels of the training images
assign neurons to classes (as in Diehl & Cook) and, with ``recruit_by = "class"``,
decide whether an image is new for its class. Each neuron keeps per-class spike
counts r_jk over the training images (the image that recruited it counts one); it
belongs to class argmax_k r_jk. Test (:meth:`GrowingNetwork.predict`): a copy of the
network with its synapses and thresholds and no rule; an image's class is the one
whose neurons fire most on average (Diehl & Cook's vote); no spike is an error.

Input size (the rule for MNIST, fixed before any MNIST run): every parameter is
the same for 64 and 784 inputs. ``w_total`` is a *summed* weight per neuron and
``max_rate`` the rate of a full pixel, so an imprinted neuron's drive by an image
x', w_total x max_rate x sum_i x_i x'_i / sum_i x_i, does not depend on the number
of pixels; only the first neuron's uniform random weights, whose mean is
w_total / n_inputs, scale with it (their sum stays w_total).

Data size (the rule for MNIST, fixed before any full MNIST run; measured on the
first 1,400 MNIST *training* images of task 1 and 1,200 of task 2, seed 0, no test
image): the class-gated novelty recruits ~5 % of the images of the first task but
~70 % of the second one's, so without a limit per class the layer spends its
``n_max`` = 1000 neurons in the first two tasks (it passed 1,000 on the 200th image
of task 3) and later classes would get none; unlimited, it would grow to tens of
thousands of neurons (the all-to-all inhibition has N^2 synapses). When the
training set has more images per class than n_max / 10 (MNIST: ~6,000), the
limit is ``n_max_per_class = n_max / 10`` = 100: the same total, shared equally
by the ten classes. On the digits (~100 images per class, ~540 neurons) it stays
off (0), so their results are unchanged.

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99. Aimone JB, Deng W,
Gage FH (2011) Neuron 70:589 (adult neurogenesis for new input statistics).
Carpenter GA, Grossberg S, Reynolds JH (1991) Neural Netw 4:565 (ARTMAP: a new
category when no stored one of the right class matches).
"""
from __future__ import annotations

import numpy as np

from .. import (LIF, AdaptiveThreshold, AllToAll, Model, Network, PairSTDP, Pairs, PoissonInput, Population,
                Projection, Uniform, WeightNormalization)
from ..experiments.parameters import Param
from ..experiments.protocols import present
from .cost import SynapticEvents

__all__ = ["GrowingNetwork", "build", "build_frozen", "vote", "PARAMETERS"]

N_CLASSES = 10

#: The spiking network's parameters (shared by ``continual-digits`` and ``few-shot-digits``).
PARAMETERS = dict(
    dt=Param(0.5, "spiking: time step", "ms", gt=0),
    t_present=Param(100.0, "spiking: presentation of one image", "ms", gt=0),
    t_rest=Param(50.0, "spiking: silence after each image", "ms", ge=0),
    max_rate=Param(127.5, "spiking: input rate at pixel value 16", "Hz", gt=0),
    tau_m=Param(20.0, "spiking: membrane time constant", "ms", gt=0),
    c_m=Param(250.0, "spiking: membrane capacitance", "pF", gt=0),
    v_rest=Param(-65.0, "spiking: resting and reset potential", "mV"),
    v_thresh=Param(-50.0, "spiking: firing threshold (plus the adaptive theta)", "mV"),
    t_ref=Param(5.0, "spiking: refractory period", "ms", ge=0),
    tau_syn=Param(5.0, "spiking: synaptic current time constant", "ms", gt=0),
    w_total=Param(2500.0, "spiking: summed input weight per hidden neuron (imprint, normalisation)", "pA", gt=0),
    w_inh=Param(-100.0, "spiking: lateral inhibition between hidden neurons (negative)", "pA", le=0),
    a_plus=Param(0.0, "spiking: STDP potentiation on the input (0: no STDP; measured harmful)", ge=0),
    a_minus=Param(0.0, "spiking: STDP depression on the input", ge=0),
    tau_stdp=Param(20.0, "spiking: STDP time constant", "ms", gt=0),
    norm_period=Param(150.0, "spiking: interval of the normalisation and threshold decay", "ms", gt=0),
    theta_plus=Param(0.02, "spiking: adaptive-threshold increment per spike", "mV", ge=0),
    theta_tau=Param(1e6, "spiking: adaptive-threshold decay time constant", "ms", gt=0),
    n_start=Param(1, "spiking: hidden neurons at the start", ge=1),
    n_max=Param(1000, "spiking: most hidden neurons (neurogenesis stops there)", ge=1),
    n_max_per_class=Param(0, "spiking: most neurons recruited for one class (0: no limit; MNIST: n_max / 10)", ge=0),
    novelty_spikes=Param(4, "spiking: an image is new when no answering neuron fires this many spikes", ge=1),
    recruit_by=Param("class", "spiking: which neurons must answer: those of the image's class, or any",
                     choices=("class", "any")),
)


def _cell(c) -> LIF:
    return LIF(tau_m=c["tau_m"], c_m=c["c_m"], v_rest=c["v_rest"], v_reset=c["v_rest"], v_thresh=c["v_thresh"],
               t_ref=c["t_ref"], synapse="current", tau_e=c["tau_syn"], tau_i=c["tau_syn"])


def build(c: dict, n_inputs: int = 64) -> Model:
    """The plastic network with ``n_start`` hidden neurons (uniform random input weights);
    with ``a_plus`` > 0 the input synapses also learn by STDP and normalisation."""
    w0 = c["w_total"] / n_inputs
    rules = [PairSTDP(a_plus=c["a_plus"], a_minus=c["a_minus"], tau_plus=c["tau_stdp"], tau_minus=c["tau_stdp"],
                      w_max=c["w_total"], weight_dependence="multiplicative"),
             WeightNormalization(target=c["w_total"], mode="incoming", period=c["norm_period"])]
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("pixels", n_inputs, rate=np.zeros(n_inputs)))
    m.add(Population("hidden", int(c["n_start"]), _cell(c),
                     rules=[AdaptiveThreshold(increment=c["theta_plus"], tau=c["theta_tau"], period=c["norm_period"])]))
    m.add(Projection("input", "pixels", "hidden", AllToAll(), weight=Uniform(0.5 * w0, 1.5 * w0), w_min=0.0,
                     w_max=c["w_total"], rules=rules if c["a_plus"] > 0 else []))
    m.add(Projection("lateral", "hidden", "hidden", AllToAll(), weight=c["w_inh"], receptor="inh"))
    return m


def build_frozen(c: dict, n_hidden: int, pre, post, w, n_inputs: int = 64) -> Model:
    """The same neurons, input synapses and inhibition, with no rule."""
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("pixels", n_inputs, rate=np.zeros(n_inputs)))
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
    """The plastic network, its class-count table and its work (see module doc).

    ``n_inputs``: pixels per image; ``full``: the value of a full pixel (16 for the
    digits, 255 for MNIST), whose rate is ``max_rate``."""

    def __init__(self, c: dict, seed: int, n_inputs: int = 64, full: float = 16.0):
        self.c, self.seed, self.n_inputs, self.full = c, seed, int(n_inputs), float(full)
        self.net = Network(build(c, self.n_inputs), seed=seed)
        self.responses = np.zeros((int(c["n_start"]), N_CLASSES))
        self.recruited = 0
        self.born = np.zeros(N_CLASSES, np.int64)       # recruits per class
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
        scale = self.c["max_rate"] / self.full
        return present(net, {"pixels": x * scale}, self.c["t_present"], "hidden", rest=self.c["t_rest"],
                       rest_rates={"pixels": np.zeros(self.n_inputs)})

    def learn(self, images, labels) -> None:
        """Show each training image with plasticity on; recruit a neuron on novelty."""
        for x, y in zip(images, labels):
            counts = self._show(self.net, x)
            self.meter.update()
            answer = counts[:len(self.responses)]
            if self.c["recruit_by"] == "class":
                answer = answer[self.labels == y]
            self.responses[:, y] += counts[:len(self.responses)]
            if answer.max(initial=0) < self.c["novelty_spikes"] and self._room(y):
                self.recruit(x, y)

    def _room(self, y) -> bool:
        """May a neuron be recruited for class ``y`` (``n_max``, ``n_max_per_class``)?"""
        per_class = int(self.c["n_max_per_class"])
        return self.size < self.c["n_max"] and (per_class == 0 or self.born[y] < per_class)

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
        self.born[y] += 1
        self.meter.events += self.n_inputs             # the imprint: one update per new synapse
        return new

    def frozen(self, seed_offset: int = 1) -> Network:
        pre, post = self.net.synapses("input")
        net = Network(build_frozen(self.c, self.size, pre, post, self.net.weights("input"), self.n_inputs),
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
