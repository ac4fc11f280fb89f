"""Compiled kernels of the neurons with dendrites (``model/dendrites.py``), their
packing and their registration as neuron kinds (engine/kinds.py).

:func:`dendritic_step` advances a population of
:class:`~neuroplastic.model.DendriticNeuron` in two passes: branch by branch
over all neurons (each branch's input, exact membrane step, dendritic event
and the current it sends, summed per neuron in ``work[0]``), then the soma.
A branch costs about what a point neuron's update costs (one exact membrane
step, two synaptic decays, a comparison; an exponential only while a dCaAP
lasts), so K branches cost about K point-neuron updates (docs/dendrites.md).

:func:`urbanczik_step` advances :class:`~neuroplastic.model.UrbanczikNeuron`:
the dendrite exactly for its input, the soma by exponential Euler with the
step's mean conductances and the dendrite's mean potential, then a Poisson
spike with probability ``1 - exp(-phi(v) dt)`` drawn from the loop's random
generator (the kind's call passes ``rng``).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .kinds import NeuronKind, check_description, coefficient_rows, register
from .neurons import FASTMATH
from .random import uniform
from ..model.dendrites import DendriticNeuron, UrbanczikNeuron

#: Columns of the somatic part of a DendriticNeuron's table, then per branch.
SOMA_COLUMNS, BRANCH_COLUMNS = 21, 12
NMDA, DCAAP = 1.0, 2.0          # nonlinearity codes (model.dendrites.NONLINEARITIES)


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _branches(state, par, work, kb):
    """Pass 1: every branch of every neuron; ``work[0, i]`` = current to soma i.
    Returns -(1 + row) of a non-finite branch potential (``work[1, 0]`` = neuron), else 0."""
    n = state.shape[1]
    shared = par.shape[0] == 1
    for i in range(n):
        work[0, i] = 0.0
    for b in range(kb):
        rv, re, ri, rt, ro = 4 + b, 4 + kb + b, 4 + 2 * kb + b, 4 + 3 * kb + b, 4 + 4 * kb + b
        q = SOMA_COLUMNS + BRANCH_COLUMNS * b
        for i in range(n):
            c = 0 if shared else i
            ie, ii, e_l = state[re, i], state[ri, i], par[c, 3]
            vd = e_l + (state[rv, i] - e_l) * par[c, q] + par[c, q + 1] + par[c, q + 2] * ie + par[c, q + 3] * ii
            state[re, i] = ie * par[c, q + 4]
            state[ri, i] = ii * par[c, q + 5]
            state[rv, i] = vd
            if not math.isfinite(vd):
                work[1, 0] = i
                return -(1 + rv)
            x = vd - par[c, q + 6]
            steps = int(state[rt, i] / par[c, 20] + 0.5)     # event steps left
            code = par[c, q + 11]
            start = x >= 0.0 and (code == NMDA or (code == DCAAP and steps == 0))
            if start:
                steps = int(par[c, q + 8])
            amp = 0.0
            if steps > 0:
                if code == NMDA:
                    amp = par[c, q + 7]
                else:   # a dCaAP: set by the largest drive since it began, never growing back
                    amp = par[c, q + 7] * math.exp(-max(x, 0.0) * par[c, q + 9])
                    if not start:
                        amp = min(amp, state[ro, i])
                steps -= 1
            state[rt, i] = steps * par[c, 20]
            state[ro, i] = amp
            work[0, i] += amp + par[c, q + 10] * (vd - state[0, i])
    return 0


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def dendritic_step(state, par, ref, work, spk, bad):
    """One step of DendriticNeuron (rows: v, w, ie, ii, then K rows each of vd,
    ied, iid, ev, amp). Soma columns: 0 v_reset, 1 ref_steps, 2 spike threshold,
    3 e_l, 4 e^{-dt/tau_m}, 5 (1 - e^{-dt/tau_m})/g_l, 6 k_e, 7 k_i, 8 e^{-dt/tau_e},
    9 e^{-dt/tau_i}, 10 i_bias, 11 soma (0 LIF, 1 AdEx), 12 g_l, 13 dt/c_m,
    14 delta_t, 15 v_thresh, 16 dt/tau_w, 17 a, 18 b, 19 K, 20 dt. Branch b at
    21 + 12 b: 0 e^{-dt/tau_d}, 1 bias term, 2 k_e, 3 k_i, 4 e^{-dt/tau_de},
    5 e^{-dt/tau_di}, 6 theta_d, 7 amp_d, 8 event steps, 9 1/sigma_d, 10 g_c, 11 code.
    """
    kb = int(par[0, 19])
    err = _branches(state, par, work, kb)
    if err < 0:
        bad[0] = int(work[1, 0])
        return err
    shared = par.shape[0] == 1
    k = 0
    for i in range(state.shape[1]):
        c = 0 if shared else i
        v, w, ie, ii = state[0, i], state[1, i], state[2, i], state[3, i]
        state[2, i] = ie * par[c, 8]
        state[3, i] = ii * par[c, 9]
        state[1, i] = w + par[c, 16] * (par[c, 17] * (v - par[c, 3]) - w)
        if ref[i] > 0:
            ref[i] -= 1
            continue
        drive = par[c, 10] + work[0, i] - w
        if par[c, 11] == 0.0:   # LIF: exact for the step's input
            v_new = par[c, 3] + (v - par[c, 3]) * par[c, 4] + par[c, 5] * drive + par[c, 6] * ie + par[c, 7] * ii
        else:                   # AdEx: forward Euler
            arg = min((v - par[c, 15]) / par[c, 14], 50.0)
            dv = -par[c, 12] * (v - par[c, 3]) + par[c, 12] * par[c, 14] * math.exp(arg) + ie + ii + drive
            v_new = v + par[c, 13] * dv
        if not math.isfinite(v_new):
            bad[0] = i
            return -1
        if v_new >= par[c, 2]:
            state[0, i] = par[c, 0]
            state[1, i] += par[c, 18]
            ref[i] = int(par[c, 1])
            spk[k] = i
            k += 1
        else:
            state[0, i] = v_new
    return k


def current_kernel(tau_m, g, tau_s, dt):
    """Voltage after one step of an exponential current of unit amplitude and
    time constant ``tau_s`` into a membrane of time constant ``tau_m`` and
    conductance ``g`` (exact; the limit where the time constants meet)."""
    tau_m, tau_s = np.asarray(tau_m, float), np.asarray(tau_s, float)
    em = np.exp(-dt / tau_m)
    same = np.isclose(tau_s, tau_m, rtol=1e-12, atol=0)
    safe = np.where(same, tau_s + 1.0, tau_s)
    general = safe * (np.exp(-dt / safe) - em) / (g * (safe - tau_m))
    return np.where(same, dt * em / (g * tau_m), general)


def _per_branch(value, b: int, n: int):
    """Branch ``b``'s column of a branch parameter (scalar, (K,) or (n, K))."""
    arr = np.asarray(value, float)
    return arr if arr.ndim == 0 else arr[b] if arr.ndim == 1 else arr[:, b]


def _pack_dendritic(m: DendriticNeuron, n: int, dt: float) -> np.ndarray:
    f = lambda x: np.asarray(x, float)
    g_l, c_m = f(m.g_l), f(m.c_m)
    tau_m = c_m / g_l
    em = np.exp(-dt / tau_m)
    adex = m.soma == "AdEx"
    soma = [m.v_reset, np.round(f(m.t_ref) / dt), m.v_peak if adex else m.v_thresh, m.e_l, em, (1 - em) / g_l,
            current_kernel(tau_m, g_l, m.tau_e, dt), current_kernel(tau_m, g_l, m.tau_i, dt),
            np.exp(-dt / f(m.tau_e)), np.exp(-dt / f(m.tau_i)), m.i_bias, float(adex), g_l, dt / c_m,
            m.delta_t, m.v_thresh, dt / f(m.tau_w), m.a, m.b, float(m.branches), dt]
    codes = m.nonlinearity_codes()
    columns = []
    for b in range(m.branches):
        p = {name: _per_branch(getattr(m, name), b, n) for name in
             ("tau_d", "g_d", "tau_de", "tau_di", "theta_d", "amp_d", "dur_d", "sigma_d", "g_c", "i_bias_d")}
        em_d = np.exp(-dt / p["tau_d"])
        columns += [em_d, (1 - em_d) * p["i_bias_d"] / p["g_d"],
                    current_kernel(p["tau_d"], p["g_d"], p["tau_de"], dt),
                    current_kernel(p["tau_d"], p["g_d"], p["tau_di"], dt),
                    np.exp(-dt / p["tau_de"]), np.exp(-dt / p["tau_di"]), p["theta_d"], p["amp_d"],
                    np.maximum(1.0, np.round(p["dur_d"] / dt)), 1.0 / p["sigma_d"], p["g_c"], codes[b]]
    return coefficient_rows(n, *soma, *columns)


def _width(m: DendriticNeuron) -> int:
    return SOMA_COLUMNS + BRANCH_COLUMNS * m.branches


# --- Urbanczik & Senn's two-compartment neuron --------------------------------------

@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def urbanczik_step(state, par, ref, work, spk, bad, rng):
    """One step of UrbanczikNeuron (rows: v, v_d, ge, gi, ie_d, ii_d, v_star).

    Columns: 0 ref_steps, 1 e_l, 2 g_l, 3 e_e, 4 e_i, 5 dt/c_m, 6 i_bias,
    7 e^{-dt/tau_e}, 8 e^{-dt/tau_i}, 9, 10 mean-conductance factors, 11 g_sp,
    12 e^{-dt G_d/c_d}, 13 (g_ld e_ld + i_bias_d)/G_d, 14 g_ps/G_d, 15 k_e,
    16 k_i (dendrite), 17 e^{-dt/tau_ed}, 18 e^{-dt/tau_id}, 19 phi_max (1/ms),
    20 k, 21 beta, 22 theta, 23 dt, 24 g_l e_l/(g_l + g_sp), 25 g_sp/(g_l + g_sp);
    G_d = g_ld + g_ps.
    """
    shared = par.shape[0] == 1
    k = 0
    for i in range(state.shape[1]):
        c = 0 if shared else i
        v, vd = state[0, i], state[1, i]
        ge, gi, ie, ii = state[2, i], state[3, i], state[4, i], state[5, i]
        rest = par[c, 13] + par[c, 14] * v
        vd_new = rest + (vd - rest) * par[c, 12] + par[c, 15] * ie + par[c, 16] * ii
        g_e, g_i = ge * par[c, 9], gi * par[c, 10]
        g_tot = par[c, 2] + g_e + g_i + par[c, 11]
        v_inf = (par[c, 2] * par[c, 1] + g_e * par[c, 3] + g_i * par[c, 4] + par[c, 11] * 0.5 * (vd + vd_new)
                 + par[c, 6]) / g_tot
        v_new = v_inf + (v - v_inf) * math.exp(-g_tot * par[c, 5])
        state[2, i], state[3, i] = ge * par[c, 7], gi * par[c, 8]
        state[4, i], state[5, i] = ie * par[c, 17], ii * par[c, 18]
        state[0, i], state[1, i] = v_new, vd_new
        state[6, i] = par[c, 24] + par[c, 25] * vd_new
        if not (math.isfinite(v_new) and math.isfinite(vd_new)):
            bad[0] = i
            return -1 if math.isfinite(vd_new) else -2
        if ref[i] > 0:   # dead time: no spike, the potentials go on
            ref[i] -= 1
            continue
        rate = par[c, 19] / (1.0 + par[c, 20] * math.exp(par[c, 21] * (par[c, 22] - v_new)))
        if uniform(rng) < -math.expm1(-rate * par[c, 23]):
            ref[i] = int(par[c, 0])
            spk[k] = i
            k += 1
    return k


def _pack_urbanczik(m: UrbanczikNeuron, n: int, dt: float) -> np.ndarray:
    f = lambda x: np.asarray(x, float)
    g_d = f(m.g_ld) + f(m.g_ps)
    tau_d = f(m.c_d) / g_d
    g_l, g_sp = f(m.g_l), f(m.g_sp)
    mean = lambda tau: f(tau) * (1.0 - np.exp(-dt / f(tau))) / dt
    return coefficient_rows(
        n, np.round(f(m.t_ref) / dt), m.e_l, g_l, m.e_e, m.e_i, dt / f(m.c_m), m.i_bias,
        np.exp(-dt / f(m.tau_e)), np.exp(-dt / f(m.tau_i)), mean(m.tau_e), mean(m.tau_i), g_sp,
        np.exp(-dt / tau_d), (f(m.g_ld) * f(m.e_ld) + f(m.i_bias_d)) / g_d, f(m.g_ps) / g_d,
        current_kernel(tau_d, g_d, m.tau_ed, dt), current_kernel(tau_d, g_d, m.tau_id, dt),
        np.exp(-dt / f(m.tau_ed)), np.exp(-dt / f(m.tau_id)), f(m.phi_max) * 1e-3, m.k, m.beta, m.theta, dt,
        g_l * f(m.e_l) / (g_l + g_sp), g_sp / (g_l + g_sp))


# The kinds (engine/kinds.py). The Urbanczik neuron draws its spikes from the
# loop's random generator, so its call passes ``rng`` after the standard arguments.
register(NeuronKind(DendriticNeuron, {"step": dendritic_step}, NeuronKind.ARRAYS, NeuronKind.CALL, None,
                    _pack_dendritic, _width, 1))
check_description(DendriticNeuron(), "kind of DendriticNeuron")
register(NeuronKind(UrbanczikNeuron, {"step": urbanczik_step}, NeuronKind.ARRAYS, NeuronKind.CALL + ("rng",), None,
                    _pack_urbanczik, 26, 0))
check_description(UrbanczikNeuron(), "kind of UrbanczikNeuron")
