"""Declared experiment parameters: default, unit, allowed range, one-line description.

An experiment module declares its parameters the way a plasticity rule declares
its ``constraints`` (plasticity/rule.py): keyword bounds ``gt``/``ge``/``lt``/``le``
and a ``unit`` for numbers, a tuple of ``choices`` for strings. They are checked
once, when a configuration is resolved (:meth:`Experiment.resolve`), so a bad
value stops before a run directory exists::

    PARAMETERS = dict(
        duration=Param(300_000.0, "simulated time", "ms", gt=0),
        n_inputs=Param(1000, "number of Poisson inputs", ge=1),
        drive=Param("conductance", "synapse model", choices=("conductance", "current")),
    )
    DEFAULTS = defaults_of(PARAMETERS)

The type of a parameter is that of its default (``type=`` when the default is
``None``, which makes ``None`` allowed); list and tuple parameters apply their
bounds to every element. Relations between parameters (``late_from < duration``)
are :class:`Relation` entries of the experiment.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Any

from ..model import _validate as v
from ..errors import ValidationError

__all__ = ["Length", "Param", "Relation", "defaults_of"]

_TRUE, _FALSE = ("true", "1", "yes"), ("false", "0", "no")
_BOUNDS = (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="))


@dataclass(frozen=True)
class Param:
    """One experiment parameter.

    Attributes:
        default: the full-scale value; its type is the parameter's type.
        doc: one line saying what it is.
        unit: ms, mV, nS, pF, pA, Hz ... (``""`` for counts and dimensionless values).
        gt, ge, lt, le: bounds on a number (each element of a list or tuple).
        choices: the allowed strings of a string parameter.
        type: the type when the default is ``None`` (then ``None`` is allowed).
    """

    default: Any
    doc: str
    unit: str = ""
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    choices: tuple = ()
    type: type | None = None

    def __post_init__(self):
        if not self.doc:
            raise ValueError("Param: doc must describe the parameter in one line")
        if self.default is None and self.type is None:
            raise ValueError("Param: a parameter whose default is None needs type=")
        if self.choices and self.kind is not str:
            raise ValueError("Param: choices apply to string parameters")

    @property
    def kind(self) -> type:
        """The parameter's type (int, float, bool, str, list or tuple)."""
        return self.type if self.default is None else type(self.default)

    @property
    def element(self) -> type:
        """The element type of a list or tuple parameter (int if every default element is)."""
        items = self.default or ()
        return int if items and all(type(x) is int for x in items) else float

    @property
    def bounds(self) -> dict:
        return {k: getattr(self, k) for k, _ in _BOUNDS if getattr(self, k) is not None}

    def type_name(self) -> str:
        if self.kind in (list, tuple):
            return f"{self.kind.__name__} of {self.element.__name__}"
        return self.kind.__name__ + (" or none" if self.default is None else "")

    def allowed(self) -> str:
        """The allowed values in words, e.g. ``> 0``, ``[0, 1]``, ``'a' | 'b'``."""
        if self.choices:
            return " | ".join(map(repr, self.choices))
        if self.kind is bool:
            return "true | false"
        b = self.bounds
        lo = next(((op, b[k]) for k, op in (("ge", "["), ("gt", "(")) if k in b), None)
        hi = next(((op, b[k]) for k, op in (("le", "]"), ("lt", ")")) if k in b), None)
        if lo and hi:
            return f"{lo[0]}{lo[1]:g}, {hi[1]:g}{hi[0]}"
        return " and ".join(f"{op} {b[k]:g}" for k, op in _BOUNDS if k in b) or "any"

    # -- checking ------------------------------------------------------------------------
    def resolve(self, owner: str, key: str, value):
        """``value`` (a CLI string or a TOML value) converted to the type and checked."""
        value = self.coerce(owner, key, value)
        self.check(owner, key, value)
        return value

    def coerce(self, owner: str, key: str, value):
        kind = self.kind
        if value is None or (self.default is None and isinstance(value, str) and value.lower() in ("none", "")):
            if self.default is None:
                return None
            raise ValidationError(owner, key, value, f"must be of type {self.type_name()}")
        try:
            if kind is bool:
                return _to_bool(value)
            if kind in (int, float):
                return _to_number(kind, value)
            if kind in (list, tuple):
                return _to_sequence(kind, self.element, value)
            if kind is str and isinstance(value, str):
                return value
        except (TypeError, ValueError, OverflowError):
            pass
        raise ValidationError(owner, key, value, f"must be of type {self.type_name()}")

    def check(self, owner: str, key: str, value) -> None:
        if value is None:
            return
        if self.choices:
            v.choice(owner, key, value, self.choices)
        elif self.kind in (int, float):
            v.number(owner, key, value, unit=self.unit, **self.bounds)
        elif self.kind in (list, tuple):
            for k, x in enumerate(value):
                v.number(owner, f"{key}[{k}]", x, unit=self.unit, **self.bounds)


def _to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError(value)


def _to_number(kind: type, value):
    if isinstance(value, bool):
        raise TypeError(value)
    x = float(value)
    if kind is int:
        if not (math.isfinite(x) and x.is_integer()):
            raise ValueError(value)
        return int(value) if isinstance(value, int) else int(x)
    return x


def _to_sequence(kind: type, element: type, value):
    """"10,20,30", "[10, 20, 30]", "(10, 20, 30)" or a list; ints stay ints where declared."""
    if isinstance(value, str):
        value = [x.strip() for x in value.strip().strip("[]()").split(",") if x.strip()]
    if not isinstance(value, (list, tuple)):
        raise TypeError(value)
    return kind(_to_number(element, x) for x in value)


def defaults_of(parameters: dict) -> dict:
    """The plain ``name -> default`` dict of declared parameters."""
    return {key: p.default for key, p in parameters.items()}


_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Relation:
    """A constraint between two parameters: ``left op factor * right`` (op one of
    ``<``, ``<=``, ``>``, ``>=``; ``factor`` 1 by default)."""

    left: str
    op: str
    right: str
    factor: float = 1.0

    def __str__(self) -> str:
        scale = "" if self.factor == 1.0 else f"{self.factor:g} * "
        return f"{self.left} {self.op} {scale}{self.right}"

    def check(self, owner: str, config: dict) -> None:
        a, b = config[self.left], config[self.right]
        if a is None or b is None or _OPS[self.op](a, self.factor * b):
            return
        scale = "" if self.factor == 1.0 else f"{self.factor:g} * "
        raise ValidationError(owner, self.left, a, f"must be {self.op} {scale}{self.right} (= {b!r})")


@dataclass(frozen=True)
class Length:
    """A list or tuple parameter holds as many entries as a count parameter says."""

    sequence: str
    count: str

    def __str__(self) -> str:
        return f"len({self.sequence}) == {self.count}"

    def check(self, owner: str, config: dict) -> None:
        n = config[self.count]
        if len(config[self.sequence]) != n:
            raise ValidationError(owner, self.sequence, config[self.sequence],
                                  f"must have {self.count} = {n} entries")
