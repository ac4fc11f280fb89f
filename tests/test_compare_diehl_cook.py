"""diehl-cook: Diehl & Cook's rule on one synapse, label assignment, the show-brighter
protocol, a small unsupervised network on the 8 x 8 digits, the Kohonen map, the task."""
import io
import math

import numpy as np
import pytest

from neuroplastic.compare import get_task
from neuroplastic.compare._diehl_labels import assign, classify, running_accuracy
from neuroplastic.compare._diehl_network import _rule, initial_weights
from neuroplastic.compare._diehl_protocol import ExampleProgress, show
from neuroplastic.compare._diehl_som import grid, images
from neuroplastic.compare._diehl_spiking import evaluate, learn
from neuroplastic.errors import ValidationError

pytest.importorskip("minisom")

TASK = get_task("diehl-cook")
SMALL = {"seeds": (0,), "n_train": 200, "n_test": 200, "n_label": 200, "epochs": 1, "n_neurons": 20}


@pytest.mark.parametrize("stdp", ["diehl-cook", "triplet"])
def test_rule_is_diehl_and_cooks_on_one_synapse(tiny_pairing, stdp):
    """pre 10 ms, post 20 and 30 ms, pre 35 ms: the first post spike finds no slow post
    trace (no change), the second adds nu_post r1 o2(t-), the last pre removes nu_pre o1;
    the rule written for speed and TripletSTDP agree."""
    c = TASK.resolve({"stdp": stdp}, scale="full")
    net = tiny_pairing(_rule(c), [10.0, 35.0], [20.0, 30.0], w0=0.5)
    net.run(40.0)
    expected = 0.5 + 1e-2 * math.exp(-20 / 20) * math.exp(-10 / 40) - 1e-4 * math.exp(-5 / 20)
    assert net.weights("p")[0] == pytest.approx(expected, abs=1e-12)


def test_neurons_take_the_class_they_answer_most_and_vote_by_mean():
    r = np.array([[4, 0, 0, 1], [2, 0, 0, 1], [0, 3, 0, 0], [0, 1, 0, 0]], float)
    a = assign(r, [0, 0, 1, 1])
    assert a.tolist() == [0, 1, -1, 0]              # neuron 2 never answered: no class
    # class 0: mean of neurons 0 and 3; class 1: neuron 1
    assert classify([[1, 3, 9, 1], [6, 1, 0, 2], [0, 0, 5, 0]], a).tolist() == [1, 0, 0]
    x, acc = running_accuracy(np.tile(np.eye(2), (3, 1)), [0, 1] * 3, 2)
    assert x.tolist() == [4.0, 6.0] and acc.tolist() == [1.0, 1.0]


@pytest.fixture(scope="module")
def small():
    c = TASK.resolve(SMALL, scale="reduced")
    x, y, xt, yt = images(c)
    net, counts, tries, events, _ = learn(c, 0, x, y)
    return c, x, y, xt, yt, net, counts, tries, events


def test_small_network_learns_the_digits_without_labels(small):
    c, x, y, xt, yt, net, counts, tries, events = small
    pre, post = net.synapses("input")
    w = net.weights("input")
    sums = np.bincount(post, weights=w, minlength=20)
    assert sums == pytest.approx(np.full(20, c["w_total"]), rel=1e-9)     # normalised after every image
    background = x.mean(axis=0) < 1 / 16
    w0 = initial_weights(net, c, 0)
    share, share0 = w[background[pre]].sum() / w.sum(), w0[background[pre]].sum() / w0.sum()
    assert share < 0.85 * share0              # the weight leaves the pixels that (almost) never light up
    # theta: theta0 and +theta_plus per spike, decayed by at most exp(-T / tau)
    f = math.exp(-net.t / c["theta_tau"])
    spikes = net.spike_totals("exc")
    theta = net.state("exc", "theta")
    assert np.all(theta >= f * (c["theta0"] + c["theta_plus"] * spikes) - 1e-9)
    assert np.all(theta <= f * c["theta0"] + c["theta_plus"] * spikes + 1e-9)
    assert tries >= len(x) and counts.shape == (len(x), 20) and events > 0
    predicted, _, f_test, _ = evaluate(c, 0, net, x, y, xt)
    assert f_test.sum(axis=1).min() >= 0 and np.mean(predicted == yt) >= 0.2     # chance: 0.1


def test_a_silent_image_is_shown_brighter_until_max_tries(small):
    c, x, *_, net = small[:6]
    counts, tries = show(net, np.zeros(64), dict(c, max_tries=3))
    assert tries == 3 and counts.sum() == 0
    counts, tries = show(net, x[0], dict(c, min_spikes=0))
    assert tries == 1


def test_progress_bar_shows_examples_and_running_accuracy():
    from rich.console import Console

    out = io.StringIO()
    with ExampleProgress(True, 4, "learning", console=Console(file=out, width=120, force_terminal=False)) as bar:
        for acc in (None, 0.5, None, 0.75):
            bar.advance(acc)
    text = out.getvalue()
    assert "4/4" in text and "running accuracy 0.750" in text


def test_som_units_are_labelled_like_the_neurons():
    c = TASK.resolve(dict(SMALL, n_train=400, n_label=400), scale="reduced")
    o = TASK.contender("som").run(c, 0)
    assert grid(50) == (5, 10) and grid(100) == (10, 10) and grid(7) == (1, 7)
    assert o.metrics["accuracy"] >= 0.6
    assert o.metrics["cost"] == 20 * 64 * (2 * 400 + 400 + 200)
    assert o.metrics["labelled_examples"] == 400 and o.metrics["connections"] == 20 * 64


def test_task_scales_and_errors():
    full, reduced = TASK.resolve(scale="full"), TASK.resolve(scale="reduced")
    assert (full["dataset"], full["n_neurons"], full["n_train"], full["dt"]) == ("mnist", 100, 60000, 0.5)
    assert reduced["dataset"] == "digits" and len(reduced["seeds"]) >= 5
    assert {(t.metric, t.low) for t in TASK.targets if "full" in t.scales} >= {("spiking.accuracy", 0.80)}
    with pytest.raises(ValidationError, match="dataset"):
        TASK.resolve({"dataset": "cifar"})
    with pytest.raises(ValidationError, match="MNIST"):
        images(dict(full, data_dir="/nonexistent/mnist"))


def _one_exc_neuron(c, rules=(), rate=0.0, spikes=None, weight=1.0):
    import neuroplastic as npl
    from neuroplastic.compare._diehl_network import _exc_cell

    m = npl.Model(dt=c["dt"], max_rate=None)
    if spikes is None:
        m.add(npl.PoissonInput("x", 1, rate=rate))
    else:
        m.add(npl.SpikeTimes("x", 1, [0] * len(spikes), spikes))
    m.add(npl.Population("exc", 1, _exc_cell(c), initial={"v": -65.0, "theta": c["theta0"]}, rules=list(rules)))
    m.add(npl.Projection("p", "x", "exc", npl.AllToAll(), weight=weight))
    m.add(npl.SpikeMonitor("exc"))
    m.add(npl.StateMonitor("exc", ("v",), interval=c["dt"]))
    return npl.Network(m, seed=0)


@pytest.mark.filterwarnings("ignore:LIF. v_thresh")
def test_input_weight_gives_the_psp_of_the_dimensionless_conductance():
    """Diehl & Cook: tau_m dv/dt = (v_rest - v) + ge (E_e - v), ge dimensionless, += w per
    spike, decaying with tau_ge = 1 ms. With c_m = 100 pF and tau_m = 100 ms (g_L = 1 nS) a
    weight of w nS must give the same PSP. The ODE is linear in v: with
    F(t) = t / tau_m + w tau_ge (1 - e^{-t/tau_ge}) / tau_m and E_e = 0,
    v(t) = e^{-F(t)} (v0 + v_rest / tau_m * integral_0^t e^{F(s)} ds)  (quadrature on 1 us)."""
    c = TASK.resolve({"dt": 0.05}, scale="full")
    w = 0.8
    net = _one_exc_neuron(c, spikes=[1.0], weight=w)
    net.run(30.0)
    d = net.monitor("state_exc")
    t, v = d["t"], d["v"][:, 0]
    arrive = t[np.argmax(v > -65.0 + 1e-9)] - c["dt"]          # the step the conductance jumped
    s = np.linspace(0.0, 30.0, 30001)
    f = s / 100.0 + w * (1.0 - np.exp(-s)) / 100.0
    area = np.concatenate([[0.0], np.cumsum((np.exp(f[1:]) + np.exp(f[:-1])) / 2 * np.diff(s))])
    exact = np.exp(-f) * (-65.0 + -65.0 / 100.0 * area)
    later = t >= arrive
    expected = np.interp(t[later] - arrive, s, exact)
    assert v.max() + 65.0 == pytest.approx(expected.max() + 65.0, rel=0.02)    # ~0.51 mV
    assert np.abs(v[later] - expected).max() < 0.02


@pytest.mark.filterwarnings("ignore:LIF. v_thresh")
def test_spike_block_lets_a_neuron_fire_only_every_50_ms_and_leaves_theta():
    """The original's timer: no spike for 50 ms (101 steps of 0.5 ms) after a spike though
    the membrane is free after 5 ms; theta gets +theta_plus per spike only."""
    from neuroplastic.compare._diehl_threshold import BlockedAdaptiveThreshold, adaptive_theta

    c = TASK.resolve(scale="full")
    rule = BlockedAdaptiveThreshold(increment=0.05, tau=1e7, block=50.0, period=c["dt"])
    net = _one_exc_neuron(c, [rule], rate=2000.0, weight=5.0)
    net.run(500.0)
    _, t = net.spikes("exc")
    assert len(t) == 10 and np.diff(t) == pytest.approx(np.full(9, 50.5))
    theta = adaptive_theta(net, rule)
    assert theta[0] == pytest.approx(20.0 * math.exp(-500.0 / 1e7) + 0.05 * np.exp(-(500.0 - t) / 1e7).sum(), abs=1e-6)
    assert net.state("exc", "theta")[0] == pytest.approx(theta[0] + 1000.0)   # blocked right now


def test_mnist_absent_stops_before_a_run_directory_and_all_skips_the_task(tmp_path, monkeypatch):
    from neuroplastic import compare
    from neuroplastic.cli import main
    from neuroplastic.errors import MissingData

    monkeypatch.delenv("NEUROPLASTIC_MNIST", raising=False)
    with pytest.raises(MissingData, match="data_dir"):
        compare.run_comparison("diehl-cook", {"data_dir": str(tmp_path / "none")}, out=tmp_path / "runs")
    assert not (tmp_path / "runs").exists()
    (tmp_path / "half").mkdir()
    for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):    # the test split is missing
        (tmp_path / "half" / name).write_bytes(b"")
    with pytest.raises(MissingData, match="t10k-images"):
        compare.get_task("diehl-cook").check_data(compare.get_task("diehl-cook").resolve(
            {"data_dir": str(tmp_path / "half")}))
    only = [compare.get_task("diehl-cook")]
    monkeypatch.setattr(compare, "all_tasks", lambda: list(only))
    assert main(["compare", "--all", "--out", str(tmp_path / "runs")]) == 0
    assert not (tmp_path / "runs").exists()
