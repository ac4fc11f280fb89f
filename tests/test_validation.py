"""Bad descriptions stop before running, with the owner, field, value and what is allowed."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError


@pytest.mark.parametrize("make, field, fragment", [
    (lambda: npl.PairSTDP(tau_plus=-5), "tau_plus", "must be > 0 ms, got -5"),
    (lambda: npl.PairSTDP(pairing="closest"), "pairing", "'all-to-all', 'nearest'"),
    (lambda: npl.LIF(tau_m=0), "tau_m", "> 0 ms"),
    (lambda: npl.LIF(synapse="chemical"), "synapse", "'current', 'conductance'"),
    (lambda: npl.LIF(t_ref=float("nan")), "t_ref", "finite"),
    (lambda: npl.Population("p", 0, npl.LIF()), "n", ">= 1"),
    (lambda: npl.Population("p", 3, npl.LIF(v_rest=[1.0, 2.0])), "v_rest", "one value per neuron (3)"),
    (lambda: npl.Population("bad name", 3, npl.LIF()), "name", "letters, digits"),
    (lambda: npl.PoissonInput("x", 5, rate=-1), "rate", ">= 0 Hz"),
    (lambda: npl.FixedProbability(1.5), "p", "<= 1"),
    (lambda: npl.Projection("p", "a", "b", npl.AllToAll(), receptor="gaba"), "receptor", "'exc', 'inh'"),
    (lambda: npl.Projection("p", "a", "b", npl.AllToAll(), delay=-1.0), "delay", ">= 0 ms"),
    (lambda: npl.Projection("p", "a", "b", npl.AllToAll(), rules=["stdp"]), "rules[0]", "Rule instance"),
    (lambda: npl.TsodyksMarkram(U=0.0), "U", "> 0"),
    (lambda: npl.Model(dt=-0.1), "dt", ">= 0.0001 ms"),
    (lambda: npl.TripletSTDP.preset("cortex"), "name", "visual-all-to-all"),
    (lambda: npl.Uniform(1.0, 0.0), "high", ">= 1"),
])
def test_invalid_parameters_are_named(make, field, fragment):
    with pytest.raises(ValidationError) as err:
        make()
    assert err.value.field == field
    assert fragment in str(err.value)


def test_message_format_names_owner_field_value():
    with pytest.raises(ValidationError, match=r"^PairSTDP: tau_plus must be > 0 ms, got -5$"):
        npl.PairSTDP(tau_plus=-5)


def test_cross_references_are_checked_before_building():
    m = npl.Model()
    m.add(npl.Population("a", 3, npl.LIF()))
    m.add(npl.Projection("p", "a", "ghost", npl.AllToAll()))
    with pytest.raises(ValidationError, match="post must name a population or input .*'a'"):
        npl.Network(m)
    m2 = npl.Model()
    m2.add(npl.Population("a", 3, npl.LIF()))
    m2.add(npl.StateMonitor("a", ("w",)))
    with pytest.raises(ValidationError, match="variables"):
        npl.Network(m2)
    m3 = npl.Model()
    m3.add(npl.Population("a", 3, npl.LIF())); m3.add(npl.Population("b", 4, npl.LIF()))
    m3.add(npl.Projection("p", "a", "b", npl.OneToOne()))
    with pytest.raises(ValidationError, match="equal sizes"):
        npl.Network(m3)


def test_duplicate_names_and_bad_run_arguments():
    m = npl.Model()
    m.add(npl.Population("a", 3, npl.LIF()))
    with pytest.raises(ValidationError, match="unique"):
        m.add(npl.PoissonInput("a", 3))
    net = npl.Network(m)
    for bad in (-1.0, math.inf, math.nan):
        with pytest.raises(ValidationError, match="duration"):
            net.run(bad)
    with pytest.raises(ValidationError, match="seed"):
        npl.Network(m, seed=-3)


def test_per_neuron_parameter_arrays_are_used():
    m = npl.Model(dt=0.1)
    bias = np.array([0.0, 100.0, 200.0])
    m.add(npl.Population("a", 3, npl.LIF(v_thresh=1e6, i_bias=bias)))
    net = npl.Network(m).run(500.0)
    v = net.state("a", "v")
    np.testing.assert_allclose(v, -70.0 + (20.0 / 250.0) * bias * (1 - np.exp(-500.0 / 20.0)), atol=1e-9)


def test_inputs_that_fuzzing_found_are_rejected_before_running():
    """Values the model once accepted and the engine then crashed on (found by config fuzzing)."""
    with pytest.raises(ValidationError, match="dt"):
        npl.Model(dt=1e-300)
    with pytest.raises(ValidationError, match="p must be 0 or >= 1e-12"):
        npl.FixedProbability(1e-300)
    with pytest.raises(ValidationError, match="interval"):
        npl.StateMonitor("a", ("v",), interval=1e18)
    m = npl.Model()
    m.add(npl.Population("a", 5, npl.LIF()))
    m.add(npl.Projection("p", "a", "a", npl.AllToAll(), weight=[1.0, 2.0]))
    with pytest.raises(ValidationError, match=r"weight .*one value per synapse \(20\)"):
        npl.Network(m)
    m2 = npl.Model()
    m2.add(npl.Population("a", 5, npl.LIF()))
    m2.add(npl.Projection("p", "a", "a", npl.FixedInDegree(5)))
    with pytest.raises(ValidationError, match="self-connections excluded"):
        npl.Network(m2)
    proj = npl.Projection("q", "a", "a", npl.AllToAll(), w_max=2 ** 70)
    assert isinstance(proj.w_max, float)


def test_uniform_edge_cases_sample_or_are_rejected():
    rng = np.random.default_rng(0)
    assert np.all(npl.Uniform(0.0, -0.0).sample(rng, 3) == 0.0)
    with pytest.raises(ValidationError, match="must be finite"):
        npl.Uniform(-1e308, 1e308)
