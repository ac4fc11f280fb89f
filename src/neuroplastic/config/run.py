"""A validated run configuration: a model and how long to run it, or an experiment."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.description import Model
from ..model.spec import Choice, Integer, Number

SCALES = ("full", "reduced")


@dataclass
class RunConfig:
    """A validated run configuration.

    Attributes:
        kind: ``"model"`` or ``"experiment"``.
        model: the (validated) model, for ``kind == "model"``.
        duration: simulated time in ms, for ``kind == "model"``.
        seed: the network / experiment seed.
        experiment: the experiment name, for ``kind == "experiment"``.
        parameters: experiment overrides (each checked against the experiment's
            declared parameter; relations between them are checked by the run).
        scale: ``"full"`` or ``"reduced"`` (experiments).
    """

    kind: str
    model: Model | None = None
    duration: float | None = None
    seed: int = 0
    experiment: str | None = None
    parameters: dict = field(default_factory=dict)
    scale: str = "full"

    #: What a config file sets besides the model (``[simulation]`` duration and
    #: seed; an experiment config's seed and scale).
    constraints = {"duration": Number("ms", gt=0), "seed": Integer(ge=0), "scale": Choice(options=SCALES)}
