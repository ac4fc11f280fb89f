"""Compiled input sources and their registration as population kinds (engine/kinds.py):
Poisson (geometric skipping), explicit spike times, given values and uniform noise."""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .kinds import InputKind, register
from .limits import STEP_LIMIT, to_steps
from .random import geometric_gap, uniform
from ..model.inputs import NoiseInput, PoissonInput, SpikeTimes, ValueInput


@njit(cache=True)
def poisson_step(step, rng, nxt, log_q, accept, interval_steps, spk):
    """Spikes of a Poisson source at ``step``; cost grows with the spike count.

    Candidates are positions ``step * n + neuron`` of a Bernoulli process drawn
    with the maximum probability p_max (``log_q`` = log(1 - p_max)); the next
    one is kept as ``nxt = (step, neuron)`` (see :func:`advance`). A candidate
    is kept with probability ``accept[k]`` = p/p_max, where ``k`` is the neuron
    (per-neuron rates, ``interval_steps == 0``) or the time bin
    ``step // interval_steps`` (rates over time).
    """
    count = 0
    while nxt[0] <= step:
        i = nxt[1]
        if interval_steps == 0:
            keep = accept[i]
        else:
            keep = accept[min(step // interval_steps, accept.shape[0] - 1)]
        if keep >= 1.0 or uniform(rng) < keep:
            spk[count] = i
            count += 1
        advance(nxt, geometric_gap(rng, log_q), spk.shape[0])
    return count


@njit(cache=True)
def advance(nxt, gap, n):
    """Move the candidate ``nxt = (step, neuron)`` of a source of ``n`` neurons
    forward by ``1 + gap`` positions of the order ``step * n + neuron``.

    The product is never formed: ``neuron + 1 + gap`` <= n + 2^62 fits int64, and
    the step saturates at ``STEP_LIMIT`` (never simulated), so neither huge
    gaps (rates near 0) nor huge sources nor long runs can overflow.
    """
    i = nxt[1] + 1 + gap
    q = i // n if n > 0 else STEP_LIMIT
    if q >= STEP_LIMIT - nxt[0]:
        nxt[0], nxt[1] = STEP_LIMIT, 0
    else:
        nxt[0] += q
        nxt[1] = i - q * n


@njit(cache=True)
def start(nxt, step, rng, log_q, n):
    """Place the first candidate of a Poisson source at or after ``step``."""
    nxt[0], nxt[1] = step, -1
    advance(nxt, geometric_gap(rng, log_q), n)


@njit(cache=True)
def spike_times_step(step, steps, idx, ptr, spk):
    """Emit the scheduled spikes of ``step`` (``steps`` sorted ascending)."""
    count = 0
    while ptr[0] < steps.shape[0] and steps[ptr[0]] <= step:
        if steps[ptr[0]] == step:
            spk[count] = idx[ptr[0]]
            count += 1
        ptr[0] += 1
    return count


@njit(cache=True)
def values_step(step, values, hold, act, spk):
    """Activity of a ValueInput at ``step``: row (step // hold) mod n_rows of
    ``values`` is copied into ``act``; units with a non-zero value are listed
    in ``spk`` (they send)."""
    row = (step // hold) % values.shape[0]
    count = 0
    for i in range(act.shape[0]):
        x = values[row, i]
        act[i] = x
        if x != 0.0:
            spk[count] = i
            count += 1
    return count


@njit(cache=True)
def noise_step(step, hold, rng, bounds, act, spk):
    """Activity of a NoiseInput: at steps that are multiples of ``hold``, one
    uniform draw on [bounds[0], bounds[1]) per unit into ``act`` (held until
    the next draw); every unit is listed in ``spk`` (all send)."""
    if step % hold == 0:
        low, width = bounds[0], bounds[1] - bounds[0]
        for i in range(act.shape[0]):
            act[i] = low + width * uniform(rng)
    for i in range(act.shape[0]):
        spk[i] = i
    return act.shape[0]


def poisson_tables(src: PoissonInput, dt: float):
    """(log(1 - p_max), acceptance table, interval in steps) for a Poisson source."""
    rates = np.asarray(src.rate, dtype=float)
    log_q, accept = rate_tables(np.broadcast_to(rates, (src.n,)) if src.rate_interval is None else rates, dt)
    interval = 0 if src.rate_interval is None else int(to_steps(src.rate_interval, dt, minimum=1))
    return log_q, accept, interval


def rate_tables(rates: np.ndarray, dt: float):
    """(log(1 - p_max), acceptance table) for per-neuron rates (Hz, validated)
    at time step ``dt`` (ms): the source draws geometric gaps at the highest
    per-step probability p_max and keeps a candidate with probability p / p_max."""
    p = np.minimum(np.minimum(rates, 1e3 / dt) * dt * 1e-3, 1.0)
    p_max = float(p.max()) if p.size else 0.0
    accept = p / p_max if p_max > 0 else np.zeros_like(p)
    log_q = -math.inf if p_max >= 1.0 else math.log1p(-p_max)
    return log_q, np.ascontiguousarray(accept, dtype=np.float64)


def spike_schedule(src: SpikeTimes, dt: float):
    """(steps, indices, max spikes in one step) sorted by step, stable.

    Memory grows with the number of spikes, not with the latest time (a
    bincount over steps would allocate one counter per step up to it); times
    beyond the last step a run can reach (``limits.STEP_LIMIT``) never fire.
    """
    steps = to_steps(np.asarray(src.times, dtype=float).ravel(), dt)
    idx = np.asarray(src.indices, dtype=np.int64).ravel()
    order = np.argsort(steps, kind="stable")
    steps, idx = steps[order], idx[order]
    per_step = int(np.unique(steps, return_counts=True)[1].max()) if steps.size else 0
    return steps, idx, per_step


# -- the input kinds ---------------------------------------------------------------

def _pack_poisson(src: PoissonInput, dt: float) -> dict:
    log_q, acc, interval = poisson_tables(src, dt)
    return dict(nxt=np.zeros(2, np.int64), logq=log_q, acc=acc, int=np.int64(interval))


def _start_poisson(arrays: dict, rng: np.ndarray, n: int) -> None:
    """The first candidate of a Poisson source (step 0 onward)."""
    start(arrays["nxt"], 0, rng, arrays["logq"], n)


def _pack_spike_times(src: SpikeTimes, dt: float) -> dict:
    steps, idx, per_step = spike_schedule(src, dt)
    return dict(spk=np.zeros(max(per_step, 1), np.int64), steps=steps, idx=idx, ptr=np.zeros(1, np.int64))


def _pack_values(src: ValueInput, dt: float) -> dict:
    return dict(vals=np.ascontiguousarray(src.values), hold=to_steps(src.interval, dt, minimum=1))


def _pack_noise(src: NoiseInput, dt: float) -> dict:
    hold = np.int64(1) if src.interval is None else to_steps(src.interval, dt, minimum=1)
    return dict(bounds=np.array([src.low, src.high]), hold=hold)


register(InputKind(PoissonInput, {"poisson": poisson_step}, ("nxt", "logq", "acc", "int"),
                   ("n", "rng", "nxt", "logq", "acc", "int", "spk"), pack=_pack_poisson, start=_start_poisson))
register(InputKind(SpikeTimes, {"spike_times": spike_times_step}, ("steps", "idx", "ptr"),
                   ("n", "steps", "idx", "ptr", "spk"), pack=_pack_spike_times))
register(InputKind(ValueInput, {"values": values_step}, ("vals", "hold"),
                   ("n", "vals", "hold", "act", "spk"), pack=_pack_values, graded=True))
register(InputKind(NoiseInput, {"noise": noise_step}, ("bounds", "hold"),
                   ("n", "hold", "rng", "bounds", "act", "spk"), pack=_pack_noise, graded=True))
