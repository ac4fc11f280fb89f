"""The adaptive exponential neuron of voltage-based STDP (Clopath et al. 2010).

The neuron of NEST's ``aeif_psc_delta_clopath``: an AdEx membrane with an
adaptive threshold, a depolarizing spike after-current, a spike clamped at a
fixed voltage for a while, delta synapses, and the low-pass traces of its
membrane potential that the voltage rule reads (``ClopathSTDP``,
plasticity/voltage.py). The traces are kept once per neuron, as state rows,
not per synapse. Equations (units: mV, ms, pF, nS, pA)::

    c_m dv/dt    = -g_l (v - e_l) + g_l delta_t exp((v - v_t)/delta_t) - w + z + i_bias
    tau_w dw/dt  = a (v - e_l) - w
    tau_z dz/dt  = -z
    tau_v_t dv_t/dt = v_t_rest - v_t
    tau_minus du_minus/dt = v - u_minus          (u-bar-minus of the rule, mV)
    tau_plus  du_plus/dt  = v - u_plus           (u-bar-plus, mV)
    tau_bar_bar du_bar_bar/dt = u_minus - u_bar_bar   (the slow average, mV)

Delta synapses: a presynaptic spike of weight w (mV) makes v jump by +w
(``receptor="exc"``) or -w (``"inh"``) at the end of the step in which it
arrives, as in NEST's ``psc_delta``; while clamped or refractory the input is
dropped (as in NEST).

Spike: when v >= v_peak, v is set to v_clamp and held there for t_clamp ms
(the voltage of a real spike, which the traces see), w <- w + b (and w is
frozen during the clamp), z <- i_sp, v_t <- v_t_max; then v <- v_reset and v
is held there for t_ref ms more (w keeps evolving). While clamped the traces
integrate v_clamp, while refractory v_reset.

Trace delay: the rule reads ``u_minus_delayed`` and ``u_plus_delayed``, the
two traces as they were ``trace_delay`` ms earlier (NEST's ``delay_u_bars``,
from the authors' code): at a spike, the potentiation term then sees the
depolarization *before* the spike rather than the spike itself. The delay is
kept exactly, at the time step's resolution, by a per-neuron delay line of
``delay_slots`` rows (``line_0 ...``) holding each step's voltage; it must
hold at least ``trace_delay / dt + 1`` steps (checked when the network is
built). ``u_bar_bar`` follows the undelayed ``u_minus`` (as in NEST).

Defaults: NEST ``aeif_psc_delta_clopath`` (v_reset -60 mV; the NEST pairing
example uses e_l + 21 mV) and its archiving node (``delay_u_bars`` 5 ms).

References: Clopath C, Buesing L, Vasilaki E, Gerstner W (2010) Nat Neurosci
13:344. Brette R, Gerstner W (2005) J Neurophysiol 94:3637. NEST
``aeif_psc_delta_clopath`` model documentation; ModelDB 144566 (the authors'
code: spike clamp, trace delay).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neurons import CAPACITANCE, CURRENT, T_REF, TAU, VOLTAGE, NeuronModel
from .spec import Integer, Number
from ..errors import ValidationError

#: The fixed state rows, in order; the delay line follows (``line_0`` ...).
ROWS = ("v", "w", "z", "v_t", "u_minus", "u_plus", "u_bar_bar", "u_minus_delayed", "u_plus_delayed",
        "in_e", "in_i", "line_pos")


@dataclass(frozen=True)
class AdExClopath(NeuronModel):
    """AdEx with adaptive threshold, spike after-current, spike clamp, delta
    synapses and the voltage traces of voltage-based STDP (module doc).

    Parameters: c_m (pF); g_l, a (nS); e_l, delta_t, v_t_rest, v_t_max, v_peak,
    v_clamp, v_reset (mV); tau_w, tau_z, tau_v_t, t_clamp, t_ref, tau_minus,
    tau_plus, tau_bar_bar, trace_delay (ms); b, i_sp, i_bias (pA);
    delay_slots (steps of the delay line). Per-neuron arrays are allowed
    except for trace_delay and delay_slots.

    State: v, v_t, u_minus, u_plus, u_bar_bar, u_minus_delayed, u_plus_delayed
    (mV); w, z (pA); in_e, in_i (mV, the delta input of the step); line_pos
    and line_0 ... (the delay line).
    """

    c_m: object = 281.0
    g_l: object = 30.0
    e_l: object = -70.6
    delta_t: object = 2.0
    v_t_rest: object = -50.4
    v_t_max: object = 30.4
    tau_v_t: object = 50.0
    tau_w: object = 144.0
    a: object = 4.0
    b: object = 80.5
    i_sp: object = 400.0
    tau_z: object = 40.0
    v_peak: object = 33.0
    v_clamp: object = 33.0
    t_clamp: object = 2.0
    v_reset: object = -60.0
    t_ref: object = 0.0
    i_bias: object = 0.0
    tau_minus: object = 10.0
    tau_plus: object = 7.0
    tau_bar_bar: object = 500.0
    trace_delay: float = 5.0
    delay_slots: int = 128

    constraints = {"c_m": CAPACITANCE, "g_l": Number("nS", gt=0, array=True), "e_l": VOLTAGE,
                   "delta_t": Number("mV", gt=0, array=True), "v_t_rest": VOLTAGE, "v_t_max": VOLTAGE,
                   "tau_v_t": TAU, "tau_w": TAU, "a": Number("nS", array=True), "b": CURRENT,
                   "i_sp": CURRENT, "tau_z": TAU, "v_peak": VOLTAGE, "v_clamp": VOLTAGE,
                   "t_clamp": T_REF, "v_reset": VOLTAGE, "t_ref": T_REF, "i_bias": CURRENT,
                   "tau_minus": TAU, "tau_plus": TAU, "tau_bar_bar": TAU,
                   "trace_delay": Number("ms", ge=0), "delay_slots": Integer(ge=1, le=100_000)}
    synaptic_variables = ("in_e", "in_i")

    def check_consistency(self):
        self._warn_reset_above_threshold("v_peak", "v_reset")
        for low, high in (("v_t_rest", "v_t_max"), ("v_t_rest", "v_peak")):
            if np.any(np.asarray(getattr(self, low)) > np.asarray(getattr(self, high))):
                raise ValidationError("AdExClopath", high, getattr(self, high),
                                      f"must be >= {low} ({getattr(self, low)} mV)")

    @property
    def state_variables(self):
        return ROWS + tuple(f"line_{k}" for k in range(self.delay_slots))

    def default_initial(self):
        rest = {name: self.e_l for name in ("v", "u_minus", "u_plus", "u_bar_bar", "u_minus_delayed",
                                            "u_plus_delayed")}
        return {**rest, "v_t": self.v_t_rest, **{f"line_{k}": self.e_l for k in range(self.delay_slots)}}
