"""Synaptic consolidation: a slow, bistable reference weight that pulls the fast weight back.

Zenke, Agnes & Gerstner (2015) give every synapse a consolidation variable
w~ (``w_tilde``, weight units) that follows the fast weight w slowly and is
bistable, so that it settles at 0 or at w_P::

    tau_cons dw~/dt = (w - w~) - P w~ (w_P / 2 - w~) (w_P - w~)

With w held equal to w~, the fixed points are w~ = 0 and w~ = w_P (stable) and
w_P / 2 (unstable). With w held fixed the linear term (w - w~) competes; at
w = w~ = w_P / 2 the fixed point is unstable when P w_P^2 / 16 > 1 (P > 16 for
w_P = 0.5). (Written with (w~ - w_P / 2) in place of (w_P / 2 - w~) the cubic
would make w_P / 2 the only stable state: the bistable form is this one.)

The fast weight is pulled towards w~ by Zenke's heterosynaptic term, applied
at each postsynaptic spike of neuron j to every synapse onto j::

    dw = -beta (w - w~) z_j^3

where z_j is a fast postsynaptic trace (tau_z dz/dt = -z, z <- z + 1 per
spike) read just before this spike's increment, as in
:class:`~neuroplastic.plasticity.homeostasis.Heterosynaptic` (which pulls
towards a fixed w_ref instead). beta = 0 keeps w~ as a pure read-out.

How it composes. The rule owns w~ and applies the pull itself, so it sits on a
projection next to any other rule ([PairSTDP(...), Consolidation(...)]): the
other rules change w, w~ follows w every ``period`` ms, and the pull's dw adds
to theirs at postsynaptic spikes (bounds applied once, after all of them).
Rules do not read each other's state; a rule that needs w~ (a different
pull, a read-out) is written as a variant of this one, which owns it.

Numerics: every ``period`` ms, over the elapsed time h, an exponential-Euler
step exact for the linear part::

    w~ <- w~ e^(-h / tau_cons) + (1 - e^(-h / tau_cons)) (w - P f(w~)),
    f(x) = x (w_P / 2 - x) (w_P - x)

(exact relaxation to w for P = 0; fixed points kept exactly). It is stable
and accurate while h (1 + P w_P^2 / 2) <= tau_cons, which is checked. w~
starts equal to the synapse's weight at the first update or postsynaptic
spike (state ``primed``), and so does a synapse created at run time.

Parameters: tau_cons (ms; 1200 s in the paper), w_p (weight units; 0.5),
bistability P (1 / weight units^2; not given in the canonical notes: 20 is
chosen here, bistable at w_P / 2 for fixed w), beta (dimensionless; 0.05 in
the paper's code), tau_z (ms; 20 ms), period (ms). State (per synapse):
w_tilde (weight units), primed (0/1); (per postsynaptic neuron) z, t_last
(ms); (global) t_last (ms).

Reference: Zenke F, Agnes EJ, Gerstner W (2015) Diverse synaptic plasticity
mechanisms orchestrated to form and retrieve memories in spiking neural
networks. Nat Commun 6:6922.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from ..errors import ValidationError
from . import traces
from .rule import OnPost, Periodic, Rule, State


def check_stable_period(rule) -> None:
    """Refuse a ``period`` (ms) too long for a stable explicit update of w~: the
    drift's stiffness is at most (1 + bistability w_p^2 / 2) / tau_cons for 0 <= w~ <= w_p, so
    period must be <= tau_cons / (1 + bistability w_p^2 / 2). For any rule with
    the fields period, tau_cons, bistability and w_p (Consolidation,
    OrchestratedPlasticity)."""
    stiffness = 1.0 + rule.bistability * rule.w_p ** 2 / 2.0
    if rule.period * stiffness > rule.tau_cons:
        raise ValidationError(type(rule).__name__, "period", rule.period,
                              f"must be <= tau_cons / (1 + bistability * w_p^2 / 2) = "
                              f"{rule.tau_cons / stiffness:g} ms for a stable update of w_tilde")


@njit(cache=True, inline="always")
def _bistable(x, w_p):
    return x * (0.5 * w_p - x) * (w_p - x)


@njit(cache=True, inline="always")
def _prime(s, w, st):
    if st.syn.primed[s] == 0.0:
        st.syn.w_tilde[s] = w
        st.syn.primed[s] = 1.0


@njit(cache=True)
def _consolidation_every(t, w, conn, st, p):
    span = t - st.glob.t_last[0]
    st.glob.t_last[0] = t
    a = math.exp(-span / p.tau_cons)
    for s in range(w.shape[0]):
        if conn.alive[s]:
            _prime(s, w[s], st)
            x = st.syn.w_tilde[s]
            st.syn.w_tilde[s] = x * a + (1.0 - a) * (w[s] - p.bistability * _bistable(x, p.w_p))


@njit(cache=True, inline="always")
def _consolidation_on_post(s, i, j, t, w, st, p):
    _prime(s, w, st)
    z = traces.read(st.post.z[j], st.post.t_last[j], t, p.tau_z)
    return -p.beta * (w - st.syn.w_tilde[s]) * z * z * z


@njit(cache=True, inline="always")
def _consolidation_post_spike(j, t, st, p):
    st.post.z[j] = traces.bump(st.post.z[j], st.post.t_last[j], t, p.tau_z, 0.0)
    st.post.t_last[j] = t


@dataclass(frozen=True)
class Consolidation(Rule, OnPost, Periodic):
    """A bistable consolidation variable w~ per synapse, pulling w towards it (see module doc).

    Args:
        tau_cons: time constant of w~ (ms).
        w_p: the potentiated state of w~ (weight units); 0 and w_p are stable.
        bistability: P, strength of the cubic term (1 / weight units^2).
        beta: strength of the pull of w towards w~ at postsynaptic spikes
            (dimensionless; 0: no pull).
        tau_z: time constant of the postsynaptic trace z (ms).
        period: how often w~ is advanced (ms).
    """

    tau_cons: float = 1_200_000.0
    w_p: float = 0.5
    bistability: float = 20.0
    beta: float = 0.05
    tau_z: float = 20.0
    period: float = 1000.0

    constraints = {
        "tau_cons": dict(gt=0, unit="ms", time_constant=True),
        "w_p": dict(gt=0),
        "bistability": dict(ge=0),
        "beta": dict(ge=0),
        "tau_z": dict(gt=0, unit="ms", time_constant=True),
        "period": dict(gt=0, unit="ms"),
    }
    synapse_state = (State("w_tilde", 0.0, "weight"), State("primed", 0.0, "1"))
    post_state = (State("z", 0.0, "1"), State("t_last", 0.0, "ms"))
    global_state = (State("t_last", 0.0, "ms"),)
    every = _consolidation_every
    on_post, post_spike = _consolidation_on_post, _consolidation_post_spike

    def __post_init__(self):
        super().__post_init__()
        check_stable_period(self)

    def drift(self, w_tilde, w) -> np.ndarray:
        """dw~/dt (weight units per ms) at w~ = ``w_tilde`` for a fast weight ``w``."""
        x = np.asarray(w_tilde, dtype=float)
        return ((w - x) - self.bistability * x * (0.5 * self.w_p - x) * (self.w_p - x)) / self.tau_cons

    def fixed_points(self) -> np.ndarray:
        """The fixed points of w~ when w = w~: 0, w_p / 2 (unstable), w_p."""
        return np.array([0.0, 0.5 * self.w_p, self.w_p])
