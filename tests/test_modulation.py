"""Neuromodulators (levels, releases, recording) and the three-factor rule, against closed forms."""
import math

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError

DT = 0.1


def level_closed_form(t, baseline, tau, releases):
    """baseline + sum of amount * exp(-(t - t_k)/tau) for releases at t_k <= t."""
    out = np.full_like(t, baseline, dtype=float)
    for tk, a in releases:
        out += np.where(t >= tk, a * np.exp(-(t - tk) / tau), 0.0)
    return out


def test_scheduled_releases_and_decay_are_exact():
    m = npl.Model(dt=DT)
    m.add(npl.Modulator("dopamine", tau=50.0, baseline=0.1, release_times=[20.0, 35.0], release_amounts=[1.0, 0.5]))
    m.add(npl.ModulatorMonitor("dopamine", interval=DT))
    d = npl.Network(m).run(200.0).monitor("modulator_dopamine")
    # samples are taken at the start of a step, before that step's decay and releases
    expected = level_closed_form(d["t"] - DT, 0.1, 50.0, [(20.0, 1.0), (35.0, 0.5)])
    np.testing.assert_allclose(d["level"][1:], expected[1:], rtol=1e-10, atol=1e-12)


def test_volume_transmission_from_spikes():
    times = [5.0, 5.0, 12.0]
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("vta", 2, [0, 1, 0], times))
    m.add(npl.Modulator("dopamine", tau=100.0, source="vta", per_spike=0.25))
    net = npl.Network(m).run(50.0)
    t_end = 50.0 - DT   # level after the last step's decay
    expected = sum(0.25 * math.exp(-(t_end - tk) / 100.0) for tk in times)
    assert net.modulator("dopamine") == pytest.approx(expected, rel=1e-10)


def test_release_from_python_and_reset():
    m = npl.Model(dt=DT)
    m.add(npl.Modulator("ach", tau=10.0, baseline=0.2))
    net = npl.Network(m)
    net.release("ach", 1.0)
    assert net.modulator("ach") == pytest.approx(1.2)
    net.run(10.0)
    assert net.modulator("ach") == pytest.approx(0.2 + math.exp(-1.0), rel=1e-10)
    net.reset()
    assert net.modulator("ach") == pytest.approx(0.2)
    with pytest.raises(ValidationError, match="must name a modulator"):
        net.release("dopamine", 1.0)


def pairing(rule, releases, t_pre=10.0, t_post=15.0, duration=2000.0):
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("pre", 1, [0], [t_pre]))
    m.add(npl.SpikeTimes("post", 1, [0], [t_post]))
    rt = [r[0] for r in releases]
    ra = [r[1] for r in releases]
    m.add(npl.Modulator("dopamine", tau=200.0, release_times=rt, release_amounts=ra if ra else 1.0))
    m.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=1.0, rules=[rule]))
    return npl.Network(m).run(duration)


def test_rstdp_distal_reward_closed_form():
    rule = npl.RewardModulatedSTDP(a_plus=1.0, a_minus=1.5, tau_plus=20.0, tau_e=1000.0, eta=0.1, period=10.0)
    net = pairing(rule, [(500.0, 0.5)])
    e0 = 1.0 * math.exp(-5.0 / 20.0)                         # eligibility right after the pairing (t = 15)
    # updates at the end of every 10 ms (time t_k = 10 k); they read the level of the step just
    # simulated (time t_k - dt) and the eligibility at t_k
    tk = np.arange(10.0, 2000.0 + 1e-9, 10.0)
    level = level_closed_form(tk - DT, 0.0, 200.0, [(500.0, 0.5)])
    elig = np.where(tk >= 15.0, e0 * np.exp(-(tk - 15.0) / 1000.0), 0.0)
    expected = 1.0 + np.sum(0.1 * level * elig * 10.0)
    assert net.weights("p")[0] == pytest.approx(expected, rel=1e-9)
    assert net.weights("p")[0] > 1.3                          # the delayed reward did strengthen it


def test_rstdp_anticausal_pair_and_no_reward():
    rule = npl.RewardModulatedSTDP()
    no_reward = pairing(rule, [])
    assert no_reward.weights("p")[0] == 1.0                   # M = reference: nothing changes
    assert no_reward.rule_state("p").syn.e.max() > 0.5        # though the synapse is eligible
    depressed = pairing(rule, [(500.0, 0.5)], t_pre=15.0, t_post=10.0)
    assert depressed.weights("p")[0] < 1.0                    # anti-causal pair + reward -> LTD


def test_reference_subtracts_expected_reward():
    rule = npl.RewardModulatedSTDP(reference=0.5)
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("pre", 1, [0], [10.0]))
    m.add(npl.SpikeTimes("post", 1, [0], [15.0]))
    m.add(npl.Modulator("dopamine", tau=200.0, baseline=0.5))   # reward exactly as expected
    m.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=1.0, rules=[rule]))
    assert npl.Network(m).run(1000.0).weights("p")[0] == 1.0


def test_modulator_names_are_validated():
    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("pre", 1, [0], [10.0]))
    m.add(npl.Projection("p", "pre", "pre", npl.OneToOne(), rules=[npl.RewardModulatedSTDP(modulator="da")]))
    with pytest.raises(ValidationError, match=r"modulator must name a modulator of the model"):
        m.validate()
    m2 = npl.Model(dt=DT)
    m2.add(npl.ModulatorMonitor("serotonin"))
    with pytest.raises(ValidationError, match="must name a modulator"):
        m2.validate()
    with pytest.raises(ValidationError, match="tau"):
        npl.Modulator("dopamine", tau=0.0)
    with pytest.raises(ValidationError, match="release_amounts"):
        npl.Modulator("dopamine", release_times=[1.0, 2.0], release_amounts=[1.0, 2.0, 3.0])
    m3 = npl.Model(dt=DT)
    m3.add(npl.Modulator("dopamine", source="vta", per_spike=1.0))
    with pytest.raises(ValidationError, match="source"):
        m3.validate()


def test_modulators_round_trip_through_config():
    from neuroplastic.config import config_from_dict, model_to_dict

    m = npl.Model(dt=DT)
    m.add(npl.SpikeTimes("vta", 1, [0], [5.0]))
    m.add(npl.SpikeTimes("pre", 1, [0], [10.0]))
    m.add(npl.Modulator("dopamine", tau=150.0, release_times=[20.0], release_amounts=[0.3],
                        source="vta", per_spike=0.1))
    m.add(npl.Projection("p", "pre", "pre", npl.OneToOne(), rules=[npl.RewardModulatedSTDP(eta=0.05)]))
    m.add(npl.ModulatorMonitor("dopamine", interval=1.0))
    d = model_to_dict(m, duration=100.0)
    rc = config_from_dict(d)
    assert rc.model.modulators["dopamine"] == m.modulators["dopamine"]
    assert model_to_dict(rc.model, duration=100.0) == d
    a = npl.Network(m).run(100.0).monitor("modulator_dopamine")["level"]
    b = npl.Network(rc.model).run(100.0).monitor("modulator_dopamine")["level"]
    np.testing.assert_array_equal(a, b)
