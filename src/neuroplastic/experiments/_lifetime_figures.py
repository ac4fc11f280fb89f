"""Figures of ``lifetime``: the one-page timeline and the ablation table."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

_SHADE = {"sleep": "#c6d4f0", "rest": "#e6e6e6", "recover-static": "#f0d0c6"}


def timeline(c: dict, result: dict) -> Figure:
    """Rates, mean weights, synapse count, threshold offset, dopamine (level at each row and
    the count of releases so far), and recall at every probe, against time (h), sleep phases
    shaded, the lesion marked."""
    tl = result["timeline"]
    a = tl.array()
    h = a["t"] / 3_600_000.0
    fig = Figure(figsize=(8.3, 11.0), layout="constrained")
    axes = fig.subplots(6, 1, sharex=True)
    panels = ((("rate_exc", "E"), ("rate_inh", "I")), "rate (Hz)"), \
        ((("w_ee", "E->E"),), "mean E->E w (nS)"), ((("w_ie", "I->E"),), "mean I->E w (nS)"), \
        ((("n_ee", "E->E synapses"),), "synapses"), ((("theta", "theta (mV)"), ("dopamine", "dopamine")), "level")
    for ax, (series, label) in zip(axes, panels):
        for key, name in series:
            ax.plot(h, a[key], lw=0.8, label=name)
        ax.set_ylabel(label)
        if len(series) > 1:
            ax.legend(loc="upper right", fontsize=7)
    axes[0].axhspan(1.0, 20.0, color="#d8f0d8", zorder=0, label="healthy band")
    rewards = np.asarray(tl.rewards) / 3_600_000.0     # the level decays in 200 ms: releases shown as a count
    twin = axes[4].twinx()
    twin.step(np.concatenate([[0.0], rewards, [h[-1] if h.size else 0.0]]),
              np.concatenate([[0], np.arange(1, rewards.size + 1), [rewards.size]]), where="post", color="C2", lw=0.8)
    twin.set_ylabel("rewards so far", color="C2")
    ax = axes[-1]
    t = np.array([p[0] for p in tl.probes]) / 3_600_000.0
    r = np.array([p[1] for p in tl.probes])
    pats = result["patterns"]
    for k in range(r.shape[1] if r.size else 0):
        tag = "rewarded" if k == pats.rewarded else f"set {1 if k < pats.n_first else 2}"
        ax.plot(t, r[:, k], "o-", ms=3, lw=1, label=f"pattern {k} ({tag})")
    ax.set_ylabel("recall")
    ax.set_xlabel("time (h)")
    ax.legend(loc="lower left", fontsize=7, ncol=2)
    for ax in axes:
        for t0, t1, name in tl.phases:
            if name in _SHADE:
                ax.axvspan(t0 / 3_600_000.0, t1 / 3_600_000.0, color=_SHADE[name], zorder=-1, lw=0)
        for t_ev, _ in tl.events:
            ax.axvline(t_ev / 3_600_000.0, color="k", ls="--", lw=0.8)
    axes[0].set_title("lifetime: one run (sleep shaded blue; dashed: lesion)")
    return fig


def ablation_figure(table: dict) -> Figure:
    """The ablation table as a figure: one row per family switched off, one column per
    property, each cell the measured value (coloured by its change from 'all')."""
    from .lifetime import PROPERTIES

    families = list(table["family"])
    values = np.array([table[k] for k in PROPERTIES], dtype=float).T
    base = values[0]
    change = np.where(np.abs(base) > 1e-12, (values - base) / np.abs(base), 0.0)
    change = np.where(np.isfinite(change), change, -1.0)
    fig = Figure(figsize=(10, 0.45 * len(families) + 1.5), layout="constrained")
    ax = fig.add_subplot()
    ax.imshow(np.clip(change, -1, 1), cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            stopped = f"blew up at {table['stopped_ms'][i] / 1000:.0f} s"
            text = f"{values[i, j]:.3g}" if np.isfinite(values[i, j]) else stopped
            ax.text(j, i, text, ha="center", va="center", fontsize=8 if np.isfinite(values[i, j]) else 6)
    ax.set_xticks(range(len(PROPERTIES)), PROPERTIES, rotation=20, fontsize=8)
    ax.set_yticks(range(len(families)), ["all on"] + [f"no {f}" for f in families[1:]])
    ax.set_title(f"lifetime ablations (seeds {[int(s) for s in table['seeds']]}; colour: relative change from all on)")
    return fig
