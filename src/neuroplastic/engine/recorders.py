"""Monitor buffers: what the compiled loop writes into, and the data users read.

Samples are taken at the start of a step (the state at time ``n * dt``), as
Brian2 does; spikes are stamped with the step in which the threshold was crossed.
"""
from __future__ import annotations

import numpy as np

from .codegen import MonitorSpec
from ..model.modulators import ModulatorMonitor
from ..model.monitors import RateMonitor, SpikeMonitor, StateMonitor, WeightMonitor


def _samples_between(n0: int, n1: int, every: int) -> int:
    return -(-n1 // every) - (-(-n0 // every))


class SpikeRecorder:
    """Growing buffers of (neuron index, step)."""

    kind = "spikes"

    def __init__(self, index, monitor: SpikeMonitor, target: int, capacity: int = 4096):
        self.spec, self.monitor = MonitorSpec(index, "spikes", target), monitor
        self.capacity = capacity
        self.reset()

    def reset(self):
        self.i = np.zeros(self.capacity, np.int64)
        self.t = np.zeros(self.capacity, np.int64)
        self.n = np.zeros(1, np.int64)

    def grow(self):
        """Double the buffers, keeping what was recorded."""
        size = 2 * len(self.i)
        for key in ("i", "t"):
            new = np.zeros(size, np.int64)
            new[: self.n[0]] = getattr(self, key)[: self.n[0]]
            setattr(self, key, new)

    def args(self, n0, n1):
        return [self.i, self.t, self.n]

    def trim(self, reached: int):
        """Nothing to trim: the count ``n`` already marks the end of the data."""

    def data(self, dt):
        k = self.n[0]
        return {"i": self.i[:k].copy(), "t": self.t[:k] * dt}


class StateRecorder:
    """Samples of chosen state rows and neurons every ``every`` steps."""

    kind = "state"

    def __init__(self, index, monitor: StateMonitor, target: int, rows, n, dt):
        self.spec, self.monitor = MonitorSpec(index, "state", target), monitor
        self.rows = np.asarray(rows, np.int64)
        idx = np.arange(n) if monitor.indices is None else monitor.indices
        self.idx = np.asarray(idx, np.int64)
        self.every = np.int64(max(1, round(monitor.interval / dt)))
        self.reset()

    def reset(self):
        self.chunks, self.steps = [], []

    def _window(self, n0, n1, shape=()) -> np.ndarray:
        """A fresh sample buffer (and sample steps) for steps [n0, n1); resets the count."""
        every = int(self.every)
        self.chunks.append(np.zeros((_samples_between(n0, n1, every),) + tuple(shape)))
        self.steps.append(np.arange(-(-n0 // every) * every, n1, every))
        self._k = np.zeros(1, np.int64)
        return self.chunks[-1]

    def args(self, n0, n1):
        return [self._window(n0, n1, (len(self.rows), len(self.idx))), self.rows, self.idx, self._k, self.every]

    def trim(self, reached: int):
        """Drop samples a stopped chunk did not reach."""
        if self.chunks:
            k = int(self._k[0])
            self.chunks[-1], self.steps[-1] = self.chunks[-1][:k], self.steps[-1][:k]

    def data(self, dt):
        arr = np.concatenate(self.chunks) if self.chunks else np.zeros((0, len(self.rows), len(self.idx)))
        out = {"t": (np.concatenate(self.steps) if self.steps else np.zeros(0)) * dt, "index": self.idx}
        for a, name in enumerate(self.monitor.variables):
            out[name] = arr[:, a, :]
        return out


class WeightRecorder(StateRecorder):
    """Samples of chosen synapses' weights every ``every`` steps."""

    kind = "weights"

    def __init__(self, index, monitor: WeightMonitor, target: int, store, dt):
        self.spec, self.monitor = MonitorSpec(index, "weights", target), monitor
        sel = np.arange(len(store.build_slots)) if monitor.synapses is None else np.asarray(monitor.synapses)
        self.synapses = sel.astype(np.int64)
        self.slots = store.build_slots[self.synapses]
        self.pre, self.post = store.pre[self.slots].copy(), store.post[self.slots].copy()
        self.every = np.int64(max(1, round(monitor.interval / dt)))
        self.reset()

    def args(self, n0, n1):
        return [self._window(n0, n1, (len(self.slots),)), self.slots, self._k, self.every]

    def data(self, dt):
        w = np.concatenate(self.chunks) if self.chunks else np.zeros((0, len(self.slots)))
        t = (np.concatenate(self.steps) if self.steps else np.zeros(0)) * dt
        return {"t": t, "w": w, "pre": self.pre, "post": self.post, "synapse": self.synapses}


class RateRecorder:
    """Spike counts per bin of ``bin`` steps, turned into a rate in Hz."""

    kind = "rate"

    def __init__(self, index, monitor: RateMonitor, target: int, n, dt):
        self.spec, self.monitor = MonitorSpec(index, "rate", target), monitor
        self.bin = np.int64(max(1, round(monitor.bin / dt)))
        self.n, self.dt = n, dt
        self.reset()

    def reset(self):
        self.counts = np.zeros(0, np.int64)
        self.end_step = 0

    def args(self, n0, n1):
        first, last = n0 // int(self.bin), (n1 - 1) // int(self.bin)
        if len(self.counts) < last + 1:
            self.counts = np.concatenate([self.counts, np.zeros(last + 1 - len(self.counts), np.int64)])
        self._view = self.counts[first:]
        return [self._view, self.bin, np.int64(first)]

    def trim(self, reached: int):
        """Drop bins after the step reached (a stopped run must not report zero rates there)."""
        self.counts = self.counts[: (reached - 1) // int(self.bin) + 1] if reached > 0 else self.counts[:0]

    def data(self, dt):
        full = len(self.counts)
        t = np.arange(full) * self.bin * dt
        return {"t": t, "rate": self.counts / (self.n * self.bin * dt * 1e-3)}


class ModulatorRecorder(StateRecorder):
    """Samples of one modulator's level every ``every`` steps."""

    kind = "modulator"

    def __init__(self, index, monitor: ModulatorMonitor, target: int, dt):
        self.spec, self.monitor = MonitorSpec(index, "modulator", target), monitor
        self.every = np.int64(max(1, round(monitor.interval / dt)))
        self.reset()

    def args(self, n0, n1):
        return [self._window(n0, n1), self._k, self.every]

    def data(self, dt):
        level = np.concatenate(self.chunks) if self.chunks else np.zeros(0)
        t = (np.concatenate(self.steps) if self.steps else np.zeros(0)) * dt
        return {"t": t, "level": level}


def make_recorder(index, monitor, pops_by_name, pop_index, projs_by_name, proj_index, dt, mods=None):
    """The recorder for a monitor description."""
    if isinstance(monitor, ModulatorMonitor):
        return ModulatorRecorder(index, monitor, mods.names.index(monitor.modulator), dt)
    if isinstance(monitor, SpikeMonitor):
        return SpikeRecorder(index, monitor, pop_index[monitor.population])
    if isinstance(monitor, RateMonitor):
        p = pops_by_name[monitor.population]
        return RateRecorder(index, monitor, pop_index[monitor.population], p.n, dt)
    if isinstance(monitor, StateMonitor):
        p = pops_by_name[monitor.population]
        rows = [p.state_names.index(v) for v in monitor.variables]
        return StateRecorder(index, monitor, pop_index[monitor.population], rows, p.n, dt)
    pj = projs_by_name[monitor.projection]
    return WeightRecorder(index, monitor, proj_index[monitor.projection], pj.store, dt)
