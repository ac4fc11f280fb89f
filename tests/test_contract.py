"""Contract suite: every built-in neuron model and rule passes neuroplastic.testing.

The checks, the driving networks and the example of every built-in live in
:mod:`neuroplastic.testing` (users run the same suite on their own rules);
this file runs them over every built-in, checks that none is missing, and
shows that the checks catch broken rules and models with a clear message.
"""
import math
from dataclasses import dataclass

import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from custom_rule import SymmetricSTDP
from neuroplastic import testing
from neuroplastic.testing import Case, IdentityRule, parametrize_with_checks

#: Beyond the built-ins: the user rule of examples/custom_rule.py, and the
#: identity rule (it passes every check but the one that asks for an effect).
EXTRA = (Case(SymmetricSTDP(eta=0.05)), IdentityRule())
EXTRA_EXEMPTIONS = {"IdentityRule.check_rule_acts_when_driven": "changes nothing, by design"}


@parametrize_with_checks([*testing.EXAMPLES, *EXTRA], exemptions={**testing.EXEMPTIONS, **EXTRA_EXEMPTIONS})
def test_contract(obj, check):
    check(obj)


def test_every_builtin_has_an_example_or_an_exemption():
    assert testing.coverage_problems() == []
    names = set(testing.builtin_classes())
    # the registries and the exports are all found (a sample of each kind)
    assert {"PairSTDP", "MSPGrowth", "Calcium", "Gated", "TrieschIP", "RateUnit", "BinaryUnit", "Izhikevich"} <= names
    assert not names & {"Rule", "NeuronRule", "NeuronModel"}


def test_coverage_reports_what_is_missing():
    without_pair = [c for c in testing.EXAMPLES if testing.class_name(c.obj) != "PairSTDP"]
    assert testing.coverage_problems(without_pair, {}) == ["PairSTDP: no example in neuroplastic.testing.EXAMPLES"]
    problems = testing.coverage_problems(testing.EXAMPLES, {"NoSuchRule.check_rule_deterministic": "x",
                                                            "Oja.check_no_such_check": "y"})
    assert problems == ["exemption 'NoSuchRule.check_rule_deterministic': no built-in class 'NoSuchRule'",
                        "exemption 'Oja.check_no_such_check': no example of Oja runs a check 'check_no_such_check'"]


def test_parametrize_with_checks_ids_and_exemptions():
    mark = parametrize_with_checks([npl.PairSTDP(a_plus=0.02), Case(npl.WeightNormalization(),
                                                                    acts_without_spikes=True)])
    ids = [p.id for p in mark.args[1]]
    assert ids[0] == "PairSTDP(a_plus=0.02)-check_rule_still_without_spikes"
    assert "WeightNormalization()-check_rule_bounded_and_finite" in ids
    assert not any(i.startswith("WeightNormalization()-check_rule_still") for i in ids)
    with pytest.raises(ValueError, match="match no"):
        parametrize_with_checks([npl.PairSTDP()], exemptions={"Oja.check_rule_deterministic": "no Oja here"})
    # an exemption is a strict expected failure: the test fails if the check passes
    mark = parametrize_with_checks([npl.PairSTDP()], exemptions={"PairSTDP.check_rule_deterministic": "why"})
    marks = {p.id: p.marks for p in mark.args[1]}
    (xfail,) = marks["PairSTDP()-check_rule_deterministic"]
    assert xfail.name == "xfail" and xfail.kwargs["strict"] and xfail.kwargs["reason"] == "why"
    assert sum(len(m) for m in marks.values()) == 1


def test_checks_follow_capabilities():
    names = lambda obj: [c.__name__ for c in testing.checks_for(obj)]
    assert "check_structural_invariants" in names(npl.RandomRewire())
    assert "check_structural_invariants" not in names(npl.PairSTDP())
    assert names(npl.AdaptiveThreshold())[0] == "check_neuron_rule_still_without_spikes"
    assert names(Case(npl.LIF(), weight=1.0))[0] == "check_neuron_state_finite_and_stable"


# --- broken rules and models are caught ---------------------------------------------

@njit
def _grow_every(t, w, conn, st, p):
    for s in range(w.shape[0]):
        w[s] += p.amount


@dataclass(frozen=True)
class GrowsWithoutSpikes(npl.Rule, npl.Periodic):
    """Broken: adds to every weight every period, spikes or not."""

    amount: float = 1.0
    period: float = 10.0
    every = _grow_every


@njit
def _nan_on_post(s, i, j, t, w, st, p):
    return math.nan


@dataclass(frozen=True)
class ProducesNaN(npl.Rule, npl.OnPost):
    """Broken: every postsynaptic spike makes the weight NaN."""

    on_post = _nan_on_post


@dataclass(frozen=True)
class GlobalRandomRewire(npl.RandomRewire):
    """Broken: draws from numpy's global generator instead of the network's."""

    def restructure(self, t, edit, rng):
        super().restructure(t, edit, np.random.default_rng())


@njit
def _tiny_on_pre(s, i, j, t, w, st, p):
    return 1e-9


@dataclass(frozen=True)
class NotQuiteIdentity(npl.Rule, npl.OnPre, npl.OnPost):
    """Broken identity: every presynaptic spike adds 1e-9."""

    on_pre = _tiny_on_pre


@dataclass(frozen=True)
class PruneOnly(npl.PruneAndRegrow):
    """Broken rewiring: prunes the weak synapses but regrows none."""

    def restructure(self, t, edit, rng):
        slots = edit.slots()
        edit.remove(slots[edit.w[slots] < self.threshold])


def test_weight_change_without_spikes_is_caught():
    with pytest.raises(AssertionError, match=r"GrowsWithoutSpikes\(\) fails check_rule_still_without_spikes: "
                                             r"without any spike, weights: .*acts_without_spikes=True"):
        testing.check_rule(GrowsWithoutSpikes())
    # declared, it passes that check and the others (weights are clipped to the bounds)
    testing.check_rule_bounded_and_finite(Case(GrowsWithoutSpikes(), acts_without_spikes=True))


def test_nan_is_caught():
    with pytest.raises(AssertionError, match=r"ProducesNaN\(\) fails check_rule_bounded_and_finite: "
                                             r"(not finite under drive: weights|the run stopped)"):
        testing.check_rule_bounded_and_finite(ProducesNaN())


def test_hidden_randomness_is_caught():
    with pytest.raises(AssertionError, match="check_rule_deterministic: the same seed gave different results"):
        testing.check_rule_deterministic(Case(GlobalRandomRewire(p=0.2, period=50.0), acts_without_spikes=True))


def test_composition_check_sees_a_change_of_1e9(monkeypatch):
    """The composition check compares bit for bit: an 'identity' adding 1e-9 per spike fails it."""
    monkeypatch.setattr(testing.rule_checks.h, "IdentityRule", NotQuiteIdentity)
    with pytest.raises(AssertionError, match=r"check_rule_composes_with_identity: \[rule, Identity\] differs "
                                             r"from \[rule\] alone: weights: at index"):
        testing.check_rule_composes_with_identity(npl.PairSTDP(a_plus=0.05, a_minus=0.06))


def test_lost_synapses_are_caught():
    case = Case(PruneOnly(threshold=100.0, period=50.0), acts_without_spikes=True, conserves_synapses=True)
    h = testing.harness
    w = h.layout(h.N_IN, h.N_OUT, h.P_CONNECT, h.SPIKING.weight)[2]   # the harness's initial weights
    kept = int(np.sum(w >= 100.0))        # no STDP here: the weak ones are exactly those pruned
    with pytest.raises(AssertionError, match=f"check_structural_invariants: the synapse count changed "
                                             f"from {len(w)} to {kept}$"):
        testing.check_structural_invariants(case)


def test_a_rule_that_does_nothing_is_caught():
    with pytest.raises(AssertionError, match="IdentityRule\\(\\) fails check_rule_acts_when_driven: under drive"):
        testing.check_rule(IdentityRule())


def test_a_neuron_that_fires_every_step_is_caught():
    always = npl.LIF(v_thresh=-75.0, t_ref=0.0)     # threshold below rest
    with pytest.raises(AssertionError, match="fails check_neuron_fires_under_drive: neuron 0 fired in every one "
                                             "of the 3000 steps"):
        testing.check_neuron_fires_under_drive(Case(always, weight=150.0))
    with pytest.raises(AssertionError, match="fails check_neuron_rests_without_input: [0-9]+ spikes without input"):
        testing.check_neuron_rests_without_input(Case(always, weight=150.0))
    with pytest.raises(ValueError, match="weight="):
        testing.check_neuron_model(npl.LIF())


# --- composition of two real rules (a science test, not part of the contract) ---------

def test_two_rules_add_their_changes(tiny_pairing):
    """Composition: the weight change of [A, B] is the sum of A's and B's."""
    a = npl.PairSTDP(a_plus=0.01, a_minus=0.02)
    b = SymmetricSTDP(eta=0.003)
    pre, post = [100.0, 150.0], [107.0, 140.0]
    dw = {}
    for key, rules in (("a", [a]), ("b", [b])):
        dw[key] = tiny_pairing(rules[0], pre, post).run(300).weights("p")[0] - 0.5
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1, [0, 0], pre))
    m.add(npl.SpikeTimes("post", 1, [0, 0], post))
    m.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=0.5, rules=[a, b]))
    both = npl.Network(m).run(300).weights("p")[0] - 0.5
    assert both == pytest.approx(dw["a"] + dw["b"], abs=1e-12)
    assert abs(dw["a"]) > 1e-4 and abs(dw["b"]) > 1e-4
