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
from .spec import Choice, Integer, Number, check, per_neuron

SYNAPSE_KINDS = ("current", "conductance")

# Field declarations shared by the models (per-neuron arrays allowed unless said).
TAU_M = Number("ms", gt=0, array=True, seconds_below=0.1, time_constant=True)
TAU = Number("ms", gt=0, array=True, time_constant=True)
T_REF = Number("ms", ge=0, array=True)
VOLTAGE = Number("mV", array=True)
CAPACITANCE = Number("pF", gt=0, array=True)
CURRENT = Number("pA", array=True)
SYNAPSES = {"synapse": Choice(options=SYNAPSE_KINDS), "tau_e": TAU, "tau_i": TAU,
            "e_e": VOLTAGE, "e_i": VOLTAGE, "i_bias": CURRENT}


@dataclass(frozen=True)
class NeuronModel:
    """Base class of all neuron models (abstract: use a subclass)."""

    state_variables = ()          # ordered names of per-neuron state rows
    spike_variable = "v"          # the variable compared with the threshold
    activity_variable = None      # state row that is the unit's activity (None: spikes)
    graded = False                # True: synapses carry w * activity, every step
    #: Per dendritic branch, the two state rows receiving its excitatory and
    #: inhibitory input (``model/branches.py``); empty for point neurons.
    branch_variables = ()

    @property
    def state_blocks(self) -> dict:
        """Names of groups of consecutive state rows that rules may read as one
        ``(rows, n)`` array (e.g. one row per dendritic branch); none by default."""
        return {}

    def parameters(self) -> dict:
        """All parameters by name (scalars or per-neuron arrays)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def check_sizes(self, owner: str, n: int) -> None:
        """Check that per-neuron parameter arrays have length ``n``."""
        for key, value in self.parameters().items():
            per_neuron(owner, key, value, n)

    def __post_init__(self):
        check(self, type(self).__name__)
        self.check_consistency()

    def check_consistency(self) -> None:
        """Relations between fields (after each field is checked); warns of likely mistakes."""

    def _warn_reset_above_threshold(self, threshold: str, reset: str) -> None:
        """A reset above the threshold makes the neuron fire again as soon as its
        refractory period ends, whatever its input."""
        over = np.asarray(getattr(self, reset)) > np.asarray(getattr(self, threshold))
        if np.any(over):
            v.warn(type(self).__name__, threshold, v.show(getattr(self, threshold)),
                   f"is below {reset} ({v.show(getattr(self, reset))} mV): after a spike the neuron "
                   f"fires again as soon as its refractory period ends, whatever its input "
                   f"(are {threshold} and {reset} swapped?)")

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

    constraints = {"tau_m": TAU_M, "c_m": CAPACITANCE, "v_rest": VOLTAGE, "v_reset": VOLTAGE,
                   "v_thresh": VOLTAGE, "t_ref": T_REF, **SYNAPSES}

    def check_consistency(self):
        self._warn_reset_above_threshold("v_thresh", "v_reset")

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

    constraints = {"c_m": CAPACITANCE, "g_l": Number("nS", gt=0, array=True), "e_l": VOLTAGE,
                   "v_t": VOLTAGE, "delta_t": Number("mV", gt=0, array=True), "v_peak": VOLTAGE,
                   "v_reset": VOLTAGE, "tau_w": TAU, "a": Number("nS", array=True), "b": CURRENT,
                   "t_ref": T_REF, **SYNAPSES}

    def check_consistency(self):
        self._warn_reset_above_threshold("v_peak", "v_reset")

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

    Units: v, c, v_peak in mV; a, b in 1/ms; u, d and i_bias in mV/ms (the
    input I is added to dv/dt directly); t_ref, tau_e, tau_i in ms.
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

    constraints = {"a": Number("1/ms", gt=0, array=True), "b": Number("1/ms", array=True), "c": VOLTAGE,
                   "d": Number("mV/ms", array=True), "v_peak": VOLTAGE, "t_ref": T_REF,
                   **SYNAPSES, "synapse": Choice(options=("current",)),
                   "i_bias": Number("mV/ms", array=True), "v_substeps": Integer(ge=1, le=100)}

    def check_consistency(self):
        self._warn_reset_above_threshold("v_peak", "c")

    @property
    def state_variables(self):
        return ("v", "u") + self.synaptic_variables

    def default_initial(self):
        return {"v": self.c, "u": np.multiply(self.b, self.c)}


def _all_models():
    from .aif import AIF
    from .clopath import AdExClopath
    from .dendrites import DendriticNeuron, UrbanczikNeuron
    from .srm import SRM
    from .units import BinaryUnit, RateUnit

    return {cls.__name__: cls for cls in (LIF, AdEx, Izhikevich, RateUnit, BinaryUnit, AIF, AdExClopath,
                                          DendriticNeuron, UrbanczikNeuron, SRM)}


NEURON_MODELS = _all_models()
