"""A sweep's aggregate table (``results.csv``), its failure report
(``failures.json``) and its summary figure (``summary.png``).

Columns of the table, one row per member in grid order::

    member, seed, <each swept parameter>, status, reused, error, run_dir, <each metric>

``status`` is "complete" or "failed"; ``reused`` says the run came from an
earlier invocation of the same sweep; metrics are the numbers of the member's
``metrics.json`` (the union over members, sorted; empty where a member has none).
"""
from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..io.atomic import atomic_save_figure, atomic_write_json, atomic_write_text

TABLE_FILE, FAILURES_FILE, FIGURE_FILE, GRID_FILE = "results.csv", "failures.json", "summary.png", "sweep.json"
#: Metrics that measure the machine, not the model: they differ between identical runs.
TIMING_METRICS = ("wall_seconds", "simulated_seconds_per_second")
_BOOKKEEPING = ("duration_ms", "step", "time_ms", "resumed_from_ms")
_FIXED = ("status", "reused", "error", "run_dir")


@dataclass
class SweepTable:
    """What :func:`neuroplastic.sweep` returns: the rows of ``results.csv``.

    Attributes:
        columns: the column names, in order.
        rows: one dict per member (values as written: numbers, strings, booleans, None).
        directory: the sweep directory.
        parameters: the swept parameter names; ``metric``: the one the figure shows.
    """

    columns: list
    rows: list
    directory: Path
    parameters: list = field(default_factory=list)
    metric: str | None = None

    @property
    def path(self) -> Path:
        return self.directory / TABLE_FILE

    @property
    def figure(self) -> Path:
        return self.directory / FIGURE_FILE

    @property
    def failed(self) -> list:
        return [r for r in self.rows if r["status"] != "complete"]

    def column(self, name: str) -> np.ndarray:
        """One column as an array (float where every value is a number or empty)."""
        values = [r.get(name) for r in self.rows]
        try:
            return np.array([np.nan if v is None or v == "" else float(v) for v in values])
        except (TypeError, ValueError):
            return np.array(values, dtype=object)

    def to_pandas(self):
        """The table as a pandas DataFrame (pandas is not a dependency: install it to use this)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)


def build_table(records: list[dict], order: list[str], parameters: list[str], directory: Path) -> SweepTable:
    """Rows in grid order (``order``: the member ids) from the records of the members."""
    by_id = {r["member"]: r for r in records}
    metrics = sorted({k for r in records for k in r["metrics"]})
    columns = ["member", "seed", *parameters, *_FIXED, *metrics]
    rows = []
    for member in order:
        r = by_id[member]
        row = {"member": member, "seed": r["seed"], **{p: r["params"][p] for p in parameters}}
        row.update({k: r[k] for k in _FIXED})
        row.update({m: r["metrics"].get(m) for m in metrics})
        rows.append(row)
    return SweepTable(columns, rows, directory, list(parameters))


def write_table(table: SweepTable) -> Path:
    """``results.csv`` (atomically): numbers in full precision (``repr``), None as empty."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=table.columns, lineterminator="\n")
    writer.writeheader()
    for row in table.rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return atomic_write_text(table.path, buffer.getvalue())


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    return value


def read_table(path) -> list[dict]:
    """The rows of a ``results.csv`` as strings (``float(...)`` gives the numbers back exactly)."""
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_failures(table: SweepTable) -> Path:
    """``failures.json``: each failed member's parameters, seed, error and run directory (its run.log)."""
    failed = [{"member": r["member"], "seed": r["seed"], "params": {p: r[p] for p in table.parameters},
               "error": r["error"], "run_dir": r["run_dir"],
               "log": str(Path(r["run_dir"]) / "run.log") if r["run_dir"] else ""} for r in table.failed]
    return atomic_write_json(table.directory / FAILURES_FILE, {"n_failed": len(failed), "failed": failed})


def pick_metric(table: SweepTable, preferred=()) -> str | None:
    """The metric the figure shows: the first of ``preferred`` (an experiment's
    targets) with a number, else a rate (model runs), else the first metric that
    is not a timing or bookkeeping (duration, the step of an error)."""
    names = [c for c in table.columns[len(table.parameters) + 2 + len(_FIXED):]]
    numeric = [m for m in names if np.isfinite(table.column(m).astype(float)).any()]
    rates = [m for m in numeric if m.startswith("rate_")]            # a model run's rates first
    for m in list(preferred) + rates + [m for m in numeric if m not in TIMING_METRICS + _BOOKKEEPING]:
        if m in numeric:
            return m
    return numeric[0] if numeric else None


def summary_figure(table: SweepTable, metric: str):
    """``metric`` against the first swept parameter: each seed a dot, the mean over
    seeds a line with ± one standard deviation as error bars; one line per
    combination of the other swept parameters (all seeds on one x position
    when only seeds are swept)."""
    import matplotlib.figure

    fig = matplotlib.figure.Figure(figsize=(6.4, 4.2), layout="constrained")
    ax = fig.add_subplot()
    x_name = table.parameters[0] if table.parameters else None
    done = [r for r in table.rows if r["status"] == "complete" and _number(r.get(metric)) is not None]
    for label, rows in _groups(done, table.parameters[1:]).items():
        xs = _x_values(rows, x_name)
        ys = np.array([_number(r[metric]) for r in rows])
        positions = sorted(set(xs), key=_sort_key)
        mean = [ys[[x == p for x in xs]].mean() for p in positions]
        std = [ys[[x == p for x in xs]].std() for p in positions]
        at = _positions(positions)
        line = ax.errorbar(at, mean, yerr=std, marker="o", capsize=3, label=label or None)
        ax.plot([at[positions.index(x)] for x in xs], ys, ".", alpha=0.35, color=line[0].get_color())
        if not all(isinstance(p, (int, float)) for p in positions):
            ax.set_xticks(at, [str(p) for p in positions])
    ax.set_xlabel(x_name or "all seeds")
    ax.set_ylabel(metric)
    n_seeds = len({r["seed"] for r in table.rows})
    n_failed = len(table.failed)
    ax.set_title(f"{metric}: mean ± s.d. over {n_seeds} seed{'s' * (n_seeds != 1)}"
                 + (f" ({n_failed} failed member{'s' * (n_failed != 1)} left out)" if n_failed else ""))
    if len(ax.get_legend_handles_labels()[0]) > 1:
        ax.legend(fontsize="small")
    return fig


def write_figure(table: SweepTable, metric: str | None) -> Path | None:
    if metric is None:
        return None
    table.metric = metric
    return atomic_save_figure(summary_figure(table, metric), table.figure, dpi=120)


def _groups(rows, others) -> dict:
    groups = {}
    for r in rows:
        groups.setdefault(", ".join(f"{p}={r[p]}" for p in others), []).append(r)
    return groups


def _x_values(rows, x_name):
    return [r[x_name] if x_name else "" for r in rows]


def _positions(values) -> list:
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return list(values)
    return list(range(len(values)))


def _sort_key(v):
    return (0, v, "") if isinstance(v, (int, float)) and not isinstance(v, bool) else (1, 0, str(v))


def _number(v):
    if v is None or v == "" or isinstance(v, bool):
        return None
    x = float(v)
    return x if math.isfinite(x) else None
