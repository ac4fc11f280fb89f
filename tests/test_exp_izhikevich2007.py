"""izhikevich2007 (distal reward): NoiseInput, reward bookkeeping, reproducibility, reduced targets."""
import numpy as np
import pytest

from neuroplastic import Model, Network, OneToOne, Population, Projection, experiments
from neuroplastic.model.inputs import NoiseInput
from neuroplastic.model.neurons import Izhikevich
from neuroplastic.errors import ValidationError

SHORT = dict(duration=60_000.0, late_from=30_000.0, snapshot_interval=5000.0, raster_ms=1000.0)


def _noise_net(interval=None, seed=3, n=500):
    model = Model(dt=0.5)
    model.add(NoiseInput("noise", n, -6.5, 6.5, interval=interval))
    # a neuron that cannot fire (v_peak very high) just collects the input in ie for one step
    cell = Izhikevich(tau_e=1e-3, tau_i=1e-3, v_peak=1e9)
    model.add(Population("cells", n, cell))
    model.add(Projection("p", "noise", "cells", OneToOne(), weight=1.0))
    return Network(model, seed=seed)


def _draws(net, steps):
    out = []
    for _ in range(steps):
        net.run(net.dt)
        out.append(net.state("cells", "ie").copy())   # delivered this step, read by the next one
    return np.array(out)


def test_noise_input_is_uniform_independent_and_reproducible():
    x = _draws(_noise_net(), 200)
    assert x.min() >= -6.5 and x.max() < 6.5
    assert abs(x.mean()) < 0.1 and x.std() == pytest.approx(13 / np.sqrt(12), rel=0.03)
    # independent across steps and units
    assert abs(np.corrcoef(x[:-1].ravel(), x[1:].ravel())[0, 1]) < 0.02
    assert abs(np.corrcoef(x[:, :-1].ravel(), x[:, 1:].ravel())[0, 1]) < 0.02
    np.testing.assert_array_equal(x, _draws(_noise_net(), 200))
    assert not np.array_equal(x, _draws(_noise_net(seed=4), 200))


def test_noise_input_interval_holds_values():
    x = _draws(_noise_net(interval=1.0), 40)   # dt = 0.5 ms: each draw held for 2 steps
    np.testing.assert_array_equal(x[0::2], x[1::2])
    assert not np.array_equal(x[0::2][:-1], x[0::2][1:])


def test_noise_input_validation():
    with pytest.raises(ValidationError):
        NoiseInput("x", 3, 1.0, 0.0)
    with pytest.raises(ValidationError):
        NoiseInput("x", 0)
    model = Model()
    model.add(NoiseInput("x", 3))
    from neuroplastic import SpikeMonitor
    model.add(SpikeMonitor("x"))
    with pytest.raises(ValidationError):
        model.validate()


@pytest.fixture(scope="module")
def short_runs():
    exp = experiments.get("izhikevich2007")
    on = exp.resolve(SHORT, scale="reduced")
    off = exp.resolve({**SHORT, "dopamine": False}, scale="reduced")
    return exp, {"on": exp.run(on, seed=0), "again": exp.run(on, seed=0), "off": exp.run(off, seed=0),
                 "seed1": exp.run({**on, "duration": 5000.0, "late_from": 0.0}, seed=1)}


def test_short_run_is_reproducible(short_runs):
    _, r = short_runs
    a, b = r["on"], r["again"]
    for key in ("w_rewarded_final", "w_other_mean", "rate_mean", "n_pairings"):
        assert a.metrics[key] == b.metrics[key], key
    np.testing.assert_array_equal(a.recordings["weights_final"]["ee"], b.recordings["weights_final"]["ee"])
    np.testing.assert_array_equal(a.recordings["spikes_E"]["t"], b.recordings["spikes_E"]["t"])
    other = r["seed1"].recordings["spikes_E"]
    first = a.recordings["spikes_E"]["t"] < 5000.0
    assert not np.array_equal(a.recordings["spikes_E"]["i"][first], other["i"])


def test_short_run_bookkeeping(short_runs):
    _, r = short_runs
    res = r["on"]
    c, m = res.config, res.metrics
    w = res.recordings["w_sample"]
    assert w["rewarded"][0] == 0.0                      # the rewarded synapse starts at 0
    ee = res.recordings["weights_final"]["ee"]
    assert ee.min() >= 0.0 and ee.max() <= c["w_max"]
    assert 0.8 <= m["rate_mean"] <= 2.5                  # measured 1.2 Hz (half steps), 1.5 Hz (Euler)
    # every pairing (n2 within 20 ms after n1) scheduled one reward 1-3 s later,
    # delivered exactly then if within the run
    pairs, due = res.recordings["pairings"]["t"], res.recordings["pairings"]["due"]
    rewards = res.recordings["rewards"]["t"]
    assert m["n_pairings"] == pairs.size > 0
    spikes_i, spikes_t = res.recordings["spikes_E"]["i"], res.recordings["spikes_E"]["t"]
    t1, t2 = spikes_t[spikes_i == m["n1"]], spikes_t[spikes_i == m["n2"]]
    expected = [t for t in t2 if np.any((t - t1 > 0) & (t - t1 < c["pair_window"]))]
    np.testing.assert_array_equal(pairs, expected)
    assert np.all((due - pairs >= 1000.0) & (due - pairs < 3000.0))
    np.testing.assert_array_equal(rewards, np.sort(due[due < c["duration"]]))
    # dopamine: rises by 0.5 at rewards, otherwise decays to 0
    da = res.recordings["dopamine"]["level"]
    assert da.min() >= 0.0
    if rewards.size:
        assert da.max() >= 0.45


def test_control_releases_no_dopamine(short_runs):
    _, r = short_runs
    off = r["off"]
    assert off.config["dopamine"] is False
    assert np.all(off.recordings["dopamine"]["level"] == 0.0)
    assert off.metrics["n_rewards_released"] == 0
    # same network and noise: identical until the first reward of the dopamine run
    on = r["on"]
    first = on.recordings["rewards"]["t"].min() if on.recordings["rewards"]["t"].size else np.inf
    t_on, t_off = on.recordings["spikes_E"]["t"], off.recordings["spikes_E"]["t"]
    np.testing.assert_array_equal(t_on[t_on < first], t_off[t_off < first])


@pytest.fixture(scope="module")
def reduced_runs():
    exp = experiments.get("izhikevich2007")
    return exp, {d: exp.run(exp.resolve({"dopamine": d}, scale="reduced"), seed=0) for d in (True, False)}


@pytest.mark.slow
def test_reduced_targets_and_control(reduced_runs):
    """10 simulated minutes, seed 0 (about 25 s each on one core). Measured with forward
    Euler (seeds 0 / 1): dopamine on: rewarded late mean (minutes 5-10) 0.38 / 2.03, other
    excitatory weights 0.69 / 0.71; control: rewarded late mean 0.018 / 0.017, late_rank 0 / 0,
    others 0.81 / 0.81. With the default half-step scheme, seed 0: on 0.19, control 0.031.
    Ten minutes are too short for the rewarded synapse to be singled out in every seed
    (seed 0: late_rank 0.4), so only the control and the on/off difference are asserted."""
    exp, r = reduced_runs
    for result in r.values():
        failed = [(x.metric, x.measured) for x in experiments.compare(result, exp.targets, "reduced")
                  if not x.passed]
        assert not failed, failed
    on, off = r[True].metrics, r[False].metrics
    # without reward dopamine the rewarded synapse is not singled out: it stays near 0,
    # below the random synapses
    assert off["n_rewards_released"] == 0 and off["n_pairings"] > 0
    assert off["w_rewarded_late"] < 0.1 and off["late_rank"] <= 0.05 and off["rewarded_above_p99"] == 0.0
    # reward dopamine potentiates it
    assert on["n_rewards_released"] == on["n_rewards"] > 0
    assert on["w_rewarded_late"] > off["w_rewarded_late"] + 0.1
    assert on["w_rewarded_late"] > 3 * off["w_rewarded_late"]


@pytest.mark.parametrize("lag", [0.0, 1.0])
def test_distal_reward_pairing_at_arrival_in_closed_form(lag):
    """DistalRewardSTDP(lag): LTP reads the pre trace at t - lag (the arrival of a
    spike sent one step earlier: full a_plus, as in Izhikevich's code); a pre and a
    post spike in the same step count as LTD with lag > 0, as LTP without."""
    import math

    from neuroplastic import Modulator, SpikeTimes
    from neuroplastic.experiments.izhikevich2007 import DistalRewardSTDP

    tau = 20.0
    rule = DistalRewardSTDP(a_plus=0.1, a_minus=0.15, tau_plus=tau, tau_minus=tau, tau_e=1e12, eta=0.0,
                            period=1000.0, lag=lag)
    m = Model(dt=1.0, max_rate=None)
    m.add(Modulator("dopamine"))
    # pair A: pre 10 ms, post 11 ms (causal, one step); pair B: pre and post both at 100 ms
    m.add(SpikeTimes("pre", 2, [0, 1], [10.0, 100.0]))
    m.add(SpikeTimes("post", 2, [0, 1], [11.0, 100.0]))
    m.add(Projection("p", "pre", "post", OneToOne(), weight=1.0, rules=[rule]))
    net = Network(m, seed=0)
    net.run(200.0)
    e = net.rule_state("p", 0).syn.e[net._store("p").build_slots]   # per slot -> synapse order
    causal = 0.1 * (1.0 if lag else math.exp(-1.0 / tau))
    same = -0.15 if lag else 0.1
    np.testing.assert_allclose(e, [causal, same], rtol=1e-9)   # tau_e = 1e12 ms: decay < 1e-9


@pytest.mark.slow
@pytest.mark.full_scale
def test_full_scale_targets_seed0():
    """The whole protocol (1 h of biological time, about 2 min): every full-scale
    target for seed 0 (measured: rewarded late mean 3.87, others 0.61, 1.18 Hz)."""
    exp = experiments.get("izhikevich2007")
    result = exp.run(exp.resolve(scale="full"), seed=0)
    failed = [(x.metric, x.measured) for x in experiments.compare(result, exp.targets, "full") if not x.passed]
    assert not failed, failed
    assert result.metrics["late_rank"] >= 0.99
