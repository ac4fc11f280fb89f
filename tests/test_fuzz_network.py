"""Fuzzing every public Network method with arguments of every kind: each call
works or raises ValidationError (``run`` also SimulationError), never another
exception, a crash or a hang. Two small networks are built once per test (their
kernels are cached); each example makes a short sequence of calls on one of
them. Arguments are drawn from the network's own names and sizes most of the
time (valid, or one step off: a wrong length, NaN, a float index), and from
anything at all (None, strings, huge integers, arrays of any dtype) otherwise."""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import neuroplastic as npl
from neuroplastic.plasticity.structural import PruneAndRegrow

WEIRD_ARRAYS = hnp.arrays(
    dtype=st.sampled_from([np.float64, np.float32, np.int64, np.int8, np.uint64, np.bool_, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=9),
    elements=None)
ANY = st.one_of(
    st.none(), st.booleans(), st.text(max_size=4), st.integers(-3, 12), st.integers(-2 ** 70, 2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), st.complex_numbers(max_magnitude=10),
    st.lists(st.integers(-3, 12), max_size=8), st.lists(st.floats(allow_nan=True), max_size=8),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2), WEIRD_ARRAYS,
)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
NAMES = {"population": ["exc", "inp", "tv", "st"], "projection": ["p", "q"], "modulator": ["da"],
         "monitor": ["spikes_exc", "state_exc", "weights_p", "rate_exc"], "variable": ["v", "ie", "ii", "theta"]}
# durations: valid ones short (a valid 1e6 ms would only take long), and anything else
DURATION = st.one_of(st.floats(0.0, 3.0), st.integers(0, 3), st.floats(1e18, 1e308), ANY.filter(
    lambda x: not (isinstance(x, (int, float)) and not isinstance(x, bool) and 3.0 < x < 1e18)))


def pick(data, *weighted):
    """Draw from one of the strategies, chosen with the given weights (pairs
    ``(weight, strategy)``; hypothesis' one_of would flatten the nested ANY
    into a dozen branches and rarely pick a valid value)."""
    k = data.draw(st.integers(0, sum(w for w, _ in weighted) - 1))
    for w, strategy in weighted:
        if k < w:
            return data.draw(strategy)
        k -= w


def name(data, kind, prefer=None):
    """Mostly a name of ``kind`` (``prefer``: the ones the method takes)."""
    return pick(data, (6, st.sampled_from(prefer or NAMES[kind])), (1, st.sampled_from(sum(NAMES.values(), []))),
                (1, ANY))


SIZES = {"p": lambda net: len(net.weights("p")), "q": lambda net: len(net.weights("q")),
         "exc": lambda net: net.size("exc"), "inp": lambda net: 8}


class Sized:
    """An argument whose length is only known at call time (the network grows
    and shrinks; what hypothesis draws must not depend on it): ``pool``
    repeated to the size of ``of`` plus ``delta``, or, for indices, ``pool``
    modulo that size."""

    def __init__(self, of, pool, delta=0, modulo=False, array=False):
        self.of, self.pool, self.delta, self.modulo, self.array = of, pool, delta, modulo, array

    def resolve(self, net):
        n = max(0, SIZES[self.of](net) + self.delta)
        out = (np.asarray(self.pool, np.int64) % n if n else np.zeros(0, np.int64)) if self.modulo \
            else np.resize(np.asarray(self.pool), n)
        return out if self.array else out.tolist()


def values(data, of):
    """One value, one per item of ``of`` (maybe NaN/inf), one too many or few, or anything."""
    delta, array = data.draw(st.sampled_from([0, 0, 0, -1, 1])), data.draw(st.booleans())
    return pick(data, (3, st.lists(st.floats(0.0, 200.0), min_size=1, max_size=6).map(
                    lambda pool: Sized(of, pool, delta, array=array))),
                (2, st.floats(0.0, 200.0)),
                (1, st.lists(FLOATS, min_size=1, max_size=6).map(lambda pool: Sized(of, pool, delta, array=True))),
                (1, ANY))


def indices(data, of):
    return pick(data, (4, st.lists(st.integers(0, 10 ** 6), max_size=4).map(lambda raw: Sized(of, raw, modulo=True))),
                (1, st.lists(st.integers(-2, 12), max_size=4)), (1, st.lists(st.floats(0, 8), max_size=3)),
                (1, hnp.arrays(np.int64, st.integers(0, 4), elements=st.integers(-1, 8))), (1, ANY))


def arguments(data, method):
    pop, proj = name(data, "population"), name(data, "projection")
    neurons, poisson = name(data, "population", ["exc"]), name(data, "population", ["inp"])
    synapses_of = data.draw(st.sampled_from(["p", "q"]))
    count = lambda: pick(data, (4, st.integers(1, 3)), (1, st.integers(-1, 0)),  # noqa: E731
                         (1, st.integers(10 ** 12, 2 ** 70)), (1, st.floats(-1, 4)), (1, ANY))
    rule = lambda: pick(data, (4, st.integers(0, 1)), (1, st.integers(-1, 2)), (1, ANY))  # noqa: E731
    number = lambda low, high: pick(data, (4, st.floats(low, high)), (1, ANY))  # noqa: E731
    table = {
        "run": lambda: (pick(data, (4, st.floats(0.0, 3.0)), (1, st.floats(1e18, 1e308)), (1, DURATION)),),
        "reset": tuple, "monitors": tuple,
        "compact": lambda: (pick(data, (1, st.none()), (3, st.just(proj))),),
        "set_phase": lambda: (pick(data, (3, st.text(max_size=5)), (1, ANY)),),
        "monitor": lambda: (name(data, "monitor"),), "spikes": lambda: (neurons,),
        "state": lambda: (neurons, name(data, "variable")), "weights": lambda: (proj,),
        "synapses": lambda: (proj,), "synapse_ids": lambda: (proj,), "synapse_slots": lambda: (proj,),
        "branches": lambda: (proj,),
        "set_weights": lambda: (proj, values(data, synapses_of)), "rule_state": lambda: (proj, rule()),
        "neuron_rule_state": lambda: (neurons, rule()),
        "spike_counts": lambda: (pop, pick(data, (3, st.booleans()), (1, ANY))), "spike_totals": lambda: (pop,),
        "set_rates": lambda: (poisson, values(data, "inp")), "add_neurons": lambda: (neurons, count()),
        "remove_neurons": lambda: (neurons, indices(data, "exc")), "alive": lambda: (pop,), "size": lambda: (pop,),
        "lesion": lambda: (number(0.0, 1.0), *(x if data.draw(st.booleans()) else None for x in (neurons, proj))),
        "release": lambda: (name(data, "modulator"), number(-2.0, 2.0)),
        "modulator": lambda: (name(data, "modulator"),),
        "add_spikes": lambda: (name(data, "population", ["st"]),
                               pick(data, (4, st.lists(st.integers(0, 2), max_size=4)), (1, ANY)),
                               pick(data, (4, st.lists(st.floats(0.0, 400.0), max_size=4)), (1, ANY))),
    }
    return table[method]()


METHODS = ["run", "reset", "compact", "set_phase", "monitor", "monitors", "spikes", "state", "weights",
           "set_weights", "synapses", "synapse_ids", "rule_state", "spike_counts", "set_rates", "add_neurons",
           "synapse_slots", "remove_neurons", "lesion", "alive", "size", "release", "modulator", "neuron_rule_state",
           "spike_totals", "branches", "add_spikes"]


def test_every_public_method_is_fuzzed():
    public = {k for k in dir(npl.Network) if not k.startswith("_") and callable(getattr(npl.Network, k))}
    assert public - {"save", "load", "store", "restore"} == set(METHODS)


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
# the suite runs a fixed set of examples per method; NEUROPLASTIC_FUZZ=<n> explores n random ones
EXAMPLES = int(os.environ.get("NEUROPLASTIC_FUZZ", "15"))
DERANDOMIZE = "NEUROPLASTIC_FUZZ" not in os.environ


def network(structural: bool):
    if structural not in NETS:
        NETS[structural] = npl.Network(fuzz_model(structural), seed=5)
    return NETS[structural]


def call(net, method, args):
    """The call; True if it worked. Any exception but the allowed ones fails the test."""
    allowed = (npl.ValidationError, npl.SimulationError) if method == "run" else (npl.ValidationError,)
    args = tuple(a.resolve(net) if isinstance(a, Sized) else a for a in args)
    try:
        getattr(net, method)(*args)
    except allowed:
        return False
    return True


@pytest.mark.parametrize("method", METHODS)
def test_every_method_works_or_raises_a_validation_error(method):
    """Each example calls ``method`` and then up to three random methods, on
    one of the two networks (alternating by method)."""
    net = network(METHODS.index(method) % 2 == 1)
    worked = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=DERANDOMIZE,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.data())
    def check(data):
        if net.size("exc") > 60 or net.step > 2000:
            net.reset()
        worked.append(call(net, method, arguments(data, method)))
        for _ in range(data.draw(st.integers(0, 3))):
            other = data.draw(st.sampled_from(METHODS))
            call(net, other, arguments(data, other))

    check()
    assert any(worked)         # valid calls were made too, not only refused ones
    n = net.size("exc")        # the network is still consistent and runs
    net.run(1.0)
    assert net.state("exc", "v").shape == (n,) and np.isfinite(net.weights("p")).all()
    assert net.monitor("weights_p")["w"].shape[1] == 2
