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
from ..model._validate import suggestion
from .parameters import Param


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
        parameters: name -> :class:`~.parameters.Param` (type, unit, range, one-line
            description) for every key of ``defaults``; ``neuroplastic list NAME``
            prints them. Undeclared keys are only converted to their default's type.
        relations: :class:`~.parameters.Relation` checks between parameters.
    """

    name: str
    summary: str
    run: Callable
    defaults: dict
    reduced: dict
    targets: tuple
    reference: str = ""
    parameters: dict = field(default_factory=dict)
    relations: tuple = ()

    def __post_init__(self):
        if self.parameters and set(self.parameters) != set(self.defaults):
            diff = sorted(set(self.parameters) ^ set(self.defaults))
            raise ValueError(f"experiment {self.name!r}: parameters and defaults differ in {diff}")
        for key, p in self.parameters.items():
            if p.default != self.defaults[key]:
                raise ValueError(f"experiment {self.name!r}: default of {key!r} differs from its declaration")
        for scale in ("full", "reduced"):   # a declaration that rejects its own defaults is a bug
            self.resolve(scale=scale)

    def param(self, key: str) -> Param:
        """The declaration of parameter ``key`` (for an undeclared one: typed by its default)."""
        declared = self.parameters.get(key)
        return declared if declared is not None else Param(self.defaults[key], "(undeclared)", type=str)

    def resolve(self, overrides: dict | None = None, scale: str = "full") -> dict:
        """Defaults (+ reduced overrides) + user overrides, converted to their types
        and checked against the declared parameters; unknown keys are rejected."""
        return resolve_parameters(self, f"Experiment '{self.name}'", overrides, scale)


def resolve_parameters(spec, owner: str, overrides: dict | None, scale: str) -> dict:
    """The configuration of ``spec`` (an :class:`Experiment` or a comparison task:
    ``name``, ``defaults``, ``reduced``, ``param(key)``, ``relations``) at ``scale``
    with ``overrides``, converted and checked; a ValidationError names ``owner``."""
    if scale not in ("full", "reduced"):
        raise ValidationError(owner, "scale", scale, "must be 'full' or 'reduced'")
    config = dict(spec.defaults)
    if scale == "reduced":
        config.update(spec.reduced)
    for key, value in (overrides or {}).items():
        if key not in spec.defaults:
            raise ValidationError(owner, key, key, f"is not a parameter{suggestion(key, spec.defaults)}; "
                                  f"allowed: {', '.join(sorted(spec.defaults))} "
                                  f"(described by 'neuroplastic list {spec.name}')")
        config[key] = value
    for key, value in config.items():
        config[key] = spec.param(key).resolve(owner, key, value)
    for relation in spec.relations:
        relation.check(owner, config)
    return config


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
