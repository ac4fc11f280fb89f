"""Branch-specific plasticity: branch strengths and branch-gated STDP.

Two rules after Legenstein & Maass (2011), who showed that a neuron whose
branches each have a strength, potentiated by dendritic spikes that the soma
follows, and whose synapses change only where their branch is depolarized,
lets its branches compete and specialize on different input patterns:

**BranchStrength** (a neuron rule on a :class:`~neuroplastic.model.DendriticNeuron`
population). Branch ``b`` of neuron ``j`` sends ``u_b [amp_b + g_c (vd_b - v)]``
to the soma (the strength ``u_b`` is the neuron's state row ``u_b``, initially
1). When the soma spikes, every branch with a dendritic event running
(``ev_b > 0``: a dendritic spike began less than ``dur_d`` ms ago) is
potentiated towards ``u_max``::

    u_b <- u_b + eta_u (u_max - u_b)      at a somatic spike, if ev_b > 0

so after ``n`` such spikes ``u_b = u_max - (u_max - u_0)(1 - eta_u)^n``.
Branches whose dendritic spikes do not drive the soma keep their strength.
(Dendritic-spike-dependent potentiation of branch excitability: Losonczy,
Makara & Magee 2008, Nature 452:436; its role in learning: Legenstein &
Maass 2011.) [eta_u: fraction of the distance to u_max per pairing; u_max
dimensionless.]

**BranchSTDP** (a :class:`~neuroplastic.plasticity.DendriticRule` on a projection
onto branches). Pair STDP with all-to-all traces (x per presynaptic neuron,
tau_plus; y per postsynaptic neuron, tau_minus), each change gated by the
state of the synapse's own branch ``b = branch[s]`` at the time of the spike::

    post spike at t:  w_s += a_plus  x_i(t)   if gate(b, j),  else  w_s -= a_ltd x_i(t)
    pre spike at t:   w_s -= a_minus y_j(t)   if gate(b, j)
    gate = vd_b >= theta_gate            (gate_by="depolarization")
    gate = ev_b > 0                      (gate_by="dendritic_spike")

With ``a_ltd = 0`` synapses on a branch that the current input does not
depolarize do not change, so a branch strengthens the inputs that already
drive it and leaves the others alone. With ``a_ltd > 0`` an input whose
spike preceded a somatic spike is depressed on the branches it failed to
depolarize (the sign of the change set by the local depolarization, as in
Artola, Broecher & Singer 1990, Nature 347:69: weak depolarization LTD,
strong LTP): an input keeps only the branch it drives, and branches compete
for input groups and specialize (docs/dendrites.md). [a_plus, a_minus, a_ltd: weight units (pA) per pairing;
tau_plus, tau_minus: ms; theta_gate: mV.] Depolarization-gated synaptic
plasticity on branches: Gordon, Polsky & Schiller 2006 (J Neurosci 26:12717);
Legenstein & Maass 2011. The parameters are this library's choices, not
fitted values from those papers.

Reference: Legenstein R, Maass W (2011) Branch-specific plasticity enables
self-organization of nonlinear computation in single neurons. J Neurosci
31:10787-10802.
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from . import traces
from .dendritic import DendriticRule
from .rule import NeuronRule, OnPost, OnPre, OnSpike, State


@njit(cache=True, inline="always")
def _strength_on_spike(j, t, st, p):
    ev, u = st.var.ev, st.var.u
    for b in range(u.shape[0]):
        if ev[b, j] > 0.0:
            u[b, j] += p.eta_u * (p.u_max - u[b, j])


@dataclass(frozen=True)
class BranchStrength(NeuronRule, OnSpike):
    """Branch-strength potentiation by dendritic spikes followed by a somatic
    spike (Legenstein & Maass 2011; module doc). Attach to a population of
    :class:`~neuroplastic.model.DendriticNeuron` (``Population(rules=[...])``).

    Args:
        eta_u: fraction of the distance to ``u_max`` gained per pairing (0-1).
        u_max: the strength potentiation approaches (dimensionless, > 0).
    """

    eta_u: float = 0.1
    u_max: float = 2.0

    constraints = {"eta_u": dict(ge=0, le=1), "u_max": dict(gt=0)}
    reads = ("ev", "u")
    on_spike = _strength_on_spike


@njit(cache=True, inline="always")
def _gate(s, j, st, p):
    b = st.branch[s]
    if p.gate_by > 0.5:
        return st.dst.ev[b, j] > 0.0
    return st.dst.vd[b, j] >= p.theta_gate


@njit(cache=True, inline="always")
def _bstdp_on_pre(s, i, j, t, w, st, p):
    if not _gate(s, j, st, p):
        return 0.0
    return -p.a_minus * traces.read(st.post.y[j], st.post.t_last[j], t, p.tau_minus)


@njit(cache=True, inline="always")
def _bstdp_on_post(s, i, j, t, w, st, p):
    x = traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus)
    return p.a_plus * x if _gate(s, j, st, p) else -p.a_ltd * x


@njit(cache=True, inline="always")
def _bstdp_pre_spike(i, t, st, p):
    st.pre.x[i] = traces.bump(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus, 0.0)
    st.pre.t_last[i] = t


@njit(cache=True, inline="always")
def _bstdp_post_spike(j, t, st, p):
    st.post.y[j] = traces.bump(st.post.y[j], st.post.t_last[j], t, p.tau_minus, 0.0)
    st.post.t_last[j] = t


@dataclass(frozen=True)
class BranchSTDP(DendriticRule, OnPre, OnPost):
    """Pair STDP gated by the synapse's branch (module doc): a change happens
    only while the branch is depolarized to ``theta_gate`` (``gate_by=
    "depolarization"``) or has a dendritic spike running (``"dendritic_spike"``).

    Args:
        a_plus, a_minus: potentiation / depression per pairing (weight units).
        a_ltd: depression per pairing on a branch whose gate is closed (weight
            units; 0: no change there).
        tau_plus, tau_minus: trace time constants (ms).
        theta_gate: branch potential at or above which plasticity is on (mV).
        gate_by: "depolarization" or "dendritic_spike".
    """

    a_plus: float = 5.0
    a_minus: float = 5.0
    a_ltd: float = 0.0
    tau_plus: float = 20.0
    tau_minus: float = 20.0
    theta_gate: float = -60.0
    gate_by: str = "depolarization"

    constraints = {"a_plus": dict(ge=0), "a_minus": dict(ge=0), "a_ltd": dict(ge=0),
                   "tau_plus": dict(gt=0, unit="ms"),
                   "tau_minus": dict(gt=0, unit="ms"), "theta_gate": dict(unit="mV"),
                   "gate_by": ("depolarization", "dendritic_spike")}
    pre_state = (State("x"), State("t_last", unit="ms"))
    post_state = (State("y"), State("t_last", unit="ms"))
    post_reads = ("vd", "ev")
    on_pre, pre_spike, on_post, post_spike = _bstdp_on_pre, _bstdp_pre_spike, _bstdp_on_post, _bstdp_post_spike

