"""Experiments: named, configurable reproductions with published targets.

An experiment is a function ``config -> Result`` plus its defaults and targets.
The same :func:`compare` code checks targets in ``neuroplastic reproduce`` (full
scale) and in the tests (reduced scale).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ValidationError


@dataclass(frozen=True)
class Target:
    """A published or analytic target for one metric.

    Attributes:
        metric: key in the result's metrics.
        low, high: the accepted closed interval (either may be None = unbounded).
        description: where the number comes from (paper, closed form).
        scales: the scales at which this target applies ("full", "reduced").
    """

    metric: str
    low: float | None = None
    high: float | None = None
    description: str = ""
    scales: tuple = ("full", "reduced")

    def accepts(self, value) -> bool:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    @property
    def interval(self) -> str:
        lo = "-inf" if self.low is None else f"{self.low:.6g}"
        hi = "inf" if self.high is None else f"{self.high:.6g}"
        return f"[{lo}, {hi}]"


@dataclass
class Result:
    """What an experiment returns: metrics, figures, recordings, resolved config."""

    config: dict
    metrics: dict
    figures: dict = field(default_factory=dict)      # name -> matplotlib Figure
    recordings: dict = field(default_factory=dict)   # name -> dict of arrays
    notes: list = field(default_factory=list)

    def _repr_html_(self) -> str:
        """Notebook summary: metrics (and targets), notes, figure thumbnails, recordings."""
        from ..io.notebook import result_html

        return result_html(self)


@dataclass(frozen=True)
class Experiment:
    """A registered experiment.

    Attributes:
        name: the CLI name, e.g. ``"song2000"``.
        summary: one line for ``neuroplastic list``.
        run: ``run(config: dict, seed: int, progress: bool) -> Result``.
        defaults: the full (published) scale configuration.
        reduced: overrides that make a quick version for the tests.
        targets: what ``reproduce`` checks.
        reference: the citation.
    """

    name: str
    summary: str
    run: Callable
    defaults: dict
    reduced: dict
    targets: tuple
    reference: str = ""

    def resolve(self, overrides: dict | None = None, scale: str = "full") -> dict:
        """Defaults (+ reduced overrides) + user overrides, with unknown keys rejected."""
        if scale not in ("full", "reduced"):
            raise ValidationError(f"Experiment '{self.name}'", "scale", scale, "must be 'full' or 'reduced'")
        config = dict(self.defaults)
        if scale == "reduced":
            config.update(self.reduced)
        for key, value in (overrides or {}).items():
            if key not in self.defaults:
                raise ValidationError(f"Experiment '{self.name}'", key, value,
                                      f"is not a parameter; allowed: {', '.join(sorted(self.defaults))}")
            config[key] = _coerce(self.name, key, value, self.defaults[key])
        return config


def _coerce(name, key, value, default):
    """Convert an override to the type of its default (CLI strings included)."""
    kind = type(default)
    try:
        if kind is bool and isinstance(value, str):
            if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError
            return value.lower() in ("true", "1", "yes")
        if kind in (int, float) and not isinstance(value, bool):
            out = kind(float(value)) if kind is int and float(value).is_integer() else kind(value)
            return out
        if kind in (list, tuple) and isinstance(value, str):
            # "10,20,30", "[10, 20, 30]" or "(10, 20, 30)"; ints stay ints where the default's are
            items = [x.strip() for x in value.strip().strip("[]()").split(",") if x.strip()]
            as_int = all(isinstance(d, int) and not isinstance(d, bool) for d in default)
            return kind(int(float(x)) if as_int and float(x).is_integer() else float(x) for x in items)
        return kind(value) if kind is not type(None) else value
    except (TypeError, ValueError):
        raise ValidationError(f"Experiment '{name}'", key, value, f"must be of type {kind.__name__}") from None


@dataclass(frozen=True)
class Row:
    """One line of a reproduction table."""

    metric: str
    target: str
    tolerance: str
    measured: object
    passed: bool


def compare(result: Result, targets, scale: str = "full") -> list[Row]:
    """Check a result's metrics against targets that apply at ``scale``."""
    rows = []
    for tg in targets:
        if scale not in tg.scales:
            continue
        value = result.metrics.get(tg.metric)
        rows.append(Row(tg.metric, tg.description, tg.interval, value, tg.accepts(value)))
    return rows
