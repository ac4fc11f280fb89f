"""Figures of the ``tagging-capture`` experiment (see tagging_capture.py).

``weights_figure``: one panel per protocol, as the published figures
(Luboeinski & Tetzlaff 2021; the authors' arbor_2N1S plots): early-phase
weight h, late-phase weight as 1 + z and the total weight h + h0 z, all in % of
h0, over the whole run in hours, with the tag and protein-synthesis
thresholds, and the protein amount on a second axis. ``capture_figure``: the
late phase of the weakly stimulated pathway at the end against the gap after
the strong tetanus, with the protein of a STET-only neuron over the same time.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..viz.style import OKABE_ITO
from ..viz.timeaxis import TimeUnit

HOURS = TimeUnit("h", 3_600_000.0)
_H, _Z, _W, _P = OKABE_ITO[1], OKABE_ITO[0], OKABE_ITO[4], OKABE_ITO[2]

_TITLES = {"basic_late": "basic late: postsynaptic drive (Brian 2 test)", "STET": "STET: strong tetanus",
           "WTET": "WTET: weak tetanus", "SLFS": "SLFS: strong low-frequency stimulation",
           "WLFS": "WLFS: weak low-frequency stimulation"}


def _panel(ax, t, d, q, title, rule, ltd: bool):
    """h, 1 + z, h + h0 z (in % of h0) of pathway q, thresholds, protein on a twin axis."""
    h, z = d[f"h{q}"], d[f"z{q}"]
    ax.plot(HOURS(t), 100 * h, color=_H, label="early h")
    ax.plot(HOURS(t), 100 * (1 + z), color=_Z, label="late 1 + z")
    ax.plot(HOURS(t), 100 * (h + z), color=_W, label="total h + h0 z")
    sign = -1.0 if ltd else 1.0
    for level, style, label in ((rule.theta_tag, "--", "tag threshold"), (rule.theta_pro, "-.", "protein threshold")):
        ax.axhline(100 * (1 + sign * level / rule.h0), color="0.6", linestyle=style, linewidth=0.8, label=label)
    ax.set_title(title, fontsize="small")
    ax.set_ylabel("weight (% of h0)")
    twin = ax.twinx()
    twin.plot(HOURS(t), d["p"], color=_P, linewidth=0.9, alpha=0.8, label="protein p")
    twin.set_ylim(0, 1.05)
    twin.set_ylabel("protein p", color=_P, fontsize="small")
    return twin


def weights_figure(c, rec, groups, rule) -> Figure:
    """Early, late and total weights over time for every protocol (see module doc)."""
    from .tagging_capture import mean_traces

    names = [name for name, _, _ in groups]
    first_capture = next((k for k, n in enumerate(names) if n.startswith("capture")), None)
    first_cross = next((k for k, n in enumerate(names) if n.startswith("cross")), None)
    panels = [(names.index(n), 1, _TITLES[n], n in ("SLFS", "WLFS")) for n in _TITLES]
    if first_capture is not None:
        g = groups[first_capture][1] / HOURS.ms
        panels += [(first_capture, 1, "capture: STET, pathway 1", False),
                   (first_capture, 2, f"capture: WTET {g:g} h after STET, pathway 2", False)]
    if first_cross is not None:
        g = groups[first_cross][1] / HOURS.ms
        panels += [(first_cross, 2, f"cross-capture: WLFS {g:g} h after STET, pathway 2", True)]
    rows = (len(panels) + 1) // 2
    fig = Figure(figsize=(11, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, 2, sharex=True).ravel()
    t = np.concatenate([[0.0], rec["t"]])
    twins = []
    for ax, (g, q, title, ltd) in zip(axes, panels):
        d = {k: np.concatenate([[1.0 if k.startswith("h") else 0.0], v]) for k, v in mean_traces(rec, g).items()}
        twins.append(_panel(ax, t, d, q, title, rule, ltd))
    for ax in axes[len(panels):]:
        ax.set_visible(False)
    for ax in axes[-2:]:
        ax.set_xlabel(HOURS.label())
    handles, labels = axes[0].get_legend_handles_labels()
    extra = twins[0].get_legend_handles_labels() if twins else ([], [])
    fig.legend(handles + extra[0], labels + extra[1], loc="outside lower center", ncol=6, fontsize="small")
    fig.suptitle(f"Synaptic tagging and capture (Luboeinski & Tetzlaff 2021): mean of {int(c['trials'])} "
                 f"neurons per protocol, stimulation from {HOURS.format(c['t_stim'])}")
    return fig


def capture_figure(c, rec, groups, metrics) -> Figure:
    """Pathway 2's late phase at the end against the gap, and the protein after STET."""
    from .tagging_capture import mean_traces

    caps = [(gap, g) for g, (name, gap, _) in enumerate(groups) if name.startswith("capture")]
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.subplots()
    if caps:
        gaps = np.array([gap for gap, _ in caps])
        z2 = np.array([mean_traces(rec, g)["z2"][-1] for _, g in caps])
        sel = rec["rows"][:, 2] == 1
        per_trial = [rec["z"][-1, sel & (rec["rows"][:, 0] == g)] for _, g in caps]
        for gap, values in zip(gaps, per_trial):
            ax.plot(np.full(values.size, HOURS(gap)), values, ".", color=_Z, alpha=0.4)
        ax.plot(HOURS(gaps), z2, "o-", color=_Z, label="late phase z of pathway 2 at the end (mean, trials as dots)")
        stop = metrics.get("capture_stop_gap_h", np.nan)
        if np.isfinite(stop):
            ax.axvline(stop, color="0.4", linestyle=":", label=f"capture stops: {stop:.2f} h")
    stet = mean_traces(rec, [name for name, _, _ in groups].index("STET"))
    since = rec["t"] - c["t_stim"]
    keep = since >= 0
    ax.plot(HOURS(since[keep]), stet["p"][keep], color=_P, label="protein p after STET alone")
    ax.axhline(0.0, color="0.8", linewidth=0.8)
    ax.set_xlabel("time after the strong tetanus, or gap of the weak tetanus (h)")
    ax.set_ylabel("z (pathway 2), p")
    ax.set_title("Capture window: a weak tetanus after a strong one on another pathway of the same neuron",
                 fontsize="medium")
    ax.legend(fontsize="small")
    return fig
