"""The parts of the zenke2015 experiment that need no network: stimuli,
schedules, receptive fields, bounded recordings and the metrics' definitions."""
import numpy as np
import pytest

from neuroplastic.experiments import _stimuli as S
from neuroplastic.experiments._phases import Counts, Psth, cut_times
from neuroplastic.experiments._zenke_metrics import assembly_labels, recall_metrics, weight_indices


def test_shapes_cover_a_fifth_to_a_quarter_of_the_grid_and_overlap_partly():
    pats = S.patterns(4096)
    sizes = [len(p) for p in pats]
    assert all(700 <= s <= 1100 for s in sizes)           # the authors' shapes: 832-1193 of 4096
    overlaps = [len(np.intersect1d(a, b)) / len(a) for a in pats for b in pats if a is not b]
    assert 0.1 < min(overlaps) and max(overlaps) < 0.6
    with pytest.raises(ValueError):
        S.patterns(1000)


def test_half_cue_is_the_left_half_of_the_shape():
    p = S.patterns(4096)[0]
    cue = S.half_cue(p, 4096)
    assert len(cue) == len(p) // 2 and np.all(np.isin(cue, p))
    assert (cue % 64).max() <= np.median(p % 64) <= (np.setdiff1d(p, cue) % 64).min()


def test_schedule_statistics_follow_the_authors_stimulus_group():
    rng = np.random.default_rng(0)
    sched = S.schedule(rng, 0.0, 2_000_000.0, 1000.0, 2000.0, 4, 0.1)
    on = np.array([b - a for a, b, _ in sched])
    gaps = np.array([sched[k + 1][0] - sched[k][1] for k in range(len(sched) - 1)])
    assert sched[0][0] == 5.0
    assert on.mean() == pytest.approx(1000.0, rel=0.03) and on.std() == pytest.approx(333.3, rel=0.08)
    assert gaps.mean() == pytest.approx(2000.0, rel=0.05)
    assert np.bincount([k for _, _, k in sched]).min() > 0.2 * len(sched)
    assert all(abs(a / 0.1 - round(a / 0.1)) < 1e-6 and b > a for a, b, _ in sched)


def test_disc_fields_give_every_neuron_the_same_local_inputs():
    pre, post = S.disc_fields(4096, 4096, 8.0)
    assert np.all(np.bincount(post) == 197)              # lattice points within radius 8
    mine = pre[post == 64 * 10 + 20]                     # neuron at pixel (x 20, y 10)
    assert np.all(np.hypot(mine % 64 - 20, mine // 64 - 10) <= 8.0)
    wrapped = pre[post == 0]                             # the corner wraps around the torus
    assert np.any(mine % 64 > 0) and np.any(wrapped % 64 > 55)
    assert S.positions(512, 64).shape == (512, 2)


def test_counts_split_by_grid_block_and_class():
    c = Counts(3, 2, grid_ms=10.0, block_ms=20.0)
    c.add(0.0, 5.0, 0, np.array([1, 0, 2]))
    c.add(5.0, 10.0, -1, np.array([0, 1, 0]))
    c.add(20.0, 30.0, 1, np.array([4, 4, 4]))
    grid = c.grid_array(30.0)
    assert grid.shape == (3, 3) and grid[0].tolist() == [1, 1, 2] and grid[1].sum() == 0
    rates, seconds = c.responses(0.0, 40.0)
    assert seconds.tolist() == [0.005, 0.01, 0.005]
    assert rates[0].tolist() == [200.0, 0.0, 400.0] and rates[1].tolist() == [400.0] * 3
    assert rates[2].tolist() == [0.0, 200.0, 0.0]


def test_cut_times_include_stimuli_grid_and_psth_bins():
    psth = Psth(np.array([0, 1]), 2, bin_ms=50.0, pre=100.0, post=100.0)
    cuts = cut_times([(1000.0, 1500.0, 0)], 0.0, 3000.0, 1000.0, 3000.0, psth)
    assert {900.0, 950.0, 1000.0, 1050.0, 1100.0, 1500.0, 2000.0, 3000.0} <= set(cuts.tolist())
    assert cuts[0] > 0.0 and cuts[-1] == 3000.0


def test_assembly_labels_need_twice_every_other_pattern_and_the_background():
    rates = np.array([[20.0, 20.0, 5.0, 0.5, 10.0],     # pattern 0
                      [5.0, 11.0, 5.0, 0.1, 4.0],       # pattern 1
                      [2.0, 2.0, 5.0, 0.0, 2.0]])       # no stimulus
    assert assembly_labels(rates, 2).tolist() == [0, -1, -1, -1, 0]


def test_weight_indices_compare_within_and_between_assemblies_to_the_mean():
    labels = np.array([0, 0, 1, 1, -1])
    pre = np.array([0, 1, 2, 0, 4])
    post = np.array([1, 0, 3, 2, 0])
    w = np.array([1.0, 1.0, 1.0, 0.2, 0.3])
    within, between = weight_indices(w, pre, post, labels)
    assert within == pytest.approx(1.0 / 0.7) and between == pytest.approx(0.2 / 0.7)


def test_recall_metrics_from_windows():
    psth = Psth(np.zeros(4, int), 2, bin_ms=100.0, pre=200.0, post=300.0)
    counts = np.zeros((5, 2))
    counts[:2, 0] = 1.0          # assembly 0: 1 spike per 100 ms bin before the cue (10 neurons: 1 Hz)
    counts[2:4, 0] = 12.0        # ... 12 per bin during the 200 ms cue (12 Hz)
    counts[2:4, 1] = 3.0         # assembly 1 (5 neurons): 6 Hz during the cue
    m = recall_metrics([dict(t_on=0.0, stimulus=0, counts=counts)], [10, 5], psth, cue_ms=200.0)
    assert m["recall_ratio"][0] == pytest.approx(12.0)
    assert m["recall_specificity"][0] == pytest.approx(2.0)
    assert np.isnan(m["recall_ratio"][1]) and np.isnan(m["recall_ratio_min"])


def test_counts_grow_with_bins_not_with_intervals_or_spikes():
    c = Counts(4, 2, grid_ms=100.0, block_ms=200.0)
    rng = np.random.default_rng(0)
    for k in range(3000):                                 # 3,000 cuts of 0.1 ms in 300 ms
        c.add(k * 0.1, (k + 1) * 0.1, k % 3 - 1, rng.integers(0, 50, 4))
    assert len(c.grid) == 3 and len(c.classes) == 2
    assert all(x.dtype == np.uint32 and x.shape == (4,) for x in c.grid.values())
    assert sum(x.sum() for x in c.grid.values()) == sum(s.sum() for s, _ in c.classes.values())


def test_blocks_start_at_the_phase_so_a_short_phase_has_its_own_responses():
    c = Counts(2, 1, grid_ms=10.0, block_ms=60.0, origin=20.0)     # a phase of [20, 50) ms
    c.add(20.0, 30.0, 0, np.array([1, 0]))
    c.add(30.0 - 1e-9, 50.0, -1, np.array([0, 2]))                  # a start a hair below the cut
    rates, seconds = c.responses(20.0, 50.0)
    assert seconds.tolist() == pytest.approx([0.01, 0.02])
    assert rates[:, 0].tolist() == pytest.approx([100.0, 0.0]) and rates[1, 1] == pytest.approx(100.0)
    assert sorted(c.grid) == [2, 3]
    assert cut_times([], 20.0, 150.0, 1000.0, 60.0, None).tolist() == [80.0, 140.0, 150.0]


class _FakeNet:
    """Neuron i fires at 100 Hz while input i is raised, else 20 Hz (counts exact on 50 ms cuts)."""

    def __init__(self):
        self.t, self.on, self.pending = 0.0, np.zeros(2, bool), np.zeros(2)

    def set_rates(self, name, r):
        self.on = np.asarray(r) > 5.0

    def run(self, d):
        self.pending += d * np.where(self.on, 0.1, 0.02)
        self.t += d

    def spike_counts(self, name, clear=True):
        x, self.pending = np.rint(self.pending).astype(np.int64), np.zeros(2)
        return x


def test_run_phase_records_cue_responses_per_group_and_recall_metrics_read_them():
    from neuroplastic.experiments._phases import run_phase

    net, c = _FakeNet(), dict(n_inputs=2, bg_rate=5.0, pattern_rate=25.0, runaway_rate=1e9)
    counts = Counts(2, 2, grid_ms=1000.0, block_ms=5000.0)
    psth = Psth(np.array([0, 1]), 2, bin_ms=50.0, pre=500.0, post=1000.0)
    out = run_phase(net, c, [(1000.0, 1500.0, 0), (3000.0, 3500.0, 1)], [np.array([0]), np.array([1])],
                    5000.0, counts, psth)
    assert out.status == "ok" and net.t == 5000.0 and len(counts.psth) == 2
    w = counts.psth[0]["counts"]
    assert w[:10, 0].tolist() == [1.0] * 10 and w[10:20, 0].tolist() == [5.0] * 10 and w[20:, 0].sum() == 10.0
    assert w[:, 1].tolist() == [1.0] * 30
    m = recall_metrics(counts.psth, [1, 1], psth, cue_ms=500.0)
    assert m["recall_ratio"].tolist() == pytest.approx([5.0, 5.0])
    assert m["recall_specificity_min"] == pytest.approx(5.0)
