"""Compiled step kernels of the built-in neuron models, their packing and their registration.

Each kernel advances one population by one step ``dt`` and writes the indices of
the neurons that spiked into ``spk``. It returns the number of spikes, or
``-(1 + row)`` if state row ``row`` became NaN/inf (the neuron index is written to
``bad[0]``). Per-neuron coefficients that depend only on ``dt`` and parameters
(propagators, exponentials) are computed once by each model's packing function,
so the kernels do no redundant transcendental work. Each model is registered as a
neuron kind (engine/kinds.py) at the end of this module, as a user's model is
(docs/writing-a-neuron.md).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

#: LLVM fast-math flags that keep NaN/inf semantics (the NaN check relies on them:
#: with 'reassoc' LLVM may fold the finiteness test away, so it is not used).
#: The kernels also use numba's ``error_model="numpy"``: a division by zero gives
#: inf/NaN (caught by the health check) instead of raising, which lets LLVM
#: vectorise the loops.
FASTMATH = {"contract", "arcp"}

from .kinds import coefficient_rows as _rows
from .kinds import register_neuron_kind
from ..model.neurons import LIF, AdEx, Izhikevich
from ..model.units import ACTIVATIONS, BinaryUnit, RateUnit


@njit(cache=True)
def _clamp_or_fire(state, ref_steps, ref, i, v_new, thresh, reset_v, spk, k):
    """Shared threshold/reset/refractory logic; returns the new spike count."""
    if v_new >= thresh:
        state[0, i] = reset_v
        ref[i] = int(ref_steps)
        spk[k] = i
        return k + 1
    state[0, i] = v_new
    return k


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def lif_current_step(state, par, ref, work, spk, bad):
    """Exact step of the current-based LIF (rows: v, ie, ii, theta).

    par columns (one row per neuron, or a single shared row): 0 v_reset, 1 ref_steps, 2 v_thresh, 3 v_rest, 4 e^{-dt/tau_m},
    5 bias term R*I_b*(1-e_m), 6 k_e, 7 k_i (current-to-voltage propagators),
    8 e^{-dt/tau_e}, 9 e^{-dt/tau_i}.
    """
    k = 0
    uniform = par.shape[0] == 1
    for i in range(state.shape[1]):
        pi = 0 if uniform else i
        v, ie, ii = state[0, i], state[1, i], state[2, i]
        state[1, i] = ie * par[pi, 8]
        state[2, i] = ii * par[pi, 9]
        if ref[i] > 0:
            ref[i] -= 1
            continue
        v_new = par[pi, 3] + (v - par[pi, 3]) * par[pi, 4] + par[pi, 5] + par[pi, 6] * ie + par[pi, 7] * ii
        if not math.isfinite(v_new):
            bad[0] = i
            return -1
        k = _clamp_or_fire(state, par[pi, 1], ref, i, v_new, par[pi, 2] + state[3, i], par[pi, 0], spk, k)
    return k


#: |x| up to which :func:`exp_reduced` is used; beyond it the kernels call math.exp.
EXP_RANGE = 8.0


@njit(cache=True, fastmath=FASTMATH, inline="always")
def exp_reduced(x):
    """exp(x) for |x| <= EXP_RANGE, to ~1e-13 relative, in pure arithmetic.

    exp(x) = exp(x/16)^16 with a degree-12 Taylor polynomial for exp(x/16)
    (|x/16| <= 0.5: truncation < 0.5^13/13! = 2e-14, times 16 after squaring).
    Unlike a libm call, this lets LLVM vectorise the loop that uses it.
    """
    y = x * 0.0625
    p = 1.0 + y * (1.0 + y * (0.5 + y * (1.0 / 6 + y * (1.0 / 24 + y * (1.0 / 120 + y * (
        1.0 / 720 + y * (1.0 / 5040 + y * (1.0 / 40320 + y * (1.0 / 362880 + y * (
            1.0 / 3628800 + y * (1.0 / 39916800 + y / 479001600)))))))))))
    p = p * p
    p = p * p
    p = p * p
    return p * p


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _conductance_candidate(state, par, ref, work, flag, i, pi, f):
    """Vectorisable part of the conductance LIF step for neuron i (coefficient row
    pi): the candidate voltage and, where nothing happens (quiet: below threshold,
    finite, within :data:`EXP_RANGE`; or refractory), the whole step. The others
    (a spike, a non-finite value, the math.exp recomputation) get ``flag[f] = 1``
    and their candidate, exponent and v_inf in ``work[0:3, i]`` for
    :func:`_conductance_settle`."""
    ge = state[1, i]
    gi = state[2, i]
    state[1, i] = ge * par[pi, 9]
    state[2, i] = gi * par[pi, 10]
    ge = ge * par[pi, 11]
    gi = gi * par[pi, 12]
    g_tot = par[pi, 4] + ge + gi
    v_inf = (par[pi, 4] * par[pi, 3] + ge * par[pi, 6] + gi * par[pi, 7] + par[pi, 8]) / g_tot
    x = -g_tot * par[pi, 5]
    v_new = v_inf + (state[0, i] - v_inf) * exp_reduced(x)
    r = ref[i]
    quiet = v_new < par[pi, 2] + state[3, i] and v_new > -math.inf and not abs(x) > EXP_RANGE
    if quiet and r <= 0:
        state[0, i] = v_new
    ref[i] = r - 1 if r > 0 else r   # unconditional: a conditional store keeps this loop from vectorising
    if quiet or r > 0:
        flag[f] = 0
    else:   # masked stores: only the flagged neurons' work columns are written (and read)
        work[0, i] = v_new
        work[1, i] = x
        work[2, i] = v_inf
        flag[f] = 1


@njit(cache=True, inline="always")
def _flag_bytes(work, lo, hi):
    """Room for the flags of neurons ``lo .. hi - 1``, a multiple of 8 bytes: the
    bytes of ``work[3]`` from ``8 * lo`` (each neuron owns 8, so blocks of
    neurons never share any; no allocation per step), or a new array where
    ``work`` has three rows (a network saved before it had a fourth). The
    padding bytes past ``hi - lo`` are never read as flags."""
    m = (hi - lo + 7) // 8 * 8
    if work.shape[0] < 4:
        return np.zeros(m, np.uint8)
    return work[3].view(np.uint8)[8 * lo:8 * lo + m]


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _conductance_settle(state, par, ref, work, spk, bad, flag, lo, hi, k):
    """Second pass over neurons ``lo .. hi - 1`` (``flag`` indexed from ``lo``): the
    flagged ones in increasing order, eight flags read at a time (one at a time
    in a small block, where building the word view would cost more). Returns the
    new spike count (from ``k``), or -1 with the first non-finite neuron in ``bad[0]``."""
    if hi - lo < 64:
        for f in range(hi - lo):
            if flag[f] != 0:
                k = _conductance_fire(state, par, ref, work, spk, bad, lo + f, k)
                if k < 0:
                    return -1
        return k
    words = flag.view(np.uint64)
    for q in range(words.shape[0]):
        if words[q] == 0:
            continue
        for f in range(8 * q, min(8 * q + 8, hi - lo)):
            if flag[f] != 0:
                k = _conductance_fire(state, par, ref, work, spk, bad, lo + f, k)
                if k < 0:
                    return -1
    return k


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _conductance_fire(state, par, ref, work, spk, bad, i, k):
    """A flagged neuron: math.exp where |x| > EXP_RANGE, the finiteness check,
    threshold and reset; the new spike count, or -1 (``bad[0] = i``) if not finite."""
    v_new = work[0, i]
    if abs(work[1, i]) > EXP_RANGE:
        v_new = work[2, i] + (state[0, i] - work[2, i]) * math.exp(work[1, i])
    if not math.isfinite(v_new):
        bad[0] = i
        return -1
    pi = 0 if par.shape[0] == 1 else i
    return _clamp_or_fire(state, par[pi, 1], ref, i, v_new, par[pi, 2] + state[3, i], par[pi, 0], spk, k)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def lif_conductance_step(state, par, ref, work, spk, bad):
    """Exponential-Euler step of the conductance-based LIF (rows: v, ge, gi, theta).

    The conductances enter as their exact average over the step,
    g * tau (1 - e^{-dt/tau}) / dt, which makes the scheme second order in dt
    for the exponentially decaying synaptic input. Two passes: a vectorised one
    computes the candidate voltage of every neuron and completes the step of the
    quiet and the refractory ones; the second
    (:func:`_conductance_settle`) visits the few flagged ones: threshold and
    reset, and math.exp for the rare neurons outside :data:`EXP_RANGE`.

    par columns (one row per neuron, or a single shared row): 0 v_reset,
    1 ref_steps, 2 v_thresh, 3 v_rest, 4 g_L, 5 dt/c_m, 6 e_e, 7 e_i, 8 i_bias,
    9 e^{-dt/tau_e}, 10 e^{-dt/tau_i}, 11 averaging factor for ge, 12 for gi.
    """
    n = state.shape[1]
    flag = _flag_bytes(work, 0, n)
    if par.shape[0] == 1:  # two loops, so that each has a fixed coefficient index and vectorises
        for i in range(n):
            _conductance_candidate(state, par, ref, work, flag, i, 0, i)
    else:
        for i in range(n):
            _conductance_candidate(state, par, ref, work, flag, i, i, i)
    return _conductance_settle(state, par, ref, work, spk, bad, flag, 0, n, 0)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def lif_conductance_range(state, par, ref, work, spk, bad, lo, hi):
    """:func:`lif_conductance_step` for neurons ``lo .. hi - 1`` of the whole
    arrays (a block of the loop on several threads, engine/threads.py): the same
    arithmetic per neuron; spikes (global indices) go to ``spk[lo:]``, a
    non-finite neuron's global index to ``bad[0]``; returns the block's count.
    The first pass indexes with unsigned integers: a signed index
    could be negative (numba then wraps it), which keeps LLVM from vectorising."""
    ulo, uhi = np.uint64(lo), np.uint64(hi)
    flag = _flag_bytes(work, lo, hi)
    if par.shape[0] == 1:
        for u in range(ulo, uhi):
            _conductance_candidate(state, par, ref, work, flag, u, 0, u - ulo)
    else:
        for u in range(ulo, uhi):
            _conductance_candidate(state, par, ref, work, flag, u, u, u - ulo)
    k = _conductance_settle(state, par, ref, work, spk, bad, flag, lo, hi, lo)
    return k if k < 0 else k - lo


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def adex_step(state, par, ref, work, spk, bad):
    """Forward-Euler step of AdEx (rows: v, w, syn_e, syn_i).

    par columns (one row per neuron, or a single shared row): 0 v_reset, 1 ref_steps, 2 v_peak, 3 e_l, 4 g_l, 5 dt/c_m,
    6 delta_t, 7 v_t, 8 dt/tau_w, 9 a, 10 b, 11 i_bias, 12 conductance flag,
    13 e_e, 14 e_i, 15 e^{-dt/tau_e}, 16 e^{-dt/tau_i}.
    """
    k = 0
    uniform = par.shape[0] == 1
    for i in range(state.shape[1]):
        pi = 0 if uniform else i
        v, w, se, si = state[0, i], state[1, i], state[2, i], state[3, i]
        state[2, i] = se * par[pi, 15]
        state[3, i] = si * par[pi, 16]
        if par[pi, 12] > 0.0:
            i_syn = se * (par[pi, 13] - v) + si * (par[pi, 14] - v)
        else:
            i_syn = se + si
        state[1, i] = w + par[pi, 8] * (par[pi, 9] * (v - par[pi, 3]) - w)
        if ref[i] > 0:
            ref[i] -= 1
            continue
        arg = min((v - par[pi, 7]) / par[pi, 6], 50.0)
        dv = -par[pi, 4] * (v - par[pi, 3]) + par[pi, 4] * par[pi, 6] * math.exp(arg) - w + i_syn + par[pi, 11]
        v_new = v + par[pi, 5] * dv
        if not (math.isfinite(v_new) and math.isfinite(state[1, i])):
            bad[0] = i
            return -1
        if v_new >= par[pi, 2]:
            state[1, i] += par[pi, 10]
        k = _clamp_or_fire(state, par[pi, 1], ref, i, v_new, par[pi, 2], par[pi, 0], spk, k)
    return k


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def izhikevich_step(state, par, ref, work, spk, bad):
    """Forward-Euler step of the Izhikevich model (rows: v, u, ie, ii).

    par columns (one row per neuron, or a single shared row): 0 c, 1 ref_steps, 2 v_peak, 3 a, 4 b, 5 d, 6 dt, 7 i_bias,
    8 e^{-dt/tau_e}, 9 e^{-dt/tau_i}, 10 v sub-steps (1: plain Euler; see the model's docstring).
    """
    k = 0
    uniform = par.shape[0] == 1
    for i in range(state.shape[1]):
        pi = 0 if uniform else i
        v, u, ie, ii = state[0, i], state[1, i], state[2, i], state[3, i]
        state[2, i] = ie * par[pi, 8]
        state[3, i] = ii * par[pi, 9]
        if ref[i] > 0:
            ref[i] -= 1
            continue
        dt = par[pi, 6]
        subs = int(par[pi, 10])
        if subs == 1:
            v_new = v + dt * (0.04 * v * v + 5.0 * v + 140.0 - u + ie + ii + par[pi, 7])
            state[1, i] = u + dt * par[pi, 3] * (par[pi, 4] * v - u)
        else:  # Izhikevich's scheme: v in sub-steps, then u with the new v
            h = dt / subs
            v_new = v
            for _ in range(subs):
                v_new = v_new + h * (0.04 * v_new * v_new + 5.0 * v_new + 140.0 - u + ie + ii + par[pi, 7])
            state[1, i] = u + dt * par[pi, 3] * (par[pi, 4] * v_new - u)
        if not (math.isfinite(v_new) and math.isfinite(state[1, i])):
            bad[0] = i
            return -1
        if v_new >= par[pi, 2]:
            state[1, i] += par[pi, 5]
        k = _clamp_or_fire(state, par[pi, 1], ref, i, v_new, par[pi, 2], par[pi, 0], spk, k)
    return k


SIGMOID, TANH, LINEAR, RELU = 0, 1, 2, 3


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def rate_step(state, par, ref, work, spk, bad):
    """Discrete-time step of rate units (rows: r, h, gain, bias, in_e, in_i).

    h = in_e - in_i; the channels are emptied; r relaxes to f(gain h + bias)
    with factor par[0, 1] = e^{-dt/tau} (0: memoryless). par[0, 0] is the
    activation code. Units with r != 0 are listed in ``spk`` (they send).
    """
    code = int(par[0, 0])
    keep = par[0, 1]
    k = 0
    for i in range(state.shape[1]):
        h = state[4, i] - state[5, i]
        state[4, i] = 0.0
        state[5, i] = 0.0
        state[1, i] = h
        u = state[2, i] * h + state[3, i]
        if code == SIGMOID:
            f = 1.0 / (1.0 + math.exp(-u)) if u > -700.0 else 0.0
        elif code == TANH:
            f = math.tanh(u)
        elif code == LINEAR:
            f = u
        else:
            f = u if u > 0.0 else 0.0
        r = f + (state[0, i] - f) * keep
        if not math.isfinite(r):
            bad[0] = i
            return -1
        state[0, i] = r
        if r != 0.0:
            spk[k] = i
            k += 1
    return k


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def binary_step(state, par, ref, work, spk, bad):
    """Discrete-time step of binary threshold units (rows: x, h, theta, in_e, in_i).

    h = in_e - in_i; the channels are emptied; x = 1 if h > theta else 0.
    Active units are listed in ``spk``.
    """
    k = 0
    for i in range(state.shape[1]):
        h = state[3, i] - state[4, i]
        state[3, i] = 0.0
        state[4, i] = 0.0
        state[1, i] = h
        if not math.isfinite(h):
            bad[0] = i
            return -2
        if h > state[2, i]:
            state[0, i] = 1.0
            spk[k] = i
            k += 1
        else:
            state[0, i] = 0.0
    return k


def _lif_current(m, n, dt):
    tm, te, ti = (np.broadcast_to(np.asarray(x, float), (n,)) for x in (m.tau_m, m.tau_e, m.tau_i))
    r = tm / np.asarray(m.c_m, float)
    em = np.exp(-dt / tm)

    def kern(tau_s):
        same = np.isclose(tau_s, tm, rtol=1e-12, atol=0)
        safe = np.where(same, tau_s + 1.0, tau_s)
        general = (r / tm) * tm * safe * (np.exp(-dt / safe) - em) / (safe - tm)
        return np.where(same, (r / tm) * dt * em, general)

    return _rows(n, m.v_reset, np.round(np.asarray(m.t_ref) / dt), m.v_thresh, m.v_rest, em,
                 r * np.asarray(m.i_bias, float) * (1 - em), kern(te), kern(ti), np.exp(-dt / te), np.exp(-dt / ti))


def _step_average(tau, dt):
    """Mean of exp(-s/tau) over one step [0, dt)."""
    tau = np.asarray(tau, float)
    return tau * (1.0 - np.exp(-dt / tau)) / dt


def _lif_conductance(m, n, dt):
    g_l = np.asarray(m.c_m, float) / np.asarray(m.tau_m, float)
    return _rows(n, m.v_reset, np.round(np.asarray(m.t_ref) / dt), m.v_thresh, m.v_rest, g_l,
                 dt / np.asarray(m.c_m, float), m.e_e, m.e_i, m.i_bias,
                 np.exp(-dt / np.asarray(m.tau_e, float)), np.exp(-dt / np.asarray(m.tau_i, float)),
                 _step_average(m.tau_e, dt), _step_average(m.tau_i, dt))


def _adex(m, n, dt):
    cond = 1.0 if m.synapse == "conductance" else 0.0
    return _rows(n, m.v_reset, np.round(np.asarray(m.t_ref) / dt), m.v_peak, m.e_l, m.g_l,
                 dt / np.asarray(m.c_m, float), m.delta_t, m.v_t, dt / np.asarray(m.tau_w, float),
                 m.a, m.b, m.i_bias, cond, m.e_e, m.e_i,
                 np.exp(-dt / np.asarray(m.tau_e, float)), np.exp(-dt / np.asarray(m.tau_i, float)))


def _izhikevich(m, n, dt):
    return _rows(n, m.c, np.round(np.asarray(m.t_ref) / dt), m.v_peak, m.a, m.b, m.d, dt, m.i_bias,
                 np.exp(-dt / np.asarray(m.tau_e, float)), np.exp(-dt / np.asarray(m.tau_i, float)),
                 float(m.v_substeps))


def _lif(m, n, dt):
    return _lif_current(m, n, dt) if m.synapse == "current" else _lif_conductance(m, n, dt)


def _rate(m, n, dt):
    keep = 0.0 if m.tau == 0 else math.exp(-dt / float(m.tau))
    return np.array([[float(ACTIVATIONS.index(m.activation)), keep]])


def _binary(m, n, dt):
    return np.zeros((1, 1))


# The built-in neuron kinds (engine/kinds.py): kernel(s), packing, width of the
# coefficient table and the column holding the refractory period in steps.
register_neuron_kind(LIF, {"current": lif_current_step, "conductance": lif_conductance_step}, _lif,
                     coefficients=13, refractory=1, variant=lambda m: m.synapse)
register_neuron_kind(AdEx, adex_step, _adex, coefficients=17, refractory=1)
register_neuron_kind(Izhikevich, izhikevich_step, _izhikevich, coefficients=11, refractory=1)
register_neuron_kind(RateUnit, rate_step, _rate, coefficients=2)
register_neuron_kind(BinaryUnit, binary_step, _binary, coefficients=1)
