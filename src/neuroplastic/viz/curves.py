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
                title: str = "STDP window") -> Figure:
    """Measured STDP window, optionally with a theoretical curve.

    Args:
        dt: spike-timing differences ``t_post - t_pre`` in ms (positive: pre
            before post).
        dw: measured weight change for each ``dt``.
        theory_dt, theory_dw: optional theoretical curve (give both or neither);
            drawn as a line, sorted by ``theory_dt``.
        ylabel: y-axis label (state the unit or that it is relative).
        title: axes title.

    Returns:
        A figure with one axes: measured points, theory line, and zero lines.
    """
    dt = _vector("dt", dt)
    dw = _vector("dw", dw, dt.size)
    if (theory_dt is None) != (theory_dw is None):
        raise ValueError("stdp_window: give both theory_dt and theory_dw, or neither")
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    if theory_dt is not None:
        tdt = _vector("theory_dt", theory_dt)
        tdw = _vector("theory_dw", theory_dw, tdt.size)
        order = np.argsort(tdt)
        ax.plot(tdt[order], tdw[order], color="tab:red", linewidth=1.5, label="theory")
    ax.plot(dt, dw, linestyle="none", marker="o", markersize=4, color="black", label="simulation")
    ax.set_xlabel("Δt = t_post − t_pre (ms)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False)
    return fig


def frequency_dependence(freqs, model: Mapping[str, Sequence[float]],
                         data: Mapping[str, tuple] | None = None, ylabel: str = _DW_LABEL,
                         title: str = "Frequency dependence", log_x: bool = False) -> Figure:
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
        log_x: use a logarithmic frequency axis.

    Returns:
        A figure with one axes.
    """
    freqs = _vector("freqs", freqs)
    data = dict(data or {})
    if not model and not data:
        raise ValueError("frequency_dependence: give at least one model or data series")
    fig = Figure(figsize=(5.5, 4), layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    colours: dict[str, str] = {}
    cycle = iter(f"C{k}" for k in range(10_000))
    for label, values in model.items():
        colours[label] = next(cycle)
        values = _vector(f"model[{label!r}]", values, freqs.size)
        ax.plot(freqs, values, color=colours[label], linewidth=1.5, marker=".", label=f"{label} (model)")
    for label, pair in data.items():
        if len(pair) != 2:
            raise ValueError(f"data[{label!r}] must be a (mean, sem) pair")
        mean = _vector(f"data[{label!r}] mean", pair[0], freqs.size)
        sem = _vector(f"data[{label!r}] sem", pair[1], freqs.size)
        colour = colours.get(label) or colours.setdefault(label, next(cycle))
        ax.errorbar(freqs, mean, yerr=sem, linestyle="none", marker="s", markersize=5,
                    capsize=3, color=colour, label=f"{label} (data)")
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel("pairing frequency (Hz)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return fig


def time_series(t, series: Mapping[str, Sequence[float]], ylabel: str, title: str = "") -> Figure:
    """Several traces against time on one axes.

    Args:
        t: sample times in ms, shape ``(n,)``.
        series: ``label -> values`` of length ``n``.
        ylabel: y-axis label, including the unit, e.g. ``"V (mV)"``.
        title: axes title.

    Returns:
        A figure with one axes and one line per series (legend if more than one).
    """
    t = _vector("t", t)
    if not series:
        raise ValueError("time_series: series is empty")
    if not ylabel:
        raise ValueError("time_series: ylabel (with unit) is required")
    fig = Figure(figsize=(7, 3.5), layout="constrained")
    ax = fig.add_subplot()
    for label, values in series.items():
        ax.plot(t, _vector(f"series[{label!r}]", values, t.size), linewidth=1.0, label=label)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if len(series) > 1:
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
    ax.bar(x - width / 2, measured, width, label="simulation", color="tab:blue")
    ax.bar(x + width / 2, analytic, width, label="analytic", color="tab:orange")
    ax.axhline(1.0, color="0.5", linewidth=0.8, linestyle="--")
    ax.set_xticks(x, labels, rotation=30 if len(labels) > 4 else 0,
                  ha="right" if len(labels) > 4 else "center")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(frameon=False, fontsize="small")
    return fig


def isi_cv_histogram(cvs, mean_cv: float, target: float | None = None,
                     xlabel: str = "ISI CV (neurons with >= 3 spikes)") -> Figure:
    """Histogram of per-neuron ISI coefficients of variation (dimensionless).

    Marks the Poisson value (CV = 1) and, if given, the ``target`` threshold.
    """
    cvs = np.asarray(cvs, dtype=float)
    fig = Figure(figsize=(5, 3.5), layout="constrained")
    ax = fig.add_subplot()
    ax.hist(cvs, bins=40, color="tab:blue", edgecolor="white", linewidth=0.5)
    ax.axvline(1.0, color="0.4", linestyle=":", label="Poisson (CV = 1)")
    if target is not None:
        ax.axvline(target, color="tab:red", linestyle="--", label=f"target > {target:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("neurons")
    ax.set_title(f"mean CV = {mean_cv:.2f}, n = {cvs.size}")
    ax.legend(fontsize="small")
    return fig
