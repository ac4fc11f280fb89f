"""Dendritic plasticity: rules on synapses that land on dendritic branches.

:class:`DendriticRule` is the base of rules that need the dendrite: its state
tuple has a field ``branch``, the projection's live per-synapse branch
indices (``st.branch[s]``, bound by the engine at every run, so it follows
structural edits), and it may take parameters of its postsynaptic neuron
model when the network is built (:meth:`DendriticRule.kernel_params_for`).
``Model.validate`` calls :meth:`DendriticRule.check_target`, which refuses a
dendritic rule on a projection that does not land on branches.

* :class:`UrbanczikSenn`: learning by the dendritic prediction of somatic
  spiking (Urbanczik & Senn 2014), on :class:`~neuroplastic.model.UrbanczikNeuron`.
* :class:`BranchPerceptron`: a three-factor rule that teaches a neuron with
  dCaAP branches to fire for chosen input patterns (XOR, docs/dendrites.md).
"""
from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from numba import njit

from .rule import OnPost, OnPre, Periodic, Rule, State, _param_fields, readable_variables
from ..errors import ValidationError
from ..model.spec import Number


def _state_with_branch(owner: type):
    """``RuleState`` of ``owner`` with a trailing ``branch`` field (default None)."""
    nt = namedtuple("RuleState", ["syn", "pre", "post", "glob", "src", "dst", "mod", "branch"], defaults=(None,))
    nt.__module__ = owner.__module__
    nt.__qualname__ = f"{owner.__qualname__}.RuleState"
    setattr(owner, "RuleState", nt)
    return nt


@dataclass(frozen=True)
class DendriticRule(Rule):
    """Base class of rules on synapses onto dendritic branches (module doc).

    Class attributes: ``needs_branches`` (default True): the projection must
    land on branches (``Projection(branch=...)``).
    """

    needs_branches = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._state_type = _state_with_branch(cls)

    def new_state(self, n_synapses, n_pre, n_post, src=None, dst=None, mod=None):
        """As :meth:`Rule.new_state`, with ``branch`` (bound again at every run)."""
        return super().new_state(n_synapses, n_pre, n_post, src, dst, mod)._replace(
            branch=np.zeros(n_synapses, np.int64))

    def kernel_params_for(self, post_model, dt: float):
        """The kernel parameters, given the postsynaptic model and dt (by
        default those of :meth:`Rule.kernel_params`)."""
        return self.kernel_params()

    def check_target(self, owner: str, field: str, post, projection) -> None:
        """Refuse (ValidationError naming ``field``) a projection this rule cannot act on."""
        k = len(getattr(getattr(post, "model", None), "branch_variables", ()))
        if self.needs_branches and (k == 0 or projection.branch is None):
            where = "a population without dendritic branches" if k == 0 else "the soma (branch=None)"
            raise ValidationError(owner, field, type(self).__name__,
                                  f"is a dendritic rule: its projection must land on dendritic branches, "
                                  f"not on {where} of '{projection.post}'")
        missing = [name for name in self.post_reads if name not in readable_variables(post)]
        if missing:
            raise ValidationError(owner, field, type(self).__name__,
                                  f"needs branch potentials and events ({', '.join(missing)}: a DendriticNeuron "
                                  f"population); '{projection.post}' has none")


def _bound_params(owner: type, extra: tuple):
    """A named tuple ``owner.BoundParams``: the rule's parameters, then ``extra``."""
    nt = namedtuple("BoundParams", [f.name for f in _param_fields(owner)] + list(extra))
    nt.__module__ = owner.__module__
    nt.__qualname__ = f"{owner.__qualname__}.BoundParams"
    setattr(owner, "BoundParams", nt)
    return nt


# --- Urbanczik & Senn 2014 ---------------------------------------------------------

#: Unit of potential of the published (dimensionless) equations, mV: theta - E_L.
PAPER_UNIT_MV = 15.0


@njit(cache=True)
def _us_pre_spike(i, t, st, p):
    st.pre.x_l[i] += 1.0
    st.pre.x_s[i] += 1.0


@njit(cache=True, error_model="numpy")
def _us_every(t, w, conn, st, p):
    n_post = st.dst.v_star.shape[0]
    factor = np.empty(n_post)
    for j in range(n_post):   # (S - phi(V*)) h(V*), per postsynaptic neuron
        x = p.k * math.exp(p.beta * (p.theta - st.dst.v_star[j]))
        phi = p.phi_max / (1.0 + x)
        h = p.beta * x / (1.0 + x)
        factor[j] = (st.dst.activity[j] / p.dt - phi) * h
    keep = p.dec_delta
    gain = p.eta * p.kappa * p.dt
    for s in range(w.shape[0]):
        if conn.alive[s]:
            i = conn.pre[s]
            psp = p.psp * (st.pre.x_l[i] - st.pre.x_s[i])
            st.syn.pi[s] = st.syn.pi[s] * keep + (1.0 - keep) * factor[conn.post[s]] * psp
            w[s] += gain * st.syn.pi[s]
    for i in range(st.pre.x_l.shape[0]):
        st.pre.x_l[i] *= p.dec_l
        st.pre.x_s[i] *= p.dec_s


@dataclass(frozen=True)
class UrbanczikSenn(DendriticRule, OnPre, Periodic):
    """Learning by the dendritic prediction of somatic spiking (Urbanczik & Senn 2014).

    For a synapse onto the dendrite of an :class:`~neuroplastic.model.UrbanczikNeuron`::

        dw/dt = eta * kappa * PI(t)
        tau_delta dPI/dt = -PI + (S(t) - phi(V*)) h(V*) PSP(t)

    ``S`` is the neuron's spike train (1/ms), ``V* = v_star`` the dendritic
    prediction of the somatic potential, ``phi`` the neuron's rate function
    (1/ms), ``h = d ln(phi)/dV = beta k e^{beta (theta - V*)} / (1 + k e^{...})``
    (1/mV), and ``PSP`` the dendritic potential one presynaptic spike of unit
    weight causes: ``tau_s / (g_ld (tau_L - tau_s)) (e^{-t/tau_L} - e^{-t/tau_s})``
    (mV/pA; ``tau_L = c_d / g_ld``, ``tau_s = tau_ed``), summed over its spikes.
    ``kappa = (15 mV)^2 c_d / (mV^2 pF)`` converts the published dimensionless
    equations (unit of potential theta - E_L = 15 mV) to weights in pA, as
    NEST's ``urbanczik_synapse`` does, so ``eta`` means what it does there
    (0.17 in NEST's example of Fig. 1B, 0.75 in its unit test).

    The rule runs every step (``period`` 0): PI is filtered exactly for input
    held over a step and the weight moves by ``eta kappa dt PI``. Presynaptic
    spikes count from their emission (use delay 0; a delay makes the rule's
    PSP lead the dendrite's by it). Parameters of the neuron (tau_L, tau_s,
    g_ld, c_d, phi) are taken from the postsynaptic population, one value for
    all its neurons. Parameters: eta; tau_delta (ms).

    References: Urbanczik R, Senn W (2014) Learning by the dendritic
    prediction of somatic spiking. Neuron 81:521-528; NEST ``urbanczik_synapse``.
    """

    eta: float = 0.07
    tau_delta: float = 100.0
    period: float = 0.0

    constraints = {"eta": dict(ge=0), "tau_delta": dict(gt=0, unit="ms", time_constant=True),
                   "period": Number("ms", ge=0, le=0)}
    pre_state = (State("x_l"), State("x_s"))
    synapse_state = (State("pi", unit="1/(ms pA)"),)
    post_reads = ("v_star", "activity")
    on_pre, pre_spike, every = OnPre.on_pre, _us_pre_spike, _us_every

    def kernel_params_for(self, post_model, dt):
        m, owner = post_model, f"{type(self).__name__}"
        names = ("c_d", "g_ld", "tau_ed", "phi_max", "k", "beta", "theta")
        value = {name: _one_value(owner, m, name) for name in names}
        tau_l, tau_s = value["c_d"] / value["g_ld"], value["tau_ed"]
        if abs(tau_l - tau_s) < 1e-9 * tau_l:
            raise ValidationError(owner, "postsynaptic tau_ed", tau_s,
                                  f"must differ from the dendrite's c_d / g_ld = {tau_l:g} ms (the PSP kernel)")
        user = self.kernel_params()
        return type(self).BoundParams(
            *user, psp=tau_s / (value["g_ld"] * (tau_l - tau_s)), kappa=PAPER_UNIT_MV ** 2 * value["c_d"],
            dec_l=math.exp(-dt / tau_l), dec_s=math.exp(-dt / tau_s), dec_delta=math.exp(-dt / self.tau_delta),
            phi_max=value["phi_max"] * 1e-3, k=value["k"], beta=value["beta"], theta=value["theta"], dt=dt)

    def check_target(self, owner, field, post, projection):
        from ..model.dendrites import UrbanczikNeuron

        if not isinstance(getattr(post, "model", None), UrbanczikNeuron) or projection.branch != 0:
            raise ValidationError(owner, field, type(self).__name__,
                                  "must sit on a projection onto the dendrite (branch=0) of an UrbanczikNeuron "
                                  f"population; '{projection.post}' is not that")


_bound_params(UrbanczikSenn, ("psp", "kappa", "dec_l", "dec_s", "dec_delta", "phi_max", "k", "beta", "theta", "dt"))


def _one_value(owner: str, model, name: str) -> float:
    value = np.asarray(getattr(model, name), float)
    if value.ndim and not np.all(value == value.flat[0]):
        raise ValidationError(owner, f"postsynaptic {name}", "one value per neuron",
                              "must be one value for the whole population (the rule's PSP kernel and rate function)")
    return float(value.flat[0]) if value.ndim else float(value)


# --- XOR in one neuron: branch-specific supervised plasticity ------------------------

@njit(cache=True)
def _bp_on_pre(s, i, j, t, w, st, p):
    quiet = st.dst.ev[st.branch[s], j] <= 0.0
    st.syn.e[s] += 1.0 if quiet else -1.0
    return 0.0


@njit(cache=True)
def _bp_post_spike(j, t, st, p):
    if t - math.floor(t / p.period + 1e-9) * p.period < p.window - 1e-9:
        st.post.count[j] += 1.0


@njit(cache=True)
def _bp_every(t, w, conn, st, p):
    y = st.mod.teacher[0]
    for s in range(w.shape[0]):
        if conn.alive[s] and st.syn.e[s] != 0.0:
            count = st.post.count[conn.post[s]]
            error = y * (count < p.fire_count) - (1.0 - y) * (count > p.quiet_count)
            w[s] += p.eta * error * st.syn.e[s]
            st.syn.e[s] = 0.0
    for j in range(st.post.count.shape[0]):
        st.post.count[j] = 0.0


@dataclass(frozen=True)
class BranchPerceptron(DendriticRule, OnPre, OnPost, Periodic):
    """Branch-specific supervised plasticity: a perceptron rule whose sign each
    branch sets from its own dendritic-spike state (three factors, all local).

    During a presentation (``period`` ms) every presynaptic spike tags its
    synapse with the state of the branch it lands on::

        e_s += +1   if the branch has no dendritic event running (ev <= 0: drive below threshold)
        e_s += -1   if it has (ev > 0: at or above threshold)

    At the end of the presentation, with ``y`` the teacher's label (the level of
    modulator ``teacher``: 1 "fire", 0 "stay silent") and ``c`` the neuron's
    own spike count in the first ``window`` ms of the presentation (the
    stimulus)::

        error = y [c < fire_count] - (1 - y) [c > quiet_count]
        w_s += eta error e_s ;   e_s = 0

    (with ``fire_count = 1`` and ``quiet_count = 0`` the error is the
    perceptron's ``y - out``; a larger ``fire_count`` asks a target pattern
    for a margin of spikes). A missed target potentiates synapses on silent branches (their drive must
    reach the dCaAP threshold) and depresses those on overdriven ones (a
    dCaAP shrinks as drive grows); a false alarm does the opposite, pushing a
    branch that fired for the wrong pattern beyond its dCaAP window. Each
    factor is local: presynaptic spikes, the state of the synapse's own
    branch, the neuron's own spikes (back-propagating), and a broadcast
    teacher signal. No gradient is computed.

    Parameters: eta (weight units per tagged spike); teacher (modulator name);
    period (ms, the presentation length: presentations start at multiples of
    it); window (ms, <= period: the part of each presentation whose spikes
    are its output); fire_count (>= 1) and quiet_count (>= 0) (spikes).

    References: the perceptron rule (Rosenblatt 1958); three-factor rules
    (Fremaux & Gerstner 2016, Front Neural Circuits 9:85); dCaAPs and XOR
    (Gidon et al. 2020, Science 367:83); branch-specific plasticity (Losonczy,
    Makara & Magee 2008, Nature 452:436; Legenstein & Maass 2011, J Neurosci 31:10787).
    """

    eta: float = 1.0
    teacher: str = "teacher"
    period: float = 100.0
    window: float = 100.0
    fire_count: float = 1.0
    quiet_count: float = 0.0

    constraints = {"eta": dict(ge=0), "period": dict(gt=0, unit="ms"), "window": dict(gt=0, unit="ms"),
                   "fire_count": dict(ge=1), "quiet_count": dict(ge=0)}

    def __post_init__(self):
        super().__post_init__()
        if self.window > self.period:
            raise ValidationError(type(self).__name__, "window", self.window,
                                  f"must be <= period ({self.period:g} ms): the part of a presentation that counts")
    modulated_by = ("teacher",)
    synapse_state = (State("e"),)
    post_state = (State("count"),)
    post_reads = ("ev",)
    on_pre, on_post, post_spike, every = _bp_on_pre, OnPost.on_post, _bp_post_spike, _bp_every
