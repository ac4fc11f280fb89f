"""Compiled step of :class:`~neuroplastic.model.srm.SRM`: kernel, packing, registration.

The model's equations are linear between output spikes, so one step of dt is
exact (model doc): u <- u e^{-dt/tau_m} + z g with z = X (x - xi) - A a the
drive, which decays with tau_s, and g its propagator into u.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from .kinds import coefficient_rows, register_neuron_kind
from ..model.srm import SRM


@njit(cache=True, error_model="numpy")
def srm_step(state, par, ref, work, spk, bad):
    """One step of the SRM (columns of par: k1 T, ref steps, T, e^{-dt/tau_m},
    e^{-dt/tau_s}, X g, A g with g the propagator of the tau_s-drive into u)."""
    k = 0
    shared = par.shape[0] == 1
    for i in range(state.shape[1]):
        c = 0 if shared else i
        u, x, a, xi = state[0, i], state[1, i], state[2, i], state[3, i]
        u_new = u * par[c, 3] + par[c, 5] * (x - xi) - par[c, 6] * a
        state[1, i] = x * par[c, 4]
        state[2, i] = a * par[c, 4]
        state[3, i] = xi * par[c, 4]
        if not math.isfinite(u_new):
            bad[0] = i
            return -1
        if ref[i] > 0:
            ref[i] -= 1
        elif u_new >= par[c, 2]:
            u_new = par[c, 0]
            state[1, i] = 0.0
            state[2, i] = 1.0
            state[3, i] = 0.0
            ref[i] = int(par[c, 1])
            spk[k] = i
            k += 1
        state[0, i] = u_new
    return k


def pack(m: SRM, n: int, dt: float) -> np.ndarray:
    """Coefficients (see srm_step); g as in the module doc."""
    em, es = math.exp(-dt / m.tau_m), math.exp(-dt / m.tau_s)
    g = m.tau_s / (m.tau_s - m.tau_m) * (es - em)          # u-response to a unit drive z(0) = 1 over dt
    a_amp = m.k2 * m.threshold * (m.tau_m - m.tau_s) / m.tau_s
    return coefficient_rows(n, m.k1 * m.threshold, round(m.t_ref / dt), m.threshold, em, es, m.x_norm * g,
                            a_amp * g)


register_neuron_kind(SRM, srm_step, pack, coefficients=7, refractory=1)
