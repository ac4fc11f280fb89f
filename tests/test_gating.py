"""Modulator gating of STDP, gain and threshold: each against its closed form and one biological use."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.plasticity.gated import GatedSTDP, ModulatedGain, ModulatedThreshold


def pairing(rule, level, t_pre, t_post, name="acetylcholine"):
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1, [0], [t_pre]))
    m.add(npl.SpikeTimes("post", 1, [0], [t_post]))
    m.add(npl.Modulator(name, tau=1e9, baseline=level))
    m.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=0.5, rules=[rule]))
    return npl.Network(m).run(100.0).weights("p")[0] - 0.5


@pytest.mark.parametrize("level", [0.0, 0.5, 1.0, 2.0])
def test_gated_stdp_scales_both_sides_by_the_gate(level):
    rule = GatedSTDP(a_plus=0.01, a_minus=0.012, target="both", gain=1.0, reference=1.0)
    g = max(0.0, 1.0 + (level - 1.0))
    assert pairing(rule, level, 10.0, 15.0) == pytest.approx(0.01 * math.exp(-5 / 20) * g, abs=1e-15)
    assert pairing(rule, level, 15.0, 10.0) == pytest.approx(-0.012 * math.exp(-5 / 20) * g, abs=1e-15)


def test_serotonin_scales_only_ltd():
    rule = GatedSTDP(a_plus=0.01, a_minus=0.01, target="ltd", gain=0.5, reference=0.0, modulator="serotonin")
    ltp = pairing(rule, 2.0, 10.0, 15.0, name="serotonin")
    ltd = pairing(rule, 2.0, 15.0, 10.0, name="serotonin")
    assert ltp == pytest.approx(0.01 * math.exp(-0.25), abs=1e-15)          # ungated
    assert ltd == pytest.approx(-0.01 * math.exp(-0.25) * 2.0, abs=1e-15)   # 1 + 0.5 * 2


def test_attention_gating_stores_only_attended_associations():
    """Two input groups paired with the same output; acetylcholine is high only while group A is active."""
    m = npl.Model(dt=0.1)
    pre_a = [100.0 + 200.0 * k for k in range(20)]          # attended presentations
    pre_b = [200.0 + 200.0 * k for k in range(20)]          # unattended ones
    m.add(npl.SpikeTimes("a", 1, [0] * 20, pre_a))
    m.add(npl.SpikeTimes("b", 1, [0] * 20, pre_b))
    m.add(npl.SpikeTimes("out", 1, [0] * 40, sorted([t + 5.0 for t in pre_a + pre_b])))
    # ACh: released 20 ms before each attended presentation, decays with tau 20 ms
    m.add(npl.Modulator("acetylcholine", tau=20.0, release_times=[t - 20.0 for t in pre_a], release_amounts=1.0))
    rule = GatedSTDP(a_plus=0.01, a_minus=0.0, gain=1.0, reference=1.0)
    for src in ("a", "b"):
        m.add(npl.Projection(f"{src}_out", src, "out", npl.OneToOne(), weight=0.0, rules=[rule]))
    net = npl.Network(m).run(4200.0)
    dw_a, dw_b = net.weights("a_out")[0], net.weights("b_out")[0]
    ach_at_post = math.exp(-25.0 / 20.0)                    # level when the post spike arrives
    assert dw_a == pytest.approx(20 * 0.01 * math.exp(-5 / 20) * ach_at_post, rel=1e-3)
    # unattended: ACh has decayed to ~0.2 % at b's pairings (and b's trace meets a's
    # post spikes 105 ms later): about 1 % of the attended change
    assert dw_b < 0.02 * dw_a
    assert dw_a / dw_b >= 5                                 # the attended/unattended ratio


def test_noradrenaline_raises_rate_unit_gain():
    m = npl.Model(dt=1.0, max_rate=None)
    m.add(npl.ValueInput("x", [[1.0]]))
    m.add(npl.Modulator("noradrenaline", tau=1e9, baseline=0.5))
    m.add(npl.Population("y", 1, npl.RateUnit("linear"),
                         rules=[ModulatedGain(base_gain=2.0, gain=1.0, reference=0.0)]))
    m.add(npl.Projection("xy", "x", "y", npl.OneToOne(), weight=1.0))
    net = npl.Network(m).run(3.0)
    assert net.state("y", "gain")[0] == pytest.approx(3.0)    # 2 * (1 + 0.5)
    assert net.state("y", "r")[0] == pytest.approx(3.0)       # the next steps use the raised gain


def test_modulated_threshold_raises_excitability():
    def count(level):
        m = npl.Model(dt=0.1)
        m.add(npl.PoissonInput("x", 50, rate=20.0))
        m.add(npl.Modulator("noradrenaline", tau=1e9, baseline=level))
        m.add(npl.Population("n", 10, npl.LIF(), rules=[ModulatedThreshold(shift=4.0)]))
        m.add(npl.Projection("xn", "x", "n", npl.AllToAll(), weight=40.0))
        m.add(npl.SpikeMonitor("n"))
        net = npl.Network(m, seed=2).run(1000.0)
        assert np.all(net.state("n", "theta") == pytest.approx(-4.0 * level))
        return net.spikes("n")[0].size

    assert count(1.0) > 1.5 * count(0.0)
