"""Small HTML building blocks for reports and notebook summaries.

Everything is built from strings with :func:`html.escape` (the standard
library; no templating dependency): every value that comes from a file or an
object passes through :func:`esc`. The output is XHTML-compatible (every
element closed, only numeric character references), so it parses both as HTML
and as XML, and it needs nothing from the network: styles are inline, images
are ``data:`` URIs.
"""
from __future__ import annotations

import base64
import html
import json
import math
from typing import Any, Iterable, Mapping

CSS = """
.np-box { font-family: system-ui, sans-serif; font-size: 13px; line-height: 1.4; color: #222; }
.np-box h1 { font-size: 20px; margin: 0.2em 0; }
.np-box h2 { font-size: 16px; margin: 1.2em 0 0.4em; border-bottom: 1px solid #ccc; }
.np-box h3 { font-size: 14px; margin: 0.8em 0 0.3em; }
.np-box table { border-collapse: collapse; margin: 0.3em 0; }
.np-box th, .np-box td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
.np-box th { background: #f3f3f3; }
.np-box td.num { text-align: right; font-variant-numeric: tabular-nums; }
.np-box tr.pass td.verdict { background: #d8f5d8; color: #135e13; font-weight: bold; }
.np-box tr.fail td.verdict { background: #fbd6d6; color: #8a1010; font-weight: bold; }
.np-box .badge { display: inline-block; padding: 1px 8px; border-radius: 8px; font-weight: bold; }
.np-box .complete { background: #d8f5d8; color: #135e13; }
.np-box .incomplete, .np-box .stopped, .np-box .failed { background: #fbd6d6; color: #8a1010; }
.np-box .other { background: #eee; color: #333; }
.np-box pre { background: #f7f7f7; padding: 6px; overflow-x: auto; max-height: 30em; font-size: 12px; }
.np-box figure { display: inline-block; margin: 4px; vertical-align: top; }
.np-box figcaption { font-size: 12px; color: #555; }
.np-box .muted { color: #777; }
"""

MAX_LIST = 8   # list items shown before "... (n values)"


def esc(value: Any) -> str:
    """``value`` as text, escaped for HTML element content and attributes."""
    return html.escape(str(value), quote=True)


def number(value: Any) -> str:
    """A compact number (6 significant digits; ints as they are)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else f"{value:.6g}"
    return str(value)


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def value_html(value: Any, depth: int = 0) -> str:
    """A config or metrics value: dicts as key/value tables, lists of dicts as
    tables with one column per key, long lists shortened."""
    if isinstance(value, Mapping):
        return kv_table(value, depth + 1) if value else '<span class="muted">{}</span>'
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, Mapping) for v in value):
            keys = list(dict.fromkeys(k for v in value for k in v))
            return table(keys, ([value_html(v.get(k, ""), depth + 1) for k in keys] for v in value), raw=True)
        shown = ", ".join(esc(number(v)) if not isinstance(v, (Mapping, list, tuple)) else value_html(v, depth + 1)
                          for v in value[:MAX_LIST])
        more = f", ... ({len(value)} values)" if len(value) > MAX_LIST else ""
        return f"[{shown}{esc(more)}]"
    if value is None:
        return '<span class="muted">null</span>'
    return esc(number(value))


def kv_table(mapping: Mapping, depth: int = 0) -> str:
    """A two-column table: key, value (values rendered with :func:`value_html`)."""
    rows = "".join(f"<tr><th>{esc(k)}</th><td>{value_html(v, depth)}</td></tr>" for k, v in mapping.items())
    return f"<table>{rows}</table>"


def table(header: Iterable[str] | None, rows: Iterable[Iterable[Any]], raw: bool = False,
          row_classes: Iterable[str] | None = None, num_cols: Iterable[int] = ()) -> str:
    """An HTML table. Cells are escaped unless ``raw`` (then they are HTML already)."""
    num_cols = set(num_cols)
    classes = iter(row_classes) if row_classes is not None else None
    out = ["<table>"]
    if header is not None:
        out.append("<tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr>")
    for row in rows:
        cls = next(classes) if classes is not None else ""
        cells = []
        for k, cell in enumerate(row):
            attr = ' class="num"' if k in num_cols else ""
            if isinstance(cell, tuple):          # (content, css class)
                cell, extra = cell
                attr = f' class="{esc(extra)}"'
            cells.append(f"<td{attr}>{cell if raw else esc(cell)}</td>")
        out.append((f'<tr class="{esc(cls)}">' if cls else "<tr>") + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def png_img(data: bytes, alt: str, width: int | None = None) -> str:
    """An ``<img>`` holding PNG bytes as a base64 ``data:`` URI."""
    size = f' width="{int(width)}"' if width else ""
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{esc(alt)}"{size} />'


def figure(data: bytes, caption: str, width: int | None = None) -> str:
    return f"<figure>{png_img(data, caption, width)}<figcaption>{esc(caption)}</figcaption></figure>"


def badge(label: str) -> str:
    """A coloured status label (complete, incomplete, stopped, failed, other)."""
    known = ("complete", "incomplete", "stopped", "failed")
    cls = label if label in known else "other"
    return f'<span class="badge {cls}">{esc(label)}</span>'


def pre(text: str) -> str:
    return f"<pre>{esc(text)}</pre>"


def box(body: str) -> str:
    """A fragment for a notebook cell: styles scoped to ``.np-box``."""
    return f'<div class="np-box"><style>{CSS}</style>{body}</div>'


def page(title: str, body: str) -> str:
    """A complete, self-contained XHTML-compatible document."""
    return ('<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>'
            '<meta charset="utf-8" />'
            f"<title>{esc(title)}</title><style>{CSS}</style></head>"
            f'<body class="np-box">{body}</body></html>\n')


def json_text(value: Any) -> str:
    """``value`` as indented JSON (for raw views)."""
    return json.dumps(value, indent=2, sort_keys=True, default=str)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def targets_table(targets: list) -> str:
    """metrics["targets"] rows (metric, target, tolerance, measured, passed), pass/fail highlighted."""
    rows, classes = [], []
    for t in targets:
        passed = bool(t.get("passed"))
        rows.append([t.get("metric", ""), t.get("target", ""), t.get("tolerance", ""),
                     number(t.get("measured")), ("pass" if passed else "FAIL", "verdict")])
        classes.append("pass" if passed else "fail")
    return table(("metric", "target", "accepted interval", "measured", "result"), rows, row_classes=classes,
                 num_cols=(3,))


def scalar_metrics_table(metrics: Mapping) -> str:
    """Every metric that is a number, string or null, by name."""
    rows = [(k, number(v) if v is not None else "null") for k, v in metrics.items()
            if v is None or is_number(v) or isinstance(v, (str, bool))]
    return table(("metric", "value"), rows, num_cols=(1,)) if rows else '<p class="muted">no scalar metrics</p>'
