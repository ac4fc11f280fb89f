"""Build the initial arrays of a network from a validated model (numpy, once)."""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

import numpy as np

from . import branches, connect, kinds, memory
from .codegen import PopSpec, ProjSpec
from .limits import to_steps
from .random import seed_state
from .synapses import SynapseStore, build_store
from ..model.distributions import draw
from ..errors import ValidationError
from ..plasticity.dendritic import DendriticRule
from ..plasticity.rule import Periodic

Connections = namedtuple("Connections", ["pre", "post", "alive", "row_start", "row_len"])
Connections.__doc__ = "Synapse endpoints passed to Periodic rules' ``every`` hook."


@dataclass
class PopArrays:
    """Arrays of one population or input."""

    spec: PopSpec
    name: str
    n: int
    arrays: dict = field(default_factory=dict)   # kernel argument suffix -> array
    state_names: tuple = ()
    activity_name: str | None = None             # state row that is the activity
    model: object = None                         # the neuron model (None for inputs)
    rule_states: list = field(default_factory=list)
    rule_params: list = field(default_factory=list)
    rule_periods: list = field(default_factory=list)

    def variable(self, name: str) -> np.ndarray:
        """Live per-neuron array of a state variable or of ``"activity"``.

        Asking for the activity of a spiking population switches on its
        maintenance (1.0 in the step a neuron spikes, else 0.0).
        """
        if name == "activity":
            if self.activity_name is not None:
                return self.arrays["state"][self.state_names.index(self.activity_name)]
            if not self.spec.graded:   # graded inputs write act themselves
                self.spec.track_activity = True
            return self.arrays["act"]
        block = self.model.state_blocks.get(name) if self.model is not None else None
        if block:   # consecutive rows (one per dendritic branch) as one (rows, n) view
            first = self.state_names.index(block[0])
            return self.arrays["state"][first:first + len(block)]
        return self.arrays["state"][self.state_names.index(name)]

    def argument(self, suffix: str):
        """The array passed to the loop as ``P<k>_<suffix>``
        (:func:`~neuroplastic.engine.codegen.population_arguments`)."""
        return self.variable("activity") if suffix == "act" else self.arrays[suffix]


@dataclass
class ProjArrays:
    """Arrays of one projection and of its rules."""

    spec: ProjSpec
    name: str
    store: SynapseStore
    rule_states: list = field(default_factory=list)
    rule_params: list = field(default_factory=list)
    rule_periods: list = field(default_factory=list)


def build_population(index: int, part, dt: float, rng: np.random.Generator) -> PopArrays:
    """Arrays for a neuron population or an input, as its registered kind packs them."""
    kind = kinds.kind_for(part)
    if isinstance(kind, kinds.NeuronKind):
        return _neuron_population(index, part, kind, dt, rng)
    arrays = {"spk": np.zeros(part.n, np.int64), **kind.pack(part, dt), "act": np.zeros(part.n)}
    if not kind.graded:
        arrays.update(nact=np.zeros(1, np.int64), cnt=np.zeros(part.n, np.int64))
    spec = PopSpec(index, kind, kind.kernel(part), graded=kind.graded)
    return PopArrays(spec, part.name, part.n, arrays)


def _neuron_population(index: int, part, kind, dt: float, rng: np.random.Generator) -> PopArrays:
    """State rows from the model's initial values, the kind's coefficient
    table, and the bookkeeping arrays every neuron population has."""
    model, n = part.model, part.n
    par = kind.coefficient_table(model, n, dt, f"Population '{part.name}'")
    names = model.state_variables
    init = {**model.default_initial(), **part.initial}
    state = np.vstack([draw(init.get(v, 0.0), rng, n) for v in names])
    rows = tuple(names.index(s) for s in model.synaptic_variables)
    spec = PopSpec(index, kind, kind.kernel(model), channel_rows=rows, graded=model.graded,
                   instant_input=model.graded or bool(getattr(model, "same_step_input", False)),
                   branch_rows=branches.row_tables(model))
    arrays = dict(spk=np.zeros(n, np.int64), state=state, par=par,
                  ref=np.zeros(n, np.int64), work=np.zeros((4, n)),
                  act=np.zeros(n), nact=np.zeros(1, np.int64), cnt=np.zeros(n, np.int64),
                  alive=np.ones(n, np.bool_), ndead=np.zeros(1, np.int64))
    return PopArrays(spec, part.name, n, arrays, names, activity_name=model.activity_variable, model=model)


def build_projection(index, proj, pops: dict, dt, rng, headroom, mods=None, seed: int = 0) -> ProjArrays:
    """Synapses, delays, dendritic branches and rule state of one projection."""
    pre, post = pops[proj.pre], pops[proj.post]
    i, j = connect.pairs(proj.connectivity, pre.n, post.n, proj.pre == proj.post, rng)
    for field in ("weight", "delay"):
        value = getattr(proj, field)
        if np.ndim(value) == 1 and len(value) != len(i):
            raise ValidationError(f"Projection '{proj.name}'", field, f"{len(value)} values",
                                  f"must be a scalar, a distribution or one value per synapse ({len(i)})")
    w = np.clip(draw(proj.weight, rng, len(i)), proj.w_min, proj.w_max)
    d = np.atleast_1d(to_steps(draw(proj.delay, rng, len(i)), dt))
    k = len(post.spec.branch_rows[0]) if post.spec.branch_rows else 0
    b = branches.branches_for(proj, index, seed, k, i, np.arange(len(i)), pre.n, build=True)
    store = build_store(i, j, w, d, pre.n, post.n, headroom=headroom, branch=b)
    channel = 0 if proj.receptor == "exc" else 1
    deliver = post.spec.neuron
    direct = deliver and int(d.max(initial=0)) == 0
    spec = ProjSpec(index, pre.spec.index, post.spec.index, channel, deliver=deliver,
                    row=post.spec.channel_rows[channel] if deliver else -1, direct=direct,
                    rules=list(proj.rules), graded_pre=pre.spec.graded,
                    instant=direct and post.spec.instant_input and pre.spec.index < post.spec.index,
                    branched=deliver and proj.branch is not None)
    out = ProjArrays(spec, proj.name, store)
    for rule in proj.rules:
        src = {name: pre.variable(name) for name in rule.pre_reads}
        dst = {name: post.variable(name) for name in rule.post_reads}
        mod = mods.views_for(rule) if mods is not None else None
        out.rule_states.append(rule.new_state(store.capacity, pre.n, post.n, src, dst, mod))
        params, steps = _params_and_period(rule, dt, post.model)
        out.rule_params.append(params)
        out.rule_periods.append(steps)
    return out


def _params_and_period(rule, dt, post_model=None):
    """A rule's kernel parameters and, for Periodic rules, its period in steps
    (``params.period`` becomes the period actually used, in ms). A dendritic
    rule takes parameters of its postsynaptic model too (``plasticity/dendritic.py``)."""
    params = rule.kernel_params_for(post_model, dt) if isinstance(rule, DendriticRule) else rule.kernel_params()
    steps = None
    if isinstance(rule, Periodic):
        steps = to_steps(rule.period, dt, minimum=1)
        params = params._replace(period=float(steps * dt))
    return params, steps


def neuron_rules(pop: PopArrays, part, dt, mods=None) -> None:
    """State, parameters and periods of a population's neuron rules."""
    pop.spec.rules = list(getattr(part, "rules", ()))
    for rule in pop.spec.rules:
        mod = mods.views_for(rule) if mods is not None else None
        pop.rule_states.append(rule.new_state(pop.n, {name: pop.variable(name) for name in rule.reads}, mod))
        params, steps = _params_and_period(rule, dt)
        pop.rule_params.append(params)
        pop.rule_periods.append(steps)


def connections(store: SynapseStore) -> Connections:
    """The Connections tuple viewing a store's arrays (no copies)."""
    return Connections(store.pre, store.post, store.alive, store.row_start, store.row_len)


def delay_buffers(pops: list[PopArrays], projs: list[ProjArrays]) -> None:
    """Allocate one ring buffer per (population, channel) that receives delayed input.

    Projections whose delays are all zero add directly into the target's
    synaptic variable and need no buffer; projections onto dendritic branches
    have buffers of their own (``engine/branches.py``).
    """
    depth = {}
    for pj in projs:
        if pj.spec.deliver and not pj.spec.direct and not pj.spec.branched:
            key = (pj.spec.post, pj.spec.channel)
            d = int(pj.store.delay[pj.store.alive].max(initial=0))
            depth[key] = max(depth.get(key, 1), d + 1)
    for p in pops:
        channels = tuple(c for c in (0, 1) if (p.spec.index, c) in depth)
        p.spec.buffered = channels
        for c in channels:
            memory.check_array((2, depth[(p.spec.index, c)], p.n), "Network", "delay",
                               f"a delay buffer of {depth[(p.spec.index, c)]} steps x {p.n} neurons for '{p.name}'")
            p.arrays[f"B{c}"] = np.zeros((depth[(p.spec.index, c)], p.n))


def rng_state(seed: int) -> np.ndarray:
    """The kernel's random generator state for a seed."""
    return seed_state(seed, stream=1)


def start_inputs(pops: list[PopArrays], rng_arr: np.ndarray) -> None:
    """Let each input kind that draws from the loop's random state start
    (a Poisson source's first candidate), in population order."""
    for p in pops:
        if isinstance(p.spec.kind, kinds.InputKind) and p.spec.kind.start is not None:
            p.spec.kind.start(p.arrays, rng_arr, p.n)
