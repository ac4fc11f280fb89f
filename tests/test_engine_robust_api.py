"""Every public Network method works or raises a ValidationError naming the
method, the argument and what is allowed (no bare KeyError, IndexError,
TypeError), and a refused call changes nothing."""
import numpy as np
import pytest

import neuroplastic as npl

DT = 0.1


def api_model():
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", 8, rate=20.0))
    m.add(npl.PoissonInput("tv", 4, rate=[5.0, 10.0], rate_interval=50.0))
    m.add(npl.Population("exc", 6, npl.LIF(), rules=[npl.AdaptiveThreshold()]))
    m.add(npl.Projection("p", "inp", "exc", npl.FixedProbability(0.5), weight=50.0, w_min=0.0, w_max=100.0,
                         rules=[npl.PairSTDP()]))
    m.add(npl.Modulator("da", tau=100.0))
    m.add(npl.SpikeMonitor("exc"))
    m.add(npl.StateMonitor("exc", ("v",), interval=1.0))
    return m


@pytest.fixture(scope="module")
def net():
    return npl.Network(api_model(), seed=3).run(5.0)


BAD = [
    ("monitor", ("nope",), "monitor"), ("monitor", (None,), "monitor"), ("monitor", ([1],), "monitor"),
    ("spikes", ("inp",), "population"), ("spikes", ("nope",), "population"), ("spikes", (3,), "population"),
    ("state", ("nope", "v"), "population"), ("state", ("exc", "nope"), "variable"),
    ("state", ("inp", "v"), "population"), ("state", ("exc", None), "variable"),
    ("weights", ("nope",), "projection"), ("synapses", (None,), "projection"),
    ("synapse_ids", (["p"],), "projection"), ("compact", ("nope",), "projection"),
    ("set_weights", ("nope", 1.0), "projection"), ("set_weights", ("p", [1.0, 2.0, 3.0]), "values"),
    ("set_weights", ("p", "1.0"), "values"), ("set_weights", ("p", np.nan), "values"),
    ("set_weights", ("p", None), "values"), ("set_weights", ("p", np.ones((2, 2))), "values"),
    ("set_weights", ("p", 1 + 2j), "values"), ("set_weights", ("p", [np.inf]), "values"),
    ("rule_state", ("p", 1), "rule"), ("rule_state", ("p", -1), "rule"), ("rule_state", ("p", 0.0), "rule"),
    ("rule_state", ("p", "0"), "rule"), ("rule_state", ("nope", 0), "projection"),
    ("neuron_rule_state", ("exc", 5), "rule"), ("neuron_rule_state", ("inp", 0), "rule"),
    ("neuron_rule_state", ("nope", 0), "population"), ("neuron_rule_state", ("exc", True), "rule"),
    ("spike_counts", ("nope",), "population"), ("spike_counts", ("exc", "yes"), "clear"),
    ("set_rates", ("exc", 1.0), "population"), ("set_rates", ("tv", 1.0), "population"),
    ("set_rates", ("inp", -1.0), "rates"), ("set_rates", ("inp", [1.0, 2.0]), "rates"),
    ("set_rates", ("inp", "fast"), "rates"), ("set_rates", ("inp", np.nan), "rates"),
    ("set_rates", ("inp", None), "rates"), ("set_rates", ("inp", np.ones((8, 1))), "rates"),
    ("set_rates", ("nope", 1.0), "population"),
    ("add_neurons", ("exc", 0), "n"), ("add_neurons", ("exc", 1.5), "n"), ("add_neurons", ("exc", "2"), "n"),
    ("add_neurons", ("inp", 2), "population"), ("add_neurons", ("nope", 2), "population"),
    ("add_neurons", (None, 2), "population"),
    ("remove_neurons", ("exc", [0.7]), "indices"), ("remove_neurons", ("exc", [6]), "indices"),
    ("remove_neurons", ("exc", [-1]), "indices"), ("remove_neurons", ("exc", np.ones(6, bool)), "indices"),
    ("remove_neurons", ("exc", ["0"]), "indices"), ("remove_neurons", ("inp", [0]), "population"),
    ("remove_neurons", ("exc", None), "indices"),
    ("lesion", (0.0,), "fraction"), ("lesion", (1.5,), "fraction"), ("lesion", (np.nan,), "fraction"),
    ("lesion", ("half",), "fraction"), ("lesion", (0.5,), "population/projection"),
    ("lesion", (0.5, "exc", "p"), "population/projection"), ("lesion", (0.5, "nope"), "population"),
    ("lesion", (0.5, None, "nope"), "projection"), ("lesion", (0.5, "inp"), "population"),
    ("alive", ("nope",), "population"), ("size", (7,), "population"),
    ("release", ("nope", 1.0), "modulator"), ("release", ("da", "x"), "amount"),
    ("release", ("da", np.array([1.0, 2.0])), "amount"), ("release", ("da", np.nan), "amount"),
    ("release", ("da", None), "amount"), ("release", ("da", True), "amount"),
    ("modulator", ("nope",), "modulator"), ("modulator", (None,), "modulator"),
    ("set_phase", (3,), "phase"),
]


@pytest.mark.parametrize("method, args, field", BAD, ids=[f"{m}{a!r}"[:60] for m, a, _ in BAD])
def test_bad_arguments_raise_a_validation_error_naming_method_and_field(net, method, args, field):
    before = (net.step, net.weights("p").copy(), net.size("exc"), net.modulator("da"),
              net.alive("exc").copy(), net.spike_counts("exc"))
    with pytest.raises(npl.ValidationError) as e:
        getattr(net, method)(*args)
    assert e.value.owner == f"Network.{method}" and e.value.field == field
    after = (net.step, net.weights("p"), net.size("exc"), net.modulator("da"), net.alive("exc"),
             net.spike_counts("exc"))
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)


def test_validation_errors_are_value_errors(net):
    with pytest.raises(ValueError, match=r"Network.monitor: monitor must name a monitor of the network "
                                         r"\('spikes_exc', 'state_exc'\)"):
        net.monitor("spikes_inp")


def test_good_calls_still_work():
    net = npl.Network(api_model(), seed=3).run(5.0)
    n_syn = len(net.weights("p"))
    net.set_weights("p", np.full(n_syn, 250.0))              # clipped to w_max
    assert np.all(net.weights("p") == 100.0)
    net.set_weights("p", np.int64(7))
    assert np.all(net.weights("p") == 7.0)
    assert net.rule_state("p", np.int64(0)) is net.rule_state("p")
    net.set_rates("inp", np.arange(8))                     # integers are rates too
    net.release("da", np.float32(0.5))
    assert net.modulator("da") == 0.5
    assert net.spike_counts("exc", clear=np.bool_(True)).shape == (6,)
    assert net.state("exc", "v").shape == (6,)
    net.compact("p").compact()


def test_remove_neurons_takes_integer_indices_once_each():
    """remove_neurons('exc', [0.7]) removed neuron 0 (the float was truncated)."""
    net = npl.Network(api_model(), seed=3)
    assert net.remove_neurons("exc", []).tolist() == []
    assert net.remove_neurons("exc", np.array([3, 1, 3], np.uint8)).tolist() == [1, 3]   # repeats once, sorted
    assert net.remove_neurons("exc", [1, 2]).tolist() == [2]                          # removed ones skipped
    assert net.alive("exc").tolist() == [True, False, False, False, True, True]
