"""Non-spiking units that share the engine with spiking neurons: rate units and
binary threshold units, both in discrete time.

Both sum their input each step from two channels, ``in_e`` (excitatory) and
``in_i`` (inhibitory, subtracted): the net input of a step is
``h = in_e - in_i``, and the channels are emptied after they are read. What a
unit sends through its outgoing synapses is its **activity** (the interface
rules read, ``"activity"``): the output ``r`` of a rate unit (a synapse carries
``w * r``), the state ``x`` (0 or 1) of a binary unit (a synapse carries ``w``
when ``x = 1``, like a spike).

Timing: a projection from a population added earlier in the model, with zero
delay, onto a rate unit delivers in the same step (a feed-forward layer
computes ``y(t) = f(W x(t))``); every other projection, recurrent ones
included, delivers at the next step (``x(t+1) = f(W x(t))``). Binary units
see the previous step's input, as in SORN's update
``x(t+1) = Theta(W x(t) - T)``, unless ``same_step_input=True`` (then they
time zero-delay input from earlier populations like rate units do).

Units: activities are dimensionless; weights are dimensionless; ``tau`` is in ms.
"""
from __future__ import annotations

from dataclasses import dataclass

from .neurons import NeuronModel
from .spec import Choice, Flag, Number

ACTIVATIONS = ("sigmoid", "tanh", "linear", "relu")


@dataclass(frozen=True)
class RateUnit(NeuronModel):
    """A rate unit ``r = f(gain * h + bias)``.

    ``activation`` is one of ``sigmoid`` (1 / (1 + e^-u)), ``tanh``, ``linear``
    (u) or ``relu`` (max(u, 0)). With ``tau = 0`` (default) the unit is
    memoryless, in discrete time: ``r(t) = f(u(t))``. With ``tau > 0`` (ms) the
    output relaxes towards ``f(u)``: ``tau dr/dt = f(u) - r``, integrated exactly
    for ``u`` constant over the step.

    ``gain`` and ``bias`` are per-unit *state* variables (initialised from these
    parameters), so intrinsic plasticity rules (Triesch's) can change them.

    State variables: r (output), h (net input of the step), gain, bias,
    in_e, in_i (input channels).
    """

    activation: str = "sigmoid"
    gain: object = 1.0
    bias: object = 0.0
    tau: float = 0.0

    state_variables = ("r", "h", "gain", "bias", "in_e", "in_i")
    spike_variable = "r"
    activity_variable = "r"
    graded = True

    constraints = {"activation": Choice(options=ACTIVATIONS), "gain": Number(array=True),
                   "bias": Number(array=True), "tau": Number("ms", ge=0, time_constant=True)}

    @property
    def synaptic_variables(self):
        return ("in_e", "in_i")

    def default_initial(self):
        return {"r": 0.0, "gain": self.gain, "bias": self.bias}


@dataclass(frozen=True)
class BinaryUnit(NeuronModel):
    """A binary threshold unit in discrete time: ``x(t+1) = 1 if h(t) > theta else 0``.

    ``theta`` is a per-unit state variable initialised from ``threshold`` (or
    from the population's ``initial``, e.g. a distribution), so intrinsic
    plasticity can move it. An active unit (x = 1) counts as a spike: spike
    monitors, spike-timing rules and the runaway check see it as one.

    ``same_step_input`` (default False): when True, a zero-delay projection from
    a population added *earlier* in the model delivers in the same step, so the
    unit computes ``y(t+1) = Theta(W x(t+1) - theta)`` from the state its source
    has just computed. This is the "fast inhibition" that SORN implementations
    use for the inhibitory population (chrhartm/SORN ``fast_inhibit = True``, its
    default; delpapa/SORN_V2 always): E -> I acts within the step, so E -> I -> E
    takes one step instead of two. Other inputs keep the next-step timing.

    State variables: x (0/1), h (net input of the step), theta, in_e, in_i.

    Reference: Lazar A, Pipa G, Triesch J (2009) Front Comput Neurosci 3:23.
    """

    threshold: object = 0.5
    same_step_input: bool = False

    state_variables = ("x", "h", "theta", "in_e", "in_i")
    spike_variable = "x"
    activity_variable = "x"

    constraints = {"threshold": Number(array=True), "same_step_input": Flag()}

    @property
    def synaptic_variables(self):
        return ("in_e", "in_i")

    def default_initial(self):
        return {"x": 0.0, "theta": self.threshold}
