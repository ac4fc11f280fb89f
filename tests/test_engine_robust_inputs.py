"""Random-number and time-to-step paths at their extremes: rates from 0 to
above 1/dt, times far beyond any run, sources of many neurons. Nothing may
overflow int64, write out of bounds or allocate in proportion to a time value;
normal rates keep their statistics."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine import inputs, random as xrandom
from neuroplastic.engine.limits import STEP_LIMIT, to_steps
from neuroplastic.engine.random import geometric_gap, seed_state

DT = 0.1


def poisson_net(n, rate, **kw):
    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", n, rate=rate, **kw))
    m.add(npl.SpikeMonitor("inp"))
    return npl.Network(m, seed=1)


@pytest.mark.parametrize("rate", [0.0, 1e-300, 1e-20, 1e-16, 1e-15])
def test_rates_near_zero_give_no_spikes(rate):
    """A rate of 1e-20 Hz made the geometric gap overflow int64: every neuron
    then spiked every step (reported as 5,000 Hz) or the run wrote out of
    bounds (exit 139). At these rates the expected count over 100 ms is < 1e-11."""
    net = poisson_net(50, rate).run(100.0)
    i, t = net.spikes("inp")
    assert len(i) == 0
    nxt = net._pops[0].arrays["nxt"]
    assert nxt[0] >= net.step and 0 <= nxt[1] < 50   # next candidate ahead, a valid neuron


def test_tiny_rate_on_a_small_source_over_seconds():
    net = poisson_net(8, 1e-20).run(2000.0)
    assert len(net.spikes("inp")[0]) == 0 and net.spike_counts("inp").sum() == 0


def test_geometric_gap_saturates_instead_of_overflowing():
    s = seed_state(0)
    for p in (1e-17, 1e-19, 1e-24, 1e-300, 5e-324):
        gaps = [geometric_gap(s, math.log1p(-p)) for _ in range(20)]
        assert all(0 <= g <= STEP_LIMIT for g in gaps)
        if p < 1e-22:
            assert min(gaps) == STEP_LIMIT   # 1/p >> 2^62: the gap reaches no step
    assert geometric_gap(s, 0.0) == STEP_LIMIT and geometric_gap(s, -math.inf) == 0
    # ordinary p: the mean gap is (1 - p) / p
    gaps = np.array([geometric_gap(s, math.log1p(-0.01)) for _ in range(20000)])
    assert abs(gaps.mean() - 99.0) < 5 * 99.5 / math.sqrt(20000)


def test_candidate_advance_never_overflows():
    nxt = np.array([STEP_LIMIT - 3, 5], np.int64)
    inputs.advance(nxt, np.int64(STEP_LIMIT), 7)
    assert nxt.tolist() == [STEP_LIMIT, 0]
    for n in (1, 7, 2 ** 40, 2 ** 61):
        nxt = np.array([10, n - 1], np.int64)
        inputs.advance(nxt, np.int64(STEP_LIMIT), n)
        assert 10 < nxt[0] <= STEP_LIMIT and 0 <= nxt[1] < n
        if 3 * n + 2 > STEP_LIMIT:
            continue   # gaps are at most STEP_LIMIT
        nxt = np.array([10, n - 1], np.int64)
        inputs.advance(nxt, np.int64(3 * n + 2), n)           # position 10 n + (n - 1) + 1 + 3 n + 2
        assert nxt.tolist() == [10 + (4 * n + 2) // n, (4 * n + 2) % n]


def test_a_rate_of_one_per_step_spikes_every_step():
    """p = rate dt = 1: one spike per neuron per step, nothing more."""
    net = poisson_net(20, 1e4).run(10.0)
    i, t = net.spikes("inp")
    assert len(i) == 20 * 100
    np.testing.assert_array_equal(np.bincount(i, minlength=20), np.full(20, 100))


@pytest.mark.parametrize("rate", [1e4 + 1.0, 1e9, 1e300])
def test_rates_above_one_per_step_are_refused_and_capped_below(rate):
    """Above 1/dt a rate cannot be honoured: the model and set_rates refuse it; the
    engine's tables still cap p at 1, so nothing could write past the source."""
    with pytest.raises(npl.ValidationError, match="rate"):
        poisson_net(20, rate)
    net = poisson_net(20, 10.0)
    with pytest.raises(npl.ValidationError, match="rates"):
        net.set_rates("inp", rate)
    log_q, accept = inputs.rate_tables(np.full(20, rate), DT)
    assert log_q == -math.inf and np.all(accept == 1.0)


def test_poisson_counts_match_the_rate():
    """Count of a 20 Hz source of 1,000 neurons over 1 s: Binomial(n T/dt, p)."""
    net = poisson_net(1000, 20.0).run(1000.0)
    count = len(net.spikes("inp")[0])
    p, trials = 20.0 * DT * 1e-3, 1000 * 10000
    assert abs(count - trials * p) < 5 * math.sqrt(trials * p * (1 - p))


def test_per_neuron_and_time_varying_rates_keep_their_statistics():
    rates = np.where(np.arange(400) < 200, 5.0, 40.0)
    net = poisson_net(400, rates).run(1000.0)
    counts = net.spike_counts("inp")
    for expected, part in ((5.0, counts[:200]), (40.0, counts[200:])):
        mean = expected * 200   # spikes of 200 neurons over 1 s
        assert abs(part.sum() - mean) < 5 * math.sqrt(mean)
    net = poisson_net(300, [0.0, 1e-20, 50.0], rate_interval=100.0).run(300.0)
    i, t = net.spikes("inp")
    assert t.min() >= 200.0   # nothing in the two near-zero bins
    assert abs(len(t) - 300 * 5.0) < 5 * math.sqrt(300 * 5.0)


def test_set_rates_at_the_extremes():
    net = poisson_net(30, 10.0).run(50.0)
    net.set_rates("inp", 1e-20)
    before = net.spike_counts("inp").sum()
    net.run(500.0)
    assert net.spike_counts("inp").sum() == before
    net.set_rates("inp", np.full(30, 1e4))          # 1/dt: every step
    net.run(1.0)
    assert net.spike_counts("inp").sum() == before + 30 * 10
    net.set_rates("inp", 0.0)
    net.run(100.0)
    assert net.spike_counts("inp").sum() == before + 300


def test_spike_times_far_in_the_future_allocate_nothing_per_step():
    """The schedule counted spikes per step with np.bincount: 1e9 ms at dt 0.1
    allocated 10^10 counters (80 GB, a MemoryError). Times past the last
    reachable step (2^62 steps) never fire."""
    times = [1.0, 1.0, 1.0, 1e8, 1e9, 1e300]
    src = npl.SpikeTimes("st", 4, [0, 1, 2, 3, 0, 1], times)
    steps, idx, per_step = inputs.spike_schedule(src, DT)
    assert per_step == 3
    assert steps.tolist() == [10, 10, 10, 10 ** 9, 10 ** 10, STEP_LIMIT]
    m = npl.Model(dt=DT)
    m.add(src)
    m.add(npl.SpikeMonitor("st"))
    net = npl.Network(m).run(2.0)
    i, t = net.spikes("st")
    assert i.tolist() == [0, 1, 2] and t.tolist() == [1.0, 1.0, 1.0]


def test_times_convert_to_saturated_steps():
    assert to_steps(1e300, DT) == STEP_LIMIT and to_steps(0.04, DT, minimum=1) == 1
    np.testing.assert_array_equal(to_steps([0.0, 0.25, 1e30], DT), [0, 2, STEP_LIMIT])


def test_far_intervals_periods_and_releases_build_and_never_happen():
    """A noise hold or a release time of 1e300 ms overflowed int64 (an
    OverflowError or garbage steps)."""
    m = npl.Model(dt=DT)
    m.add(npl.NoiseInput("noise", 5, low=-1.0, high=1.0, interval=1e300))
    m.add(npl.Population("y", 5, npl.LIF()))
    m.add(npl.Projection("n", "noise", "y", npl.OneToOne(), weight=1.0))
    m.add(npl.Modulator("da", tau=100.0, release_times=[1e300], release_amounts=1.0))
    m.add(npl.StateMonitor("y", ("v",), interval=1e12))
    m.add(npl.RateMonitor("y", bin=1e12))
    m.add(npl.ModulatorMonitor("da", interval=1.0))
    net = npl.Network(m).run(20.0)
    act = net._pops[0].arrays["act"]
    assert np.all((act >= -1.0) & (act < 1.0)) and len(np.unique(act)) == 5   # one draw each, held
    assert np.all(net.monitor("modulator_da")["level"] == 0.0)
    assert net.monitor("state_y")["v"].shape == (1, 5)                        # step 0 only


def test_far_structural_delay_is_refused_not_written_out_of_bounds():
    """Edit.add with a delay of 1e300 ms overflowed to a negative step count,
    passed the buffer-depth check and indexed the delay buffer out of bounds."""
    from neuroplastic.engine.structure import Structure

    m = npl.Model(dt=DT)
    m.add(npl.PoissonInput("inp", 5, rate=10.0))
    m.add(npl.Population("y", 5, npl.LIF()))
    m.add(npl.Projection("p", "inp", "y", npl.OneToOne(), weight=1.0, delay=2.0))
    net = npl.Network(m)
    edit = Structure(net).edit(0)
    with pytest.raises(npl.ValidationError, match="add.delay"):
        edit.add([0], [1], 1.0, delay=1e300)
    assert edit.count == 5


def test_large_source_keeps_its_statistics():
    net = poisson_net(200_000, 10.0).run(1.0)   # 10 steps, p = 1e-3
    count, mean = len(net.spikes("inp")[0]), 200_000 * 10 * 1e-3
    assert abs(count - mean) < 5 * np.sqrt(mean)


def test_a_network_near_the_last_step_runs_and_stops_there():
    """Candidate positions step * n + neuron overflowed int64 long before the
    step counter did (n = 50: after ~1.8e17 steps); the (step, neuron) pair
    runs up to the last step."""
    net = poisson_net(50, 1000.0)                # p = 0.1 per neuron and step
    net.step = STEP_LIMIT - 200
    inputs.start(net._pops[0].arrays["nxt"], net.step, net._rng, net._pops[0].arrays["logq"], 50)
    net.run(10.0)
    i, t = net.spikes("inp")
    assert abs(len(i) - 500) < 5 * np.sqrt(450) and np.all((i >= 0) & (i < 50))
    steps = np.round(t / DT)
    assert steps.min() >= STEP_LIMIT - 200 - 1024 and steps.max() <= STEP_LIMIT   # float64 times: 1024-step grain
    with pytest.raises(npl.ValidationError, match="2\\^62"):
        net.run(10.0)
    net.run(9.9)
    assert net.step == STEP_LIMIT - 1
