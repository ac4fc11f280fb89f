"""The adaptive integrate-and-fire neuron with AMPA/NMDA conductances of Zenke, Agnes & Gerstner 2015.

The excitatory and inhibitory cells of the orchestrated-plasticity network
(the ``AIF2Group`` / ``IFGroup`` models of the Auryn simulator that the
authors' scripts ``sim_rc_p10c`` use). Conductances are **dimensionless, in
units of the leak conductance** g_L, as in the paper and in Auryn, so a
synaptic weight w opens w * g_L (w = 0.1 is a tenth of the leak)::

    tau_m dv/dt = (v_rest - v) + g_exc (e_exc - v) + (g_gaba + g_adapt) (e_inh - v)
    g_exc       = a_ampa g_ampa + a_nmda g_nmda,
                  a_ampa = r / (1 + r),  a_nmda = 1 / (1 + r),  r = ampa_nmda_ratio
    tau_ampa dg_ampa/dt = -g_ampa                      (excitatory input arrives here)
    tau_nmda dg_nmda/dt = g_ampa - g_nmda              (NMDA: a low-pass copy of AMPA)
    tau_gaba dg_gaba/dt = -g_gaba                      (inhibitory input arrives here)
    tau_adapt dg_adapt/dt = -g_adapt                   (spike-triggered adaptation)
    tau_thr dtheta/dt = -theta                         (dynamic threshold, mV)

A spike when v >= v_thresh + theta: v <- v_reset, theta <- thr_jump (set, not
added: a relative refractory period; with the defaults the threshold falls
from +50 mV back below 0 mV after tau_thr ln 2 = 3.5 ms), g_adapt <- g_adapt +
adapt_jump. The NMDA conductance is linear (no magnesium block), and the
ratio splits one weight between a fast and a slow component whose integrals
add up to the AMPA one (a_ampa + a_nmda = 1).

Numerics (engine/aif.py): the conductances are integrated exactly (a linear
system); v by exponential Euler with each conductance replaced by its exact
mean over the step, as :class:`~neuroplastic.model.neurons.LIF` with
``synapse="conductance"`` does. v always stays between e_inh and e_exc (Auryn
clips it there).

Parameters (defaults: the excitatory cells of ``sim_rc_p10c``; the inhibitory
cells use ``ampa_nmda_ratio=0.3, adapt_jump=0``): tau_m, tau_ampa, tau_nmda,
tau_gaba, tau_adapt, tau_thr (ms); v_rest, v_reset, v_thresh, e_exc, e_inh,
thr_jump (mV); ampa_nmda_ratio, adapt_jump (dimensionless). State: v (mV),
g_ampa, g_nmda, g_gaba, g_adapt (dimensionless, units of g_L), theta (mV).

References: Zenke F, Agnes EJ, Gerstner W (2015) Diverse synaptic plasticity
mechanisms orchestrated to form and retrieve memories in spiking neural
networks. Nat Commun 6:6922 (Methods). Parameters from the authors' code
(github.com/fzenke/pub2015orchestrated, ``src/sim_rc_p10c.cpp``) and the
Auryn simulator it runs on (github.com/fzenke/auryn, ``AIFGroup``,
``AIF2Group``, ``IFGroup``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neurons import NeuronModel
from .spec import Number

TAU = Number("ms", gt=0, array=True, time_constant=True)
VOLTAGE = Number("mV", array=True)
RATIO = Number(gt=0, array=True)


@dataclass(frozen=True)
class AIF(NeuronModel):
    """Adaptive integrate-and-fire neuron with AMPA/NMDA/GABA conductances and a
    dynamic threshold (equations, units and sources in the module doc)."""

    tau_m: object = 20.0
    v_rest: object = -70.0
    v_reset: object = -70.0
    v_thresh: object = -50.0
    e_exc: object = 0.0
    e_inh: object = -80.0
    tau_ampa: object = 5.0
    tau_nmda: object = 100.0
    tau_gaba: object = 10.0
    ampa_nmda_ratio: object = 0.2
    tau_adapt: object = 100.0
    adapt_jump: object = 0.1
    tau_thr: object = 5.0
    thr_jump: object = 100.0

    constraints = {"tau_m": TAU, "v_rest": VOLTAGE, "v_reset": VOLTAGE, "v_thresh": VOLTAGE,
                   "e_exc": VOLTAGE, "e_inh": VOLTAGE, "tau_ampa": TAU, "tau_nmda": TAU, "tau_gaba": TAU,
                   "ampa_nmda_ratio": RATIO, "tau_adapt": TAU, "adapt_jump": Number(ge=0, array=True),
                   "tau_thr": TAU, "thr_jump": Number("mV", ge=0, array=True)}
    state_variables = ("v", "g_ampa", "g_nmda", "g_gaba", "g_adapt", "theta")
    synaptic_variables = ("g_ampa", "g_gaba")

    def check_consistency(self) -> None:
        self._warn_reset_above_threshold("v_thresh", "v_reset")

    def default_initial(self) -> dict:
        return {"v": self.v_rest}

    @property
    def fractions(self) -> tuple:
        """(a_ampa, a_nmda): the shares of an excitatory weight (sum 1)."""
        r = np.asarray(self.ampa_nmda_ratio, dtype=float)
        return r / (1.0 + r), 1.0 / (1.0 + r)
