"""Time axes shared by every figure over time: one unit per figure, events and phases.

* :func:`time_unit` picks ms, s or min from the longest span a figure shows, so a
  figure never mixes 300,000 ms with seconds.
* :func:`mark_time` draws events (a vertical line with a label: a lesion, a
  neurogenesis step, a stimulus change) and protocol phases (a shaded span with
  its name: wake, sleep, learning on/off) on one or several axes sharing a time axis.
* :func:`events_from_topology` turns a network's ``topology_log`` into events, and
  :func:`sizes_from_topology` into the number of living neurons over time.

Events are ``(t_ms, label)`` pairs and phases ``(t0_ms, t1_ms, name)`` triples,
always in ms; the figure converts them to its unit. Every artist drawn here has
``gid`` ``"event"`` or ``"phase"`` so that callers and tests can find them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

__all__ = ["TimeUnit", "time_unit", "mark_time", "events_from_topology", "sizes_from_topology", "check_events",
           "check_phases"]

_S_FROM_MS = 2_000.0        # spans longer than this (ms) are shown in s
_MIN_FROM_MS = 1_800_000.0  # spans of 30 min and longer are shown in min

# Light, colour-blind-safe fills for phases, one per name (Okabe-Ito hues, pale).
_PHASE_FILLS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442")


@dataclass(frozen=True)
class TimeUnit:
    """A time unit for an axis: its name and how many ms one unit holds."""

    name: str
    ms: float

    def __call__(self, t_ms):
        """Convert times in ms to this unit (scalar or array)."""
        return np.asarray(t_ms, dtype=float) / self.ms if np.ndim(t_ms) else float(t_ms) / self.ms

    def label(self, what: str = "time") -> str:
        """Axis label with the unit, e.g. ``"time (s)"``."""
        return f"{what} ({self.name})"

    def format(self, t_ms: float) -> str:
        """A time as text in this unit, e.g. ``"300 s"``."""
        return f"{self(t_ms):.4g} {self.name}"


def time_unit(span_ms: float) -> TimeUnit:
    """The unit for a figure whose longest time axis spans ``span_ms`` ms.

    ms up to 2 s, s up to 30 min, min beyond: tick labels stay short (at most
    four digits) and one figure uses one unit throughout.
    """
    span = abs(float(span_ms)) if np.isfinite(span_ms) else 0.0
    if span >= _MIN_FROM_MS:
        return TimeUnit("min", 60_000.0)
    if span > _S_FROM_MS:
        return TimeUnit("s", 1_000.0)
    return TimeUnit("ms", 1.0)


def check_events(events) -> list[tuple[float, str]]:
    """Validate ``[(t_ms, label), ...]``; returns a list of ``(float, str)``."""
    out = []
    for item in events or ():
        if len(item) != 2 or not np.isfinite(float(item[0])):
            raise ValueError(f"events must be (t_ms, label) pairs with a finite time, got {item!r}")
        out.append((float(item[0]), str(item[1])))
    return out


def check_phases(phases) -> list[tuple[float, float, str]]:
    """Validate ``[(t0_ms, t1_ms, name), ...]`` with ``t0 < t1``; returns a list of triples."""
    out = []
    for item in phases or ():
        if len(item) != 3:
            raise ValueError(f"phases must be (t0_ms, t1_ms, name) triples, got {item!r}")
        t0, t1 = float(item[0]), float(item[1])
        if not (np.isfinite(t0) and np.isfinite(t1) and t1 > t0):
            raise ValueError(f"a phase needs finite times with t0 < t1, got {item!r}")
        out.append((t0, t1, str(item[2])))
    return out


def mark_time(axes: Sequence, unit: TimeUnit, events=(), phases=()) -> None:
    """Draw events and phases on every axes in ``axes``; their labels on the first only.

    Args:
        axes: matplotlib axes sharing one time axis (the top one first), their
            x limits already set (they are kept).
        unit: the figure's time unit (events and phases are given in ms).
        events: ``[(t_ms, label), ...]``: a dashed vertical line each; labels that
            would overlap an earlier one (closer than 4 % of the axis) are merged into it.
        phases: ``[(t0_ms, t1_ms, name), ...]``: a shaded span each, named at the top;
            phases of the same name share a colour.
    """
    events, phases = check_events(events), check_phases(phases)
    top = axes[0]
    lo, hi = top.get_xlim()
    fills: dict = {}                                # one fill per phase name (wake, sleep, wake ...)
    for t0, t1, name in phases:
        colour = _PHASE_FILLS[fills.setdefault(name, len(fills)) % len(_PHASE_FILLS)]
        for ax in axes:
            ax.axvspan(unit(t0), unit(t1), color=colour, alpha=0.18, linewidth=0, zorder=0, gid="phase")
        a, b = max(unit(t0), lo), min(unit(t1), hi)
        if b > a:                                   # name the visible part of the phase
            top.text(0.5 * (a + b), 0.98, name, transform=top.get_xaxis_transform(), ha="center",
                     va="top", fontsize="small", color="0.2", gid="phase", clip_on=True)
    for ax in axes:
        for t, _ in events:
            ax.axvline(unit(t), color="0.15", linestyle="--", linewidth=0.9, zorder=4, gid="event")
    _label_events(top, unit, [(t, label) for t, label in events if lo <= unit(t) <= hi], hi - lo)
    for ax in axes:
        ax.set_xlim(lo, hi)


def _label_events(ax, unit: TimeUnit, events: list[tuple[float, str]], span: float) -> None:
    """Label event lines at the top of ``ax``; labels closer than 4 % of the axis are merged."""
    groups: list[list] = []
    for t, label in sorted(events):
        x = unit(t)
        if groups and x - groups[-1][0] < 0.04 * span:
            if label not in groups[-1][1]:
                groups[-1][1].append(label)
        else:
            groups.append([x, [label]])
    for x, labels in groups:
        ax.text(x, 0.97, "; ".join(labels), transform=ax.get_xaxis_transform(), rotation=90,
                ha="right", va="top", fontsize="small", color="0.15", gid="event", clip_on=True,
                bbox=dict(facecolor="white", alpha=0.75, edgecolor="none", pad=1.0))


def events_from_topology(log) -> list[tuple[float, str]]:
    """Events ``(t_ms, label)`` from a network's ``topology_log``.

    Each entry becomes e.g. ``(5000.0, "lesion E: -120 neurons")`` or
    ``(20000.0, "neurogenesis E: +40 neurons")``; synapse lesions count synapses.
    """
    words = {"lesion": "lesion", "neurogenesis": "neurogenesis", "remove": "removed",
             "prune_silent": "silent pruned"}
    out = []
    for entry in log or ():
        kind = str(entry.get("kind", "event"))
        if "ids" in entry:
            count, what = len(entry["ids"]), "synapses"
        else:
            count, what = len(entry.get("indices", ())), "neurons"
        sign = "+" if kind == "neurogenesis" else "-"
        out.append((float(entry["t"]), f"{words.get(kind, kind)} {entry.get('target', '')}: {sign}{count} {what}"))
    return out


def sizes_from_topology(log, population: str, n_indices: int) -> list[tuple[float, int]]:
    """Living neurons of ``population`` after each change in a ``topology_log``.

    ``n_indices`` is the population's size at the end (``Network.size``: removed
    neurons keep their index, grown ones are counted), so the population started
    with ``n_indices`` minus the neurons grown. Lesions, removals and pruning
    subtract their neurons, neurogenesis adds them. Returns ``[(t_ms, n_living), ...]``
    for :func:`~neuroplastic.viz.raster.population_rate` (empty if nothing changed).
    """
    mine = [e for e in log or () if e.get("target") == population and "indices" in e]
    n = int(n_indices) - sum(len(e["indices"]) for e in mine if e.get("kind") == "neurogenesis")
    out = []
    for entry in mine:
        n += len(entry["indices"]) if entry.get("kind") == "neurogenesis" else -len(entry["indices"])
        out.append((float(entry["t"]), n))
    return out
