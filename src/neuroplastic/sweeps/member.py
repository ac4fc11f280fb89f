"""One sweep member: a run directory in its own folder, run wherever Dask sends it.

A member's folder is ``<sweep dir>/members/<member id>/``; the run directory
inside it is the usual one (``<name>-<YYYYmmdd-HHMMSS>-s<seed>/``, written by
:mod:`neuroplastic.experiments.runner`, complete only when its ``status.json``
says so). A member is *finished* when its folder holds a complete run; a rerun
of the sweep skips it. A failed attempt stays (its ``run.log`` has the
traceback) and the next attempt writes a new run directory beside it.

:func:`run_member` never raises: it returns a record with the status and the
error, so that one member's failure never stops the others.
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass
from pathlib import Path

MEMBERS_DIR = "members"


@dataclass(frozen=True)
class MemberTask:
    """Everything a worker needs to run one member (picklable, plain data)."""

    id: str
    kind: str            # "experiment" | "model"
    name: str            # experiment name, or the run name of a model config
    params: dict         # the swept values of this member
    seed: int
    scale: str
    fixed: dict          # experiment: the config file's fixed parameters; model: the parsed config
    folder: str          # <sweep dir>/members/<id>


def finished_run(folder) -> Path | None:
    """The newest complete run directory in a member's folder, or None."""
    from ..io import load_run

    folder = Path(folder)
    if not folder.is_dir():
        return None
    for path in sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True):
        try:
            if load_run(path).state == "complete":
                return path
        except (FileNotFoundError, ValueError):
            continue
    return None


def record_of(task: MemberTask, run_dir, status: str, error: str = "", reused: bool = False) -> dict:
    """A member's row: its metrics (scalars from ``metrics.json``), status ("complete" or
    "failed"), error, run directory, and whether an earlier sweep's run was reused."""
    from ..io import load_run

    metrics = {}
    if run_dir is not None:
        try:
            metrics = scalar_metrics(load_run(run_dir).metrics)
        except (FileNotFoundError, ValueError):
            pass
    return {"member": task.id, "seed": task.seed, "params": dict(task.params), "status": status,
            "reused": reused, "error": error, "run_dir": "" if run_dir is None else str(run_dir), "metrics": metrics}


def scalar_metrics(metrics: dict) -> dict:
    """The numbers of a ``metrics.json`` (lists, tables and texts are left to the run directory)."""
    return {k: v for k, v in metrics.items()
            if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))}


def run_member(task: MemberTask) -> dict:
    """Run one member unless its folder already holds a complete run; return its record."""
    done = finished_run(task.folder)
    if done is not None:
        return record_of(task, done, "complete", reused=True)
    try:
        run_dir = _run(task)
    except Exception as exc:   # any failure is this member's alone: recorded, never raised
        return record_of(task, _newest(task.folder), "failed", _describe(exc))
    return record_of(task, run_dir, "complete")


def _run(task: MemberTask) -> Path:
    if task.kind == "experiment":
        from ..experiments import run_experiment

        _, rundir = run_experiment(task.name, {**task.fixed, **task.params}, seed=task.seed,
                                   out=task.folder, scale=task.scale)
        return rundir.path
    from ..config import config_from_dict
    from ..experiments.runner import run_model
    from .grid import apply_paths

    cfg = config_from_dict(apply_paths(task.fixed, task.params), source=task.name)
    return run_model(cfg.model, cfg.duration, seed=task.seed, out=task.folder, name=task.name).path


def _newest(folder) -> Path | None:
    folder = Path(folder)
    runs = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    return runs[-1] if runs else None


def _describe(exc: BaseException) -> str:
    """``Type: message`` (and where it was raised, for errors that are not the run's own)."""
    from ..errors import SimulationError, ValidationError

    text = f"{type(exc).__name__}: {exc}"
    if not isinstance(exc, (SimulationError, ValidationError)):
        frame = traceback.extract_tb(exc.__traceback__)[-1:]
        text += "".join(f" (at {f.filename}:{f.lineno})" for f in frame)
    return text
