"""Figures of a comparison: learning curves, headline metrics with intervals, cost vs result."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..viz.style import OKABE_ITO
from .base import COST
from .stats import curve_band

__all__ = ["comparison_figures", "colours"]


def colours(names) -> dict:
    """One Okabe-Ito colour per contender, in order."""
    return {n: OKABE_ITO[k % len(OKABE_ITO)] for k, n in enumerate(names)}


def comparison_figures(result) -> dict:
    """``learning_curves`` (when any contender has one), ``headline`` and ``cost``."""
    out = {}
    if any(o.curve is not None for outs in result.outcomes.values() for o in outs):
        out["learning_curves"] = learning_curves(result)
    out["headline"] = headline(result)
    out["cost"] = cost(result)
    return out


def _title(result) -> str:
    seeds = result.seeds
    return f"{result.task.name}: {len(seeds)} seed{'s' if len(seeds) != 1 else ''} ({result.scale} scale)"


def learning_curves(result) -> Figure:
    task = result.task
    col = colours([c.name for c in task.contenders])
    fig = Figure(figsize=(8.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    spans = []
    for c in task.contenders:
        curves = [o.curve for o in result.outcomes[c.name] if o.curve is not None]
        if not curves:
            continue
        width = max(len(cx) for cx, _ in curves)
        x = np.full((len(curves), width), np.nan)
        y = np.full((len(curves), width), np.nan)
        for k, (cx, cy) in enumerate(curves):
            x[k, :len(cx)], y[k, :len(cy)] = cx, cy
        xm = np.nanmean(x, axis=0)
        mean, lo, hi = curve_band(y)
        ax.plot(xm, mean, color=col[c.name], label=c.name)
        if len(curves) > 1:
            ax.fill_between(xm, lo, hi, color=col[c.name], alpha=0.18, linewidth=0)
        finite = xm[np.isfinite(xm) & (xm > 0)]
        if finite.size:
            spans.append((finite.min(), finite.max()))
    if spans and max(s[1] for s in spans) > 100 * min(s[0] for s in spans):
        ax.set_xscale("log")
    ax.set_xlabel(task.curve_x)
    ax.set_ylabel(task.curve_y)
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"Learning curves, mean and 95 % interval over seeds -- {_title(result)}", fontsize="medium")
    return fig


def headline(result) -> Figure:
    task = result.task
    names = [c.name for c in task.contenders]
    col = colours(names)
    metrics = list(task.headline)
    fig = Figure(figsize=(min(4.2 * len(metrics), 14), 4.2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(metrics)))
    for ax, metric in zip(axes, metrics):
        for k, n in enumerate(names):
            s = result.summaries[n].get(metric)
            if s is None or s["n"] == 0:
                ax.text(k, 0, "n/a", ha="center", va="bottom", fontsize="small")
                continue
            err = None
            if np.isfinite(s["ci_low"]):
                err = [[s["mean"] - s["ci_low"]], [s["ci_high"] - s["mean"]]]
            ax.bar(k, s["mean"], color=col[n], alpha=0.75, yerr=err, capsize=3)
            vals = np.asarray(s["values"], float)
            ax.plot(np.full(vals.size, k), vals, "o", color="black", markersize=2.5)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize="small")
        ax.set_title(metric, fontsize="medium")
    fig.suptitle(f"Mean over seeds (bars), 95 % interval, each seed (dots) -- {_title(result)}")
    return fig


def cost(result) -> Figure:
    task = result.task
    names = [c.name for c in task.contenders]
    col = colours(names)
    metric = task.headline[0]
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for c in task.contenders:
        s, y = result.summaries[c.name].get(COST), result.summaries[c.name].get(metric)
        if s is None or y is None or not (np.isfinite(s["mean"]) and np.isfinite(y["mean"])) or s["mean"] <= 0:
            continue
        yerr = None if not np.isfinite(y["ci_low"]) else [[y["mean"] - y["ci_low"]], [y["ci_high"] - y["mean"]]]
        ax.errorbar([s["mean"]], [y["mean"]], yerr=yerr, fmt="o", color=col[c.name], capsize=3,
                    label=f"{c.name} ({c.cost_unit})")
    ax.set_xscale("log")
    ax.set_xlabel("cost of the work (units in the legend; log scale)")
    ax.set_ylabel(metric)
    ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"{metric} against the work done -- {_title(result)}", fontsize="medium")
    return fig
