"""Bounds the engine enforces: run durations, seeds, headroom, memory (refused
with a ValidationError before allocating), the runaway check of refractory
populations, and memory that must not grow with structural rules."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine import arguments, memory, runaway
from neuroplastic.engine.limits import STEP_LIMIT
from neuroplastic.model.topology import Neurogenesis
from neuroplastic.plasticity.structural import PruneAndRegrow

DT = 0.1


def small_model(n=10):
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", n, rate=10.0))
    m.add(npl.Population("exc", n, npl.LIF()))
    m.add(npl.Projection("p", "inp", "exc", npl.FixedProbability(0.5), weight=1.0))
    m.add(npl.SpikeMonitor("exc"))
    return m


@pytest.fixture(scope="module")
def net():
    return npl.Network(small_model(), seed=2)


# -- durations -----------------------------------------------------------------

@pytest.mark.parametrize("duration", [1e300, float(STEP_LIMIT) * DT, np.inf, np.nan, -1.0, "100", None, True, [1.0]])
def test_run_refuses_durations_it_cannot_count_or_finish(net, duration):
    """run(1e300) ran forever (the step counter overflowed); run('100') raised a TypeError."""
    step = net.step
    with pytest.raises(npl.ValidationError, match="Network.run: duration") as e:
        net.run(duration)
    assert net.step == step
    if duration == 1e300:
        assert "2^62" in str(e.value)


def test_run_accepts_durations_up_to_the_step_limit(net):
    steps = arguments.duration((STEP_LIMIT - 1 - net.step) * DT * (1 - 1e-15), net.step, DT)
    assert steps < STEP_LIMIT - net.step
    assert arguments.duration(np.float32(2.5), 0, DT) == 25


# -- seeds and headroom -----------------------------------------------------------

@pytest.mark.parametrize("seed", [True, -1, 2 ** 63, 1.0, "1", None, np.float64(3)])
def test_seeds_a_config_cannot_store_are_refused(seed):
    with pytest.raises(npl.ValidationError, match="Network: seed"):
        npl.Network(small_model(), seed=seed)


def test_largest_seed_builds_and_reproduces():
    a = npl.Network(small_model(), seed=2 ** 63 - 1).run(20.0)
    b = npl.Network(small_model(), seed=np.uint64(2 ** 63 - 1)).run(20.0)
    np.testing.assert_array_equal(a.spikes("exc")[1], b.spikes("exc")[1])


@pytest.mark.parametrize("headroom", [-1.0, np.nan, np.inf, "0.25", None, 1e9])
def test_bad_headroom_is_refused(headroom):
    with pytest.raises(npl.ValidationError, match="Network: headroom"):
        npl.Network(small_model(), headroom=headroom)


def test_model_must_be_a_model():
    with pytest.raises(npl.ValidationError, match="Network: model"):
        npl.Network({"populations": []})


# -- memory ----------------------------------------------------------------------

@pytest.fixture
def one_gb(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10 ** 9)


def test_all_to_all_that_cannot_fit_is_refused_before_allocating(one_gb):
    m = npl.Model(dt=DT)
    m.add(npl.Population("a", 40000, npl.LIF()))
    m.add(npl.Projection("aa", "a", "a", npl.AllToAll(), weight=0.1))
    with pytest.raises(npl.ValidationError, match=r"about 1.6e\+09 synapses") as e:
        npl.Network(m)
    assert "GB of memory, 1 GB available" in str(e.value)


@pytest.mark.skipif(memory.available_bytes() is None, reason="no figure for the available memory here")
def test_sizes_beyond_any_machine_are_refused_with_the_real_memory():
    m = npl.Model(dt=DT)
    m.add(npl.Population("a", 10 ** 9, npl.LIF()))
    m.add(npl.PoissonInput("b", 10 ** 12, rate=1.0))
    with pytest.raises(npl.ValidationError, match="available"):
        npl.Network(m)


def test_scheduled_and_python_neurogenesis_are_bounded(one_gb):
    m = small_model()
    m.add(Neurogenesis(10.0, "exc", 10 ** 8))
    with pytest.raises(npl.ValidationError, match="after scheduled neurogenesis"):
        npl.Network(m)
    net = npl.Network(small_model())
    with pytest.raises(npl.ValidationError, match="Network.add_neurons: n"):
        net.add_neurons("exc", 10 ** 8)
    assert net.size("exc") == 10 and net.weights("p").shape == net.synapses("p")[0].shape


def test_a_run_whose_recordings_cannot_fit_is_refused(one_gb):
    m = small_model(200)
    m.add(npl.StateMonitor("exc", ("v", "ie"), interval=DT))
    net = npl.Network(m)
    with pytest.raises(npl.ValidationError, match="recordings"):
        net.run(1e7)   # 10^8 samples x 400 values
    assert net.step == 0
    net.run(1.0)
    assert net.monitor("state_exc")["v"].shape == (10, 200)


def test_huge_delays_are_refused_not_allocated(one_gb):
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", 1, rate=1.0))
    m.add(npl.Population("exc", 2000, npl.LIF()))
    m.add(npl.Projection("slow", "inp", "exc", npl.Pairs([0], [0]), weight=1.0, delay=1e5))   # 10^6 steps x 2000
    with pytest.raises(npl.ValidationError, match="delay buffer"):
        npl.Network(m)


def test_the_estimate_follows_the_array_layout():
    """The estimate (per neuron, per synapse slot, rule state, reset copy)
    against the bytes of the arrays a built network holds."""
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", 300, rate=1.0))
    m.add(npl.Population("exc", 300, npl.LIF()))
    m.add(npl.Projection("p", "inp", "exc", npl.AllToAll(), weight=1.0, rules=[npl.TsodyksMarkram.depressing()]))
    net = npl.Network(m)
    held = sum(a.nbytes for p in net._pops for a in p.arrays.values() if isinstance(a, np.ndarray))
    store = net._projs[0].store
    held += sum(a.nbytes for a in vars(store).values())
    held += sum(a.nbytes for a in net._projs[0].rule_states[0].syn)
    estimate, neurons, synapses = memory.model_bytes(m, 0.25)
    assert synapses == 90000 and neurons == 600
    assert 1.8 * held < estimate < 2.4 * held   # twice (reset keeps a copy), from the layout


# -- runaway ----------------------------------------------------------------------

def saturated(t_ref, max_rate=1000.0):
    m = npl.Model(dt=DT, max_rate=max_rate)
    m.add(npl.Population("hot", 10, npl.LIF(t_ref=t_ref, i_bias=1e5)))
    m.add(npl.SpikeMonitor("hot"))
    return npl.Network(m)


def test_saturated_refractory_population_stops_as_runaway():
    """With t_ref = 2 ms a neuron fires at most 1000 / 2.1 = 476 Hz: the check
    against max_rate = 1000 Hz alone could never trip. Now the limit is 90% of
    that ceiling, 428.6 Hz, and the run stops at the end of the first window."""
    net = saturated(2.0)
    assert runaway.rate_limit_hz(net._pops[0], 1000.0, DT) == pytest.approx(0.9 * 1000 / 2.1)
    with pytest.raises(npl.SimulationError, match="428.6 Hz") as e:
        net.run(500.0)
    err = e.value
    assert (err.population, err.variable, err.step) == ("hot", "rate", 999)
    i, t = net.spikes("hot")
    assert net.step == 1000 and len(i) == 10 * 48 and t.max() < 100.0   # ISI 2.1 ms: 48 spikes in 100 ms


def test_max_rate_still_binds_below_the_refractory_ceiling():
    net = saturated(2.0, max_rate=100.0)
    assert runaway.rate_limit_hz(net._pops[0], 100.0, DT) == 100.0
    with pytest.raises(npl.SimulationError, match="max_rate = 100 Hz"):
        net.run(200.0)
    assert saturated(2.0, max_rate=None).run(200.0).step == 2000


def test_populations_below_the_limit_run_on():
    m = npl.Model(dt=DT)
    m.add(npl.Population("busy", 10, npl.LIF(t_ref=2.0, i_bias=5000.0)))
    m.add(npl.SpikeMonitor("busy"))
    net = npl.Network(m).run(300.0)
    rate = len(net.spikes("busy")[0]) / 10 / 0.3
    assert 300.0 < rate < 428.0   # 323 Hz: 68% of the ceiling of 476 Hz


# -- memory that must not grow with structural rules ------------------------------

def rewiring_net():
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", 40, rate=20.0))
    m.add(npl.Population("exc", 20, npl.LIF()))
    m.add(npl.Projection("p", "inp", "exc", npl.FixedProbability(0.3), weight=npl.Uniform(0.0, 200.0),
                         rules=[PruneAndRegrow(threshold=100.0, period=1.0, w_init=50.0)],
                         w_min=0.0, w_max=200.0))
    m.add(npl.WeightMonitor("p", synapses=[0, 1, 2], interval=50.0))
    return npl.Network(m, seed=4)


def test_rewiring_keeps_the_id_table_and_recordings_bounded():
    """Ids are never reused, and the id -> slot table had one entry per id
    ever created (8 B per regrown synapse: ~9 MB per 1,000 s in a rewiring
    network); a monitor kept one (empty) array per structural chunk."""
    net = rewiring_net()
    store = net._store("p")
    count, w0 = store.count, net.weights("p")[:3]
    net.run(300.0)   # 300 updates, each regrowing the weak half of the synapses
    assert store.count == count
    assert store.n_ids[0] > 20 * count                       # many more ids than synapses...
    assert len(store.id_slot) <= 2 * (2 * count) + 16        # ...but a table bounded by the living ones
    rec = net._recorders[0]
    assert len(rec.chunks) == 6 and net.monitor("weights_p")["w"].shape == (6, 3)
    # the table still finds every living synapse, and monitored ones are NaN once removed
    ids = net.synapse_ids("p")
    np.testing.assert_array_equal(store.slots_of(ids), store.build_slots)
    w = net.monitor("weights_p")["w"]
    np.testing.assert_array_equal(w[0], w0)
    np.testing.assert_array_equal(w[1:], np.broadcast_to(np.where(w0 < 100.0, np.nan, w0), (5, 3)))
