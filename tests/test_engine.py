"""Engine behaviour: reproducibility, continuation, reset, failures, inputs, delays."""
import numpy as np
import pytest

import neuroplastic as npl


def ei_model(stdp=True, n_e=200, n_i=50, dt=0.1, max_rate=1000.0, w_e=0.5, monitors=True):
    """A small conductance-based E/I network with Poisson drive."""
    m = npl.Model(dt=dt, max_rate=max_rate)
    lif = npl.LIF(tau_m=20, c_m=200, v_rest=-60, v_reset=-60, v_thresh=-50, t_ref=5,
                  synapse="conductance", tau_e=5, tau_i=10, e_e=0, e_i=-80)
    m.add(npl.Population("e", n_e, lif, initial={"v": npl.Uniform(-60, -50)}))
    m.add(npl.Population("i", n_i, lif, initial={"v": npl.Uniform(-60, -50)}))
    m.add(npl.PoissonInput("x", 100, rate=20.0))
    rules = [npl.PairSTDP(a_plus=0.005, a_minus=0.00525, w_max=1.0)] if stdp else []
    m.add(npl.Projection("xe", "x", "e", npl.FixedProbability(0.2), weight=2.0))
    m.add(npl.Projection("xi", "x", "i", npl.FixedProbability(0.2), weight=2.0))
    m.add(npl.Projection("ee", "e", "e", npl.FixedProbability(0.1), weight=npl.Uniform(0, w_e),
                         delay=npl.Uniform(0.5, 2.0), rules=rules, w_min=0.0, w_max=1.0))
    m.add(npl.Projection("ei", "e", "i", npl.FixedProbability(0.1), weight=0.5))
    m.add(npl.Projection("ie", "i", "e", npl.FixedProbability(0.1), weight=3.0, receptor="inh"))
    if monitors:
        m.add(npl.SpikeMonitor("e"))
        m.add(npl.StateMonitor("e", ("v", "ge"), indices=[0, 5], interval=1.0))
        m.add(npl.WeightMonitor("ee", synapses=[0, 1, 2], interval=10.0))
        m.add(npl.RateMonitor("e", bin=10.0))
    return m


def test_same_seed_gives_identical_spikes_and_weights():
    a = npl.Network(ei_model(), seed=3).run(300)
    b = npl.Network(ei_model(), seed=3).run(300)
    assert len(a.spikes("e")[0]) > 100
    np.testing.assert_array_equal(a.spikes("e")[0], b.spikes("e")[0])
    np.testing.assert_array_equal(a.spikes("e")[1], b.spikes("e")[1])
    np.testing.assert_array_equal(a.weights("ee"), b.weights("ee"))


def test_different_seeds_differ():
    a = npl.Network(ei_model(), seed=1).run(200)
    b = npl.Network(ei_model(), seed=2).run(200)
    assert not np.array_equal(a.weights("ee"), b.weights("ee"))


def test_run_continues_where_it_stopped():
    whole = npl.Network(ei_model(), seed=5).run(300)
    parts = npl.Network(ei_model(), seed=5)
    for d in (100.0, 0.0, 50.0, 150.0):
        parts.run(d)
    assert parts.t == pytest.approx(300.0)
    np.testing.assert_array_equal(whole.spikes("e")[1], parts.spikes("e")[1])
    np.testing.assert_array_equal(whole.weights("ee"), parts.weights("ee"))
    for key in ("t", "v", "ge"):
        np.testing.assert_array_equal(whole.monitor("state_e")[key], parts.monitor("state_e")[key])
    np.testing.assert_array_equal(whole.monitor("weights_ee")["w"], parts.monitor("weights_ee")["w"])
    np.testing.assert_array_equal(whole.monitor("rate_e")["rate"], parts.monitor("rate_e")["rate"])


def test_reset_restores_initial_state_without_recompiling():
    net = npl.Network(ei_model(), seed=7)
    w0 = net.weights("ee")
    first = net.run(200).spikes("e")[1].copy()
    advance = net._advance
    net.reset()
    assert net.t == 0 and len(net.spikes("e")[1]) == 0
    np.testing.assert_array_equal(net.weights("ee"), w0)
    second = net.run(200).spikes("e")[1]
    np.testing.assert_array_equal(first, second)
    assert net._advance is advance


def test_monitor_shapes_and_rates():
    net = npl.Network(ei_model(), seed=1).run(200)
    st = net.monitor("state_e")
    assert st["v"].shape == (200, 2) and st["t"][1] - st["t"][0] == pytest.approx(1.0)
    w = net.monitor("weights_ee")
    assert w["w"].shape == (20, 3)
    r = net.monitor("rate_e")
    i, t = net.spikes("e")
    assert r["rate"].mean() == pytest.approx(len(t) / 200 / 0.2, rel=1e-9)


def test_nan_stops_with_step_population_variable_and_keeps_recordings():
    m = npl.Model(dt=0.1)
    m.add(npl.Population("runaway", 2, npl.Izhikevich(v_peak=1e300, i_bias=10.0)))
    m.add(npl.StateMonitor("runaway", ("v",), interval=0.1))
    net = npl.Network(m)
    with pytest.raises(npl.SimulationError) as err:
        net.run(100.0)
    e = err.value
    assert e.population == "runaway" and e.variable == "v" and e.step > 0
    assert net.step == e.step
    rec = net.monitor("state_runaway")
    # samples are taken at the start of a step: the failing step's (finite) input state is kept
    assert len(rec["t"]) == e.step + 1 and np.all(np.isfinite(rec["v"]))
    assert str(e.step) in str(e) and "runaway" in str(e)


def test_runaway_activity_stops_the_run():
    m = npl.Model(dt=0.1, max_rate=200.0)
    m.add(npl.Population("hot", 10, npl.LIF(t_ref=0.0, i_bias=1e5)))
    m.add(npl.SpikeMonitor("hot"))
    net = npl.Network(m)
    with pytest.raises(npl.SimulationError) as err:
        net.run(1000.0)
    assert err.value.variable == "rate" and err.value.population == "hot"
    assert err.value.time_ms <= 100.0 + 1e-9
    assert len(net.spikes("hot")[0]) > 0


@pytest.mark.parametrize("rate", [5.0, 40.0])
def test_poisson_counts_match_rate(rate):
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("p", 500, rate=rate))
    m.add(npl.SpikeMonitor("p"))
    i, t = npl.Network(m, seed=11).run(10_000).spikes("p")
    expected = 500 * rate * 10.0
    assert abs(len(t) - expected) < 4 * np.sqrt(expected)
    counts = np.bincount(i, minlength=500)
    # Poisson counts: Fano factor ~ 1 (Bernoulli per step: 1 - rate*dt)
    assert counts.var() / counts.mean() == pytest.approx(1 - rate * 1e-4, abs=0.2)
    isi = np.diff(np.sort(t[i == 0]))
    assert np.std(isi) / np.mean(isi) == pytest.approx(1.0, abs=0.3)


def test_poisson_per_neuron_and_time_varying_rates():
    rates = np.linspace(0, 50, 100)
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("a", 100, rate=rates))
    m.add(npl.PoissonInput("b", 200, rate=[0.0, 50.0], rate_interval=1000.0))
    m.add(npl.SpikeMonitor("a")); m.add(npl.SpikeMonitor("b"))
    net = npl.Network(m, seed=2).run(2000)
    i, _ = net.spikes("a")
    per = np.bincount(i, minlength=100) / 2.0
    assert np.corrcoef(per, rates)[0, 1] > 0.95 and per[0] == 0
    _, tb = net.spikes("b")
    assert np.sum(tb < 1000) == 0
    assert np.sum(tb >= 1000) == pytest.approx(200 * 50, rel=0.1)


def test_delay_shifts_arrival_by_whole_steps():
    def arrival(delay):
        m = npl.Model(dt=0.1)
        m.add(npl.SpikeTimes("s", 1, [0], [10.0]))
        m.add(npl.Population("n", 1, npl.LIF(tau_e=1e9, v_thresh=1e9)))
        m.add(npl.Projection("p", "s", "n", npl.AllToAll(), weight=1.0, delay=delay))
        m.add(npl.StateMonitor("n", ("ie",), interval=0.1))
        d = npl.Network(m).run(30).monitor("state_n")
        return d["t"][np.argmax(d["ie"][:, 0] > 0.5)]

    assert arrival(0.0) == pytest.approx(10.1)
    assert arrival(2.0) == pytest.approx(12.1)
    assert arrival(5.04) == pytest.approx(15.1)


def test_inhibitory_receptor_and_connectivity_counts():
    net = npl.Network(ei_model(monitors=False), seed=0)
    pre, post = net.synapses("ee")
    assert np.all(pre != post)
    assert len(pre) == pytest.approx(0.1 * 200 * 199, rel=0.1)
    m = npl.Model()
    m.add(npl.Population("a", 30, npl.LIF())); m.add(npl.Population("b", 20, npl.LIF()))
    m.add(npl.Projection("k", "a", "b", npl.FixedInDegree(7)))
    m.add(npl.Projection("o", "a", "a", npl.OneToOne()))
    m.add(npl.Projection("all", "a", "b", npl.AllToAll()))
    m.add(npl.Projection("x", "a", "b", npl.Pairs([0, 3], [5, 6])))
    net = npl.Network(m)
    assert np.all(np.bincount(net.synapses("k")[1], minlength=20) == 7)
    assert all(len(set(net.synapses("k")[0][net.synapses("k")[1] == j])) == 7 for j in range(20))
    np.testing.assert_array_equal(net.synapses("o")[0], net.synapses("o")[1])
    assert len(net.synapses("all")[0]) == 600
    np.testing.assert_array_equal(net.synapses("x")[1], [5, 6])


def test_inhibition_lowers_the_membrane():
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("s", 1, [0], [5.0]))
    m.add(npl.Population("n", 1, npl.LIF(synapse="conductance", v_rest=-60, e_i=-80, v_thresh=0)))
    m.add(npl.Projection("p", "s", "n", npl.AllToAll(), weight=10.0, receptor="inh"))
    m.add(npl.StateMonitor("n", ("v", "gi"), interval=0.1))
    d = npl.Network(m).run(40).monitor("state_n")
    assert d["gi"].max() == pytest.approx(10.0) and d["v"].min() < -61.0


def test_kernel_source_is_inspectable_and_cached_on_disk():
    from neuroplastic.engine.cache import cache_dir

    net = npl.Network(ei_model(monitors=False))
    assert "def advance(" in net.kernel_source and "J2R0_on_pre" in net.kernel_source
    assert any(p.read_text() == net.kernel_source for p in cache_dir().glob("np_*.py"))


def test_nan_in_vectorised_conductance_kernel_is_caught():
    """A (non-physical) hugely negative conductance overflows the exponential: caught, not propagated."""
    lif = npl.LIF(synapse="conductance", c_m=200.0, tau_m=20.0)  # g_L = 10 nS
    m = npl.Model(dt=0.1)
    m.add(npl.Population("p", 5, lif, initial={"ge": [0.0, 0.0, -1e9, 0.0, 0.0]}))
    with pytest.raises(npl.SimulationError) as err:
        npl.Network(m).run(10.0)
    assert err.value.variable == "v" and err.value.step == 0 and "neuron 2" in str(err.value)


def test_large_conductance_uses_exact_exponential():
    """Beyond the polynomial's range the kernel falls back to math.exp (same result)."""
    lif = npl.LIF(synapse="conductance", c_m=200.0, tau_m=20.0, v_rest=-60.0, e_e=0.0, v_thresh=1e6)
    m = npl.Model(dt=0.1)
    m.add(npl.Population("p", 2, lif, initial={"ge": [1e5, 10.0]}))  # x = -50 and x = -0.01
    net = npl.Network(m).run(0.1)
    for k, ge0 in enumerate((1e5, 10.0)):
        ge = ge0 * 5.0 * (1 - np.exp(-0.1 / 5.0)) / 0.1
        g = 10.0 + ge
        v_inf = (10.0 * -60.0 + ge * 0.0) / g
        assert net.state("p", "v")[k] == pytest.approx(v_inf + (-60.0 - v_inf) * np.exp(-g * 0.1 / 200.0), rel=1e-12)


def test_exp_reduced_accuracy():
    from numba import njit

    from neuroplastic.engine.neurons import EXP_RANGE, exp_reduced

    xs = np.linspace(-EXP_RANGE, EXP_RANGE, 20001)
    vals = njit(lambda a: np.array([exp_reduced(x) for x in a]))(xs)
    assert np.max(np.abs(vals / np.exp(xs) - 1)) < 1e-12


def test_rate_recording_stops_where_a_failed_run_stopped():
    m = npl.Model(dt=0.1, max_rate=200.0)
    m.add(npl.Population("hot", 10, npl.LIF(t_ref=0.0, i_bias=1e5)))
    m.add(npl.RateMonitor("hot", bin=10.0))
    net = npl.Network(m)
    with pytest.raises(npl.SimulationError):
        net.run(1000.0)
    r = net.monitor("rate_hot")
    assert r["t"][-1] < net.t and len(r["t"]) == int(np.ceil(net.step / 100))
    assert np.all(r["rate"] > 0)  # every recorded bin saw activity: no phantom zero bins
