"""Reduced-scale reproduction: tagging-capture (Luboeinski & Tetzlaff 2021).

The reduced scale observes 3 h (stimulation from 15 min, 2 neurons per
protocol, dt 0.5 ms, a 1-hour basic-late drive, capture gaps of 0.5 and 1.5 h);
the full 8-hour runs are what ``neuroplastic reproduce tagging-capture`` checks.
"""
import numpy as np
import pytest

from neuroplastic import ValidationError, experiments
from neuroplastic.experiments.tagging_capture import HOUR, stop_gap


@pytest.fixture(scope="module")
def reduced():
    exp = experiments.get("tagging-capture")
    return exp, exp.run(exp.resolve(scale="reduced"), seed=0)


def test_tagging_reduced_targets(reduced):
    exp, result = reduced
    rows = experiments.compare(result, exp.targets, "reduced")
    assert len(rows) >= 15
    failed = [(r.metric, r.measured, r.tolerance) for r in rows if not r.passed]
    assert not failed, failed


def test_protocols_give_early_and_late_phases(reduced):
    _, result = reduced
    m = result.metrics
    # late phases only where protein met a tag: STET and SLFS alone, not WTET and WLFS alone
    assert m["stet_z_end"] > 0.5 and m["slfs_z_end"] < -0.1
    assert m["wtet_z_end"] == 0.0 and m["wlfs_z_end"] == 0.0
    # the early phase went the right way and (for the weak protocols) is decaying back
    assert m["wtet_h_peak"] > 1.2 and m["wlfs_h_min"] < 0.8
    assert m["basic_late_h_end"] > 1.8 and m["basic_late_calcium_end"] > 3.0
    assert m["basic_late_z_end"] > 0.6               # 1 h drive; the 4 h drive of the full scale gives > 0.9


def test_capture_and_cross_capture(reduced):
    _, result = reduced
    m = result.metrics
    # the same weak trains as the WTET/WLFS-alone neurons, which got no late phase at all
    assert m["capture_z_0.5h"] > 0.15 and m["capture_z_1.5h"] > 0.15
    assert m["cross_capture_z_0.5h"] < -0.05
    # capture happens at tagged weak synapses: their mean is above the mean over all
    assert m["capture_z_tagged_within_1h"] >= m["capture_z_within_1h"] > 0.0
    assert 0.0 < m["wtet_tagged_fraction"] <= 1.0
    # the strong pathway of a capture neuron gains from the weak one's contribution to the protein
    assert m["capture_strong_z_end"] >= m["stet_z_end"] - 0.05
    assert m["lost_calcium_jumps"] == 0.0


def test_recorded_traces_and_figures(reduced):
    _, result = reduced
    tr = result.recordings["traces"]
    assert tr["t"].size == 180 and tr["t"][-1] == pytest.approx(3 * HOUR)
    assert tr["STET_z1"][-1] == pytest.approx(result.metrics["stet_z_end"])
    assert np.all(np.diff(tr["STET_z1"]) >= -1e-12)          # z only grows under an LTP tag
    assert tr["WTET_h1"].max() == pytest.approx(result.metrics["wtet_h_peak"])
    assert set(result.figures) == {"weights", "capture_window"}
    assert len(result.figures["weights"].axes) >= 8


def test_stop_gap_interpolates_between_gaps():
    gaps = np.array([1.0, 2.0, 3.0, 4.0])
    assert stop_gap(gaps, np.array([0.4, 0.3, 0.1, 0.0]), 0.1) == pytest.approx(3.0 + 0.06 / 0.1)
    assert np.isnan(stop_gap(gaps, np.array([0.4, 0.3, 0.2, 0.1]), 0.1))    # never below 10 %: not within the gaps
    assert np.isnan(stop_gap(gaps, np.zeros(4), 0.1))                      # no capture at all


def test_same_seed_same_result_other_seed_differs():
    exp = experiments.get("tagging-capture")
    cfg = exp.resolve({"duration": 0.25 * HOUR, "t_stim": 0.05 * HOUR, "trials": 1, "capture_gaps": [0.05 * HOUR],
                       "cross_gaps": [], "basic_late_duration": 0.1 * HOUR}, "reduced")
    one, two, other = (exp.run(cfg, seed=s).recordings["traces"] for s in (1, 1, 2))
    np.testing.assert_array_equal(one["STET_h1"], two["STET_h1"])
    assert not np.array_equal(one["STET_h1"], other["STET_h1"])


@pytest.mark.parametrize("override, field", [({"sample_interval": 1500.0}, "sample_interval"),
                                             ({"basic_late_duration": 1_800_500.0}, "basic_late_duration")])
def test_times_off_the_slow_update_are_refused(override, field):
    exp = experiments.get("tagging-capture")
    with pytest.raises(ValidationError) as err:
        exp.run(exp.resolve(override, "reduced"), seed=0)
    assert err.value.field == field


@pytest.mark.parametrize("override, field", [({"capture_fraction": 1.5}, "capture_fraction"),
                                             ({"trials": 0}, "trials"), ({"t_stim": 1e9}, "t_stim"),
                                             ({"capture_gaps": [-1.0]}, "capture_gaps[0]")])
def test_bad_config_names_the_field(override, field):
    with pytest.raises(ValidationError) as err:
        experiments.get("tagging-capture").resolve(override, "reduced")
    assert field in (err.value.field, str(err.value))
