"""Publication properties of neuroplastic.viz figures: units, time axes, events and phases,
colours, tick formats, the theory curve on top, and rasters that stay readable."""
from __future__ import annotations

import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex

from neuroplastic.viz import (events_from_topology, frequency_dependence, plain_log_ticks, population_colours,
                              population_rate, population_raster, raster, sizes_from_topology, stdp_window,
                              time_series, time_unit, weight_histogram, weight_histogram_over_time)
from neuroplastic.viz.raster import MAX_DENSITY, nice_width
from neuroplastic.viz.style import EXCITATORY, INHIBITORY
from neuroplastic.viz.timeaxis import check_phases

UNIT = re.compile(r"\((ms|s|min|Hz|nS|pA|mV|dimensionless|degrees)[,)]|\(w / g_max\)")


def _drawn(fig):
    FigureCanvasAgg(fig)
    fig.canvas.draw()
    return fig


def _tick_texts(ax, axis="y"):
    which = ax.yaxis if axis == "y" else ax.xaxis
    lo, hi = ax.get_ylim() if axis == "y" else ax.get_xlim()
    return [t.get_text() for t in which.get_ticklabels(which="both")
            if t.get_text() and lo <= (t.get_position()[1] if axis == "y" else t.get_position()[0]) <= hi]


def _gid(ax, gid):
    arts = list(ax.lines) + list(ax.patches) + list(ax.texts) + list(ax.collections)
    return [a for a in arts if a.get_gid() == gid]


def _sparse(n=20, rate=5.0, duration=1000.0, seed=0):
    rng = np.random.default_rng(seed)
    count = int(n * rate * duration * 1e-3)
    return rng.integers(0, n, count), np.sort(rng.uniform(0, duration, count)), n


# ----------------------------------------------------------------------------- time units

@pytest.mark.parametrize("span, name, factor", [(500.0, "ms", 1.0), (2000.0, "ms", 1.0), (2500.0, "s", 1e3),
                                                (300_000.0, "s", 1e3), (3_600_000.0, "min", 6e4)])
def test_time_unit_picks_ms_s_min_by_span(span, name, factor):
    unit = time_unit(span)
    assert unit.name == name and unit.ms == factor
    assert unit.label() == f"time ({name})"
    np.testing.assert_allclose(unit(np.array([0.0, span])), [0.0, span / factor])
    assert unit.format(span) == f"{span / factor:g} {name}"


def test_weights_over_time_one_unit_in_seconds_starting_at_zero():
    t = np.arange(0.0, 300_001.0, 1000.0)       # 300 s, a sample every second, the first at 0
    w = np.random.default_rng(3).uniform(0, 1, (t.size, 50))
    fig = weight_histogram_over_time(t, w, w_max=1.0)
    heat, final = fig.axes[0], fig.axes[1]
    assert heat.get_xlabel() == "time (s)"
    assert final.get_title() == "at t = 300 s"                  # the same unit beside it
    assert heat.get_xlim() == pytest.approx((0.0, 300.0))
    x = heat.collections[0].get_coordinates()[..., 0]
    assert x.min() == pytest.approx(0.0) and x.max() == pytest.approx(300.0)   # no column before 0


def test_weights_over_time_axis_from_zero_when_sampling_starts_later():
    t = np.arange(500.0, 8_001.0, 500.0)        # first sample after one interval (was drawn from -250 ms)
    fig = weight_histogram_over_time(t, np.full((t.size, 10), 0.5), w_max=1.0, t_stop=10_000.0)
    heat = fig.axes[0]
    assert heat.get_xlim() == pytest.approx((0.0, 10.0))      # the whole run ...
    x = heat.collections[0].get_coordinates()[..., 0]
    assert x.min() == pytest.approx(0.5) and x.max() == pytest.approx(8.0)   # ... data only where sampled


def test_time_series_limits_from_zero_and_seconds_for_long_runs():
    t = np.linspace(100.0, 50_000.0, 50)
    fig = time_series(t, {"|w|": np.ones(50)}, ylabel="|w| (dimensionless)",
                      references={"fixed point: 1": 1.0})
    ax = fig.axes[0]
    assert ax.get_xlabel() == "time (s)"
    assert ax.get_xlim() == pytest.approx((0.0, 50.0))
    assert [ln.get_label() for ln in ax.get_legend().get_lines()] == ["|w|", "fixed point: 1"]


# ----------------------------------------------------------------------------- events and phases

EVENTS = [(20_000.0, "lesion E: -30 neurons"), (60_000.0, "neurogenesis E: +10 neurons")]
PHASES = [(0.0, 40_000.0, "wake"), (40_000.0, 80_000.0, "sleep")]


def _check_marks(ax, n_events=2, n_phases=2, labels=True):
    lines = [a for a in _gid(ax, "event") if hasattr(a, "get_xdata")]
    assert sorted(ln.get_xdata()[0] for ln in lines) == pytest.approx([20.0, 60.0][:n_events])
    spans = [a for a in _gid(ax, "phase") if not hasattr(a, "get_text")]
    assert len(spans) == n_phases
    if labels:
        texts = {a.get_text() for a in _gid(ax, "event") + _gid(ax, "phase") if hasattr(a, "get_text")}
        assert {"lesion E: -30 neurons", "neurogenesis E: +10 neurons", "wake", "sleep"} <= texts


def test_every_time_figure_marks_events_and_phases():
    t = np.linspace(0, 80_000.0, 81)
    series = time_series(t, {"r": np.ones(81)}, "rate (Hz)", events=EVENTS, phases=PHASES)
    _check_marks(series.axes[0])
    heat = weight_histogram_over_time(t, np.full((81, 5), 0.2), 1.0, events=EVENTS, phases=PHASES)
    _check_marks(heat.axes[0])
    i, tt, n = _sparse(n=10, rate=1.0, duration=80_000.0)
    fig = raster(i, tt, n=n, t_stop=80_000.0, events=EVENTS, phases=PHASES)
    _check_marks(fig.axes[0])                      # labels on the top axes,
    _check_marks(fig.axes[1], labels=False)        # lines and spans on both


def test_event_labels_merge_when_close_and_phases_validated():
    t = np.linspace(0, 100_000.0, 11)
    close = [(50_000.0, "lesion A"), (51_000.0, "lesion B")]
    ax = time_series(t, {"r": np.ones(11)}, "rate (Hz)", events=close).axes[0]
    assert [a.get_text() for a in _gid(ax, "event") if hasattr(a, "get_text")] == ["lesion A; lesion B"]
    with pytest.raises(ValueError, match="t0 < t1"):
        check_phases([(5.0, 1.0, "backwards")])


def test_events_from_topology_log():
    log = [dict(t=5000.0, event="cut", kind="lesion", target="exc", indices=[1, 2, 3]),
           dict(t=9000.0, event="python", kind="neurogenesis", target="exc", indices=[40, 41]),
           dict(t=9500.0, event="cut2", kind="lesion", target="ee", ids=[7] * 12)]
    assert events_from_topology(log) == [(5000.0, "lesion exc: -3 neurons"),
                                         (9000.0, "neurogenesis exc: +2 neurons"),
                                         (9500.0, "lesion ee: -12 synapses")]


# ----------------------------------------------------------------------------- rasters

def test_raster_of_dense_long_run_becomes_rate_plus_window():
    rng = np.random.default_rng(1)
    t = np.sort(rng.uniform(0, 100_000.0, 2000))           # one neuron at 20 Hz for 100 s
    fig = raster(np.zeros(t.size, int), t, n=1, bin_ms=1000.0, t_stop=100_000.0)
    ax_r, ax_p = fig.axes
    assert ax_p.get_xlim() == pytest.approx((0.0, 100.0)) and ax_p.get_xlabel() == "time (s)"
    assert ax_r.get_xlabel() == "time (s)"                  # one unit per figure
    lo, hi = ax_r.get_xlim()
    assert hi == pytest.approx(100.0) and 0 < hi - lo <= 10.0
    shown = ax_r.lines[0].get_xdata()
    assert shown.min() >= lo and shown.size / 700.0 <= MAX_DENSITY   # readable: spikes stay apart
    assert len(_gid(ax_p, "window")) == 1
    np.testing.assert_allclose(ax_p.lines[0].get_ydata().mean(), 20.0)   # the rate over the whole run


def test_sparse_raster_stays_a_full_raster():
    i, t, n = _sparse()
    fig = raster(i, t, n=n, t_stop=1000.0)
    assert fig.axes[0].get_xlim() == pytest.approx((0.0, 1000.0))
    assert not _gid(fig.axes[1], "window")
    assert fig.axes[0].lines[0].get_xdata().size == t.size


def test_population_raster_colours_populations_distinctly():
    ie, te, ne = _sparse(n=80, seed=2)
    ii, ti, ni = _sparse(n=20, seed=3)
    fig = population_raster({"E": (ie, te, ne), "I": (ii, ti, ni)}, t_stop=1000.0, title="E/I")
    ax_r, ax_p = fig.axes
    spikes = [ln for ln in ax_r.lines if ln.get_gid() == "spikes"]
    assert [to_hex(ln.get_color()) for ln in spikes] == [EXCITATORY.lower(), INHIBITORY.lower()]
    rates = [ln for ln in ax_p.lines if ln.get_gid() == "rate"]
    assert [to_hex(ln.get_color()) for ln in rates] == [EXCITATORY.lower(), INHIBITORY.lower()]
    assert [t.get_text() for t in ax_r.get_legend().get_texts()] == ["E\n(80 neurons)", "I\n(20 neurons)"]
    assert spikes[1].get_ydata().min() >= 80                # I stacked above E
    assert np.mean(rates[0].get_ydata()) == pytest.approx(te.size / (ne * 1.0), rel=1e-9)


def test_population_colours_are_distinct_and_role_aware():
    c = population_colours(["inh", "exc", "input", "readout"])
    assert c["exc"] == EXCITATORY and c["inh"] == INHIBITORY
    assert len(set(c.values())) == 4
    assert len(set(population_colours([f"p{k}" for k in range(8)]).values())) == 8


def test_nice_width():
    assert nice_width(3.3) == 5.0 and nice_width(3.3, down=True) == 2.0 and nice_width(1000.0) == 1000.0


# ----------------------------------------------------------------------------- curves and ticks

def test_stdp_theory_curve_drawn_above_hollow_points_with_legend():
    dt = np.linspace(-50, 50, 21)
    dw = np.where(dt >= 0, 0.01, -0.0105) * np.exp(-np.abs(dt) / 20)
    fine = np.linspace(-50, 50, 201)
    ax = stdp_window(dt, dw, fine, np.where(fine >= 0, 0.01, -0.0105) * np.exp(-np.abs(fine) / 20)).axes[0]
    points = [ln for ln in ax.lines if ln.get_label() == "simulation"][0]
    theory = [ln for ln in ax.lines if ln.get_label() == "closed form"][0]
    assert theory.get_zorder() > points.get_zorder()
    assert points.get_markerfacecolor() == "none"
    assert np.isnan(theory.get_ydata()).sum() == 1          # no vertical line across the jump at 0
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"simulation", "closed form"}


def test_log_axes_show_plain_numbers_over_small_ranges():
    t = np.linspace(0, 10_000.0, 100)
    ax = _drawn(time_series(t, {"E": np.linspace(10, 70, 100)}, "rate (Hz)", log_y=True)).axes[0]
    labels = _tick_texts(ax, "y")
    assert labels and not any("times" in s or "×" in s or "^" in s for s in labels)
    assert {"10", "20", "50"} <= set(labels)
    f = np.array([0.1, 1.0, 10.0, 20.0, 50.0])
    ax = _drawn(frequency_dependence(f, {"+10 ms": f / 50}, log_x=True)).axes[0]
    assert {"0.1", "1", "10"} <= set(_tick_texts(ax, "x"))


def test_plain_log_ticks_below_one():
    ax = _drawn(time_series(np.arange(5.0), {"x": [0.3, 0.4, 0.5, 0.7, 0.9]}, "x (dimensionless)")).axes[0]
    ax.set_yscale("log")
    ax.set_ylim(0.3, 0.9)
    plain_log_ticks(ax, "y")
    _drawn(ax.figure)
    labels = _tick_texts(ax, "y")
    assert "0.5" in labels and not any("e-" in s or "−" in s for s in labels)


def test_axis_labels_carry_units():
    t = np.linspace(0, 5000.0, 20)
    figs = [time_series(t, {"v": t}, "V (mV)"), weight_histogram(np.full(10, 0.5), 1.0),
            weight_histogram_over_time(t, np.full((20, 4), 0.5), 1.0)]
    i, tt, n = _sparse()
    figs.append(raster(i, tt, n=n))
    for fig in figs:
        for ax in fig.axes[:2]:
            for label in (ax.get_xlabel(), ax.get_ylabel()):
                if label and label not in ("neuron index", "fraction of synapses"):
                    assert UNIT.search(label), label


def test_weight_histogram_marks():
    ax = weight_histogram(np.linspace(0, 4, 100), 4.0, unit="dimensionless", marks={"rewarded: 3.9": 3.9}).axes[0]
    line = [ln for ln in ax.lines if ln.get_label() == "rewarded: 3.9"][0]
    assert line.get_xdata()[0] == pytest.approx(3.9)


def test_rates_after_a_lesion_are_per_living_neuron():
    # 10 neurons fire 100 Hz; at 500 ms, 4 are removed and the other 6 keep firing at 100 Hz
    t = np.concatenate([np.repeat(np.arange(0.0, 500.0, 10.0), 10), np.repeat(np.arange(500.0, 1000.0, 10.0), 6)])
    i = np.concatenate([np.tile(np.arange(10), 50), np.tile(np.arange(6), 50)])
    log = [dict(t=500.0, event="cut", kind="lesion", target="E", indices=[6, 7, 8, 9]),
           dict(t=800.0, event="grow", kind="neurogenesis", target="I", indices=[5])]
    sizes = sizes_from_topology(log, "E", 10)
    assert sizes == [(500.0, 6)] and sizes_from_topology(log, "I", 6) == [(800.0, 6)]
    _, rate = population_rate(t, 10, 50.0, 0.0, 1000.0, sizes)
    np.testing.assert_allclose(rate, 100.0)
    fig = raster(i, t, n=10, bin_ms=50.0, t_stop=1000.0, sizes=sizes)
    np.testing.assert_allclose(fig.axes[1].lines[0].get_ydata(), 100.0)
