"""Homeostatic plasticity: synaptic scaling, weight normalization, heterosynaptic decay.

Three rules that keep activity or total synaptic strength near a set point. They
are written against the ordinary rule API and compose with spike-timing rules on
the same projection (see ``docs/homeostasis.md``).

**SynapticScaling** (van Rossum, Bi & Turrigiano 2000). Every postsynaptic
neuron j carries a slow activity sensor a_j (Hz), an event-driven trace::

    tau_a da_j/dt = -a_j,     a_j <- a_j + 1000 / tau_a   at each spike of j

(``tau_a`` in ms, so a_j is a rate estimate in Hz whose mean equals the firing
rate; it is read exactly, decayed to the time of the update). Every ``period`` ms
(P = period / 1000 s; the engine rounds the period to whole time steps) each
incoming weight of j is multiplied by one common factor::

    e_j = target_rate - a_j(t)                      (Hz)
    I_j <- I_j + e_j * P                            (integral of the error, Hz s)
    w   <- w * max(0, 1 + (beta * e_j + gamma * I_j) * P)

which is the forward-Euler step of the PI controller
dw/dt = beta w (a_goal - a) + gamma w * integral of (a_goal - a) dt. All synapses onto j get
the same factor, so the ratios among them are preserved exactly (until a
weight hits the projection's ``w_min``/``w_max``, which the engine applies after
the update). The factor is floored at 0 so a weight never changes sign.

Parameters: tau_a (ms, > 0), target_rate (Hz, >= 0), beta (1/(s Hz), >= 0),
gamma (1/(s^2 Hz), >= 0; 0 = proportional only), period (ms, > 0).
State (per post neuron): a (Hz), t_last (ms), integral (Hz s).

**WeightNormalization** (von der Malsburg 1973; Miller & MacKay 1994). Every
``period`` ms the weights are rescaled multiplicatively so that each neuron's
total incoming (``mode="incoming"``: sum over the synapses onto each post
neuron) or outgoing (``mode="outgoing"``: over the synapses of each pre neuron)
weight equals ``target``::

    w_s <- w_s * target / sum_{s' of that neuron} w_s'

Neurons whose sum is not positive are left untouched. Parameters: target
(weight units, >= 0), mode, period (ms, > 0). No state.

**Heterosynaptic** (Zenke, Agnes & Gerstner 2015). On each postsynaptic spike
of neuron j, every synapse onto j decays towards w_ref, strongly when j fires
at a high rate::

    dw = -beta * (w - w_ref) * z_j^3

where z_j is a fast postsynaptic trace (tau_z dz/dt = -z, z <- z + 1 per
spike) read just before this spike's increment (so an isolated spike causes no
change; the term matters for bursts). Parameters: beta (dimensionless, >= 0:
dw has the units of w - w_ref and z is dimensionless), w_ref (weight units),
tau (ms, > 0). State (per post neuron): z (1), t_last (ms).

References: Turrigiano GG, Leslie KR, Desai NS, Rutherford LC, Nelson SB (1998)
Nature 391:892. van Rossum MCW, Bi GQ, Turrigiano GG (2000) J Neurosci
20:8812. von der Malsburg C (1973) Kybernetik 14:85. Miller KD, MacKay DJC
(1994) Neural Comput 6:100. Zenke F, Agnes EJ, Gerstner W (2015) Nat Commun
6:6922.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from . import traces
from .rule import OnPost, Periodic, Rule, State

# ---------------------------------------------------------------------------
# Synaptic scaling
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _scaling_post_spike(j, t, st, p):
    # activity sensor in Hz: each spike adds 1/tau_a (tau_a converted to s)
    st.post.a[j] = traces.read(st.post.a[j], st.post.t_last[j], t, p.tau_a) + 1000.0 / p.tau_a
    st.post.t_last[j] = t


@njit(cache=True, inline="always")
def _scaling_every(t, w, conn, st, p):
    period_s = p.period * 1e-3
    n_post = st.post.a.shape[0]
    factor = np.empty(n_post)
    for j in range(n_post):
        a = traces.read(st.post.a[j], st.post.t_last[j], t, p.tau_a)
        err = p.target_rate - a
        if p.gamma != 0.0:
            st.post.integral[j] += err * period_s
        f = 1.0 + (p.beta * err + p.gamma * st.post.integral[j]) * period_s
        factor[j] = f if f > 0.0 else 0.0
    for s in range(w.shape[0]):
        if conn.alive[s]:
            w[s] *= factor[conn.post[s]]


@dataclass(frozen=True)
class SynapticScaling(Rule, OnPost, Periodic):
    """Multiplicative synaptic scaling towards a target rate (see module doc).

    Args:
        tau_a: time constant of the activity sensor (ms). van Rossum et al. use
            100 s; tests use ~1 s to converge quickly.
        target_rate: the set point of the sensor (Hz).
        beta: proportional gain (1/(s Hz)); 4e-5 in van Rossum et al. 2000.
        gamma: integral gain (1/(s^2 Hz)); 1e-7 in van Rossum et al.; 0 disables.
        period: how often the weights are rescaled (ms).
    """

    tau_a: float = 100_000.0
    target_rate: float = 5.0
    beta: float = 4e-5
    gamma: float = 0.0
    period: float = 100.0

    constraints = {
        "tau_a": dict(gt=0, unit="ms", time_constant=True),
        "target_rate": dict(ge=0, unit="Hz"),
        "beta": dict(ge=0, unit="1/(s Hz)"),
        "gamma": dict(ge=0, unit="1/(s^2 Hz)"),
        "period": dict(gt=0, unit="ms"),
    }
    post_state = (State("a", 0.0, "Hz"), State("t_last", 0.0, "ms"), State("integral", 0.0, "Hz s"))
    post_spike = _scaling_post_spike
    every = _scaling_every

    def factor(self, a: float, integral: float = 0.0) -> float:
        """The multiplicative factor applied for sensor value ``a`` (Hz) and an
        error integral ``integral`` (Hz s) that already includes this period."""
        p = self.period * 1e-3
        return max(0.0, 1.0 + (self.beta * (self.target_rate - a) + self.gamma * integral) * p)


# ---------------------------------------------------------------------------
# Weight normalization
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _normalization_every(t, w, conn, st, p):
    outgoing = p.mode > 0.5
    ends = conn.pre if outgoing else conn.post
    n = 0
    for s in range(w.shape[0]):
        if conn.alive[s] and ends[s] + 1 > n:
            n = ends[s] + 1
    total = np.zeros(n)
    for s in range(w.shape[0]):
        if conn.alive[s]:
            total[ends[s]] += w[s]
    for s in range(w.shape[0]):
        if conn.alive[s]:
            k = ends[s]
            if total[k] > 0.0:
                w[s] *= p.target / total[k]


@dataclass(frozen=True)
class WeightNormalization(Rule, Periodic):
    """Multiplicative normalization of each neuron's summed weight (see module doc).

    Args:
        target: the sum each neuron's incoming/outgoing weights are set to
            (weight units).
        mode: ``"incoming"`` (per postsynaptic neuron) or ``"outgoing"`` (per
            presynaptic neuron).
        period: how often the weights are normalized (ms).
    """

    target: float = 1.0
    mode: str = "incoming"
    period: float = 100.0

    constraints = {
        "target": dict(ge=0),
        "mode": ("incoming", "outgoing"),
        "period": dict(gt=0, unit="ms"),
    }
    every = _normalization_every


# ---------------------------------------------------------------------------
# Heterosynaptic plasticity
# ---------------------------------------------------------------------------


@njit(cache=True, inline="always")
def _hetero_on_post(s, i, j, t, w, st, p):
    z = traces.read(st.post.z[j], st.post.t_last[j], t, p.tau)
    return -p.beta * (w - p.w_ref) * z * z * z


@njit(cache=True, inline="always")
def _hetero_post_spike(j, t, st, p):
    st.post.z[j] = traces.bump(st.post.z[j], st.post.t_last[j], t, p.tau, 0.0)
    st.post.t_last[j] = t


@dataclass(frozen=True)
class Heterosynaptic(Rule, OnPost):
    """Heterosynaptic decay towards ``w_ref`` on postsynaptic bursts (see module doc).

    Args:
        beta: strength (dimensionless: dw has the units of w - w_ref; 0.05 in
            Zenke et al. 2015's simulation code).
        w_ref: the weight the decay drives towards (weight units).
        tau: time constant of the fast postsynaptic trace z (ms).
    """

    beta: float = 0.05
    w_ref: float = 0.0
    tau: float = 20.0

    constraints = {"beta": dict(ge=0), "w_ref": dict(), "tau": dict(gt=0, unit="ms", time_constant=True)}
    post_state = (State("z", 0.0, "1"), State("t_last", 0.0, "ms"))
    on_post, post_spike = _hetero_on_post, _hetero_post_spike
