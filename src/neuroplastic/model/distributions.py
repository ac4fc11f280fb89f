"""Named distributions for weights, delays and initial values.

A distribution is a validated description; ``sample(rng, n)`` draws from a
``numpy.random.Generator`` passed in explicitly (no global random state).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from ..errors import ValidationError


@dataclass(frozen=True)
class Distribution:
    """Base class: a named distribution of values."""

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        raise NotImplementedError


@dataclass(frozen=True)
class Uniform(Distribution):
    """Uniform on [low, high)."""

    low: float = 0.0
    high: float = 1.0

    def __post_init__(self):
        v.number("Uniform", "low", self.low)
        v.number("Uniform", "high", self.high, ge=self.low)
        object.__setattr__(self, "low", float(self.low) + 0.0)   # + 0.0 turns -0.0 into 0.0
        object.__setattr__(self, "high", float(self.high) + 0.0)
        if not np.isfinite(self.high - self.low):
            raise ValidationError("Uniform", "high", self.high, f"minus low ({self.low:g}) must be finite")

    def sample(self, rng, n):
        return rng.uniform(self.low, self.high, n)


@dataclass(frozen=True)
class Normal(Distribution):
    """Gaussian with mean and standard deviation std (std >= 0)."""

    mean: float = 0.0
    std: float = 1.0

    def __post_init__(self):
        v.number("Normal", "mean", self.mean)
        v.number("Normal", "std", self.std, ge=0)

    def sample(self, rng, n):
        return rng.normal(self.mean, self.std, n)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """exp(N(mu, sigma)): mu and sigma are those of the underlying Gaussian."""

    mu: float = 0.0
    sigma: float = 1.0

    def __post_init__(self):
        v.number("LogNormal", "mu", self.mu)
        v.number("LogNormal", "sigma", self.sigma, ge=0)

    def sample(self, rng, n):
        return rng.lognormal(self.mu, self.sigma, n)


@dataclass(frozen=True)
class Exponential(Distribution):
    """Exponential with mean ``scale`` (> 0)."""

    scale: float = 1.0

    def __post_init__(self):
        v.number("Exponential", "scale", self.scale, gt=0)

    def sample(self, rng, n):
        return rng.exponential(self.scale, n)


@dataclass(frozen=True)
class Gamma(Distribution):
    """Gamma with shape k (> 0) and scale theta (> 0); mean k*theta."""

    shape: float = 1.0
    scale: float = 1.0

    def __post_init__(self):
        v.number("Gamma", "shape", self.shape, gt=0)
        v.number("Gamma", "scale", self.scale, gt=0)

    def sample(self, rng, n):
        return rng.gamma(self.shape, self.scale, n)


DISTRIBUTIONS = {c.__name__.lower(): c for c in (Uniform, Normal, LogNormal, Exponential, Gamma)}


def draw(value, rng: np.random.Generator, n: int) -> np.ndarray:
    """Values for ``n`` items from a scalar, an array of length n, or a Distribution."""
    if isinstance(value, Distribution):
        return value.sample(rng, n).astype(float)
    arr = np.asarray(value, dtype=float)
    return np.full(n, float(arr)) if arr.ndim == 0 else arr.copy()


def check_value(owner: str, field: str, value, **bounds) -> None:
    """Validate a scalar/array/Distribution field (bounds apply to plain values)."""
    if not isinstance(value, Distribution):
        v.number(owner, field, value, **bounds)
