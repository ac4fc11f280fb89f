"""Input of the ``temporal-pattern`` task: a frozen spike pattern hidden in Poisson noise.

``n_aff`` afferents fire as independent Poisson processes at ``rate`` -
``noise_rate`` Hz, plus ``noise_rate`` Hz of independent noise on top at all
times (also during the pattern, as in the paper): ``rate`` Hz in all.
Time is cut into slots of ``pattern_ms``; a slot holds the pattern with
probability ``p_slot`` unless the slot before it did (so patterns never
follow each other directly and take p / (1 + p) of the time: 1/4 for
p = 1/3). In a pattern slot the first ``n_pattern`` afferents replay a frozen
``pattern_ms`` segment of the same process (drawn once per seed), each spike
shifted by Gaussian jitter of s.d. ``jitter`` ms (clipped at +-``pattern_ms``);
the other afferents keep firing at random (and the noise goes on). Rates are
the same in and out of the pattern: only the timing of the pattern afferents'
spikes repeats.

With ``variable_rate`` (the task's default) the afferents' own rates vary
in time as in Masquelier et al. (2008): 0-90 Hz, mean 54 Hz, each afferent at
least once every 50 ms. Without it they are Poisson at a constant 54 Hz (their
mean) -- a deviation (docs/comparison.md). Either way the spike *counts* of a
pattern window are frozen too (the pattern's, plus the noise), which a
count-based classifier can use.

The input is drawn in blocks of ``BLOCK_MS`` (1 s), each from its own random
stream (``[seed, 2008, 0, block]``), the variable rates' state carried from
block to block, so that :func:`stream` can hand it out in pieces of any length
without holding it whole (a 450 s input is 5.8e7 spikes) and the pieces are,
joined, exactly the input :func:`make_input` draws at once.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["PatternInput", "Layout", "layout", "stream", "make_input", "window_counts", "BLOCK_MS"]

BLOCK_MS = 1000.0      # drawing block (ms): >= pattern_ms, so a block's pattern copies reach back at most one block
MAX_SILENCE = 50.0     # ms: the variable-rate afferents fire at least this often


@dataclass
class Layout:
    """The slot grid and the frozen pattern of one seed: the pattern slots' start
    times ``onsets`` (ms), every slot's label ``slot_is_pattern``, and the
    pattern's spikes (afferent ``p_idx`` at ``p_t`` ms after the onset)."""

    onsets: np.ndarray
    slot_is_pattern: np.ndarray
    slot_ms: float
    p_idx: np.ndarray
    p_t: np.ndarray

    @property
    def end(self) -> float:
        """The input's length (ms): whole slots."""
        return len(self.slot_is_pattern) * self.slot_ms


@dataclass
class PatternInput:
    """Spikes (``index``, ``times`` in ms, sorted by time), the pattern slots'
    start times ``onsets`` (ms) and every slot's label ``slot_is_pattern``."""

    index: np.ndarray
    times: np.ndarray
    onsets: np.ndarray
    slot_is_pattern: np.ndarray
    slot_ms: float


def _slots(n_slots: int, p: float, rng) -> np.ndarray:
    draw = rng.random(n_slots) < p
    draw[0] = False
    # no two pattern slots in a row: keep a draw only if the slot before was not kept
    keep = np.zeros(n_slots, bool)
    runs = np.flatnonzero(np.diff(np.concatenate([[0], draw.astype(np.int8), [0]])))
    for start, stop in zip(runs[::2], runs[1::2]):      # per run of draws (few thousand), not per step
        keep[start:stop:2] = True
    return keep


def _initial(n: int, max_rate: float, rng) -> np.ndarray:
    """Variable-rate state (rows: rate Hz, its speed Hz/s, last spike ms) at time 0."""
    speed_max = max_rate / (MAX_SILENCE * 1e-3)
    return np.stack([rng.random(n) * max_rate, (2.0 * rng.random(n) - 1.0) * speed_max,
                     -rng.random(n) * MAX_SILENCE])


@njit(cache=True)
def _variable_block(state, t0, n_ms, rng, max_rate, idx, t):
    """Masquelier et al. (2008)'s afferents over the ms [t0, t0 + n_ms): each
    afferent's rate r (Hz, row 0 of ``state``) changes with a speed s (Hz/s,
    row 1) that takes a uniform step in [-S/5, S/5] every ms, clipped to
    [-S, S], S = max_rate / 50 ms; r is clipped to [0, max_rate]. In each ms a
    spike comes with probability r x 1 ms, or when the afferent has been silent
    for 50 ms (row 2: last spike); its time is uniform within the ms. Draws
    from the generator ``rng``; writes (idx, t); returns their count."""
    speed_max = max_rate / (MAX_SILENCE * 1e-3)
    k = 0
    for i in range(state.shape[1]):
        rate, speed, last = state[0, i], state[1, i], state[2, i]
        for m in range(n_ms):
            now = t0 + m
            if rng.random() < 1e-3 * rate or now + 1.0 - last > MAX_SILENCE:
                last = now + rng.random()
                idx[k], t[k] = i, last
                k += 1
            rate = min(max(rate + speed * 1e-3, 0.0), max_rate)
            speed = min(max(speed + 0.2 * (2.0 * rng.random() - 1.0) * speed_max, -speed_max), speed_max)
        state[0, i], state[1, i], state[2, i] = rate, speed, last
    return k


def _variable(state, t0: float, t1: float, max_rate: float, rng):
    """Spikes of the variable-rate afferents over [t0, t1) ms (whole ms from t0)."""
    n, n_ms = state.shape[1], int(np.ceil(t1 - t0))
    idx, t = np.empty(n * n_ms, np.int64), np.empty(n * n_ms)
    k = _variable_block(state, t0, n_ms, rng, max_rate, idx, t)
    keep = t[:k] < t1
    return idx[:k][keep], t[:k][keep]


def _poisson(n: int, rate: float, t0: float, t1: float, rng):
    counts = rng.poisson(rate * 1e-3 * (t1 - t0), n)
    return np.repeat(np.arange(n), counts), rng.uniform(t0, t1, counts.sum())


def _own(c: dict, state, t0: float, t1: float, rng):
    """The afferents' own spikes over [t0, t1) ms: the paper's variable rates, or
    Poisson at rate - noise_rate."""
    if c["variable_rate"]:
        return _variable(state, t0, t1, float(c["max_rate"]), rng)
    return _poisson(state.shape[1], float(c["rate"]) - float(c["noise_rate"]), t0, t1, rng)


def layout(c: dict, seed: int, duration: float) -> Layout:
    """The seed's slots and frozen pattern (the first of its random streams)."""
    rng = np.random.default_rng([seed, 2008])
    slot, n_pat = float(c["pattern_ms"]), int(c["n_pattern"])
    is_pattern = _slots(int(duration // slot), float(c["p_slot"]), rng)
    prng = np.random.default_rng([seed, 2008, 1])
    p_idx, p_t = _own(c, _initial(n_pat, float(c["max_rate"]), prng), 0.0, slot, prng)
    return Layout(np.flatnonzero(is_pattern) * slot, is_pattern, slot, p_idx, p_t)


def _block(c: dict, seed: int, lay: Layout, state, b: int):
    """Block ``b`` of the input, [b, b + 1) x BLOCK_MS (up to the end): the afferents'
    own spikes with the pattern afferents' silenced in pattern slots, the pattern's
    copies starting in the block (jittered) and the noise. Unsorted."""
    rng = np.random.default_rng([seed, 2008, 0, b])
    t0, t1 = b * BLOCK_MS, min((b + 1) * BLOCK_MS, lay.end)
    n_aff, n_pat, slot = state.shape[1], int(c["n_pattern"]), lay.slot_ms
    idx, t = _own(c, state, t0, t1, rng)
    inside = lay.slot_is_pattern[np.minimum((t // slot).astype(np.int64), len(lay.slot_is_pattern) - 1)]
    keep = ~(inside & (idx < n_pat))
    onsets = lay.onsets[(lay.onsets >= t0) & (lay.onsets < t1)]
    rep_t = np.repeat(onsets, len(lay.p_t)) + np.tile(lay.p_t, len(onsets))
    if c["jitter"] > 0:
        rep_t += np.clip(rng.normal(0.0, float(c["jitter"]), rep_t.size), -slot, slot)
    n_idx, n_t = _poisson(n_aff, float(c["noise_rate"]), t0, t1, rng)   # on top, everywhere
    return (np.concatenate([idx[keep], np.tile(lay.p_idx, len(onsets)), n_idx]),
            np.concatenate([t[keep], np.clip(rep_t, 0.0, lay.end - 0.1), n_t]))


def stream(c: dict, seed: int, duration: float, chunk_ms: float = 10_000.0, lay: Layout | None = None):
    """The seed's afferent spikes over ``duration`` ms in pieces: yields (index,
    times) sorted by time, one piece per ``chunk_ms`` ([k, k + 1) x chunk_ms), drawn
    block by block; a piece is handed out once no later block can reach into it."""
    lay = layout(c, seed, duration) if lay is None else lay
    state = _initial(int(c["n_aff"]), float(c["max_rate"]), np.random.default_rng([seed, 2008, 2]))
    n_blocks = int(np.ceil(lay.end / BLOCK_MS))
    pend_i, pend_t = np.empty(0, np.int64), np.empty(0)
    drawn, edge = 0, 0.0
    while edge < lay.end:
        edge = min(edge + chunk_ms, lay.end)
        while drawn < n_blocks and (drawn - 1) * BLOCK_MS < edge:   # block j's spikes are >= (j - 1) x BLOCK_MS
            i, t = _block(c, seed, lay, state, drawn)
            pend_i, pend_t = np.concatenate([pend_i, i]), np.concatenate([pend_t, t])
            drawn += 1
        out = pend_t < edge if edge < lay.end else np.ones(pend_t.size, bool)
        order = np.argsort(pend_t[out], kind="stable")
        yield pend_i[out][order], pend_t[out][order]
        pend_i, pend_t = pend_i[~out], pend_t[~out]


def make_input(c: dict, seed: int, duration: float) -> PatternInput:
    """The seed's afferent spikes over ``duration`` ms at once (see module doc):
    for short inputs and tests; long runs use :func:`stream`."""
    lay = layout(c, seed, duration)
    idx, t = next(stream(c, seed, duration, chunk_ms=lay.end, lay=lay))
    return PatternInput(idx, t, lay.onsets, lay.slot_is_pattern, lay.slot_ms)


def count_windows(pieces, slot_ms: float, n_slots: int, n_aff: int, bins: int, slots) -> np.ndarray:
    """Spike counts of each afferent in ``bins`` equal bins of each slot in ``slots``:
    (len(slots), n_aff * bins), afferent-major, from the (index, times) ``pieces``
    of an input cut into ``n_slots`` slots of ``slot_ms`` (a piece at a time)."""
    slots = np.asarray(slots)
    out = np.zeros((len(slots), n_aff * bins), np.float32)
    pos = np.full(n_slots + 1, -1)
    pos[slots] = np.arange(len(slots))
    width = slot_ms / bins
    for index, times in pieces:
        slot_of = (times // slot_ms).astype(np.int64)
        row = pos[np.minimum(slot_of, n_slots)]
        keep = row >= 0
        if not keep.any():
            continue
        r0, r1 = int(row[keep].min()), int(row[keep].max()) + 1
        b = np.minimum(((times[keep] - slot_of[keep] * slot_ms) // width).astype(np.int64), bins - 1)
        flat = ((row[keep] - r0) * n_aff + index[keep]) * bins + b
        out[r0:r1] += np.bincount(flat, minlength=(r1 - r0) * n_aff * bins).reshape(r1 - r0, -1)
    return out


def window_counts(inp: PatternInput, n_aff: int, bins: int, slots) -> np.ndarray:
    """:func:`count_windows` of a whole input."""
    return count_windows([(inp.index, inp.times)], inp.slot_ms, len(inp.slot_is_pattern), n_aff, bins, slots)
