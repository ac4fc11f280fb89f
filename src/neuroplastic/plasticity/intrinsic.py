"""Intrinsic plasticity: neurons tune their own excitability.

Neuron rules (attached to a ``Population``'s ``rules``), each documented with
its equation; units in brackets.

**AdaptiveThreshold** (Diehl & Cook 2015's theta). Each spike raises the
threshold offset ``theta`` of the neuron that fired by ``increment``; between
spikes theta decays to 0 with time constant ``tau``, applied every
``period`` ms as the exact factor exp(-period / tau)::

    theta_j <- theta_j + increment          at each spike of j
    theta_j <- theta_j * exp(-P / tau)      every P ms

Works on LIF neurons (theta in mV, added to v_thresh) and binary units (theta
is their threshold). Diehl & Cook: increment 0.05 mV, tau 1e7 ms.

**ThresholdHomeostasis** (SORN intrinsic plasticity, Lazar, Pipa & Triesch
2009). The threshold rises with each spike and falls at a constant rate, so it
drifts until the neuron fires at ``target_rate``::

    theta_j <- theta_j + eta                     at each spike of j
    theta_j <- theta_j - eta * target_rate * P   every P ms (P in s)

For binary units in discrete time with dt = 1 ms this is SORN's
Delta T = eta_IP (x - H_IP) with H_IP = target_rate * 1 ms (H_IP = 0.1 is
100 Hz). [eta: threshold units; target_rate: Hz]

**TrieschIP** (Triesch 2005) for sigmoid rate units y = 1/(1 + e^-(a h + b)):
every ``period`` ms the gain a and bias b move down the gradient of the
Kullback-Leibler divergence between the output distribution and an
exponential with mean ``mu``::

    db = eta * (1 - (2 + 1/mu) y + y^2 / mu)
    da = eta / a + h * db

[eta: dimensionless per update; mu: activity units]

References: Diehl PU, Cook M (2015) Front Comput Neurosci 9:99. Lazar A, Pipa
G, Triesch J (2009) Front Comput Neurosci 3:23. Triesch J (2005) ICANN, LNCS
3696:65; Triesch J (2007) Neural Comput 19:885.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from numba import njit

from ..errors import ValidationError
from .rule import NeuronRule, OnSpike, Periodic


@njit(cache=True, inline="always")
def _adaptive_on_spike(j, t, st, p):
    st.var.theta[j] += p.increment


@njit(cache=True, inline="always")
def _adaptive_every(t, st, p):
    f = math.exp(-p.period / p.tau)
    theta = st.var.theta
    for j in range(theta.shape[0]):
        theta[j] *= f


@dataclass(frozen=True)
class AdaptiveThreshold(NeuronRule, OnSpike, Periodic):
    """Spike-triggered threshold increase with slow decay (Diehl & Cook 2015).

    Args:
        increment: threshold increase per spike (mV for LIF; threshold units
            for binary units).
        tau: decay time constant of theta (ms); Diehl & Cook use 1e7 ms.
        period: how often the decay is applied (ms).
    """

    increment: float = 0.05
    tau: float = 1e7
    period: float = 100.0

    constraints = {"increment": dict(ge=0), "tau": dict(gt=0, unit="ms", time_constant=True), "period": dict(gt=0, unit="ms")}
    reads = ("theta",)
    on_spike = _adaptive_on_spike
    every = _adaptive_every


@njit(cache=True, inline="always")
def _homeostasis_on_spike(j, t, st, p):
    st.var.theta[j] += p.eta


@njit(cache=True, inline="always")
def _homeostasis_every(t, st, p):
    drop = p.eta * p.target_rate * p.period * 1e-3
    theta = st.var.theta
    for j in range(theta.shape[0]):
        theta[j] -= drop


@dataclass(frozen=True)
class ThresholdHomeostasis(NeuronRule, OnSpike, Periodic):
    """Threshold that drifts until the neuron fires at ``target_rate`` (SORN IP).

    Args:
        eta: threshold change per spike (threshold units: mV for LIF).
        target_rate: the rate the neuron is driven to (Hz).
        period: how often the downward drift is applied (ms).
    """

    eta: float = 1e-3
    target_rate: float = 5.0
    period: float = 1.0

    constraints = {"eta": dict(gt=0), "target_rate": dict(ge=0, unit="Hz"), "period": dict(gt=0, unit="ms")}
    reads = ("theta",)
    on_spike = _homeostasis_on_spike
    every = _homeostasis_every


@njit(cache=True, inline="always")
def _triesch_every(t, st, p):
    h, y, a, b = st.var.h, st.var.r, st.var.gain, st.var.bias
    c = 2.0 + 1.0 / p.mu
    for j in range(y.shape[0]):
        yj = y[j]
        db = p.eta * (1.0 - c * yj + yj * yj / p.mu)
        a[j] += p.eta / a[j] + h[j] * db
        b[j] += db


@dataclass(frozen=True)
class TrieschIP(NeuronRule, Periodic):
    """Triesch's gain/bias rule for sigmoid rate units (see module doc).

    Args:
        eta: learning rate per update (dimensionless).
        mu: target mean of the exponential output distribution (0 < mu < 1).
        period: update interval (ms); the model's dt updates every step.
    """

    eta: float = 1e-3
    mu: float = 0.1
    period: float = 1.0

    constraints = {"eta": dict(gt=0), "mu": dict(gt=0, lt=1), "period": dict(gt=0, unit="ms")}
    reads = ("h", "r", "gain", "bias")
    every = _triesch_every


def check_sigmoid(owner: str, model) -> None:
    """TrieschIP's derivation assumes a sigmoid output; say so for other units."""
    if getattr(model, "activation", None) != "sigmoid":
        raise ValidationError(owner, "model", type(model).__name__, "TrieschIP needs RateUnit(activation='sigmoid')")
