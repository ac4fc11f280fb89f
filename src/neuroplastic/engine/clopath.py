"""Compiled step of :class:`~neuroplastic.model.clopath.AdExClopath`: kernel, packing, registration.

One step ``dt`` of every neuron (equations in the model's docstring):

* membrane: exponential Euler, exact for the leak with the other currents held
  over the step (the spike current ``g_l delta_t exp((v - v_t)/delta_t)`` and
  ``w`` at the start of the step, ``z`` at its exact average over the step);
  ``w`` relaxes exactly towards ``a (v - e_l)``; ``z`` and ``v_t`` decay exactly.
  First order in dt overall, like the AdEx kernel (use dt <= 0.1 ms);
* delta input: the step's input rows (mV) are added to v after the
  integration and emptied (NEST's order: input arriving in a step moves v at
  its end); dropped while clamped or refractory;
* spike: v >= v_peak -> v_clamp for ``t_clamp`` (whole steps), then v_reset for
  ``t_ref``; ``ref`` counts both: ``ref > r`` clamped, ``0 < ref <= r`` refractory;
* traces: each low-pass filter relaxes exactly towards the step's voltage
  ``u = (u0 + u1) / 2``, the mean of the voltage at the start of the step and at
  its end as the traces see it (before the spike's jump to v_clamp; v_clamp
  while clamped, v_reset while refractory): second order for a smooth v.
  ``u_bar_bar`` relaxes towards the mean of ``u_minus`` over the step. The
  delay line stores ``u`` each step; the delayed traces apply the same filters
  to the value stored ``d = round(trace_delay / dt)`` steps earlier, so they
  equal the undelayed traces of ``d`` steps before bit for bit (before the
  first ``d`` steps: their initial value, the neuron at rest before t = 0).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .kinds import coefficient_rows, register_neuron_kind
from .neurons import FASTMATH
from ..errors import ValidationError
from ..model.clopath import ROWS, AdExClopath

V, W, Z, VT, UM, UP, UBB, UMD, UPD, IN_E, IN_I, POS = range(len(ROWS))
LINE = len(ROWS)   # first row of the delay line

# Columns of the coefficient table.
V_RESET, HOLD, REF, V_PEAK, V_CLAMP, E_L, G_L, DELTA_T, E_M, A, B, E_W, I_SP, E_Z, F_Z, \
    VT_REST, VT_MAX, E_VT, I_BIAS, E_MINUS, E_PLUS, E_BAR, DELAY = range(23)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _membrane(state, par, ref, i, c):
    """Advance v, w, z, v_t of neuron i by one step. Returns (u1, event): u1
    the voltage at the end of the step as the traces see it; event 1 on a
    spike, -1 when v or w is not finite, else 0."""
    v, w, vt = state[V, i], state[W, i], state[VT, i]
    z = state[Z, i]
    jump = state[IN_E, i] - state[IN_I, i]
    state[IN_E, i] = 0.0
    state[IN_I, i] = 0.0
    state[Z, i] = z * par[c, E_Z]
    state[VT, i] = par[c, VT_REST] + (vt - par[c, VT_REST]) * par[c, E_VT]
    r = par[c, REF]
    if ref[i] > r:                       # clamped: w frozen, input dropped
        ref[i] -= 1
        if ref[i] == r:
            state[V, i] = par[c, V_RESET]
        return par[c, V_CLAMP], 0
    if ref[i] > 0:                       # refractory at v_reset
        ref[i] -= 1
        target = par[c, A] * (par[c, V_RESET] - par[c, E_L])
        state[W, i] = target + (w - target) * par[c, E_W]
        return par[c, V_RESET], 0
    arg = min((v - vt) / par[c, DELTA_T], 50.0)
    current = par[c, G_L] * par[c, DELTA_T] * math.exp(arg) - w + z * par[c, F_Z] + par[c, I_BIAS]
    v_inf = par[c, E_L] + current / par[c, G_L]
    v_new = v_inf + (v - v_inf) * par[c, E_M]
    target = par[c, A] * (v - par[c, E_L])
    state[W, i] = target + (w - target) * par[c, E_W]
    if not (math.isfinite(v_new) and math.isfinite(state[W, i])):
        return v_new, -1
    u1 = min(v_new, par[c, V_PEAK])
    v_new += jump
    if v_new < par[c, V_PEAK]:
        state[V, i] = v_new
        return u1, 0
    state[W, i] += par[c, B]
    state[Z, i] = par[c, I_SP]
    state[VT, i] = par[c, VT_MAX]
    ref[i] = int(par[c, HOLD])
    state[V, i] = par[c, V_CLAMP] if par[c, HOLD] > r else par[c, V_RESET]
    return u1, 1


@njit(cache=True, fastmath=FASTMATH, error_model="numpy", inline="always")
def _traces(state, par, i, c, u, slots):
    """Advance the traces of neuron i towards the step's voltage u and its delay line."""
    um = state[UM, i]
    state[UM, i] = u + (um - u) * par[c, E_MINUS]
    state[UP, i] = u + (state[UP, i] - u) * par[c, E_PLUS]
    mean = 0.5 * (um + state[UM, i])
    state[UBB, i] = mean + (state[UBB, i] - mean) * par[c, E_BAR]
    pos = int(state[POS, i])
    state[LINE + pos, i] = u
    old = state[LINE + (pos - int(par[c, DELAY])) % slots, i]
    state[UMD, i] = old + (state[UMD, i] - old) * par[c, E_MINUS]
    state[UPD, i] = old + (state[UPD, i] - old) * par[c, E_PLUS]
    state[POS, i] = (pos + 1) % slots


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def adex_clopath_step(state, par, ref, work, spk, bad):
    """One step of every AdExClopath neuron (module doc); returns the number of
    spikes, or -(1 + row) when v (row 0) or w (row 1) is not finite."""
    k = 0
    uniform = par.shape[0] == 1
    slots = state.shape[0] - LINE
    for i in range(state.shape[1]):
        c = 0 if uniform else i
        u0 = state[V, i]
        u1, event = _membrane(state, par, ref, i, c)
        if event < 0:
            bad[0] = i
            return -1 if not math.isfinite(u1) else -2
        _traces(state, par, i, c, 0.5 * (u0 + u1), slots)
        if event > 0:
            spk[k] = i
            k += 1
    return k


def delay_steps(m: AdExClopath, dt: float) -> int:
    """The trace delay in whole steps; raises ValidationError when the delay
    line is too short for it."""
    d = int(round(m.trace_delay / dt))
    if d > m.delay_slots - 1:
        raise ValidationError("AdExClopath", "trace_delay", m.trace_delay,
                              f"must be <= {(m.delay_slots - 1) * dt:g} ms at dt = {dt:g} ms (the delay line "
                              f"holds delay_slots = {m.delay_slots} steps; raise delay_slots)")
    return d


def pack(m: AdExClopath, n: int, dt: float) -> np.ndarray:
    """The coefficient table (columns named at the top of this module)."""
    arr = lambda x: np.broadcast_to(np.asarray(x, float), (n,))
    decay = lambda tau: np.exp(-dt / arr(tau))
    clamp, refractory = np.round(arr(m.t_clamp) / dt), np.round(arr(m.t_ref) / dt)
    tau_z = arr(m.tau_z)
    return coefficient_rows(n, m.v_reset, clamp + refractory, refractory, m.v_peak, m.v_clamp, m.e_l, m.g_l,
                            m.delta_t, np.exp(-dt * arr(m.g_l) / arr(m.c_m)), m.a, m.b, decay(m.tau_w), m.i_sp,
                            decay(tau_z), tau_z * (1.0 - np.exp(-dt / tau_z)) / dt, m.v_t_rest, m.v_t_max,
                            decay(m.tau_v_t), m.i_bias, decay(m.tau_minus), decay(m.tau_plus),
                            decay(m.tau_bar_bar), float(delay_steps(m, dt)))


register_neuron_kind(AdExClopath, adex_clopath_step, pack, coefficients=23, refractory=HOLD)
