"""Pairing sums of exponential traces over recorded spike trains, and the
decomposition of the inhibitory-STDP drift into its rate and correlation parts.

For a synapse from neuron i to neuron j and a time window [t0, t1), with
all-to-all traces (+1 per spike, decay ``tau``) read just before each spike::

    A = sum over spikes of i in the window of x_j(t-)     (post trace at pre spikes)
    B = sum over spikes of j in the window of x_i(t-)     (pre trace at post spikes)

These are the two pairing terms of every pair-based STDP rule. The traces are
built from the spikes in [t0 - 10 tau, t1) (older spikes add less than
e^-10 = 5e-5 of a pairing); only events inside the window count.
At exactly equal times the presynaptic spike is taken first (it reads the post
trace before the post spike's increment, and the post spike then reads the
already incremented pre trace).

If the two trains were independent with rates r_i, r_j (Hz) over a window of
length T (s), then E[A] = n_i tau r_j and E[B] = n_j tau r_i (tau in s, n the
spike counts in the window). The ratio of measured to independent pairing sums
measures how much spike-timing correlations add (> 1) or remove (< 1).

Inhibitory STDP (Vogels et al. 2011, :mod:`neuroplastic.plasticity.inhibitory`)
changes a weight by eta * (A + B - alpha * n_i) over the window. Summed over
synapses, the drift vanishes when the pre-rate-weighted postsynaptic rate

    rho_eff = sum_s r_pre(s) r_post(s) / sum_s r_pre(s)

equals rho0 / kappa, with kappa = sum(A + B) / sum(E[A] + E[B]) the
correlation factor: kappa = 1 (independent trains) gives the textbook fixed
point rho0; kappa < 1 (an inhibitory spike delays its target's next spike) puts
the equilibrium rate above rho0. :func:`istdp_drift` reports both parts, and
:func:`cross_correlogram` shows where the correlation sits in time: kappa_post
is the correlogram's positive-lag half weighted by exp(-lag/tau), kappa_pre
its negative-lag half weighted by exp(lag/tau).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit


HISTORY_TAUS = 10.0   # trace history before the window, in units of tau


def _csr(i, t, n, t_start, t_stop):
    """Spikes in [t_start, t_stop) grouped by neuron (time-sorted within each): (ptr, times)."""
    i = np.asarray(i, dtype=np.int64)
    t = np.asarray(t, dtype=np.float64)
    if i.shape != t.shape:
        raise ValueError(f"spike indices and times differ in length ({i.size} vs {t.size})")
    keep = (t >= t_start) & (t < t_stop)
    i, t = i[keep], t[keep]
    if i.size and (i.min() < 0 or i.max() >= n):
        raise ValueError(f"spike indices must lie in [0, {n}); got {i.min()}..{i.max()}")
    order = np.lexsort((t, i))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(i, minlength=n), out=ptr[1:])
    return ptr, t[order]


def _window_counts(spikes, n: int, t0: float, t1: float) -> np.ndarray:
    """Spikes per neuron in [t0, t1) (float array of length n)."""
    i, t = (np.asarray(x) for x in spikes)
    keep = (t >= t0) & (t < t1)
    return np.bincount(np.asarray(i[keep], dtype=np.int64), minlength=n).astype(float)


@njit(cache=True)
def _pair_sums(pre, post, pre_ptr, pre_t, post_ptr, post_t, tau, t0):
    """Pairing sums per synapse; the spike lists hold [t0 - history, t1) only."""
    n_syn = pre.size
    a_sum = np.zeros(n_syn)
    b_sum = np.zeros(n_syn)
    for s in range(n_syn):
        ia, ea = pre_ptr[pre[s]], pre_ptr[pre[s] + 1]
        ib, eb = post_ptr[post[s]], post_ptr[post[s] + 1]
        xa, ta, xb, tb = 0.0, 0.0, 0.0, 0.0
        while ia < ea or ib < eb:
            if ib >= eb or (ia < ea and pre_t[ia] <= post_t[ib]):
                t = pre_t[ia]
                if t >= t0:
                    a_sum[s] += xb * math.exp(-(t - tb) / tau)
                xa = xa * math.exp(-(t - ta) / tau) + 1.0
                ta = t
                ia += 1
            else:
                t = post_t[ib]
                if t >= t0:
                    b_sum[s] += xa * math.exp(-(t - ta) / tau)
                xb = xb * math.exp(-(t - tb) / tau) + 1.0
                tb = t
                ib += 1
    return a_sum, b_sum


def pair_trace_sums(pre_spikes, post_spikes, synapses, n_pre: int, n_post: int,
                    tau: float, t0: float, t1: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-synapse pairing sums (A, B) over [t0, t1) (see module doc).

    Args:
        pre_spikes, post_spikes: (indices, times in ms) of the two populations
            (spikes outside [t0 - 10 tau, t1) are ignored).
        synapses: (pre index, post index) arrays, one entry per synapse.
        n_pre, n_post: population sizes.
        tau: trace time constant (ms).
        t0, t1: window (ms).
    Returns:
        (A, B), float arrays of length n_synapses (dimensionless).
    """
    if not tau > 0:
        raise ValueError(f"tau must be > 0 ms, got {tau}")
    if not t1 > t0:
        raise ValueError(f"the window needs t1 > t0, got [{t0}, {t1})")
    pre, post = (np.asarray(x, dtype=np.int64) for x in synapses)
    if pre.shape != post.shape:
        raise ValueError(f"synapses: pre and post index arrays differ in length ({pre.size} vs {post.size})")
    if pre.size and (pre.min() < 0 or pre.max() >= n_pre or post.min() < 0 or post.max() >= n_post):
        raise ValueError("synapses: an index lies outside its population")
    start = t0 - HISTORY_TAUS * tau
    pre_ptr, pre_t = _csr(*pre_spikes, n_pre, start, t1)
    post_ptr, post_t = _csr(*post_spikes, n_post, start, t1)
    return _pair_sums(pre, post, pre_ptr, pre_t, post_ptr, post_t, float(tau), float(t0))


@dataclass(frozen=True)
class IStdpDrift:
    """Inhibitory-STDP drift over a window, split into rate and correlation parts.

    Attributes (means over synapses unless stated):
        drift: measured drift, eta (A + B - alpha n_pre) / T (weight units per s).
        drift_independent: the drift independent trains at the same rates would
            give, eta r_pre (2 tau r_post - alpha) (weight units per s).
        kappa: sum(A + B) / sum(independent A + B); 1 for independent trains.
        kappa_pre: sum(A) / its independent value (post trace seen by pre spikes).
        kappa_post: sum(B) / its independent value (pre trace seen by post spikes).
        rate_post_weighted: rho_eff, pre-rate-weighted postsynaptic rate (Hz).
        rate_zero_drift: rho0 / kappa, the rho_eff at which the measured drift
            would vanish if kappa stayed as measured (Hz).
        n_synapses: synapses analysed.
    """

    drift: float
    drift_independent: float
    kappa: float
    kappa_pre: float
    kappa_post: float
    rate_post_weighted: float
    rate_zero_drift: float
    n_synapses: int


def istdp_drift(pre_spikes, post_spikes, synapses, n_pre: int, n_post: int, *, eta: float,
                rho0: float, tau: float, t0: float, t1: float) -> IStdpDrift:
    """Decompose the iSTDP drift of ``synapses`` over [t0, t1) ms (see module doc).

    ``eta`` in weight units per pairing, ``rho0`` in Hz, ``tau`` in ms; spikes as
    (indices, times in ms), including some history before ``t0``.
    """
    a, b = pair_trace_sums(pre_spikes, post_spikes, synapses, n_pre, n_post, tau, t0, t1)
    pre, post = (np.asarray(x, dtype=np.int64) for x in synapses)
    span_s, tau_s = (t1 - t0) * 1e-3, tau * 1e-3
    alpha = 2.0 * rho0 * tau_s

    n_i = _window_counts(pre_spikes, n_pre, t0, t1)[pre]
    n_j = _window_counts(post_spikes, n_post, t0, t1)[post]
    r_i, r_j = n_i / span_s, n_j / span_s
    a0, b0 = n_i * tau_s * r_j, n_j * tau_s * r_i
    kappa = (a.sum() + b.sum()) / (a0.sum() + b0.sum())
    rate_weighted = float(np.sum(r_i * r_j) / np.sum(r_i)) if r_i.sum() > 0 else float("nan")
    return IStdpDrift(
        drift=float(eta * np.mean(a + b - alpha * n_i) / span_s),
        drift_independent=float(eta * np.mean(r_i * (2.0 * tau_s * r_j - alpha))),
        kappa=float(kappa), kappa_pre=float(a.sum() / a0.sum()), kappa_post=float(b.sum() / b0.sum()),
        rate_post_weighted=rate_weighted, rate_zero_drift=float(rho0 / kappa), n_synapses=int(pre.size),
    )


@njit(cache=True)
def _correlogram(pre, post, pre_ptr, pre_t, post_ptr, post_t, t0, t1, max_lag, bin_ms, n_bins):
    counts = np.zeros(n_bins)
    for s in range(pre.size):
        lo = post_ptr[post[s]]
        hi = post_ptr[post[s] + 1]
        k = lo
        for a in range(pre_ptr[pre[s]], pre_ptr[pre[s] + 1]):
            t = pre_t[a]
            if t < t0 or t >= t1:
                continue
            while k < hi and post_t[k] < t - max_lag:
                k += 1
            m = k
            while m < hi and post_t[m] < t + max_lag:
                b = int(math.floor((post_t[m] - t + max_lag) / bin_ms))
                if 0 <= b < n_bins:
                    counts[b] += 1.0
                m += 1
    return counts


def cross_correlogram(pre_spikes, post_spikes, synapses, n_pre: int, n_post: int, t0: float, t1: float,
                      max_lag: float = 50.0, bin_ms: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Postsynaptic rate around presynaptic spikes, relative to independence.

    For every synapse and every presynaptic spike in [t0, t1) (ms), counts the
    postsynaptic spikes at lag = t_post - t_pre in [-max_lag, max_lag) (ms,
    ``bin_ms`` bins), summed over synapses and divided by what independent
    trains at the same per-synapse rates would give (n_pre n_post bin / T).
    Returns (bin centres in ms, ratio); 1 everywhere means no correlation.
    """
    if not (max_lag > 0 and bin_ms > 0):
        raise ValueError(f"max_lag and bin_ms must be > 0 ms, got {max_lag}, {bin_ms}")
    if not t1 > t0:
        raise ValueError(f"the window needs t1 > t0, got [{t0}, {t1})")
    pre, post = (np.asarray(x, dtype=np.int64) for x in synapses)
    n_bins = int(round(2 * max_lag / bin_ms))
    pre_ptr, pre_t = _csr(*pre_spikes, n_pre, t0, t1)
    post_ptr, post_t = _csr(*post_spikes, n_post, t0 - max_lag, t1 + max_lag)
    counts = _correlogram(pre, post, pre_ptr, pre_t, post_ptr, post_t, float(t0), float(t1),
                          float(max_lag), float(bin_ms), n_bins)
    n_i = _window_counts(pre_spikes, n_pre, t0, t1)[pre]
    n_j = _window_counts(post_spikes, n_post, t0, t1)[post]
    expected = np.sum(n_i * n_j) * bin_ms / (t1 - t0)
    centres = -max_lag + bin_ms * (np.arange(n_bins) + 0.5)
    return centres, counts / expected if expected > 0 else np.full(n_bins, np.nan)
