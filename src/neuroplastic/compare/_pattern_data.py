"""Input of the ``temporal-pattern`` task: a frozen spike pattern hidden in Poisson noise.

``n_aff`` afferents fire as independent Poisson processes at ``rate`` -
``noise_rate`` Hz, plus ``noise_rate`` Hz of independent noise on top at all
times (also during the pattern, as in the paper): ``rate`` Hz in all.
Time is cut into slots of ``pattern_ms``; a slot holds the pattern with
probability ``p_slot`` unless the slot before it did (so patterns never
follow each other directly and take p / (1 + p) of the time: 1/4 for
p = 1/3). In a pattern slot the first ``n_pattern`` afferents replay a frozen
``pattern_ms`` segment of the same Poisson process (drawn once per seed), each
spike shifted by Gaussian jitter of s.d. ``jitter`` ms; the other afferents
keep firing at random (and the noise goes on). Rates are the same in and out of the pattern: only
the timing of the pattern afferents' spikes repeats.

With ``variable_rate`` (the task's default) the afferents' own rates vary
in time as in Masquelier et al. (2008): 0-90 Hz, mean 54 Hz, each afferent at
least once every 50 ms (drawn compiled at 1 ms resolution: about 2 min per
450 s of input on a loaded 2-core machine). Without it they are Poisson at a
constant 54 Hz (their mean) -- a deviation: the neuron then found the pattern
in 5 of 10 seeds instead of 9 (docs/comparison.md). Either way the spike
*counts* of a pattern window are frozen too (the pattern's, plus the noise),
which a count-based classifier can use.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["PatternInput", "make_input", "window_counts"]


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


@njit(cache=True)
def _variable_trains(n, duration, max_rate, max_silence, seed):
    """Masquelier et al. (2008)'s afferents (compiled; 1 ms resolution): each
    afferent's rate r (Hz) starts uniform in [0, max_rate] and changes with a
    speed s (Hz/s) that starts uniform in [-S, S], S = max_rate / max_silence,
    and takes a uniform step in [-S/5, S/5] every ms, clipped to [-S, S]; r is
    clipped to [0, max_rate]. In each ms a spike comes with probability
    r x 1 ms, or when the afferent has been silent for ``max_silence`` ms; its
    time is uniform within the ms. Returns (index, times) unsorted."""
    np.random.seed(seed)
    cap = int(n * duration * max_rate * 1e-3 * 0.8) + 1000
    idx = np.empty(cap, np.int64)
    t = np.empty(cap, np.float64)
    k = 0
    speed_max = max_rate / (max_silence * 1e-3)
    for i in range(n):
        rate = np.random.rand() * max_rate
        speed = (2.0 * np.random.rand() - 1.0) * speed_max
        last = -np.random.rand() * max_silence
        for step in range(1, int(duration)):
            now = float(step)
            if np.random.rand() < 1e-3 * rate or now - last > max_silence:
                last = max(now - np.random.rand(), 0.0)
                if k == cap:
                    cap *= 2
                    idx, t = _grow(idx, cap), _grow(t, cap)
                idx[k], t[k] = i, last
                k += 1
            rate = min(max(rate + speed * 1e-3, 0.0), max_rate)
            speed = min(max(speed + 0.2 * (2.0 * np.random.rand() - 1.0) * speed_max, -speed_max), speed_max)
    return idx[:k], t[:k]


@njit(cache=True)
def _grow(a, cap):
    out = np.empty(cap, a.dtype)
    out[:a.size] = a
    return out


def _base(c: dict, n: int, t1: float, rng):
    """The afferents' own spikes over [0, t1) ms: Poisson at rate - noise_rate, or
    the paper's variable rates (``variable_rate``)."""
    if c["variable_rate"]:
        return _variable_trains(n, t1, float(c["max_rate"]), 50.0, int(rng.integers(2 ** 31)))
    return _poisson(n, float(c["rate"]) - float(c["noise_rate"]), 0.0, t1, rng)


def _poisson(n: int, rate: float, t0: float, t1: float, rng):
    counts = rng.poisson(rate * 1e-3 * (t1 - t0), n)
    return np.repeat(np.arange(n), counts), rng.uniform(t0, t1, counts.sum())


def make_input(c: dict, seed: int, duration: float) -> PatternInput:
    """The seed's afferent spikes over ``duration`` ms (see module doc)."""
    rng = np.random.default_rng([seed, 2008])
    slot, n_aff, n_pat = float(c["pattern_ms"]), int(c["n_aff"]), int(c["n_pattern"])
    n_slots = int(duration // slot)
    is_pattern = _slots(n_slots, float(c["p_slot"]), rng)
    idx, t = _base(c, n_aff, n_slots * slot, rng)
    onsets = np.flatnonzero(is_pattern) * slot
    inside = is_pattern[np.minimum((t // slot).astype(np.int64), n_slots - 1)] & (idx < n_pat)
    first = int(np.argmax(is_pattern))                                 # the frozen pattern: the first
    in_first = (idx < n_pat) & (t >= first * slot) & (t < (first + 1) * slot)   # pattern slot's own spikes
    p_idx, p_t = idx[in_first], t[in_first] - first * slot
    rep_idx = np.tile(p_idx, len(onsets))
    rep_t = np.repeat(onsets, len(p_t)) + np.tile(p_t, len(onsets))
    rep_t = rep_t + rng.normal(0.0, float(c["jitter"]), rep_t.size) if c["jitter"] > 0 else rep_t
    n_idx, n_t = _poisson(n_aff, float(c["noise_rate"]), 0.0, n_slots * slot, rng)   # on top, everywhere
    idx = np.concatenate([idx[~inside], rep_idx, n_idx])
    t = np.clip(np.concatenate([t[~inside], rep_t, n_t]), 0.0, n_slots * slot - 0.1)
    order = np.argsort(t, kind="stable")
    return PatternInput(idx[order], t[order], onsets, is_pattern, slot)


def window_counts(inp: PatternInput, n_aff: int, bins: int, slots) -> np.ndarray:
    """Spike counts of each afferent in ``bins`` equal bins of each slot in ``slots``:
    (len(slots), n_aff * bins), afferent-major."""
    slots = np.asarray(slots)
    width = inp.slot_ms / bins
    slot_of = (inp.times // inp.slot_ms).astype(np.int64)
    pos = np.full(len(inp.slot_is_pattern) + 1, -1)
    pos[slots] = np.arange(len(slots))
    row = pos[np.minimum(slot_of, len(pos) - 1)]
    keep = row >= 0
    b = np.minimum(((inp.times[keep] - slot_of[keep] * inp.slot_ms) // width).astype(np.int64), bins - 1)
    flat = (row[keep] * n_aff + inp.index[keep]) * bins + b
    return np.bincount(flat, minlength=len(slots) * n_aff * bins).reshape(len(slots), n_aff * bins).astype(np.float32)
