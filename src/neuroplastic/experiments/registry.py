"""The table of experiments by name."""
from __future__ import annotations

from ..errors import ValidationError
from ..model._validate import suggestion
from .base import Experiment

_REGISTRY: dict[str, Experiment] = {}


def register(experiment: Experiment) -> Experiment:
    """Add an experiment to the registry (names are unique)."""
    if experiment.name in _REGISTRY:
        raise ValueError(f"experiment {experiment.name!r} registered twice")
    _REGISTRY[experiment.name] = experiment
    return experiment


def get(name: str) -> Experiment:
    """The experiment called ``name``; a ValidationError lists the known names."""
    _load_all()
    if name not in _REGISTRY:
        raise ValidationError("neuroplastic", "experiment", name,
                              f"is not known{suggestion(name, _REGISTRY)}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def all_experiments() -> list[Experiment]:
    """Every registered experiment, sorted by name."""
    _load_all()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


#: Modules of this package that are infrastructure, not experiments.
_NOT_EXPERIMENTS = {"base", "parameters", "protocols", "registry", "runner"}


def _load_all() -> None:
    """Import every experiment module of this package (each registers itself)."""
    import importlib
    import pkgutil

    from .. import experiments

    for info in pkgutil.iter_modules(experiments.__path__):
        if info.name not in _NOT_EXPERIMENTS and not info.name.startswith("_"):
            importlib.import_module(f"{experiments.__name__}.{info.name}")
