"""The spiking network of Diehl & Cook (2015), built from the engine's parts.

Populations (conductance-based LIF; g_L = c_m / tau_m = 1 nS, so a weight of
w nS is Diehl & Cook's dimensionless conductance w):

* ``pixels``: one Poisson input per pixel, rate ``x * max_rate`` Hz for a pixel
  value x in [0, 1] (Diehl & Cook: pixel / 8 x intensity 2 = 63.75 Hz at 255);
* ``exc``: ``n_neurons`` excitatory neurons, tau_m = 100 ms, v_rest = v_reset =
  -65 mV, threshold -52 mV + (theta - theta0), E_e = 0, E_i = -100 mV,
  tau_ge = 1 ms, tau_gi = 2 ms, refractory ``t_ref_exc`` ms;
* ``inh``: as many inhibitory neurons, tau_m = 10 ms, v_rest = -60, v_reset =
  -45, v_thresh = -40 mV, E_i = -85 mV, refractory 2 ms.

Projections:

* ``input`` (pixels -> exc, all to all): initial weights U(0.003, 0.303) nS,
  then scaled so each neuron's weights sum to ``w_total`` (78); delays
  U(0, ``delay_max``) ms; learned by Diehl & Cook's rule, which is
  :class:`~neuroplastic.TripletSTDP` with nearest-spike traces and
  a2_plus = a3_minus = 0 (``stdp = "triplet"``), or the same rule written for
  speed (``stdp = "diehl-cook"``, default; compare/_diehl_rule.py)::

      pre spike:  w -= nu_pre  * o1            (o1: post trace, tau 20 ms)
      post spike: w += nu_post * r1 * o2(t-)   (r1: pre trace, tau 20 ms;
                                                o2: post trace, tau 40 ms)

  bounded to [0, ``w_max``], and :class:`~neuroplastic.WeightNormalization`
  (incoming sum ``w_total``) once per presentation;
* ``exc_inh`` (one to one, ``w_ei`` = 10.4 nS) and ``inh_exc`` (each inhibitory
  neuron onto every excitatory neuron but its partner, ``w_ie`` = 17 nS): the
  lateral inhibition that makes the neurons compete.

The excitatory neurons carry :class:`~neuroplastic.AdaptiveThreshold` (theta
+= 0.05 mV per spike, decay tau 1e7 ms); theta starts at theta0 = 20 mV and the
LIF threshold is -52 - theta0 mV, so the threshold starts at -52 mV, as in the
original code (theta - offset). The frozen network used for labelling and
testing has the learned weights and thresholds and no rules.

Spike block: the original blocks spikes for 50 ms after a spike of an
excitatory neuron (its ``timer``) while the membrane is held for 5 ms only.
``spike_block = 50`` reproduces it (compare/_diehl_threshold.py:
``BlockedAdaptiveThreshold``, in the learning and the frozen network); the
default 0 leaves it out (the engine's LIF holds the membrane for
``t_ref_exc``, 5 ms, and nothing more), which did not lower accuracy on the
first 3,000 and 10,000 MNIST images (docs/unsupervised.md).

Units: the original's conductances are dimensionless, tau_m dv/dt = (v_rest
- v) + ge (E_e - v) + gi (E_i - v); here c_m dv/dt = g_L (v_rest - v) + ...
with g_L = c_m / tau_m = 1 nS for both populations, so a weight of w nS is
the original's w (the same PSP; tested).

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99; parameters
from the original ``Diehl&Cook_spiking_MNIST.py`` (canonical-results §12).
"""
from __future__ import annotations

import numpy as np

from .. import (LIF, AdaptiveThreshold, AllToAll, Model, Network, OneToOne, Pairs, PoissonInput, Population,
                Projection, TripletSTDP, Uniform, WeightNormalization)
from ._diehl_rule import DiehlCookSTDP
from ._diehl_threshold import BlockedAdaptiveThreshold, adaptive_theta

__all__ = ["build", "build_frozen", "initial_weights", "learned_state", "EXC_THRESHOLD", "W_INIT"]

EXC_THRESHOLD = -52.0        # mV: the excitatory threshold with theta = theta0
W_INIT = (0.003, 0.303)      # nS: initial input weights, (rand + 0.01) * 0.3 in the original


def _exc_cell(c) -> LIF:
    return LIF(tau_m=100.0, c_m=100.0, v_rest=-65.0, v_reset=-65.0, v_thresh=EXC_THRESHOLD - c["theta0"],
               t_ref=c["t_ref_exc"], synapse="conductance", tau_e=1.0, tau_i=2.0, e_e=0.0, e_i=-100.0)


def _inh_cell() -> LIF:
    return LIF(tau_m=10.0, c_m=10.0, v_rest=-60.0, v_reset=-45.0, v_thresh=-40.0, t_ref=2.0,
               synapse="conductance", tau_e=1.0, tau_i=2.0, e_e=0.0, e_i=-85.0)


def _rule(c):
    if c["stdp"] == "diehl-cook":
        return DiehlCookSTDP(nu_pre=c["nu_pre"], nu_post=c["nu_post"], tau_pre=c["tau_pre"],
                             tau_post1=c["tau_post1"], tau_post2=c["tau_post2"])
    return TripletSTDP(tau_plus=c["tau_pre"], tau_minus=c["tau_post1"], tau_x=c["tau_pre"], tau_y=c["tau_post2"],
                       a2_plus=0.0, a3_plus=c["nu_post"], a2_minus=c["nu_pre"], a3_minus=0.0, pairing="nearest")


def _threshold(c, learning: bool):
    """The excitatory neurons' rules: adaptive theta (learning only) and the spike block."""
    if c["spike_block"] > 0:
        return [BlockedAdaptiveThreshold(increment=c["theta_plus"] if learning else 0.0,
                                         tau=c["theta_tau"] if learning else 1e300, block=c["spike_block"],
                                         period=c["dt"])]
    return [AdaptiveThreshold(increment=c["theta_plus"], tau=c["theta_tau"],
                              period=c["t_present"] + c["t_rest"])] if learning else []


def _network(c, n_inputs: int, learning: bool, weights=None) -> Model:
    n = int(c["n_neurons"])
    m = Model(dt=c["dt"], max_rate=None)
    m.add(PoissonInput("pixels", n_inputs, rate=np.zeros(n_inputs)))
    neuron_rules = _threshold(c, learning)
    m.add(Population("exc", n, _exc_cell(c), initial={"theta": c["theta0"]}, rules=neuron_rules))
    m.add(Population("inh", n, _inh_cell()))
    rules = [_rule(c), WeightNormalization(target=c["w_total"], mode="incoming",
                                           period=c["t_present"] + c["t_rest"])] if learning else []
    m.add(Projection("input", "pixels", "exc", AllToAll(), weight=W_INIT[0] if weights is None else weights,
                     delay=Uniform(0.0, c["delay_max"]), w_min=0.0, w_max=c["w_max"], rules=rules))
    m.add(Projection("exc_inh", "exc", "inh", OneToOne(), weight=c["w_ei"]))
    pre, post = np.nonzero(~np.eye(n, dtype=bool))
    m.add(Projection("inh_exc", "inh", "exc", Pairs(pre.astype(np.int64), post.astype(np.int64)),
                     weight=c["w_ie"], receptor="inh"))
    return m


def initial_weights(net: Network, c, seed: int) -> np.ndarray:
    """U(0.003, 0.303) nS per input synapse, scaled to sum ``w_total`` per neuron."""
    pre, post = net.synapses("input")
    w = np.random.default_rng([seed, 78]).uniform(*W_INIT, size=pre.size)
    sums = np.bincount(post, weights=w, minlength=int(c["n_neurons"]))
    return w * (c["w_total"] / sums[post])


def build(c, n_inputs: int, seed: int) -> Network:
    """The learning network, its input weights normalised (see module doc)."""
    net = Network(_network(c, n_inputs, True), seed=seed)
    net.set_weights("input", initial_weights(net, c, seed))
    return net


def learned_state(net: Network, c) -> dict:
    """What the frozen copy needs: input weights (build order) and thresholds theta
    (the adaptive part: without a spike block's raise)."""
    rule = _threshold(c, True)[0]
    theta = adaptive_theta(net, rule) if isinstance(rule, BlockedAdaptiveThreshold) else \
        np.array(net.state("exc", "theta"), copy=True)
    return {"w": net.weights("input"), "theta": theta}


def build_frozen(c, n_inputs: int, learned: dict, seed: int) -> Network:
    """The same neurons and wiring with the learned weights and thresholds, no plasticity."""
    net = Network(_network(c, n_inputs, False, weights=learned["w"]), seed=seed)
    net.state("exc", "theta")[...] = learned["theta"]
    return net
