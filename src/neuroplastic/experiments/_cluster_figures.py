"""Figures of the ``clustered-vs-dispersed`` experiment."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from . import _subunit_fits as sf


def _band(ax, x, rows, colour, label):
    rows = np.asarray(rows, float)
    ax.plot(x, rows.mean(axis=0), "o-", color=colour, label=label)
    if len(rows) > 1:
        ax.fill_between(x, rows.min(axis=0), rows.max(axis=0), color=colour, alpha=0.2)


def clusters_figure(c, s: dict, runs: list) -> Figure:
    """Left: rate against synapses per branch for ``sweep_total`` synapses.
    Right: rate against active synapses, in clusters of ``cluster_size``
    against one per branch. Mean over seeds, band min-max."""
    fig = Figure(figsize=(10.0, 4.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    _band(left, s["per_branch"], [r["sweep"] for r in runs], "C0", "mean over seeds (band: min-max)")
    left.set_xscale("log", base=2)
    left.set_xticks(s["per_branch"], [str(m) for m in s["per_branch"]])
    left.set_xlabel(f"active synapses per branch ({int(c['sweep_total'])} in all)")
    left.set_ylabel("output rate (Hz)")
    left.set_title("dispersed (1 per branch) ... all on one branch")
    left.legend(fontsize=8)
    _band(right, s["ns"], [r["clustered"] for r in runs], "C3", f"clustered ({int(c['cluster_size'])} per branch)")
    _band(right, s["ns"], [r["dispersed"] for r in runs], "C0", "dispersed (1 per branch)")
    right.set_xlabel("active synapses")
    right.set_ylabel("output rate (Hz)")
    right.set_title(f"{int(c['branches'])} NMDA branches, synapses at {c['rate']:g} Hz")
    right.legend(fontsize=8)
    return fig


def fits_figure(run: dict) -> Figure:
    """Held-out patterns of one seed: predicted against measured rate, point
    neuron and two-layer model, each with its R^2."""
    fig = Figure(figsize=(10.0, 4.6), layout="constrained")
    y = run["measured"]
    top = 1.05 * max(float(y.max()), float(run["predicted_point"].max()), float(run["predicted_two_layer"].max()), 1.0)
    for ax, key, name, colour in zip(fig.subplots(1, 2), ("point", "two_layer"),
                                     ("point neuron: g(sum n_k)", "two-layer: g(sum s(n_k))"), ("C0", "C3")):
        ax.scatter(y, run[f"predicted_{key}"], s=10, color=colour, alpha=0.7)
        ax.plot([0, top], [0, top], color="0.5", ls=":")
        ax.set_xlim(0, top)
        ax.set_ylim(0, top)
        ax.set_aspect("equal")
        ax.set_xlabel("measured rate (Hz)")
        ax.set_ylabel("predicted rate (Hz)")
        ax.set_title(f"{name}\nheld-out R$^2$ = {run[f'r2_{key}']:.2f}")
    return fig


def subunit_figure(runs: list) -> Figure:
    """The fitted branch subunit s(n) of every seed."""
    fig = Figure(figsize=(6.0, 4.0), layout="constrained")
    ax = fig.add_subplot()
    top = max(int(r["mixed_counts"].max()) for r in runs)
    n = np.linspace(0, top, 300)
    for k, r in enumerate(runs):
        ax.plot(n, sf.subunit(n, *r["two_layer_params"][:3]), color="C3", alpha=0.7,
                label="fitted s(n), one line per seed" if k == 0 else None)
    ax.set_xlabel("active synapses on the branch")
    ax.set_ylabel("subunit output s(n)")
    ax.set_title("Branch subunit of the two-layer fit")
    ax.legend(fontsize=8)
    return fig
