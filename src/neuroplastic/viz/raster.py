"""Spike rasters with population-rate panels, readable at any size and duration.

A raster is only readable while the spikes of one row stay apart: at 20 Hz over
300 s one neuron's 6,000 spikes make a solid bar. :func:`population_raster`
therefore measures the density (mean spikes per row per pixel column) and,
above ``max_density``, draws the raster of a short window at the end of the run
only, beside the population rate over the whole run (the window shaded). Rows
are thinned by neuron, never by spike (a thinned row would understate its
rate): at most ``max_rows`` neurons, evenly spread, and fewer if the window
would still hold more than ``max_points`` spikes.

Several populations share one raster, stacked, each in its own colour-blind-safe
colour (:func:`~neuroplastic.viz.style.population_colours`), with one rate line
each. Every figure uses one time unit (:func:`~neuroplastic.viz.timeaxis.time_unit`)
and accepts ``events`` and ``phases`` (see :mod:`neuroplastic.viz.timeaxis`).

All plotting in :mod:`neuroplastic.viz` builds :class:`matplotlib.figure.Figure`
objects directly (never through pyplot).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .style import population_colours
from .timeaxis import TimeUnit, mark_time, time_unit

__all__ = ["raster", "population_raster", "subsample_indices", "population_rate", "nice_width"]

MAX_DENSITY = 0.2       # spikes per row per pixel column above which a raster reads as a bar
_WIDTH_PX = 700.0       # pixel columns of the raster axes at the default size and 100 dpi
_HEIGHT_PT = 230.0      # height of the raster axes in points


def subsample_indices(n_total: int, max_points: int) -> np.ndarray:
    """Deterministic, evenly spread selection of at most ``max_points`` of ``n_total`` indices.

    Returns ``arange(n_total)`` when no thinning is needed, otherwise
    ``round(linspace(0, n_total - 1, max_points))`` (first and last kept).
    """
    if max_points < 1:
        raise ValueError(f"max_points must be >= 1, got {max_points}")
    if n_total <= max_points:
        return np.arange(n_total)
    if max_points == 1:
        return np.array([0])
    return np.unique(np.round(np.linspace(0, n_total - 1, max_points)).astype(np.int64))


def population_rate(t: np.ndarray, n: int, bin_ms: float, t_start: float, t_stop: float, sizes=None):
    """Population rate in Hz from spike times ``t`` (ms) of ``n`` neurons.

    Returns ``(bin_centres_ms, rate_hz)``; the rate is the spike count in each
    bin divided by the number of neurons and by the bin width in seconds. With
    ``sizes = [(t_ms, n_living), ...]`` (lesions, neurogenesis: see
    :func:`~neuroplastic.viz.timeaxis.sizes_from_topology`) a bin is divided by the
    neurons living at its start, as :class:`~neuroplastic.RateMonitor` does.
    """
    if bin_ms <= 0:
        raise ValueError(f"bin_ms must be > 0 ms, got {bin_ms}")
    n_bins = max(1, int(np.ceil((t_stop - t_start) / bin_ms - 1e-9)))
    edges = t_start + bin_ms * np.arange(n_bins + 1)
    counts, _ = np.histogram(t, bins=edges)
    living = np.full(n_bins, float(n))
    for t_change, n_after in sorted(sizes or ()):
        living[edges[:-1] >= t_change - 1e-9] = n_after
    rate = counts / (np.maximum(living, 1.0) * bin_ms * 1e-3)
    return 0.5 * (edges[:-1] + edges[1:]), rate


def nice_width(x: float, down: bool = False) -> float:
    """The 1-2-5 value (…, 0.5, 1, 2, 5, 10, …) at or above ``x`` (at or below if ``down``)."""
    x = max(float(x), 1e-9)
    k = np.floor(np.log10(x))
    steps = np.array([1.0, 2.0, 5.0, 10.0]) * 10.0 ** k
    if down:
        return float(steps[steps <= x * (1 + 1e-9)].max())
    return float(steps[steps >= x * (1 - 1e-9)].min())


@dataclass
class _Group:
    name: str
    i: np.ndarray
    t: np.ndarray
    n: int


def _group(name: str, spikes) -> _Group:
    if len(spikes) not in (2, 3):
        raise ValueError(f"raster: population {name!r} needs (i, t) or (i, t, n)")
    i = np.asarray(spikes[0]).ravel()
    t = np.asarray(spikes[1], dtype=float).ravel()
    n = spikes[2] if len(spikes) == 3 else None
    if i.shape != t.shape:
        raise ValueError(f"raster: i and t must have the same length, got {i.size} and {t.size}")
    if i.size and not np.issubdtype(i.dtype, np.integer) and not np.all(np.equal(np.mod(i, 1), 0)):
        raise ValueError("raster: neuron indices i must be integers")
    i = i.astype(np.int64)
    n = int(i.max()) + 1 if n is None and i.size else (1 if n is None else int(n))
    if n < 1:
        raise ValueError(f"raster: n must be >= 1, got {n}")
    if i.size and (i.min() < 0 or i.max() >= n):
        raise ValueError(f"raster: neuron indices must lie in [0, {n}), got range [{i.min()}, {i.max()}]")
    return _Group(str(name), i, t, n)


def raster(i, t, n: int | None = None, title: str = "", max_points: int = 200_000,
           bin_ms: float | None = None, t_stop: float | None = None, *, t_start: float | None = None,
           label: str = "", events=(), phases=(), max_rows: int = 500,
           max_density: float = MAX_DENSITY, window: tuple[float, float] | None = None,
           sizes=None) -> Figure:
    """Raster (top) and population rate (bottom) of one population.

    Same as :func:`population_raster` with the one population ``label``:
    ``i`` neuron index and ``t`` time (ms) of each spike, ``n`` the population
    size (default ``max(i) + 1``).
    """
    return population_raster({label: (i, t, n)}, title=title, bin_ms=bin_ms, t_start=t_start,
                             t_stop=t_stop, events=events, phases=phases, max_rows=max_rows,
                             max_points=max_points, max_density=max_density, window=window,
                             sizes=None if sizes is None else {label: sizes})


def population_raster(spikes: Mapping[str, tuple], title: str = "", bin_ms: float | None = None,
                      t_start: float | None = None, t_stop: float | None = None, events=(), phases=(),
                      max_rows: int = 500, max_points: int = 200_000, max_density: float = MAX_DENSITY,
                      window: tuple[float, float] | None = None, sizes: Mapping | None = None) -> Figure:
    """Raster of one or several populations (top) and their rates in Hz (bottom).

    Args:
        spikes: ``name -> (i, t)`` or ``(i, t, n)``: neuron indices, spike times
            (ms) and population size; populations are stacked bottom-up in order.
        title: figure title (say what, which populations, which conditions).
        bin_ms: rate bin width (ms); default: a 1-2-5 width giving ~300 bins.
        t_start, t_stop: time axis (ms); default ``min(0, first spike)`` to the last spike.
        events, phases: ``[(t_ms, label)]`` and ``[(t0_ms, t1_ms, name)]`` to mark.
        max_rows: at most this many neurons are drawn (evenly spread per population).
        max_points: fewer rows are drawn if the raster would hold more spikes.
        max_density: mean spikes per row per pixel column (700 columns) above which
            only a window at the end is rastered (``window`` chooses it instead).
        sizes: ``name -> [(t_ms, n_living), ...]``: living neurons over time, so that
            rates after a lesion or neurogenesis are per living neuron.

    Returns:
        A figure with ``fig.axes[0]`` the raster (one ``Line2D`` of markers per
        population, ``gid="spikes"``) and ``fig.axes[1]`` the rates over the whole
        time axis (one line per population, ``gid="rate"``). When windowed, the two
        axes do not share x and ``fig.axes[1]`` shades the window (``gid="window"``).
    """
    groups = [_group(name, s) for name, s in spikes.items()]
    if not groups:
        raise ValueError("population_raster: no populations given")
    all_t = np.concatenate([g.t for g in groups])
    t0 = float(t_start) if t_start is not None else (min(0.0, float(all_t.min())) if all_t.size else 0.0)
    t1 = float(t_stop) if t_stop is not None else (float(all_t.max()) if all_t.size else t0 + 1.0)
    t1 = max(t1, t0 + 1e-6)
    bin_ms = float(bin_ms) if bin_ms is not None else nice_width((t1 - t0) / 300.0)
    unit = time_unit(max(t1 - t0, abs(t0), abs(t1)))      # short tick labels late in a long run too
    win = _choose_window(groups, t0, t1, max_density) if window is None else tuple(map(float, window))
    shown = _choose_rows(groups, win, max_rows, max_points)

    fig = Figure(figsize=(8, 5.2), layout="constrained")
    windowed = win != (t0, t1)
    rows = sum(len(s) for s in shown)
    ratios = [1.0 if rows <= 3 else 3.0, 2.0 if windowed else 1.3]
    ax_r, ax_p = fig.subplots(2, 1, sharex=not windowed, gridspec_kw={"height_ratios": ratios})
    colours = population_colours([g.name for g in groups]) if len(groups) > 1 else {groups[0].name: "black"}
    _draw_raster(ax_r, groups, shown, win, unit, colours)
    _draw_rates(ax_p, groups, (bin_ms, t0, t1), unit, colours if len(groups) > 1 else {groups[0].name: "#0072B2"},
                sizes or {})
    ax_r.set_xlim(unit(win[0]), unit(win[1]))
    ax_p.set_xlim(unit(t0), unit(t1))
    ax_p.set_xlabel(unit.label())
    if windowed:
        ax_p.axvspan(unit(win[0]), unit(win[1]), color="0.5", alpha=0.25, linewidth=0, gid="window")
        ax_r.set_xlabel(unit.label())
        mark_time([ax_r], unit, events, phases)
        mark_time([ax_p], unit, events, phases)
    else:
        mark_time([ax_r, ax_p], unit, events, phases)
    ax_r.set_title(_note(groups, shown, win, windowed, unit), fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def _choose_window(groups, t0, t1, max_density) -> tuple[float, float]:
    rows = sum(g.n for g in groups)
    count = sum(int(np.count_nonzero((g.t >= t0) & (g.t <= t1))) for g in groups)
    density = count / rows / _WIDTH_PX
    if density <= max_density or count == 0:
        return (t0, t1)
    width = nice_width((t1 - t0) * max_density / density, down=True)
    return (max(t0, t1 - width), t1)


def _choose_rows(groups, win, max_rows, max_points) -> list[np.ndarray]:
    """Neurons drawn per population: evenly spread, at most max_rows and ~max_points spikes."""
    total = sum(g.n for g in groups)
    count = sum(int(np.count_nonzero((g.t >= win[0]) & (g.t <= win[1]))) for g in groups)
    cap = min(int(max_rows), total)
    if count > max_points:
        cap = min(cap, max(1, int(total * max_points / count)))
    return [subsample_indices(g.n, max(1, int(round(cap * g.n / total)))) for g in groups]


def _draw_raster(ax, groups, shown, win, unit: TimeUnit, colours) -> None:
    offset, centres = 0, []
    rows = sum(len(s) for s in shown)
    size = float(np.clip(0.9 * _HEIGHT_PT / max(rows, 1), 0.5, 6.0))
    for g, keep in zip(groups, shown):
        row_of = np.full(g.n, -1, np.int64)
        row_of[keep] = np.arange(len(keep))
        sel = (g.t >= win[0]) & (g.t <= win[1]) & (row_of[g.i] >= 0)
        y = row_of[g.i[sel]] + offset
        ax.plot(unit(g.t[sel]), y, linestyle="none", marker="|", markersize=size, markeredgewidth=0.7,
                color=colours[g.name], rasterized=bool(sel.sum() > 5000), gid="spikes", label=g.name)
        centres.append(offset + 0.5 * (len(keep) - 1))
        offset += len(keep)
    ax.set_ylim(-0.5, offset - 0.5)
    if len(groups) > 1:
        ax.set_yticks(centres, [g.name for g in groups])
        for k in np.cumsum([len(s) for s in shown])[:-1]:
            ax.axhline(k - 0.5, color="0.6", linewidth=0.6)
        ax.set_ylabel("neuron (by population)")
        handles = [Line2D([], [], color=colours[g.name], linewidth=3) for g in groups]
        ax.legend(handles, [f"{g.name}\n({g.n:,} neurons)" for g in groups], loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
        return
    if offset <= 10:
        ax.set_yticks(np.arange(offset))
    else:
        ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("neuron index" if len(shown[0]) == groups[0].n else "neuron (evenly spread subset)")


def _draw_rates(ax, groups, span, unit: TimeUnit, colours, sizes) -> None:
    bin_ms, t0, t1 = span
    for g in groups:
        centres, rate = population_rate(g.t, g.n, bin_ms, t0, t1, sizes.get(g.name))
        ax.plot(unit(centres), rate, color=colours[g.name], linewidth=1.0, drawstyle="steps-mid",
                gid="rate", label=g.name)
    bins = f"{bin_ms:g} ms bins" if bin_ms < 1000 else f"{bin_ms / 1000:g} s bins"
    ax.set_ylabel(f"rate (Hz)\n{bins}")
    ax.set_ylim(bottom=0)


def _note(groups, shown, win, windowed, unit: TimeUnit) -> str:
    parts = []
    total, drawn = sum(g.n for g in groups), sum(len(s) for s in shown)
    if drawn < total:
        parts.append(f"showing {drawn:,} of {total:,} neurons")
    if windowed:
        parts.append(f"raster {unit(win[0]):.4g}-{unit(win[1]):.4g} {unit.name} only (the whole run "
                     "is too dense to read); rate over the whole run below, window shaded")
    return "; ".join(parts)
