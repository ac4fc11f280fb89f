"""Export a run to NWB (Neurodata Without Borders, https://nwb.org) with pynwb.

Two entry points write one ``.nwb`` (HDF5) file each:

* :func:`export_run` -- a run directory (``config.toml``, ``metrics.json``,
  ``recordings/*.npz``; see ``docs/run-directory.md``);
* :func:`export_network` -- a live :class:`~neuroplastic.Network` (its monitors).

Both gather the same :class:`Session` (config, metrics, recordings in the
run-directory format) and hand it to :mod:`neuroplastic.io.nwb_layout`, which
says where each recording goes in the file (``docs/nwb.md``). NWB stores times in
seconds: a spike at ``t`` ms is written as ``t * 1e-3`` s. Values keep their
neuroplastic units (mV, nS, pA, Hz) and each series names the SI unit with the
factor that converts them (``conversion`` = 1e-3 for mV -> volts).

pynwb is an optional dependency: ``pip install 'neuroplastic[nwb]'``.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import MissingExtra, ValidationError

__all__ = ["export_run", "export_network", "require_pynwb", "Session", "Recording", "ExportWarning"]

_INSTALL = "pip install 'neuroplastic[nwb]'"
KINDS = ("spikes", "state", "weights", "rate", "modulator")
_STAMP_RE = re.compile(r"-(\d{8}-\d{6})(?:-s\d+)?(?:-\d+)?$")


def require_pynwb():
    """Import pynwb, or raise :class:`~neuroplastic.errors.MissingExtra` naming the extra."""
    try:
        import pynwb
    except ImportError as exc:
        raise MissingExtra(f"NWB export needs pynwb: {_INSTALL}") from exc
    return pynwb


class ExportWarning(UserWarning):
    """Part of a run could not be exported (it is named in the message)."""


@dataclass
class Recording:
    """One recording in the run-directory format.

    Attributes:
        kind: ``spikes``, ``state``, ``weights``, ``rate`` or ``modulator``.
        owner: the population, projection or modulator recorded.
        name: unique name, used for the NWB objects (``<kind>_<owner>`` by default).
        arrays: the arrays of ``docs/run-directory.md`` (times in ms).
    """

    kind: str
    owner: str
    name: str
    arrays: dict


@dataclass
class Session:
    """Everything one NWB file holds, gathered from a run directory or a network.

    Attributes:
        name: the run's name (run directory name); the file's ``session_id``.
        config: the resolved configuration (``config.toml`` as a dict).
        config_text: ``config.toml`` verbatim (written to the file's ``notes``).
        metrics: ``metrics.json`` as a dict (``{}`` when absent).
        start_time: when the run started (timezone-aware).
        recordings: the recordings that have an NWB form, in name order.
        sizes: neurons per population (recorded spikes may add indices beyond).
        skipped: recordings without an NWB form (experiment-specific arrays).
        species: the species the model stands for (Latin binomial or NCBI
            taxonomy IRI), when the user states one; DANDI requires it.
    """

    name: str
    config: dict
    config_text: str
    metrics: dict
    start_time: _dt.datetime
    recordings: list = field(default_factory=list)
    sizes: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)
    species: str | None = None


# ------------------------------------------------------------------------------ public API

def export_run(run_dir: str | os.PathLike, path: str | os.PathLike | None = None, *,
               species: str | None = None) -> Path:
    """Write the run directory ``run_dir`` as one NWB file; returns its path.

    ``path`` defaults to ``<run_dir>/<run name>.nwb``; ``species`` (a Latin
    binomial such as ``"Rattus norvegicus"`` or an NCBI taxonomy IRI) names what
    the model stands for, for archives that require one (DANDI). The file is written
    atomically (a temporary file next to it, then renamed). Recordings that
    are not in one of the documented forms (``spikes_``, ``state_``,
    ``weights_``, ``rate_``, ``modulator_``) are left out with a
    :class:`ExportWarning` naming them.

    Raises:
        MissingExtra: pynwb is not installed.
        FileNotFoundError, ValueError: ``run_dir`` is not a readable run directory.
    """
    require_pynwb()
    from .rundir import CONFIG_FILE, load_run

    record = load_run(run_dir)
    entries, skipped = [], []
    for name in record.recordings:
        rec = classify(name, record.recording(name))
        (entries.append(rec) if rec is not None else skipped.append(name))
    config_text = (record.path / CONFIG_FILE).read_text(encoding="utf-8")
    session = Session(name=record.path.name, config=record.config, config_text=config_text,
                      metrics=record.metrics, start_time=run_start_time(record.path),
                      recordings=entries, sizes=_config_sizes(record.config), skipped=skipped,
                      species=species)
    out = Path(path) if path is not None else record.path / f"{record.path.name}.nwb"
    return write_session(session, out)


def export_network(net, path: str | os.PathLike, *, name: str = "network",
                   start_time: _dt.datetime | None = None, metrics: dict | None = None,
                   species: str | None = None) -> Path:
    """Write a live network's monitors and model description as one NWB file.

    Args:
        net: a :class:`~neuroplastic.Network` (run or not).
        path: the ``.nwb`` file to write (atomically).
        name: the session name (the file's ``session_id``).
        start_time: the session start (default: now, local time zone).
        metrics: optional scalar results to store beside the recordings.
        species: as for :func:`export_run`.
    """
    require_pynwb()
    from ..engine.protocol import phase_rows
    from .nwb_source import network_config, network_recordings, toml_text

    config = network_config(net)
    sizes = {pop: net.size(pop) for pop in net.model.populations}
    start = start_time or _dt.datetime.now().astimezone()
    if start.tzinfo is None:
        start = start.astimezone()
    metrics = {"duration_ms": net.t, **(metrics or {})}
    log = topology_rows(net.topology_log)
    if log:
        metrics.setdefault("topology", log)
    phases = phase_rows(net.phase_log, net.t)
    if phases:
        metrics.setdefault("phases", phases)
    session = Session(name=name, config=config, config_text=toml_text(config), metrics=metrics,
                      start_time=start, recordings=network_recordings(net), sizes=sizes, species=species)
    return write_session(session, Path(path))


def write_session(session: Session, path: Path) -> Path:
    """Build the NWB file of ``session`` and write it atomically to ``path``."""
    pynwb = require_pynwb()
    from .nwb_layout import build_nwbfile

    if session.skipped:
        warnings.warn(f"NWB export of {session.name}: recordings without an NWB form were left out: "
                      f"{', '.join(session.skipped)}", ExportWarning, stacklevel=3)
    nwbfile = build_nwbfile(session)
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: directory {path.parent} does not exist")
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp.nwb")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with pynwb.NWBHDF5IO(str(tmp), "w") as io:
            io.write(nwbfile)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# ------------------------------------------------------------------------------ helpers

def classify(name: str, arrays: dict) -> Recording | None:
    """The :class:`Recording` of ``recordings/<name>.npz``, or None when its
    prefix or arrays do not match a documented form."""
    kind, sep, owner = name.partition("_")
    if not sep or not owner or kind not in KINDS:
        return None
    ok = {"spikes": _is_spikes, "state": _is_state, "weights": _is_weights,
          "rate": lambda a: _is_series(a, "rate"), "modulator": lambda a: _is_series(a, "level")}[kind]
    return Recording(kind, owner, name, arrays) if ok(arrays) else None


def _is_series(a: dict, key: str) -> bool:
    return {"t", key} <= set(a) and a["t"].ndim == 1 and a[key].shape == a["t"].shape


def _is_spikes(a: dict) -> bool:
    return _is_series(a, "i") and np.issubdtype(a["i"].dtype, np.integer)


def _is_state(a: dict) -> bool:
    if not {"t", "index"} <= set(a) or a["t"].ndim != 1 or a["index"].ndim != 1 or len(a) < 3:
        return False
    shape = (a["t"].size, a["index"].size)
    return all(v.shape == shape for k, v in a.items() if k not in ("t", "index"))


def _is_weights(a: dict) -> bool:
    if not {"t", "w", "pre", "post"} <= set(a) or a["t"].ndim != 1:
        return False
    return a["pre"].shape == a["post"].shape and a["w"].shape == (a["t"].size, a["pre"].size)


def run_start_time(run_dir: Path) -> _dt.datetime:
    """When a run started: the stamp in its folder name (``-YYYYmmdd-HHMMSS``),
    else the first line of ``run.log``, else the time ``config.toml`` was
    written; local time zone."""
    match = _STAMP_RE.search(run_dir.name)
    if match:
        return _dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").astimezone()
    log = run_dir / "run.log"
    if log.is_file():
        first = log.read_text(encoding="utf-8").split(" ", 1)[0]
        try:
            return _dt.datetime.fromisoformat(first).astimezone()
        except ValueError:
            pass
    return _dt.datetime.fromtimestamp((run_dir / "config.toml").stat().st_mtime).astimezone()


def _config_sizes(config: dict) -> dict:
    """Neurons per population and input named in a model config."""
    return {p["name"]: int(p["n"]) for p in config.get("populations", []) + config.get("inputs", [])
            if isinstance(p, dict) and "name" in p and "n" in p}


def topology_rows(log: list) -> list:
    """``Network.topology_log`` in the form run directories store in metrics["topology"]."""
    return [{"t_ms": e["t"], "event": e["event"], "kind": e["kind"], "target": e["target"],
             "count": len(e.get("indices", e.get("ids", [])))} for e in log]


def check_format(fmt: str) -> str:
    """The export format (only ``nwb`` today)."""
    if fmt != "nwb":
        raise ValidationError("neuroplastic export", "--format", fmt, "must be 'nwb'")
    return fmt
