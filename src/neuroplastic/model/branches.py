"""Dendritic branches in the model layer: where a synapse lands, branch parameters, checks.

A neuron model with dendritic branches (``model.dendrites``) declares
``branch_variables``: for each of its K branches the two state rows that
receive the branch's excitatory and inhibitory input. A
:class:`~neuroplastic.model.projection.Projection` onto such a population
chooses per synapse where it lands with its field ``branch``
(:class:`BranchTarget`):

==================  ===============================================================
``branch``          every synapse lands on
==================  ===============================================================
``None``            the soma (the model's ``synaptic_variables``), as for a point neuron
``b`` (int)         branch ``b`` (0 .. K-1)
``"random"``        a branch drawn uniformly for each synapse (seeded by the network's seed)
``"cyclic"``        branch ``i mod K`` for presynaptic neuron ``i``
``"blocks"``        branch ``floor(i K / n_pre)``: K contiguous blocks of presynaptic neurons
an array            one branch index per synapse (build order)
a Distribution      its draws rounded down (each must fall in 0 .. K-1)
==================  ===============================================================

Branch parameters of a model (:class:`BranchNumber`) are a scalar, one value
per branch (length K) or one per neuron and branch (shape ``(n, K)``).

:func:`check_branches` (run by ``Model.validate`` for each projection) refuses, naming the field,
a branch target onto a population without branches, a branch index out of
range, and a dendritic rule (``plasticity.dendritic``) on a projection that
does not land on branches.
"""
from __future__ import annotations

import numpy as np

from ._validate import show
from .spec import Number, Value
from ..errors import ValidationError

#: The named ways of choosing a branch per synapse.
BRANCH_RULES = ("random", "cyclic", "blocks")


class BranchTarget(Value):
    """Declaration of ``Projection.branch`` (module doc): None, a branch index,
    a named rule, one index per synapse, or a Distribution."""

    def normalise(self, owner, field, value):
        from .distributions import Distribution

        if isinstance(value, Distribution):
            return value
        if isinstance(value, str):
            if value not in BRANCH_RULES:
                raise ValidationError(owner, field, show(value),
                                      f"must be None (the soma), a branch index, one of "
                                      f"{', '.join(map(repr, BRANCH_RULES))}, an index per synapse or a distribution")
            return value
        if isinstance(value, (bool, np.bool_)):
            raise ValidationError(owner, field, value, "must be a branch index (an integer), not a boolean")
        arr = super().normalise(owner, field, value)
        arr = np.asarray(arr)
        if np.any(arr < 0) or np.any(arr != np.floor(arr)) or np.any(arr > 2**31):
            raise ValidationError(owner, field, show(value), "must hold branch indices (integers >= 0)")
        return int(arr) if arr.ndim == 0 else arr.astype(np.int64)


class BranchNumber(Number):
    """A branch parameter: a scalar, one value per branch (length K) or one
    per neuron and branch (shape ``(n, K)``). Lengths are checked by the
    model, which knows K (``check_consistency``) and n (``check_sizes``)."""

    def normalise(self, owner, field, value):
        if isinstance(value, (list, tuple)) and value and all(isinstance(x, (list, tuple, np.ndarray)) for x in value):
            value = np.asarray(value, dtype=float) if _rectangular(value) else value
        if isinstance(value, np.ndarray) and value.ndim == 2:
            if value.dtype.kind not in "iuf":
                raise ValidationError(owner, field, show(value), "must be numbers")
            rows = [Number.normalise(self, owner, f"{field}[{k}]", row) for k, row in enumerate(value)]
            return np.vstack(rows) if rows else np.zeros((0, value.shape[1]))
        return Number.normalise(self, owner, field, value)


def _rectangular(rows) -> bool:
    return len({len(r) for r in rows}) == 1


def check_branch_lengths(model, k: int, names) -> None:
    """Per-branch 1-D parameters of ``model`` have length ``k`` (the branch count)."""
    owner = type(model).__name__
    for name in names:
        value = getattr(model, name)
        if isinstance(value, np.ndarray) and value.ndim == 1 and len(value) != k:
            raise ValidationError(owner, name, f"array of length {len(value)}",
                                  f"must be a scalar, one value per branch ({k}) or an (n, {k}) array")
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[1] != k:
            raise ValidationError(owner, name, f"array of shape {value.shape}",
                                  f"must be a scalar, one value per branch ({k}) or an (n, {k}) array")


def check_branch_sizes(owner: str, model, n: int, names) -> None:
    """Per-neuron-and-branch (2-D) parameters have ``n`` rows."""
    for name in names:
        value = getattr(model, name)
        if isinstance(value, np.ndarray) and value.ndim == 2 and value.shape[0] != n:
            raise ValidationError(owner, name, f"array of shape {value.shape}",
                                  f"must have one row per neuron ({n}) when given per neuron and branch")


def branch_count(part) -> int:
    """K of a population (0 for point neurons and inputs)."""
    model = getattr(part, "model", None)
    return 0 if model is None else len(model.branch_variables)


def check_branches(model, proj) -> None:
    """The branch target and the dendritic rules of one projection of ``model``
    (module doc); its ``pre`` and ``post`` name existing populations."""
    from ..plasticity.dendritic import DendriticRule   # rules live beside the model layer

    o = f"Projection '{proj.name}'"
    k = branch_count(model.populations[proj.post])
    if proj.branch is not None:
        if k == 0:
            raise ValidationError(o, "branch", show(proj.branch),
                                  f"must be None: population '{proj.post}' has no dendritic branches")
        _check_index(o, proj.branch, k)
    for r, rule in enumerate(proj.rules):
        if isinstance(rule, DendriticRule):
            rule.check_target(o, f"rules[{r}] ({type(rule).__name__})", model.populations[proj.post], proj)


def _check_index(owner: str, branch, k: int) -> None:
    if isinstance(branch, (int, np.ndarray)) and np.size(branch) and int(np.max(branch)) >= k:
        raise ValidationError(owner, "branch", show(branch), f"must hold branch indices in 0 .. {k - 1} "
                                                             f"(the postsynaptic model has {k} branches)")
