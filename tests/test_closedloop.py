"""Reward-prediction error and novelty detection (neuroplastic.closedloop), closed forms."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.closedloop import NoveltyDetector, RewardPredictionError
from neuroplastic.errors import ValidationError


def _net():
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 50, rate=0.0))
    m.add(npl.Modulator("dopamine", tau=1e15))
    m.add(npl.Modulator("acetylcholine", tau=1e15))
    return npl.Network(m, seed=0)


def test_prediction_error_follows_the_running_mean_in_closed_form():
    rpe = RewardPredictionError(alpha=0.25, initial=0.0, scale=2.0)
    net = _net()
    rewards = [1.0, 1.0, 0.0, 1.0]
    rbar, released = 0.0, 0.0
    for r in rewards:
        delta = rpe.deliver(net, r, "dopamine", context="A")
        assert delta == pytest.approx(r - rbar, abs=1e-15)
        released += 2.0 * (r - rbar)
        rbar += 0.25 * (r - rbar)
    assert rpe.expected["A"] == pytest.approx(rbar, abs=1e-15)
    assert net.modulator("dopamine") == pytest.approx(released, abs=1e-12)
    # contexts keep separate expectations; a constant reward stops being surprising
    for _ in range(200):
        last = rpe.error(1.0, context="B")
    assert abs(last) < 1e-12 and rpe.expected["A"] != rpe.expected["B"]
    with pytest.raises(ValidationError, match="alpha"):
        RewardPredictionError(alpha=0.0)
    with pytest.raises(ValidationError, match="reward"):
        rpe.error(float("nan"))


def test_novelty_is_the_cosine_distance_to_the_running_expectation():
    det = NoveltyDetector("inp", alpha=0.5, gain=1.0)
    a, b = np.array([4.0, 0.0, 2.0]), np.array([0.0, 3.0, 0.0])
    assert det.observe(a) == 1.0                     # nothing expected yet
    assert det.observe(a) == pytest.approx(0.0, abs=1e-12)   # expectation 0.5 a: same direction
    e = 0.75 * a
    assert det.observe(b) == pytest.approx(1.0, abs=1e-12)   # orthogonal to a
    e = e + 0.5 * (b - e)
    assert det.observe(2 * a) == pytest.approx(1 - (2 * a) @ e / (np.linalg.norm(2 * a) * np.linalg.norm(e)))
    assert det.observe(np.zeros(3)) == 0.0           # an empty window is not novel


def test_novelty_detector_releases_acetylcholine_for_a_new_input_pattern():
    net = _net()
    det = NoveltyDetector("inp", alpha=0.2, gain=1.0, threshold=0.2)
    familiar = np.r_[np.full(25, 50.0), np.zeros(25)]
    net.set_rates("inp", familiar)
    levels = []
    for _ in range(20):
        net.run(200.0)
        levels.append(det.step(net, "acetylcholine"))
    assert levels[0] == 1.0 and max(levels[5:]) < 0.2     # familiar input stops being novel
    before = net.modulator("acetylcholine")
    net.set_rates("inp", familiar[::-1])                 # a new pattern
    net.run(200.0)
    novelty = det.step(net, "acetylcholine")
    assert novelty > 0.8
    assert net.modulator("acetylcholine") == pytest.approx(before + novelty, rel=1e-9)
