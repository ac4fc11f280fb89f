"""Checks of a whole model against its time step ``dt`` (run by ``Model.validate``).

Each part checks its own fields when it is built; what needs ``dt`` or two parts
at once is checked here. Errors (:class:`~neuroplastic.errors.ValidationError`)
are values the engine cannot honour; warnings
(:class:`~neuroplastic.errors.ModelWarning`) are values it would honour in a way
the user probably did not mean:

=====================================================  =========================
check                                                   outcome
=====================================================  =========================
weights given as a quantity (pA, nS, mV/ms) whose      error
unit is not the postsynaptic channel's
Poisson rate above 1/dt (at most one spike per step)    error
RateMonitor ``bin`` shorter than dt                     error
a time constant (declared ``time_constant``) with       warning ("looks like
dt/100 <= tau < dt (far shorter is taken as deliberate: seconds" hint)
the variable acts for one step only)
a RateMonitor bin or monitor interval that is not a     warning (rounded to k
whole number of steps; an interval shorter than dt      steps, stated)
a delay with 0 < d < dt (rounded to 0 steps)            warning
a negative weight on the excitatory receptor of a       warning
spiking neuron (rate and binary units sum signed
weights, so not there)
=====================================================  =========================
"""
from __future__ import annotations

import numpy as np

from ._validate import show, warn
from .distributions import Distribution
from .inputs import PoissonInput
from .modulators import ModulatorMonitor
from .monitors import RateMonitor, StateMonitor, WeightMonitor
from .neurons import LIF, AdEx, Izhikevich
from .population import Population
from .spec import Number, field_specs
from ..errors import ValidationError


def check_against_dt(model) -> None:
    """Errors and warnings about values that do not fit ``model.dt`` (see module doc)."""
    dt = model.dt
    for part in model.populations.values():
        if isinstance(part, PoissonInput):
            _check_rate(part, dt)
        if isinstance(part, Population):
            _warn_short_time_constants(part.model, f"Population '{part.name}' ({type(part.model).__name__})", dt)
            for k, rule in enumerate(part.rules):
                _warn_short_time_constants(rule, f"Population '{part.name}' rules[{k}] ({type(rule).__name__})", dt)
    for proj in model.projections.values():
        o = f"Projection '{proj.name}'"
        _check_weight_unit(model, proj, o)
        _warn_negative_excitation(model, proj, o)
        _warn_short_delays(proj, o, dt)
        for k, rule in enumerate(proj.rules):
            _warn_short_time_constants(rule, f"{o} rules[{k}] ({type(rule).__name__})", dt)
    for mod in model.modulators.values():
        _warn_short_time_constants(mod, f"Modulator '{mod.name}'", dt)
    for mon in model.monitors.values():
        _check_sampling(mon, dt)


def _check_rate(src: PoissonInput, dt: float) -> None:
    top = 1e3 / dt
    if np.any(np.asarray(src.rate) > top):
        raise ValidationError(f"PoissonInput '{src.name}'", "rate", show(src.rate),
                              f"must be <= 1/dt = {top:g} Hz (a source fires at most once per step of "
                              f"{dt:g} ms)")


def _warn_short_time_constants(obj, owner: str, dt: float) -> None:
    for name, spec in field_specs(obj).items():
        if not (isinstance(spec, Number) and spec.time_constant):
            continue
        value = np.asarray(getattr(obj, name), dtype=float)
        short = value[(value >= dt / 100) & (value < dt)]
        if short.size:
            tau = float(short.min())
            warn(owner, name, show(getattr(obj, name)),
                 f"ms is shorter than the time step dt = {dt:g} ms, which cannot resolve it; if it looks like "
                 f"seconds: neuroplastic uses ms ({tau:g} s = {tau * 1e3:g} ms)")


def _check_weight_unit(model, proj, owner: str) -> None:
    if proj.weight_unit is None:
        return
    post = model.populations[proj.post]
    unit = _channel_unit(post)
    if unit != proj.weight_unit:
        needs = f"are in {unit}" if unit else "are plain numbers"
        raise ValidationError(owner, "weight", f"a quantity in {proj.weight_unit}",
                              f"must match the postsynaptic channel: weights onto '{proj.post}' {needs}")


def _warn_negative_excitation(model, proj, owner: str) -> None:
    if proj.receptor == "exc" and proj.lowest_weight() < 0 and _channel_unit(model.populations[proj.post]):
        warn(owner, "weight", show(proj.weight),
             "is negative on the excitatory receptor: these synapses inhibit (for inhibition use receptor='inh'"
             "; onto conductance synapses a negative weight is a negative conductance)")


def _channel_unit(post) -> str | None:
    """The unit of a population's synaptic channels (None: dimensionless or no channel)."""
    model = post.model if isinstance(post, Population) else None
    if isinstance(model, Izhikevich):
        return "mV/ms"
    if isinstance(model, (LIF, AdEx)):
        return "nS" if model.synapse == "conductance" else "pA"
    return None


def _warn_short_delays(proj, owner: str, dt: float) -> None:
    if isinstance(proj.delay, Distribution):
        return
    d = np.asarray(proj.delay, dtype=float)
    short = d[(d > 0) & (d < dt)]
    if short.size:
        warn(owner, "delay", show(proj.delay),
             f"ms is shorter than dt = {dt:g} ms: delays are whole steps, so {float(short.min()):g} ms is "
             f"rounded to {int(np.round(short.min() / dt))} steps (0 = delivered at the next step)")


def _check_sampling(mon, dt: float) -> None:
    if isinstance(mon, RateMonitor):
        field, value = "bin", mon.bin
        if value < dt:
            raise ValidationError(f"RateMonitor '{mon.name}'", "bin", show(value),
                                  f"must be >= dt ({dt:g} ms): a bin holds whole steps")
    elif isinstance(mon, (StateMonitor, WeightMonitor, ModulatorMonitor)):
        field, value = "interval", mon.interval
    else:
        return
    steps = max(1, round(value / dt))
    if abs(steps * dt - value) > 1e-9 * max(value, dt):
        warn(f"{type(mon).__name__} '{mon.name}'", field, show(value),
             f"ms is not a whole number of steps of dt = {dt:g} ms: it is rounded to {steps} steps "
             f"({steps * dt:g} ms)")
