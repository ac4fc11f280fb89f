"""Exact, event-driven calcium and early-phase weight of the tagging-and-capture synapse.

The kernels here advance one synapse of :class:`~neuroplastic.plasticity.tagging.TaggingCapture`
from the time of its last update to a later time, in closed form. Between two
calcium jumps the calcium decays exponentially::

    c(t0 + u) = c(t0) exp(-u / tau_c)

so the times at which it falls below the potentiation and depression
thresholds are known in advance, ``u_p = tau_c ln(c / theta_p)`` and
``u_d = tau_c ln(c / theta_d)``. On each of the (at most three) pieces the
early-phase equation is linear with constant coefficients. Writing
``e = h - h0`` and ``P, D`` for the two Heaviside factors (1 while
``c > theta_p``, resp. ``c > theta_d``)::

    tau_h de/dt = -b e + a + sigma sqrt(tau_h (P + D)) Gamma(t)
    b = 0.1 + gamma_p P + gamma_d D
    a = gamma_p (h_max - h0) P - gamma_d h0 D

an Ornstein-Uhlenbeck process whose transition over a span ``u`` is exact::

    e(t0 + u) = e* + (e - e*) q + sigma sqrt((P + D) (1 - q^2) / (2 b)) N(0, 1),
    e* = a / b,   q = exp(-b u / tau_h)

(Gamma: unit Gaussian white noise; N(0, 1) a standard normal draw). The noise
acts only while the calcium is above a threshold, as in the published model;
its transition is exact in distribution, not an approximation of an
Euler-Maruyama step. Below both thresholds e simply decays with the time
constant ``tau_h / 0.1``.

Normal draws come from a counter-based generator (the splitmix64 finaliser of
``seed`` and a draw counter kept in the rule's global state, Box-Muller for the
normal), so a run is reproducible from the rule's ``noise_seed`` and
``net.reset()`` replays the same noise.

Delayed presynaptic calcium (``ca_delay``): a presynaptic spike at ``t_k``
raises the calcium at ``t_k + ca_delay``, possibly after later events of the
synapse. Each presynaptic neuron keeps its last :data:`RING` spike times
(per-neuron rule state ``s0`` = newest ... ``s11``, a shift register); a synapse
update from ``t_last`` to ``t`` first applies, in order, the jumps of those
spikes that land in ``(t_last, t]`` (:func:`land`), then decays to ``t``
(:func:`advance`). This is exact while a neuron fires at most :data:`RING`
spikes within one ``ca_delay`` (12 in 18.8 ms: any neuron with a refractory
period of 1.6 ms or more; a 100 Hz Poisson train exceeds it with probability
7e-7 per spike); a jump lost to the shift register is counted in the global
state ``lost``.

The update of one event costs about 50 ns (no calcium above threshold) on the
development machine; the ring is read as 12 loads into a tuple of floats (see
the note in tagging.py on how the state is touched).

References: Luboeinski J, Tetzlaff C (2021) Memory consolidation and improvement
by synaptic tagging and capture in recurrent neural networks. Commun Biol 4:275.
Graupner M, Brunel N (2012) PNAS 109:3991 (the calcium threshold rule). Gillespie
DT (1996) Phys Rev E 54:2084 (exact updating of the Ornstein-Uhlenbeck process).
"""
from __future__ import annotations

import math

from numba import njit, uint64

#: Presynaptic spike times kept per neuron for the delayed calcium jumps.
RING = 12

#: Initial (empty) ring entry: a spike time long before any run (ms).
NEVER = -1e12

_GOLDEN = uint64(0x9E3779B97F4A7C15)
_MIX1 = uint64(0xBF58476D1CE4E5B9)
_MIX2 = uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def _mix(x):
    """splitmix64 finaliser: a well-mixed 64-bit value from a counter."""
    x = (x ^ (x >> uint64(30))) * _MIX1
    x = (x ^ (x >> uint64(27))) * _MIX2
    return x ^ (x >> uint64(31))


@njit(cache=True, inline="always")
def _unit(x):
    """A float64 uniform on (0, 1) from 64 random bits."""
    return (float(x >> uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def normal(seed, counter):
    """The standard normal draw number ``counter`` of stream ``seed`` (Box-Muller)."""
    key = uint64(seed) * _GOLDEN + uint64(2.0 * counter)
    u1 = _unit(_mix(key))
    u2 = _unit(_mix(key + uint64(1)))
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


@njit(cache=True, inline="always")
def exp_neg(x):
    """exp(-x) for x >= 0; a Taylor polynomial below 1e-3 (error < 1e-18), where
    the slow decay of h spends nearly all its calls, else math.exp."""
    if x < 1e-3:
        return 1.0 - x * (1.0 - x * (0.5 - x * (1.0 / 6.0 - x * (1.0 / 24.0))))
    return math.exp(-x)


@njit(inline="always")
def relax(e, pot, dep, span, draws, p):
    """e = h - h0 (mV) after ``span`` ms of one calcium regime (pot, dep in {0, 1});
    ``draws`` (1 element) counts the normal draws of the noise."""
    b = 0.1 + p.gamma_p * pot + p.gamma_d * dep
    q = exp_neg(b * span / p.tau_h)
    if pot == 0.0 and dep == 0.0:
        return e * q
    target = (p.gamma_p * (p.h_max - p.h0) * pot - p.gamma_d * p.h0 * dep) / b
    e = target + (e - target) * q
    if p.sigma > 0.0:
        k = draws[0]
        draws[0] = k + 1.0
        e += p.sigma * math.sqrt((pot + dep) * (1.0 - q * q) / (2.0 * b)) * normal(p.noise_seed, k)
    return e


@njit(inline="always")
def early_span(e, c, span, draws, p):
    """e after ``span`` ms in which the calcium decays from ``c`` without jumps."""
    if span <= 0.0:
        return e
    if c <= p.theta_p and c <= p.theta_d:         # the common case: only the slow decay to h0
        return e * exp_neg(0.1 * span / p.tau_h) if e != 0.0 else e
    return _through_thresholds(e, c, span, draws, p)


@njit
def _through_thresholds(e, c, span, draws, p):
    """:func:`early_span` when the calcium starts above a threshold: up to three
    pieces, split where the decaying calcium crosses theta_p and theta_d (a
    function of its own, not inlined, to keep the compiled hooks small)."""
    u_p = p.tau_c * math.log(c / p.theta_p) if c > p.theta_p else 0.0
    u_d = p.tau_c * math.log(c / p.theta_d) if c > p.theta_d else 0.0
    first, second = min(u_p, u_d), max(u_p, u_d)
    a, b = min(first, span), min(second, span)
    if a > 0.0:                                    # both thresholds exceeded
        e = relax(e, 1.0, 1.0, a, draws, p)
    if b > a:                                      # only the later-crossed one
        e = relax(e, 1.0 if u_p > u_d else 0.0, 1.0 if u_d > u_p else 0.0, b - a, draws, p)
    if span > b:
        e = relax(e, 0.0, 0.0, span - b, draws, p)
    return e


@njit(cache=True, inline="always")
def decay(c, span, tau):
    """c exp(-span / tau), skipping the exponential for c = 0."""
    return c * math.exp(-span / tau) if c != 0.0 else c


@njit(inline="always")
def recent(pre, i):
    """The last RING spike times of presynaptic neuron ``i``, newest first, as a
    tuple of floats (read with static field names: a run-time index into the
    tuple of arrays would make numba materialise, and reference-count, all of them)."""
    return (pre.s0[i], pre.s1[i], pre.s2[i], pre.s3[i], pre.s4[i], pre.s5[i],
            pre.s6[i], pre.s7[i], pre.s8[i], pre.s9[i], pre.s10[i], pre.s11[i])


@njit(inline="always")
def remember_spike(i, t, pre, lost, p):
    """Shift spike time ``t`` into neuron ``i``'s ring; if the dropped oldest
    spike's calcium had not landed yet, count it in ``lost``."""
    if pre.s11[i] + p.ca_delay > t:
        lost[0] += 1.0
    pre.s11[i] = pre.s10[i]
    pre.s10[i] = pre.s9[i]
    pre.s9[i] = pre.s8[i]
    pre.s8[i] = pre.s7[i]
    pre.s7[i] = pre.s6[i]
    pre.s6[i] = pre.s5[i]
    pre.s5[i] = pre.s4[i]
    pre.s4[i] = pre.s3[i]
    pre.s3[i] = pre.s2[i]
    pre.s2[i] = pre.s1[i]
    pre.s1[i] = pre.s0[i]
    pre.s0[i] = t


@njit
def land(s, t, times, early, calcium, t_last, draws, p):
    """Apply, oldest first, the delayed presynaptic calcium jumps of ``times``
    (spike times, newest first) that land in (t_last[s], t]: synapse ``s`` is
    advanced to each landing and its calcium raised by c_pre. Not inlined: it
    runs only when a jump is pending, and keeps the compiled hooks small."""
    t0 = t_last[s]
    pending = 1                                    # spikes whose jump lands after t0
    while pending < RING and times[pending] + p.ca_delay > t0:
        pending += 1
    e, c = early[s], calcium[s]
    for m in range(pending - 1, -1, -1):
        x = times[m] + p.ca_delay
        if x > t:
            break
        e = early_span(e, c, x - t0, draws, p)
        c = decay(c, x - t0, p.tau_c) + p.c_pre
        t0 = x
    early[s], calcium[s], t_last[s] = e, c, t0


@njit(inline="always")
def advance(s, t, early, calcium, t_last, draws, p):
    """Advance synapse ``s`` from t_last[s] to ``t`` (ms) with no calcium jump in
    between: the early-phase change and the calcium decay (see :func:`land` for
    the delayed presynaptic jumps, applied first by the caller)."""
    t0 = t_last[s]
    if t > t0:
        c = calcium[s]
        early[s] = early_span(early[s], c, t - t0, draws, p)
        calcium[s] = decay(c, t - t0, p.tau_c)
        t_last[s] = t


def ring_state():
    """Names of the per-presynaptic-neuron ring fields (``s0`` = newest spike)."""
    return tuple(f"s{k}" for k in range(RING))


__all__ = ["RING", "NEVER", "advance", "decay", "early_span", "land", "normal", "recent", "relax", "remember_spike",
           "ring_state"]
