"""Network(threads=N): the step loop on several threads gives the spikes and
weights of one thread, bit for bit (engine/threads.py)."""
import dataclasses

import numba
import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from neuroplastic.engine import threads as engine_threads


def _model():
    """Poisson input -> one conductance LIF population just above the block
    threshold (two blocks of MIN_NEURONS / 2 + 26 neurons), pair STDP on the input synapses."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 40, rate=30.0))
    lif = npl.LIF(tau_m=10, c_m=10, v_rest=-74, v_reset=-60, v_thresh=-54, t_ref=2, synapse="conductance",
                  tau_e=5, tau_i=10, e_e=0, e_i=-80, i_bias=0)
    m.add(npl.Population("out", engine_threads.MIN_NEURONS + 52, lif, initial={"v": npl.Uniform(-60, -50)}))
    m.add(npl.Projection("syn", "inp", "out", npl.FixedProbability(0.2), weight=npl.Uniform(0, 3.0),
                         rules=[npl.PairSTDP(a_plus=0.05, a_minus=0.06, tau_plus=20, tau_minus=20, w_max=3.0)],
                         w_min=0.0, w_max=3.0))
    m.add(npl.SpikeMonitor("out"))
    return m


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here")
def test_two_threads_give_the_spikes_and_weights_of_one():
    runs = {}
    for threads in (1, 2):
        net = npl.Network(_model(), seed=3, threads=threads)
        w0 = net.weights("syn").copy()
        net.run(10.0)
        runs[threads] = net.spikes("out") + (net.weights("syn"), w0, net.kernel_source)
    n = engine_threads.MIN_NEURONS + 52
    (i1, t1, w1, w0, src1), (i2, t2, w2, _, src2) = runs[1], runs[2]
    assert "prange" not in src1 and "parallel=" not in src1   # one thread: the sequential loop
    assert "for blk in prange(2):" in src2                    # two: the population in two blocks
    assert len(i1) > 5000 and np.unique(i1[i1 >= n // 2]).size > 500   # both blocks spike
    assert np.abs(w1 - w0).max() > 1e-3                       # STDP changed the weights
    np.testing.assert_array_equal(i2, i1)
    np.testing.assert_array_equal(t2, t1)
    np.testing.assert_array_equal(w2, w1)


@pytest.mark.parametrize("bad", [0, -1, numba.config.NUMBA_NUM_THREADS + 1, 1.5, True, "2"])
def test_threads_out_of_range_is_refused_naming_the_field(bad):
    with pytest.raises(npl.ValidationError) as e:
        npl.Network(_model(), seed=0, threads=bad)
    assert e.value.field == "threads" and "threads" in str(e.value)


def test_cli_threads_on_an_experiment_is_refused(tmp_path, capsys):
    from neuroplastic.cli import EXIT_INVALID, main

    assert main(["run", "stdp-window", "--threads", "2", "--out", str(tmp_path), "--no-progress"]) == EXIT_INVALID
    assert "--threads" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())   # refused before anything ran


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here")
def test_save_load_and_pickle_keep_the_threads_and_the_spikes(tmp_path):
    import pickle
    import warnings

    ref = npl.Network(_model(), seed=5, threads=1)
    ref.run(6.0)
    net = npl.Network(_model(), seed=5, threads=2)
    net.run(3.0)
    path = net.save(tmp_path / "two.npz")
    with warnings.catch_warnings():
        warnings.simplefilter("error")               # no "another compiled step loop" warning
        again, one = npl.Network.load(path), npl.Network.load(path, threads=1)
    copied = pickle.loads(pickle.dumps(net))
    assert (again.threads, one.threads, copied.threads) == (2, 1, 2)
    for continued in (again, one, copied):
        continued.run(3.0)
        for a, b in zip(continued.spikes("out"), ref.spikes("out")):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(continued.weights("syn"), ref.weights("syn"))


def _recurrent_model(delay=1.0, rule="pair"):
    """Poisson input -> a recurrent conductance LIF population: recurrent synapses with
    pair STDP (``rule`` "pair") or Vogels' inhibitory STDP ("vogels", here on excitatory
    synapses: the walks do not care), delay ``delay`` ms, and input synapses with triplet
    STDP and Tsodyks-Markram depression; every rule ``local_writes``: both walks run in blocks."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 200, rate=20.0))
    lif = npl.LIF(tau_m=10, c_m=10, v_rest=-74, v_reset=-60, v_thresh=-54, t_ref=2, synapse="conductance",
                  tau_e=5, tau_i=10, e_e=0, e_i=-80, i_bias=0)
    n = engine_threads.MIN_NEURONS + 52
    m.add(npl.Population("out", n, lif, initial={"v": npl.Uniform(-60, -50)}))
    m.add(npl.Projection("syn", "inp", "out", npl.FixedProbability(0.05), weight=npl.Uniform(0, 1.5),
                         rules=[npl.TripletSTDP(a2_plus=0.02, a3_plus=0.01, a2_minus=0.03, a3_minus=0.0),
                                npl.TsodyksMarkram(U=0.3, tau_rec=200.0, tau_f=0.0)], w_min=0.0, w_max=3.0))
    m.add(npl.Projection("rec", "out", "out", npl.FixedProbability(0.01), weight=npl.Uniform(0, 0.4),
                         delay=delay, rules=[npl.PairSTDP(a_plus=0.01, a_minus=0.012, w_max=1.0) if rule == "pair"
                                             else npl.InhibitorySTDP(eta=0.01, rho0=5.0)],
                         w_min=0.0, w_max=1.0))
    m.add(npl.SpikeMonitor("out"))
    return m


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here")
@pytest.mark.parametrize("delay, rule", [(0.0, "pair"), (1.0, "vogels")])
def test_parallel_row_and_column_walks_give_the_spikes_and_weights_of_one_thread(delay, rule, monkeypatch):
    monkeypatch.setattr(engine_threads, "MIN_WALK", 0)   # every step's walks in blocks (the other tests: the default)
    runs = {}
    for threads in (1, 2):
        net = npl.Network(_recurrent_model(delay, rule), seed=7, threads=threads)
        w0 = {p: net.weights(p).copy() for p in ("syn", "rec")}
        net.run(40.0)
        runs[threads] = (net.spikes("out"), {p: net.weights(p) for p in ("syn", "rec")}, w0, net.kernel_source)
    (s1, w1, w0, src1), (s2, w2, _, src2) = runs[1], runs[2]
    assert "_sb" not in src1 and "_xs" not in src1            # one thread: the sequential walks
    assert src2.count("for blk in prange(2):") >= 5            # neurons, 2 row walks, 2 column walks
    assert all(f"def J{k}_{walk}(" in src2 for k in (0, 1) for walk in ("rows", "columns"))
    assert "J1_xs[s] = x" in src2
    assert len(s1[0]) > 2000                                   # busy enough for both blocks of every walk
    for p in ("syn", "rec"):
        assert np.abs(w1[p] - w0[p]).max() > 1e-3              # both rules changed their weights
        np.testing.assert_array_equal(w2[p], w1[p])
    np.testing.assert_array_equal(s2[0], s1[0])
    np.testing.assert_array_equal(s2[1], s1[1])


def test_a_rule_without_local_writes_keeps_its_walks_sequential():
    class Shared(npl.PairSTDP):
        local_writes = False

    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 10, rate=10.0))
    m.add(npl.Population("out", 10, npl.LIF()))
    m.add(npl.Projection("syn", "inp", "out", npl.AllToAll(), weight=0.5,
                         rules=[npl.PairSTDP(), Shared()], w_min=0.0, w_max=1.0))
    specs = [p.spec for p in npl.Network(m, seed=0)._projs]
    assert not engine_threads.parallel_walks(specs[0], 2)
    m.projections["syn"] = dataclasses.replace(m.projections["syn"], rules=(npl.PairSTDP(),))
    assert engine_threads.parallel_walks([p.spec for p in npl.Network(m, seed=0)._projs][0], 2)


@njit(cache=False)
def _post_only_on_post(s, i, j, t, w, st, p):
    return p.a


@njit(cache=False)
def _post_only_post_spike(j, t, st, p):
    st.post.n[j] += 1.0


@dataclasses.dataclass(frozen=True)
class _PostOnly(npl.Rule, npl.OnPost):
    """A user's rule with a postsynaptic side only: + a per postsynaptic spike, counted."""

    a: float = 0.01
    post_state = (npl.State("n", 0.0),)
    local_writes = True
    on_post, post_spike = _post_only_on_post, _post_only_post_spike


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here")
def test_a_rule_with_only_a_postsynaptic_side_walks_its_columns_in_blocks():
    runs = {}
    for threads in (1, 2):
        m = _model()
        m.projections["syn"] = dataclasses.replace(m.projections["syn"], rules=(_PostOnly(),))
        net = npl.Network(m, seed=4, threads=threads)
        net.run(10.0)
        runs[threads] = (net.weights("syn"), net.rule_state("syn", 0).post.n.copy(), net.kernel_source)
    (w1, n1, _), (w2, n2, src2) = runs[1], runs[2]
    assert "def J0_columns(" in src2 and "def J0_rows(" not in src2
    assert n1.sum() > 1000                     # many postsynaptic spikes, counted once each
    np.testing.assert_array_equal(n2, n1)
    np.testing.assert_array_equal(w2, w1)


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="numba has one thread here")
def test_the_zenke_network_on_two_threads_gives_the_spikes_and_weights_of_one(monkeypatch):
    """zenke2015's network, small: AIF populations in blocks (their range kernel) and
    the orchestrated rule's walks with Tsodyks-Markram in blocks (both ``local_writes``;
    the inhibitory rule writes a global rate estimate and stays sequential)."""
    from neuroplastic.experiments import get
    from neuroplastic.experiments import zenke2015 as z

    monkeypatch.setattr(engine_threads, "MIN_WALK", 0)
    monkeypatch.setattr(engine_threads, "MIN_NEURONS", 64)   # the 256 E and 64 I cells in blocks
    c = get("zenke2015").resolve(dict(n_exc=256, n_inh=64, p_rec=0.4, w_ee=0.3), scale="reduced")
    runs = {}
    for threads in (1, 2):
        net = npl.Network(z.build(c, seed=2).model, seed=2, threads=threads)
        w0 = {p: net.weights(p).copy() for p in ("ext", "ee", "ie")}
        net.run(1000.0)
        runs[threads] = ({p: net.weights(p) for p in ("ext", "ee", "ie")}, w0, net.kernel_source,
                         net.spike_counts("exc").copy(), net.spike_counts("inh").copy())
    (w1, w0, src1, e1, i1), (w2, _, src2, e2, i2) = runs[1], runs[2]
    assert "prange" not in src1
    assert src2.count("_range(P") == 2                              # both AIF populations in blocks
    assert all(f"def J{k}_columns(" in src2 for k in (0, 1))        # ext and ee walk in blocks
    assert "def J4_columns(" not in src2                            # ie: global state, sequential
    assert e1.sum() > 300 and i1.sum() > 100                        # both populations active
    for p in ("ext", "ee", "ie"):
        assert np.abs(w1[p] - w0[p]).max() > 1e-4                  # every rule changed weights
        np.testing.assert_array_equal(w2[p], w1[p])
    np.testing.assert_array_equal(e2, e1)
    np.testing.assert_array_equal(i2, i1)


def test_nothing_to_split_compiles_the_sequential_loop_without_a_warning():
    """Threads where no population has a range kernel and no projection's rules are
    local: the sequential loop (numba would warn that nothing was parallelised)."""
    import warnings

    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 50, rate=20.0))
    m.add(npl.Population("out", 20, npl.Izhikevich()))
    m.add(npl.Projection("syn", "inp", "out", npl.AllToAll(), weight=2.0))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = npl.Network(m, seed=1, threads=2)
        net.run(5.0)
    one = npl.Network(m, seed=1)
    assert net.threads == 2 and net.kernel_source == one.kernel_source and "prange" not in net.kernel_source
