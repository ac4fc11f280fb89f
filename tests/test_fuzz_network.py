"""Fuzzing every public Network method with arguments of every kind: each call
works or raises ValidationError (``run`` also SimulationError), never another
exception, a crash or a hang. Two small networks are built once per test (their
kernels are cached), and each example makes a short sequence of calls on them."""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import neuroplastic as npl
from neuroplastic.plasticity.structural import PruneAndRegrow

NAMES = ["inp", "tv", "st", "exc", "p", "q", "da", "spikes_exc", "state_exc", "weights_p", "rate_exc",
         "v", "theta", "nope", "", "EXC"]

WEIRD_ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.uint64, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=9),
    elements=None)

ANY = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NAMES), st.text(max_size=4),
    st.integers(-3, 12), st.integers(-2 ** 70, 2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), st.floats(-1.0, 2.0), st.complex_numbers(max_magnitude=10),
    st.lists(st.integers(-3, 12), max_size=8), st.lists(st.floats(allow_nan=True), max_size=8),
    st.lists(st.text(max_size=2), max_size=3), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    WEIRD_ARRAYS,
)
NAME = st.one_of(st.sampled_from(NAMES), ANY)
# durations: any kind of value, but valid ones short (a valid 1e6 ms would just take long)
DURATION = st.one_of(st.floats(0.0, 3.0), st.integers(0, 3), st.floats(1e18, 1e308),
                     st.floats(allow_nan=True, allow_infinity=True).filter(lambda x: not 3.0 < x < 1e18),
                     st.none(), st.booleans(), st.text(max_size=3), WEIRD_ARRAYS)
COUNT = st.one_of(st.integers(-2, 3), st.integers(10 ** 12, 2 ** 70), st.floats(-1, 4), st.none(), st.text(max_size=2),
                  st.booleans(), WEIRD_ARRAYS)

CALLS = {
    "run": (DURATION,), "reset": (), "compact": (NAME,), "set_phase": (ANY,), "monitor": (NAME,),
    "monitors": (), "spikes": (NAME,), "state": (NAME, NAME), "weights": (NAME,), "set_weights": (NAME, ANY),
    "synapses": (NAME,), "synapse_ids": (NAME,), "rule_state": (NAME, ANY), "spike_counts": (NAME, ANY),
    "set_rates": (NAME, ANY), "add_neurons": (NAME, COUNT), "remove_neurons": (NAME, ANY),
    "lesion": (ANY, NAME, NAME), "alive": (NAME,), "size": (NAME,), "release": (NAME, ANY),
    "modulator": (NAME,), "neuron_rule_state": (NAME, ANY),
}


@st.composite
def calls(draw):
    method = draw(st.sampled_from(sorted(CALLS)))
    args = tuple(draw(s) for s in CALLS[method])
    if method == "lesion":   # population and projection are keywords, each possibly left out
        args = (args[0],) + tuple(a if draw(st.booleans()) else None for a in args[1:])
    return method, args


def fuzz_model(structural: bool):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 8, rate=30.0))
    m.add(npl.PoissonInput("tv", 4, rate=[5.0, 0.0], rate_interval=2.0))
    m.add(npl.SpikeTimes("st", 3, [0, 1, 2], [0.5, 1.0, 1e9]))
    m.add(npl.Population("exc", 6, npl.LIF(t_ref=2.0), rules=[npl.AdaptiveThreshold()]))
    rules = [npl.PairSTDP()] + ([PruneAndRegrow(threshold=20.0, period=1.0, w_init=30.0)] if structural else [])
    m.add(npl.Projection("p", "inp", "exc", npl.FixedProbability(0.5), weight=npl.Uniform(0.0, 60.0),
                         w_min=0.0, w_max=100.0, rules=rules))
    m.add(npl.Projection("q", "st", "exc", npl.AllToAll(), weight=40.0, delay=1.0))
    m.add(npl.Modulator("da", tau=50.0))
    m.add(npl.SpikeMonitor("exc"))
    m.add(npl.StateMonitor("exc", ("v", "theta"), interval=0.5))
    m.add(npl.WeightMonitor("p", synapses=[0, 1], interval=1.0))
    m.add(npl.RateMonitor("exc", bin=1.0))
    return m


NETS = {}
# the suite runs a fixed set of examples; NEUROPLASTIC_FUZZ=<n> explores n random ones
EXAMPLES = int(os.environ.get("NEUROPLASTIC_FUZZ", "120"))
DERANDOMIZE = "NEUROPLASTIC_FUZZ" not in os.environ


def network(structural: bool):
    if structural not in NETS:
        NETS[structural] = npl.Network(fuzz_model(structural), seed=5)
    return NETS[structural]


def call(net, method, args):
    allowed = (npl.ValidationError, npl.SimulationError) if method == "run" else (npl.ValidationError,)
    try:
        getattr(net, method)(*args)
    except allowed:
        pass


@pytest.mark.parametrize("structural", [False, True])
def test_every_method_works_or_raises_a_validation_error(structural):
    net = network(structural)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.lists(calls(), min_size=1, max_size=4))
    def check(sequence):
        if net.size("exc") > 60 or net.step > 2000:
            net.reset()
        for method, args in sequence:
            call(net, method, args)

    check()
    # the network is still consistent and runs
    n = net.size("exc")
    net.run(1.0)
    assert net.state("exc", "v").shape == (n,) and np.isfinite(net.weights("p")).all()
    assert net.monitor("weights_p")["w"].shape[1] == 2
