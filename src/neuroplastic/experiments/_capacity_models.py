"""Memory lifetimes of synapse models under a stream of random memories (for ``cascade-capacity``).

Time counts memories: memory n arrives at step n and asks each of N synapses
for a potentiation or a depression, xi_i = +-1 with equal probability,
independent across synapses and memories. The ideal observer of memory 0 at
age t knows its pattern and reads the overlap of the visible weights with it,
S(t) = (1/N) sum_i xi_i w_i(t); SNR(t) = E[S(t)] / sd[S(t)]; the lifetime is the
age at which SNR falls to 1.

**Linear chain** (``CascadeSynapse``): the memory kicks u_1 by xi (the kick
size cancels) and the chain evolves by E = expm(-C^-1 G) per memory. With h(t)
= (E^t)_11 = sum_q c_q exp(-lambda_q t) (``CascadeSynapse.modes``) and the
other memories independent::

    E[S] = h(t),   N var[S] = sum_{j >= 0, j != t} h(j)^2 = H - h(t)^2,
    H = sum_{j >= 0} h(j)^2 = sum_{p,q} c_p c_q / (1 - exp(-(lambda_p + lambda_q)))

so SNR(t) = sqrt(N) h(t) / sqrt(H - h(t)^2) exactly, at any N.

**Binary synapse** (one bounded variable, w = +-1; Tsodyks 1990, Amit & Fusi
1994, Fusi & Abbott 2007): each memory sets w_i = xi_i with probability q.
E[S] = s(t) = q (1 - q)^t, N var[S] = 1 - s^2, so SNR = sqrt(N) s / sqrt(1 -
s^2). A large q writes strongly and forgets fast, a small one writes weakly;
the lifetime is largest at q of order 1 / sqrt(N), where it grows as sqrt(N)
(Fusi & Abbott 2007): it is maximised over q for each N here, as the chain's
lifetime is over its number of variables m.

The simulators below store memories in N explicit synapses and measure S on
``probes`` tracked memories at a grid of ages: the mean over probes is the
signal, their standard deviation the noise. The chain starts from its
stationary second moments (a Gaussian with the exact covariance) and the
binary synapses from their stationary state (uniform +-1), then run ``burn``
memories before the first probe. The bounded chain clips every variable to
[-bound, bound] after each memory (kick size 1).
"""
from __future__ import annotations

import numpy as np
from numba import njit
from scipy.optimize import brentq, minimize_scalar

# -- closed forms ------------------------------------------------------------------------

def chain_snr(rule, n: int, t) -> np.ndarray:
    """SNR of a memory of age ``t`` (memories) in ``n`` linear-chain synapses."""
    lam, c = rule.modes()
    h = rule.impulse_response(t)
    pair = lam[:, None] + lam[None, :]
    total = float(c @ (1.0 / -np.expm1(-pair)) @ c)
    return np.sqrt(n) * h / np.sqrt(np.maximum(total - h * h, 1e-300))


def binary_snr(q: float, n: int, t) -> np.ndarray:
    """SNR of a memory of age ``t`` in ``n`` binary synapses written with probability q."""
    s = q * (1.0 - q) ** np.asarray(t, dtype=float)
    return np.sqrt(n) * s / np.sqrt(1.0 - s * s)


def crossing(snr) -> float:
    """The age at which a decreasing SNR(t) (a function) falls to 1 (0 if it starts below)."""
    if snr(0.0) <= 1.0:
        return 0.0
    hi = 1.0
    while snr(hi) > 1.0:
        hi *= 2.0
    return brentq(lambda t: np.log(snr(t)), 0.0, hi, xtol=1e-10, rtol=1e-12)


def best_chain(make_rule, n: int, m_max: int):
    """(lifetime, m, rule) of the chain whose number of variables maximises the lifetime."""
    best = (-1.0, 0, None)
    for m in range(1, m_max + 1):
        rule = make_rule(m)
        life = crossing(lambda t: chain_snr(rule, n, t))
        if life > best[0]:
            best = (life, m, rule)
    return best


def best_binary(n: int) -> tuple[float, float]:
    """(lifetime, q) of the binary synapse with the lifetime-maximising q."""
    def neg(log_q):
        return -crossing(lambda t: binary_snr(np.exp(log_q), n, t))
    guess = np.log(np.e / np.sqrt(n))
    res = minimize_scalar(neg, bounds=(guess - 3.0, min(guess + 3.0, -1e-9)), method="bounded",
                          options=dict(xatol=1e-6))
    return -float(res.fun), float(np.exp(res.x))


def slope(sizes, lifetimes) -> float:
    """Least-squares slope of log(lifetime) against log(N)."""
    return float(np.polyfit(np.log(sizes), np.log(lifetimes), 1)[0])


# -- direct simulation -------------------------------------------------------------------

def age_grid(lifetime: float) -> np.ndarray:
    """Integer ages: 20 from 1 to 3 x the expected lifetime and 16 more between
    0.5 and 2 x it, all spaced logarithmically."""
    top = max(10.0, 3.0 * lifetime)
    near = np.geomspace(max(1.0, 0.5 * lifetime), max(2.0, 2.0 * lifetime), 16)
    return np.unique(np.round(np.concatenate([np.geomspace(1.0, top, 20), near])).astype(np.int64))


def lifetime_from_samples(ages, snr) -> float:
    """Where a measured SNR crosses 1: a parabola through log SNR against log age
    over the samples with SNR in [0.6, 1.6] (at least 4; otherwise linear
    interpolation between the samples around the first one below 1)."""
    x, y = np.log(np.asarray(ages, float)), np.log(np.maximum(np.asarray(snr, float), 1e-12))
    near = (y > np.log(0.6)) & (y < np.log(1.6))
    if near.sum() >= 4:
        a, b, c = np.polyfit(x[near], y[near], 2)
        roots = np.roots([a, b, c])
        roots = roots[np.isreal(roots)].real
        inside = roots[(roots >= x[near].min() - 0.2) & (roots <= x[near].max() + 0.2)]
        if inside.size:
            return float(np.exp(inside.min()))
    below = np.flatnonzero(y < 0.0)
    if not below.size or below[0] == 0:
        return float("nan")
    k = below[0]
    return float(np.exp(x[k - 1] + (x[k] - x[k - 1]) * y[k - 1] / (y[k - 1] - y[k])))


def stationary_covariance(e: np.ndarray) -> np.ndarray:
    """sum_j E^j e_1 e_1^T (E^j)^T, the covariance of the chain just after a memory."""
    m = e.shape[0]
    cov = np.zeros((m, m))
    cov[0, 0] = 1.0
    power = e.copy()
    for _ in range(64):                                # doubling: 2^64 memories
        cov = cov + power @ cov @ power.T
        power = power @ power
    return cov


class _Probes:
    """Tracked memories: their patterns (int8, one row each) and the overlaps
    measured at each age, scheduled ahead by step."""

    def __init__(self, ages, count: int, spacing: int, start: int, n: int):
        self.ages, self.count, self.spacing, self.start = np.asarray(ages), count, spacing, start
        self.patterns = np.zeros((count, n), dtype=np.int8)
        self.overlap = np.zeros((count, len(ages)))
        self.due: dict[int, list] = {}
        for pid in range(count):
            born = start + pid * spacing
            for k, age in enumerate(self.ages):
                self.due.setdefault(born + int(age), []).append((pid, k))

    def steps(self) -> int:
        return self.start + (self.count - 1) * self.spacing + int(self.ages[-1]) + 1

    def observe(self, step: int, pattern: np.ndarray, w: np.ndarray) -> None:
        k = step - self.start
        if k >= 0 and k % self.spacing == 0 and k // self.spacing < self.count:
            self.patterns[k // self.spacing] = pattern
        due = self.due.get(step)
        if due:
            pid, pos = np.array(due).T
            self.overlap[pid, pos] = _overlaps(self.patterns, pid, w)

    def snr(self) -> np.ndarray:
        return self.overlap.mean(axis=0) / self.overlap.std(axis=0, ddof=1)


@njit(cache=True)
def _overlaps(patterns, rows, w):
    """(1/N) patterns[r] . w for each r in rows (compiled: no BLAS threads)."""
    out = np.zeros(rows.shape[0])
    for k in range(rows.shape[0]):
        acc = 0.0
        for i in range(w.shape[0]):
            acc += patterns[rows[k], i] * w[i]
        out[k] = acc / w.shape[0]
    return out


@njit(cache=True)
def _chain_memory(e, u, out, xi, bound):
    """One memory: out <- clip(E u + xi e_1), column by column (u, out: m x n)."""
    m, n = u.shape
    for k in range(m):
        row = out[k]
        for i in range(n):
            row[i] = xi[i] if k == 0 else 0.0
        for j in range(m):
            c, src = e[k, j], u[j]
            for i in range(n):
                row[i] += c * src[i]
        for i in range(n):
            row[i] = min(max(row[i], -bound), bound)


def simulate_chain(e: np.ndarray, n: int, ages, probes: int, spacing: int, rng, bound: float = np.inf):
    """Measured SNR at ``ages`` of n chains advanced by ``e`` per memory (module doc)."""
    m = e.shape[0]
    factor = np.linalg.cholesky(stationary_covariance(e) + 1e-12 * np.eye(m))
    u = np.ascontiguousarray(np.clip(factor @ rng.standard_normal((m, n)), -bound, bound))
    spare = np.empty_like(u)
    tracker = _Probes(ages, probes, spacing, int(ages[-1]) // 2, n)
    for step in range(tracker.steps()):
        xi = (rng.integers(0, 2, n, dtype=np.int8) << 1) - 1
        _chain_memory(e, u, spare, xi, bound)
        u, spare = spare, u
        tracker.observe(step, xi, u[0])
    return tracker.snr()


def simulate_binary(q: float, n: int, ages, probes: int, spacing: int, rng):
    """Measured SNR at ``ages`` of n binary synapses written with probability q."""
    w = ((rng.integers(0, 2, n, dtype=np.int8) << 1) - 1).astype(np.float64)
    tracker = _Probes(ages, probes, spacing, int(ages[-1]) // 2, n)
    for step in range(tracker.steps()):
        xi = (rng.integers(0, 2, n, dtype=np.int8) << 1) - 1
        hit = rng.random(n) < q
        w[hit] = xi[hit]
        tracker.observe(step, xi, w)
    return tracker.snr()
