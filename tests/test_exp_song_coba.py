"""Reduced-scale reproductions: song2000 (bimodal STDP weights) and coba (AI network)."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic.experiments.coba import activity_metrics, isi_cvs
from neuroplastic.experiments.song2000 import weight_metrics

SEEDS = (0, 1, 2)


def _run(name, seed, scale="reduced", overrides=None):
    exp = experiments.get(name)
    return exp, exp.run(exp.resolve(overrides, scale=scale), seed=seed)


def _assert_targets(exp, result, scale):
    rows = experiments.compare(result, exp.targets, scale)
    assert rows, f"no {scale} targets for {exp.name}"
    failed = [(r.metric, r.measured, r.tolerance) for r in rows if not r.passed]
    assert not failed, failed


@pytest.fixture(scope="module")
def song_reduced():
    return {s: _run("song2000", s) for s in SEEDS}


@pytest.fixture(scope="module")
def coba_reduced():
    return {s: _run("coba", s) for s in SEEDS}


# ---------------------------------------------------------------- song2000

@pytest.mark.parametrize("seed", SEEDS)
def test_song2000_reduced_targets(song_reduced, seed):
    exp, result = song_reduced[seed]
    _assert_targets(exp, result, "reduced")
    m = result.metrics
    assert result.config["duration"] == 100_000.0
    # A U shape: both end deciles clearly above every decile in 0.3-0.7.
    assert m["frac_outer_deciles"] >= 0.38
    assert m["frac_below_0_1"] >= 0.20 and m["frac_above_0_9"] >= 0.12
    assert all(m[f"decile_{k}"] < 0.08 for k in range(3, 7))
    assert min(m["decile_0"], m["decile_9"]) > 1.8 * max(m[f"decile_{k}"] for k in range(3, 7))
    assert 0.35 <= m["mean_w_over_gmax"] <= 0.6
    assert 10.0 <= m["output_rate_last"] <= 35.0
    assert sum(m["hist_counts"]) == 1000
    assert sum(m[f"decile_{k}"] for k in range(10)) == pytest.approx(1.0)
    # conductance drive (default): g_max = 0.01 * g_L with g_L = 1 nS.
    assert m["weight_unit_per_gmax"] == pytest.approx(0.01)
    w = result.recordings["weights"]
    assert w["final"].min() >= 0.0 and w["final"].max() <= 1.0
    assert w["w_over_gmax"].shape == (101, 1000)        # 1 s samples incl. t = 0
    assert set(result.figures) == {"weights_over_time", "final_histogram", "output"}


def test_song2000_initial_distribution_is_uniform(song_reduced):
    """The first weight sample is U(0, g_max): the bimodality is learned, not initial."""
    _, result = song_reduced[0]
    first = weight_metrics(result.recordings["weights"]["w_over_gmax"][0])
    assert first["frac_outer_deciles"] == pytest.approx(0.2, abs=0.05)
    assert first["mean_w_over_gmax"] == pytest.approx(0.5, abs=0.03)


def test_song2000_fixed_drive_reduced():
    """The fixed-driving-force copy of the Brian2 example gives the same qualitative result."""
    exp, result = _run("song2000", 0, overrides={"drive": "fixed"})
    _assert_targets(exp, result, "reduced")
    assert result.metrics["weight_unit_per_gmax"] == pytest.approx(0.6)


def test_song2000_full_scale_seed0():
    exp, result = _run("song2000", 0, scale="full")
    _assert_targets(exp, result, "full")
    m = result.metrics
    assert m["frac_outer_deciles"] >= 0.40
    assert 0.35 <= m["mean_w_over_gmax"] <= 0.6


def test_weight_metrics_closed_form():
    w = np.array([0.0, 0.05, 0.15, 0.35, 0.5, 0.95, 1.0, 1.0, 0.999, 0.92])
    m = weight_metrics(w)
    assert m["hist_counts"] == [2, 1, 0, 1, 0, 1, 0, 0, 0, 5]
    assert m["frac_below_0_1"] == pytest.approx(0.2)
    assert m["frac_above_0_9"] == pytest.approx(0.5)
    assert m["frac_outer_deciles"] == pytest.approx(0.7)
    assert m["max_middle_decile"] == pytest.approx(0.1)
    assert m["bimodality_ratio"] == pytest.approx(2.0)
    assert m["mean_w_over_gmax"] == pytest.approx(w.mean())


# ---------------------------------------------------------------- coba

@pytest.mark.parametrize("seed", SEEDS)
def test_coba_reduced_targets(coba_reduced, seed):
    exp, result = coba_reduced[seed]
    _assert_targets(exp, result, "reduced")
    m = result.metrics
    assert 5.0 <= m["rate_exc"] <= 40.0 and 5.0 <= m["rate_inh"] <= 40.0
    assert m["cv_isi_mean"] > 0.7
    assert m["pop_rate_cv_1ms"] <= 0.5
    assert m["frac_active"] >= 0.5
    assert m["n_cv_neurons"] >= 1000
    # Self-sustained to the end: spikes in the last 50 ms of the run.
    t_last = max(result.recordings["spikes_exc"]["t"].max(), result.recordings["spikes_inh"]["t"].max())
    assert t_last >= result.config["duration"] - 50.0
    assert set(result.figures) == {"raster", "isi_cv"}


def test_coba_full_scale_seed0():
    exp, result = _run("coba", 0, scale="full")
    _assert_targets(exp, result, "full")
    assert result.metrics["cv_isi_mean"] > 1.0


def test_isi_cv_regular_and_poisson():
    rng = np.random.default_rng(3)
    regular_t = np.arange(10) * 25.0
    poisson_t = np.cumsum(rng.exponential(20.0, 20_000))
    i = np.concatenate([np.zeros(10, int), np.ones(poisson_t.size, int), [2, 2]])
    t = np.concatenate([regular_t, poisson_t, [5.0, 9.0]])
    cv = isi_cvs(i, t, 4)
    assert cv[0] == pytest.approx(0.0, abs=1e-12)
    assert cv[1] == pytest.approx(1.0, abs=0.03)
    assert np.isnan(cv[2]) and np.isnan(cv[3])        # 2 spikes / no spikes


def test_activity_metrics_rates():
    # 2 exc neurons at 10 Hz and 1 inh neuron at 20 Hz over 1 s, regular.
    t_e = np.arange(0, 1000, 100.0)
    t_i = np.arange(0, 1000, 50.0)
    i = np.concatenate([np.zeros(10, int), np.ones(10, int), np.full(20, 2)])
    t = np.concatenate([t_e, t_e + 1.0, t_i])
    m = activity_metrics(i, t, n_exc=2, n_total=4, t0=0.0, t1=1000.0)
    assert m["rate_exc"] == pytest.approx(10.0)
    assert m["rate_inh"] == pytest.approx(10.0)      # 20 spikes / 2 inh neurons
    assert m["frac_active"] == pytest.approx(0.75)
    assert m["cv_isi_mean"] == pytest.approx(0.0, abs=1e-12)
