"""The table of comparison tasks by name (``neuroplastic compare``, ``neuroplastic list``)."""
from __future__ import annotations

from ..errors import ValidationError
from ..model._validate import suggestion
from .base import Task

_REGISTRY: dict[str, Task] = {}

#: Modules of this package that are infrastructure, not tasks.
_NOT_TASKS = {"base", "cost", "figures", "registry", "runner", "stats"}


def register_task(task: Task) -> Task:
    """Add a task to the registry (names are unique, and differ from the experiments')."""
    if task.name in _REGISTRY:
        raise ValueError(f"comparison task {task.name!r} registered twice")
    _REGISTRY[task.name] = task
    return task


def get_task(name: str) -> Task:
    """The task called ``name``; a ValidationError lists the known names."""
    _load_all()
    if name not in _REGISTRY:
        raise ValidationError("neuroplastic compare", "task", name,
                              f"is not known{suggestion(name, _REGISTRY)}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name]


def has_task(name: str) -> bool:
    _load_all()
    return name in _REGISTRY


def all_tasks() -> list[Task]:
    """Every registered task, sorted by name."""
    _load_all()
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def _load_all() -> None:
    """Import every task module of this package (each registers itself)."""
    import importlib
    import pkgutil

    from .. import compare

    for info in pkgutil.iter_modules(compare.__path__):
        if info.name not in _NOT_TASKS and not info.name.startswith("_"):
            importlib.import_module(f"{compare.__name__}.{info.name}")
