"""Dendritic structural plasticity (BranchClustering): synapses whose input arrives
while their branch is quiet move to another branch; a branch quiet for t_retract
ms retracts and its synapses are released. Branches 0 and 2 are held depolarized
(i_bias_d, above theta_active), branch 1 at rest: exact expectations."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError

DT = 0.1
#: input -> branch: 0, 1 on branch 0; 2, 3 on branch 1 (quiet); 4 on branch 2; 5 on branch 1, never firing
BRANCH = [0, 0, 1, 1, 2, 1]
WEIGHT = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def model(t_retract=math.inf, p_move=1.0, capacity=math.inf):
    cell = npl.DendriticNeuron(branches=3, nonlinearity="passive", i_bias_d=[150.0, 0.0, 150.0], g_c=0.0)
    times = np.arange(2.0, 400.0, 10.0)
    idx = np.tile(np.arange(5), len(times))
    m = npl.Model(dt=DT, max_rate=None)
    m.add(npl.SpikeTimes("x", 6, idx, np.repeat(times, 5)))
    m.add(npl.Population("y", 1, cell, initial={"vd_0": -55.0, "vd_2": -55.0}))
    rule = npl.BranchClustering(period=50.0, theta_active=-60.0, f_min=0.5, p_move=p_move, t_retract=t_retract,
                                capacity=capacity)
    m.add(npl.Projection("in", "x", "y", npl.Pairs(np.arange(6), np.zeros(6, int)), weight=WEIGHT,
                         delay=0.5, branch=BRANCH, rules=[rule]))
    return m


def table(net):
    pre, _ = net.synapses("in")
    order = np.argsort(pre)
    return pre[order], net.branches("in")[order], net.weights("in")[order]


def test_synapses_arriving_on_a_quiet_branch_move_to_an_active_one():
    net = npl.Network(model(), seed=2).run(49.0)
    np.testing.assert_array_equal(table(net)[1], BRANCH)          # before the first update: as built
    net.run(2.0)
    pre, branch, w = table(net)
    np.testing.assert_array_equal(pre, np.arange(6))                # same inputs, one synapse each
    np.testing.assert_array_equal(w, WEIGHT)                        # weights kept
    assert set(branch[[2, 3]]) <= {0, 2}                            # moved off the quiet branch
    assert branch[0] == 0 and branch[1] == 0 and branch[4] == 2     # co-active: stay
    assert branch[5] == 1                                           # never fired: not judged, stays
    np.testing.assert_allclose(npl.Network(model(), seed=2).run(51.0).branches("in"), net.branches("in"))
    net.run(300.0)                                                  # nothing moves again
    np.testing.assert_array_equal(table(net)[1], branch)


def test_a_quiet_branch_retracts_after_t_retract_and_releases_its_synapses():
    """Branch 1 has no co-active arrival at any update: its last synapse (input 5)
    is quiet 50 m ms at the m-th update and goes at the one where that reaches
    200 ms; the active branches keep theirs."""
    net = npl.Network(model(t_retract=200.0), seed=2).run(151.0)
    pre, branch, _ = table(net)
    assert list(pre) == [0, 1, 2, 3, 4, 5] and branch[5] == 1
    net.run(50.0)
    pre, branch, _ = table(net)
    np.testing.assert_array_equal(pre, [0, 1, 2, 3, 4])
    assert 1 not in set(branch)


def test_no_move_without_the_chance_to():
    net = npl.Network(model(p_move=0.0), seed=2).run(101.0)
    np.testing.assert_array_equal(table(net)[1], BRANCH)


def test_branch_clustering_refuses_a_point_neuron_and_bad_fields():
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("x", 1, [0], [1.0]))
    m.add(npl.Population("y", 1, npl.LIF(synapse="current")))
    m.add(npl.Projection("p", "x", "y", npl.AllToAll(), weight=1.0, rules=[npl.BranchClustering()]))
    with pytest.raises(ValidationError, match=r"rules\[0\].*dendritic"):
        m.validate()
    for field, value in (("f_min", 1.5), ("p_move", -0.1), ("period", 0.0), ("active_by", "calcium")):
        with pytest.raises(ValidationError, match=field):
            npl.BranchClustering(**{field: value})


def test_capacity_limits_where_synapses_move():
    """capacity 2: branch 0 (inputs 0, 1) is full, branch 2 (input 4) has room for
    one: exactly one of inputs 2, 3 moves there, the other stays on branch 1."""
    net = npl.Network(model(capacity=2.0), seed=2).run(51.0)
    _, branch, _ = table(net)
    assert sorted(branch[[2, 3]]) == [1, 2]
    assert list(branch[[0, 1, 4, 5]]) == [0, 0, 2, 1]
