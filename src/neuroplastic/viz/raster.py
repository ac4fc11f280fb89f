"""Spike raster with a population-rate panel.

All plotting in :mod:`neuroplastic.viz` builds :class:`matplotlib.figure.Figure`
objects directly (never through pyplot), so it works without a display and
never changes the global matplotlib backend. Save figures with
``fig.savefig(path)`` or :func:`neuroplastic.io.atomic_save_figure`.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

__all__ = ["raster", "subsample_indices", "population_rate"]


def subsample_indices(n_total: int, max_points: int) -> np.ndarray:
    """Deterministic, evenly spread selection of at most ``max_points`` of ``n_total`` indices.

    Returns ``arange(n_total)`` when no thinning is needed. Otherwise the
    indices ``round(linspace(0, n_total - 1, max_points))`` are returned, which
    keeps the first and last item and spreads the rest evenly (spikes are
    usually stored in time order, so the thinning is uniform in time).
    """
    if max_points < 1:
        raise ValueError(f"max_points must be >= 1, got {max_points}")
    if n_total <= max_points:
        return np.arange(n_total)
    if max_points == 1:
        return np.array([0])
    return np.unique(np.round(np.linspace(0, n_total - 1, max_points)).astype(np.int64))


def population_rate(t: np.ndarray, n: int, bin_ms: float, t_start: float, t_stop: float):
    """Population rate in Hz from spike times ``t`` (ms) of ``n`` neurons.

    Returns ``(bin_centres_ms, rate_hz)``; the rate is the spike count in each
    bin divided by ``n`` and by the bin width in seconds.
    """
    if bin_ms <= 0:
        raise ValueError(f"bin_ms must be > 0 ms, got {bin_ms}")
    n_bins = max(1, int(np.ceil((t_stop - t_start) / bin_ms)))
    edges = t_start + bin_ms * np.arange(n_bins + 1)
    counts, _ = np.histogram(t, bins=edges)
    rate = counts / (max(n, 1) * bin_ms * 1e-3)
    return 0.5 * (edges[:-1] + edges[1:]), rate


def raster(i, t, n: int | None = None, title: str = "", max_points: int = 200_000,
           bin_ms: float = 5.0, t_stop: float | None = None) -> Figure:
    """Spike raster (top) and population rate (bottom) on a shared time axis.

    Args:
        i: neuron index of each spike (integers).
        t: time of each spike, in ms (same length as ``i``).
        n: number of neurons in the population; defaults to ``max(i) + 1``.
            Used for the y-range of the raster and to normalise the rate.
        title: figure title.
        max_points: at most this many spikes are drawn in the raster; larger
            inputs are thinned deterministically with :func:`subsample_indices`
            (the title then says how many are shown). The rate panel always
            uses every spike.
        bin_ms: width of the population-rate bins, in ms.
        t_stop: end of the time axis in ms; defaults to the last spike time.

    Returns:
        A figure with two axes: ``fig.axes[0]`` the raster (one ``Line2D`` of
        markers), ``fig.axes[1]`` the population rate in Hz.
    """
    i = np.asarray(i).ravel()
    t = np.asarray(t, dtype=float).ravel()
    if i.shape != t.shape:
        raise ValueError(f"raster: i and t must have the same length, got {i.size} and {t.size}")
    if i.size and not np.issubdtype(i.dtype, np.integer):
        if not np.all(np.equal(np.mod(i, 1), 0)):
            raise ValueError("raster: neuron indices i must be integers")
    i = i.astype(np.int64)
    if n is None:
        n = int(i.max()) + 1 if i.size else 1
    if n < 1:
        raise ValueError(f"raster: n must be >= 1, got {n}")
    if i.size and (i.min() < 0 or i.max() >= n):
        raise ValueError(f"raster: neuron indices must lie in [0, {n}), got range [{i.min()}, {i.max()}]")

    t_start = min(0.0, float(t.min())) if t.size else 0.0
    if t_stop is None:
        t_stop = float(t.max()) if t.size else bin_ms
    t_stop = max(float(t_stop), t_start + bin_ms)

    keep = subsample_indices(t.size, max_points)
    shown_i, shown_t = i[keep], t[keep]

    fig = Figure(figsize=(8, 5), layout="constrained")
    ax_r, ax_p = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1]})
    marker_size = float(np.clip(300.0 / n, 0.5, 4.0))
    ax_r.plot(shown_t, shown_i, linestyle="none", marker="|", markersize=marker_size,
              markeredgewidth=0.6, color="black", rasterized=shown_t.size > 5000)
    ax_r.set_ylim(-0.5, n - 0.5)
    ax_r.set_ylabel("neuron index")
    full_title = title
    if keep.size < t.size:
        note = f"showing {keep.size:,} of {t.size:,} spikes"
        full_title = f"{title} ({note})" if title else note
    if full_title:
        ax_r.set_title(full_title)

    centres, rate = population_rate(t, n, bin_ms, t_start, t_stop)
    ax_p.plot(centres, rate, color="tab:blue", linewidth=1.0, drawstyle="steps-mid")
    ax_p.set_ylabel("rate (Hz)")
    ax_p.set_xlabel("time (ms)")
    ax_p.set_xlim(t_start, t_stop)
    ax_p.set_ylim(bottom=0)
    ax_p.text(0.995, 0.95, f"bin {bin_ms:g} ms", transform=ax_p.transAxes,
              ha="right", va="top", fontsize="small", color="0.4")
    return fig
