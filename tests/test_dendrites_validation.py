"""Bad input around dendrites is refused, naming the field, before anything runs:
branch indices, K, branch parameter lengths, dendritic rules on point neurons or
on the soma, and user neuron kinds with a missing kernel or inconsistent branch rows.
(More cases in test_dendrites.py: bad parameters and bad targets.)"""
from dataclasses import dataclass

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine.dendrites import dendritic_step
from neuroplastic.model.neurons import NeuronModel

CELL = npl.DendriticNeuron(branches=2)


def _model(post=CELL, branch=0, rule=None, neuron_rule=None):
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("x", 2, [0], [1.0]))
    m.add(npl.Population("y", 2, post, rules=[neuron_rule] if neuron_rule else []))
    m.add(npl.Projection("p", "x", "y", npl.AllToAll(), branch=branch, rules=[rule] if rule else []))
    return m


@pytest.mark.parametrize("rule", [npl.BranchSTDP(), npl.BranchClustering()], ids=lambda r: type(r).__name__)
@pytest.mark.parametrize("post, branch, why", [
    (npl.LIF(synapse="current"), None, "a population without dendritic branches"),
    (CELL, None, "the soma"),
])
def test_a_dendritic_rule_off_the_branches_is_refused(rule, post, branch, why):
    with pytest.raises(npl.ValidationError) as e:
        _model(post, branch, rule).validate()
    assert e.value.field == f"rules[0] ({type(rule).__name__})" and why in str(e.value)


def test_a_dendritic_rule_on_a_urbanczik_dendrite_is_refused():
    """BranchSTDP reads branch potentials and events, which the Urbanczik neuron has not."""
    with pytest.raises(npl.ValidationError) as e:
        _model(npl.UrbanczikNeuron(), 0, npl.BranchSTDP()).validate()
    assert e.value.field == "rules[0] (BranchSTDP)" and "DendriticNeuron" in str(e.value)


def test_branch_strength_on_a_point_neuron_names_what_it_reads():
    with pytest.raises(npl.ValidationError) as e:
        npl.Population("y", 2, npl.LIF(), rules=[npl.BranchStrength()])
    assert e.value.field == "rules[0] (BranchStrength).reads" and e.value.value == "ev"


@pytest.mark.parametrize("branch", [2, [0, 2, 0, 0], npl.Uniform(2, 3)])
def test_branch_indices_out_of_range_are_refused_before_running(branch):
    with pytest.raises(npl.ValidationError) as e:
        npl.Network(_model(branch=branch), seed=0)
    assert e.value.field == "branch" and "0 .. 1" in str(e.value)


@pytest.mark.parametrize("kw, field", [
    (dict(branches=0), "branches"), (dict(branches=-2), "branches"), (dict(branches=1.5), "branches"),
    (dict(branches=2, g_c=[0.0, 1.0, 2.0]), "g_c"), (dict(branches=3, dur_d=np.ones((2, 2))), "dur_d"),
    (dict(branches=2, nonlinearity=["nmda", "dcaap", "passive"]), "nonlinearity"),
])
def test_k_and_branch_parameter_lengths(kw, field):
    with pytest.raises(npl.ValidationError) as e:
        npl.DendriticNeuron(**kw)
    assert e.value.field == field


def test_branch_strength_and_rules_parameters():
    for make, field in ((lambda: npl.BranchStrength(u_max=0.0), "u_max"),
                        (lambda: npl.BranchSTDP(tau_plus=-1.0), "tau_plus"),
                        (lambda: npl.BranchClustering(capacity=0.5), "capacity"),
                        (lambda: npl.BranchClustering(keep=1.0), "keep")):
        with pytest.raises(npl.ValidationError) as e:
            make()
        assert e.value.field == field


def _user_kind(**attrs):
    cls = dataclass(frozen=True)(type("UserCell", (NeuronModel,), {
        "__annotations__": {"tau": float}, "tau": 10.0,
        "state_variables": ("v", "ie", "ii", "ied_0", "iid_0", "x_0", "x_1"),
        "synaptic_variables": ("ie", "ii"), "branch_variables": (("ied_0", "iid_0"),),
        "default_initial": lambda self: {"v": 0.0}, **attrs}))
    return cls


@pytest.mark.parametrize("attrs, field", [
    (dict(branch_variables=(("ied_0", "missing"),)), "branch_variables"),
    (dict(branch_variables=("ied_0", "iid_0")), "branch_variables"),
    (dict(state_blocks=property(lambda self: {"x": ("x_0", "v")})), "state_blocks['x']"),
    (dict(state_blocks=property(lambda self: {"x": ("x_0", "x_9")})), "state_blocks['x']"),
    (dict(state_variables=()), "state_variables"),
])
def test_a_user_dendritic_kind_with_inconsistent_rows_is_refused(attrs, field):
    with pytest.raises(npl.ValidationError) as e:
        npl.register_neuron_kind(_user_kind(**attrs), dendritic_step, lambda m, n, dt: np.zeros((1, 1)),
                                 coefficients=1)
    assert e.value.field == field


def test_a_user_kind_without_a_kernel_is_refused():
    with pytest.raises(npl.ValidationError) as e:
        npl.register_neuron_kind(_user_kind(), None, lambda m, n, dt: np.zeros((1, 1)), coefficients=1)
    assert e.value.field == "kernel"
