"""Cascade (multi-state) synapses: the visible weight is the first of a chain of coupled variables.

Benna & Fusi (2016) store memories in a chain of m variables u_1 .. u_m per
synapse ("beakers" of growing capacity joined by ever narrower "tubes"); the
visible weight is u_1. A change of u_1 flows into the slower variables and,
while they remain charged, back again, so that a memory first stored in the
fast variable is consolidated in the slow ones::

    C_k du_k/dt = g_{k-1,k} (u_{k-1} - u_k) + g_{k,k+1} (u_{k+1} - u_k),   k = 1 .. m

with g_{0,1} = 0 and u_{m+1} = ``reference`` (the last variable leaks to a
reservoir of infinite capacity). Capacities and couplings are geometric::

    C_k       = capacity_growth^(k-1)                       (dimensionless, C_1 = 1)
    g_{k,k+1} = coupling / coupling_decay^(k-1)              (1/ms), k < m
    g_{m,m+1} = leak * coupling / coupling_decay^(m-1)       (leak = 0: a closed chain)

Without the leak the total "volume" sum_k C_k u_k is conserved; with it every
variable relaxes to ``reference``. The time constants grow by about
capacity_growth * coupling_decay per level. With C_k = 2^(k-1) and
g_{k,k+1} proportional to 2^-(k-1) (the defaults) the response of u_1 to a
change of u_1 decays as t^(-1/2) between the fastest and the slowest time
constant, the decay that gives a memory lifetime almost linear in the number
of synapses (``experiments/cascade_capacity.py``); couplings falling as
4^-(k-1) give t^(-1/3) instead (measured, docs/memory.md).

How it composes. The rule owns the hidden variables u_2 .. u_m; u_1 *is* the
synapse's weight. Any other rule on the projection (STDP, a three-factor rule,
Oja on rate units, a binary unit's rule) changes w and thereby feeds the
chain; every ``period`` ms this rule advances the whole chain, w included,
by the exact solution of the linear system over the elapsed time::

    u(t + P) = expm(-C^-1 G P) u(t)       (deviations from ``reference``)

computed from the eigendecomposition of the symmetric matrix
C^-1/2 G C^-1/2 (one m x m decomposition per update, microseconds). The
propagator is exact and unconditionally stable however stiff the chain (its
couplings span (capacity_growth * coupling_decay)^(m-1)); what ``period``
sets is the operator splitting between other rules' changes of w and the
chain, accurate when the period is short against the fastest time constant
of the chain (about C_1 / g_12 = 1 / coupling). The projection's
``w_min``/``w_max`` bound u_1 after each update; ``bound`` bounds every
variable: |u_k - reference| <= bound (the bounded variant; default: none).

The hidden variables start equal to the weight the synapse has at its first
update (state ``primed`` = 0 until then), so a chain starts at rest; a synapse
created at run time starts the same way.

Parameters: m (number of variables, 1 .. MAX_LEVELS; m = 1 is a single
variable relaxing to ``reference`` with time constant 1 / (leak * coupling));
coupling (1/ms, > 0); capacity_growth, coupling_decay (dimensionless, > 0);
leak (dimensionless, >= 0); reference, bound (weight units); period (ms).
State (per synapse): primed (0/1), u2 .. u12 (weight units; those beyond m
stay 0); (global) t_last (ms), the time of the last update.

References: Benna MK, Fusi S (2016) Computational principles of synaptic memory
consolidation. Nat Neurosci 19:1697. Fusi S, Drew PJ, Abbott LF (2005) Neuron
45:599 (the earlier, discrete cascade model).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ValidationError
from ..model.spec import Integer, Number
from .rule import Periodic, Rule, State

#: The most variables a chain may have (the hidden ones are declared state).
MAX_LEVELS = 12
#: The widest span of time constants accepted, (capacity_growth * coupling_decay)^(m-1).
MAX_SPAN = 1e12


@njit(cache=True)
def chain_propagator(m, capacity_growth, coupling, coupling_decay, leak, span):
    """expm(-C^-1 G span) of the chain (see module doc), an m x m matrix."""
    n = int(m)
    c = np.empty(n)
    g = np.empty(n)
    for k in range(n):
        c[k] = capacity_growth ** k
        g[k] = coupling / coupling_decay ** k
    g[n - 1] *= leak
    s = np.zeros((n, n))
    for k in range(n):
        s[k, k] += g[k] / c[k]
        if k + 1 < n:
            s[k + 1, k + 1] += g[k] / c[k + 1]
            off = -g[k] / math.sqrt(c[k] * c[k + 1])
            s[k, k + 1] = off
            s[k + 1, k] = off
    lam, v = np.linalg.eigh(s)
    decay = np.empty(n)
    for q in range(n):
        decay[q] = math.exp(-lam[q] * span)
    e = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            acc = 0.0
            for q in range(n):
                acc += v[i, q] * decay[q] * v[j, q]
            e[i, j] = acc * math.sqrt(c[j] / c[i])
    return e


@njit(cache=True, inline="always")
def _clip(x, bound):
    return min(max(x, -bound), bound)


@njit(cache=True)
def _cascade_every(t, w, conn, st, p):
    span = t - st.glob.t_last[0]
    st.glob.t_last[0] = t
    n = int(p.m)
    e = chain_propagator(p.m, p.capacity_growth, p.coupling, p.coupling_decay, p.leak, span)
    x = np.empty(n)
    syn = st.syn                     # (primed, u2, ..., u12): u_{k+1} is syn[k]
    for s in range(w.shape[0]):
        if not conn.alive[s]:
            continue
        if syn[0][s] == 0.0:
            for k in range(1, n):
                syn[k][s] = w[s]
            syn[0][s] = 1.0
        x[0] = w[s] - p.reference
        for k in range(1, n):
            x[k] = syn[k][s] - p.reference
        for i in range(n):
            acc = 0.0
            for j in range(n):
                acc += e[i, j] * x[j]
            acc = _clip(acc, p.bound)
            if i == 0:
                w[s] = p.reference + acc
            else:
                syn[i][s] = p.reference + acc


@dataclass(frozen=True)
class CascadeSynapse(Rule, Periodic):
    """A chain of m coupled variables per synapse whose first is the weight (see module doc).

    Args:
        m: number of variables (1 .. MAX_LEVELS = 12).
        coupling: g_12, the coupling of u_1 and u_2 (1/ms); 1 / coupling is
            the fastest time constant of the chain.
        capacity_growth: C_{k+1} / C_k (dimensionless, > 0; 2 in Benna & Fusi).
        coupling_decay: g_{k,k+1} / g_{k+1,k+2} (dimensionless, > 0).
        leak: g_{m,m+1} in units of the geometric sequence's next term
            (dimensionless, >= 0; 0 closes the chain and conserves its volume).
        reference: u_{m+1}, the level the leak relaxes to (weight units).
        bound: |u_k - reference| <= bound for every k (weight units; inf: no bound).
        period: the update interval (ms).
    """

    m: int = 8
    coupling: float = 0.01
    capacity_growth: float = 2.0
    coupling_decay: float = 2.0
    leak: float = 1.0
    reference: float = 0.0
    bound: float = math.inf
    period: float = 1.0

    constraints = {
        "m": Integer(ge=1, le=MAX_LEVELS),
        "coupling": Number("1/ms", gt=0),
        "capacity_growth": Number(gt=0),
        "coupling_decay": Number(gt=0),
        "leak": Number(ge=0),
        "reference": Number(None),
        "bound": Number(None, gt=0, finite=False),
        "period": Number("ms", gt=0),
    }
    synapse_state = (State("primed", 0.0, "1"),) + tuple(State(f"u{k}", 0.0, "weight")
                                                        for k in range(2, MAX_LEVELS + 1))
    global_state = (State("t_last", 0.0, "ms"),)
    every = _cascade_every

    def __post_init__(self):
        super().__post_init__()
        ratio = self.capacity_growth * self.coupling_decay
        spread = max(ratio, 1.0 / ratio) ** (self.m - 1) if self.m > 1 else 1.0
        if not spread <= MAX_SPAN:
            raise ValidationError(type(self).__name__, "m", self.m,
                                  f"must keep the time constants within {MAX_SPAN:g} of each other: "
                                  f"(capacity_growth * coupling_decay)^(m - 1) = {spread:.3g}")

    # -- closed forms ------------------------------------------------------------------
    def capacities(self) -> np.ndarray:
        """C_1 .. C_m (dimensionless)."""
        return self.capacity_growth ** np.arange(self.m, dtype=float)

    def couplings(self) -> np.ndarray:
        """g_{1,2} .. g_{m,m+1} (1/ms); the last is the leak."""
        g = self.coupling / self.coupling_decay ** np.arange(self.m, dtype=float)
        g[-1] *= self.leak
        return g

    def propagator(self, span: float) -> np.ndarray:
        """The m x m matrix that advances (u - reference) by ``span`` ms."""
        return chain_propagator(float(self.m), self.capacity_growth, self.coupling, self.coupling_decay,
                                self.leak, float(span))

    def modes(self) -> tuple[np.ndarray, np.ndarray]:
        """Rates lambda_q (1/ms) and weights c_q of the response of u_1 to a
        unit change of u_1: h(t) = sum_q c_q exp(-lambda_q t), sum_q c_q = 1."""
        c, g = self.capacities(), self.couplings()
        s = np.diag(g / c)
        s[1:, 1:] += np.diag(g[:-1] / c[1:])
        off = -g[:-1] / np.sqrt(c[:-1] * c[1:])
        s += np.diag(off, 1) + np.diag(off, -1)
        lam, v = np.linalg.eigh(s)
        return lam, v[0] ** 2

    def impulse_response(self, t) -> np.ndarray:
        """h(t): u_1 at times ``t`` (ms) after a unit change of u_1 from rest (linear chain)."""
        lam, c = self.modes()
        return np.exp(-np.multiply.outer(np.asarray(t, dtype=float), lam)) @ c

    def timescales(self) -> np.ndarray:
        """The chain's time constants 1 / lambda_q (ms), fastest first (inf for a closed chain's mode 0)."""
        lam = self.modes()[0]
        slow = lam <= 1e-12 * lam.max()            # a closed chain's conserved mode
        return np.sort(np.where(slow, np.inf, 1.0 / np.where(slow, 1.0, lam)))
