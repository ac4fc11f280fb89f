"""Figures of the ``zenke2015`` experiment: rates over the whole run, the E->E
weight matrix sorted by assembly, recall responses, the ablations side by side
and the stimuli. Each returns a matplotlib Figure built without pyplot."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..viz.style import OKABE_ITO, plain_log_ticks
from ..viz.timeaxis import mark_time, time_unit
from ._stimuli import SHAPES


def _colour(k: int) -> str:
    return OKABE_ITO[k % len(OKABE_ITO)]


def rates(t_pop, rate_e, rate_i, t_grid, assembly_rates, phases, title: str, bin_s: float = 10.0) -> Figure:
    """Top: E and I population rates (thin: per bin; thick: 60-bin means).
    Bottom: the mean rate of each assembly and of the other E neurons."""
    fig = Figure(figsize=(9, 5.5), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    span = max(float(t_pop[-1]) if len(t_pop) else 1.0, float(t_grid[-1]) if len(t_grid) else 1.0)
    unit = time_unit(span)
    for k, (label, r) in enumerate((("E", rate_e), ("I", rate_i))):
        top.plot(unit(t_pop), r, color=_colour(k), linewidth=0.3, alpha=0.5)
        m = len(r) // 60 * 60
        if m:
            top.plot(unit(t_pop[:m].reshape(-1, 60).mean(1)), r[:m].reshape(-1, 60).mean(1), color=_colour(k),
                     linewidth=1.5, label=f"{label} (60 s mean)")
    top.axhspan(1.0, 10.0, color="0.85", alpha=0.5, zorder=0, label="target band for E, 1-10 Hz")
    top.set_yscale("symlog", linthresh=1.0)
    top.set_ylabel("population rate (Hz)")
    top.legend(frameon=False, fontsize="small", loc="upper right")
    for k, (label, r) in enumerate(assembly_rates.items()):
        bottom.plot(unit(t_grid), r, color=_colour(k) if label != "other E" else "0.4", linewidth=1.0, label=label)
    bottom.set_yscale("symlog", linthresh=1.0)
    bottom.set_ylabel(f"mean rate (Hz, {bin_s:g} s bins)")
    bottom.set_xlabel(unit.label())
    bottom.legend(frameon=False, fontsize="small", ncol=len(assembly_rates), loc="upper left")
    bottom.set_xlim(0.0, unit(span))
    mark_time([top, bottom], unit, phases=phases)
    top.set_title(title)
    return fig


def sorted_order(labels: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """Neuron order: assembly 0, 1, ... then the rest; and the boundaries."""
    order, edges = [], []
    for k in range(int(labels.max(initial=-1)) + 1):
        members = np.flatnonzero(labels == k)
        order.append(members)
        edges.append(sum(len(o) for o in order))
    order.append(np.flatnonzero(labels < 0))
    return np.concatenate(order), edges


def weight_matrix(w, pre, post, labels, title: str, pixels: int = 512) -> Figure:
    """E->E weights (rows: postsynaptic, columns: presynaptic) with neurons
    sorted by assembly, averaged over blocks of neurons to at most ``pixels``
    rows and columns (absent synapses count as 0)."""
    n = labels.size
    order, edges = sorted_order(labels)
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    block = max(1, int(np.ceil(n / pixels)))
    m = int(np.ceil(n / block))
    image = np.zeros((m, m))
    np.add.at(image, (rank[post] // block, rank[pre] // block), w)
    counts = np.full(m, block, float)
    counts[-1] = n - block * (m - 1)
    image /= counts[:, None] * counts[None, :]
    fig = Figure(figsize=(6.5, 5.5), layout="constrained")
    ax = fig.add_subplot()
    shown = ax.imshow(image, cmap="magma", interpolation="nearest", extent=(0, n, n, 0),
                      vmax=max(np.percentile(image, 99.5), 1e-9))
    for e in edges:
        ax.axhline(e, color="white", linewidth=0.5)
        ax.axvline(e, color="white", linewidth=0.5)
    ax.set_xlabel("presynaptic E neuron (sorted by assembly)")
    ax.set_ylabel("postsynaptic E neuron (sorted by assembly)")
    fig.colorbar(shown, ax=ax, label=f"mean weight per pair (units of g_L; {block} x {block} blocks)")
    ax.set_title(title, fontsize="medium")
    return fig


def recall(windows, n_groups: int, sizes, bin_ms: float, pre: float, cue_ms: float, title: str) -> Figure:
    """One panel per cued shape: the rate of every assembly (Hz) around the cue
    onset, averaged over that shape's cues; the evoked window shaded."""
    fig = Figure(figsize=(3.2 * n_groups, 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n_groups, sharey=True))
    sizes = np.maximum(np.asarray(sizes, float), 1.0)
    for k, ax in enumerate(axes):
        mine = [w["counts"] for w in windows if w["stimulus"] == k]
        if mine:
            mean = np.mean(mine, axis=0) / (sizes[None, :] * bin_ms * 1e-3)
            t = (np.arange(mean.shape[0]) + 0.5) * bin_ms - pre
            for g in range(n_groups):
                ax.plot(t, mean[:, g], color=_colour(g), linewidth=1.4 if g == k else 0.9,
                        label=f"assembly {SHAPES[g]}")
        ax.axvspan(0.0, cue_ms, color="0.85", zorder=0)
        ax.set_title(f"cue: half {SHAPES[k]} ({len(mine)} cues)", fontsize="medium")
        ax.set_xlabel("time from cue onset (ms)")
    axes[0].set_ylabel("assembly rate (Hz)")
    if axes[-1].get_legend_handles_labels()[0]:
        axes[-1].legend(frameon=False, fontsize="small")
    fig.suptitle(title)
    return fig


def ablations(runs: dict, limit: float, title: str, bin_s: float = 10.0) -> Figure:
    """E population rate over time for each run (name -> (t_ms, rate_Hz, outcome)), side by side."""
    fig = Figure(figsize=(3.6 * len(runs), 3.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(runs), sharey=True))
    for k, (ax, (name, (t, r, outcome))) in enumerate(zip(axes, runs.items())):
        unit = time_unit(max(float(t[-1]) if len(t) else 1.0, 1.0))
        ax.plot(unit(t), np.maximum(r, 1e-3), color=_colour(k), linewidth=1.0)
        ax.axhline(limit, color="0.3", linestyle="--", linewidth=0.8, label=f"runaway limit {limit:g} Hz")
        ax.axhspan(1.0, 10.0, color="0.85", alpha=0.5, zorder=0)
        ax.set_yscale("log")
        plain_log_ticks(ax, "y")
        ax.set_xlabel(unit.label())
        ax.set_title(f"{name}: {outcome}", fontsize="medium")
    axes[0].set_ylabel(f"E population rate (Hz, {bin_s:g} s bins)")
    axes[0].legend(frameon=False, fontsize="small")
    fig.suptitle(title)
    return fig


def stimuli(patterns, cues, n_inputs: int) -> Figure:
    """The shapes (top) and their 50 % cues (bottom) on the input grid."""
    side = int(np.sqrt(n_inputs))
    fig = Figure(figsize=(2.0 * len(patterns), 4.2), layout="constrained")
    axes = fig.subplots(2, len(patterns), squeeze=False)
    for k, (p, q) in enumerate(zip(patterns, cues)):
        for row, idx, what in ((0, p, SHAPES[k]), (1, q, f"cue ({len(q)} of {len(p)})")):
            img = np.zeros(n_inputs)
            img[idx] = 1.0
            axes[row, k].imshow(img.reshape(side, side), cmap="Greys", interpolation="nearest")
            axes[row, k].set_title(what, fontsize="small")
            axes[row, k].set_xticks([])
            axes[row, k].set_yticks([])
    fig.suptitle(f"Stimuli on the {side} x {side} input grid (+25 Hz while shown)")
    return fig
