"""Point-neuron and two-layer fits of a neuron's output rate to its active
synapses per branch (Poirazi, Brannon & Mel 2003).

A pattern is a row of ``counts`` (active synapses on each of K branches).

* Point neuron: the branches add linearly,
  ``rate = g(sum_k n_k)``.
* Two-layer neuron: each branch is a sigmoidal subunit, the soma a second nonlinearity,
  ``rate = g(sum_k s(n_k))``, with
  ``s(n) = sigma((n - theta)/width) - sigma(-theta/width) + slope n``
  (``sigma`` the logistic function; s(0) = 0; the sigmoid's height is 1,
  which fixes the scale between the layers; ``slope`` is the passive, linear
  part of a branch) and, for both models,
  ``g(x) = gain width_g log(1 + exp((x - x0)/width_g))``: zero below a
  threshold x0, slope ``gain`` (Hz per unit of x) above it, a smooth corner of width ``width_g``.

Both are fitted by least squares (``scipy.optimize.least_squares``, several
starts, the best kept) on a training set; :func:`r_squared` scores them on
held-out patterns. The two-layer family contains the point neuron (a
subunit whose sigmoid sits beyond every count seen is linear), so on data
with no branch nonlinearity both fits agree.

References: Poirazi P, Brannon T, Mel BW (2003) Neuron 37:989-999 (the
two-layer model; 0.91 of the variance explained against 0.37 for a point neuron);
Poirazi P, Brannon T, Mel BW (2003) Neuron 37:977-987 (sigmoidal subunits).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.special import expit

#: Bounds of the output nonlinearity's (gain, x0, width_g) and the subunit's (theta, width, slope).
G_LOW, G_HIGH = (0.0, -1e3, 1e-3), (1e4, 1e3, 1e3)
S_LOW, S_HIGH = (0.0, 0.05, 0.0), (200.0, 50.0, 10.0)


def output(x, gain, x0, width) -> np.ndarray:
    """g(x) = gain width log(1 + exp((x - x0)/width)) (Hz)."""
    return gain * width * np.logaddexp(0.0, (np.asarray(x, float) - x0) / width)


def subunit(n, theta, width, slope) -> np.ndarray:
    """s(n) = sigma((n - theta)/width) - sigma(-theta/width) + slope n."""
    n = np.asarray(n, float)
    return expit((n - theta) / width) - expit(-theta / width) + slope * n


def point_predict(params, counts) -> np.ndarray:
    """Point neuron: g(sum of active synapses); ``params`` = (gain, x0, width_g)."""
    return output(np.asarray(counts).sum(axis=1), *params)


def two_layer_predict(params, counts) -> np.ndarray:
    """Two-layer neuron: g(sum_k s(n_k)); ``params`` = (theta, width, slope, gain, x0, width_g)."""
    return output(subunit(counts, *params[:3]).sum(axis=1), *params[3:])


def _output_jacobian(x, gain, x0, width) -> tuple:
    """dg/dx and the columns dg/d(gain, x0, width_g) at inputs ``x``."""
    z = (x - x0) / width
    soft, slope = np.logaddexp(0.0, z), expit(z)
    return gain * slope, np.column_stack([width * soft, -gain * slope, gain * (soft - z * slope)])


def point_jacobian(params, counts) -> np.ndarray:
    """d point_predict / d params, one row per pattern."""
    return _output_jacobian(np.asarray(counts, float).sum(axis=1), *params)[1]


def two_layer_jacobian(params, counts) -> np.ndarray:
    """d two_layer_predict / d params, one row per pattern (chain rule through s)."""
    n = np.asarray(counts, float)
    theta, width, slope = params[:3]
    e, e0 = expit((n - theta) / width), expit(-theta / width)
    de, de0 = e * (1.0 - e), e0 * (1.0 - e0)
    ds = np.column_stack([(de0 - de).sum(axis=1) / width,
                          -(de * (n - theta)).sum(axis=1) / width ** 2 - de0 * theta / width ** 2 * n.shape[1],
                          n.sum(axis=1)])
    dg_dx, dg = _output_jacobian(subunit(n, theta, width, slope).sum(axis=1), *params[3:])
    return np.hstack([dg_dx[:, None] * ds, dg])


def r_squared(measured, predicted) -> float:
    """1 - SS_res / SS_tot about the mean of ``measured``."""
    y, f = np.asarray(measured, float), np.asarray(predicted, float)
    total = np.sum((y - y.mean()) ** 2)
    return float(1.0 - np.sum((y - f) ** 2) / total) if total > 0 else float("nan")


@dataclass(frozen=True)
class Fit:
    """A fitted model: its parameters and R^2 on the data it was fitted to."""

    params: np.ndarray
    r2_train: float


def _best(predict, jacobian, counts, rates, starts, low, high) -> Fit:
    y = np.asarray(rates, float)
    best = None
    for x0 in starts:
        sol = least_squares(lambda p: predict(p, counts) - y, np.clip(x0, low, high),
                            jac=lambda p: jacobian(p, counts), bounds=(low, high), x_scale="jac", max_nfev=1000)
        if best is None or sol.cost < best.cost:
            best = sol
    return Fit(best.x, r_squared(y, predict(best.x, counts)))


def _output_starts(x, rates, quantiles=(0.1, 0.5)) -> list:
    """Starting (gain, x0, width_g) for inputs ``x``: threshold at a few quantiles, slope of the top."""
    x, y = np.asarray(x, float), np.asarray(rates, float)
    span = max(np.ptp(x), 1e-6)
    out = []
    for q in quantiles:
        x0 = float(np.quantile(x, q))
        gain = max(float(y.max()) / max(float(x.max()) - x0, 1e-6), 1e-3)
        out.append((gain, x0, 0.1 * span))
    return out


def fit_point(counts, rates) -> Fit:
    """Least-squares fit of the point neuron."""
    starts = [np.array(s) for s in _output_starts(np.asarray(counts).sum(axis=1), rates)]
    return _best(point_predict, point_jacobian, counts, rates, starts, G_LOW, G_HIGH)


def fit_two_layer(counts, rates) -> Fit:
    """Least-squares fit of the two-layer neuron, from a grid of subunit
    thresholds (2 .. half the largest count) and slopes."""
    counts = np.asarray(counts)
    top = max(int(counts.max()), 2)
    starts = []
    for theta in np.unique(np.linspace(2.0, 0.5 * top, 3).round()):
        for width, slope in ((0.5, 0.02), (1.5, 0.2)):
            s = (theta, width, slope)
            for g in _output_starts(subunit(counts, *s).sum(axis=1), rates, (0.1,)):
                starts.append(np.array(s + g))
    return _best(two_layer_predict, two_layer_jacobian, counts, rates, starts, S_LOW + G_LOW, S_HIGH + G_HIGH)


def held_out(counts, rates, rng) -> dict:
    """Both fits on a random half of the patterns, R^2 on the other half:
    ``r2_point``, ``r2_two_layer`` (held out), their training R^2, the
    parameters and the held-out predictions."""
    counts, rates = np.asarray(counts), np.asarray(rates, float)
    order = rng.permutation(len(rates))
    train, test = order[: len(order) // 2], order[len(order) // 2:]
    point, two = fit_point(counts[train], rates[train]), fit_two_layer(counts[train], rates[train])
    pp, pt = point_predict(point.params, counts[test]), two_layer_predict(two.params, counts[test])
    return dict(r2_point=r_squared(rates[test], pp), r2_two_layer=r_squared(rates[test], pt),
                r2_point_train=point.r2_train, r2_two_layer_train=two.r2_train,
                point_params=point.params, two_layer_params=two.params,
                test=test, measured=rates[test], predicted_point=pp, predicted_two_layer=pt)
