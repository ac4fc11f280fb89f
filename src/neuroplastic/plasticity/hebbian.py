"""Rate-based Hebbian rules with stabilising terms: Oja's rule and BCM.

Both read presynaptic activity x and postsynaptic activity y through the
``"activity"`` interface (rate units' output, value inputs, binary states, or
spikes of spiking neurons as 0/1 per step) and update every ``period`` ms (set
it to the model's ``dt`` to update every step). Over one update::

    Oja (1982):   dw = eta * y * (x - y * w)
    BCM (Bienenstock, Cooper & Munro 1982; Intrator & Cooper 1992 form):
                  theta_j <- theta_j + (P / tau_theta) * (y_j^2 - theta_j)
                  dw = eta * x * y * (y - theta_j)

``eta`` is dimensionless (per update); P is the period and ``tau_theta`` the
time constant of the sliding threshold, both in ms. Oja's rule drives the
weight vector of a linear unit to the unit-norm principal eigenvector of the
input correlation matrix E[x x^T]. BCM's threshold tracks E[y^2]; with K
equiprobable orthonormal input patterns the stable state responds y = K to
one pattern and 0 to the others, in this discrete-time form (theta updated
before w) on average y = K / (1 + (K - 1) P / tau_theta); it is stable only
if eta * tau_theta / P < 1 (``experiments/bcm_selectivity.py``).

References: Oja E (1982) J Math Biol 15:267. Bienenstock EL, Cooper LN, Munro
PW (1982) J Neurosci 2:32. Intrator N, Cooper LN (1992) Neural Netw 5:3.
"""
from __future__ import annotations

from dataclasses import dataclass

from numba import njit

from .rule import Periodic, Rule, State


@njit(cache=True, inline="always")
def _oja_every(t, w, conn, st, p):
    x, y = st.src.activity, st.dst.activity
    for s in range(w.shape[0]):
        if conn.alive[s]:
            yj = y[conn.post[s]]
            w[s] += p.eta * yj * (x[conn.pre[s]] - yj * w[s])


@dataclass(frozen=True)
class Oja(Rule, Periodic):
    """Oja's rule ``dw = eta y (x - y w)`` every ``period`` ms (see module doc).

    Args:
        eta: learning rate per update (dimensionless).
        period: update interval (ms); the model's dt updates every step.
    """

    eta: float = 1e-3
    period: float = 1.0

    constraints = {"eta": dict(gt=0), "period": dict(gt=0, unit="ms")}
    pre_reads = ("activity",)
    post_reads = ("activity",)
    every = _oja_every


@njit(cache=True, inline="always")
def _bcm_every(t, w, conn, st, p):
    x, y, theta = st.src.activity, st.dst.activity, st.post.theta
    k = p.period / p.tau_theta
    for j in range(theta.shape[0]):
        theta[j] += k * (y[j] * y[j] - theta[j])
    for s in range(w.shape[0]):
        if conn.alive[s]:
            j = conn.post[s]
            w[s] += p.eta * x[conn.pre[s]] * y[j] * (y[j] - theta[j])


@dataclass(frozen=True)
class BCM(Rule, Periodic):
    """BCM rule with a sliding threshold theta = <y^2> (see module doc).

    Args:
        eta: learning rate per update (dimensionless).
        tau_theta: time constant of the sliding threshold (ms); must be much
            longer than the time between input changes, much shorter than
            the weights' time scale.
        theta0: initial threshold (activity^2 units).
        period: update interval (ms).
    """

    eta: float = 1e-3
    tau_theta: float = 100.0
    theta0: float = 0.0
    period: float = 1.0

    constraints = {"eta": dict(gt=0), "tau_theta": dict(gt=0, unit="ms", time_constant=True), "theta0": dict(ge=0),
                   "period": dict(gt=0, unit="ms")}
    pre_reads = ("activity",)
    post_reads = ("activity",)
    post_state = (State("theta", 0.0, "activity^2"),)
    every = _bcm_every

    def __post_init__(self):
        super().__post_init__()
        if self.period > self.tau_theta:
            from ..errors import ValidationError

            raise ValidationError("BCM", "period", self.period,
                                  f"must be <= tau_theta ({self.tau_theta:g} ms) for a stable threshold update")

    def new_state(self, n_synapses, n_pre, n_post, src=None, dst=None, mod=None):
        st = super().new_state(n_synapses, n_pre, n_post, src, dst, mod)
        st.post.theta[:] = self.theta0
        return st
