"""Event-driven exponential traces, shared by the spike-timing rules.

A trace is stored as its value at its last update and the time of that update;
reading it at time t decays it exactly: x(t) = x(t_last) exp(-(t - t_last)/tau).
This is exact (no time-step error) and costs nothing between spikes.
"""
from __future__ import annotations

import math

from numba import njit


#: Below this exponent exp() is exactly 0.0 in double precision (e^-745.13 is half the
#: smallest subnormal and rounds to 0). A trace read that far from its last update
#: (745 time constants: 15 s at 20 ms) returns 0 without the libm call, whose
#: underflow path (errno and the error wrapper) showed in a profile of zenke2015's
#: network, where some inputs and neurons stay silent for seconds
#: (benchmarks/MEASURED.md). The value is the same bit for bit.
UNDERFLOW = -745.2


@njit(cache=True, inline="always")
def decay(t_last, t, tau):
    """exp(-(t - t_last) / tau), 0.0 below :data:`UNDERFLOW` without calling exp."""
    a = -(t - t_last) / tau
    return math.exp(a) if a > UNDERFLOW else 0.0


@njit(cache=True, inline="always")
def read(x, t_last, t, tau):
    """Trace value at time t (ms) given its value x at t_last (ms)."""
    return x * decay(t_last, t, tau)


@njit(cache=True, inline="always")
def bump(x, t_last, t, tau, nearest):
    """Value after a spike at t: decayed + 1 (all-to-all) or reset to 1 (nearest)."""
    if nearest > 0.5:
        return 1.0
    return x * decay(t_last, t, tau) + 1.0


# Neuron-level hooks shared by pair-trace rules that declare
# ``pre_state = (State("x"), State("t_last"))`` and
# ``post_state = (State("y"), State("t_last"))`` with parameters ``tau_plus``
# and ``tau_minus`` (ms): all-to-all traces, +1 per spike. Like the default
# no-op hooks they are called with many rules' state types, so they are not
# disk-cached (numba's index would record types from modules another process
# may not import); the generated loop's cache holds their machine code.

@njit(inline="always")
def pre_trace_spike(i, t, st, p):
    """``pre_spike`` hook: bump the presynaptic trace x (tau_plus)."""
    st.pre.x[i] = bump(st.pre.x[i], st.pre.t_last[i], t, p.tau_plus, 0.0)
    st.pre.t_last[i] = t


@njit(inline="always")
def post_trace_spike(j, t, st, p):
    """``post_spike`` hook: bump the postsynaptic trace y (tau_minus)."""
    st.post.y[j] = bump(st.post.y[j], st.post.t_last[j], t, p.tau_minus, 0.0)
    st.post.t_last[j] = t


# Epoch traces: the per-synapse read without exp().
#
# A rule whose hooks read a neuron's trace at every synapse of a spike pays one
# exp() per synapse for the decay since that neuron's last update. An epoch trace
# is stored instead as X = x(t) exp(-(e - t) / tau): its value carried forward to
# the END e of an epoch of fixed length (:data:`EPOCH_TAUS` time constants), so
# that e^-500 <= X / x <= 1 stays inside double range. Every trace last updated in
# the current epoch (end ec) is then read at t as X f with ONE factor f =
# exp((ec - t) / tau) shared by all of them (computed once per spike, e.g. in
# ``before_pre`` / ``before_post``); a trace last updated in an earlier epoch is
# read through exp() as before. A spike at t first carries X over to the current
# epoch (one exp, only when the epoch changed), then adds exp(-(ec - t) / tau).
# The values are those of :func:`read` / :func:`bump` up to rounding (about
# 1e-13 relative, as exact reads are to 4e-14; tests/test_closed_form.py), not bit for bit.

#: Epoch length in units of the shortest time constant of the traces that share it.
EPOCH_TAUS = 500.0


@njit(cache=True, inline="always")
def epoch_end(t, length):
    """End (ms) of the epoch of length ``length`` (ms) that contains t."""
    return (math.floor(t / length) + 1.0) * length


@njit(cache=True, inline="always")
def epoch_read(x, e, t, ec, f, tau):
    """Value at t of the epoch trace (x, e); ``ec`` the end of t's epoch and
    ``f = exp((ec - t) / tau)``."""
    if e == ec:
        return x * f
    return x * decay(e, t, tau)


@njit(cache=True, inline="always")
def epoch_bump(x, e, t, ec, tau):
    """Stored value (at ``ec``, the end of t's epoch) after a spike at t: + 1."""
    if e != ec:
        x = x * decay(e, ec, tau)
    return x + math.exp(-(ec - t) / tau)
