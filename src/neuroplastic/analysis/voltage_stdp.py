"""Voltage-based STDP integrated directly from a recorded membrane potential.

An independent evaluation of the rule of :mod:`neuroplastic.plasticity.voltage`
(Clopath et al. 2010) for one synapse, from the postsynaptic potential u(t)
sampled on the simulation grid and the presynaptic spike times: no engine,
no neuron model. The samples are joined linearly and refined ``substeps``
times; on that fine grid the traces are the exact solutions of::

    tau_minus du-/dt = u - u-,   tau_plus du+/dt = u - u+,
    tau_bar_bar du_bar_bar/dt = u- - u_bar_bar,
    x(t) = sum over presynaptic spikes t_k < t of exp(-(t - t_k)/tau_x) / tau_x

(u linear within each fine step; u_bar_bar driven by the mean of u- over the
step), both traces u-, u+ delayed by ``trace_delay`` (equal to their initial
value before it), and::

    potentiation = integral of A_LTP x(t) [u(t) - theta_plus]+ [u+(t - D) - theta_minus]+ dt
                   (trapezoid rule on the fine grid)
    depression   = sum over presynaptic spikes of A_LTD H(u_bar_bar(t_k)) [u-(t_k - D) - theta_minus]+

so that dw = potentiation - depression. The engine evaluates the same
equations on the simulation grid (a rectangle rule for potentiation, the
traces at the end of the step of a presynaptic spike), so the two agree to
first order in dt; ``tests/test_voltage_stdp.py`` states the tolerance.

Units: ms, mV; A_LTP in 1/mV^2, A_LTD in 1/mV (dw in weight units).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter


@dataclass(frozen=True)
class VoltageRuleTerms:
    """The two terms of the rule over a recording (weight units, both >= 0)."""

    potentiation: float
    depression: float

    @property
    def dw(self) -> float:
        return self.potentiation - self.depression


def _low_pass(x: np.ndarray, h: float, tau: float, start: float) -> np.ndarray:
    """Exact first-order filter of a piecewise-linear signal sampled every h (ms):
    y' = (x - y)/tau, y(0) = start."""
    e = np.exp(-h / tau)
    c1 = 1.0 - tau / h * (1.0 - e)          # weight of the segment's end value
    c0 = (1.0 - e) - c1                       # weight of its start value
    y, _ = lfilter([c1, c0], [1.0, -e], x[1:], zi=[c0 * x[0] + e * start])
    return np.concatenate([[start], y])


def _delayed(t: np.ndarray, y: np.ndarray, delay: float, at: np.ndarray) -> np.ndarray:
    """y(at - delay), linear between samples, the first value before the start."""
    return np.interp(at - delay, t, y, left=y[0])


def clopath_terms(t, v, pre_times, rule, *, tau_minus: float = 10.0, tau_plus: float = 7.0,
                  tau_bar_bar: float = 500.0, trace_delay: float = 5.0, initial: float | None = None,
                  substeps: int = 20) -> VoltageRuleTerms:
    """Potentiation and depression of one synapse (module doc).

    Args:
        t: sample times (ms), uniformly spaced; v: membrane potential there (mV).
        pre_times: presynaptic spike times (ms).
        rule: a :class:`~neuroplastic.plasticity.voltage.ClopathSTDP` (its
            amplitudes, thresholds, tau_x and homeostasis).
        tau_minus, tau_plus, tau_bar_bar, trace_delay: the neuron's trace
            constants (ms).
        initial: the traces' value at t[0] (mV; default v[0]).
        substeps: fine steps per sample interval.
    """
    t, v = np.asarray(t, float), np.asarray(v, float)
    h = (t[1] - t[0]) / substeps
    tf = t[0] + h * np.arange((len(t) - 1) * substeps + 1)
    uf = np.interp(tf, t, v)
    start = float(v[0] if initial is None else initial)
    u_minus = _low_pass(uf, h, tau_minus, start)
    u_plus = _low_pass(uf, h, tau_plus, start)
    mean_minus = np.concatenate([[u_minus[0]], 0.5 * (u_minus[1:] + u_minus[:-1])])
    e = np.exp(-h / tau_bar_bar)
    u_bar_bar, _ = lfilter([1.0 - e], [1.0, -e], mean_minus[1:], zi=[e * start])
    u_bar_bar = np.concatenate([[start], u_bar_bar])
    pre = np.sort(np.asarray(pre_times, float))
    x = _pre_trace(tf, pre, rule.tau_x)
    drive = np.maximum(uf - rule.theta_plus, 0.0) * np.maximum(
        _delayed(tf, u_plus, trace_delay, tf) - rule.theta_minus, 0.0)
    integrand = rule.a_ltp * x * drive
    potentiation = float(np.sum(0.5 * (integrand[1:] + integrand[:-1])) * h)
    low = np.maximum(_delayed(tf, u_minus, trace_delay, pre) - rule.theta_minus, 0.0)
    amplitude = np.array([rule.ltd_amplitude(b) for b in np.interp(pre, tf, u_bar_bar)])
    return VoltageRuleTerms(potentiation, float(np.sum(amplitude * low)))


def _pre_trace(tf: np.ndarray, pre: np.ndarray, tau_x: float) -> np.ndarray:
    """x(t) on the grid: each spike adds exp(-(t - t_k)/tau_x)/tau_x for t > t_k."""
    x = np.zeros_like(tf)
    for tk in pre:
        after = tf > tk
        x[after] += np.exp(-(tf[after] - tk) / tau_x) / tau_x
    return x
