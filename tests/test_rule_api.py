"""Rule API features beyond spike hooks: global state and protocol phases."""
from dataclasses import dataclass

import numpy as np
from numba import njit

import neuroplastic as npl
from neuroplastic.plasticity import traces


@njit
def _gated_on_post(s, i, j, t, w, st, p):
    return st.glob.gain[0] * p.a_plus * traces.read(st.pre.x[i], st.pre.t_last[i], t, p.tau)


@njit
def _gated_pre_spike(i, t, st, p):
    st.pre.x[i] = traces.bump(st.pre.x[i], st.pre.t_last[i], t, p.tau, 0.0)
    st.pre.t_last[i] = t


@dataclass(frozen=True)
class PhaseGatedLTP(npl.Rule, npl.OnPre, npl.OnPost, npl.PhaseAware):
    """LTP whose amplitude is a global gain set by the protocol phase (0 during 'sleep')."""

    a_plus: float = 0.01
    tau: float = 20.0
    constraints = {"a_plus": dict(ge=0), "tau": dict(gt=0, unit="ms")}
    pre_state = (npl.State("x"), npl.State("t_last", 0.0, "ms"))
    global_state = (npl.State("gain", 1.0),)
    pre_spike, on_post = _gated_pre_spike, _gated_on_post

    def on_phase(self, phase, state):
        state.glob.gain[0] = 0.0 if phase == "sleep" else 1.0


def _net():
    m = npl.Model(dt=0.1)
    times = np.arange(40) * 50.0 + 10.0
    m.add(npl.SpikeTimes("pre", 1, np.zeros(40, int), times))
    m.add(npl.SpikeTimes("post", 1, np.zeros(40, int), times + 5.0))
    m.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=0.5, rules=[PhaseGatedLTP()]))
    return npl.Network(m)


def test_phase_changes_global_state_and_gates_learning():
    net = _net()
    net.run(500.0)                       # wake: 10 pairings potentiate
    w_wake = net.weights("p")[0]
    assert w_wake > 0.5 + 0.05
    net.set_phase("sleep")
    assert net.rule_state("p").glob.gain[0] == 0.0
    net.run(500.0)                       # sleep: the same pairings change nothing
    assert net.weights("p")[0] == w_wake
    net.set_phase("wake")
    net.run(500.0)
    assert net.weights("p")[0] > w_wake


def test_reset_restores_global_state():
    net = _net()
    net.set_phase("sleep")
    net.reset()
    assert net.rule_state("p").glob.gain[0] == 1.0
