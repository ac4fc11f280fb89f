"""Summaries over seeds: mean, standard deviation and a 95 % confidence interval.

For the n finite values x_1..x_n of a metric (NaN -- "not reached" -- is left
out and counted), the interval is Student's t interval

    mean +- t_{0.975, n-1} * sd / sqrt(n),      sd with n - 1 degrees of freedom

(scipy.stats.t); with fewer than two finite values it is undefined (NaN).
Learning curves are summarised point by point the same way.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["summary", "curve_band", "LEVEL"]

LEVEL = 0.95


def summary(values) -> dict:
    """``{mean, sd, ci_low, ci_high, n, n_missing, values}`` of a metric over seeds."""
    from scipy import stats

    x = np.asarray(values, float)
    ok = x[np.isfinite(x)]
    n = int(ok.size)
    mean = float(ok.mean()) if n else math.nan
    sd = float(ok.std(ddof=1)) if n > 1 else math.nan
    half = float(stats.t.ppf(0.5 + LEVEL / 2, n - 1) * sd / math.sqrt(n)) if n > 1 else math.nan
    return {"mean": mean, "sd": sd, "ci_low": mean - half, "ci_high": mean + half, "n": n,
            "n_missing": int(x.size - n), "values": [float(v) for v in x]}


def curve_band(ys) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean, low, high) of curves over seeds, point by point (rows = seeds; NaN = missing)."""
    from scipy import stats

    y = np.asarray(ys, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.isfinite(y).sum(axis=0)
        mean = np.where(n > 0, np.nansum(y, axis=0) / np.maximum(n, 1), np.nan)
        dev = np.where(np.isfinite(y), y - mean, 0.0)
        sd = np.sqrt((dev ** 2).sum(axis=0) / np.maximum(n - 1, 1))
        half = np.where(n > 1, stats.t.ppf(0.5 + LEVEL / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(np.maximum(n, 1)),
                        np.nan)
    return mean, mean - half, mean + half
