"""A learning pass that survives being stopped: the checkpoint folder of ``diehl-cook``.

Diehl & Cook's 400-neuron network learns from 180,000 images (~25 h of
biological time, about an hour or more of CPU). With a checkpoint folder the
pass saves its state every ``every`` examples and a rerun with the same folder
continues from the last save, with the same spikes as a pass never stopped
(the engine's checkpoints continue bit for bit; tested). The folder holds::

    network.ckpt           the learning network (Network.save: atomic, CRC-checked);
                           its metadata: the next example, presentations so far,
                           synaptic events, wall and CPU seconds, and a key of
                           the configuration, seed and stream length
    counts_<first>.npy     the excitatory spike counts of the examples
                           [first, first + every) (one row per example)

A count file is written (atomically) before the checkpoint that covers it, so a
checkpoint never names rows that are missing; rows of examples after the
checkpoint's next example are ignored and rewritten. A folder written for
another configuration, seed or number of examples is refused
(:class:`~neuroplastic.errors.ValidationError`), never mixed in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import ValidationError
from ..io.atomic import atomic_save_npy
from ..io.digest import json_digest

__all__ = ["Progress", "CheckpointFolder", "config_key"]

#: Parameters that do not change the learning pass (evaluation, other contenders, this folder).
_NOT_LEARNING = ("checkpoint_dir", "checkpoint_every", "seeds", "n_test", "n_label", "running_window", "data_dir")
_OTHER_CONTENDERS = ("som_", "perceptron_", "mlp_")
NETWORK = "network.ckpt"


def config_key(c: dict, seed: int, n_examples: int) -> str:
    """A digest of everything that shapes the learning pass."""
    kept = {k: v for k, v in sorted(c.items())
            if k not in _NOT_LEARNING and not k.startswith(_OTHER_CONTENDERS)}
    return json_digest({"config": kept, "seed": int(seed), "examples": int(n_examples)}, 16)


@dataclass
class Progress:
    """Where a learning pass stands: the next example and the totals so far."""

    next: int = 0
    tries: int = 0
    events: float = 0.0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    chunks: list = field(default_factory=list)  # first example of each saved block of counts
    rows: list = field(default_factory=list)    # count arrays, one (examples x neurons) block per save


class CheckpointFolder:
    """The checkpoint folder of one learning pass (see module doc)."""

    def __init__(self, folder, key: str):
        self.folder, self.key = Path(folder), key

    @property
    def network_path(self) -> Path:
        return self.folder / NETWORK

    def exists(self) -> bool:
        return self.network_path.exists()

    def load(self):
        """(network, Progress) from the last save; refuses a folder of another pass."""
        from ..engine.network import Network
        from ..io.checkpoint import read_manifest

        meta = read_manifest(self.network_path).get("metadata") or {}
        if meta.get("key") != self.key:
            raise ValidationError("diehl-cook learning", "checkpoint_dir", str(self.folder),
                                  f"holds the checkpoint of another run (key {meta.get('key')!r}, this run "
                                  f"{self.key!r}: another configuration, seed or number of examples); "
                                  "name an empty folder or the one this run wrote")
        net = Network.load(self.network_path)
        chunks = [int(first) for first in meta["chunks"]]
        state = Progress(int(meta["next"]), int(meta["tries"]), float(meta["events"]), float(meta["wall_s"]),
                         float(meta["cpu_s"]), chunks, [self._counts(first) for first in chunks])
        return net, state

    def save(self, net, state: Progress) -> None:
        """Write the newest block of counts (``state.rows[-1]``, first example
        ``state.chunks[-1]``), then the network with ``state``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_save_npy(self.folder / f"counts_{state.chunks[-1]:07d}.npy", np.asarray(state.rows[-1], np.int32))
        net.save(self.network_path, metadata={"key": self.key, "next": state.next, "tries": state.tries,
                                              "events": state.events, "wall_s": state.wall_s,
                                              "cpu_s": state.cpu_s, "chunks": state.chunks})

    def _counts(self, first: int) -> np.ndarray:
        path = self.folder / f"counts_{first:07d}.npy"
        try:
            return np.load(path).astype(np.int64)
        except (OSError, ValueError) as err:
            raise ValidationError("diehl-cook learning", "checkpoint_dir", str(self.folder),
                                  f"must hold {path.name}, which its checkpoint names ({err})") from None

