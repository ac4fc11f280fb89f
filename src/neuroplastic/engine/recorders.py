"""Monitor buffers: what the compiled loop writes into, and the data users read.

Samples are taken at the start of a step (the state at time ``n * dt``), as
Brian2 does; spikes are stamped with the step in which the threshold was crossed.
"""
from __future__ import annotations

import numpy as np

from .codegen import MonitorSpec
from .limits import to_steps
from ..errors import ValidationError
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
        """Double the buffers, keeping what was recorded (both are allocated
        before either is replaced: a MemoryError leaves the recording intact)."""
        size = 2 * len(self.i)
        grown = [np.zeros(size, np.int64) for _ in range(2)]
        for key, new in zip(("i", "t"), grown):
            new[: self.n[0]] = getattr(self, key)[: self.n[0]]
            setattr(self, key, new)

    def args(self, n0, n1):
        return [self.i, self.t, self.n]

    def bytes_between(self, n0, n1) -> int:
        """Recorded bytes of steps [n0, n1): unknown in advance for spikes (the
        buffers double when full; see :meth:`grow`)."""
        return 0

    def trim(self, reached: int):
        """Nothing to trim: the count ``n`` already marks the end of the data."""

    def data(self, dt):
        k = self.n[0]
        return {"i": self.i[:k].copy(), "t": self.t[:k] * dt}


class StateRecorder:
    """Samples of chosen state rows and neurons every ``every`` steps.

    With ``indices=None`` the monitor follows the population's size: neurons
    added at run time are sampled from the next chunk on, and ``data`` pads
    their earlier samples with NaN (removed neurons keep being sampled).
    """

    kind = "state"

    def __init__(self, index, monitor: StateMonitor, target: int, rows, pop, dt):
        self.spec, self.monitor = MonitorSpec(index, "state", target), monitor
        self.rows = np.asarray(rows, np.int64)
        self.pop = pop
        idx = np.arange(pop.n) if monitor.indices is None else monitor.indices
        self.idx = np.asarray(idx, np.int64)
        self.every = to_steps(monitor.interval, dt, minimum=1)
        self.reset()

    def reset(self):
        self.chunks, self.steps = [], []
        self.last = None   # the samples of the last chunk, None if it took none

    def _window(self, n0, n1, shape=()) -> np.ndarray:
        """A fresh sample buffer (and sample steps) for steps [n0, n1); resets the
        count. Only chunks that take samples are kept (structural rules cut runs
        into many short chunks: empty ones must not pile up)."""
        every = int(self.every)
        buf = np.zeros((_samples_between(n0, n1, every),) + tuple(shape))
        self.last = buf if len(buf) else None
        if self.last is not None:
            self.chunks.append(buf)
            self.steps.append(np.arange(-(-n0 // every) * every, n1, every))
        self._k = np.zeros(1, np.int64)
        return buf

    def bytes_between(self, n0, n1) -> int:
        """Bytes the samples of steps [n0, n1) will take."""
        return _samples_between(n0, n1, int(self.every)) * (8 * self._width() + 8)

    def _width(self) -> int:
        return len(self.rows) * len(self.idx)

    def args(self, n0, n1):
        if self.monitor.indices is None and self.pop.n != len(self.idx):
            self.idx = np.arange(self.pop.n, dtype=np.int64)
        return [self._window(n0, n1, (len(self.rows), len(self.idx))), self.rows, self.idx, self._k, self.every]

    def trim(self, reached: int):
        """Drop samples a stopped chunk did not reach."""
        if self.last is not None:
            k = int(self._k[0])
            self.chunks[-1], self.steps[-1] = self.chunks[-1][:k], self.steps[-1][:k]
            self.last = self.chunks[-1] if k else None
            if not k:
                self.chunks.pop()
                self.steps.pop()

    def data(self, dt):
        width = len(self.idx)
        parts = [np.pad(c, ((0, 0), (0, 0), (0, width - c.shape[2])), constant_values=np.nan)
                 for c in self.chunks]
        arr = np.concatenate(parts) if parts else np.zeros((0, len(self.rows), width))
        out = {"t": (np.concatenate(self.steps) if self.steps else np.zeros(0)) * dt, "index": self.idx}
        for a, name in enumerate(self.monitor.variables):
            out[name] = arr[:, a, :]
        return out


class WeightRecorder(StateRecorder):
    """Samples of chosen synapses' weights every ``every`` steps."""

    kind = "weights"

    def __init__(self, index, monitor: WeightMonitor, target: int, store, dt):
        self.spec, self.monitor = MonitorSpec(index, "weights", target), monitor
        n = len(store.build_slots)
        sel = np.arange(n) if monitor.synapses is None else np.asarray(monitor.synapses)
        if sel.size and sel.max() >= n:
            raise ValidationError(f"WeightMonitor '{monitor.name}'", "synapses", int(sel.max()),
                                  f"must be < {n}, the number of synapses of projection '{monitor.projection}'")
        self.synapses = sel.astype(np.int64)
        self.slots = store.build_slots[self.synapses]
        self.pre, self.post = store.pre[self.slots].copy(), store.post[self.slots].copy()
        self.every = to_steps(monitor.interval, dt, minimum=1)
        self.reset()

    def _width(self) -> int:
        return len(self.slots)

    def args(self, n0, n1):
        return [self._window(n0, n1, (len(self.slots),)), self.slots, self._k, self.every]

    def data(self, dt):
        w = np.concatenate(self.chunks) if self.chunks else np.zeros((0, len(self.slots)))
        t = (np.concatenate(self.steps) if self.steps else np.zeros(0)) * dt
        return {"t": t, "w": w, "pre": self.pre, "post": self.post, "synapse": self.synapses}


class RateRecorder:
    """Spike counts per bin of ``bin`` steps, turned into a rate in Hz.

    The rate is the mean over the neurons that exist: each bin divides its count
    by the living neurons times the time they were recorded in it, so neurons
    added at run time count from when they appear and removed ones stop counting
    (``n`` in the data: mean number of living neurons per bin); a bin cut short
    by the end of the run is divided by the time it covers.

    The bins live in buffers whose capacity doubles when a chunk needs more
    (structural rules cut runs into many short chunks: growing by concatenation
    copied every bin once per chunk).
    """

    kind = "rate"

    def __init__(self, index, monitor: RateMonitor, target: int, pop, dt):
        self.spec, self.monitor = MonitorSpec(index, "rate", target), monitor
        self.bin = to_steps(monitor.bin, dt, minimum=1)
        self.pop, self.dt = pop, dt
        self.reset()

    def reset(self):
        self._counts, self._cover, self.nbins = np.zeros(0, np.int64), np.zeros(0), 0
        self._chunk, self.end = (0, 0, 0), 0

    @property
    def counts(self) -> np.ndarray:
        """Spikes per bin (a view)."""
        return self._counts[:self.nbins]

    @property
    def neuron_steps(self) -> np.ndarray:
        """Living neurons x recorded steps per bin (a view)."""
        return self._cover[:self.nbins]

    def _living(self) -> int:
        dead = self.pop.arrays.get("ndead")
        return int(self.pop.n - (dead[0] if dead is not None else 0))

    def _add_coverage(self, n0: int, n1: int, living: int, sign: float) -> None:
        """Add (or remove) ``living`` neurons x the steps of [n0, n1) inside each bin."""
        if n1 <= n0:
            return
        b = int(self.bin)
        first, last = n0 // b, (n1 - 1) // b
        starts = np.arange(first, last + 1) * b
        overlap = np.minimum(starts + b, n1) - np.maximum(starts, n0)
        self._cover[first:last + 1] += sign * living * overlap

    def bytes_between(self, n0, n1) -> int:
        """Bytes of the bins of steps [n0, n1) (a count and a coverage each)."""
        return 16 * _samples_between(n0, n1, int(self.bin))

    def args(self, n0, n1):
        first, last = n0 // int(self.bin), (n1 - 1) // int(self.bin)
        if len(self._counts) < last + 1:
            size = max(last + 1, 2 * len(self._counts))
            counts, cover = np.zeros(size, np.int64), np.zeros(size)
            counts[:self.nbins], cover[:self.nbins] = self.counts, self.neuron_steps
            self._counts, self._cover = counts, cover
        self.nbins = max(self.nbins, last + 1)
        self._chunk = (n0, n1, self._living())
        self._add_coverage(n0, n1, self._chunk[2], 1.0)
        self._view = self._counts[first:self.nbins]
        return [self._view, self.bin, np.int64(first)]

    def trim(self, reached: int):
        """Drop the time a stopped chunk did not reach, and the bins after it
        (a stopped run must not report zero rates there)."""
        n0, n1, living = self._chunk
        self._add_coverage(max(reached, n0), n1, living, -1.0)
        keep = (reached - 1) // int(self.bin) + 1 if reached > 0 else 0
        self._counts[keep:self.nbins], self._cover[keep:self.nbins] = 0, 0.0
        self.nbins = min(self.nbins, keep)
        self.end = int(reached)

    def data(self, dt):
        t = np.arange(len(self.counts)) * self.bin * dt
        covered = self.neuron_steps > 0
        rate = np.full(len(self.counts), np.nan)
        rate[covered] = self.counts[covered] / (self.neuron_steps[covered] * dt * 1e-3)
        starts = np.arange(len(self.counts)) * int(self.bin)
        steps = np.minimum(starts + int(self.bin), self.end) - starts
        return {"t": t, "rate": rate, "n": self.neuron_steps / np.maximum(steps, 1)}


class ModulatorRecorder(StateRecorder):
    """Samples of one modulator's level every ``every`` steps."""

    kind = "modulator"

    def __init__(self, index, monitor: ModulatorMonitor, target: int, dt):
        self.spec, self.monitor = MonitorSpec(index, "modulator", target), monitor
        self.every = to_steps(monitor.interval, dt, minimum=1)
        self.reset()

    def _width(self) -> int:
        return 1

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
        return RateRecorder(index, monitor, pop_index[monitor.population], pops_by_name[monitor.population], dt)
    if isinstance(monitor, StateMonitor):
        p = pops_by_name[monitor.population]
        rows = [p.state_names.index(v) for v in monitor.variables]
        return StateRecorder(index, monitor, pop_index[monitor.population], rows, p, dt)
    pj = projs_by_name[monitor.projection]
    return WeightRecorder(index, monitor, proj_index[monitor.projection], pj.store, dt)
