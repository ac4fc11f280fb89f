"""Synaptic weight distributions: a single histogram, and its evolution in time.

Weights are binned on ``[0, w_max]``; values outside that range are clipped
into the first/last bin so that the fractions in each time slice sum to 1
(NaN weights are ignored).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .style import OKABE_ITO
from .timeaxis import mark_time, time_unit

__all__ = ["weight_histogram", "weight_histogram_over_time", "weight_fractions"]


def _check_bins(w_max: float, bins: int) -> None:
    if not np.isfinite(w_max) or w_max <= 0:
        raise ValueError(f"w_max must be a finite number > 0, got {w_max}")
    if int(bins) != bins or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins}")


def weight_fractions(w, w_max: float, bins: int = 20):
    """Fraction of synapses per weight bin.

    Args:
        w: weights, shape ``(n_synapses,)`` or ``(n_samples, n_synapses)``.
        w_max: upper edge of the last bin (lower edge of the first is 0).
        bins: number of equal-width bins.

    Returns:
        ``(edges, fractions)`` where ``edges`` has ``bins + 1`` entries and
        ``fractions`` has shape ``(bins,)`` or ``(n_samples, bins)``. Each row
        sums to 1 (or is all zero if a row holds no finite weight).
    """
    _check_bins(w_max, bins)
    w = np.asarray(w, dtype=float)
    squeeze = w.ndim == 1
    w2 = np.atleast_2d(w)
    if w2.ndim != 2:
        raise ValueError(f"w must be 1-D or 2-D (n_samples, n_synapses), got shape {w.shape}")
    edges = np.linspace(0.0, float(w_max), int(bins) + 1)
    fractions = np.zeros((w2.shape[0], int(bins)))
    for row, values in enumerate(w2):
        values = values[np.isfinite(values)]
        if values.size == 0:
            continue
        idx = np.clip((values / w_max * bins).astype(np.int64), 0, int(bins) - 1)
        fractions[row] = np.bincount(idx, minlength=int(bins)) / values.size
    return edges, (fractions[0] if squeeze else fractions)


def weight_histogram(w, w_max: float, bins: int = 20, unit: str = "nS", title: str = "", *,
                     marks: dict[str, float] | None = None) -> Figure:
    """Histogram of one set of weights, as the fraction of synapses per bin.

    Args:
        w: 1-D array of weights (in ``unit``).
        w_max: maximum weight; the bins span ``[0, w_max]``.
        bins: number of bins.
        unit: unit of the weights, shown in the x label.
        title: axes title.
        marks: ``label -> weight``: vertical lines (a particular synapse, a
            mean, a bound), in the legend.

    Returns:
        A figure with one axes.
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"weight_histogram: w must be 1-D, got shape {w.shape}")
    edges, frac = weight_fractions(w, w_max, bins)
    fig = Figure(figsize=(6, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(edges[:-1], frac, width=np.diff(edges), align="edge", color="#0072B2",
           edgecolor="white", linewidth=0.5)
    for k, (label, value) in enumerate((marks or {}).items()):
        ax.axvline(float(value), color=OKABE_ITO[(k + 1) % len(OKABE_ITO)], linestyle="--", linewidth=1.4,
                   label=label)
    if marks:
        ax.legend(frameon=False, fontsize="small")
    ax.set_xlim(0, w_max)
    ax.set_xlabel(f"weight ({unit})")
    ax.set_ylabel("fraction of synapses")
    if title:
        ax.set_title(title, fontsize="medium")
    return fig


def weight_histogram_over_time(t, w, w_max: float, bins: int = 20, unit: str = "nS",
                               title: str = "", cmap: str = "viridis", *, events=(), phases=(),
                               t_stop: float | None = None) -> Figure:
    """Weight distribution over time (heatmap) with the final histogram beside it.

    Args:
        t: sample times in ms, shape ``(n_samples,)``, strictly increasing.
        w: weights, shape ``(n_samples, n_synapses)``, in ``unit``.
        w_max: maximum weight; the bins span ``[0, w_max]``.
        bins: number of weight bins.
        unit: unit of the weights, shown in the axis labels.
        title: figure title (what, which projection, which conditions).
        cmap: matplotlib colormap name for the heatmap.
        events, phases: ``[(t_ms, label)]`` and ``[(t0_ms, t1_ms, name)]`` to mark
            (see :mod:`neuroplastic.viz.timeaxis`).
        t_stop: end of the time axis in ms (default: the last sample).

    Returns:
        A figure with three axes: ``fig.axes[0]`` the heatmap (x: time in the
        unit :func:`~neuroplastic.viz.timeaxis.time_unit` picks, from 0 when the
        samples start at or after 0; y: weight; colour: fraction of synapses),
        ``fig.axes[1]`` the histogram at the last sample (sharing the weight
        axis), ``fig.axes[2]`` the colour bar. Each sample's column reaches
        halfway to its neighbours and no further than the first and last
        sample (the axis still runs to ``t_stop``; nothing is drawn past the
        last sample).
    """
    t = np.asarray(t, dtype=float).ravel()
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or w.shape[0] != t.size:
        raise ValueError(f"weight_histogram_over_time: w must have shape (n_samples, n_synapses) "
                         f"with n_samples = len(t) = {t.size}, got {w.shape}")
    if t.size == 0:
        raise ValueError("weight_histogram_over_time: need at least one sample")
    if t.size > 1 and np.any(np.diff(t) <= 0):
        raise ValueError("weight_histogram_over_time: t must be strictly increasing")
    edges, frac = weight_fractions(w, w_max, bins)
    t_end = float(t[-1]) if t_stop is None else max(float(t_stop), float(t[-1]))
    t_begin = 0.0 if t[0] >= 0 else float(t[0])
    tu = time_unit(t_end - t_begin)
    t_edges = _time_edges(t, t_end)

    fig = Figure(figsize=(9, 4), layout="constrained")
    ax_h, ax_f = fig.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [4, 1]})
    top = max(float(frac.max()), 1e-12)
    mesh = ax_h.pcolormesh(tu(t_edges), edges, frac.T, cmap=cmap, vmin=0.0, vmax=top, shading="flat")
    ax_h.set_xlabel(tu.label())
    ax_h.set_ylabel(f"weight ({unit})")
    ax_h.set_ylim(0, w_max)
    ax_h.set_xlim(tu(t_begin), tu(t_end))
    mark_time([ax_h], tu, events, phases)
    fig.colorbar(mesh, ax=ax_f, label="fraction of synapses")

    ax_f.barh(edges[:-1], frac[-1], height=np.diff(edges), align="edge", color="#0072B2",
              edgecolor="white", linewidth=0.5)
    ax_f.set_xlabel("fraction of synapses")
    ax_f.set_title(f"at t = {tu.format(t[-1])}", fontsize="medium")
    ax_f.set_xlim(left=0)
    if title:
        fig.suptitle(title)
    return fig


def _time_edges(t: np.ndarray, t_end: float) -> np.ndarray:
    """Column edges: halfway between samples, the outer ones at the first and last sample
    (a single sample gets a column up to ``t_end``)."""
    if t.size == 1:
        return np.array([t[0], max(t_end, t[0] + 1.0)])
    mid = 0.5 * (t[:-1] + t[1:])
    return np.concatenate([[t[0]], mid, [t[-1]]])
