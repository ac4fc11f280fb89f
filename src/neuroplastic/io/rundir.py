"""Run directories: one folder per simulation run, written atomically.

Layout (see ``docs/run-directory.md``)::

    <root>/<name>-<YYYYmmdd-HHMMSS>[-s<seed>][-<k>]/
        config.toml        resolved configuration (written first)
        status.json        "running" at the start; "complete", "stopped" or "failed" last
        metrics.json       scalar results
        summary.json       optional free-form summary
        run.log            timestamped log lines (appended)
        figures/<fig>.png
        recordings/<kind>_<owner>.npz

Everything except ``run.log`` is written with the atomic writers of
:mod:`neuroplastic.io.atomic`. A run is complete only when ``status.json`` says
so: :meth:`RunDirectory.outcome` writes it around the work, and
:func:`load_run` reports a run whose writer died as ``"incomplete"``.
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import socket
import sys
import tomllib
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from ..errors import SimulationError
from .atomic import (atomic_save_figure, atomic_save_npz, atomic_write_json,
                     atomic_write_toml, process_alive, remove_stale_temp_files,
                     stale_temp_files)

__all__ = ["RunDirectory", "RunRecord", "load_run", "sweep_stale_temp_files"]

CONFIG_FILE = "config.toml"
METRICS_FILE = "metrics.json"
SUMMARY_FILE = "summary.json"
STATUS_FILE = "status.json"
LOG_FILE = "run.log"
FIGURES_DIR = "figures"
RECORDINGS_DIR = "recordings"

#: Values of ``state`` in ``status.json`` (``"incomplete"`` is only ever inferred
#: by :func:`load_run`: a status of "running" whose process is gone, or no status).
RUNNING, COMPLETE, STOPPED, FAILED, INCOMPLETE = "running", "complete", "stopped", "failed", "incomplete"

_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+=-]*$")


def _check_name(kind: str, name: str) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name) or ".." in name:
        raise ValueError(f"{kind} name must be non-empty and contain only letters, digits "
                         f"and _ . + = - (no path separators), got {name!r}")
    return name


def _close_figure(fig: Any) -> None:
    """Release ``fig``: drop it from pyplot's registry if pyplot manages it."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


class RunDirectory:
    """A writable run directory. Use :meth:`create` to make a new one."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.is_dir():
            raise FileNotFoundError(f"run directory {self.path} does not exist")
        self.figures_dir.mkdir(exist_ok=True)
        self.recordings_dir.mkdir(exist_ok=True)
        self._started: str | None = None   # start time written in status.json

    @classmethod
    def create(cls, root: str | os.PathLike, name: str, seed: int | None = None) -> "RunDirectory":
        """Create ``root/<name>-<YYYYmmdd-HHMMSS>[-s<seed>]`` and its sub-folders.

        ``root`` is created if needed. If the folder already exists (two runs in
        the same second), ``-1``, ``-2``, ... is appended until the name is free;
        creation uses ``mkdir(exist_ok=False)`` so concurrent callers never share
        a directory.
        """
        _check_name("run", name)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise TypeError(f"seed must be an int or None, got {seed!r}")
        root = Path(root)
        root.mkdir(parents=True, exist_ok=True)
        base = f"{name}-{_dt.datetime.now().strftime('%Y%m%d-%H%M%S')}"
        if seed is not None:
            base += f"-s{int(seed)}"
        k = 0
        while True:
            candidate = root / (base if k == 0 else f"{base}-{k}")
            try:
                candidate.mkdir()
                break
            except FileExistsError:
                k += 1
        sweep_stale_temp_files(root)
        return cls(candidate)

    # -- paths ---------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.path.name

    @property
    def figures_dir(self) -> Path:
        return self.path / FIGURES_DIR

    @property
    def recordings_dir(self) -> Path:
        return self.path / RECORDINGS_DIR

    def __repr__(self) -> str:
        return f"RunDirectory({str(self.path)!r})"

    # -- writers -------------------------------------------------------------------------
    def write_config(self, mapping: Mapping[str, Any]) -> Path:
        """Write the resolved config to ``config.toml`` (``None`` values are dropped)."""
        return atomic_write_toml(self.path / CONFIG_FILE, mapping)

    def write_metrics(self, mapping: Mapping[str, Any]) -> Path:
        """Write scalar results to ``metrics.json`` (NaN/inf become ``null``)."""
        return atomic_write_json(self.path / METRICS_FILE, mapping)

    def write_summary(self, mapping: Mapping[str, Any]) -> Path:
        """Write an optional free-form summary to ``summary.json``."""
        return atomic_write_json(self.path / SUMMARY_FILE, mapping)

    def save_figure(self, fig: Any, name: str, dpi: int = 120) -> Path:
        """Save ``fig`` as ``figures/<name>.png`` and close it; return the path."""
        name = name[:-4] if name.endswith(".png") else name
        _check_name("figure", name)
        try:
            return atomic_save_figure(fig, self.figures_dir / f"{name}.png", dpi=dpi)
        finally:
            _close_figure(fig)

    def save_recording(self, name: str, **arrays: Any) -> Path:
        """Save ``arrays`` as ``recordings/<name>.npz``; return the path."""
        name = name[:-4] if name.endswith(".npz") else name
        _check_name("recording", name)
        return atomic_save_npz(self.recordings_dir / f"{name}.npz", **arrays)

    # Typed helpers that enforce the documented recording format.
    def save_spikes(self, population: str, i: Any, t: Any) -> Path:
        """``spikes_<population>.npz``: ``i`` (int64 neuron index), ``t`` (float64, ms)."""
        i = np.asarray(i, dtype=np.int64).ravel()
        t = np.asarray(t, dtype=np.float64).ravel()
        if i.shape != t.shape:
            raise ValueError(f"spikes of {population!r}: i and t differ in length ({i.size} vs {t.size})")
        return self.save_recording(f"spikes_{population}", i=i, t=t)

    def save_state(self, population: str, t: Any, index: Any, **variables: Any) -> Path:
        """``state_<population>.npz``: ``t`` (ms), ``index`` and one (n_samples, n_recorded) array per variable."""
        t = np.asarray(t, dtype=np.float64).ravel()
        index = np.asarray(index, dtype=np.int64).ravel()
        if not variables:
            raise ValueError(f"state of {population!r}: no variables given")
        arrays = {}
        for var, values in variables.items():
            if var in ("t", "index"):
                raise ValueError(f"state of {population!r}: variable name {var!r} is reserved")
            values = np.asarray(values, dtype=np.float64)
            if values.shape != (t.size, index.size):
                raise ValueError(f"state of {population!r}: {var} has shape {values.shape}, "
                                 f"expected (n_samples, n_recorded) = {(t.size, index.size)}")
            arrays[var] = values
        return self.save_recording(f"state_{population}", t=t, index=index, **arrays)

    def save_weights(self, projection: str, t: Any, w: Any, pre: Any, post: Any) -> Path:
        """``weights_<projection>.npz``: ``t`` (ms), ``w`` (n_samples, n_synapses), ``pre``, ``post``."""
        t = np.asarray(t, dtype=np.float64).ravel()
        w = np.asarray(w, dtype=np.float64)
        pre = np.asarray(pre, dtype=np.int64).ravel()
        post = np.asarray(post, dtype=np.int64).ravel()
        if w.shape != (t.size, pre.size) or pre.shape != post.shape:
            raise ValueError(f"weights of {projection!r}: w has shape {w.shape}, expected "
                             f"(n_samples, n_synapses) = {(t.size, pre.size)} with len(pre) == len(post)")
        return self.save_recording(f"weights_{projection}", t=t, w=w, pre=pre, post=post)

    def save_rate(self, population: str, t: Any, rate: Any) -> Path:
        """``rate_<population>.npz``: ``t`` (ms) and ``rate`` (Hz)."""
        t = np.asarray(t, dtype=np.float64).ravel()
        rate = np.asarray(rate, dtype=np.float64).ravel()
        if t.shape != rate.shape:
            raise ValueError(f"rate of {population!r}: t and rate differ in length ({t.size} vs {rate.size})")
        return self.save_recording(f"rate_{population}", t=t, rate=rate)

    def save_modulator(self, modulator: str, t: Any, level: Any) -> Path:
        """``modulator_<modulator>.npz``: ``t`` (ms) and ``level`` (dimensionless)."""
        t = np.asarray(t, dtype=np.float64).ravel()
        level = np.asarray(level, dtype=np.float64).ravel()
        if t.shape != level.shape:
            raise ValueError(f"modulator {modulator!r}: t and level differ in length ({t.size} vs {level.size})")
        return self.save_recording(f"modulator_{modulator}", t=t, level=level)

    def save_final_weights(self, projection: str, w: Any, pre: Any, post: Any, ids: Any) -> Path:
        """``final_weights_<projection>.npz``: ``w``, ``pre``, ``post`` and ``id`` (stable
        synapse ids) of every synapse that exists at the end of the run."""
        w = np.asarray(w, dtype=np.float64).ravel()
        arrays = {k: np.asarray(x, dtype=np.int64).ravel() for k, x in (("pre", pre), ("post", post), ("id", ids))}
        if any(a.shape != w.shape for a in arrays.values()):
            raise ValueError(f"final weights of {projection!r}: w, pre, post and id differ in length")
        return self.save_recording(f"final_weights_{projection}", w=w, **arrays)

    # -- status --------------------------------------------------------------------------
    def write_status(self, state: str, reason: str | None = None) -> Path:
        """Write ``status.json``: ``state``, the writing process (pid, host), times, ``reason``."""
        if state not in (RUNNING, COMPLETE, STOPPED, FAILED):
            raise ValueError(f"run state must be one of {RUNNING}, {COMPLETE}, {STOPPED}, {FAILED}, got {state!r}")
        now = _dt.datetime.now().isoformat(timespec="seconds")
        if state == RUNNING or self._started is None:
            self._started = now
        status = {"state": state, "pid": os.getpid(), "host": socket.gethostname(),
                  "started": self._started, "updated": now}
        if reason is not None:
            status["reason"] = reason
        return atomic_write_json(self.path / STATUS_FILE, status)

    @contextlib.contextmanager
    def outcome(self):
        """Mark the run "running" now and, on leaving, "complete" or -- when an
        exception ends it -- "stopped" (a :class:`SimulationError`) or "failed",
        with the reason in ``status.json`` and ``run.log`` (the traceback too).
        The exception propagates with ``run_dir`` set to this directory."""
        self.write_status(RUNNING)
        try:
            yield self
        except BaseException as exc:
            self._record_failure(exc)
            with contextlib.suppress(AttributeError, TypeError):
                exc.run_dir = self.path
            raise
        self.write_status(COMPLETE)

    def _record_failure(self, exc: BaseException) -> None:
        """Log and mark a run ended by ``exc`` (best effort: the original error matters more)."""
        stopped = isinstance(exc, SimulationError)
        reason = str(exc) if stopped else (f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
        with contextlib.suppress(Exception):
            if stopped:
                self.log(f"stopped: {reason}")
            else:
                self.log(f"failed: {reason}\n" + "".join(traceback.format_exception(exc)).rstrip())
        with contextlib.suppress(Exception):
            self.write_status(STOPPED if stopped else FAILED, reason)

    def log(self, message: str) -> None:
        """Append ``<ISO timestamp> <message>`` to ``run.log`` (continuation lines indented)."""
        stamp = _dt.datetime.now().isoformat(timespec="milliseconds")
        text = str(message).rstrip("\n").replace("\n", "\n    ")
        with open(self.path / LOG_FILE, "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {text}\n")
            fh.flush()


# -------------------------------------------------------------------------------- reader

@dataclass
class RunRecord:
    """A run directory read back by :func:`load_run`.

    Attributes:
        path: the run directory.
        config: the contents of ``config.toml``.
        metrics: the contents of ``metrics.json`` (``{}`` if not written yet).
        figures: the PNG files under ``figures/``, sorted by name.
        recordings: recording names (file stems under ``recordings/``), sorted.
        summary: the contents of ``summary.json`` (``{}`` if absent).
        status: the contents of ``status.json`` (``{}`` if absent).
        state: ``"complete"``, ``"running"`` (its process is alive),
            ``"stopped"`` (a SimulationError), ``"failed"`` (another error) or
            ``"incomplete"`` (the process died without saying so, or no status).
        reason: why the run is not complete (``""`` when it is).
        stale_temp_files: temporary files left in the directory by writers that
            died (removed by the next write there or the next run in its root).
    """

    path: Path
    config: dict
    metrics: dict
    figures: list[Path]
    recordings: list[str]
    summary: dict = field(default_factory=dict)
    status: dict = field(default_factory=dict)
    state: str = INCOMPLETE
    reason: str = ""
    stale_temp_files: list[Path] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.state == COMPLETE

    def _repr_html_(self) -> str:
        """Notebook summary: status, metrics against targets, figure thumbnails, recordings."""
        from .notebook import record_html

        return record_html(self)

    def recording(self, name: str) -> dict[str, np.ndarray]:
        """Load ``recordings/<name>.npz`` fully into a dict of arrays."""
        name = name[:-4] if name.endswith(".npz") else name
        file = self.path / RECORDINGS_DIR / f"{name}.npz"
        if not file.is_file():
            raise FileNotFoundError(f"run {self.path} has no recording {name!r} ({file}); "
                                    f"available: {', '.join(self.recordings) or 'none'}")
        with np.load(file, allow_pickle=False) as data:
            return {key: data[key] for key in data.files}


def _read_text(file: Path) -> str:
    """The UTF-8 text of ``file``; unreadable files raise ValueError naming it."""
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{file} is not UTF-8 text: {exc}") from exc
    except OSError as exc:
        raise ValueError(f"{file} cannot be read: {exc.strerror or exc}") from exc


def _read_json(file: Path) -> dict:
    try:
        obj = json.loads(_read_text(file))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{file} is not valid JSON: {exc}") from exc
    except RecursionError:
        raise ValueError(f"{file} is nested too deeply to be read") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{file} must hold a JSON object, got {type(obj).__name__}")
    return obj


def _read_toml(file: Path) -> dict:
    try:
        return tomllib.loads(_read_text(file))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{file} is not valid TOML: {exc}") from exc
    except RecursionError:
        raise ValueError(f"{file} is nested too deeply to be read") from None


def _state(status: dict) -> tuple[str, str]:
    """The effective state and reason of a run from its ``status.json``."""
    state = status.get("state")
    if not status:
        return INCOMPLETE, (f"no {STATUS_FILE}: the run ended before writing it (killed, or written "
                            "by a version without status files)")
    if state == RUNNING:
        pid, host = status.get("pid"), status.get("host")
        if host != socket.gethostname() or not isinstance(pid, int):
            return RUNNING, f"running on host {host} (pid {pid}); cannot check from here"
        if process_alive(pid):
            return RUNNING, f"still running (pid {pid})"
        return INCOMPLETE, f"its process (pid {pid}) ended without finishing the run (killed or crashed)"
    if state in (COMPLETE, STOPPED, FAILED):
        return state, "" if state == COMPLETE else str(status.get("reason", "no reason recorded"))
    return INCOMPLETE, f"{STATUS_FILE} holds an unknown state {state!r}"


def _stale_in(path: Path) -> list[Path]:
    return [f for d in (path, path / FIGURES_DIR, path / RECORDINGS_DIR) for f in stale_temp_files(d)]


def sweep_stale_temp_files(root: str | os.PathLike) -> list[Path]:
    """Remove the temporary files that dead writers left in the run directories
    under ``root`` (each run folder and its figures/ and recordings/); return them."""
    removed = []
    try:
        runs = [p for p in Path(root).iterdir() if p.is_dir()]
    except OSError:
        return removed
    for run in runs:
        for d in (run, run / FIGURES_DIR, run / RECORDINGS_DIR):
            removed += remove_stale_temp_files(d)
    return removed


def load_run(path: str | os.PathLike) -> RunRecord:
    """Read a run directory written by :class:`RunDirectory`.

    Raises:
        FileNotFoundError: ``path`` does not exist, or has no ``config.toml``.
        ValueError: ``path`` is not a directory, or a file in it cannot be read
            or parsed (the message names the file).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"run directory {path} does not exist")
    if not path.is_dir():
        raise ValueError(f"{path} is not a run directory (it is a file)")
    config_file = path / CONFIG_FILE
    if not config_file.is_file():
        raise FileNotFoundError(f"{path} is not a run directory: {CONFIG_FILE} is missing")
    config = _read_toml(config_file)
    files = {name: path / name for name in (METRICS_FILE, SUMMARY_FILE, STATUS_FILE)}
    metrics, summary, status = (_read_json(f) if f.is_file() else {} for f in files.values())
    state, reason = _state(status)
    fig_dir, rec_dir = path / FIGURES_DIR, path / RECORDINGS_DIR
    figures = sorted(fig_dir.glob("*.png")) if fig_dir.is_dir() else []
    recordings = sorted(p.stem for p in rec_dir.glob("*.npz")) if rec_dir.is_dir() else []
    return RunRecord(path=path, config=config, metrics=metrics, figures=figures, recordings=recordings,
                     summary=summary, status=status, state=state, reason=reason,
                     stale_temp_files=_stale_in(path))
