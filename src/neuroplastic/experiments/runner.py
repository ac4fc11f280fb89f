"""Run an experiment into a run directory: config, metrics, figures, recordings, log."""
from __future__ import annotations

import platform
import time
from pathlib import Path

from ..errors import SimulationError
from ..io import RunDirectory
from .base import Result, compare
from .registry import get


def run_experiment(name: str, overrides: dict | None = None, seed: int = 0, out: str | Path = "runs",
                   scale: str = "full", progress: bool = False):
    """Run experiment ``name`` and write its run directory; returns (Result, RunDirectory).

    A SimulationError is logged, the partial result written, and then re-raised.
    """
    exp = get(name)
    config = exp.resolve(overrides, scale)
    rundir = RunDirectory.create(out, name, seed=seed)
    rundir.write_config({"experiment": name, "seed": seed, "scale": scale, "parameters": config})
    rundir.log(f"start {name} seed={seed} scale={scale} python={platform.python_version()}")
    start = time.perf_counter()
    try:
        result = exp.run(config, seed=seed, progress=progress)
    except SimulationError as err:
        rundir.log(f"stopped: {err}")
        rundir.write_metrics({"error": str(err), "step": err.step, "population": err.population,
                              "variable": err.variable})
        raise
    wall = time.perf_counter() - start
    result.metrics.setdefault("wall_seconds", wall)
    save_result(rundir, result, exp.targets, scale)
    rundir.log(f"done in {wall:.2f} s")
    return result, rundir


def save_result(rundir: RunDirectory, result: Result, targets, scale: str) -> None:
    """Write metrics (with the target comparison), figures and recordings."""
    rows = compare(result, targets, scale)
    metrics = dict(result.metrics)
    metrics["targets"] = [dict(metric=r.metric, target=r.target, tolerance=r.tolerance,
                               measured=r.measured, passed=r.passed) for r in rows]
    metrics["notes"] = list(result.notes)
    rundir.write_metrics(metrics)
    for fname, fig in result.figures.items():
        rundir.save_figure(fig, fname)
    for rname, arrays in result.recordings.items():
        rundir.save_recording(rname, **arrays)
