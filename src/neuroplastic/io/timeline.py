"""A run's timeline for reports: protocol phases as bars, topology changes as ticks.

Phases are read from ``metrics["phases"]`` (or ``summary["phases"]``): a list
of tables with a name (``name`` or ``phase``) and bounds in ms (``start_ms`` /
``stop_ms``, ``t0_ms`` / ``t1_ms`` as model runs write them, ``start`` / ``stop``
or ``t0`` / ``t1``). Topology changes are the
rows of ``metrics["topology"]`` (``t_ms``, ``event``, ``kind``, ``target``,
``count``), as ``run_model`` writes them. The drawing is inline SVG, so the
report needs no script or image file.
"""
from __future__ import annotations

from .html import esc, is_number, number

WIDTH, BAR, PAD = 760, 18, 10
_COLOURS = ("#8fb8de", "#f2b880", "#9fd39f", "#d9a3d9", "#e6d67a", "#a3c9c9")


def _bound(entry: dict, *keys):
    for key in keys:
        if is_number(entry.get(key)):
            return float(entry[key])
    return None


def phases_of(metrics: dict, summary: dict) -> list[tuple[str, float, float]]:
    """(name, start ms, stop ms) of each phase that states both bounds."""
    raw = metrics.get("phases") or summary.get("phases") or []
    out = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        start = _bound(entry, "start_ms", "t0_ms", "start", "t0")
        stop = _bound(entry, "stop_ms", "t1_ms", "stop", "end", "t1")
        if start is not None and stop is not None:
            out.append((str(entry.get("name", entry.get("phase", "phase"))), start, stop))
    return out


def timeline_svg(duration, phases: list, events: list) -> str:
    """An SVG strip from 0 to ``duration`` ms (else to the last phase or event)."""
    times = [p[2] for p in phases] + [float(e["t_ms"]) for e in events
                                      if isinstance(e, dict) and is_number(e.get("t_ms"))]
    end = float(duration) if is_number(duration) and duration > 0 else max(times + [1.0])

    def x(t: float) -> float:
        return PAD + (WIDTH - 2 * PAD) * min(max(t / end, 0.0), 1.0)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{3 * BAR + 2 * PAD}" '
             f'role="img" aria-label="run timeline">',
             f'<line x1="{PAD}" y1="{2 * BAR}" x2="{WIDTH - PAD}" y2="{2 * BAR}" stroke="#999" />']
    for k, (name, start, stop) in enumerate(phases):
        parts.append(f'<rect x="{x(start):.1f}" y="{PAD}" width="{max(x(stop) - x(start), 1):.1f}" '
                     f'height="{BAR}" fill="{_COLOURS[k % len(_COLOURS)]}"><title>{esc(name)}: '
                     f'{number(start)}-{number(stop)} ms</title></rect>')
        parts.append(f'<text x="{x(start) + 3:.1f}" y="{PAD + BAR - 5}" font-size="11">{esc(name)}</text>')
    for e in events:
        if isinstance(e, dict) and is_number(e.get("t_ms")):
            label = f"{e.get('event', '')} {e.get('kind', '')} {e.get('target', '')} at {number(e['t_ms'])} ms"
            parts.append(f'<line x1="{x(e["t_ms"]):.1f}" y1="{PAD}" x2="{x(e["t_ms"]):.1f}" y2="{2 * BAR + 6}" '
                         f'stroke="#c0392b" stroke-width="2"><title>{esc(label)}</title></line>')
    parts.append(f'<text x="{PAD}" y="{3 * BAR + PAD}" font-size="11">0 ms</text>')
    parts.append(f'<text x="{WIDTH - PAD}" y="{3 * BAR + PAD}" font-size="11" text-anchor="end">'
                 f'{number(end)} ms</text></svg>')
    return "".join(parts)
