"""The step kernel, packing and registration of :class:`~neuroplastic.model.aif.AIF`.

One step of dt from t to t + dt (model doc for the equations):

* the conductances exactly: g_ampa <- g_ampa e_a; g_nmda <- g_nmda e_n +
  g_ampa c_an with c_an = tau_a / (tau_n - tau_a) (e_n - e_a) (the NMDA
  response to the AMPA conductance present at t; dt e_a / tau_a when the two
  time constants are equal); g_gaba, g_adapt and theta decay;
* v by exponential Euler with each conductance replaced by its exact mean over
  the step (e.g. g_ampa tau_a (1 - e_a) / dt), so that
  v <- v_inf + (v - v_inf) exp(-g_tot dt / tau_m) with g_tot = 1 + g_exc +
  g_gaba + g_adapt and v_inf the conductance-weighted mean of the reversal
  potentials. Second order in dt for the decaying conductances (tests check
  the order against a fine reference integration);
* a spike if v >= v_thresh + theta (theta already decayed, as in Auryn): v <-
  v_reset, theta <- thr_jump, g_adapt += adapt_jump.

Two passes, as :func:`~neuroplastic.engine.neurons.lif_conductance_step`: a
branch-free one (vectorisable) computes every candidate voltage into
``work``, the second applies thresholds and lists the spikes in increasing
order. The model has no absolute refractory period (``ref`` is unused); the
runaway check therefore compares the rate with ``Model.max_rate`` alone.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .kinds import coefficient_rows, register_neuron_kind
from .threads import register_blockwise
from .neurons import EXP_RANGE, FASTMATH, exp_reduced
from ..model.aif import AIF

#: Columns of the coefficient table (see :func:`pack`).
COLUMNS = ("v_reset", "v_thresh", "v_rest", "dt_over_tau_m", "e_exc", "e_inh", "a_ampa", "a_nmda",
           "decay_ampa", "decay_nmda", "ampa_to_nmda", "decay_gaba", "decay_adapt", "decay_thr",
           "mean_ampa", "mean_nmda", "mean_ampa_to_nmda", "mean_gaba", "mean_adapt", "thr_jump", "adapt_jump")


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _candidate(state, par, work, i, c):
    """The candidate voltage of neuron i (coefficient row c) from the state at t,
    into ``work`` (branch-free; the conductances are not touched here)."""
    ga, gn = state[1, i], state[2, i]
    g_e = par[c, 6] * ga * par[c, 14] + par[c, 7] * (gn * par[c, 15] + ga * par[c, 16])
    g_i = state[3, i] * par[c, 17] + state[4, i] * par[c, 18]
    g_tot = 1.0 + g_e + g_i
    v_inf = (par[c, 2] + g_e * par[c, 4] + g_i * par[c, 5]) / g_tot
    x = -g_tot * par[c, 3]
    work[0, i] = v_inf + (state[0, i] - v_inf) * exp_reduced(x)
    work[1, i] = x
    work[2, i] = v_inf


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _decay(state, par):
    """The conductances and theta from t to t + dt (exact), one row at a time
    (a loop per row streams one array and vectorises)."""
    n, shared = state.shape[1], par.shape[0] == 1
    nmda, ampa = state[2], state[1]
    if shared:
        a, b = par[0, 9], par[0, 10]
        for i in range(n):
            nmda[i] = nmda[i] * a + ampa[i] * b
    else:
        for i in range(n):
            nmda[i] = nmda[i] * par[i, 9] + ampa[i] * par[i, 10]
    for row, col in ((1, 8), (3, 11), (4, 12), (5, 13)):
        x = state[row]
        if shared:
            f = par[0, col]
            for i in range(n):
                x[i] *= f
        else:
            for i in range(n):
                x[i] *= par[i, col]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _decay_range(state, par, ulo, uhi):
    """:func:`_decay` for neurons ``ulo .. uhi - 1`` (unsigned bounds, so that the
    loops vectorise as the whole-array ones do)."""
    shared = par.shape[0] == 1
    nmda, ampa = state[2], state[1]
    if shared:
        a, b = par[0, 9], par[0, 10]
        for u in range(ulo, uhi):
            nmda[u] = nmda[u] * a + ampa[u] * b
    else:
        for u in range(ulo, uhi):
            nmda[u] = nmda[u] * par[u, 9] + ampa[u] * par[u, 10]
    for row, col in ((1, 8), (3, 11), (4, 12), (5, 13)):
        x = state[row]
        if shared:
            f = par[0, col]
            for u in range(ulo, uhi):
                x[u] *= f
        else:
            for u in range(ulo, uhi):
                x[u] *= par[u, col]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _settle(state, par, work, spk, bad, lo, hi, k):
    """Thresholds and resets of neurons ``lo .. hi - 1`` from their candidates in
    ``work``; spikes from ``spk[k]`` on; returns the next free slot, or -1 (with
    the neuron in ``bad[0]``) when v became NaN/inf."""
    shared = par.shape[0] == 1
    for i in range(lo, hi):
        c = 0 if shared else i
        v_new = work[0, i]
        if v_new < par[c, 1] + state[5, i] and abs(work[1, i]) <= EXP_RANGE:   # the common case
            state[0, i] = v_new
            continue
        if abs(work[1, i]) > EXP_RANGE:
            v_new = work[2, i] + (state[0, i] - work[2, i]) * math.exp(work[1, i])
        if not math.isfinite(v_new):
            bad[0] = i
            return -1
        if v_new >= par[c, 1] + state[5, i]:
            v_new = par[c, 0]
            state[5, i] = par[c, 19]
            state[4, i] += par[c, 20]
            spk[k] = i
            k += 1
        state[0, i] = v_new
    return k


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def aif_step(state, par, ref, work, spk, bad):
    """One step of every AIF neuron (rows v, g_ampa, g_nmda, g_gaba, g_adapt,
    theta); returns the number of spikes, or -1 when v became NaN/inf."""
    n = state.shape[1]
    shared = par.shape[0] == 1
    if shared:   # a fixed coefficient row and few memory streams per loop: they vectorise
        for i in range(n):
            _candidate(state, par, work, i, 0)
    else:
        for i in range(n):
            _candidate(state, par, work, i, i)
    _decay(state, par)
    return _settle(state, par, work, spk, bad, 0, n, 0)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def aif_range(state, par, ref, work, spk, bad, lo, hi):
    """:func:`aif_step` for neurons ``lo .. hi - 1`` of the whole arrays (a block
    of the loop on several threads, engine/threads.py): the same arithmetic per
    neuron; spikes (global indices) go to ``spk[lo:]``, a non-finite neuron's
    index to ``bad[0]``; returns the block's count, or -1."""
    ulo, uhi = np.uint64(lo), np.uint64(hi)
    if par.shape[0] == 1:
        for u in range(ulo, uhi):
            _candidate(state, par, work, u, 0)
    else:
        for u in range(ulo, uhi):
            _candidate(state, par, work, u, u)
    _decay_range(state, par, ulo, uhi)
    k = _settle(state, par, work, spk, bad, lo, hi, lo)
    return k if k < 0 else k - lo


def _transfer(tau_a, tau_n, dt):
    """(c_an, its step mean): g_nmda(dt) from g_ampa(0) = 1, g_nmda(0) = 0, and
    the mean of that response over [0, dt)."""
    same = np.isclose(tau_a, tau_n, rtol=1e-12, atol=0)
    tn = np.where(same, tau_a + 1.0, tau_n)
    ea, en = np.exp(-dt / tau_a), np.exp(-dt / tn)
    general = tau_a / (tn - tau_a) * (en - ea)
    mean = tau_a / (tn - tau_a) * (tn * (1 - en) - tau_a * (1 - ea)) / dt
    # equal time constants: (s / tau) e^{-s / tau}, and its mean over [0, dt)
    limit = dt / tau_a * ea
    limit_mean = (tau_a * (1 - ea) - dt * ea) / dt
    return np.where(same, limit, general), np.where(same, limit_mean, mean)


def pack(m: AIF, n: int, dt: float) -> np.ndarray:
    """The coefficient table, columns as :data:`COLUMNS` (decays are e^{-dt/tau},
    means the exact step means of a decaying conductance, tau (1 - e^{-dt/tau}) / dt)."""
    f = {k: np.broadcast_to(np.asarray(getattr(m, k), float), (n,)) for k in
         ("tau_m", "tau_ampa", "tau_nmda", "tau_gaba", "tau_adapt", "tau_thr")}
    decay = {k: np.exp(-dt / f[k]) for k in f}
    mean = {k: f[k] * (1.0 - decay[k]) / dt for k in f}
    c_an, mean_an = _transfer(f["tau_ampa"], f["tau_nmda"], dt)
    a_ampa, a_nmda = m.fractions
    return coefficient_rows(n, m.v_reset, m.v_thresh, m.v_rest, dt / f["tau_m"], m.e_exc, m.e_inh, a_ampa, a_nmda,
                            decay["tau_ampa"], decay["tau_nmda"], c_an, decay["tau_gaba"], decay["tau_adapt"],
                            decay["tau_thr"], mean["tau_ampa"], mean["tau_nmda"], mean_an, mean["tau_gaba"],
                            mean["tau_adapt"], m.thr_jump, m.adapt_jump)


register_neuron_kind(AIF, aif_step, pack, coefficients=len(COLUMNS), refractory=None)
register_blockwise(aif_step, aif_range)
