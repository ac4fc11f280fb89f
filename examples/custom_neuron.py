"""A complete user-defined neuron model, written without touching the engine.

A leaky integrate-and-fire neuron with a spike-triggered adaptation current
(the AdEx of Brette & Gerstner 2005 with a = 0 and delta_t -> 0; Gerstner,
Kistler, Naud & Paninski 2014, "Neuronal Dynamics", Sect. 6.1)::

    tau_m dv/dt = (v_rest - v) + R (ie + ii - w + i_bias),   R = tau_m / c_m
    tau_w dw/dt = -w
    tau_e die/dt = -ie,   tau_i dii/dt = -ii                  (current synapses, pA)

When v >= v_thresh: a spike, v <- v_reset, w <- w + b, and v is clamped for
t_ref ms (w, ie, ii keep decaying). Each spike adds b to an outward current
that decays with tau_w, so under a constant drive the inter-spike intervals
lengthen until w settles: spike-frequency adaptation (Benda & Herz 2003,
Neural Comput 15:2523).

Between spikes the system is linear, so one step of dt is integrated exactly:
each exponentially decaying current x (ie, ii, -w) moves v by
R/tau_m * tau_m tau_x / (tau_x - tau_m) * (e^{-dt/tau_x} - e^{-dt/tau_m}) * x.

Units: ms, mV, pF, pA (R in GOhm = mV/pA). Run this file to compare the
membrane with its closed form and to see the intervals lengthen.

References: Brette R, Gerstner W (2005) J Neurophysiol 94:3637;
Gerstner W, Kistler WM, Naud R, Paninski L (2014) Neuronal Dynamics, Cambridge UP.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

import neuroplastic as npl
from neuroplastic.engine.kinds import coefficient_rows
from neuroplastic.model.spec import Number

TAU = Number("ms", gt=0, array=True, time_constant=True)
VOLTAGE = Number("mV", array=True)
CURRENT = Number("pA", array=True)


@dataclass(frozen=True)
class AdaptiveLIF(npl.NeuronModel):
    """LIF with a spike-triggered adaptation current (equations in the module doc).

    Parameters: tau_m, tau_w, tau_e, tau_i, t_ref (ms); c_m (pF); v_rest, v_reset,
    v_thresh (mV); b, i_bias (pA). Any may be an array with one value per neuron.
    State: v (mV), w (pA), ie, ii (pA; the excitatory and inhibitory input).
    """

    tau_m: object = 20.0
    c_m: object = 250.0
    v_rest: object = -70.0
    v_reset: object = -70.0
    v_thresh: object = -50.0
    t_ref: object = 2.0
    tau_w: object = 100.0
    b: object = 50.0
    tau_e: object = 5.0
    tau_i: object = 10.0
    i_bias: object = 0.0

    constraints = {"tau_m": TAU, "c_m": Number("pF", gt=0, array=True), "v_rest": VOLTAGE, "v_reset": VOLTAGE,
                   "v_thresh": VOLTAGE, "t_ref": Number("ms", ge=0, array=True), "tau_w": TAU,
                   "b": Number("pA", ge=0, array=True), "tau_e": TAU, "tau_i": TAU, "i_bias": CURRENT}
    state_variables = ("v", "w", "ie", "ii")
    synaptic_variables = ("ie", "ii")

    def default_initial(self):
        return {"v": self.v_rest}


@njit(cache=True, error_model="numpy")
def adaptive_lif_step(state, par, ref, work, spk, bad):
    """One exact step dt of every neuron; returns the number of spikes (-1 on NaN/inf in v)."""
    k = 0
    shared = par.shape[0] == 1
    for i in range(state.shape[1]):
        c = 0 if shared else i
        v, w, ie, ii = state[0, i], state[1, i], state[2, i], state[3, i]
        state[1, i] = w * par[c, 9]
        state[2, i] = ie * par[c, 10]
        state[3, i] = ii * par[c, 11]
        if ref[i] > 0:          # clamped at v_reset; the currents decay on
            ref[i] -= 1
            continue
        v_new = par[c, 3] + (v - par[c, 3]) * par[c, 4] + par[c, 5] + par[c, 6] * ie + par[c, 7] * ii \
            - par[c, 8] * w
        if not math.isfinite(v_new):
            bad[0] = i
            return -1
        if v_new >= par[c, 2]:
            v_new = par[c, 0]
            state[1, i] += par[c, 12]
            ref[i] = int(par[c, 1])
            spk[k] = i
            k += 1
        state[0, i] = v_new
    return k


def _current_to_voltage(tau_m, r, tau_x, dt):
    """How much a current x decaying with tau_x moves v over one step, per pA (mV/pA)."""
    em = np.exp(-dt / tau_m)
    same = np.isclose(tau_x, tau_m, rtol=1e-12, atol=0)
    safe = np.where(same, tau_x + 1.0, tau_x)
    general = r * safe * (np.exp(-dt / safe) - em) / (safe - tau_m)
    return np.where(same, r / tau_m * dt * em, general)


def pack(m: AdaptiveLIF, n: int, dt: float) -> np.ndarray:
    """The coefficient table: 0 v_reset, 1 refractory steps, 2 v_thresh, 3 v_rest,
    4 e^{-dt/tau_m}, 5 R i_bias (1 - e^{-dt/tau_m}), 6-8 current-to-voltage factors
    of ie, ii, w, 9-11 e^{-dt/tau} of w, ie, ii, 12 b."""
    tm = np.broadcast_to(np.asarray(m.tau_m, float), (n,))
    r = tm / np.asarray(m.c_m, float)
    em = np.exp(-dt / tm)
    decay = {name: np.exp(-dt / np.asarray(getattr(m, name), float)) for name in ("tau_w", "tau_e", "tau_i")}
    return coefficient_rows(n, m.v_reset, np.round(np.asarray(m.t_ref) / dt), m.v_thresh, m.v_rest, em,
                            r * np.asarray(m.i_bias, float) * (1 - em),
                            *(_current_to_voltage(tm, r, np.asarray(getattr(m, x), float), dt)
                              for x in ("tau_e", "tau_i", "tau_w")),
                            decay["tau_w"], decay["tau_e"], decay["tau_i"], m.b)


npl.register_neuron_kind(AdaptiveLIF, adaptive_lif_step, pack, coefficients=13, refractory=1)


# -- what it does ------------------------------------------------------------------

def membrane(t, m: AdaptiveLIF, v0: float, w0: float, ie0: float = 0.0) -> np.ndarray:
    """Closed-form v(t) (mV) below threshold from v0, w0, ie0 at t = 0 (scalar parameters)."""
    r = m.tau_m / m.c_m

    def response(x0, tau):   # v's response to a current x0 e^{-t/tau}
        return r * x0 * tau / (tau - m.tau_m) * (np.exp(-t / tau) - np.exp(-t / m.tau_m))

    return (m.v_rest + (v0 - m.v_rest) * np.exp(-t / m.tau_m) + r * m.i_bias * (1 - np.exp(-t / m.tau_m))
            + response(ie0, m.tau_e) - response(w0, m.tau_w))


def intervals(model: AdaptiveLIF, duration: float = 500.0, dt: float = 0.1) -> np.ndarray:
    """Inter-spike intervals (ms) of one neuron driven by its i_bias."""
    net_model = npl.Model(dt=dt)
    net_model.add(npl.Population("n", 1, model))
    net_model.add(npl.SpikeMonitor("n"))
    net = npl.Network(net_model).run(duration)
    return np.diff(net.spikes("n")[1])


def relaxation_error(duration: float = 100.0, dt: float = 0.1) -> float:
    """Largest |v - closed form| (mV) of a neuron relaxing below threshold from
    v = -60 mV, w = 40 pA, ie = 100 pA with i_bias = 100 pA."""
    cell = AdaptiveLIF(i_bias=100.0)
    net_model = npl.Model(dt=dt)
    net_model.add(npl.Population("n", 1, cell, initial={"v": -60.0, "w": 40.0, "ie": 100.0}))
    net_model.add(npl.StateMonitor("n", ("v",), interval=dt))
    rec = npl.Network(net_model).run(duration).monitor("state_n")
    return float(np.max(np.abs(rec["v"][:, 0] - membrane(rec["t"], cell, -60.0, 40.0, 100.0))))


if __name__ == "__main__":
    print(f"membrane below threshold vs closed form: max error {relaxation_error():.1e} mV")
    cell = AdaptiveLIF(i_bias=400.0, b=60.0)
    isi = intervals(cell)
    print(f"inter-spike intervals (ms): first {isi[:4].round(1)}, last {isi[-3:].round(1)}")
    print(f"without adaptation (b = 0): {intervals(AdaptiveLIF(i_bias=400.0, b=0.0))[:4].round(1)}")
