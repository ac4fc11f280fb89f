"""Kinds by name: which class a config's ``model``, ``kind``, ``rule``, ``dist``
or ``type`` string names, and the name a class is written under.

Each category is a name -> class table taken from the model (and plasticity)
package, the same tables the model uses itself. Neuron models and rules are
open: a class of the user's, defined at the top level of an importable
module, is named by its import path ``"package.module:ClassName"`` (the
module is imported when the config is read: name only code you trust).
:func:`neuron_model` is the one place a neuron model's name is resolved, so a
registry of neuron kinds can plug in there.
"""
from __future__ import annotations

import importlib

from ..errors import ValidationError
from ..model._validate import suggestion
from ..model.connectivity import CONNECTIVITY
from ..model.description import MONITORS, SOURCES
from ..model.distributions import DISTRIBUTIONS
from ..model.neurons import NEURON_MODELS, NeuronModel
from ..model.population import Population
from ..model.topology import EVENTS as EVENT_CLASSES
from .context import Context, join


def _by_name(classes) -> dict:
    return {cls.__name__: cls for cls in classes}


#: ``[[inputs]]`` ``kind``: the model's sources other than populations.
INPUTS = _by_name(cls for cls in SOURCES if cls is not Population)
#: ``[[monitors]]`` ``kind``.
MONITOR_KINDS = _by_name(MONITORS)
#: ``[[events]]`` ``type``.
EVENTS = _by_name(EVENT_CLASSES)
#: Also used: ``CONNECTIVITY`` (``kind`` of a connectivity table) and
#: ``DISTRIBUTIONS`` (``dist`` of a distribution table, lower case), from the model.
__all__ = ["CONNECTIVITY", "DISTRIBUTIONS", "EVENTS", "INPUTS", "MONITOR_KINDS", "neuron_model",
           "neuron_model_name", "rule_class", "rule_name", "synaptic_rules", "neuron_rules"]


def synaptic_rules() -> dict:
    """``rule`` names of a projection's rules (imported late: plasticity builds on the model)."""
    from ..plasticity import RULES

    return RULES


def neuron_rules() -> dict:
    """``rule`` names of a population's (intrinsic-plasticity) rules."""
    from ..plasticity import NEURON_RULES

    return NEURON_RULES


# -- reading -------------------------------------------------------------------

def neuron_model(ctx: Context, path: str, value) -> type:
    """The neuron model class named by ``model = ...``: a built-in name or ``"module:ClassName"``."""
    name = ctx.string(path, value)
    if ":" in name:
        return _import_class(ctx, path, name, NeuronModel, "neuron model", "a NeuronModel subclass")
    if name not in NEURON_MODELS:
        raise ctx.fail(path, name, f"must be one of {', '.join(map(repr, NEURON_MODELS))}"
                                   f"{suggestion(name, NEURON_MODELS)} (or a user's model as 'module:ClassName')")
    return NEURON_MODELS[name]


def rule_class(ctx: Context, path: str, d: dict, neuron: bool) -> type:
    """The rule class named by ``d["rule"]``: a built-in name or ``"module:ClassName"``."""
    from ..plasticity.rule import NeuronRule, Rule

    value = d.get("rule")
    if isinstance(value, str) and ":" in value:
        rule_path = join(path, "rule")
        if neuron:
            return _import_class(ctx, rule_path, value, NeuronRule, "rule", "a NeuronRule subclass (a population's rule)")
        cls = _import_class(ctx, rule_path, value, Rule, "rule", "a synaptic Rule subclass")
        if issubclass(cls, NeuronRule):
            raise ctx.fail(rule_path, value, "must name a synaptic Rule subclass")
        return cls
    table = neuron_rules() if neuron else synaptic_rules()
    return table[ctx.choice_key(path, d, "rule", table)]


def _import_class(ctx: Context, path: str, spec: str, base: type, kind: str, what: str) -> type:
    """The class at import path ``spec``, which must subclass ``base``."""
    module, _, qualname = spec.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except Exception as e:   # any error of the user's module on import
        raise ctx.fail(path, spec, f"must name an importable {kind} class as 'module:ClassName' "
                                   f"({type(e).__name__}: {e})") from None
    if not (isinstance(obj, type) and issubclass(obj, base)):
        raise ctx.fail(path, spec, f"must name {what}")
    return obj


# -- writing -------------------------------------------------------------------

def neuron_model_name(cls: type, path: str) -> str:
    """The ``model`` string of a neuron model class (its import path if not built in)."""
    return cls.__name__ if NEURON_MODELS.get(cls.__name__) is cls else import_path(cls, path, "neuron model")


def rule_name(cls: type, path: str, neuron: bool) -> str:
    """The ``rule`` string of a rule class (its import path if not built in)."""
    table = neuron_rules() if neuron else synaptic_rules()
    return cls.__name__ if table.get(cls.__name__) is cls else import_path(cls, path, "rule")


def import_path(cls: type, path: str, kind: str) -> str:
    """``"module:QualName"`` of a user's class, checked to import back to it."""
    name = f"{cls.__module__}:{cls.__qualname__}"
    try:
        obj = importlib.import_module(cls.__module__)
        for part in cls.__qualname__.split("."):
            obj = getattr(obj, part)
    except Exception:   # defined in __main__, inside a function, or in a module that cannot be imported
        obj = None
    if obj is not cls or cls.__module__ == "__main__":
        raise ValidationError("model_to_dict", path, name,
                              f"must be a built-in {kind} or a {kind} class defined at the top level of an "
                              "importable module (not __main__ or a function) to be written to a config")
    return name
