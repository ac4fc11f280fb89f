"""The TOML layout of a model class, read off what the class declares.

A model object (a neuron model, an input, a connectivity, a rule, ...) is one
TOML table. Its keys are the class's constructor fields (dataclass fields with
``init``), in declaration order; what each key takes is the field's
declaration in the class's ``constraints`` (:func:`neuroplastic.model.field_specs`,
model/spec.py), its default is the dataclass default. A key is required when
its field has no default, or a default of ``None`` that the declaration does
not allow. Nothing in the config layer lists a class's keys, defaults or
bounds a second time: a new model class or rule with ``constraints`` is
readable and writable as soon as it is defined.

The TOML value a declaration takes:

====================  =========================================================
declaration           TOML value
====================  =========================================================
``Number``            a number or a quantity string (``"10 ms"``); with
                      ``array=True`` also a list of numbers (and quantities)
``Numbers``           a list of numbers
``Value``             a number, a list of numbers, a quantity, or a
                      distribution table ``{dist = "uniform", low = 0, high = 1}``
``Integer``           an integer
``Flag``              a boolean
``Choice``, ``Name``  a string
``Names``             a list of strings
``Indices``           a list of non-negative integers
``Matrix``            a list of rows (lists of numbers) of one length
``Table``             a table of values (a population's ``initial``)
``Part``              a table naming its kind (connectivity), or for a neuron
                      model a name (``model``) and a table (``params``)
``Parts``             an array of rule tables
====================  =========================================================
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from ..model.spec import (Choice, Flag, Indices, Integer, Matrix, Name, Names, Number, Numbers, Part, Parts,
                          Spec, Table, Value, field_specs)

MISSING = dataclasses.MISSING


@dataclass(frozen=True)
class Key:
    """One key of a class's table: its field's declaration and default.

    ``spec`` is None for a field the class does not declare (any TOML value is
    passed on; the class checks it)."""

    name: str
    spec: Spec | None
    default: object = MISSING

    @property
    def required(self) -> bool:
        if self.default is MISSING:
            return True
        return self.default is None and self.spec is not None and not self.spec.optional

    @property
    def false_is_none(self) -> bool:
        """An optional field with a default other than None: ``None`` cannot be
        left out (that would mean the default), so it is written ``false``."""
        return (self.spec is not None and self.spec.optional and self.default is not MISSING
                and self.default is not None)

    @property
    def nested(self) -> bool:
        """An array of tables (rules): written after the plain keys."""
        return isinstance(self.spec, Parts)


@dataclass(frozen=True)
class Layout:
    """The keys of one class's table, in field order."""

    cls: type
    keys: dict

    @property
    def names(self) -> tuple:
        return tuple(self.keys)

    @property
    def required(self) -> tuple:
        return tuple(name for name, key in self.keys.items() if key.required)


@functools.cache
def layout(cls: type) -> Layout:
    """The table layout of a model or rule class (cached per class)."""
    specs = field_specs(cls)
    keys = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        default = f.default
        if default is MISSING and f.default_factory is not MISSING:
            default = f.default_factory()
        keys[f.name] = Key(f.name, specs.get(f.name), default)
    return Layout(cls, keys)


def toml_type(spec: Spec | None) -> str:
    """The TOML value a declaration takes, in words (messages and docs)."""
    for kind, words in _TOML_TYPES:
        if isinstance(spec, kind):
            if isinstance(spec, Number) and not isinstance(spec, (Numbers, Value)) and spec.array:
                return "number or list of numbers"
            return words
    return "any value"


_TOML_TYPES = (   # subclasses before their bases
    (Flag, "boolean (true or false)"), (Integer, "integer"), (Choice, "string"), (Name, "string"),
    (Names, "list of strings"), (Indices, "list of integers"), (Matrix, "list of rows (lists of numbers)"),
    (Value, "number, list of numbers, quantity ('1 ms') or distribution table"),
    (Numbers, "list of numbers"), (Number, "number"), (Table, "table"), (Part, "table"),
    (Parts, "array of tables"),
)


def describe(cls: type) -> list[tuple[str, str, str]]:
    """``(key, TOML value, default or "required")`` for each key of ``cls``'s table."""
    return [(name, toml_type(key.spec), "required" if key.required else repr(key.default))
            for name, key in layout(cls).keys.items()]
