"""Fields are validated and normalised once, at construction: values that used to
pass and then fail inside Network() (or change on the config round trip) are
refused with ValidationError naming the field, or stored as plain floats."""
import decimal
import warnings

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError
from neuroplastic.config import config_from_dict, model_to_dict
from neuroplastic.model.topology import Lesion

ARRAY = np.array([1.0, 2.0])


@pytest.mark.parametrize("make, field", [
    (lambda: npl.PairSTDP(tau_plus=ARRAY), "tau_plus"),                 # rule parameters are scalars
    (lambda: npl.PairSTDP(a_plus="0.01"), "a_plus"),
    (lambda: npl.TsodyksMarkram(U=b"0.5"), "U"),
    (lambda: npl.SynapticScaling(beta=decimal.Decimal("1e-5")), "beta"),
    (lambda: npl.RateMonitor("a", bin=ARRAY), "bin"),
    (lambda: npl.StateMonitor("a", interval=[1.0]), "interval"),
    (lambda: npl.Model(max_rate=ARRAY), "max_rate"),
    (lambda: npl.Model(dt="0.1"), "dt"),
    (lambda: npl.Modulator("da", baseline=ARRAY), "baseline"),
    (lambda: npl.Modulator("da", tau=decimal.Decimal("200")), "tau"),
    (lambda: npl.Izhikevich(b=np.ones((2, 2))), "b"),
    (lambda: npl.Izhikevich(c=b"-65"), "c"),
    (lambda: npl.RateUnit(tau=[1.0, 2.0]), "tau"),
    (lambda: Lesion(time=ARRAY, fraction=0.5, population="a"), "time"),
    (lambda: npl.LIF(synapse=np.array(["current", "current"])), "synapse"),   # choices: no truth-value errors
    (lambda: npl.PairSTDP(weight_dependence=np.array(["additive"])), "weight_dependence"),
    (lambda: npl.Projection("p", "a", "b", npl.AllToAll(), receptor=np.array(["exc", "inh"])), "receptor"),
    (lambda: npl.Population("p", 2, npl.LIF(), initial={"v": "x"}), "initial.v"),
    (lambda: npl.LIF(tau_m="10"), "tau_m"),                             # text without a unit
    (lambda: npl.Population("p", 2**64, npl.LIF()), "n"),
    (lambda: npl.Uniform(0.0, "1 nS"), "high"),                          # distributions take plain numbers
])
def test_values_of_the_wrong_kind_are_refused_at_construction(make, field):
    with pytest.raises(ValidationError) as err:
        make()
    assert err.value.field == field


def test_numbers_are_stored_as_floats_and_arrays_as_float64():
    lif = npl.LIF(tau_m=np.float16(10.0), c_m=np.int64(250), v_thresh=[-50, -51, -52], i_bias=np.float32(1.5))
    assert type(lif.tau_m) is float and lif.tau_m == 10.0
    assert type(lif.c_m) is float and type(lif.i_bias) is float
    assert lif.v_thresh.dtype == np.float64 and lif.v_thresh.tolist() == [-50.0, -51.0, -52.0]
    rule = npl.PairSTDP(a_plus=np.float16(0.5), tau_plus=np.array(20))
    assert type(rule.a_plus) is float and type(rule.tau_plus) is float and rule.tau_plus == 20.0
    assert type(npl.Model(dt=np.float32(0.5)).dt) is float


def test_float16_values_do_not_overflow_in_the_kernel_parameters():
    # t_ref / dt in float16: 60000 / 0.1 overflows to inf (a RuntimeWarning, and
    # neurons refractory forever); stored as a float it is 600000 steps
    m = npl.Model(dt=0.1)
    m.add(npl.Population("a", 3, npl.LIF(t_ref=np.float16(60000.0), v_thresh=1e6)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = npl.Network(m)
    assert type(m.populations["a"].model.t_ref) is float
    assert net.state("a", "v").shape == (3,)


def test_integers_beyond_2_53_are_stored_as_the_float_a_config_round_trip_keeps():
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("s", 1, [0], [1.0]))
    m.add(npl.Projection("p", "s", "s", npl.OneToOne(), weight=0.0, w_max=2**53 + 1,
                         rules=[npl.PairSTDP(w_max=2**60 + 1)]))
    proj = m.projections["p"]
    assert type(proj.w_max) is float and type(proj.rules[0].w_max) is float
    back = config_from_dict(model_to_dict(m, duration=1.0)).model.projections["p"]
    assert back.w_max == proj.w_max and back.rules[0].w_max == proj.rules[0].w_max


def test_a_quantity_string_is_written_to_the_config_as_a_plain_number():
    m = npl.Model(dt=0.1)
    m.add(npl.Population("a", 2, npl.LIF(tau_m="10 ms")))
    d = model_to_dict(m, duration=1.0)
    assert d["populations"][0]["params"]["tau_m"] == 10.0
    assert config_from_dict(d).model.populations["a"].model.tau_m == 10.0


def test_references_accept_parts_and_names_only():
    pop = npl.Population("a", 2, npl.LIF())
    assert npl.SpikeMonitor(pop).population == "a"
    assert npl.Projection("p", pop, "a", npl.OneToOne()).pre == "a"
    with pytest.raises(ValidationError, match="population"):
        npl.SpikeMonitor(np.array(["a"]))


def test_model_tables_are_checked_like_add():
    pop = npl.Population("a", 2, npl.LIF())
    assert npl.Model(populations={"a": pop}).populations == {"a": pop}
    with pytest.raises(ValidationError, match="populations"):
        npl.Model(populations=[pop])
    with pytest.raises(ValidationError, match="takes a Population"):
        npl.Model(populations={"a": 5})


def test_messages_survive_values_that_cannot_be_printed_in_full():
    with pytest.raises(ValidationError, match="cannot be printed"):
        npl.LIF(tau_m={"": 10**5000})                 # repr of such an int raises ValueError
    with pytest.raises(ValidationError, match=r"got '\[0, 1, .*\.\.\.$"):
        npl.PairSTDP(tau_plus=str(list(range(100))))  # long values are cut
