"""A zenke2015 run that survives being stopped: its checkpoint folder.

The full-scale protocol is three hours of biological time (about 2.8 CPU hours)
and each ablation up to one more. With ``checkpoint_dir`` the run saves its
state at every multiple of ``checkpoint_every`` ms that falls on a grid
boundary inside a phase, and at the end of every phase; a rerun with the same
folder continues from the last save with the spikes of a run never stopped
(the engine's checkpoints continue bit for bit; tested). The main run and each
ablation have their own folder (``DIR/main``, ``DIR/without-heterosynaptic``,
``DIR/without-transmitter``); each holds::

    network.ckpt       the network (Network.save: atomic, CRC-checked); its
                       metadata: a key of the configuration, seed and phases,
                       the phase in progress and its start, the phase loop's
                       cursor (stimulus shown, runaway accumulators), the
                       outcome so far, wall and CPU seconds per phase, and the
                       name of the loop file
    loop-<n>.npz       what the loop records outside the network: the Counts
                       (grid bins, class sums per block, recall PSTHs), the
                       PSTH windows still open, the assembly labels

A save writes a new loop file (atomically), then the network naming it, then
removes older loop files: a checkpoint never names a file that is missing.
The stimulus schedules are not saved: they are drawn again, phase by phase,
from the run's seed. A folder written for another configuration, seed or list
of phases is refused (:class:`~neuroplastic.errors.ValidationError`), never
mixed in; a finished run is read back, not run again.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from ..io.atomic import atomic_save_npz
from ..io.digest import json_digest
from ._phases import Counts, Cursor, Outcome

__all__ = ["Position", "CheckpointFolder", "config_key", "part_folder", "check", "NETWORK"]

#: Parameters that do not change a simulation (where it is saved, how often, the ablations' own settings:
#: an ablation's length enters its configuration as ``init_ms``).
_NOT_SIMULATED = ("checkpoint_dir", "checkpoint_every", "save_dir", "progress", "ablations", "ablation_ms")
NETWORK = "network.ckpt"
OWNER = "Experiment 'zenke2015'"


def config_key(c: dict, seed: int, phases) -> str:
    """A digest of everything that shapes the simulation: the configuration, seed and phases run."""
    kept = {k: v for k, v in sorted(c.items()) if k not in _NOT_SIMULATED}
    return json_digest({"config": kept, "seed": int(seed), "phases": list(phases)}, 16)


def part_folder(c: dict, part: str) -> str | None:
    """The checkpoint folder of one part of the run (``main``, ``without-<term>``), or None."""
    return os.path.join(os.path.expanduser(c["checkpoint_dir"]), part) if c["checkpoint_dir"] else None


def check(c: dict) -> None:
    """Saves fall on grid boundaries: ``checkpoint_every`` is a multiple of ``grid_ms``."""
    ratio = c["checkpoint_every"] / c["grid_ms"]
    if c["checkpoint_dir"] and abs(ratio - round(ratio)) > 1e-9:
        raise ValidationError(OWNER, "checkpoint_every", c["checkpoint_every"],
                              f"must be a multiple of grid_ms ({c['grid_ms']:g} ms)")


@dataclass
class Position:
    """Where a run stands: the index of the phase in progress (the number of
    phases when finished) and, inside it, the loop's cursor (None: the phase
    has not started)."""

    phase: int = 0
    cursor: Cursor | None = None


class CheckpointFolder:
    """The checkpoint folder of one simulation (see module doc)."""

    def __init__(self, folder, key: str):
        self.folder, self.key, self.saves = Path(folder), key, 0

    @property
    def network_path(self) -> Path:
        return self.folder / NETWORK

    def exists(self) -> bool:
        return self.network_path.exists()

    def load(self, out: dict) -> Position:
        """Put the last save into ``out`` (simulate's dict: net, counts, labels,
        outcome, wall_s, cpu_s); refuses a folder of another run."""
        from ..engine.network import Network
        from ..io.checkpoint import read_manifest

        meta = read_manifest(self.network_path).get("metadata") or {}
        if meta.get("key") != self.key:
            raise ValidationError(OWNER, "checkpoint_dir", str(self.folder),
                                  f"holds the checkpoint of another run (key {meta.get('key')!r}, this run "
                                  f"{self.key!r}: another configuration, seed or list of phases); "
                                  "name an empty folder or the one this run wrote")
        arrays = self._loop(meta["loop"])
        out["net"] = Network.load(self.network_path)
        _counts_from(out["counts"], arrays)
        out["labels"] = arrays["labels"]
        out["outcome"] = Outcome(*meta["outcome"])
        out["wall_s"], out["cpu_s"] = dict(meta["wall_s"]), dict(meta["cpu_s"])
        self.saves = int(meta["saves"])
        cursor = meta["cursor"]
        if cursor is not None:
            cursor = Cursor(float(meta["t0"]), int(cursor["current"]), _windows_from(arrays),
                            float(cursor["since"]), float(cursor["spikes"]))
        return Position(int(meta["phase"]), cursor)

    def save(self, out: dict, at: Position, t0: float) -> None:
        """Write the loop file, then the network naming it (``t0``: the start of
        the phase in progress), then remove the older loop files."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.saves += 1
        name = f"loop-{self.saves:06d}.npz"
        windows = {} if at.cursor is None else at.cursor.windows
        atomic_save_npz(self.folder / name, labels=out["labels"], **_counts_arrays(out["counts"]),
                        **_psth_arrays("win", [windows[m] for m in sorted(windows)], sorted(windows)))
        cursor = None if at.cursor is None else dict(current=int(at.cursor.current), since=float(at.cursor.since),
                                                     spikes=float(at.cursor.spikes))
        out["net"].save(self.network_path, metadata=dict(
            key=self.key, phase=at.phase, t0=float(t0), cursor=cursor, loop=name, saves=self.saves,
            outcome=[out["outcome"].status, out["outcome"].t_ms], wall_s=out["wall_s"], cpu_s=out["cpu_s"]))
        for old in self.folder.glob("loop-*.npz"):
            if old.name != name:
                old.unlink(missing_ok=True)

    def _loop(self, name: str) -> dict:
        path = self.folder / name
        try:
            with np.load(path, allow_pickle=False) as f:
                return {k: f[k] for k in f.files}
        except (OSError, ValueError) as err:
            raise ValidationError(OWNER, "checkpoint_dir", str(self.folder),
                                  f"must hold {name}, which its checkpoint names ({err})") from None


def _counts_arrays(counts: Counts) -> dict:
    """The Counts recordings as arrays (grid bins, class blocks, finished PSTH windows)."""
    bins = sorted(counts.grid)
    blocks = sorted(counts.classes)
    n_k = counts.n_classes + 1
    return dict(grid_bins=np.array(bins, np.int64),
                grid=np.array([counts.grid[b] for b in bins], np.uint32).reshape(len(bins), counts.n),
                class_blocks=np.array(blocks, float),
                class_sums=np.array([counts.classes[k][0] for k in blocks]).reshape(len(blocks), n_k, counts.n),
                class_durations=np.array([counts.classes[k][1] for k in blocks]).reshape(len(blocks), n_k),
                **_psth_arrays("psth", counts.psth))


def _psth_arrays(prefix: str, windows: list, index=()) -> dict:
    """PSTH windows (dicts of t_on, stimulus, counts) as arrays."""
    stacked = np.array([w["counts"] for w in windows], float) if windows else np.zeros((0, 0, 0))
    return {f"{prefix}_t_on": np.array([w["t_on"] for w in windows], float),
            f"{prefix}_stimulus": np.array([w["stimulus"] for w in windows], np.int64),
            f"{prefix}_counts": stacked, f"{prefix}_index": np.array(list(index), np.int64)}


def _psth_from(arrays: dict, prefix: str) -> list:
    return [dict(t_on=float(t), stimulus=int(k), counts=x.copy()) for t, k, x in
            zip(arrays[f"{prefix}_t_on"], arrays[f"{prefix}_stimulus"], arrays[f"{prefix}_counts"])]


def _windows_from(arrays: dict) -> dict:
    return dict(zip((int(m) for m in arrays["win_index"]), _psth_from(arrays, "win")))


def _counts_from(counts: Counts, arrays: dict) -> None:
    counts.grid = {int(b): x.copy() for b, x in zip(arrays["grid_bins"], arrays["grid"])}
    counts.classes = {float(k): (s.copy(), d.copy()) for k, s, d in
                      zip(arrays["class_blocks"], arrays["class_sums"], arrays["class_durations"])}
    counts.psth = _psth_from(arrays, "psth")
