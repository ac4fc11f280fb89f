"""Contract suite: every built-in neuron model and rule must pass these checks.

Like scikit-learn's estimator checks: new models and rules are added to the
parameter lists and get the whole suite for free.
"""
from dataclasses import dataclass

import numpy as np
import pytest

import neuroplastic as npl
from custom_rule import SymmetricSTDP


@dataclass(frozen=True)
class Identity(npl.Rule, npl.OnPre, npl.OnPost):
    """A rule that reacts to every spike and changes nothing."""


NEURONS = {
    "lif-current": (npl.LIF(synapse="current", t_ref=2.0), 150.0),
    "lif-conductance": (npl.LIF(synapse="conductance", c_m=200, tau_m=20, v_rest=-60, v_reset=-60,
                                v_thresh=-50), 3.0),
    "adex-conductance": (npl.AdEx(), 5.0),
    "adex-current": (npl.AdEx(synapse="current"), 300.0),
    "izhikevich": (npl.Izhikevich(), 8.0),
}

RULES = {
    "pair-additive": npl.PairSTDP(a_plus=0.05, a_minus=0.06),
    "pair-multiplicative": npl.PairSTDP(a_plus=0.05, a_minus=0.06, weight_dependence="multiplicative"),
    "pair-nearest": npl.PairSTDP(a_plus=0.05, a_minus=0.06, pairing="nearest"),
    **{f"triplet-{k}": npl.TripletSTDP.preset(k) for k in npl.plasticity.TRIPLET_PRESETS},
    "tsodyks-markram": npl.TsodyksMarkram.facilitating(),
    "symmetric-example": SymmetricSTDP(eta=0.05),
    "inhibitory-stdp": npl.InhibitorySTDP(eta=0.05, rho0=5.0),
    "heterosynaptic": npl.Heterosynaptic(beta=0.5, w_ref=100.0),
    "scaling": npl.SynapticScaling(target_rate=0.0, beta=0.05, tau_a=1000.0, period=50.0),
    "normalization": npl.WeightNormalization(target=2000.0, period=50.0),
    "oja": npl.Oja(eta=0.02, period=0.1),
    "bcm": npl.BCM(eta=0.02, tau_theta=50.0, period=0.1),
    "discrete-stdp": npl.DiscreteSTDP(eta=5.0, step=0.1),
    "identity": Identity(),
}

#: Rules that change weights by design without any spike (periodic homeostasis).
ACTS_WITHOUT_SPIKES = {"normalization"}


def drive_model(neuron, weight, n=40, rate=40.0, rules=(), seed_rate=None):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 200, rate=rate if seed_rate is None else seed_rate))
    m.add(npl.Population("n", n, neuron))
    m.add(npl.Projection("xn", "x", "n", npl.FixedProbability(0.3), weight=weight,
                         rules=list(rules), w_min=0.0, w_max=2 * weight))
    m.add(npl.SpikeMonitor("n"))
    return m


@pytest.mark.parametrize("name", NEURONS)
def test_neuron_contract(name):
    neuron, weight = NEURONS[name]
    net = npl.Network(drive_model(neuron, weight), seed=0)
    shapes = {v: net.state("n", v).shape for v in neuron.state_variables}
    net.run(300.0)
    for v in neuron.state_variables:
        x = net.state("n", v)
        assert x.shape == shapes[v] and np.all(np.isfinite(x)), v
    i, t = net.spikes("n")
    assert 0 < len(t) < 40 * 300  # fires, but not every step
    assert np.all((i >= 0) & (i < 40)) and np.all(np.diff(t) >= 0)


@pytest.mark.parametrize("name", NEURONS)
def test_neuron_rests_without_input(name):
    neuron, _ = NEURONS[name]
    m = npl.Model(dt=0.1)
    m.add(npl.Population("n", 3, neuron))
    m.add(npl.SpikeMonitor("n"))
    net = npl.Network(m).run(200.0)
    assert len(net.spikes("n")[0]) == 0
    v = net.state("n", "v")
    assert np.all(np.abs(v - v[0]) < 1e-9) and np.all(np.isfinite(v))


def _plastic_net(rule, rate, seed=0):
    neuron, weight = NEURONS["lif-current"]
    return npl.Network(drive_model(neuron, weight, rules=[rule], seed_rate=rate), seed=seed)


@pytest.mark.parametrize("name", [k for k in RULES if k not in ACTS_WITHOUT_SPIKES])
def test_rule_no_spikes_no_change(name):
    net = _plastic_net(RULES[name], rate=0.0)
    w0 = net.weights("xn")
    state0 = [[a.copy() for a in part] for part in net.rule_state("xn")]
    net.run(200.0)
    np.testing.assert_array_equal(net.weights("xn"), w0)
    for part, before in zip(net.rule_state("xn"), state0):
        for a, b in zip(part, before):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", RULES)
def test_rule_respects_bounds_and_stays_finite(name):
    net = _plastic_net(RULES[name], rate=60.0)
    shapes = [[a.shape for a in part] for part in net.rule_state("xn")]
    net.run(500.0)
    w = net.weights("xn")
    assert np.all(np.isfinite(w)) and w.min() >= 0.0 and w.max() <= 300.0
    assert [[a.shape for a in part] for part in net.rule_state("xn")] == shapes
    for part in net.rule_state("xn"):
        for a in part:
            assert np.all(np.isfinite(a))


@pytest.mark.parametrize("name", [k for k in RULES if k != "identity"])
def test_rule_composed_with_identity_changes_nothing(name):
    rule = RULES[name]
    alone = _plastic_net(rule, rate=40.0).run(300.0)
    for combo in ([rule, Identity()], [Identity(), rule]):
        neuron, weight = NEURONS["lif-current"]
        net = npl.Network(drive_model(neuron, weight, rules=combo, seed_rate=40.0), seed=0).run(300.0)
        np.testing.assert_array_equal(net.weights("xn"), alone.weights("xn"))
        np.testing.assert_array_equal(net.spikes("n")[1], alone.spikes("n")[1])


@pytest.mark.parametrize("name", [k for k in RULES if k not in ("identity", "tsodyks-markram")])
def test_plastic_rules_do_change_weights_when_driven(name):
    net = _plastic_net(RULES[name], rate=40.0)
    w0 = net.weights("xn")
    assert np.max(np.abs(net.run(300.0).weights("xn") - w0)) > 1e-6


def test_two_rules_add_their_changes(tiny_pairing):
    """Composition: the weight change of [A, B] is the sum of A's and B's."""
    a = npl.PairSTDP(a_plus=0.01, a_minus=0.02)
    b = SymmetricSTDP(eta=0.003)
    pre, post = [100.0, 150.0], [107.0, 140.0]
    dw = {}
    for key, rules in (("a", [a]), ("b", [b])):
        dw[key] = tiny_pairing(rules[0], pre, post).run(300).weights("p")[0] - 0.5
    import neuroplastic as npl2
    m = npl2.Model(dt=0.1)
    m.add(npl2.SpikeTimes("pre", 1, [0, 0], pre)); m.add(npl2.SpikeTimes("post", 1, [0, 0], post))
    m.add(npl2.Projection("p", "pre", "post", npl2.OneToOne(), weight=0.5, rules=[a, b]))
    both = npl2.Network(m).run(300).weights("p")[0] - 0.5
    assert both == pytest.approx(dw["a"] + dw["b"], abs=1e-12)
    assert abs(dw["a"]) > 1e-4 and abs(dw["b"]) > 1e-4
