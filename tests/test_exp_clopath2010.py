"""``clopath2010`` at reduced scale: the full frequency protocol (it takes a second)
and one seed of both codes of the recurrent network for 5 s instead of 5 x 20 s."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic.experiments import _clopath_network as network
from neuroplastic.experiments.clopath2010 import science


@pytest.fixture(scope="module")
def reduced():
    exp = experiments.get("clopath2010")
    return exp, exp.run(exp.resolve(scale="reduced"), seed=0)


def test_reduced_targets(reduced):
    exp, result = reduced
    rows = experiments.compare(result, exp.targets, "reduced")
    assert len(rows) == 9 and all(r.passed for r in rows), [(r.metric, r.measured, r.tolerance) for r in rows]


def test_frequency_curves_and_the_nest_default_neuron(reduced):
    m = reduced[1].metrics
    plus = [m[f"dw_{f}hz_plus10"] for f in ("01", "10", "20", "40", "50")]
    minus = [m[f"dw_{f}hz_minus10"] for f in ("01", "10", "20", "40", "50")]
    assert np.all(np.diff(plus) > 0)                     # potentiation grows with the frequency
    assert max(minus[:3]) < -0.3 and minus[4] > 0.3      # depression at low rates, potentiation at 50 Hz
    assert m["n_sign_match"] == 9 and 0 < m["dw_01hz_plus10"] < 0.05   # the one point the model cannot match
    # with NEST's neuron defaults (b = 80.5 pA) adaptation keeps the -10 ms curve negative at 40 Hz
    assert m["dw_40hz_minus10_nest_defaults"] < 0 < m["dw_50hz_minus10_nest_defaults"]
    assert m["sign_change_minus10_nest_defaults"] == 0.0


def test_temporal_code_grows_forward_loops(reduced):
    m = reduced[1].metrics
    assert m["forward_fraction_temporal"] == 1.0        # every strong connection points ahead in the sequence
    assert m["strong_temporal_mean"] >= 10 and m["strong_rate_mean"] >= 10


def test_science_counts_signs_only_where_the_data_do():
    freqs = [0.1, 10.0, 20.0, 40.0, 50.0]
    data = np.array([-0.04, 0.14, 0.29, 0.53, 0.56, -0.29, -0.41, -0.34, 0.56, 0.75])
    s = science(freqs, data)
    assert (s["n_sign_match"], s["n_sign_match_significant"], s["n_significant"]) == (10, 9, 9)
    assert s["n_within_2sem_or_015"] == 10 and s["sign_change_minus10"] == 1.0
    flipped = data.copy()
    flipped[8] = -0.1                                   # -10 ms at 40 Hz
    assert science(freqs, flipped)["sign_change_minus10"] == 0.0
    assert science(freqs, flipped)["n_sign_match_significant"] == 8


def test_reciprocity_counts_pairs():
    w = np.zeros((4, 4))
    w[0, 1] = w[1, 0] = 1.0          # a reciprocal pair
    w[1, 2] = 1.0                    # one direction only
    w[2, 3] = 0.4                    # weak
    r = network.reciprocity(w, 0.5)
    assert (r["strong"], r["pairs"], r["reciprocal_pairs"], r["fraction"]) == (3, 2, 1, 0.5)
    assert r["forward"] == pytest.approx(2 / 3)       # 0 -> 1 and 1 -> 2 point ahead on the ring of 4


def test_input_bump_follows_the_code():
    c = dict(n_neurons=4, presentation=100.0, sequence_step=10.0, duration=80.0)
    centre, step = network.centres("temporal", c, np.random.default_rng(0))
    assert step == 10.0 and centre.tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
    centre, step = network.centres("rate", c, np.random.default_rng(0))
    assert step == 100.0 and len(centre) == 1
