"""Run an experiment into a run directory: config, metrics, figures, recordings, log."""
from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np

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
        err.run_dir = rundir.path
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


def run_model(model, duration: float, seed: int = 0, out: str | Path = "runs", name: str = "model",
              progress: bool = False) -> RunDirectory:
    """Run a model description for ``duration`` ms into a new run directory.

    Writes the resolved config, metrics (spike counts and rates per monitored
    population, wall time), every monitor's recordings and figures. On a
    SimulationError the recordings so far and the error are written, then it is
    re-raised.
    """
    from ..engine import Network
    from ..model.config import model_to_dict

    rundir = RunDirectory.create(out, name, seed=seed)
    rundir.write_config(model_to_dict(model, duration=duration, seed=seed))
    rundir.log(f"start model run: duration={duration} ms seed={seed}")
    net = Network(model, seed=seed)
    start = time.perf_counter()
    try:
        net.run(duration, progress=progress)
    except SimulationError as err:
        rundir.log(f"stopped: {err}")
        _save_monitors(rundir, net)
        rundir.write_metrics({"error": str(err), "step": err.step, "time_ms": err.time_ms,
                              "population": err.population, "variable": err.variable})
        err.run_dir = rundir.path
        raise
    wall = time.perf_counter() - start
    metrics = {"duration_ms": net.t, "wall_seconds": wall, "simulated_seconds_per_second": net.t * 1e-3 / max(wall, 1e-12)}
    metrics.update(_save_monitors(rundir, net))
    if net.topology_log:
        metrics["topology"] = [{"t_ms": e["t"], "event": e["event"], "kind": e["kind"], "target": e["target"],
                                "count": len(e.get("indices", e.get("ids", [])))} for e in net.topology_log]
        for pop in net.model.populations:
            if "alive" in net._population(pop).arrays:
                metrics[f"neurons_{pop}"] = int(net.alive(pop).sum())
    rundir.write_metrics(metrics)
    rundir.log(f"done in {wall:.2f} s")
    return rundir


def _save_monitors(rundir: RunDirectory, net) -> dict:
    """Write every monitor's recordings and figures; returns per-population metrics."""
    from .. import viz

    metrics = {}
    events = viz.events_from_topology(net.topology_log)     # lesions, neurogenesis: marked on figures over time
    for mon in net.model.monitors.values():
        data = net.monitor(mon.name)
        kind = type(mon).__name__
        if kind == "SpikeMonitor":
            n = net.size(mon.population)
            rundir.save_spikes(mon.population, data["i"], data["t"])
            metrics[f"spikes_{mon.population}"] = int(len(data["t"]))
            metrics[f"rate_{mon.population}_hz"] = len(data["t"]) / (n * max(net.t, net.dt) * 1e-3)
            sizes = viz.sizes_from_topology(net.topology_log, mon.population, n)    # rates per living neuron
            rundir.save_figure(viz.raster(data["i"], data["t"], n=n, t_stop=net.t, events=events, sizes=sizes,
                                          title=f"Spikes of population {mon.population} ({n:,} neurons)"),
                               f"raster_{mon.population}")
        elif kind == "StateMonitor":
            variables = {v: data[v] for v in mon.variables}
            rundir.save_state(mon.population, data["t"], data["index"], **variables)
        elif kind == "WeightMonitor":
            rundir.save_weights(mon.projection, data["t"], data["w"], data["pre"], data["post"])
            proj = net.model.projections[mon.projection]
            if len(data["t"]):
                top = proj.w_max if np.isfinite(proj.w_max) else float(np.max(data["w"])) or 1.0
                rundir.save_figure(viz.weight_histogram_over_time(
                    data["t"], data["w"], top, events=events, t_stop=net.t,
                    title=f"Weight distribution of projection {mon.projection} ({proj.pre} → {proj.post})"),
                    f"weights_{mon.projection}")
        elif kind == "RateMonitor":
            rundir.save_rate(mon.population, data["t"], data["rate"])
            if len(data["t"]):
                rundir.save_figure(viz.time_series(data["t"], {mon.population: data["rate"]}, "rate (Hz)",
                                                   events=events, t_stop=net.t,
                                                   title=f"Rate of population {mon.population} "
                                                         f"({mon.bin:g} ms bins)"),
                                   f"rate_{mon.population}")
    return metrics
