"""Curves used by the reproduction experiments.

* :func:`stdp_window` -- weight change against spike-timing difference.
* :func:`frequency_dependence` -- weight change against pairing frequency,
  model lines with data points (e.g. the Sjöström et al. 2001 protocol).
* :func:`time_series` -- several traces against time.
* :func:`bar_ratios` -- measured against analytic ratios (e.g. short-term
  plasticity paired-pulse ratios).

Each function returns a one-axes :class:`matplotlib.figure.Figure` built
without pyplot.
"""
from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from .style import OKABE_ITO, plain_log_ticks
from .timeaxis import mark_time, time_unit

__all__ = ["stdp_window", "frequency_dependence", "time_series", "bar_ratios", "isi_cv_histogram"]

_DW_LABEL = "relative weight change Δw/w"


def _vector(name: str, values, length: int | None = None) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if length is not None and arr.size != length:
        raise ValueError(f"{name} must have length {length}, got {arr.size}")
    return arr


def stdp_window(dt, dw, theory_dt=None, theory_dw=None, ylabel: str = _DW_LABEL,
                title: str = "STDP window", theory_label: str = "closed form") -> Figure:
    """Measured STDP window, optionally with its closed-form curve drawn on top.

    Args:
        dt: spike-timing differences ``t_post - t_pre`` in ms (positive: pre
            before post).
        dw: measured weight change for each ``dt``.
        theory_dt, theory_dw: optional theoretical curve (give both or neither);
            drawn as a line above the points (higher ``zorder``), sorted by
            ``theory_dt`` and broken at ``dt = 0`` where the window jumps.
        ylabel: y-axis label (state the unit or that it is relative).
        title: axes title.
        theory_label: legend entry of the curve.

    Returns:
        A figure with one axes: measured points (hollow circles, label
        ``"simulation"``), the curve (label ``theory_label``), zero lines, legend.
    """
    dt = _vector("dt", dt)
    dw = _vector("dw", dw, dt.size)
    if (theory_dt is None) != (theory_dw is None):
        raise ValueError("stdp_window: give both theory_dt and theory_dw, or neither")
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0.0, color="0.6", linewidth=0.8, zorder=1)
    ax.axvline(0.0, color="0.6", linewidth=0.8, zorder=1)
    ax.plot(dt, dw, linestyle="none", marker="o", markersize=6, markerfacecolor="none",
            markeredgecolor="black", markeredgewidth=1.0, zorder=2, label="simulation")
    if theory_dt is not None:
        tdt = _vector("theory_dt", theory_dt)
        tdw = _vector("theory_dw", theory_dw, tdt.size)
        order = np.argsort(tdt, kind="stable")
        tdt, tdw = tdt[order], tdw[order]
        jump = np.flatnonzero((tdt[:-1] < 0) & (tdt[1:] >= 0)) + 1   # break the line at the jump
        tdt, tdw = np.insert(tdt, jump, np.nan), np.insert(tdw, jump, np.nan)
        ax.plot(tdt, tdw, color="#D55E00", linewidth=1.6, zorder=3, label=theory_label)
    ax.set_xlabel("Δt = t_post − t_pre (ms)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def frequency_dependence(freqs, model: Mapping[str, Sequence[float]],
                         data: Mapping[str, tuple] | None = None, ylabel: str = _DW_LABEL,
                         title: str = "Frequency dependence", log_x: bool = False, *,
                         variants: Mapping[str, str] | None = None, data_label: str = "data") -> Figure:
    """Weight change against pairing frequency: model lines and data with error bars.

    Designed for the Sjöström et al. (2001) protocol, where pairings with
    ``Δt = +10 ms`` and ``Δt = -10 ms`` are repeated at several frequencies.

    Args:
        freqs: pairing frequencies in Hz, shape ``(n_freqs,)``.
        model: ``label -> values`` (length ``n_freqs``), drawn as lines.
        data: ``label -> (mean, sem)`` (each length ``n_freqs``, NaN where not
            measured), drawn as points with error bars. A data entry with the
            same label as a model entry gets the same colour.
        ylabel: y-axis label.
        title: axes title.
        log_x: use a logarithmic frequency axis (plain-number ticks).
        variants: ``model label -> model label``: a variant of another model
            curve (another preset, say), drawn dashed in that curve's colour.
        data_label: what the data are, for the legend (e.g. the paper).

    Returns:
        A figure with one axes.
    """
    freqs = _vector("freqs", freqs)
    data = dict(data or {})
    variants = dict(variants or {})
    if not model and not data:
        raise ValueError("frequency_dependence: give at least one model or data series")
    fig = Figure(figsize=(7, 4.4), layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    colours: dict[str, str] = {}
    cycle = iter(OKABE_ITO[k % len(OKABE_ITO)] for k in range(10_000))
    for label in [m for m in model if m not in variants] + [m for m in model if m in variants]:
        values = _vector(f"model[{label!r}]", model[label], freqs.size)
        base = variants.get(label)
        colours[label] = colours[base] if base in colours else next(cycle)
        ax.plot(freqs, values, color=colours[label], linewidth=1.5, marker=".",
                linestyle="--" if base else "-", label=f"{label} (model)")
    for label, pair in data.items():
        if len(pair) != 2:
            raise ValueError(f"data[{label!r}] must be a (mean, sem) pair")
        mean = _vector(f"data[{label!r}] mean", pair[0], freqs.size)
        sem = _vector(f"data[{label!r}] sem", pair[1], freqs.size)
        colour = colours.get(label) or colours.setdefault(label, next(cycle))
        ax.errorbar(freqs, mean, yerr=sem, linestyle="none", marker="s", markersize=5,
                    capsize=3, color=colour, label=f"{label} ({data_label})")
    if log_x:
        ax.set_xscale("log")
        plain_log_ticks(ax, "x")
    ax.set_xlabel("pairing frequency (Hz)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize="medium")
    ax.legend(frameon=False, fontsize="small")
    return fig


def time_series(t, series: Mapping[str, Sequence[float]], ylabel: str, title: str = "", *,
                events=(), phases=(), references: Mapping[str, float] | None = None,
                log_y: bool = False, t_stop: float | None = None) -> Figure:
    """Several traces against time on one axes.

    Args:
        t: sample times in ms, shape ``(n,)``; shown in the unit
            :func:`~neuroplastic.viz.timeaxis.time_unit` picks for the span.
        series: ``label -> values`` of length ``n``.
        ylabel: y-axis label, including the unit, e.g. ``"V (mV)"``.
        title: axes title (what, which population, which conditions).
        events, phases: ``[(t_ms, label)]`` and ``[(t0_ms, t1_ms, name)]`` to mark.
        references: ``label -> value``: dashed horizontal reference lines
            (targets, analytic fixed points), in the legend.
        log_y: logarithmic y axis with plain-number ticks.
        t_stop: end of the time axis in ms (default: the last sample).

    Returns:
        A figure with one axes, one line per series (legend if more than one
        line or any reference); the time axis starts at 0 when the samples do.
    """
    t = _vector("t", t)
    if not series:
        raise ValueError("time_series: series is empty")
    if not ylabel:
        raise ValueError("time_series: ylabel (with unit) is required")
    t0 = 0.0 if not t.size or t.min() >= 0 else float(t.min())
    t1 = max(float(t.max()) if t.size else 1.0, float(t_stop or 0.0), t0 + 1e-6)
    unit = time_unit(t1 - t0)
    fig = Figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.add_subplot()
    for k, (label, values) in enumerate(series.items()):
        ax.plot(unit(t), _vector(f"series[{label!r}]", values, t.size), linewidth=1.0, label=label,
                color=OKABE_ITO[k % len(OKABE_ITO)])
    for k, (label, value) in enumerate((references or {}).items()):
        ax.axhline(float(value), color="0.3", linestyle=("--", ":", "-.")[k % 3], linewidth=1.0, label=label)
    ax.set_xlim(unit(t0), unit(t1))
    ax.set_xlabel(unit.label())
    ax.set_ylabel(ylabel)
    if log_y:
        ax.set_yscale("log")
        plain_log_ticks(ax, "y")
    mark_time([ax], unit, events, phases)
    if title:
        ax.set_title(title)
    if len(series) + len(references or {}) > 1:
        ax.legend(frameon=False, fontsize="small")
    return fig


def bar_ratios(labels: Sequence[str], measured, analytic, ylabel: str = "ratio (dimensionless)",
               title: str = "") -> Figure:
    """Grouped bars of measured against analytic ratios, with a reference line at 1.

    Args:
        labels: one label per ratio (e.g. ``"PPR 20 Hz"``).
        measured: simulated values, same length as ``labels``.
        analytic: analytic values, same length as ``labels``.
        ylabel: y-axis label.
        title: axes title.

    Returns:
        A figure with one axes holding two bar containers
        (``ax.containers[0]`` measured, ``ax.containers[1]`` analytic).
    """
    labels = [str(x) for x in labels]
    if not labels:
        raise ValueError("bar_ratios: labels is empty")
    measured = _vector("measured", measured, len(labels))
    analytic = _vector("analytic", analytic, len(labels))
    x = np.arange(len(labels))
    width = 0.38
    fig = Figure(figsize=(max(4.0, 1.1 * len(labels) + 2), 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(x - width / 2, measured, width, label="simulation", color=OKABE_ITO[0])
    ax.bar(x + width / 2, analytic, width, label="analytic", color=OKABE_ITO[4])
    ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle="--")
    ax.set_xticks(x, labels, rotation=30 if len(labels) > 4 else 0,
                  ha="right" if len(labels) > 4 else "center")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return fig


def isi_cv_histogram(cvs, mean_cv: float, target: float | None = None,
                     xlabel: str = "ISI CV (neurons with >= 3 spikes)",
                     title: str = "Irregularity of firing") -> Figure:
    """Histogram of per-neuron ISI coefficients of variation (dimensionless).

    Marks the mean, the Poisson value (CV = 1) and, if given, the ``target``
    threshold; the title gains the mean and the number of neurons.
    """
    cvs = np.asarray(cvs, dtype=float)
    fig = Figure(figsize=(5.5, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(cvs, bins=40, color=OKABE_ITO[0], edgecolor="white", linewidth=0.5)
    ax.axvline(mean_cv, color="black", linestyle="-", linewidth=1.2, label=f"mean {mean_cv:.2f}")
    ax.axvline(1.0, color="0.4", linestyle=":", label="Poisson (CV = 1)")
    if target is not None:
        ax.axvline(target, color=OKABE_ITO[1], linestyle="--", label=f"target > {target:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("neurons")
    ax.set_xlim(left=0)
    stats = f"mean CV {mean_cv:.2f}, n = {cvs.size:,} neurons"
    ax.set_title(f"{title}\n{stats}" if title else stats, fontsize="medium")
    ax.legend(fontsize="small")
    return fig
