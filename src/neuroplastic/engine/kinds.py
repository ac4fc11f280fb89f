"""Population kinds: one registered entry per kind of population the loop can advance.

An entry binds a description class of the model layer (a
:class:`~neuroplastic.model.neurons.NeuronModel` subclass, or an input class
such as :class:`~neuroplastic.model.inputs.PoissonInput`) to what the engine
needs to run it:

* its compiled kernel(s): numba functions, bound as globals of the generated
  step loop (as rule hooks are), never imported by name;
* its packing: the arrays a population of ``n`` starts with, computed once
  from the description and ``dt`` (for neurons the per-neuron coefficient
  table ``par``; their state rows come from the model's ``state_variables``
  and initial values, the same for every neuron kind);
* its argument names: ONE tuple of array suffixes from which both the loop's
  signature (:func:`neuroplastic.engine.codegen.argument_names`) and the call
  (``Network._arguments``) are made, so the two cannot disagree;
* how the loop calls the kernel: the tuple of names passed to it.

Entries are found by the description's type along its MRO, so a subclass of a
registered model runs with its parent's kernel. The built-in kinds register
themselves in ``engine/neurons.py`` and ``engine/inputs.py``; users register
theirs with :func:`register_neuron_kind` (docs/writing-a-neuron.md). The rest
of the engine tells only neuron populations from inputs (``isinstance`` of
:class:`NeuronKind`); no other code branches on a particular kind.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np
from numba.core.dispatcher import Dispatcher

from ..errors import ValidationError
from ..model.neurons import NeuronModel

#: Names of the step loop a kernel call may pass besides the population's
#: arrays: the step index, the time (ms), the loop's random state and the
#: one-element array receiving the index of a neuron that became non-finite.
LOOP_NAMES = ("n", "t", "rng", "bad")


@dataclass(frozen=True, eq=False)
class Kind:
    """A registered population kind (see the module doc).

    Attributes:
        serves: the description class.
        kernels: variant name -> numba kernel.
        arrays: suffixes of the kind's own arrays passed to the loop, in order.
        call: the kernel's arguments: loop names (:data:`LOOP_NAMES`) or array
            suffixes (the kind's, or ``spk``/``act``).
        variant: description -> key of ``kernels`` (None: the only kernel).
    """

    serves: type
    kernels: dict
    arrays: tuple
    call: tuple
    variant: Callable | None = None

    def kernel(self, description) -> Dispatcher:
        """The kernel that advances a population of ``description``."""
        if self.variant is None:
            return next(iter(self.kernels.values()))
        key = self.variant(description)
        if key not in self.kernels:
            raise ValidationError(self.serves.__name__, "variant", key,
                                  f"must be one of {', '.join(map(repr, self.kernels))} (a kernel of the kind)")
        return self.kernels[key]

    def fingerprint(self, kernel: Dispatcher) -> str:
        """Identity and source of one of the kind's kernels (its whole module, so
        helper kernels beside it count), for the compiled-loop cache key: editing
        a kernel recompiles, as editing a rule hook does."""
        from .cache import module_source

        fn = kernel.py_func
        return "\n".join([f"{self.serves.__module__}.{self.serves.__qualname__}", module_source(fn)])


@dataclass(frozen=True, eq=False)
class InputKind(Kind):
    """An input (a source without membrane).

    Attributes:
        pack: ``(description, dt) -> dict`` of the kind's arrays (``spk`` may
            be included to size the spike list otherwise than ``n``).
        graded: synapses carry ``w * act`` every step (no spikes).
        start: ``(arrays, rng_state, n)``, called in population order once the
            loop's random state exists (a Poisson source draws its first spike).
    """

    pack: Callable = None
    graded: bool = False
    start: Callable | None = None


@dataclass(frozen=True, eq=False)
class NeuronKind(Kind):
    """A neuron model: a kernel with the standard neuron signature.

    Attributes:
        pack: ``(model, n, dt) -> par``, the coefficient table: float64 of shape
            ``(n, k)`` (one row per neuron) or ``(1, k)`` (shared by all).
        coefficients: the widest ``k`` that ``pack`` returns (memory estimate),
            or ``model -> k`` when the width depends on the model (dendritic
            neurons: one block of columns per branch).
        refractory: the column of ``par`` that holds the refractory period in
            steps (the runaway limit, ``engine/runaway.py``), or None.
    """

    pack: Callable = None
    coefficients: int | Callable = 1
    refractory: int | None = None

    #: The arrays every neuron population passes, and the kernel's arguments.
    ARRAYS: ClassVar[tuple] = ("state", "par", "ref", "work", "alive", "ndead")
    CALL: ClassVar[tuple] = ("state", "par", "ref", "work", "spk", "bad")

    def width(self, model) -> int:
        """The widest coefficient table of ``model`` (columns)."""
        return self.coefficients(model) if callable(self.coefficients) else self.coefficients

    def coefficient_table(self, model, n: int, dt: float, owner: str) -> np.ndarray:
        """``pack``'s table for ``n`` neurons, checked (C-contiguous float64)."""
        par = self.pack(model, n, dt)
        if not (isinstance(par, np.ndarray) and par.dtype == np.float64 and par.ndim == 2
                and par.shape[0] in (1, n) and 1 <= par.shape[1] <= self.width(model)):
            shown = f"{par.dtype} array of shape {par.shape}" if isinstance(par, np.ndarray) else type(par).__name__
            raise ValidationError(owner, f"model ({type(model).__name__}) coefficient table", shown,
                                  f"must be a float64 array of shape (1, k) or ({n}, k) with 1 <= k <= "
                                  f"{self.width(model)} (what pack returns)")
        return np.ascontiguousarray(par)

    def refractory_steps(self, par: np.ndarray):
        """Refractory steps per neuron (or one shared value), None without a refractory period."""
        return None if self.refractory is None else par[:, self.refractory]


def coefficient_rows(n: int, *columns) -> np.ndarray:
    """A coefficient table from one value per column, each a scalar or one value
    per neuron: neuron-major ``(n, k)``, one neuron's coefficients contiguous in
    memory. When all neurons share the same coefficients it keeps a single row
    ``(1, k)``, which kernels detect (``par.shape[0] == 1``); this cuts memory
    traffic per neuron-step about fourfold."""
    table = np.vstack([np.broadcast_to(np.asarray(x, dtype=float), (n,)) for x in columns]).T
    if n > 1 and np.all(table == table[0]):
        table = table[:1]
    return np.ascontiguousarray(table)


_REGISTRY: dict[type, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (the built-ins call this; users call :func:`register_neuron_kind`)."""
    owner = f"kind of {getattr(kind.serves, '__name__', kind.serves)}"
    if kind.serves in _REGISTRY:
        raise ValidationError(owner, "model", kind.serves.__name__,
                              "is registered already (one kind per class: subclass it to give it another kernel)")
    for name, fn in kind.kernels.items():
        _check_kernel(owner, f"kernel {name!r}" if len(kind.kernels) > 1 else "kernel", fn, len(kind.call))
    unknown = [a for a in kind.call if a not in LOOP_NAMES + kind.arrays + ("spk", "act")]
    if unknown:
        raise ValidationError(owner, "call", unknown, f"must name loop values {LOOP_NAMES} or arrays of the kind")
    _REGISTRY[kind.serves] = kind
    return kind


def register_neuron_kind(model: type, kernel, pack: Callable, *, coefficients: int,
                         refractory: int | None = None, variant: Callable | None = None) -> NeuronKind:
    """Make a neuron model runnable: its kernel(s) and its coefficient packing.

    Args:
        model: the description, a frozen dataclass subclass of ``NeuronModel``.
        kernel: a numba ``@njit`` function ``(state, par, ref, work, spk, bad) ->
            count`` (docs/writing-a-neuron.md), or a dict of them chosen by ``variant``.
        pack: ``(model, n, dt) -> par``, the float64 coefficient table,
            shape ``(n, k)`` or ``(1, k)``.
        coefficients: the widest ``k`` that ``pack`` returns, or a function
            ``model -> k`` when it depends on the model.
        refractory: the column of ``par`` holding the refractory period in
            steps (None: the model has none).
        variant: ``model -> key`` of the ``kernel`` dict (needed for a dict of several).

    Raises ValidationError naming the field (a missing or non-numba kernel, a
    model whose state lacks its synaptic rows, a second registration, ...).
    Returns the registered :class:`NeuronKind`.
    """
    owner = f"register_neuron_kind({getattr(model, '__name__', model)!r})"
    _check_model_class(owner, model)
    kernels = dict(kernel) if isinstance(kernel, dict) else {"step": kernel}
    if len(kernels) > 1 and variant is None:
        raise ValidationError(owner, "variant", None, "must choose among several kernels (model -> key)")
    if not callable(pack):
        raise ValidationError(owner, "pack", pack, "must be a function (model, n, dt) -> coefficient table")
    if not callable(coefficients) and (isinstance(coefficients, bool) or not isinstance(coefficients, int)
                                       or coefficients < 1):
        raise ValidationError(owner, "coefficients", coefficients,
                              "must be an integer >= 1 (columns of par) or a function model -> columns")
    if refractory is not None and (isinstance(refractory, bool) or not isinstance(refractory, int) or refractory < 0
                                   or (not callable(coefficients) and refractory >= coefficients)):
        raise ValidationError(owner, "refractory", refractory,
                              f"must be None or a column of par (0 .. {coefficients - 1})")
    kind = NeuronKind(model, kernels, NeuronKind.ARRAYS, NeuronKind.CALL, variant, pack, coefficients, refractory)
    default = _default_instance(model)
    if default is not None:
        check_description(default, owner)
    return register(kind)


def _check_model_class(owner: str, model) -> None:
    if not (isinstance(model, type) and issubclass(model, NeuronModel) and model is not NeuronModel):
        raise ValidationError(owner, "model", model, "must be a subclass of neuroplastic.model.NeuronModel")
    params = model.__dict__.get("__dataclass_params__")   # set by @dataclass on the class itself
    if params is None or not params.frozen:
        raise ValidationError(owner, "model", model.__name__, "must be a frozen dataclass (@dataclass(frozen=True))")


def _check_kernel(owner: str, field: str, fn, arity: int) -> None:
    if not isinstance(fn, Dispatcher):
        raise ValidationError(owner, field, fn, "must be a numba function (decorate it with @numba.njit)")
    params = inspect.signature(fn.py_func).parameters
    if len(params) != arity:
        raise ValidationError(owner, field, f"{fn.py_func.__name__}({', '.join(params)})",
                              f"must take {arity} arguments")


def _default_instance(model: type):
    """The model with its defaults, or None when some field has no default."""
    try:
        return model()
    except TypeError:
        return None


def check_description(model, owner: str) -> None:
    """What the engine relies on in a neuron model's description: named,
    distinct state rows, two of which receive synaptic input; initial values
    and the activity row among them."""
    names = _declared(model, owner, "state_variables")
    if not (isinstance(names, tuple) and names and all(isinstance(x, str) and x.isidentifier() for x in names)
            and len(set(names)) == len(names)):
        raise ValidationError(owner, "state_variables", names, "must be a non-empty tuple of distinct names")
    channels = _declared(model, owner, "synaptic_variables")
    if not (isinstance(channels, tuple) and len(channels) == 2 and all(c in names for c in channels)):
        raise ValidationError(owner, "synaptic_variables", channels,
                              f"must name the two state rows receiving excitatory and inhibitory input, "
                              f"among the state variables {names}")
    _check_branch_rows(model, owner, names)
    if model.activity_variable is not None and model.activity_variable not in names:
        raise ValidationError(owner, "activity_variable", model.activity_variable,
                              f"must be None or one of the state variables {names}")
    try:
        initial = model.default_initial()
    except NotImplementedError:
        raise ValidationError(owner, "default_initial", None,
                              "must be defined: initial values by state variable") from None
    extra = [k for k in initial if k not in names] if isinstance(initial, dict) else initial
    if extra:
        raise ValidationError(owner, "default_initial", extra, f"must be a dict over the state variables {names}")


def _check_branch_rows(model, owner: str, names: tuple) -> None:
    """A dendritic model's ``branch_variables`` (per branch, its two input rows)
    and ``state_blocks`` (named runs of consecutive rows) name its state rows."""
    pairs = model.branch_variables
    if not (isinstance(pairs, tuple) and all(isinstance(p, tuple) and len(p) == 2 and all(x in names for x in p)
                                             for p in pairs)):
        raise ValidationError(owner, "branch_variables", pairs,
                              f"must give, per branch, the two state rows receiving its excitatory and "
                              f"inhibitory input, among the state variables {names}")
    for key, rows in model.state_blocks.items():
        first = names.index(rows[0]) if rows and rows[0] in names else -1
        if first < 0 or tuple(names[first:first + len(rows)]) != tuple(rows):
            raise ValidationError(owner, f"state_blocks[{key!r}]", rows,
                                  f"must name consecutive state variables among {names}")


def _declared(model, owner: str, name: str):
    """A declared attribute of the model; a clear error where the base class's
    default cannot apply (``synaptic_variables`` needs a ``synapse`` field)."""
    try:
        return getattr(model, name)
    except AttributeError as e:
        raise ValidationError(owner, name, None, f"must be declared by {type(model).__name__} ({e})") from None


# -- lookup -----------------------------------------------------------------------

def find(cls: type) -> Kind | None:
    """The kind registered for ``cls`` or its nearest registered base class."""
    from . import aif, clopath, dendrites, inputs, neurons, srm  # noqa: F401  (importing them registers the built-in kinds)

    for base in cls.__mro__:
        if base in _REGISTRY:
            return _REGISTRY[base]
    return None


def kind_for(part) -> Kind:
    """The kind of a population or input description (raises ValidationError)."""
    from ..model.population import Population

    if isinstance(part, Population):
        kind = find(type(part.model))
        if not isinstance(kind, NeuronKind):
            raise ValidationError(f"Population '{part.name}'", "model", type(part.model).__name__,
                                  f"must be a neuron model with a registered kernel ({_known(NeuronKind)}; "
                                  f"register one with neuroplastic.register_neuron_kind, docs/writing-a-neuron.md)")
        return kind
    kind = find(type(part))
    if not isinstance(kind, InputKind):
        raise ValidationError("Model", "populations", type(part).__name__,
                              f"must be a population or input ({_known(InputKind)})")
    return kind


def check_populations(model) -> None:
    """Every population and input of ``model`` has a kind, and every neuron
    model's description fits the engine (before anything is allocated)."""
    from ..model.population import Population

    for part in model.populations.values():
        kind_for(part)
        if isinstance(part, Population):
            check_description(part.model, f"Population '{part.name}' model ({type(part.model).__name__})")


def _known(kind_type: type) -> str:
    return ", ".join(c.__name__ for c, k in _REGISTRY.items() if isinstance(k, kind_type))

