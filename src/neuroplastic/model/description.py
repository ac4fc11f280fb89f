"""The whole model: populations, inputs, projections and monitors, cross-checked."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _validate as v
from .branches import check_branches
from .checks import check_against_dt
from .connectivity import OneToOne, Pairs
from .inputs import NoiseInput, PoissonInput, SpikeTimes, ValueInput
from .modulators import Modulator, ModulatorMonitor
from .monitors import RateMonitor, SpikeMonitor, StateMonitor, WeightMonitor
from .population import Population
from .projection import Projection
from .protocol import Phase, Protocol, check_protocol
from .spec import Number, check
from .topology import EVENTS, Lesion, Neurogenesis, PruneSilent
from ..errors import ValidationError

SOURCES = (Population, PoissonInput, SpikeTimes, ValueInput, NoiseInput)
MONITORS = (SpikeMonitor, StateMonitor, WeightMonitor, RateMonitor, ModulatorMonitor)
TABLES = ("populations", "projections", "monitors", "modulators", "events")


@dataclass
class Model:
    """A network description. Add parts with :meth:`add`; nothing runs here.

    Attributes:
        dt: time step in ms, in [1e-4, 10]; below 1e-3 it looks like seconds (a
            warning).
        max_rate: a population whose mean rate over a 100 ms window exceeds this
            (Hz) stops the run as runaway activity; ``None`` disables the check.
        populations, projections, monitors, modulators, events: the parts by
            name (fill them with :meth:`add`).
        protocol: the :class:`~neuroplastic.model.protocol.Protocol` of named
            phases (wake, sleep ...), or None (``add`` a Phase or a Protocol).
    """

    dt: float = 0.1
    max_rate: float | None = 1000.0
    populations: dict = field(default_factory=dict)
    projections: dict = field(default_factory=dict)
    monitors: dict = field(default_factory=dict)
    modulators: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)   # lesions, neurogenesis, silent-neuron removal (topology.py)
    protocol: Protocol | None = None             # offline phases (protocol.py)

    constraints = {"dt": Number("ms", ge=1e-4, le=10, seconds_below=1e-3),
                   "max_rate": Number("Hz", gt=0, optional=True)}

    def __post_init__(self):
        check(self, "Model")
        tables = {key: getattr(self, key) for key in TABLES}
        for key, table in tables.items():
            if not isinstance(table, dict):
                raise ValidationError("Model", key, v.show(table), "must be a table of model parts by name")
            setattr(self, key, {})
        if self.protocol is not None and not isinstance(self.protocol, Protocol):
            raise ValidationError("Model", "protocol", type(self.protocol).__name__, "must be a Protocol or None")
        for table in tables.values():
            for part in table.values():
                self.add(part)

    def add(self, part):
        """Add a population, input, projection, monitor, modulator or event;
        a Phase (appended to the protocol) or a Protocol (the model has one);
        returns it."""
        if isinstance(part, (Phase, Protocol)):
            return self._add_to_protocol(part)
        if isinstance(part, SOURCES):
            table = self.populations
        elif isinstance(part, Projection):
            table = self.projections
        elif isinstance(part, MONITORS):
            table = self.monitors
        elif isinstance(part, Modulator):
            table = self.modulators
        elif isinstance(part, EVENTS):
            table = self.events
        else:
            raise ValidationError("Model", "add", type(part).__name__,
                                  "takes a Population, PoissonInput, SpikeTimes, ValueInput, NoiseInput, Projection, Modulator, "
                                  "monitor, Lesion, Neurogenesis, PruneSilent, Phase or Protocol")
        names = (set(self.populations) | set(self.projections) | set(self.monitors) | set(self.modulators)
                 | set(self.events))
        if part.name in names:
            raise ValidationError("Model", "name", part.name,
                                  "must be unique among populations, projections, modulators, monitors and events")
        table[part.name] = part
        return part

    def _add_to_protocol(self, part):
        if isinstance(part, Phase):
            now = self.protocol or Protocol()
            self.protocol = Protocol(now.phases + (part,), now.repeat, now.start)
        elif self.protocol is not None and self.protocol.phases:
            raise ValidationError("Model", "protocol", "a second Protocol",
                                  "must be given once (add Phase objects to extend it)")
        else:
            self.protocol = part
        return part

    def _repr_html_(self) -> str:
        """Notebook summary: populations, projections, monitors, modulators, events."""
        from ..io.notebook import model_html

        return model_html(self)

    def size(self, population: str) -> int:
        """Number of neurons of a population or input."""
        return self.populations[population].n

    def validate(self) -> "Model":
        """Cross-check references between parts and values against ``dt``; raises
        ValidationError, warns (:class:`~neuroplastic.errors.ModelWarning`) of
        likely mistakes (see :mod:`neuroplastic.model.checks`)."""
        for proj in self.projections.values():
            self._check_projection(proj)
        for mon in self.monitors.values():
            self._check_monitor(mon)
        for mod in self.modulators.values():
            if mod.source is not None and mod.source not in self.populations:
                raise ValidationError(f"Modulator '{mod.name}'", "source", mod.source,
                                      f"must name a population or input ({_names(self.populations)})")
        for event in self.events.values():
            self._check_event(event)
        for owner, rules in self._all_rules():
            for k, rule in enumerate(rules):
                for fld in rule.modulated_by:
                    name = getattr(rule, fld)
                    if name not in self.modulators:
                        raise ValidationError(owner, f"rules[{k}] ({type(rule).__name__}).{fld}", name,
                                              f"must name a modulator of the model ({_names(self.modulators)})")
        check_protocol(self)
        check_against_dt(self)
        return self

    def _check_event(self, event) -> None:
        o = f"{type(event).__name__} '{event.name}'"
        if getattr(event, "projection", None) is not None:
            if event.projection not in self.projections:
                raise ValidationError(o, "projection", event.projection,
                                      f"must name a projection ({_names(self.projections)})")
            return
        neurons = {k: p for k, p in self.populations.items() if isinstance(p, Population)}
        if event.population not in neurons:
            raise ValidationError(o, "population", event.population,
                                  f"must name a neuron population ({_names(neurons)}); inputs cannot be "
                                  f"lesioned or grown")

    def _all_rules(self):
        for pop in self.populations.values():
            yield f"Population '{pop.name}'", getattr(pop, "rules", ())
        for proj in self.projections.values():
            yield f"Projection '{proj.name}'", proj.rules

    def _check_rule_reads(self, proj: Projection) -> None:
        """Variables that the projection's rules read must exist on its ends."""
        from ..plasticity.rule import readable_variables

        for k, rule in enumerate(proj.rules):
            for side, names in (("pre", rule.pre_reads), ("post", rule.post_reads)):
                allowed = readable_variables(self.populations[getattr(proj, side)])
                for name in names:
                    if name not in allowed:
                        raise ValidationError(f"Projection '{proj.name}'",
                                              f"rules[{k}] ({type(rule).__name__}).{side}_reads", name,
                                              f"must name a variable of {side} population "
                                              f"'{getattr(proj, side)}' ({', '.join(allowed)})")

    def _check_projection(self, proj: Projection) -> None:
        o = f"Projection '{proj.name}'"
        for key in ("pre", "post"):
            name = getattr(proj, key)
            if name not in self.populations:
                raise ValidationError(o, key, name, f"must name a population or input ({_names(self.populations)})")
        check_branches(self, proj)
        self._check_rule_reads(proj)
        n_pre, n_post = self.size(proj.pre), self.size(proj.post)
        conn = proj.connectivity
        if isinstance(conn, OneToOne) and n_pre != n_post:
            raise ValidationError(o, "connectivity", "OneToOne", f"needs equal sizes, got {n_pre} -> {n_post}")
        if isinstance(conn, Pairs) and len(conn.pre):
            if conn.pre.max() >= n_pre or conn.post.max() >= n_post:
                raise ValidationError(o, "connectivity", "Pairs", f"indices must be < {n_pre} (pre) and < {n_post} (post)")
        self_excluded = proj.pre == proj.post and not getattr(conn, "allow_self", True)
        k_max = n_pre - 1 if self_excluded else n_pre
        if getattr(conn, "k", 0) > k_max:
            why = " (self-connections excluded)" if self_excluded else ""
            raise ValidationError(o, "connectivity.k", conn.k, f"must be <= {k_max}{why}")

    def _check_monitor(self, mon) -> None:
        o = f"{type(mon).__name__} '{mon.name}'"
        if isinstance(mon, ModulatorMonitor):
            if mon.modulator not in self.modulators:
                raise ValidationError(o, "modulator", mon.modulator, f"must name a modulator ({_names(self.modulators)})")
            return
        if isinstance(mon, WeightMonitor):
            if mon.projection not in self.projections:
                raise ValidationError(o, "projection", mon.projection, f"must name a projection ({_names(self.projections)})")
            return
        if mon.population not in self.populations:
            raise ValidationError(o, "population", mon.population, f"must name a population ({_names(self.populations)})")
        pop = self.populations[mon.population]
        graded = isinstance(pop, (ValueInput, NoiseInput)) or getattr(getattr(pop, "model", None), "graded", False)
        if isinstance(mon, (SpikeMonitor, RateMonitor)) and graded:
            raise ValidationError(o, "population", mon.population,
                                  "must be a spiking or binary population (rate units and value inputs do not "
                                  "spike: record their output with a StateMonitor of 'r')")
        if isinstance(mon, StateMonitor):
            if not isinstance(pop, Population):
                raise ValidationError(o, "population", mon.population, "must be a neuron population (inputs have no state)")
            for var in mon.variables:
                v.choice(o, "variables", var, pop.model.state_variables)
            if mon.indices is not None and len(mon.indices) and np.max(mon.indices) >= pop.n:
                raise ValidationError(o, "indices", int(np.max(mon.indices)), f"must be < {pop.n}")


def _names(table: dict) -> str:
    return ", ".join(map(repr, table)) or "none defined"
