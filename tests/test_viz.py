"""Tests for neuroplastic.viz: every plot is a headless Figure that saves as PNG."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import neuroplastic.viz as viz
from neuroplastic.viz import (bar_ratios, frequency_dependence, raster, stdp_window,
                              subsample_indices, time_series, weight_histogram,
                              weight_histogram_over_time)
from neuroplastic.viz.raster import population_rate
from neuroplastic.viz.weights import weight_fractions

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _assert_png(fig: Figure, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=80)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 1024


def _labels(ax):
    return ax.get_xlabel(), ax.get_ylabel()


@pytest.fixture
def spikes():
    rng = np.random.default_rng(0)
    n, count = 50, 3000
    t = np.sort(rng.uniform(0, 1000.0, count))
    i = rng.integers(0, n, count)
    return i, t, n


# ----------------------------------------------------------------------------- raster

def test_raster_axes_labels_and_png(spikes, tmp_path):
    i, t, n = spikes
    fig = raster(i, t, n=n, title="E")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert _labels(fig.axes[0])[1] == "neuron index"
    assert fig.axes[1].get_xlabel() == "time (ms)" and fig.axes[1].get_ylabel().startswith("rate (Hz)")
    assert len(fig.axes[0].lines[0].get_xdata()) == t.size  # under the caps: all shown
    _assert_png(fig, tmp_path, "raster")


def test_raster_thins_by_neuron_deterministically(spikes):
    i, t, n = spikes
    a = raster(i, t, n=n, max_points=500)
    b = raster(i, t, n=n, max_points=500)
    xa, ya = a.axes[0].lines[0].get_xdata(), a.axes[0].lines[0].get_ydata()
    assert 0 < len(xa) <= 600                      # about max_points spikes drawn
    np.testing.assert_array_equal(xa, b.axes[0].lines[0].get_xdata())
    rows = np.unique(ya)
    assert rows.size == 8                          # 50 neurons * 500 / 3000 spikes
    assert "showing 8 of 50 neurons" in a.axes[0].get_title()
    # every drawn neuron keeps all its spikes: the raster does not understate rates
    kept = subsample_indices(n, 8)
    assert len(xa) == int(np.isin(i, kept).sum())


def test_raster_rate_uses_all_spikes_and_is_in_hz():
    # 10 neurons, each firing once per 5 ms bin over 100 ms -> 200 Hz per neuron
    n, bin_ms = 10, 5.0
    t = np.repeat(np.arange(20) * bin_ms + 2.5, n)
    i = np.tile(np.arange(n), 20)
    fig = raster(i, t, n=n, max_points=7, bin_ms=bin_ms, t_stop=100.0)
    rate = fig.axes[1].lines[0].get_ydata()
    np.testing.assert_allclose(rate, 200.0)
    centres, r = population_rate(t, n, bin_ms, 0.0, 100.0)
    assert len(centres) == 20 and np.allclose(r, 200.0)


def test_raster_empty_and_invalid():
    fig = raster([], [], n=5)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="same length"):
        raster([0, 1], [1.0])
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        raster([0, 5], [1.0, 2.0], n=3)


def test_subsample_indices():
    assert list(subsample_indices(5, 10)) == [0, 1, 2, 3, 4]
    idx = subsample_indices(1_000_000, 1000)
    assert len(idx) == 1000 and idx[0] == 0 and idx[-1] == 999_999
    assert np.all(np.diff(idx) > 0)
    with pytest.raises(ValueError):
        subsample_indices(10, 0)


# ----------------------------------------------------------------------------- weights

def test_weight_fractions_sum_to_one_and_clip():
    edges, frac = weight_fractions([0.0, 0.5, 1.0, 1.7, -0.2, np.nan], w_max=1.0, bins=4)
    assert len(edges) == 5 and frac.shape == (4,)
    np.testing.assert_allclose(frac, [0.4, 0.0, 0.2, 0.4])
    _, frac2 = weight_fractions(np.zeros((3, 10)), w_max=2.0, bins=5)
    np.testing.assert_allclose(frac2.sum(axis=1), 1.0)
    np.testing.assert_allclose(frac2[:, 0], 1.0)


def test_weight_histogram(tmp_path):
    w = np.random.default_rng(1).uniform(0, 3.0, 500)
    fig = weight_histogram(w, w_max=3.0, bins=15)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert _labels(ax) == ("weight (nS)", "fraction of synapses")
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 15 and abs(sum(heights) - 1.0) < 1e-9
    _assert_png(fig, tmp_path, "whist")


def test_weight_histogram_over_time(tmp_path):
    rng = np.random.default_rng(2)
    t = np.linspace(0, 10_000.0, 40)
    # distribution drifts from low to high weights (bimodalisation)
    w = np.clip(rng.normal(0.5, 0.1, (40, 300)) + np.linspace(0, 0.4, 40)[:, None], 0, 1)
    fig = weight_histogram_over_time(t, w, w_max=1.0, bins=20)
    assert len(fig.axes) == 3  # heatmap, final histogram, colour bar
    heat, final, cbar = fig.axes
    assert _labels(heat) == ("time (s)", "weight (nS)")     # 10 s of samples: seconds
    assert final.get_xlabel() == "fraction of synapses"
    assert cbar.get_ylabel() == "fraction of synapses"
    mesh = heat.collections[0]
    assert mesh.get_array().shape in {(20, 40), (800,)}
    final_heights = [p.get_width() for p in final.patches]
    np.testing.assert_allclose(final_heights, weight_fractions(w[-1], 1.0, 20)[1])
    _assert_png(fig, tmp_path, "wtime")


def test_weight_histogram_over_time_validates():
    with pytest.raises(ValueError, match="n_samples"):
        weight_histogram_over_time([0, 1, 2], np.zeros((2, 5)), w_max=1.0)
    with pytest.raises(ValueError, match="w_max"):
        weight_histogram_over_time([0, 1], np.zeros((2, 5)), w_max=0.0)
    fig = weight_histogram_over_time([5.0], np.full((1, 4), 0.3), w_max=1.0)
    assert len(fig.axes) == 3


# ----------------------------------------------------------------------------- curves

def test_stdp_window(tmp_path):
    dt = np.linspace(-50, 50, 21)
    dw = np.where(dt > 0, 0.01 * np.exp(-dt / 20), -0.012 * np.exp(dt / 20))
    th = np.linspace(50, -50, 101)  # unsorted direction on purpose
    fig = stdp_window(dt, dw, th, np.where(th > 0, 0.01, -0.012) * np.exp(-np.abs(th) / 20))
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert "ms" in ax.get_xlabel() and ax.get_ylabel()
    theory = [ln for ln in ax.lines if ln.get_label() == "closed form"][0]
    x = theory.get_xdata()
    assert np.all(np.diff(x[np.isfinite(x)]) > 0)
    _assert_png(fig, tmp_path, "stdp")
    with pytest.raises(ValueError, match="theory"):
        stdp_window(dt, dw, theory_dt=dt)
    with pytest.raises(ValueError, match="length"):
        stdp_window(dt, dw[:-1])


def test_frequency_dependence(tmp_path):
    f = np.array([0.1, 10.0, 20.0, 40.0, 50.0])
    model = {"+10 ms": [0.0, 0.1, 0.2, 0.5, 0.6], "-10 ms": [-0.2, -0.2, 0.0, 0.3, 0.5]}
    data = {"+10 ms": ([-0.04, 0.14, 0.29, 0.53, 0.56], [0.05] * 5),
            "-10 ms": ([-0.29, -0.41, -0.34, 0.56, 0.75], [0.06] * 5)}
    fig = frequency_dependence(f, model, data)
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert _labels(ax)[0] == "pairing frequency (Hz)"
    assert len(ax.containers) == 2  # two errorbar containers
    model_line = [ln for ln in ax.lines if ln.get_label() == "+10 ms (model)"][0]
    assert model_line.get_color() == ax.containers[0].lines[0].get_color()
    _assert_png(fig, tmp_path, "freq")
    with pytest.raises(ValueError, match="length 5"):
        frequency_dependence(f, {"x": [1, 2]}, {})


def test_time_series(tmp_path):
    t = np.arange(0, 100, 0.1)
    fig = time_series(t, {"V": -65 + np.sin(t), "theta": -50 + 0 * t}, ylabel="V (mV)", title="membrane")
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 2
    assert _labels(fig.axes[0]) == ("time (ms)", "V (mV)")
    assert fig.axes[0].get_legend() is not None
    _assert_png(fig, tmp_path, "ts")
    with pytest.raises(ValueError, match="ylabel"):
        time_series(t, {"V": t}, ylabel="")


def test_bar_ratios(tmp_path):
    labels = ["PPR 10 Hz", "PPR 20 Hz", "PPR 50 Hz"]
    fig = bar_ratios(labels, [0.9, 0.7, 0.5], [0.88, 0.71, 0.52])
    assert len(fig.axes) == 1
    ax = fig.axes[0]
    assert len(ax.containers) == 2
    assert [b.get_height() for b in ax.containers[0]] == [0.9, 0.7, 0.5]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == labels
    assert "ratio" in ax.get_ylabel()
    _assert_png(fig, tmp_path, "bars")
    with pytest.raises(ValueError, match="length 3"):
        bar_ratios(labels, [1.0], [1.0, 1.0, 1.0])


def test_public_names_have_docstrings():
    for name in viz.__all__:
        assert getattr(viz, name).__doc__, name


def test_import_does_not_touch_pyplot_or_backend():
    src = Path(viz.__file__).resolve().parents[2]
    code = ("import sys, matplotlib; rc = matplotlib.rcParams; before = dict.__getitem__(rc, 'backend');"
            "import neuroplastic.viz, neuroplastic.io;"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported';"
            "assert dict.__getitem__(rc, 'backend') == before, 'backend changed';"
            "fig = neuroplastic.viz.raster([0, 1], [1.0, 2.0]);"
            "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported by plotting'")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    env.pop("MPLBACKEND", None)
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
