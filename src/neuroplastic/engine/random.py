"""Counter-free, explicit random numbers for compiled kernels: xoshiro256**.

The generator state is a ``uint64[4]`` array owned by the network, so runs are
bit-reproducible from a seed and no hidden global random state exists.

References: Blackman D, Vigna S (2021) Scrambled linear pseudorandom number
generators. ACM Trans Math Softw 47:36.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit, uint64

from .limits import STEP_LIMIT

#: Largest gap :func:`geometric_gap` returns: further than any step can reach.
GAP_LIMIT = float(STEP_LIMIT)

def seed_state(seed: int, stream: int = 0) -> np.ndarray:
    """A non-zero xoshiro256** state derived from ``(seed, stream)``."""
    words = np.random.SeedSequence([int(seed), int(stream)]).generate_state(4, dtype=np.uint64)
    if not words.any():
        words[0] = 1
    return words


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << uint64(k)) | (x >> uint64(64 - k))


@njit(cache=True)
def next_u64(s):
    """Next 64-bit output; advances the state ``s`` in place."""
    result = _rotl(s[1] * uint64(5), 7) * uint64(9)
    t = s[1] << uint64(17)
    s[2] ^= s[0]
    s[3] ^= s[1]
    s[1] ^= s[2]
    s[0] ^= s[3]
    s[2] ^= t
    s[3] = _rotl(s[3], 45)
    return result


@njit(cache=True)
def uniform(s):
    """A float64 uniform on (0, 1) (never exactly 0, so log() is safe)."""
    return ((next_u64(s) >> uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True)
def geometric_gap(s, log_q):
    """Number of failures before the next success of a Bernoulli(p) sequence.

    ``log_q`` is log(1 - p); p = 1 gives 0. The gap saturates at ``GAP_LIMIT``
    (2^62), a distance no run reaches: p = 0 (log_q = 0), and p so small that
    floor(log(u) / log_q) would overflow int64 (rates below ~1e-15 Hz), both
    mean "no spike in any reachable step". One uniform is drawn unless p is 0 or 1.
    """
    if log_q == 0.0:
        return np.int64(STEP_LIMIT)
    if log_q == -np.inf:
        return np.int64(0)
    ratio = math.log(uniform(s)) / log_q   # compared as a float: floor() of a huge one overflows
    if ratio >= GAP_LIMIT:
        return np.int64(STEP_LIMIT)
    return np.int64(math.floor(ratio))
