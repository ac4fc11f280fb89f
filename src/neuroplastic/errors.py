"""Exceptions raised by neuroplastic.

Two kinds of failure matter to a user: a description that cannot be simulated
(caught before anything runs) and a simulation that became invalid while running
(caught at the step where it happened, with what was recorded kept).
"""
from __future__ import annotations

MAX_SHOWN = 200   # characters of a value shown in a message


def brief(value) -> str:
    """``repr(value)`` for a message, cut to MAX_SHOWN characters (and safe for
    values whose repr fails, such as integers of more than 4300 digits)."""
    try:
        text = repr(value)
    except Exception:   # noqa: BLE001 - any repr failure: name the type instead
        return f"<{type(value).__name__} that cannot be printed>"
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


class ValidationError(ValueError):
    """A model or config value is not allowed.

    The message names the object, the field, the value and what is allowed, e.g.
    ``Projection 'ee': tau_plus must be > 0 ms, got -5``.

    Attributes:
        owner: the object that holds the field, e.g. ``"Projection 'ee'"``.
        field: the field name (dotted for nested fields).
        value: the offending value.
    """

    def __init__(self, owner: str, field: str, value: object, allowed: str):
        self.owner, self.field, self.value, self.allowed = owner, field, value, allowed
        super().__init__(f"{owner}: {field} {allowed}, got {brief(value)}")


class ModelWarning(UserWarning):
    """A model value is allowed but probably a mistake (the run would do
    something other than what the value suggests).

    The message names the object, the field, the value and the likely mistake,
    e.g. ``LIF: tau_m = 0.02 ms looks like seconds; neuroplastic uses ms``.
    Turn these into errors with ``warnings.simplefilter("error", ModelWarning)``.

    Attributes:
        owner: the object that holds the field.
        field: the field name.
        value: the suspicious value.
    """

    def __init__(self, owner: str, field: str, value: object, problem: str):
        self.owner, self.field, self.value, self.problem = owner, field, value, problem
        super().__init__(f"{owner}: {field} = {brief(value)} {problem}")


class SimulationError(RuntimeError):
    """A run stopped because its state became invalid (NaN/inf or runaway activity).

    Attributes:
        step: the time step at which the problem was detected.
        time_ms: the biological time of that step, in ms.
        population: the name of the population concerned.
        variable: the state variable (or ``"rate"`` for runaway activity).
    Recorded data up to ``step`` stays available on the network's monitors.
    """

    def __init__(self, reason: str, step: int, time_ms: float, population: str, variable: str):
        self.reason, self.step, self.time_ms = reason, step, time_ms
        self.population, self.variable = population, variable
        super().__init__(
            f"{reason} at step {step} (t = {time_ms:.3f} ms) in population "
            f"'{population}', variable '{variable}'; recordings up to this step are kept"
        )


class MissingData(ValidationError):
    """Data a run needs is not on this machine (e.g. MNIST's IDX files); the
    message says where it was looked for and how to get it. Raised before a
    run directory is made; ``neuroplastic compare --all`` skips such a task."""


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message says which extra
    to install (e.g. ``pip install 'neuroplastic[gym]'``)."""
