"""sorn-counting: SORN (Lazar, Pipa & Triesch 2009) on the counting task."""
import numpy as np
import pytest

from neuroplastic import experiments
from neuroplastic import Network
from neuroplastic.experiments.sorn_counting import _fit_predict, _model, _states, _structure, counting_sequence

TINY = dict(n_values="4", steps_plastic=3000, steps_train=1000, steps_test=1000)


@pytest.fixture(scope="module")
def sorn_reduced():
    exp = experiments.get("sorn-counting")
    return exp, exp.run(exp.resolve(scale="reduced"), seed=0)


def test_sorn_reduced_targets_and_sanity(sorn_reduced):
    exp, result = sorn_reduced
    rows = experiments.compare(result, exp.targets, "reduced")
    assert rows
    failed = [(r.metric, r.measured, r.tolerance) for r in rows if not r.passed]
    assert not failed, failed
    m, c = result.metrics, result.config
    assert [int(n) for n in c["n_values"]] == [4, 12] and c["steps_plastic"] == 20_000
    for n in (4, 12):
        # IP: mean E activity over the last 5,000 plastic steps close to H_IP = 0.1
        assert m[f"mean_activity_e_n{n}"] == pytest.approx(0.1, abs=0.01)
        # synaptic normalisation: incoming W^EE sums are 1
        assert m[f"wsum_ee_max_error_n{n}"] < 1e-9
        # STDP + normalisation prune part of W^EE to 0, but not all of it
        assert 0.05 < m[f"frac_ee_zero_n{n}"] < 0.6
        for key in ("acc", "acc_all", "acc_end", "acc_count"):
            assert 0.0 <= m[f"{key}_n{n}"] <= 1.0 and 0.0 <= m[f"static_{key}_n{n}"] <= 1.0
    # n = 4 (measured, seed 0): SORN 0.97 vs static 0.80 on the predictable steps; the static
    # reservoir is at the memoryless level n/(n+1) = 0.8 and cannot predict the word end.
    assert m["acc_n4"] > m["static_acc_n4"] + 0.05
    assert m["acc_end_n4"] > 0.9 > m["static_acc_end_n4"]
    rec = result.recordings["n4"]
    assert rec["w_ee_final"].min() >= 0.0 and rec["w_ee_final"].max() <= 1.0
    assert set(result.figures) == {"accuracy_vs_n", "activity", "thresholds_weights"}


def test_sorn_reproducible():
    exp = experiments.get("sorn-counting")
    c = exp.resolve(TINY, scale="reduced")
    a, b = exp.run(c, seed=3), exp.run(c, seed=3)
    assert a.metrics.keys() == b.metrics.keys()
    for key in a.metrics:
        if key != "wall_s":
            assert a.metrics[key] == b.metrics[key] or (np.isnan(a.metrics[key]) and np.isnan(b.metrics[key])), key
    assert np.array_equal(a.recordings["n4"]["w_ee_final"], b.recordings["n4"]["w_ee_final"])


def test_structure_and_sequence():
    exp = experiments.get("sorn-counting")
    c = exp.resolve(scale="full")
    s = _structure(c, np.random.default_rng(0))
    n_e, n_i = s["n_e"], s["n_i"]
    assert (n_e, n_i) == (200, 40)
    pre, post = s["ee"]
    assert np.all(np.bincount(post, minlength=n_e) == 10) and not np.any(pre == post)
    assert np.allclose(np.bincount(post, s["w_ee"], n_e), 1.0, atol=1e-12)
    assert np.allclose(np.bincount(s["ei"][1], s["w_ei"], n_e), 1.0, atol=1e-12)
    assert np.allclose(np.bincount(s["ie"][1], s["w_ie"], n_i), 1.0, atol=1e-12)
    assert s["theta_e"].min() >= 0 and s["theta_e"].max() <= 0.5
    assert np.unique(s["pools"]).size == 60          # disjoint input pools of 10 units
    letters, pos = counting_sequence(3, 1000, np.random.default_rng(1))
    text = "".join("abcdef"[k] for k in letters)
    words = [w for w in text.replace("c", "c ").replace("f", "f ").split()]
    assert all(w in ("abbbc", "deeef") for w in words[:-1])
    assert np.all(pos[letters % 3 == 0] == 0) and np.all(pos[letters % 3 == 2] == 4)


def _dense_sorn(c, s, letters, n_steps, fast):
    """SORN in dense numpy (Lazar et al. 2009 with SORN_V2's update order), IP only:
    x(k+1) = [W_ee x(k) - W_ei y(k) + u(k) > T_e]; y(k+1) = [W_ie x(k+1) > T_i] (fast)
    or [W_ie x(k) > T_i]; T_e += eta_ip (x(k+1) - H_IP)."""
    n_e, n_i = s["n_e"], s["n_i"]
    w_ee = np.zeros((n_e, n_e)); w_ee[s["ee"][1], s["ee"][0]] = s["w_ee"]
    w_ei = np.zeros((n_e, n_i)); w_ei[s["ei"][1], s["ei"][0]] = s["w_ei"]
    w_ie = np.zeros((n_i, n_e)); w_ie[s["ie"][1], s["ie"][0]] = s["w_ie"]
    x, y = np.zeros(n_e), np.zeros(n_i)
    theta = s["theta_e"] - c["eta_ip"] * c["h_ip"]   # the engine's step 0 (x(0) = 0) already applies IP
    out = [x]
    for k in range(1, n_steps + 1):
        u = np.zeros(n_e)
        u[s["pools"][letters[k - 1]]] = c["input_gain"]
        x_new = ((w_ee @ x + u) - w_ei @ y > theta).astype(float)
        y = (w_ie @ (x_new if fast else x) > s["theta_i"]).astype(float)
        theta += c["eta_ip"] * (x_new - c["h_ip"])
        x = x_new
        out.append(x)
    return np.array(out)


@pytest.mark.parametrize("fast", [True, False])
def test_engine_matches_dense_numpy_sorn(fast):
    # The engine's SORN (binary units, same_step_input for fast inhibition, ThresholdHomeostasis)
    # against a dense numpy loop of the equations; STDP off so the update order of the weights
    # plays no role (see the module docstring). Identical rasters, step by step.
    exp = experiments.get("sorn-counting")
    c = exp.resolve({"eta_stdp": 1e-300, "fast_inhibition": fast}, scale="reduced")
    rng = np.random.default_rng(5)
    s = _structure(c, rng)
    n_steps = 1500
    letters, _ = counting_sequence(6, n_steps + 1, rng)
    net = Network(_model(c, s, letters, s["w_ee"], s["theta_e"], plastic=True), seed=1)
    net.run(float(n_steps + 1))
    engine = _states(net, s["n_e"], n_steps)
    reference = _dense_sorn(c, s, letters, n_steps, fast)
    assert 0.05 < reference[100:].mean() < 0.2
    first = np.flatnonzero(np.any(engine != reference, axis=1))
    assert first.size == 0, f"first raster mismatch at step {first[0]}"
    # the two inhibition timings give different dynamics
    other = _dense_sorn(c, s, letters, n_steps, not fast)
    assert np.any(other != reference)


def test_pinv_readout_learns_linear_classes():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 4, 500)
    x = np.eye(4)[y] + 0.1 * rng.standard_normal((500, 4))
    pred = _fit_predict("pinv", 1.0, x[:400], y[:400], x[400:], 4)
    assert np.mean(pred == y[400:]) > 0.95


@pytest.mark.slow
def test_sorn_full_scale_beats_static_reservoir_at_long_words():
    # The issue's target on SORN_V2's performance measure, full-scale networks (5 per n, as
    # the reproduction), on two of the reproduction's word lengths n >= 10 to fit the CI budget
    # (measured, seed 0: gaps 0.37 at n = 12 and 0.36 at n = 20; all five n: module docstring).
    exp = experiments.get("sorn-counting")
    result = exp.run(exp.resolve({"n_values": "12,20"}, scale="full"), seed=0)
    m = result.metrics
    assert result.config["networks"] == 5 and result.config["fast_inhibition"]
    assert m["min_gap_count_n_ge_10"] >= 0.10
    assert m["acc_count_n12"] > 0.85 and m["acc_count_n20"] > 0.7
    assert m["mean_activity_e"] == pytest.approx(0.1, abs=0.01)
    assert m["wsum_ee_max_error"] < 1e-9
    # next-letter accuracy: SORN stays at or above the memoryless level n/(n+1)
    assert m["acc_n12"] >= 12 / 13 - 0.01 and m["acc_n20"] >= 20 / 21 - 0.01
    rec = result.recordings
    assert rec["n20"]["sorn_acc_count"].shape == (5,)
    assert m["acc_count_n20"] == pytest.approx(rec["n20"]["sorn_acc_count"].mean())
    alone = np.all([rec[f"n{n}"]["sorn_acc_count"] - rec[f"n{n}"]["static_acc_count"] >= 0.10 for n in (12, 20)], axis=0)
    assert m["networks_count_gap_ge_10pts"] == alone.sum()
