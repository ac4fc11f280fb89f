"""Running a stimulus schedule on a network and keeping bounded recordings.

The stimulus is a PoissonInput whose per-neuron rates change between runs
(``Network.set_rates``); the network runs from one change to the next, and
the loop's per-neuron spike counts (``Network.spike_counts(clear=True)``) are
read at every cut. Recordings over hours stay bounded: nothing grows with the
number of spikes, only with the number of bins (:class:`Counts`):

* ``grid``: per-neuron spike counts in bins of ``grid_ms`` (10 s at full
  scale: 1,080 bins x 4,096 neurons x 4 bytes = 17.7 MB for 3 h while
  running, saved as uint16: 8.8 MB), from which
  assembly rates over the whole run are computed once assemblies are known;
* ``classes``: per-neuron spike sums and durations by stimulus class (each
  pattern, and no stimulus) in blocks of ``block_ms`` (10 min), from which
  the selectivity of every neuron is read;
* ``psth``: around each stimulus onset of a recall phase, spike sums per
  group of neurons (the assemblies) in bins of ``psth_ms`` from ``pre`` before
  to ``post`` after the onset (a windowed, reduced spike monitor).
Population rates come from RateMonitors (one number per bin).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._stimuli import rates as input_rates


@dataclass
class Counts:
    """Bounded spike-count recordings of one population (module doc)."""

    n: int
    n_classes: int
    grid_ms: float
    block_ms: float
    grid: dict = field(default_factory=dict)       # bin index -> uint32 counts (n,)
    classes: dict = field(default_factory=dict)    # block start (ms) -> (sums (n_classes + 1, n), durations)
    psth: list = field(default_factory=list)       # dicts: t_on, stimulus, counts (bins, groups)
    origin: float = 0.0                            # blocks start here (the runner sets each phase's start)

    def add(self, t0: float, t1: float, stimulus: int, counts: np.ndarray) -> None:
        """Spikes of [t0, t1) ms, during ``stimulus`` (-1: none); the interval
        lies inside one grid bin and one block (the runner cuts there). Blocks
        are counted from ``origin``, so that no block straddles two phases."""
        b = int((t0 + 1e-6) // self.grid_ms)
        if b not in self.grid:
            self.grid[b] = np.zeros(self.n, np.uint32)
        self.grid[b] += counts.astype(np.uint32)
        k = round(self.origin + (t0 - self.origin + 1e-6) // self.block_ms * self.block_ms, 6)
        if k not in self.classes:
            self.classes[k] = (np.zeros((self.n_classes + 1, self.n)), np.zeros(self.n_classes + 1))
        sums, durations = self.classes[k]
        sums[stimulus] += counts        # -1: the last row, no stimulus
        durations[stimulus] += t1 - t0

    def grid_array(self, t_end: float) -> np.ndarray:
        """(bins, n) counts of the grid bins up to ``t_end`` (bins never reached are 0)."""
        n_bins = int(np.ceil(t_end / self.grid_ms - 1e-9))
        out = np.zeros((n_bins, self.n), np.uint16)
        for b, x in self.grid.items():
            if b < n_bins:
                out[b] = np.minimum(x, np.iinfo(np.uint16).max)
        return out

    def responses(self, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
        """Per-neuron rates (Hz) by class over the blocks in [t0, t1): (rates
        (n_classes + 1, n), seconds per class); the last row is "no stimulus"."""
        sums, durations = np.zeros((self.n_classes + 1, self.n)), np.zeros(self.n_classes + 1)
        for k, (s, d) in self.classes.items():
            if t0 <= k < t1:
                sums += s
                durations += d
        seconds = durations * 1e-3
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / seconds[:, None], seconds


@dataclass
class Psth:
    """What the runner records around stimulus onsets of a phase: per-group
    spike sums (``groups``: group index per neuron, -1 = none) in bins of
    ``bin_ms`` from ``pre`` ms before to ``post`` ms after each onset."""

    groups: np.ndarray
    n_groups: int
    bin_ms: float
    pre: float
    post: float

    def reduce(self, counts: np.ndarray) -> np.ndarray:
        keep = self.groups >= 0
        return np.bincount(self.groups[keep], weights=counts[keep], minlength=self.n_groups)


def cut_times(sched, t0: float, t1: float, grid_ms: float, block_ms: float, psth: Psth | None) -> np.ndarray:
    """Every time (ms) in (t0, t1] at which the runner stops: stimulus onsets
    and offsets, grid boundaries, block boundaries counted from t0 (the
    phase's start), and the PSTH bins around onsets."""
    cuts = [t for a, b, _ in sched for t in (a, b)]
    cuts += list(np.arange(np.floor(t0 / grid_ms) * grid_ms + grid_ms, t1, grid_ms))
    cuts += list(np.arange(t0 + block_ms, t1, block_ms))            # blocks from the phase's start
    if psth is not None:
        for a, _, _ in sched:
            cuts += list(a + np.arange(-psth.pre, psth.post + 1e-9, psth.bin_ms))
    cuts.append(t1)
    cuts = np.unique(np.round(np.asarray(cuts, dtype=float), 6))
    return cuts[(cuts > t0 + 1e-9) & (cuts <= t1 + 1e-9)]


@dataclass
class Outcome:
    """How a phase ended: ``"ok"``, or ``"runaway"`` with the time (ms) at which
    the excitatory rate, averaged over a grid bin, first exceeded the limit."""

    status: str = "ok"
    t_ms: float | None = None


@dataclass
class Cursor:
    """Where a running phase stands between two cuts: its start ``t0`` (ms;
    blocks and ``Counts.origin`` count from it), the stimulus shown
    (``current``, -1: none), the PSTH windows still open (onset index ->
    window) and the runaway check's accumulators since the last grid boundary
    (``since`` ms, ``spikes``). A checkpoint keeps it; :func:`run_phase`
    continues from it."""

    t0: float
    current: int = -1
    windows: dict = field(default_factory=dict)
    since: float = 0.0
    spikes: float = 0.0


def run_phase(net, c: dict, sched, patterns, t1: float, counts: Counts, psth: Psth | None = None,
              progress=None, cursor: Cursor | None = None, save=None) -> Outcome:
    """Run ``net`` from its current time to ``t1`` ms through ``sched`` ((start,
    stop, stimulus) in ms; stimulus k shows ``patterns[k]``). Stops early, as
    runaway activity, when the excitatory rate averaged over a grid bin
    exceeds ``c["runaway_rate"]`` (Hz; the authors' simulations stop above 20 Hz).
    ``progress(t_ms)`` is called at every grid boundary, ``save(net, cursor)``
    after its runaway check. ``cursor`` continues a phase stopped at a grid
    boundary (the network loaded from a checkpoint taken there): the cuts
    after ``net.t`` are those of the phase never stopped."""
    n_in = int(c["n_inputs"])
    if cursor is None:
        cursor = Cursor(net.t)
        net.set_rates("inp", input_rates(n_in, c["bg_rate"], c["pattern_rate"], None))
        net.spike_counts("exc", clear=True)
    counts.origin = cursor.t0
    cuts = cut_times(sched, cursor.t0, t1, counts.grid_ms, counts.block_ms, psth)
    on = {round(a, 6): k for a, _, k in sched}
    off = {round(b, 6) for _, b, _ in sched}
    onsets, stimuli = np.array([a for a, _, _ in sched]), [k for _, _, k in sched]
    for t_cut in cuts[cuts > net.t + 1e-9]:
        start = round(net.t, 6)
        _switch(net, c, patterns, cursor, on.get(start), start in off)
        net.run(t_cut - net.t)
        x = net.spike_counts("exc", clear=True)
        counts.add(start, net.t, cursor.current, x)
        if psth is not None:
            _psth_add(psth, cursor.windows, onsets, stimuli, start, x)
        cursor.since, cursor.spikes = cursor.since + net.t - start, cursor.spikes + x.sum()
        if _on_grid(net.t, counts.grid_ms):
            if progress is not None:
                progress(net.t)
            if cursor.spikes / (counts.n * cursor.since * 1e-3) > c["runaway_rate"]:
                return Outcome("runaway", net.t)
            cursor.since, cursor.spikes = 0.0, 0.0
            if save is not None:
                save(net, cursor)
    if psth is not None:
        counts.psth.extend(cursor.windows[k] for k in sorted(cursor.windows))
    net.set_rates("inp", input_rates(n_in, c["bg_rate"], c["pattern_rate"], None))
    return Outcome()


def _switch(net, c: dict, patterns, cursor: Cursor, onset, offset: bool) -> None:
    """At a cut: show the pattern whose stimulus starts (``onset``: its index, or
    None), or go back to the background when the shown one stops."""
    n_in = int(c["n_inputs"])
    if onset is not None:
        cursor.current = onset
        net.set_rates("inp", input_rates(n_in, c["bg_rate"], c["pattern_rate"], patterns[onset]))
    elif offset and cursor.current >= 0:
        cursor.current = -1
        net.set_rates("inp", input_rates(n_in, c["bg_rate"], c["pattern_rate"], None))


def _on_grid(t: float, grid_ms: float) -> bool:
    return abs(t / grid_ms - round(t / grid_ms)) < 1e-9


def _psth_add(psth: Psth, windows: dict, onsets: np.ndarray, stimuli, t0: float, counts) -> None:
    """Add the reduced counts of the interval starting at t0 to the window of
    every onset it falls in."""
    n_bins = int(round((psth.pre + psth.post) / psth.bin_ms))
    lo = np.searchsorted(onsets, t0 - psth.post + 1e-6, side="left")
    hi = np.searchsorted(onsets, t0 + psth.pre + 1e-6, side="right")
    for m in range(lo, hi):
        a = onsets[m]
        b = int(np.floor((t0 - (a - psth.pre)) / psth.bin_ms + 1e-6))
        if not 0 <= b < n_bins:
            continue
        if m not in windows:
            windows[m] = dict(t_on=a, stimulus=stimuli[m], counts=np.zeros((n_bins, psth.n_groups)))
        windows[m]["counts"][b] += psth.reduce(counts)
