"""Figures of ``sleep-replay``: recall over time, a replay raster, the paired gains."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..viz import mark_time, time_unit
from ..viz.style import OKABE_ITO
from . import _sleep_network as sn

_COLOURS = {"sleep": OKABE_ITO[0], "control": OKABE_ITO[1]}
_CONTROL = {"rest": "control, rest: every rule off in the off phases",
            "awake": "control, awake: wake drive and acetylcholine, rules on"}


def _spans(c: dict) -> list:
    """The protocol's phases, the off phases named for both conditions."""
    t_w, t_s = sn.wake_duration(c), float(c["t_sleep"])
    edges = np.cumsum([0.0, t_w, t_s, t_w, t_s])
    off = f"sleep | {c['control']}"
    names = ("wake 1: set 1", off, "wake 2: set 2", off)
    return [(edges[k], edges[k + 1], names[k]) for k in range(4)]


def recall_figure(c: dict, results: list, m: dict) -> Figure:
    """Recall of set 1 (top) and set 2 (bottom) over time in both conditions: mean over
    seeds and its standard error (band), phases shaded."""
    k = int(c["n_assemblies"])
    t = results[0]["runs"]["sleep"]["t"]
    unit = time_unit(float(t.max()))
    fig = Figure(figsize=(8.0, 5.6), layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    for ax, (label, part) in zip(axes, (("set 1", slice(0, k)), ("set 2", slice(k, 2 * k)))):
        for cond in ("control", "sleep"):
            curves = np.stack([r["runs"][cond]["recall"][:, part].mean(axis=1) for r in results])
            mean = curves.mean(axis=0)
            ax.plot(unit(t), mean, "o-", color=_COLOURS[cond], markersize=3, linewidth=1.2,
                    label="sleep: plasticity on" if cond == "sleep" else _CONTROL[c["control"]])
            if len(results) > 1:
                se = curves.std(axis=0, ddof=1) / np.sqrt(len(results))
                ax.fill_between(unit(t), mean - se, mean + se, color=_COLOURS[cond], alpha=0.2, linewidth=0)
        ax.set_ylabel(f"recall of {label}")
        ax.axhline(0.0, color="0.6", linewidth=0.8)
        ax.set_xlim(0.0, unit(float(t.max())))
    axes[1].set_xlabel(unit.label())
    mark_time(list(axes), unit, phases=_spans(c))
    axes[0].legend(frameon=False, fontsize="small", loc="lower left")
    n = len(results)
    fig.suptitle(f"Recall (pattern completion from a half cue) over time, mean ± s.e. over {n} seed"
                 f"{'s' if n > 1 else ''}\nset 1 at the end: sleep {m['recall1_sleep_off2']:.3f}, "
                 f"{c['control']} {m['recall1_control_off2']:.3f}; set 2: sleep {m['recall2_sleep_off2']:.3f}, "
                 f"{c['control']} {m['recall2_control_off2']:.3f}", fontsize="medium")
    return fig


def replay_figure(c: dict, result: dict, controls, window: float = 2000.0) -> Figure:
    """Excitatory spikes in the first ``window`` ms of the second sleep phase of one seed
    (top; neurons in index order, i.e. group by group: set-1 only, shared, set-2 only), and
    per assembly the fraction of its own neurons active in each ``replay_bin`` (bottom;
    an event is a bin at or above ``replay_fraction``). Control groups: neurons of no memory."""
    mem, run = result["memories"], result["runs"]["sleep"]
    n_e, k = int(c["n_exc"]), mem.n_per_set
    t0 = float(sn.wake_duration(c) * 2 + float(c["t_sleep"]))
    t1 = min(t0 + window, t0 + float(c["t_sleep"]))
    sel = (run["spike_t"] >= t0) & (run["spike_t"] < t1)
    i, t = run["spike_i"][sel], run["spike_t"][sel]
    kind = np.full(n_e, 3)
    in1, in2 = np.zeros(n_e, bool), np.zeros(n_e, bool)
    in1[np.concatenate(mem.set1)], in2[np.concatenate(mem.set2)] = True, True
    kind[in1 & ~in2], kind[in1 & in2], kind[in2 & ~in1] = 0, 1, 2
    names = ("set 1 only", "shared", "set 2 only", "no memory")
    colours = (OKABE_ITO[0], OKABE_ITO[3], OKABE_ITO[4], "0.6")
    unit = time_unit(t1)
    fig = Figure(figsize=(8.5, 6.4), layout="constrained")
    ax_r, ax_h = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [3, 1.4]})
    for q, (name, colour) in enumerate(zip(names, colours)):
        pick = kind[i] == q
        ax_r.scatter(unit(t[pick]), i[pick], s=3.0, marker="|", color=colour, linewidths=0.8,
                     label=f"{name} ({int(np.count_nonzero(kind == q))})")
    ticks = [float(a.mean()) for a in mem.assemblies]
    ax_r.set_yticks(ticks, [f"{'A' if x < k else 'B'}{x % k + 1}" for x in range(2 * k)], fontsize="small")
    ax_r.set_ylim(-1, n_e)
    ax_r.set_ylabel("excitatory neuron (assemblies marked)")
    ax_r.legend(frameon=False, fontsize="small", loc="lower left", bbox_to_anchor=(0.0, 1.0), markerscale=6,
                ncols=4, borderaxespad=0.1)
    bin_ms = float(c["replay_bin"])
    edges = np.arange(t0, t1 + 0.5 * bin_ms, bin_ms)
    groups = list(mem.own) + list(controls)
    rows = np.zeros((len(groups), len(edges) - 1))
    for g, neurons in enumerate(groups):
        pick = np.isin(i, neurons)
        b = np.minimum(((t[pick] - t0) // bin_ms).astype(np.int64), rows.shape[1] - 1)
        pairs = np.unique(b * n_e + i[pick])
        rows[g] = np.bincount(pairs // n_e, minlength=rows.shape[1]) / max(len(neurons), 1)
    im = ax_h.imshow(rows, aspect="auto", interpolation="nearest", cmap="Greys", vmin=0.0,
                     vmax=float(c["replay_fraction"]),
                     extent=(unit(t0), unit(t1), len(groups) - 0.5, -0.5))
    labels = [f"A{x + 1}" for x in range(k)] + [f"B{x + 1}" for x in range(k)] + \
        [f"c{x + 1}" for x in range(len(controls))]
    ax_h.set_yticks(np.arange(len(groups)), labels, fontsize="x-small")
    ax_h.set_ylabel("group")
    ax_h.set_xlabel(unit.label())
    fig.colorbar(im, ax=ax_h, label="fraction of own\nneurons active\n(black: event)", shrink=0.9)
    fig.suptitle(f"Replay in sleep 2 (seed {result['seed']}, first {unit.format(t1 - t0)}): assemblies "
                 f"reactivate by themselves, no stimulus\nbottom: per {bin_ms:g} ms bin, event at >= "
                 f"{c['replay_fraction']:g}; A = set 1, B = set 2, c = groups of no memory (controls)",
                 fontsize="medium")
    return fig


def gains_figure(seeds, gains, gains2, m: dict) -> Figure:
    """Per seed: sleep - rest recall of set 1 (bars) and of set 2 (dots) at the end."""
    fig = Figure(figsize=(7.5, 4.0), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(seeds))
    ax.bar(x, gains, color=np.where(gains >= 0, OKABE_ITO[0], OKABE_ITO[1]), label="set 1")
    ax.plot(x, gains2, "o", color="black", markersize=4, label="set 2")
    p = m["recall1_gain_p_one_sided"]
    se = m["recall1_gain_se"]
    ax.axhline(m["recall1_gain"], color=OKABE_ITO[0], linestyle="--",
               label=f"set 1 mean {m['recall1_gain']:+.3f}" + ("" if np.isnan(se) else
                                                             f" ± {se:.3f} (s.e.), one-sided t-test p = {p:.1e}"))
    ax.axhline(m["recall2_gain"], color="black", linestyle=":", label=f"set 2 mean {m['recall2_gain']:+.3f}")
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.set_xticks(x, [str(s) for s in seeds], fontsize="small")
    ax.set_xlabel("seed")
    ax.set_ylabel("recall: sleep − control (end of protocol)")
    ax.set_title("Paired gain of sleep per seed (same network, input and wake-1 in both conditions)",
                 fontsize="medium")
    ax.legend(frameon=False, fontsize="small", loc="best")
    return fig
