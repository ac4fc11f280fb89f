"""Run a comparison task into one run directory (``neuroplastic compare TASK``).

Every contender runs with the same resolved configuration on every seed of the
task's ``seeds`` parameter. The run directory (docs/run-directory.md) holds:

* ``config.toml``: ``comparison`` (the task), ``scale``, ``seeds``, ``contenders``
  and the resolved ``parameters``;
* ``metrics.json``: ``comparison`` -- per contender its family, summary, cost
  unit and, per metric, ``{mean, sd, ci_low, ci_high, n, n_missing, values}``
  over seeds (compare/stats.py) --, the mean of every metric as a scalar
  ``"<contender>.<metric>"``, the ``targets`` checked on those means, ``notes``
  and ``wall_seconds``;
* ``recordings/curve_<contender>.npz``: the learning curves, ``x`` and ``y``
  (seeds x points, NaN-padded), ``seeds``;
* ``figures/``: learning curves, the headline metrics with their intervals,
  cost against the first headline metric, and the contenders' own figures
  (first seed), named ``<contender>_<figure>``;
* ``report.html``: the self-contained report (io/report.py), with the
  comparison tables first.

Nothing is created before the configuration is checked and the optional
dependencies of every contender are found (MissingExtra names the extra).
"""
from __future__ import annotations

import importlib.util
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import MissingExtra
from ..experiments.base import Row
from ..io import RunDirectory
from .base import WALL, Task
from .registry import get_task
from .stats import summary

__all__ = ["Comparison", "run_comparison", "check_extras"]

#: optional module -> the extra that installs it
EXTRAS = {"jax": "compare", "optax": "compare", "neat": "compare", "gymnasium": "gym"}


@dataclass
class Comparison:
    """The outcome of a comparison: per contender its outcomes (one per seed) and summaries."""

    task: Task
    config: dict
    scale: str
    outcomes: dict = field(default_factory=dict)     # contender -> [Outcome per seed]
    summaries: dict = field(default_factory=dict)    # contender -> {metric: summary}
    rows: list = field(default_factory=list)         # target rows (experiments.base.Row)

    @property
    def seeds(self) -> list:
        return [int(s) for s in self.config["seeds"]]

    def mean(self, contender: str, metric: str) -> float:
        return self.summaries[contender][metric]["mean"]

    def flat(self) -> dict:
        """``"<contender>.<metric>"`` -> mean over seeds."""
        return {f"{c}.{m}": s["mean"] for c, per in self.summaries.items() for m, s in per.items()}


def check_extras(task: Task) -> None:
    """MissingExtra unless every module the task's contenders need can be imported."""
    for module in sorted({m for c in task.contenders for m in c.needs}):
        if importlib.util.find_spec(module) is None:
            extra = EXTRAS.get(module, "compare")
            raise MissingExtra(f"comparison task {task.name!r} needs {module}: pip install 'neuroplastic[{extra}]'")


def run_comparison(name: str, overrides: dict | None = None, scale: str = "full", out: str | Path = "runs",
                   log: Callable | None = None):
    """Run task ``name`` over its seeds; returns (Comparison, RunDirectory). See module doc."""
    task = get_task(name)
    config = task.resolve(overrides, scale)
    check_extras(task)
    task.check_data(config)
    rundir = RunDirectory.create(out, f"compare-{name}")
    rundir.write_config({"comparison": name, "scale": scale, "seeds": [int(s) for s in config["seeds"]],
                         "contenders": [c.name for c in task.contenders], "parameters": config})
    rundir.log(f"start comparison {name} scale={scale} seeds={list(config['seeds'])}")
    result = Comparison(task, config, scale)
    with rundir.outcome():
        start = time.perf_counter()
        for contender in task.contenders:
            result.outcomes[contender.name] = [_run_one(rundir, contender, config, seed, log)
                                               for seed in result.seeds]
        _summarise(result)
        _save(rundir, result, time.perf_counter() - start)
    return result, rundir


def _run_one(rundir, contender, config, seed, log):
    t0 = time.perf_counter()
    outcome = contender.run(config, int(seed))
    outcome.metrics[WALL] = time.perf_counter() - t0
    line = (f"{contender.name} seed {seed}: "
            + ", ".join(f"{k} {v:.6g}" for k, v in outcome.metrics.items()))
    rundir.log(line)
    if log is not None:
        log(line)
    return outcome


def _summarise(result: Comparison) -> None:
    for name, outcomes in result.outcomes.items():
        keys = list(dict.fromkeys(k for o in outcomes for k in o.metrics))
        result.summaries[name] = {k: summary([o.metrics.get(k, math.nan) for o in outcomes]) for k in keys}
    flat = result.flat()
    for tg in result.task.targets:
        if result.scale in tg.scales:
            value = flat.get(tg.metric)
            result.rows.append(Row(tg.metric, tg.description, tg.interval, value, tg.accepts(value)))


def _save(rundir: RunDirectory, result: Comparison, wall: float) -> None:
    from ..io.report import write_report
    from . import figures

    task = result.task
    comparison = {"task": task.name, "summary": task.summary, "scale": result.scale, "seeds": result.seeds,
                  "headline": list(task.headline), "curve_x": task.curve_x, "curve_y": task.curve_y,
                  "contenders": [{"name": c.name, "family": c.family, "summary": c.summary,
                                  "cost_unit": c.cost_unit, "metrics": result.summaries[c.name]}
                                 for c in task.contenders]}
    metrics = {"comparison": comparison, **result.flat(), "wall_seconds": wall,
               "targets": [dict(metric=r.metric, target=r.target, tolerance=r.tolerance, measured=r.measured,
                                passed=r.passed) for r in result.rows],
               "notes": [f"means over seeds {result.seeds}; intervals: 95 % Student t over seeds",
                         "cost units: " + "; ".join(f"{c.name}: {c.cost_unit}" for c in task.contenders)]}
    for c in task.contenders:
        x, y = _curves(result.outcomes[c.name])
        if x is not None:
            rundir.save_recording(f"curve_{c.name}", x=x, y=y, seeds=np.array(result.seeds))
        for fname, fig in result.outcomes[c.name][0].figures.items():
            rundir.save_figure(fig, f"{c.name}_{fname}")
    for fname, fig in figures.comparison_figures(result).items():
        rundir.save_figure(fig, fname)
    rundir.write_metrics(metrics)
    rundir.log(f"done in {wall:.2f} s")
    write_report(rundir.path)


def _curves(outcomes):
    """(x, y) as seeds x points arrays, NaN-padded; (None, None) without curves."""
    curves = [o.curve for o in outcomes if o.curve is not None]
    if not curves:
        return None, None
    width = max(len(np.asarray(cx)) for cx, _ in curves)
    x = np.full((len(curves), width), np.nan)
    y = np.full((len(curves), width), np.nan)
    for k, (cx, cy) in enumerate(curves):
        x[k, :len(cx)], y[k, :len(cy)] = cx, cy
    return x, y
