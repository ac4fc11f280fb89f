"""Comparison tasks: the same task, data, seeds and budget for a plastic spiking network and
the classic artificial learners (``neuroplastic compare``).

A :class:`Task` is declared like an experiment (experiments/base.py): declared
parameters (:class:`~neuroplastic.experiments.Param`) with a full-scale default
and reduced overrides for the tests, relations, and :class:`Target` s. Instead of
one ``run`` it has :class:`Contender` s: each is ``run(config, seed) -> Outcome``,
called once per seed of the task's ``seeds`` parameter. The runner
(compare/runner.py) gives every contender the same resolved configuration and
the same seeds, and summarises each metric over the seeds (mean and 95 %
confidence interval); targets are checked on those means, keyed
``"<contender>.<metric>"`` (e.g. ``"spiking.accuracy"``).

Every outcome reports, besides the task's own metrics, what the comparison
weighs them against (names in :data:`STANDARD_METRICS`): the ``cost`` of the
contender's work in its ``cost_unit`` (synaptic events for spiking networks,
multiply-accumulates for artificial networks, network evaluations for
neuroevolution), the training ``examples`` (or episodes) it used, how many of
them carried a label (``labelled_examples``), its learned ``connections``; the
runner adds ``wall_s``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from ..errors import ValidationError
from ..experiments.base import Target, resolve_parameters
from ..experiments.parameters import Param

__all__ = ["Contender", "Outcome", "Task", "FAMILIES", "STANDARD_METRICS", "COST", "EXAMPLES", "LABELLED",
           "CONNECTIONS", "WALL"]

COST, EXAMPLES, LABELLED, CONNECTIONS, WALL = "cost", "examples", "labelled_examples", "connections", "wall_s"
#: ``Contender.needs`` of the contenders built on JAX and Optax (the ``compare`` extra).
JAX = ("jax", "optax")
STANDARD_METRICS = (COST, EXAMPLES, LABELLED, CONNECTIONS, WALL)

#: The kinds of learner a contender belongs to.
FAMILIES = {
    "plastic": "spiking network with local plasticity",
    "perceptron": "perceptron (single layer of threshold units)",
    "gradient": "artificial network trained by gradient descent",
    "evolution": "neuroevolution",
    "self-organizing": "self-organizing map (unsupervised competitive learning, not spiking)",
}


@dataclass
class Outcome:
    """What one contender did with one seed.

    Attributes:
        metrics: metric name -> number (NaN for "not reached"); must hold
            ``cost``, ``examples``, ``labelled_examples`` and ``connections``.
        curve: (x, y) learning curve: x in the task's ``curve_x`` unit, y in
            its ``curve_y`` unit (None: no curve).
        figures: extra figures of this contender (saved for the first seed only).
    """

    metrics: dict
    curve: tuple | None = None
    figures: dict = field(default_factory=dict)

    def __post_init__(self):
        missing = [k for k in (COST, EXAMPLES, LABELLED, CONNECTIONS) if k not in self.metrics]
        if missing:
            raise ValueError(f"Outcome: metrics lack {missing}")
        self.metrics = {k: float(v) if v is not None else math.nan for k, v in self.metrics.items()}


@dataclass(frozen=True)
class Contender:
    """One learner of a task.

    Attributes:
        name: short id used in metric keys and files (letters, digits, ``-``).
        family: a key of :data:`FAMILIES`.
        summary: what it is, in one line (network size, rule, source).
        run: ``run(config: dict, seed: int) -> Outcome``.
        cost_unit: what ``cost`` counts ("synaptic events", "multiply-accumulates", ...).
        needs: optional modules it imports (``"jax"``, ``"neat"``, ``"gymnasium"``),
            checked before a comparison starts.
    """

    name: str
    family: str
    summary: str
    run: Callable
    cost_unit: str
    needs: tuple = ()

    def __post_init__(self):
        if self.family not in FAMILIES:
            raise ValueError(f"contender {self.name!r}: family must be one of {sorted(FAMILIES)}")
        if not self.name or not all(ch.isalnum() or ch == "-" for ch in self.name):
            raise ValueError(f"contender {self.name!r}: name must be letters, digits and '-'")


@dataclass(frozen=True)
class Task:
    """A registered comparison task.

    Attributes:
        name: the CLI name (``neuroplastic compare NAME``).
        summary: one line for ``neuroplastic list``.
        contenders: the learners, in the order of tables and figures.
        defaults: the full-scale configuration (must hold ``seeds``, a tuple of ints).
        reduced: overrides that make the quick version for the tests.
        targets: checked on the means over seeds (``"<contender>.<metric>"``).
        headline: the metrics shown in the terminal table, besides the standard ones.
        curve_x, curve_y: axis labels of the learning curves.
        reference: the citations.
        parameters: name -> Param for every key of ``defaults``.
        relations: Relation checks between parameters.
        needs_data: ``f(config)`` raising :class:`~neuroplastic.errors.MissingData` when the
            data of this configuration is absent (checked before a run directory is made).
    """

    name: str
    summary: str
    contenders: tuple
    defaults: dict
    reduced: dict
    targets: tuple
    headline: tuple
    curve_x: str = "training examples"
    curve_y: str = "accuracy"
    reference: str = ""
    parameters: dict = field(default_factory=dict)
    relations: tuple = ()
    needs_data: Callable | None = None

    def __post_init__(self):
        if set(self.parameters) != set(self.defaults):
            diff = sorted(set(self.parameters) ^ set(self.defaults))
            raise ValueError(f"task {self.name!r}: parameters and defaults differ in {diff}")
        if "seeds" not in self.defaults:
            raise ValueError(f"task {self.name!r}: needs a 'seeds' parameter")
        names = [c.name for c in self.contenders]
        if len(set(names)) != len(names) or not names:
            raise ValueError(f"task {self.name!r}: contender names must be unique and at least one")
        for tg in self.targets:
            if not isinstance(tg, Target) or tg.metric.split(".")[0] not in names:
                raise ValueError(f"task {self.name!r}: target {tg!r} must name '<contender>.<metric>'")
        for scale in ("full", "reduced"):
            self.resolve(scale=scale)

    def param(self, key: str) -> Param:
        return self.parameters[key]

    def resolve(self, overrides: dict | None = None, scale: str = "full") -> dict:
        """Defaults (+ reduced overrides) + user overrides, converted and checked."""
        owner = f"Task '{self.name}'"
        config = resolve_parameters(self, owner, overrides, scale)
        if not config["seeds"]:
            raise ValidationError(owner, "seeds", config["seeds"], "must list at least one seed")
        if len(set(config["seeds"])) != len(config["seeds"]):
            raise ValidationError(owner, "seeds", config["seeds"], "must not repeat a seed")
        return config

    def check_data(self, config: dict) -> None:
        """MissingData if the data ``config`` names is not on this machine."""
        if self.needs_data is not None:
            self.needs_data(config)

    def contender(self, name: str) -> Contender:
        return next(c for c in self.contenders if c.name == name)
