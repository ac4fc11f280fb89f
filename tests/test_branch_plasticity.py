"""Branch-specific plasticity (Legenstein & Maass 2011): BranchStrength and BranchSTDP.

Closed forms for single pairings, and two branches that specialize on two input groups.
"""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError

DT = 0.1


# --- BranchStrength -----------------------------------------------------------------

def strength_model(u0=1.0, eta_u=0.2):
    """Input 0 starts an NMDA plateau on branch 0 at ~1 ms (amp 600 pA drives the
    soma), input 1 one on branch 1 at 100 ms (amp 0: the soma stays silent)."""
    cell = npl.DendriticNeuron(branches=2, nonlinearity="nmda", amp_d=[600.0, 0.0], dur_d=30.0, g_c=0.0)
    m = npl.Model(dt=DT, max_rate=None)
    m.add(npl.SpikeTimes("x", 2, [0, 1], [1.0, 100.0]))
    m.add(npl.Population("y", 1, cell, initial={"u_0": u0}, rules=[npl.BranchStrength(eta_u=eta_u, u_max=2.0)]))
    m.add(npl.Projection("in", "x", "y", npl.Pairs([0, 1], [0, 0]), weight=600.0, branch=[0, 1]))
    m.add(npl.SpikeMonitor("y"))
    m.add(npl.StateMonitor("y", ("ev_0", "ev_1", "u_0", "u_1"), interval=DT))
    return m


@pytest.fixture(scope="module")
def paired():
    return npl.Network(strength_model(), seed=1).run(150.0)


def test_branch_strength_grows_by_the_closed_form_at_each_paired_somatic_spike(paired):
    _, t = paired.spikes("y")
    rec = paired.monitor("state_y")
    assert 2 <= len(t) <= 6
    steps = np.rint(t / DT).astype(int)
    assert np.all(rec["ev_0"][steps - 1, 0] > 0)           # every somatic spike falls in the plateau
    n = len(t)
    u0 = paired.state("y", "u_0")[0]
    assert u0 == pytest.approx(2.0 - (2.0 - 1.0) * 0.8 ** n, rel=1e-12)
    # branch 1 had a dendritic spike (at 100 ms) that the soma did not follow: unchanged
    assert rec["ev_1"][:, 0].max() > 0
    assert paired.state("y", "u_1")[0] == 1.0


def test_branch_strength_scales_the_branch_current_to_the_soma():
    """Plateau current 600 u pA into the LIF soma (200 pF, 10 nS, -70 mV, threshold
    -50 mV): first spike 20 ln(60u / (60u - 20)) ms after the plateau starts;
    u = 0 silences the branch."""
    for u, expected in ((1.0, 20 * math.log(60 / 40)), (0.5, 20 * math.log(30 / 10)), (0.0, None)):
        net = npl.Network(strength_model(u0=u, eta_u=0.0), seed=1).run(60.0)
        _, t = net.spikes("y")
        start = np.argmax(net.monitor("state_y")["ev_0"][:, 0] > 0) * DT
        if expected is None:
            assert len(t) == 0
        else:
            assert t[0] - start == pytest.approx(expected, abs=2 * DT)


# --- BranchSTDP -----------------------------------------------------------------------

T_PRE, T_KICK, T_LATE = 10.0, 14.0, 30.0


def stdp_model(rule):
    """Input 0 on branch 0 (held at -55 mV by i_bias_d, above theta_gate), input 1 on
    branch 1 (at rest, -70 mV), both spiking at 10 and 30 ms; input 2 kicks the soma
    into one spike just after 14 ms."""
    cell = npl.DendriticNeuron(branches=2, nonlinearity="passive", i_bias_d=[150.0, 0.0], g_c=0.0)
    m = npl.Model(dt=DT, max_rate=None)
    m.add(npl.SpikeTimes("x", 3, [0, 1, 2, 0, 1], [T_PRE, T_PRE, T_KICK, T_LATE, T_LATE]))
    m.add(npl.Population("y", 1, cell, initial={"vd_0": -55.0}))
    m.add(npl.Projection("br", "x", "y", npl.Pairs([0, 1], [0, 0]), weight=1.0, branch=[0, 1], rules=[rule]))
    m.add(npl.Projection("kick", "x", "y", npl.Pairs([2], [0]), weight=1800.0))
    m.add(npl.SpikeMonitor("y"))
    return m


@pytest.mark.parametrize("gate", ["depolarization", "dendritic_spike"])
def test_branch_stdp_changes_only_synapses_on_a_depolarized_branch(gate):
    rule = npl.BranchSTDP(a_plus=2.0, a_minus=3.0, tau_plus=20.0, tau_minus=15.0, theta_gate=-60.0, gate_by=gate)
    net = npl.Network(stdp_model(rule), seed=1).run(40.0)
    _, t = net.spikes("y")
    assert len(t) == 1 and T_KICK < t[0] < T_KICK + 6.0
    w = net.weights("br")
    if gate == "dendritic_spike":        # passive branches never spike: nothing changes
        np.testing.assert_array_equal(w, [1.0, 1.0])
        return
    dw = 2.0 * math.exp(-(t[0] - T_PRE) / 20.0) - 3.0 * math.exp(-(T_LATE - t[0]) / 15.0)
    assert w[0] == pytest.approx(1.0 + dw, rel=1e-9)
    assert w[1] == 1.0                   # branch 1 at -70 mV: gated off


def test_branch_rules_refuse_point_neurons_naming_the_field():
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("x", 1, [0], [1.0]))
    m.add(npl.Population("y", 1, npl.LIF(synapse="current")))
    m.add(npl.Projection("p", "x", "y", npl.AllToAll(), weight=1.0, rules=[npl.BranchSTDP()]))
    with pytest.raises(ValidationError, match=r"rules\[0\].*dendritic"):
        m.validate()
    with pytest.raises(ValidationError, match=r"rules\[0\].*reads"):
        npl.Population("z", 1, npl.LIF(), rules=[npl.BranchStrength()])
    with pytest.raises(ValidationError, match="eta_u"):
        npl.BranchStrength(eta_u=1.5)
    with pytest.raises(ValidationError, match="gate_by"):
        npl.BranchSTDP(gate_by="calcium")


# --- two branches specialize on two input groups ------------------------------------------

def specialization_model(theta_gate, n=10, w0=36.0, eps=0.25, ms=3000.0, seed=3, theta_d=-59.0, a_minus=1.0, a_ltd=2.0):
    """Groups A (inputs 0-9) and B (10-19) take turns, 50 ms each, every input of
    the active group firing Poisson at 50 Hz. Every input has one synapse on each
    of two NMDA branches; A starts slightly stronger on branch 0, B on branch 1."""
    rng = np.random.default_rng(seed)
    idx, times = [], []
    for k, start in enumerate(np.arange(0.0, ms, 50.0)):
        group = np.arange(n) + (k % 2) * n
        for i in group:
            t = start + np.sort(rng.uniform(0, 50.0, rng.poisson(2.5)))
            idx += [i] * len(t)
            times += list(t)
    order = np.argsort(times, kind="stable")
    m = npl.Model(dt=DT, max_rate=None)
    m.add(npl.SpikeTimes("x", 2 * n, np.array(idx)[order], np.round(np.array(times)[order], 1)))
    cell = npl.DendriticNeuron(branches=2, nonlinearity="nmda", theta_d=theta_d, amp_d=400.0, dur_d=20.0)
    m.add(npl.Population("y", 1, cell, rules=[npl.BranchStrength(eta_u=0.02, u_max=2.0)]))
    pre = np.tile(np.arange(2 * n), 2)
    branch = np.repeat([0, 1], 2 * n)
    strong = (pre < n) == (branch == 0)
    rule = npl.BranchSTDP(a_plus=1.0, a_minus=a_minus, a_ltd=a_ltd, theta_gate=theta_gate)
    m.add(npl.Projection("in", "x", "y", npl.Pairs(pre, np.zeros_like(pre)), weight=np.where(strong, 1 + eps, 1 - eps) * w0,
                         branch=branch, rules=[rule], w_min=0.0, w_max=100.0))
    return m


def selectivity(net, n=10):
    """Per branch: (mean weight of its preferred group - the other) / (their sum)."""
    w, b = net.weights("in"), net.branches("in")
    pre, _ = net.synapses("in")
    out = []
    for branch, own in ((0, pre < n), (1, pre >= n)):
        a, o = w[(b == branch) & own].mean(), w[(b == branch) & ~own].mean()
        out.append((a - o) / (a + o))
    return np.array(out)


def test_two_branches_specialize_on_two_input_groups():
    """Gated at the NMDA threshold (-59 mV), each input keeps the branch it drives
    and is depressed on the other: selectivity rises from 0.25 to above 0.6 on
    both branches (measured 0.79, 0.82), and both branch strengths grow.
    Ungated (theta_gate far below rest; a_ltd never acts) the branches do not
    split the groups: one group takes both branches (selectivity -0.55 and 0.83)."""
    gated = npl.Network(specialization_model(-59.0), seed=1).run(3000.0)
    s = selectivity(gated)
    assert np.all(s > 0.6), s
    assert np.all(gated.state("y", "u_0") > 1.05) and np.all(gated.state("y", "u_1") > 1.05)
    ungated = npl.Network(specialization_model(-1000.0), seed=1).run(3000.0)
    assert selectivity(ungated).min() < 0.0, selectivity(ungated)
