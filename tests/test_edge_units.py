"""Quantities with units at the edge: strings ("10 ms") and pint Quantities are
converted to ms, mV, nS, pF, pA, Hz once; plain numbers keep their documented
units; a wrong dimension is a ValidationError naming field and units."""
import textwrap

import numpy as np
import pint
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError
from neuroplastic.config import config_from_dict, load_config, model_to_dict

OTHER_UNITS = pint.UnitRegistry()   # a user's own registry


@pytest.mark.parametrize("make, field, expected", [
    (lambda: npl.LIF(tau_m="0.02 s"), "tau_m", 20.0),
    (lambda: npl.LIF(tau_m="20 ms"), "tau_m", 20.0),
    (lambda: npl.LIF(c_m="0.2 nF"), "c_m", 200.0),
    (lambda: npl.LIF(i_bias="0.1 nA"), "i_bias", 100.0),
    (lambda: npl.LIF(v_thresh="-0.05 V"), "v_thresh", -50.0),
    (lambda: npl.AdEx(g_l="0.03 uS"), "g_l", 30.0),
    (lambda: npl.PoissonInput("x", 2, rate="1.5 kHz"), "rate", 1500.0),
    (lambda: npl.PoissonInput("x", 2, rate="15 1/s"), "rate", 15.0),
    (lambda: npl.PairSTDP(tau_plus="0.02 s"), "tau_plus", 20.0),
    (lambda: npl.FixedProbability(p="5 %"), "p", 0.05),
    (lambda: npl.Model(dt="100 us"), "dt", 0.1),
    (lambda: npl.Model(max_rate="1 kHz"), "max_rate", 1000.0),
    (lambda: npl.RateMonitor("a", bin="5 ms"), "bin", 5.0),
    (lambda: npl.LIF(tau_m=OTHER_UNITS.Quantity(0.01, "s")), "tau_m", 10.0),
    (lambda: npl.Modulator("da", tau=OTHER_UNITS.Quantity(200, "ms")), "tau", 200.0),
])
def test_quantities_are_converted_to_the_internal_units(make, field, expected):
    value = getattr(make(), field)
    assert type(value) is float and value == pytest.approx(expected, rel=1e-15)


def test_array_quantities_and_lists_of_quantities_give_float64_arrays():
    lif = npl.LIF(tau_m=OTHER_UNITS.Quantity(np.array([0.01, 0.02]), "s"), v_thresh=["-50 mV", -51.0])
    np.testing.assert_array_equal(lif.tau_m, [10.0, 20.0])
    np.testing.assert_array_equal(lif.v_thresh, [-50.0, -51.0])
    times = npl.SpikeTimes("s", 1, [0, 0], OTHER_UNITS.Quantity([1.0, 2.5], "s")).times
    np.testing.assert_array_equal(times, [1000.0, 2500.0])


@pytest.mark.parametrize("make, field, fragment", [
    (lambda: npl.LIF(tau_m="10 mV"), "tau_m", r"must be in ms \(\[time\]\), not in mV"),
    (lambda: npl.LIF(c_m="1 nS"), "c_m", "must be in pF .*not in nS"),
    (lambda: npl.PoissonInput("x", 2, rate="15 ms"), "rate", "must be in Hz .*not in ms"),
    (lambda: npl.PairSTDP(a_plus="0.01 nS"), "a_plus", "plain number .*not in nS"),
    (lambda: npl.LIF(tau_m=OTHER_UNITS.Quantity(3, "mV")), "tau_m", "not in mV"),
    (lambda: npl.LIF(tau_m="10 blorps"), "tau_m", "unit pint knows"),
    (lambda: npl.LIF(tau_m="9**9**9 ms"), "tau_m", "at most one power"),
    (lambda: npl.Population("p", 2, npl.LIF(), initial={"v": "-65 mV"}), "initial.v", "plain number"),
])
def test_a_quantity_of_the_wrong_dimension_names_field_and_units(make, field, fragment):
    with pytest.raises(ValidationError, match=fragment) as err:
        make()
    assert err.value.field == field


def _onto(synapse, weight, **kw):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("x", 2))
    m.add(npl.Population("a", 2, npl.LIF(synapse=synapse)))
    m.add(npl.Projection("p", "x", "a", npl.AllToAll(), weight=weight, **kw))
    return m


def test_weight_quantities_take_the_unit_of_the_postsynaptic_channel():
    m = _onto("conductance", "0.5 nS", w_max="1 nS")
    proj = m.validate().projections["p"]
    assert (proj.weight, proj.w_max, proj.weight_unit) == (0.5, 1.0, "nS")
    assert _onto("current", "0.2 nA").validate().projections["p"].weight == pytest.approx(200.0)
    with pytest.raises(ValidationError, match="weights onto 'a' are in pA"):
        _onto("current", "0.5 nS").validate()
    with pytest.raises(ValidationError, match="one kind"):
        _onto("current", "1 pA", w_max="1 nS")
    with pytest.raises(ValidationError, match="current .*conductance"):
        _onto("current", "1 ms")


def test_toml_strings_with_units_load_and_the_written_config_is_plain_numbers(tmp_path):
    path = tmp_path / "units.toml"
    path.write_text(textwrap.dedent("""
        [simulation]
        duration = "0.05 s"
        dt = "100 us"
        [[inputs]]
        kind = "PoissonInput"
        name = "x"
        n = 3
        rate = ["10 Hz", 20, "0.03 kHz"]
        [[populations]]
        name = "a"
        n = 2
        model = "LIF"
        params = { tau_m = "10 ms", synapse = "conductance", c_m = "0.2 nF" }
        [[projections]]
        name = "p"
        pre = "x"
        post = "a"
        connectivity = { kind = "AllToAll" }
        weight = "0.5 nS"
        delay = "1 ms"
        rules = [{ rule = "PairSTDP", tau_plus = "0.02 s" }]
        [[monitors]]
        kind = "StateMonitor"
        population = "a"
        interval = "1 ms"
    """))
    cfg = load_config(path)
    assert cfg.duration == 50.0 and cfg.model.dt == 0.1
    d = model_to_dict(cfg.model, duration=cfg.duration)
    assert d["populations"][0]["params"]["tau_m"] == 10.0 and d["populations"][0]["params"]["c_m"] == 200.0
    assert d["inputs"][0]["rate"] == [10.0, 20.0, 30.0]
    assert d["projections"][0]["weight"] == 0.5 and d["projections"][0]["rules"][0]["tau_plus"] == 20.0
    assert model_to_dict(config_from_dict(d).model, duration=cfg.duration) == d


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d["populations"][0]["params"].update(tau_m="10 mV"), "populations[0].params.tau_m"),
    (lambda d: d["simulation"].update(duration="10 mV"), "simulation.duration"),
    (lambda d: d["populations"][0]["params"].update(tau_m=["10 ms", "x"]), "populations[0].params.tau_m[1]"),
])
def test_toml_quantities_of_the_wrong_dimension_name_the_config_path(mutate, field):
    d = {"simulation": {"duration": 10.0},
         "populations": [{"name": "a", "n": 2, "model": "LIF", "params": {}}]}
    mutate(d)
    with pytest.raises(ValidationError) as err:
        config_from_dict(d)
    assert err.value.field == field
