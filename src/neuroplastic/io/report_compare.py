"""The comparison sections of a run report (``neuroplastic compare``; io/report.py).

A comparison run's ``metrics.json`` holds ``comparison`` (compare/runner.py):
the task, the seeds, the headline metrics and, per contender, its family,
summary, cost unit and per-metric summaries over seeds. These sections show
them: the results table (mean and 95 % interval of every headline and standard
metric), the contenders, and every metric of every contender with its value
for each seed. Values are escaped like the rest of the report.
"""
from __future__ import annotations

import math

from . import html as h

__all__ = ["comparison_overview", "comparison_section", "interval"]

_STANDARD = ("cost", "examples", "labelled_examples", "connections", "wall_s")


def comparison_overview(cfg: dict) -> dict:
    """Overview rows of a comparison run's config.toml."""
    return {"comparison": cfg.get("comparison"), "scale": cfg.get("scale"),
            "seeds": cfg.get("seeds"), "contenders": ", ".join(map(str, cfg.get("contenders", [])))}


def interval(s) -> str:
    """``mean [low, high]`` of a summary (``mean`` alone without an interval; ``n/a`` without values)."""
    if not isinstance(s, dict) or not h.is_number(s.get("mean")) or math.isnan(s["mean"]):
        missing = s.get("n_missing") if isinstance(s, dict) else None
        return f"n/a (not reached in {missing})" if missing else "n/a"
    text = h.number(s["mean"])
    lo, hi = s.get("ci_low"), s.get("ci_high")
    if h.is_number(lo) and h.is_number(hi) and not (math.isnan(lo) or math.isnan(hi)):
        text += f" [{h.number(lo)}, {h.number(hi)}]"
    if s.get("n_missing"):
        text += f" ({s['n_missing']} of {s['n'] + s['n_missing']} seeds: not reached)"
    return text


def comparison_section(metrics: dict) -> str:
    """The results, contenders and per-seed tables ('' when the run is not a comparison)."""
    comp = metrics.get("comparison")
    if not isinstance(comp, dict) or not isinstance(comp.get("contenders"), list):
        return ""
    contenders = [c for c in comp["contenders"] if isinstance(c, dict)]
    seeds = comp.get("seeds") or []
    out = [f"<h2>Comparison: {h.esc(comp.get('task', '?'))}</h2>",
           f"<p>{h.esc(comp.get('summary', ''))}</p>",
           f"<p>{h.plural(len(seeds), 'seed')} ({h.esc(', '.join(map(str, seeds)))}), "
           f"{h.esc(comp.get('scale', '?'))} scale; mean [95 % interval] over seeds.</p>",
           _results_table(contenders, list(comp.get("headline") or [])),
           "<h3>Contenders</h3>",
           h.table(("contender", "family", "what it is", "cost unit"),
                   [(c.get("name"), c.get("family"), c.get("summary"), c.get("cost_unit")) for c in contenders]),
           "<h3>Every metric, per seed</h3>", _per_seed_table(contenders, seeds)]
    return "".join(out)


def _results_table(contenders: list, headline: list) -> str:
    columns = list(dict.fromkeys(headline + list(_STANDARD)))
    rows = []
    for c in contenders:
        per = c.get("metrics") if isinstance(c.get("metrics"), dict) else {}
        rows.append([c.get("name")] + [interval(per.get(m)) for m in columns])
    return "<h3>Results</h3>" + h.table(["contender"] + columns, rows, num_cols=range(1, len(columns) + 1))


def _per_seed_table(contenders: list, seeds: list) -> str:
    rows = []
    for c in contenders:
        per = c.get("metrics") if isinstance(c.get("metrics"), dict) else {}
        for metric, s in per.items():
            if not isinstance(s, dict):
                continue
            values = s.get("values") or []
            sd = s.get("sd")
            rows.append([c.get("name"), metric, interval(s), h.number(sd) if h.is_number(sd) else "n/a"]
                        + [h.number(v) if v is not None else "null" for v in values])
    header = ["contender", "metric", "mean [95 % interval]", "sd"] + [f"seed {sd}" for sd in seeds]
    return h.table(header, rows, num_cols=range(2, len(header)))
