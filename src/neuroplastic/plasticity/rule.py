"""The plasticity rule API.

A rule is small and local (like an optax transformation): validated parameters,
the state it adds, and the compiled hooks it implements. Capabilities are marker
base classes; the engine checks them with ``isinstance``:

================  ===========================================================
capability        hooks (numba ``@njit`` functions, stored as class attributes)
================  ===========================================================
:class:`OnPre`    ``on_pre(s, i, j, t, w, st, p) -> dw`` for every synapse ``s``
                  of a spiking presynaptic neuron ``i`` (post neuron ``j``), then
                  ``pre_spike(i, t, st, p)`` once for the neuron. Optionally
                  ``before_pre(i, t, st, p)`` once before the synapses (as
                  ``before_post``: what every synapse of the spike reads).
:class:`OnPost`   ``on_post(s, i, j, t, w, st, p) -> dw`` for every synapse onto
                  a spiking postsynaptic neuron ``j``, then
                  ``post_spike(j, t, st, p)`` once. Optionally
                  ``before_post(j, t, st, p)`` once before the synapses: what
                  every synapse of the spike reads (the neuron's decayed
                  traces) computed once into the rule's per-neuron state.
:class:`Transmission` ``efficacy(s, i, j, t, st, p) -> factor``: multiplies the
                  weight delivered by that presynaptic spike (short-term
                  plasticity).
:class:`Periodic` ``every(t, w, conn, st, p)`` every ``period`` ms; may change the
                  weight array ``w`` in place.
:class:`Continuous` ``post_drive(j, t, dt, st, p) -> g`` every step for every
                  postsynaptic neuron ``j`` (end of the step, time ``t``);
                  where ``g != 0``, ``on_drive(s, i, j, t, w, g, st, p) -> dw``
                  for every synapse onto ``j`` (a weight change that runs
                  continuously in time, only while the neuron drives it).
:class:`PhaseAware` ``on_phase(phase, state)``: plain Python, called when the
                  protocol phase changes (rare), with numpy arrays; ``phase``
                  is None when the protocol leaves its phases.
================  ===========================================================

Arguments: ``t`` is the time in ms; ``w`` the synapse's current weight; ``st`` a
named tuple ``(syn, pre, post, glob, src, dst, mod)``: the state the rule
declared (per synapse, per presynaptic neuron, per postsynaptic neuron, and
global 1-element arrays), then the neuron variables it reads from the
presynaptic (``src``) and postsynaptic (``dst``) populations, then the
modulator levels it reads; ``p`` a named tuple of the
rule's parameters as floats (a mode given as a string is passed as its index in
the allowed choices).

Reading modulators: a rule lists in ``modulated_by`` the names of its fields
that hold modulator names (e.g. a field ``modulator = "dopamine"``); the hooks
read the level as ``st.mod.<field>[0]`` (a neuron rule likewise). Those fields
are not passed in ``p``.

Reading neurons: a rule lists variable names in ``pre_reads`` / ``post_reads``;
the engine passes the live per-neuron arrays as ``st.src.<name>`` /
``st.dst.<name>`` (writes go to the neurons). Any state variable of the
population's model may be named (or a block of rows it declares in
``state_blocks``, read as one ``(rows, n)`` array), plus ``"activity"``, one interface for every
kind of population: the output ``r`` of a rate unit or value of a
ValueInput, the state ``x`` of a binary unit, and for spiking neurons and spike
sources 1.0 in the step the neuron spikes and 0.0 otherwise.

Neuron rules (intrinsic plasticity) attach to a population rather than a
projection: subclass :class:`NeuronRule`, declare ``neuron_state`` and
``reads``, and implement ``on_spike(j, t, st, p)`` (:class:`OnSpike`: after
neuron ``j`` spikes or is active) and/or ``every(t, st, p)`` (:class:`Periodic`);
``st`` is ``(neuron, glob, var, mod)``. They run right after their population's
update in the step (``t`` = the step's time).

Composition: the rules of a projection run in list order; their ``dw`` add, and
the projection's weight bounds are applied once, after all of them. On a
presynaptic spike the weight is first transmitted (times every Transmission
factor), then the weight changes apply. Within one step presynaptic events are
processed before postsynaptic ones.

To write a rule: subclass :class:`Rule` as a frozen dataclass whose fields are its
parameters, declare ``constraints`` and state, and assign the hooks. Nothing in
the engine changes. See ``docs/writing-a-rule.md``.
"""
from __future__ import annotations

import dataclasses
from collections import namedtuple
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numba import njit

from ..model.spec import Choice, field_specs
from ..model.spec import check as check_fields
from ..errors import ValidationError


@dataclass(frozen=True)
class State:
    """One state variable a rule adds.

    Attributes:
        name: identifier used in kernels, e.g. ``st.pre.x``.
        init: initial value (also the value restored by ``reset``).
        unit: unit for documentation and recordings.
    """

    name: str
    init: float = 0.0
    unit: str = "1"


# --- capabilities -----------------------------------------------------------

# The default hooks are shared by every rule, so they are called with every rule's
# state types. They are deliberately not disk-cached: numba's cache index would
# record types from user modules that another process may not be able to import.
# (The generated loop's own cache includes their machine code.)
@njit
def _no_synapse_change(s, i, j, t, w, st, p):
    return 0.0


@njit
def _no_neuron_update(k, t, st, p):
    return None


class OnPre:
    """The rule reacts to presynaptic spikes (``on_pre`` and/or ``pre_spike``;
    ``before_pre`` runs first, once per spike)."""

    before_pre = _no_neuron_update
    on_pre = _no_synapse_change
    pre_spike = _no_neuron_update


class OnPost:
    """The rule reacts to postsynaptic spikes (``on_post`` and/or ``post_spike``;
    ``before_post`` runs first, once per spike)."""

    before_post = _no_neuron_update
    on_post = _no_synapse_change
    post_spike = _no_neuron_update


class Transmission:
    """The rule scales what a presynaptic spike delivers (``efficacy``)."""


class OnSpike:
    """A neuron rule reacting to its neuron's spikes (``on_spike(j, t, st, p)``)."""

    on_spike = _no_neuron_update


class Periodic:
    """The rule runs ``every(t, w, conn, st, p)`` at its field ``period`` (ms)."""


@njit
def _no_drive(j, t, dt, st, p):
    return 0.0


@njit
def _no_driven_change(s, i, j, t, w, g, st, p):
    return 0.0


class Continuous:
    """The rule changes weights in every step, as a function of the state of
    the postsynaptic neuron (voltage-based rules).

    At the end of every step (after the delivery of input, before periodic
    rules; ``t`` = the end of the step, ``dt`` its length) the engine calls
    ``post_drive(j, t, dt, st, p) -> g`` for every postsynaptic neuron ``j``
    (typically a rate of change times ``dt``). Where ``g`` is not
    0.0 it walks the synapses onto ``j`` (the column index) and adds
    ``on_drive(s, i, j, t, w, g, st, p) -> dw`` to each weight, bounded by the
    projection's ``w_min``/``w_max`` at once. The cost is one ``post_drive``
    call per postsynaptic neuron per step, plus the fan-in of the neurons
    whose drive is non-zero; a rule whose drive is zero most of the time (a
    voltage above a threshold) costs little more than a neuron kernel.
    """

    post_drive = _no_drive
    on_drive = _no_driven_change


class Structural:
    """The rule edits connectivity every ``period`` ms (field, > 0) through the
    plain-Python method ``restructure(t, edit, rng)``, called between compiled
    chunks (see ``neuroplastic.plasticity.structural`` and docs/structural.md)."""

    def restructure(self, t: float, edit, rng) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class PhaseAware:
    """The rule reacts to protocol phase changes through ``on_phase`` (the phase's
    name, or None outside every phase; docs/memory.md, "Offline phases")."""

    def on_phase(self, phase: str | None, state) -> None:  # pragma: no cover - interface
        raise NotImplementedError


# --- the base class ---------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """Base class of plasticity rules (use a subclass).

    Class attributes a subclass declares:
        constraints: field name -> keyword bounds for a number (``dict(gt=0,
            unit="ms")``; ``time_constant=True`` marks a time constant that
            ``Model.validate`` compares with dt), a tuple of allowed strings (a
            mode), or a :class:`neuroplastic.model.spec.Spec`. Every parameter is
            one number: arrays, text without a unit, bytes and Decimals are
            refused; a quantity such as ``"20 ms"`` is converted to the declared
            unit. Undeclared fields are plain numbers (+-inf allowed).
        synapse_state, pre_state, post_state, global_state: tuples of
            :class:`State`.
        prefetch_on_post: names of ``synapse_state`` fields that ``on_post``
            reads at its synapse ``s``; the column walk prefetches them
            (engine/prefetch.py; the values are unchanged).
        local_writes: True when ``on_pre`` and ``efficacy`` write only synapse
            ``s``'s state, ``before_pre`` / ``pre_spike`` only neuron ``i``'s presynaptic state,
            ``before_post`` / ``post_spike`` only neuron ``j``'s postsynaptic
            state and ``on_post`` only synapse ``s``'s, and no hook reads state
            that another hook of the same side writes for another synapse or
            neuron; with several threads the engine may then walk the spiking
            neurons' rows and columns in blocks (engine/threads.py). Default False.
    """

    constraints: ClassVar[dict] = {}
    synapse_state: ClassVar[tuple] = ()
    pre_state: ClassVar[tuple] = ()
    post_state: ClassVar[tuple] = ()
    global_state: ClassVar[tuple] = ()
    pre_reads: ClassVar[tuple] = ()
    post_reads: ClassVar[tuple] = ()
    modulated_by: ClassVar[tuple] = ()
    prefetch_on_post: ClassVar[tuple] = ()
    local_writes: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for kind in ("synapse_state", "pre_state", "post_state", "global_state"):
            names = [s.name for s in getattr(cls, kind)]
            nt = _named_tuple(cls, f"{kind.split('_')[0].capitalize()}State", names)
            setattr(cls, f"_{kind}_type", nt)
        cls._src_type = _named_tuple(cls, "PreVariables", list(cls.pre_reads))
        cls._dst_type = _named_tuple(cls, "PostVariables", list(cls.post_reads))
        cls._mod_type = _named_tuple(cls, "Modulators", list(cls.modulated_by))
        cls._state_type = _named_tuple(cls, "RuleState", ["syn", "pre", "post", "glob", "src", "dst", "mod"])
        cls.Params = _ParamsType()

    def __post_init__(self):
        owner = type(self).__name__
        if isinstance(self, (Periodic, Structural)) and "period" not in {f.name for f in dataclasses.fields(self)}:
            raise ValidationError(owner, "period", None, "must be a field (ms, > 0) of a periodic or structural rule")
        check_fields(self, owner)

    def weight_ceiling(self) -> float | None:
        """The weight the rule itself bounds weights by (a soft bound it uses),
        or None; a projection warns when its ``w_max`` is below it."""
        return None

    # -- what the engine asks of a rule --------------------------------------
    def kernel_params(self):
        """Parameters as a named tuple of floats (modes as their index)."""
        values, specs = [], field_specs(self)
        for f in _param_fields(self):
            value, spec = getattr(self, f.name), specs[f.name]
            values.append(float(spec.options.index(value)) if isinstance(spec, Choice) else float(value))
        return type(self).Params(*values)

    def new_state(self, n_synapses: int, n_pre: int, n_post: int, src=None, dst=None, mod=None):
        """Fresh state arrays: per synapse (capacity), per pre/post neuron, global;
        ``src`` / ``dst`` map the names in ``pre_reads`` / ``post_reads`` to the
        live arrays of the populations, ``mod`` the fields in ``modulated_by`` to
        1-element views of modulator levels (the engine supplies them)."""
        cls = type(self)
        make = lambda decl, n: [np.full(n, s.init, dtype=np.float64) for s in decl]
        src, dst = src or {}, dst or {}
        mod = mod or {f: np.zeros(1) for f in cls.modulated_by}
        return cls._state_type(
            cls._synapse_state_type(*make(cls.synapse_state, n_synapses)),
            cls._pre_state_type(*make(cls.pre_state, n_pre)),
            cls._post_state_type(*make(cls.post_state, n_post)),
            cls._global_state_type(*make(cls.global_state, 1)),
            cls._src_type(*[src[name] for name in cls.pre_reads]),
            cls._dst_type(*[dst[name] for name in cls.post_reads]),
            cls._mod_type(*[mod[f] for f in cls.modulated_by]),
        )

    @classmethod
    def source_fingerprint(cls) -> str:
        """Identity and hook sources of the rule, for the compiled-kernel cache key:
        the whole module of each hook (helper kernels beside it count; kernels a
        user's hook imports from another of their modules do not: see
        docs/writing-a-rule.md). The module and qualified name are included because
        the compiled loop's signature refers to the rule's state types by that name.
        """
        from ..engine.cache import module_source

        parts = [f"{cls.__module__}.{cls.__qualname__}"]
        for hook in ("before_pre", "on_pre", "pre_spike", "before_post", "on_post", "post_spike", "efficacy", "every",
                     "on_spike", "post_drive", "on_drive"):
            py = getattr(getattr(cls, hook, None), "py_func", None)
            if py is not None:
                parts.append(module_source(py))   # the hook and the helper kernels beside it
        return "\n".join(dict.fromkeys(parts))


def _param_fields(rule):
    """The dataclass fields passed to kernels (modulator names are bound, not passed)."""
    cls = rule if isinstance(rule, type) else type(rule)
    return [f for f in dataclasses.fields(cls) if f.name not in cls.modulated_by]


class _ParamsType:
    """``<Rule>.Params``, the named tuple of a rule's kernel parameters, made on
    first access: its fields are the dataclass fields, which exist only once
    ``@dataclass`` has run, after ``__init_subclass__``. Every rule class gets
    its own descriptor, so ``<Rule>.Params`` resolves in any process (pickle and
    the kernel cache find parameter tuples by that name) before any
    ``kernel_params`` call."""

    def __get__(self, obj, owner):
        return _named_tuple(owner, "Params", [f.name for f in _param_fields(owner)])


def readable_variables(part) -> tuple[str, ...]:
    """Names a rule may read from a population or input: its state variables
    (neuron populations only) and ``"activity"``."""
    model = getattr(part, "model", None)
    return (tuple(model.state_variables) + tuple(model.state_blocks) if model is not None else ()) + ("activity",)


def check_neuron_rule(owner: str, field: str, rule, model) -> None:
    """Validate a population's rule: a NeuronRule whose reads exist on ``model``."""
    if not isinstance(rule, NeuronRule):
        raise ValidationError(owner, field, type(rule).__name__,
                              "must be a neuron rule (a NeuronRule subclass, e.g. AdaptiveThreshold); "
                              "synaptic rules belong on a Projection")
    if not isinstance(rule, (OnSpike, Periodic)):
        raise ValidationError(owner, field, type(rule).__name__, "must implement OnSpike and/or Periodic")
    allowed = tuple(model.state_variables) + tuple(model.state_blocks) + ("activity",)
    for name in rule.reads:
        if name not in allowed:
            raise ValidationError(owner, f"{field} ({type(rule).__name__}).reads", name,
                                  f"must name a variable of the neuron model {type(model).__name__} "
                                  f"({', '.join(allowed)})")


def _named_tuple(owner: type, name: str, fields: list[str]):
    """A named tuple class reachable as ``owner.<name>`` (so numba can pickle it)."""
    nt = namedtuple(name, fields)
    nt.__module__ = owner.__module__
    nt.__qualname__ = f"{owner.__qualname__}.{name}"
    setattr(owner, name, nt)
    return nt


@dataclass(frozen=True)
class NeuronRule(Rule):
    """Base class of neuron (intrinsic-plasticity) rules, attached to a population.

    Class attributes a subclass declares:
        neuron_state: tuple of :class:`State`, one value per neuron.
        global_state: tuple of :class:`State`, 1-element arrays.
        reads: names of the population's variables the rule reads or writes
            (state variables of its model, or ``"activity"``).

    Hooks: ``on_spike(j, t, st, p)`` (:class:`OnSpike`) and ``every(t, st, p)``
    (:class:`Periodic`), with ``st = (neuron, glob, var)``.
    """

    neuron_state: ClassVar[tuple] = ()
    reads: ClassVar[tuple] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._neuron_state_type = _named_tuple(cls, "NeuronState", [s.name for s in cls.neuron_state])
        cls._var_type = _named_tuple(cls, "Variables", list(cls.reads))
        cls._state_type = _named_tuple(cls, "RuleState", ["neuron", "glob", "var", "mod"])

    def new_state(self, n: int, variables: dict, mod=None):
        """Fresh state: per neuron, global, the live population ``variables`` and
        the modulator levels named by the fields in ``modulated_by``."""
        cls = type(self)
        make = lambda decl, k: [np.full(k, s.init, dtype=np.float64) for s in decl]
        mod = mod or {f: np.zeros(1) for f in cls.modulated_by}
        return cls._state_type(cls._neuron_state_type(*make(cls.neuron_state, n)),
                               cls._global_state_type(*make(cls.global_state, 1)),
                               cls._var_type(*[variables[name] for name in cls.reads]),
                               cls._mod_type(*[mod[f] for f in cls.modulated_by]))


def rule_capabilities(rule: Rule) -> list[str]:
    """Names of the capabilities a rule has, for messages and docs."""
    caps = (OnPre, OnPost, Transmission, Periodic, PhaseAware, OnSpike, Structural, Continuous)
    return [c.__name__ for c in caps if isinstance(rule, c)]


def check_rule(owner: str, field: str, rule) -> None:
    """Validate that ``rule`` is a Rule instance with at least one capability."""
    if not isinstance(rule, Rule):
        raise ValidationError(owner, field, rule, "must be a plasticity Rule instance")
    if isinstance(rule, NeuronRule):
        raise ValidationError(owner, field, type(rule).__name__,
                              "is a neuron rule: put it in the postsynaptic Population's rules")
    if not rule_capabilities(rule):
        raise ValidationError(owner, field, type(rule).__name__,
                              "must implement at least one of OnPre, OnPost, Transmission, Periodic, PhaseAware, "
                              "Structural, Continuous")
