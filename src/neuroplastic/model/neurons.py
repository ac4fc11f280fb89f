"""Neuron models: equations and parameters, no numerics.

Every model lists its state variables in a fixed order (the engine stores them as rows
of one array) and its parameters (scalars or one value per neuron). Synaptic input
arrives on two channels, excitatory (``exc``) and inhibitory (``inh``), each an
exponentially decaying variable: a current in pA for ``synapse="current"`` or a
conductance in nS for ``synapse="conductance"``.

Units: ms, mV, nS, pF, pA.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from . import _validate as v

SYNAPSE_KINDS = ("current", "conductance")


@dataclass(frozen=True)
class NeuronModel:
    """Base class of all neuron models (abstract: use a subclass)."""

    state_variables = ()          # ordered names of per-neuron state rows
    spike_variable = "v"          # the variable compared with the threshold
    activity_variable = None      # state row that is the unit's activity (None: spikes)
    graded = False                # True: synapses carry w * activity, every step

    def parameters(self) -> dict:
        """All parameters by name (scalars or per-neuron arrays)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def check_sizes(self, owner: str, n: int) -> None:
        """Check that per-neuron parameter arrays have length ``n``."""
        for key, value in self.parameters().items():
            if not isinstance(value, str):
                v.per_neuron(owner, key, value, n)

    def _check_synapses(self, owner: str) -> None:
        v.choice(owner, "synapse", self.synapse, SYNAPSE_KINDS)
        v.number(owner, "tau_e", self.tau_e, gt=0, unit="ms")
        v.number(owner, "tau_i", self.tau_i, gt=0, unit="ms")
        v.number(owner, "e_e", self.e_e, unit="mV")
        v.number(owner, "e_i", self.e_i, unit="mV")
        v.number(owner, "i_bias", self.i_bias, unit="pA")

    def default_initial(self) -> dict:
        """Initial values of the state variables (before user overrides)."""
        raise NotImplementedError

    @property
    def synaptic_variables(self) -> tuple[str, str]:
        """Names of the excitatory and inhibitory synaptic state variables."""
        return ("ge", "gi") if self.synapse == "conductance" else ("ie", "ii")


@dataclass(frozen=True)
class LIF(NeuronModel):
    """Leaky integrate-and-fire neuron with exponential synapses.

    Current-based (``synapse="current"``)::

        tau_m dv/dt = (v_rest - v) + (ie + ii + i_bias) * tau_m / c_m
        tau_e die/dt = -ie,    tau_i dii/dt = -ii          (pA)

    Conductance-based (``synapse="conductance"``), with g_L = c_m / tau_m::

        c_m dv/dt = g_L (v_rest - v) + ge (e_e - v) + gi (e_i - v) + i_bias
        tau_e dge/dt = -ge,    tau_i dgi/dt = -gi          (nS)

    When v >= v_thresh + theta: a spike, v <- v_reset, and v is clamped for
    t_ref ms. ``theta`` (mV, state, initially 0) is a threshold offset that
    stays constant unless an intrinsic-plasticity rule changes it (see
    ``neuroplastic.plasticity.intrinsic``).
    The current-based form is integrated exactly (linear system); the
    conductance-based form by exponential Euler (exact for constant conductance
    over one step).

    Parameters: tau_m, t_ref, tau_e, tau_i (ms); c_m (pF); v_rest, v_reset,
    v_thresh, e_e, e_i (mV); i_bias (pA). Any may be an array with one value per
    neuron.
    """

    tau_m: object = 20.0
    c_m: object = 250.0
    v_rest: object = -70.0
    v_reset: object = -70.0
    v_thresh: object = -50.0
    t_ref: object = 2.0
    synapse: str = "current"
    tau_e: object = 5.0
    tau_i: object = 10.0
    e_e: object = 0.0
    e_i: object = -80.0
    i_bias: object = 0.0

    def __post_init__(self):
        o = "LIF"
        v.number(o, "tau_m", self.tau_m, gt=0, unit="ms")
        v.number(o, "c_m", self.c_m, gt=0, unit="pF")
        v.number(o, "v_rest", self.v_rest, unit="mV")
        v.number(o, "v_reset", self.v_reset, unit="mV")
        v.number(o, "v_thresh", self.v_thresh, unit="mV")
        v.number(o, "t_ref", self.t_ref, ge=0, unit="ms")
        self._check_synapses(o)

    @property
    def state_variables(self):
        return ("v",) + self.synaptic_variables + ("theta",)

    def default_initial(self):
        return {"v": self.v_rest, "theta": 0.0}


@dataclass(frozen=True)
class AdEx(NeuronModel):
    """Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005).

    ::

        c_m dv/dt = -g_l (v - e_l) + g_l delta_t exp((v - v_t)/delta_t) - w + I_syn + i_bias
        tau_w dw/dt = a (v - e_l) - w

    When v >= v_peak: a spike, v <- v_reset, w <- w + b, clamp for t_ref ms.
    Synaptic input as in :class:`LIF` (current or conductance). Integrated by
    forward Euler on the engine's step (use dt <= 0.1 ms).

    Parameters: c_m (pF); g_l, a (nS); e_l, v_t, delta_t, v_peak, v_reset (mV);
    tau_w, t_ref (ms); b, i_bias (pA). Defaults: Brette & Gerstner 2005, Table 1.

    References: Brette R, Gerstner W (2005) J Neurophysiol 94:3637-3642.
    """

    c_m: object = 281.0
    g_l: object = 30.0
    e_l: object = -70.6
    v_t: object = -50.4
    delta_t: object = 2.0
    v_peak: object = 0.0
    v_reset: object = -70.6
    tau_w: object = 144.0
    a: object = 4.0
    b: object = 80.5
    t_ref: object = 0.0
    synapse: str = "conductance"
    tau_e: object = 5.0
    tau_i: object = 10.0
    e_e: object = 0.0
    e_i: object = -80.0
    i_bias: object = 0.0

    def __post_init__(self):
        o = "AdEx"
        v.number(o, "c_m", self.c_m, gt=0, unit="pF")
        v.number(o, "g_l", self.g_l, gt=0, unit="nS")
        v.number(o, "delta_t", self.delta_t, gt=0, unit="mV")
        v.number(o, "tau_w", self.tau_w, gt=0, unit="ms")
        v.number(o, "t_ref", self.t_ref, ge=0, unit="ms")
        for key in ("e_l", "v_t", "v_peak", "v_reset", "a", "b"):
            v.number(o, key, getattr(self, key))
        self._check_synapses(o)

    @property
    def state_variables(self):
        return ("v", "w") + self.synaptic_variables

    def default_initial(self):
        return {"v": self.e_l, "w": 0.0}


@dataclass(frozen=True)
class Izhikevich(NeuronModel):
    """Izhikevich (2003) simple model.

    ::

        dv/dt = 0.04 v^2 + 5 v + 140 - u + I_syn + i_bias
        du/dt = a (b v - u)

    When v >= v_peak (30 mV): a spike, v <- c, u <- u + d. Input I is in the
    model's own units (mV/ms per unit); synapses are current-based exponentials.
    Integrated by forward Euler on the engine's step.

    Defaults: regular spiking (a 0.02, b 0.2, c -65, d 8); fast spiking is
    a 0.1, d 2. ``v_substeps`` > 1 uses the scheme of Izhikevich's own code
    (2003, 2007): v advances in ``v_substeps`` Euler sub-steps of dt/v_substeps
    with u and the input held, then u advances one step using the new v (his
    networks use dt = 1 ms with two 0.5 ms sub-steps, for numerical stability).
    With the default 1, (v, u) advance together by one forward-Euler step.
    References: Izhikevich EM (2003) IEEE Trans Neural Netw 14:1569;
    Izhikevich EM (2007) Cereb Cortex 17:2443.
    """

    a: object = 0.02
    b: object = 0.2
    c: object = -65.0
    d: object = 8.0
    v_peak: object = 30.0
    t_ref: object = 0.0
    synapse: str = "current"
    tau_e: object = 5.0
    tau_i: object = 10.0
    e_e: object = 0.0
    e_i: object = -80.0
    i_bias: object = 0.0
    v_substeps: int = 1

    def __post_init__(self):
        o = "Izhikevich"
        v.integer(o, "v_substeps", self.v_substeps, ge=1, le=100)
        v.number(o, "a", self.a, gt=0)
        for key in ("b", "c", "d", "v_peak"):
            v.number(o, key, getattr(self, key))
        v.number(o, "t_ref", self.t_ref, ge=0, unit="ms")
        self._check_synapses(o)
        v.choice(o, "synapse", self.synapse, ("current",))

    @property
    def state_variables(self):
        return ("v", "u") + self.synaptic_variables

    def default_initial(self):
        return {"v": self.c, "u": np.multiply(self.b, self.c)}


def _all_models():
    from .units import BinaryUnit, RateUnit

    return {cls.__name__: cls for cls in (LIF, AdEx, Izhikevich, RateUnit, BinaryUnit)}


NEURON_MODELS = _all_models()
