"""Run an experiment or a model into a run directory: config, metrics, figures,
recordings, log and status (docs/run-directory.md).

Everything that can be checked is checked before the directory is created (the
parameters, the model, the events against the duration), so invalid input leaves
no directory behind; an error that ends a run once it has started is recorded in
``run.log`` and ``status.json`` (:meth:`RunDirectory.outcome`).
"""
from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np

from ..errors import SimulationError, ValidationError
from ..io import RunDirectory
from ..model.modulators import ModulatorMonitor
from ..model.monitors import RateMonitor, SpikeMonitor, StateMonitor, WeightMonitor
from .base import Result, compare
from .registry import get


def run_experiment(name: str, overrides: dict | None = None, seed: int = 0, out: str | Path = "runs",
                   scale: str = "full", progress: bool = False):
    """Run experiment ``name`` and write its run directory; returns (Result, RunDirectory).

    The parameters are resolved and checked first (a ValidationError leaves no
    directory). A SimulationError is logged, the partial result written, and then
    re-raised; any other error is logged and re-raised (``status.json`` says why).
    """
    exp = get(name)
    config = exp.resolve(overrides, scale)
    rundir = RunDirectory.create(out, name, seed=seed)
    rundir.write_config({"experiment": name, "seed": seed, "scale": scale, "parameters": config})
    rundir.log(f"start {name} seed={seed} scale={scale} python={platform.python_version()}")
    with rundir.outcome():
        start = time.perf_counter()
        try:
            result = exp.run(config, seed=seed, progress=progress)
        except SimulationError as err:
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


def check_events(model, duration: float) -> None:
    """Scheduled lesions and neurogenesis must fall inside the run (``time < duration``)."""
    from ..model.topology import Lesion, Neurogenesis

    for event in model.events.values():
        if isinstance(event, (Lesion, Neurogenesis)) and event.time >= duration:
            raise ValidationError(f"{type(event).__name__} '{event.name}'", "time", event.time,
                                  f"must be < the run's duration ({duration:g} ms), or it never happens")


CHECKPOINT_FILE = "checkpoint.npz"


def run_model(model, duration: float, seed: int = 0, out: str | Path = "runs", name: str = "model",
              progress: bool = False, checkpoint_every: float | None = None, threads: int = 1) -> RunDirectory:
    """Run a model description for ``duration`` ms into a new run directory.

    Writes the resolved config, metrics (spike counts and rates per monitored
    population, wall time), every monitor's recordings and figures, and the final
    weights of every projection. The model is built before the directory is
    created, so invalid input leaves none. On a SimulationError the recordings so
    far and the error are written, then it is re-raised. With ``checkpoint_every``
    (ms of biological time) the network is saved to ``checkpoint.npz`` in the run
    directory at every multiple of it (atomically replaced: the latest only), so
    that :func:`resume_model` can continue the run after a crash
    (docs/checkpoints.md). ``threads``: the network's step-loop threads
    (``Network(threads=)``, engine/threads.py; the same spikes for any number).
    """
    from ..engine import Network
    from ..config import model_to_dict

    check_events(model, duration)
    config = model_to_dict(model, duration=duration, seed=seed)
    net = Network(model, seed=seed, threads=threads)
    rundir = RunDirectory.create(out, name, seed=seed)
    rundir.write_config(config)
    every = "" if checkpoint_every is None else f" checkpoint_every={checkpoint_every} ms"
    rundir.log(f"start model run: duration={duration} ms seed={seed}{every}")
    return _finish_model_run(rundir, net, duration, progress, checkpoint_every)


def resume_model(run_dir: str | Path, progress: bool = False, checkpoint_every: float | None = None) -> RunDirectory:
    """Continue a model run from the ``checkpoint.npz`` in its run directory to
    the duration in its ``config.toml``, in the same directory: recordings go
    on from the checkpoint, metrics and figures are written at the end as for an
    uninterrupted run (identical spikes), and ``run.log`` notes the resume.
    Checkpoints go on at ``checkpoint_every`` ms (default: the interval the
    checkpoint was written with)."""
    from ..engine import Network
    from ..io.checkpoint import read_manifest
    from ..config import load_config

    owner = "neuroplastic run --resume"
    path = Path(run_dir)
    if not (path / "config.toml").is_file():
        raise ValidationError(owner, "run_dir", str(run_dir), "must be a run directory (with config.toml)")
    cfg = load_config(path / "config.toml")
    ckpt = path / CHECKPOINT_FILE
    if cfg.kind != "model" or not ckpt.is_file():
        raise ValidationError(owner, "run_dir", str(run_dir),
                              f"must hold {CHECKPOINT_FILE} of a model run started with --checkpoint-every")
    if checkpoint_every is None:
        checkpoint_every = read_manifest(ckpt).get("metadata", {}).get("checkpoint_every")
    net = Network.load(ckpt)
    if net.seed != cfg.seed or net.dt != cfg.model.dt:
        raise ValidationError(owner, "checkpoint", str(ckpt),
                              f"must belong to the run of config.toml (seed {cfg.seed}, dt {cfg.model.dt} ms)")
    rundir = RunDirectory(path)
    rundir.log(f"resume from {CHECKPOINT_FILE} at t={net.t:g} ms (of {cfg.duration:g} ms)")
    return _finish_model_run(rundir, net, cfg.duration, progress, checkpoint_every)


def _finish_model_run(rundir: RunDirectory, net, duration: float, progress: bool, checkpoint_every) -> RunDirectory:
    """Run ``net`` to ``duration`` ms and write metrics, recordings, figures and the status."""
    t0 = net.t
    with rundir.outcome():
        start = time.perf_counter()
        try:
            if checkpoint_every is None:
                net.run(duration - t0, progress=progress)
            else:
                _run_with_checkpoints(rundir, net, duration, checkpoint_every, progress)
        except SimulationError as err:
            _save_monitors(rundir, net)
            rundir.write_metrics({"error": str(err), "step": err.step, "time_ms": err.time_ms,
                                  "population": err.population, "variable": err.variable})
            raise
        wall = time.perf_counter() - start
        metrics = {"duration_ms": net.t, "wall_seconds": wall,
                   "simulated_seconds_per_second": (net.t - t0) * 1e-3 / max(wall, 1e-12)}
        if t0 > 0:
            metrics["resumed_from_ms"] = t0
        metrics.update(_save_monitors(rundir, net))
        metrics.update(_save_final_weights(rundir, net))
        metrics.update(_topology_metrics(net))
        metrics.update(_phase_metrics(net))
        rundir.write_metrics(metrics)
        rundir.log(f"done in {wall:.2f} s")
    return rundir


def _run_with_checkpoints(rundir: RunDirectory, net, duration: float, every: float, progress: bool) -> None:
    """Run to ``duration`` ms, saving ``checkpoint.npz`` at every multiple of
    ``every`` ms (and at the end). Splitting a run changes nothing in it."""
    from ..progress import RunProgress

    stop = int(round(duration / net.dt))
    k = max(1, int(round(every / net.dt)))
    with RunProgress(enabled=progress, total_ms=duration - net.t, start_ms=net.t) as bar:
        while net.step < stop:
            target = min(stop, (net.step // k + 1) * k)
            net.run((target - net.step) * net.dt)
            net.save(rundir.path / CHECKPOINT_FILE, metadata={"checkpoint_every": every, "duration_ms": duration})
            rundir.log(f"checkpoint at t={net.t:g} ms")
            bar.update(net.t)


def _topology_metrics(net) -> dict:
    if not net.topology_log:
        return {}
    metrics = {"topology": [{"t_ms": e["t"], "event": e["event"], "kind": e["kind"], "target": e["target"],
                             "count": len(e.get("indices", e.get("ids", [])))} for e in net.topology_log]}
    for pop in net.model.populations:
        if "alive" in net._population(pop).arrays:
            metrics[f"neurons_{pop}"] = int(net.alive(pop).sum())
    return metrics


def _phase_metrics(net) -> dict:
    """``metrics["phases"]``: one ``{name, t0_ms, t1_ms}`` per stretch of a named phase."""
    from ..engine.protocol import phase_rows

    rows = phase_rows(net.phase_log, net.t)
    return {"phases": rows} if rows else {}


def neuron_seconds(net, population: str) -> float:
    """Time-integral of the number of living neurons of ``population`` over the run
    so far (s): lesions and removals subtract, neurogenesis adds, from their time on."""
    changes = [(e["t"], len(e["indices"]) * (1 if e["kind"] == "neurogenesis" else -1))
               for e in net.topology_log if e["target"] == population and "indices" in e]
    n = net.size(population) - sum(dn for _, dn in changes if dn > 0)   # the size at build time
    total, t_prev = 0.0, 0.0
    for t, dn in sorted(changes, key=lambda c: c[0]):
        total += n * (t - t_prev)
        n, t_prev = n + dn, t
    total += n * (max(net.t, net.dt) - t_prev)
    return total * 1e-3


def _save_monitors(rundir: RunDirectory, net) -> dict:
    """Write every monitor's recordings and figures; returns per-population metrics."""
    from .. import viz

    from ..engine.protocol import phase_spans

    metrics = {}
    events = viz.events_from_topology(net.topology_log)     # lesions, neurogenesis: marked on figures over time
    phases = phase_spans(net.phase_log, net.t)               # protocol phases: shaded on figures over time
    for mon in net.model.monitors.values():
        data = net.monitor(mon.name)
        if isinstance(mon, SpikeMonitor):
            n = net.size(mon.population)
            rundir.save_spikes(mon.population, data["i"], data["t"])
            metrics[f"spikes_{mon.population}"] = int(len(data["t"]))
            metrics[f"rate_{mon.population}_hz"] = len(data["t"]) / max(neuron_seconds(net, mon.population), 1e-12)
            sizes = viz.sizes_from_topology(net.topology_log, mon.population, n)    # rates per living neuron
            rundir.save_figure(viz.raster(data["i"], data["t"], n=n, t_stop=net.t, events=events, sizes=sizes,
                                          phases=phases,
                                          title=f"Spikes of population {mon.population} ({n:,} neurons)"),
                               f"raster_{mon.population}")
        elif isinstance(mon, StateMonitor):
            variables = {v: data[v] for v in mon.variables}
            rundir.save_state(mon.population, data["t"], data["index"], **variables)
        elif isinstance(mon, WeightMonitor):
            rundir.save_weights(mon.projection, data["t"], data["w"], data["pre"], data["post"])
            proj = net.model.projections[mon.projection]
            if len(data["t"]):
                top = proj.w_max if np.isfinite(proj.w_max) else float(np.max(data["w"])) or 1.0
                rundir.save_figure(viz.weight_histogram_over_time(
                    data["t"], data["w"], top, events=events, phases=phases, t_stop=net.t,
                    title=f"Weight distribution of projection {mon.projection} ({proj.pre} → {proj.post})"),
                    f"weights_{mon.projection}")
        elif isinstance(mon, RateMonitor):
            rundir.save_rate(mon.population, data["t"], data["rate"])
            if len(data["t"]):
                rundir.save_figure(viz.time_series(data["t"], {mon.population: data["rate"]}, "rate (Hz)",
                                                   events=events, phases=phases, t_stop=net.t,
                                                   title=f"Rate of population {mon.population} "
                                                         f"({mon.bin:g} ms bins)"),
                                   f"rate_{mon.population}")
        elif isinstance(mon, ModulatorMonitor):
            rundir.save_modulator(mon.modulator, data["t"], data["level"])
            if len(data["t"]):
                rundir.save_figure(viz.time_series(data["t"], {mon.modulator: data["level"]}, "level",
                                                   events=events, phases=phases, t_stop=net.t,
                                                   title=f"Level of modulator {mon.modulator}"),
                                   f"modulator_{mon.modulator}")
    return metrics


def _save_final_weights(rundir: RunDirectory, net) -> dict:
    """``final_weights_<projection>.npz`` for every projection; returns the mean final weights."""
    metrics = {}
    for proj in net.model.projections:
        w = net.weights(proj)
        pre, post = net.synapses(proj)
        rundir.save_final_weights(proj, w, pre, post, net.synapse_ids(proj))
        metrics[f"weight_mean_{proj}"] = float(w.mean()) if w.size else None
    return metrics
