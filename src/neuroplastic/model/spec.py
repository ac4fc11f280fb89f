"""Declared fields of model objects: what each field holds, its unit and bounds.

Every model object (neuron models, inputs, populations, projections,
connectivities, distributions, monitors, modulators, the model, topology events)
and every plasticity rule declares its fields once, in a class attribute
``constraints`` (field name -> :class:`Spec`), and its ``__post_init__`` runs
:func:`check` once: each value is validated and normalised (numpy scalars and
quantities such as ``"10 ms"`` become floats in the field's unit, lists and
arrays become float64 arrays), so nothing downstream sees a string, a float16
or an array where a number belongs. A bad value raises
:class:`~neuroplastic.errors.ValidationError` naming the object, the field, the
value and what is allowed.

:func:`field_specs` lists the declarations of any model or rule class (a rule's
legacy ``dict(gt=0, unit="ms")`` / tuple-of-choices form included); the config
schema is derived from it.
"""
from __future__ import annotations

import dataclasses
import numbers
from dataclasses import dataclass

import numpy as np

from . import quantities
from ._validate import show, warn
from ..errors import ValidationError

INT64_MAX = 2**63 - 1


@dataclass(frozen=True, kw_only=True)
class Spec:
    """Base of field declarations. ``optional``: ``None`` is allowed (and kept)."""

    optional: bool = False

    def check(self, owner: str, field: str, value):
        """The validated, normalised value (raises ValidationError)."""
        if value is None and self.optional:
            return None
        return self.normalise(owner, field, value)

    def normalise(self, owner: str, field: str, value):  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class Number(Spec):
    """A real number in ``unit`` (``"1"``: dimensionless; ``None``: the unit is
    not fixed by the field, so quantities are refused), within the bounds.

    ``array``: a 1-D array (one value per neuron or item) is also allowed.
    ``finite=False`` allows +-inf (never NaN). ``seconds_below``: a positive
    value below it looks like seconds (a :class:`ModelWarning`).
    ``time_constant``: :meth:`Model.validate` warns when 0 < value < dt.
    """

    unit: str | None = "1"
    gt: float | None = None
    ge: float | None = None
    lt: float | None = None
    le: float | None = None
    finite: bool = True
    array: bool = False
    seconds_below: float | None = None
    time_constant: bool = False

    def normalise(self, owner, field, value):
        arr = self.magnitudes(owner, field, value)
        self.check_bounds(owner, field, value, arr)
        if self.seconds_below is not None and np.any((arr > 0) & (arr < self.seconds_below)):
            least = float(np.min(arr[arr > 0]))
            warn(owner, field, show(value), f"looks like seconds; neuroplastic uses ms ({least:g} s would be "
                 f"{least * 1e3:g} ms)")
        return float(arr) if arr.ndim == 0 else arr

    def magnitudes(self, owner, field, value) -> np.ndarray:
        """The value as a float64 array (0-d for a scalar) in ``unit``."""
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]                      # a 0-d array is its scalar
        if quantities.is_quantity(value):
            value = quantities.convert(owner, field, value, self.unit)
        if isinstance(value, np.ndarray) and value.dtype == object and value.ndim == 1:
            value = list(value)
        if isinstance(value, (list, tuple)):
            if not self.array:
                raise ValidationError(owner, field, show(value), f"must be one number{self._in()}, not a list")
            arr = self._from_list(owner, field, value)
        else:
            arr = self._plain(owner, field, value)
        if arr.ndim > 1 or (arr.ndim == 1 and not self.array):
            what = "a scalar or a 1-D array" if self.array else f"one number{self._in()}"
            raise ValidationError(owner, field, show(value), f"must be {what}, got an array of shape {arr.shape}")
        if np.any(np.isnan(arr)) or (self.finite and not np.all(np.isfinite(arr))):
            raise ValidationError(owner, field, show(value), "must be finite" if self.finite else "must not be NaN")
        return arr

    def _from_list(self, owner, field, value) -> np.ndarray:
        """A list of plain numbers in one numpy conversion; otherwise item by item
        (quantities, and so that a bad item is named)."""
        if all(map(_is_real, value)):
            try:
                return np.asarray(value, dtype=np.float64)
            except OverflowError:   # an integer beyond float range: named below
                pass
        return np.array([self._scalar(owner, f"{field}[{k}]", x) for k, x in enumerate(value)], dtype=float)

    def _scalar(self, owner, field, x) -> float:
        if quantities.is_quantity(x):
            x = quantities.convert(owner, field, x, self.unit)
        arr = self._plain(owner, field, x)
        if arr.ndim:
            raise ValidationError(owner, field, show(x), "must be a number (a flat list of numbers is allowed)")
        return float(arr)

    def _plain(self, owner, field, value) -> np.ndarray:
        if isinstance(value, (bool, np.bool_)):
            raise ValidationError(owner, field, value, "must be a number, not a boolean")
        if isinstance(value, numbers.Real):
            try:
                return np.asarray(float(value))
            except OverflowError:
                raise ValidationError(owner, field, show(value), "must be a finite number") from None
        if isinstance(value, np.ndarray) and value.dtype.kind in "iuf":
            return value.astype(np.float64)
        raise ValidationError(owner, field, show(value), f"must be a number{self._in()}{self._quantity_hint()}")

    def check_bounds(self, owner, field, value, arr) -> None:
        u = "" if self.unit in (None, "1") else f" {self.unit}"
        for bound, op, text in ((self.gt, np.greater, ">"), (self.ge, np.greater_equal, ">="),
                                (self.lt, np.less, "<"), (self.le, np.less_equal, "<=")):
            if bound is not None and not np.all(op(arr, bound)):
                raise ValidationError(owner, field, show(value), f"must be {text} {bound:g}{u}")

    def _in(self) -> str:
        return "" if self.unit in (None, "1") else f" ({self.unit})"

    def _quantity_hint(self) -> str:
        return "" if self.unit in (None, "1") else f" or a quantity such as '1 {self.unit}'"


@dataclass(frozen=True)
class Numbers(Number):
    """A 1-D list or array of numbers (possibly empty), e.g. spike times."""

    array: bool = True

    def normalise(self, owner, field, value):
        arr = self.magnitudes(owner, field, value)
        if arr.ndim != 1:
            raise ValidationError(owner, field, show(value), f"must be a list of numbers{self._in()}")
        self.check_bounds(owner, field, value, arr)
        return arr


@dataclass(frozen=True)
class Integer(Spec):
    """An integer (not a bool, not a float) within [ge, le]."""

    ge: int | None = None
    le: int = INT64_MAX

    def normalise(self, owner, field, value):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value[()]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise ValidationError(owner, field, show(value), "must be an integer")
        value = int(value)
        if self.ge is not None and value < self.ge:
            raise ValidationError(owner, field, show(value), f"must be >= {self.ge}")
        if value > self.le:
            raise ValidationError(owner, field, show(value), f"must be <= {self.le}")
        return value


@dataclass(frozen=True)
class Indices(Spec):
    """A 1-D list or array of non-negative integers, stored as int64."""

    def normalise(self, owner, field, value):
        flat = isinstance(value, np.ndarray) or (isinstance(value, (list, tuple)) and all(map(_is_integer, value)))
        arr = np.asarray(value) if flat else None
        if arr is None or arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
            raise ValidationError(owner, field, show(value), "must be a 1-D list of non-negative integers")
        if arr.size == 0:
            return np.zeros(0, np.int64)
        if arr.min() < 0 or (arr.dtype.kind == "u" and arr.max() > INT64_MAX):
            raise ValidationError(owner, field, f"range [{arr.min()}, {arr.max()}]", "must hold non-negative integers")
        return arr.astype(np.int64)


@dataclass(frozen=True)
class Choice(Spec):
    """One of a fixed set of strings (a mode)."""

    options: tuple = ()

    def normalise(self, owner, field, value):
        if not isinstance(value, str) or value not in self.options:
            raise ValidationError(owner, field, show(value), f"must be one of {', '.join(map(repr, self.options))}")
        return str(value)


@dataclass(frozen=True)
class Flag(Spec):
    """True or False."""

    def normalise(self, owner, field, value):
        if not isinstance(value, (bool, np.bool_)):
            raise ValidationError(owner, field, show(value), "must be true or false")
        return bool(value)


@dataclass(frozen=True)
class Name(Spec):
    """A name: letters, digits, '_' and '-'. ``refers_to`` (``"source"``,
    ``"projection"``, ``"modulator"``): the name of such a model part, which may
    also be given as the part itself. ``empty``: "" is allowed (a default)."""

    refers_to: str | None = None
    empty: bool = False

    def normalise(self, owner, field, value):
        if self.refers_to is not None and isinstance(value, _part_types(self.refers_to)):
            value = value.name
        if self.empty and isinstance(value, str) and value == "":
            return ""
        if not isinstance(value, str) or not value or not all(c.isalnum() or c in "_-" for c in value):
            raise ValidationError(owner, field, show(value),
                                  "must be a non-empty string of letters, digits, '_' or '-'")
        return str(value)


@dataclass(frozen=True)
class Names(Spec):
    """A non-empty list of names, stored as a tuple."""

    def normalise(self, owner, field, value):
        if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
            raise ValidationError(owner, field, show(value), "must be a non-empty list of names")
        return tuple(Name().normalise(owner, f"{field}[{k}]", x) for k, x in enumerate(value))


@dataclass(frozen=True)
class Value(Number):
    """A number, a 1-D array (one value per item) or a Distribution."""

    array: bool = True

    def normalise(self, owner, field, value):
        from .distributions import Distribution

        return value if isinstance(value, Distribution) else super().normalise(owner, field, value)


@dataclass(frozen=True)
class Table(Spec):
    """A table (dict) of name -> value, each value checked by ``of``
    (e.g. a population's initial values by state variable)."""

    of: Spec = None

    def normalise(self, owner, field, value):
        if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
            raise ValidationError(owner, field, show(value), "must be a table keyed by names")
        return {key: self.of.check(owner, f"{field}.{key}", x) for key, x in value.items()}


@dataclass(frozen=True)
class Matrix(Spec):
    """A 2-D array of finite numbers with at least one row and one column."""

    def normalise(self, owner, field, value):
        try:
            arr = np.asarray(value, dtype=float) if _numeric_container(value) else None
        except (TypeError, ValueError, OverflowError):
            arr = None
        if arr is None or arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
            shape = type(value).__name__ if arr is None else arr.shape
            raise ValidationError(owner, field, f"shape {shape}",
                                  "must be a 2-D array (samples x units) with at least one of each")
        if not np.all(np.isfinite(arr)):
            raise ValidationError(owner, field, "non-finite entries", "must all be finite numbers")
        return arr


@dataclass(frozen=True)
class Part(Spec):
    """A model part of a kind (``"neuron model"``, ``"connectivity"``)."""

    kind: str = ""

    def normalise(self, owner, field, value):
        if not isinstance(value, _part_types(self.kind)):
            raise ValidationError(owner, field, show(value), _PART_HELP[self.kind])
        return value


@dataclass(frozen=True)
class Parts(Spec):
    """A list of plasticity rules, stored as a tuple (each rule is checked by its owner)."""

    def normalise(self, owner, field, value):
        if not isinstance(value, (list, tuple)):
            raise ValidationError(owner, field, show(value), "must be a list of plasticity rules")
        return tuple(value)


def _numeric_container(value) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "iuf"
    return isinstance(value, (list, tuple)) and all(_numeric_container(x) or _is_real(x) for x in value)


def _is_integer(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _is_real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


_PART_HELP = {
    "neuron model": "must be a neuron model (LIF, AdEx, Izhikevich, RateUnit, BinaryUnit)",
    "connectivity": "must be AllToAll, FixedProbability, FixedInDegree, OneToOne or Pairs",
}


def _part_types(kind: str) -> tuple:
    """The classes a reference or part field accepts (imported late: no cycles)."""
    if kind == "source":
        from .inputs import NoiseInput, PoissonInput, SpikeTimes, ValueInput
        from .population import Population

        return (Population, PoissonInput, SpikeTimes, ValueInput, NoiseInput)
    if kind == "projection":
        from .projection import Projection

        return (Projection,)
    if kind == "modulator":
        from .modulators import Modulator

        return (Modulator,)
    if kind == "neuron model":
        from .neurons import NeuronModel

        return (NeuronModel,)
    from .connectivity import Connectivity

    return (Connectivity,)


# --- the checker ---------------------------------------------------------------

_LEGACY_KEYS = {"gt", "ge", "lt", "le", "unit", "finite", "time_constant", "seconds_below"}


def as_spec(declaration) -> Spec:
    """A :class:`Spec` from a declaration: a Spec, a tuple of choices, or a dict of
    :class:`Number` keywords (the form rules declare, ``dict(gt=0, unit="ms")``)."""
    if isinstance(declaration, Spec):
        return declaration
    if isinstance(declaration, tuple):
        return Choice(options=declaration)
    unknown = set(declaration) - _LEGACY_KEYS
    if unknown:
        raise TypeError(f"unknown constraint keys {sorted(unknown)}")
    return Number(**{"unit": "1", **declaration})


def field_specs(cls) -> dict[str, Spec]:
    """Each declared field of a model or rule class (or instance) and its :class:`Spec`.

    For a rule, fields named in ``modulated_by`` are modulator names, a periodic
    rule's ``period`` is a time > 0 ms, and fields it did not declare are
    dimensionless numbers (+-inf allowed).
    """
    cls = cls if isinstance(cls, type) else type(cls)
    from ..plasticity.rule import Periodic, Rule, Structural

    declared = {k: as_spec(d) for k, d in getattr(cls, "constraints", {}).items()}
    if not issubclass(cls, Rule):
        return declared
    specs = {}
    for f in dataclasses.fields(cls):
        if f.name in cls.modulated_by:
            specs[f.name] = Name(refers_to="modulator")
        elif f.name in declared:
            specs[f.name] = declared[f.name]
        elif f.name == "period" and issubclass(cls, (Periodic, Structural)):
            specs[f.name] = Number("ms", gt=0)
        else:
            specs[f.name] = Number(finite=False)
    return specs


def check(obj, owner: str) -> None:
    """Validate and normalise every declared field of ``obj`` in place (once, in
    ``__post_init__``; frozen dataclasses included)."""
    for name, spec in field_specs(obj).items():
        object.__setattr__(obj, name, spec.check(owner, name, getattr(obj, name)))


def per_neuron(owner: str, field: str, value, n: int) -> None:
    """Check that an array parameter has one entry per neuron."""
    if isinstance(value, np.ndarray) and value.ndim == 1 and value.shape[0] != n:
        raise ValidationError(owner, field, f"array of length {value.shape[0]}",
                              f"must be a scalar or have one value per neuron ({n})")
