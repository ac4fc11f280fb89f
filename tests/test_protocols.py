"""experiments/protocols.py: 'present a stimulus, rest, count spikes' equals the hand-written
sequence it replaces, counts only the stimulus, and pads a growing population."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.experiments.protocols import present, present_each

from _tiny import tiny_model


def _by_hand(net, rates, duration, rest, log):
    """The sequence the four experiments wrote by hand before the helper."""
    net.set_rates("inp", rates)
    net.spike_counts("out", clear=True)
    net.run(duration)
    counts = net.spike_counts("out", clear=True)
    log.append((net.t, counts.sum()))
    net.set_rates("inp", 0.0)
    net.run(rest)
    net.spike_counts("out", clear=True)
    return counts


def test_present_equals_the_hand_written_protocol():
    rates = [np.full(20, r) for r in (80.0, 0.0, 150.0)]
    a, b = npl.Network(tiny_model(), seed=4), npl.Network(tiny_model(), seed=4)
    log_a, log_b = [], []
    got = [present(a, {"inp": r}, 20.0, "out", rest=10.0, rest_rates={"inp": 0.0},
                   after=lambda counts: log_a.append((a.t, counts.sum()))) for r in rates]
    want = [_by_hand(b, r, 20.0, 10.0, log_b) for r in rates]
    for x, y in zip(got, want):
        np.testing.assert_array_equal(x, y)
    assert log_a == log_b and [t for t, _ in log_a] == pytest.approx([20.0, 50.0, 80.0])   # after: end of stimulus
    for pop in ("out", "inp"):
        np.testing.assert_array_equal(a.spikes(pop)[1], b.spikes(pop)[1])
    assert sum(g.sum() for g in got) > 0


def test_only_the_stimulus_is_counted():
    net = npl.Network(tiny_model(), seed=1)
    counts = present(net, {"inp": 0.0}, 15.0, ("inp", "out"), rest=15.0, rest_rates={"inp": 400.0})
    assert set(counts) == {"inp", "out"} and counts["inp"].sum() == 0          # silent stimulus
    i, t = net.spikes("inp")
    assert np.all(t >= 15.0) and len(t) > 50                                 # the rest had input spikes ...
    assert net.spike_counts("inp").sum() == 0 and net.spike_counts("out").sum() == 0   # ... discarded


def test_present_each_stacks_and_pads_a_growing_population():
    net = npl.Network(tiny_model(), seed=2)
    grown = []

    def grow(k, counts):
        grown.append(len(counts))
        if k == 0:
            net.add_neurons("out", 3)

    rows = present_each(net, ({"inp": r} for r in (120.0, 120.0)), 10.0, "out", rest=5.0, each=grow)
    assert rows.shape == (2, 23) and grown == [20, 23]
    assert np.all(rows[0, 20:] == 0)
    assert present_each(net, [], 10.0, "out").shape == (0, 23)
