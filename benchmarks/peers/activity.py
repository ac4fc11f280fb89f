"""Simulator-independent activity summaries shared by the peer benchmark scripts."""
from __future__ import annotations

import numpy as np


def rate_summary(times_ms, n: int, duration_ms: float) -> dict:
    """Mean rate (Hz) overall and in the first/last 10 % of the run.

    Also ``pop_rate_cv``: std/mean of the population spike count in 1 ms bins
    (a crude synchrony index; ~0.1-0.5 asynchronous, >1 bursty).
    """
    t = np.asarray(times_ms, dtype=float)
    win = 0.1 * duration_ms
    counts, _ = np.histogram(t, bins=max(1, int(duration_ms)), range=(0.0, duration_ms))
    return {
        "pop_rate_cv": float(np.std(counts) / max(np.mean(counts), 1e-12)),
        "mean_rate_hz": float(len(t) / n / (duration_ms / 1000.0)),
        "rate_first10pct_hz": float(np.sum(t < win) / n / (win / 1000.0)),
        "rate_last10pct_hz": float(np.sum(t >= duration_ms - win) / n / (win / 1000.0)),
    }


def weight_summary(w_nS, w_max_nS: float) -> dict:
    """Summary of a weight vector (nS): mean, std, fractions near the bounds, histogram."""
    w_nS = np.asarray(w_nS, dtype=float)
    rel = w_nS / w_max_nS
    hist, _ = np.histogram(rel, bins=10, range=(0.0, 1.0))
    return {
        "w_mean_nS": float(np.mean(w_nS)), "w_std_nS": float(np.std(w_nS)),
        "frac_w_below_0.1max": float(np.mean(rel < 0.1)),
        "frac_w_above_0.9max": float(np.mean(rel > 0.9)),
        "w_hist10_rel": hist.tolist(), "n_weights": int(len(w_nS)),
    }
