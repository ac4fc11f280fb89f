"""The engine's bounds on time: step counts are int64 and never reach ``STEP_LIMIT``.

Every time the engine turns into a step count (run durations, periods, spike
and release times, delays, sampling intervals) goes through :func:`to_steps`,
which saturates at ``STEP_LIMIT`` instead of overflowing int64. A step at or
beyond ``STEP_LIMIT`` is never simulated (``Network.run`` refuses to go there),
so an event scheduled there simply never happens: that is how "never" is
represented (a Poisson source with rate 0, a spike time of 1e300 ms).

Positions ``step * n + neuron`` are never formed: Poisson sources keep the
(step, neuron) of their next candidate apart (``engine/inputs.py``), so no
product of a step and a population size can overflow either.
"""
from __future__ import annotations

import numpy as np

#: First step that is never simulated (2^62: int64 sums of two steps stay exact).
STEP_LIMIT = 1 << 62


def to_steps(ms, dt: float, minimum: int = 0):
    """``round(ms / dt)`` as int64 (a scalar for scalar input), at least
    ``minimum`` and saturated at :data:`STEP_LIMIT`; ``ms`` must be >= 0 and not NaN
    (validated by the model)."""
    steps = np.minimum(np.round(np.asarray(ms, dtype=np.float64) / dt), float(STEP_LIMIT))
    out = np.maximum(steps, minimum).astype(np.int64)
    return np.int64(out) if out.ndim == 0 else out


def max_duration_ms(step: int, dt: float) -> float:
    """The longest run (ms) a network at ``step`` can still be asked for."""
    return (STEP_LIMIT - 1 - step) * dt
