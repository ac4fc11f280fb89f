"""A self-contained HTML report of a run directory (``neuroplastic report``).

One file, readable offline: status, for a comparison (``neuroplastic compare``)
its results and per-seed tables (io/report_compare.py), metrics against their
targets (pass/fail highlighted), every figure embedded as a base64 PNG, the resolved config (as
tables and as raw TOML), the topology log and phase timeline, the recordings
with their array shapes, ``summary.json``, ``status.json`` and ``run.log``.
Built with the standard library (:mod:`neuroplastic.io.html`); every value read
from the run's files is escaped. See ``docs/reports.md``.
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from . import html as h
from .atomic import atomic_write_text
from .report_compare import comparison_overview, comparison_section
from .rundir import CONFIG_FILE, LOG_FILE, RECORDINGS_DIR, RunRecord, load_run

__all__ = ["write_report", "report_html", "run_status", "recording_arrays"]

STATUS_FILE = "status.json"
REPORT_FILE = "report.html"
MAX_TEXT = 1_000_000      # characters of run.log / config.toml shown before cutting


def write_report(run_dir: str | os.PathLike, path: str | os.PathLike | None = None) -> Path:
    """Write the HTML report of ``run_dir`` (default ``<run_dir>/report.html``,
    atomically); returns its path.

    Raises:
        FileNotFoundError, ValueError: ``run_dir`` is not a readable run directory.
    """
    record = load_run(run_dir)
    out = Path(path) if path is not None else record.path / REPORT_FILE
    return atomic_write_text(out, report_html(record))


def report_html(record: RunRecord) -> str:
    """The report of a loaded run as one HTML document."""
    label, detail = run_status(record)
    sections = [
        f"<h1>{h.esc(record.path.name)}</h1>",
        f'<p>{h.badge(label)} {h.esc(detail)}</p>',
        f'<p class="muted">{h.esc(record.path.resolve())}</p>',
        _overview(record),
        comparison_section(record.metrics),
        _status_section(record),
        _metrics_section(record.metrics),
        _figures_section(record),
        _timeline_section(record),
        _config_section(record),
        _recordings_section(record),
        _summary_section(record.summary),
        _log_section(record),
    ]
    return h.page(f"neuroplastic run {record.path.name}", "".join(s for s in sections if s))


# ------------------------------------------------------------------------------ status

def read_status_file(path: Path) -> dict | None:
    """``status.json`` of a run (None when absent; a note when unreadable)."""
    file = path / STATUS_FILE
    if not file.is_file():
        return None
    try:
        obj = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return {"status": "unreadable", "error": f"{STATUS_FILE} is not valid JSON: {exc}"}
    return obj if isinstance(obj, dict) else {"status": str(obj)}


def run_status(record: RunRecord) -> tuple[str, str]:
    """(label, explanation): ``status`` from ``status.json`` when present; else
    ``stopped`` (metrics hold an error), ``incomplete`` (no metrics.json) or
    ``complete``."""
    status = read_status_file(record.path)
    if "error" in record.metrics:
        label, detail = "stopped", f"the simulation stopped: {record.metrics['error']}"
    elif not (record.path / "metrics.json").is_file():
        label, detail = "incomplete", "metrics.json is missing: the run did not finish (or is still running)"
    else:
        label, detail = "complete", "metrics written"
    if status is not None and isinstance(status.get("status", status.get("state")), str):
        label = status.get("status", status.get("state"))
        if detail == "metrics written":
            detail = f"from {STATUS_FILE}"
    return label, detail


def _status_section(record: RunRecord) -> str:
    status = read_status_file(record.path)
    if status is None:
        return ""
    return f"<h2>Status ({STATUS_FILE})</h2>{h.kv_table(status)}"


# ------------------------------------------------------------------------------ sections

def _overview(record: RunRecord) -> str:
    cfg = record.config
    if "experiment" in cfg:
        rows = {"experiment": cfg["experiment"], "seed": cfg.get("seed"), "scale": cfg.get("scale")}
    elif "comparison" in cfg:
        rows = comparison_overview(cfg)
    else:
        sim = cfg.get("simulation", {})
        parts = cfg.get("populations", []) + cfg.get("inputs", [])
        rows = {"model": ", ".join(f"{p.get('name')} ({p.get('n', '?')})" for p in parts) or "-",
                "projections": ", ".join(str(p.get("name")) for p in cfg.get("projections", [])) or "-",
                "duration (ms)": sim.get("duration"), "dt (ms)": sim.get("dt"), "seed": sim.get("seed")}
    for key in ("duration_ms", "wall_seconds"):
        if h.is_number(record.metrics.get(key)):
            rows[key] = record.metrics[key]
    rows["figures"], rows["recordings"] = len(record.figures), len(record.recordings)
    return "<h2>Overview</h2>" + h.kv_table(rows)


def _metrics_section(metrics: dict) -> str:
    out = ["<h2>Metrics</h2>"]
    if not metrics:
        return out[0] + '<p class="muted">none: metrics.json is missing (run incomplete)</p>'
    targets = metrics.get("targets")
    if isinstance(targets, list) and targets:
        passed = sum(bool(t.get("passed")) for t in targets if isinstance(t, dict))
        out.append(f"<h3>Targets: {passed} of {len(targets)} passed</h3>")
        out.append(h.targets_table([t for t in targets if isinstance(t, dict)]))
    out.append("<h3>Values</h3>" + h.scalar_metrics_table(metrics))
    other = {k: v for k, v in metrics.items() if k not in ("targets", "topology", "phases", "notes", "comparison")
             and isinstance(v, (list, dict))}
    if other:
        out.append("<h3>Other results</h3>" + h.kv_table(other))
    notes = metrics.get("notes")
    if isinstance(notes, list) and notes:
        out.append("<h3>Notes</h3><ul>" + "".join(f"<li>{h.esc(n)}</li>" for n in notes) + "</ul>")
    return "".join(out)


def _figures_section(record: RunRecord) -> str:
    if not record.figures:
        return '<h2>Figures</h2><p class="muted">none</p>'
    figs = "".join(h.figure(f.read_bytes(), f.name) for f in record.figures)
    return f"<h2>Figures ({len(record.figures)})</h2>{figs}"


def _config_section(record: RunRecord) -> str:
    text = (record.path / CONFIG_FILE).read_text(encoding="utf-8")
    return ("<h2>Configuration</h2>" + h.kv_table(record.config)
            + f"<h3>{CONFIG_FILE}</h3>" + h.pre(_cut(text)))


def _summary_section(summary: dict) -> str:
    return f"<h2>Summary (summary.json)</h2>{h.kv_table(summary)}" if summary else ""


def _log_section(record: RunRecord) -> str:
    file = record.path / LOG_FILE
    text = file.read_text(encoding="utf-8", errors="replace") if file.is_file() else ""
    return f"<h2>{LOG_FILE}</h2>" + (h.pre(_cut(text, keep_end=True)) if text else '<p class="muted">empty</p>')


def _cut(text: str, keep_end: bool = False) -> str:
    if len(text) <= MAX_TEXT:
        return text
    note = f"\n[... {len(text) - MAX_TEXT} characters not shown ...]\n"
    return note + text[-MAX_TEXT:] if keep_end else text[:MAX_TEXT] + note


# ------------------------------------------------------------------------------ recordings

def recording_arrays(file: Path) -> list[tuple[str, tuple, str]]:
    """(name, shape, dtype) of each array in an ``.npz``, read from the array
    headers only (no data is loaded)."""
    out = []
    with zipfile.ZipFile(file) as z:
        for member in z.namelist():
            with z.open(member) as fh:
                version = np.lib.format.read_magic(fh)
                reader = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                          else np.lib.format.read_array_header_2_0)
                shape, _, dtype = reader(fh)
            out.append((member[:-4] if member.endswith(".npy") else member, shape, str(dtype)))
    return out


def _recordings_section(record: RunRecord) -> str:
    if not record.recordings:
        return '<h2>Recordings</h2><p class="muted">none</p>'
    rows = []
    for name in record.recordings:
        file = record.path / RECORDINGS_DIR / f"{name}.npz"
        try:
            arrays = ", ".join(f"{a} {d} {tuple(s)}" for a, s, d in recording_arrays(file))
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            arrays = f"unreadable: {exc}"
        rows.append((f"{name}.npz", arrays, f"{file.stat().st_size / 1024:.1f} KiB"))
    return (f"<h2>Recordings ({len(rows)})</h2>"
            + h.table(("file", "arrays: name dtype (shape)", "size"), rows, num_cols=(2,)))


# ------------------------------------------------------------------------------ timeline

def _timeline_section(record: RunRecord) -> str:
    from .timeline import phases_of, timeline_svg

    events = record.metrics.get("topology") or []
    phases = phases_of(record.metrics, record.summary)
    if not events and not phases:
        return ""
    out = ["<h2>Timeline</h2>"]
    duration = record.metrics.get("duration_ms", record.config.get("simulation", {}).get("duration"))
    out.append(timeline_svg(duration, phases, events))
    if phases:
        out.append("<h3>Phases</h3>" + h.table(("phase", "start (ms)", "stop (ms)"),
                                               [(p[0], h.number(p[1]), h.number(p[2])) for p in phases],
                                               num_cols=(1, 2)))
    if events:
        out.append("<h3>Topology changes</h3>" + h.value_html([e for e in events if isinstance(e, dict)]))
    return "".join(out)
