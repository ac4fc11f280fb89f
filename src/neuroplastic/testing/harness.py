"""The small driving networks the checks run.

A rule is checked on a network of a few *copies*: an input ``x`` drives
populations ``n0, n1, ...`` through projections ``p0, p1, ...`` that share
one fixed random layout (the same synapses, the same initial weights), so the
copies see identical input and differ only in their rules. A synaptic rule
sits on the projections (``p0: [rule]``, ``p1: [rule, Identity]``,
``p2: [Identity, rule]``), a neuron rule on the populations. Every check of a
rule builds this same structure, so its kernel is compiled once.

What drives the network follows from the rule (:func:`drive_for`): spiking
LIF neurons fed by Poisson inputs by default; rate units fed by graded values
for rules that read ``"activity"`` (Oja, BCM) or rate-unit variables
(TrieschIP); binary units when a Case asks for them. Modulators the rules
read are added, with two scheduled releases, so three-factor and gated rules
see their third factor.

Sizes and times are small on purpose (20 inputs, 8 neurons per copy,
300 ms): the checks are contracts, not experiments.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..engine import Network
from ..model import (BinaryUnit, LIF, Model, Modulator, Pairs, PoissonInput, Population, Projection,
                     RateUnit, SpikeMonitor, StateMonitor, ValueInput)
from ..model.neurons import NeuronModel
from ..plasticity.dendritic import DendriticRule
from ..plasticity.rule import NeuronRule, OnPost, OnPre, OnSpike, Rule
from .cases import Case

N_IN, N_OUT, P_CONNECT = 20, 8, 0.5
LAYOUT_SEED = 1234
RELEASE_TIMES = (60.0, 160.0)   # ms: modulator releases during every run


@dataclass(frozen=True)
class IdentityRule(Rule, OnPre, OnPost):
    """A synaptic rule that reacts to every spike and changes nothing."""


@dataclass(frozen=True)
class IdentityNeuronRule(NeuronRule, OnSpike):
    """A neuron rule that reacts to every spike and changes nothing."""


@dataclass(frozen=True)
class Drive:
    """How a harness drives its populations.

    Attributes:
        model: neuron model of every population.
        dt: time step (ms).
        weight: mean initial weight (each synapse: weight times U(0.5, 1.5)).
        w_max: upper weight bound (the lower is 0).
        rate: rate of the Poisson inputs (Hz); graded inputs take values in [0, 1).
        duration: length of a run (ms).
    """

    model: NeuronModel
    dt: float
    weight: float
    w_max: float
    rate: float = 50.0
    duration: float = 300.0

    @property
    def graded(self) -> bool:
        return bool(self.model.graded)


SPIKING = Drive(LIF(synapse="current", t_ref=2.0), dt=0.1, weight=150.0, w_max=300.0)
RATE = Drive(RateUnit("relu"), dt=1.0, weight=0.5, w_max=1.0)
SIGMOID = Drive(RateUnit("sigmoid"), dt=1.0, weight=0.5, w_max=1.0)
BINARY = Drive(BinaryUnit(threshold=0.5), dt=1.0, weight=0.4, w_max=1.0)


def drive_for(case: Case) -> Drive:
    """The drive for a rule: the Case's ``model`` if given, else the first
    harness whose neurons have every variable the rule reads (rules reading
    ``"activity"`` try rate units first: they are rate-based rules)."""
    if case.model is not None:
        base = RATE if case.model.graded else BINARY if case.model.activity_variable else SPIKING
        drive = replace(base, model=case.model)
    else:
        rule = case.obj
        needs = set(rule.reads) if isinstance(rule, NeuronRule) else set(rule.pre_reads) | set(rule.post_reads)
        if isinstance(rule, NeuronRule):
            order = (SPIKING, SIGMOID, BINARY)
        else:
            order = (RATE, SPIKING, BINARY) if "activity" in needs else (SPIKING, RATE, BINARY)
        found = [d for d in order if needs <= set(d.model.state_variables) | {"activity"}]
        if not found:
            raise ValueError(f"{case.label}: no harness population has the variables {sorted(needs)}; "
                             f"give one: Case(rule, model=...)")
        drive = found[0]
    return drive if case.weight is None else replace(drive, weight=float(case.weight))


def layout(n_pre: int, n_post: int, p: float, weight: float):
    """A fixed random layout: (pre, post, weights); every post neuron gets input."""
    rng = np.random.default_rng(LAYOUT_SEED)
    mask = rng.random((n_pre, n_post)) < p
    mask[rng.integers(0, n_pre, n_post), np.arange(n_post)] = True
    pre, post = np.nonzero(mask)
    return pre.astype(np.int64), post.astype(np.int64), weight * rng.uniform(0.5, 1.5, len(pre))


def source(name: str, n: int, drive: Drive, driven: bool):
    """Poisson inputs (spiking, binary) or graded values in [0, 1) (rate units);
    silent (rate 0, values 0) when not ``driven``. Same structure either way."""
    if drive.graded:
        values = np.random.default_rng(LAYOUT_SEED + 1).random((50, n))
        return ValueInput(name, values if driven else np.zeros((50, n)), interval=drive.dt)
    return PoissonInput(name, n, rate=drive.rate if driven else 0.0)


def observer(population: str, model: NeuronModel):
    """What is recorded of a population: spikes, or the activity of graded units."""
    if model.graded:
        return StateMonitor(population, (model.activity_variable,), interval=1.0)
    return SpikeMonitor(population)


def modulators(rules) -> list[Modulator]:
    """One modulator per name the rules read (fields listed in ``modulated_by``)."""
    names = sorted({getattr(r, f) for r in rules for f in type(r).modulated_by})
    return [Modulator(n, tau=50.0, release_times=RELEASE_TIMES, release_amounts=1.0) for n in names]


def presynaptic(case: Case) -> str:
    """The population the harness projections start from: the input ``x``, or a
    population ``pre`` driven by it when the Case gives neuron rules to carry."""
    return "pre" if case.neuron_rules and not isinstance(case.obj, NeuronRule) else "x"


def rule_model(case: Case, copies, driven: bool) -> Model:
    """The harness model for ``case`` with one copy per rule list in ``copies``
    (synaptic rules on the projections, neuron rules on the populations)."""
    drive = drive_for(case)
    neuron_rule = isinstance(case.obj, NeuronRule)
    discrete = drive.model.graded or drive.model.activity_variable is not None   # rate or binary units
    m = Model(dt=drive.dt, max_rate=None if discrete else 1000.0)
    m.add(source("x", N_IN, drive, driven))
    pre_name = presynaptic(case)
    if pre_name == "pre":     # the rule reads the neuron rules of its presynaptic neurons
        m.add(Population("pre", N_IN, drive.model, rules=case.neuron_rules))
        i, j, w = layout(N_IN, N_IN, P_CONNECT, drive.weight)
        m.add(Projection("drive", "x", "pre", Pairs(i, j), weight=w))
    every_rule = list(case.neuron_rules)
    i, j, w = layout(N_IN, N_OUT, P_CONNECT, drive.weight)
    for k, rules in enumerate(copies):
        every_rule += rules
        pop_rules = rules if neuron_rule else case.neuron_rules
        m.add(Population(f"n{k}", N_OUT, drive.model, rules=tuple(pop_rules)))
        m.add(Projection(f"p{k}", pre_name, f"n{k}", Pairs(i, j), weight=w, w_min=0.0, w_max=drive.w_max,
                         rules=() if neuron_rule else tuple(rules), branch=branch_for(case)))
        m.add(observer(f"n{k}", drive.model))
    for mod in modulators(every_rule):
        m.add(mod)
    return m


def branch_for(case: Case):
    """Where the harness synapses land: dendritic branch 0 for a dendritic rule
    (``plasticity/dendritic.py``), else the soma."""
    return 0 if isinstance(case.obj, DendriticRule) else None


def rule_network(case: Case, copies, driven: bool = True, seed: int = 0) -> Network:
    """A built (not yet run) harness network; see :func:`rule_model`."""
    return Network(rule_model(case, copies, driven), seed=seed)


def duration(case: Case) -> float:
    """How long a rule's harness runs (ms)."""
    return drive_for(case).duration
