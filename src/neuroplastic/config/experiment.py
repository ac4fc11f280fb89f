"""Experiment-form configs: an experiment by name, its seed, scale and parameters.

::

    experiment = "song2000"
    seed = 0
    scale = "full"          # or "reduced"
    [parameters]            # overrides of the experiment's defaults

Each parameter is checked against the experiment's declared
:class:`~neuroplastic.experiments.parameters.Param` (type, unit, bounds) when
the config is read, its error named ``parameters.<name>``; relations between
parameters (``late_from < duration``) are checked when the run resolves them
together with any command-line overrides.
"""
from __future__ import annotations

from ..errors import ValidationError
from ..model._validate import suggestion
from .context import Context, join
from .parts import plain_copy
from .run import RunConfig
from .values import read

KEYS = ("experiment", "seed", "scale", "parameters")


def experiment_form(ctx: Context, d: dict) -> RunConfig:
    ctx.keys("", d, KEYS, required=("experiment",))
    name = ctx.string("experiment", d["experiment"])
    if not name:
        raise ctx.fail("experiment", name, "must be a non-empty experiment name")
    exp = _experiment(ctx, name)
    seed = read(ctx, "seed", RunConfig.constraints["seed"], d.get("seed", 0))
    scale = read(ctx, "scale", RunConfig.constraints["scale"], d.get("scale", "full"))
    params = ctx.table("parameters", d.get("parameters", {}))
    _check_parameters(ctx, exp, params)
    return RunConfig(kind="experiment", experiment=name, seed=seed, scale=scale, parameters=plain_copy(params))


def _experiment(ctx: Context, name: str):
    """The registered experiment called ``name`` (experiments are imported late:
    they build on the config layer, not the other way round)."""
    from ..experiments import registry

    try:
        return registry.get(name)
    except ValidationError as e:
        raise ctx.fail("experiment", name, e.allowed) from None


def _check_parameters(ctx: Context, exp, params: dict) -> None:
    """Each given parameter: known to the experiment, of its declared type and bounds."""
    for key, value in params.items():
        path = join("parameters", key)
        if key not in exp.defaults:
            raise ctx.fail(path, key, f"is not a parameter of {exp.name}{suggestion(key, exp.defaults)}; "
                           f"allowed: {', '.join(sorted(exp.defaults))} (described by 'neuroplastic list {exp.name}')")
        exp.param(key).resolve(ctx.source, path, value)
