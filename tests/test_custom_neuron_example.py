"""The neuron model of docs/writing-a-neuron.md (examples/custom_neuron.py) runs
without any engine change and does what its equations say.

One network holds everything (one compiled loop): ``cell`` neuron 0 relaxes
below threshold from given v, w, ie (closed form), neuron 1 fires regularly
(b = 0), neuron 2 adapts (b > 0), and neuron 3, driven like neuron 2, is the
target of plastic synapses from a spike-time source: PairSTDP and a rule that
reads the model's own variable ``w``.
"""
import math
from dataclasses import dataclass

import numpy as np
import pytest
from numba import njit

import neuroplastic as npl
from custom_neuron import AdaptiveLIF, adaptive_lif_step, membrane, pack
from neuroplastic.engine import kinds
from neuroplastic.testing import check_neuron_model

DT, T_END = 0.1, 400.0
PRE_TIMES = (95.0, 180.0, 260.0)


@njit
def _gated_on_pre(s, i, j, t, w, st, p):
    return p.eta * st.dst.w[j]


@dataclass(frozen=True)
class AdaptationGated(npl.Rule, npl.OnPre):
    """dw = eta * w_post at each presynaptic spike (reads the model's ``w``)."""

    eta: float = 0.01
    post_reads = ("w",)
    on_pre = _gated_on_pre


CELL = AdaptiveLIF(i_bias=np.array([100.0, 400.0, 400.0, 400.0]), b=np.array([50.0, 0.0, 60.0, 60.0]))
STDP = npl.PairSTDP(a_plus=1.0, a_minus=1.2, tau_plus=20.0, tau_minus=20.0)


@pytest.fixture(scope="module")
def net():
    m = npl.Model(dt=DT)
    m.add(npl.Population("cell", 4, CELL, initial={"v": [-60.0, -70.0, -70.0, -70.0], "w": [40.0, 0, 0, 0],
                                                   "ie": [100.0, 0, 0, 0]}))
    m.add(npl.SpikeTimes("pre", 1, [0] * len(PRE_TIMES), PRE_TIMES))
    for name, rule in (("stdp", STDP), ("gated", AdaptationGated(eta=0.01))):
        m.add(npl.Projection(name, "pre", "cell", npl.Pairs([0], [3]), weight=0.0, w_min=-100.0, w_max=100.0,
                             rules=[rule]))
    m.add(npl.SpikeMonitor("cell"))
    m.add(npl.StateMonitor("cell", ("v", "w"), interval=DT))
    return npl.Network(m, seed=1).run(T_END)


def spikes_of(net, k):
    i, t = net.spikes("cell")
    return t[i == k]


def test_membrane_follows_its_closed_form(net):
    """Below threshold the exact step reproduces v(t) and w(t) to round-off."""
    rec = net.monitor("state_cell")
    one = AdaptiveLIF(i_bias=100.0, b=50.0)
    assert len(spikes_of(net, 0)) == 0
    np.testing.assert_allclose(rec["v"][:, 0], membrane(rec["t"], one, -60.0, 40.0, 100.0), rtol=0, atol=1e-9)
    np.testing.assert_allclose(rec["w"][:, 0], 40.0 * np.exp(-rec["t"] / one.tau_w), rtol=1e-12, atol=0)


def predicted_intervals(m: AdaptiveLIF, count: int) -> np.ndarray:
    """Inter-spike intervals from the closed form on the step grid: after each
    spike w jumps by b, v is clamped for t_ref while w decays, then v follows
    ``membrane`` from v_reset until the first step end at or above threshold."""
    s = DT * np.arange(1, 20001)
    w, out = 0.0, []
    for _ in range(count):
        w += m.b
        free = membrane(s, m, m.v_reset, w * math.exp(-m.t_ref / m.tau_w))
        isi = m.t_ref + s[np.argmax(free >= m.v_thresh)]
        out.append(isi)
        w *= math.exp(-isi / m.tau_w)
    return np.array(out)


def test_intervals_follow_the_adaptation_map(net):
    """Without adaptation (b = 0) every interval is the LIF interval; with it
    each one is predicted from the last by the closed form, lengthening
    towards a fixed point."""
    plain, adapting = np.diff(spikes_of(net, 1)), np.diff(spikes_of(net, 2))
    lif = predicted_intervals(AdaptiveLIF(i_bias=400.0, b=0.0), 1)[0]
    assert lif == pytest.approx(2.0 + 19.7, abs=1e-9)   # t_ref + 20 ln(32/12) = 19.62 ms, to the next step
    np.testing.assert_allclose(plain, lif, rtol=0, atol=1e-9)
    expected = predicted_intervals(AdaptiveLIF(i_bias=400.0, b=60.0), len(adapting))
    np.testing.assert_allclose(adapting, expected, rtol=0, atol=1e-9)
    assert adapting[-1] > 1.6 * adapting[0] and np.all(np.diff(adapting) >= 0)


def test_first_spike_time_from_rest(net):
    """From rest the first spike comes in the step whose end first reaches
    threshold: T = -tau_m ln(1 - (v_thresh - v_rest) / (R I))."""
    first = -20.0 * math.log(1 - 20.0 / (0.08 * 400.0))
    assert spikes_of(net, 1)[0] == pytest.approx(DT * (math.ceil(first / DT) - 1), abs=1e-9)


def test_stdp_on_its_spikes(net):
    """PairSTDP onto the model sums a_plus e^{-dt/tau} over pre-before-post
    pairs and -a_minus e^{dt/tau} over post-before-pre pairs (all-to-all)."""
    post = spikes_of(net, 3)
    lag = post[None, :] - np.array(PRE_TIMES)[:, None]
    dw = np.where(lag >= 0, STDP.a_plus * np.exp(-lag / 20.0), -STDP.a_minus * np.exp(lag / 20.0)).sum()
    assert net.weights("stdp")[0] == pytest.approx(dw, abs=1e-12)


def test_rule_reads_the_models_own_variable(net):
    """A rule declaring post_reads=("w",) gets the live adaptation current:
    each pre spike adds eta * w of neuron 3 after that step's update (the
    monitor's sample of the next step)."""
    rec = net.monitor("state_cell")
    steps = np.round(np.array(PRE_TIMES) / DT).astype(int) + 1
    expected = 0.01 * rec["w"][steps, 3].sum()
    assert expected > 0.1 and net.weights("gated")[0] == pytest.approx(expected, rel=1e-12)


def test_passes_the_neuron_contract():
    check_neuron_model(AdaptiveLIF(), weight=150.0)


# -- registration: one call, checked ------------------------------------------------

def test_registered_outside_the_package():
    kind = kinds.find(AdaptiveLIF)
    assert kind.kernel(AdaptiveLIF()) is adaptive_lif_step and kind.pack is pack
    assert AdaptiveLIF.__module__ == "custom_neuron"


def test_subclass_of_a_registered_model_uses_its_kernel():
    @dataclass(frozen=True)
    class QuietLIF(npl.LIF):
        pass

    from neuroplastic.engine.neurons import lif_conductance_step

    assert kinds.find(QuietLIF).kernel(QuietLIF(synapse="conductance")) is lif_conductance_step


@dataclass(frozen=True)
class Unregistered(npl.NeuronModel):
    state_variables = ("v", "ie", "ii")
    synaptic_variables = ("ie", "ii")

    def default_initial(self):
        return {}


@njit
def _step(state, par, ref, work, spk, bad):
    return 0


def _pack(m, n, dt):
    return np.zeros((1, 1))


def test_a_model_without_kernel_is_refused_before_the_run():
    m = npl.Model()
    m.add(npl.Population("x", 3, Unregistered()))
    with pytest.raises(npl.ValidationError, match=r"Population 'x': model must be a neuron model with a "
                                                  r"registered kernel.*register_neuron_kind"):
        npl.Network(m)


def model_class(state=("v", "ie", "ii"), channels=("ie", "ii")):
    @dataclass(frozen=True)
    class Made(npl.NeuronModel):
        state_variables = state
        synaptic_variables = channels

        def default_initial(self):
            return {}

    return Made


@pytest.mark.parametrize("kwargs, field, match", [
    (dict(kernel=None), "kernel", "must be a numba function"),
    (dict(kernel=lambda state, par, ref, work, spk, bad: 0), "kernel", "must be a numba function"),
    (dict(kernel=njit(lambda state, par: 0)), "kernel", "must take 6 arguments"),
    (dict(pack=None), "pack", "must be a function"),
    (dict(coefficients=0), "coefficients", "must be an integer >= 1"),
    (dict(refractory=1), "refractory", r"must be None or a column of par \(0 .. 0\)"),
    (dict(kernel={"a": _step, "b": _step}), "variant", "must choose among several kernels"),
    (dict(model=model_class(channels=("ge", "gi"))), "synaptic_variables", "must name the two state rows"),
    (dict(model=model_class(state=())), "state_variables", "must be a non-empty tuple"),
    (dict(model=type("Plain", (npl.NeuronModel,), {})), "model", "must be a frozen dataclass"),
    (dict(model=AdaptiveLIF), "model", "is registered already"),
])
def test_bad_registrations_name_the_field(kwargs, field, match):
    args = dict(model=model_class(), kernel=_step, pack=_pack, coefficients=1) | kwargs
    model = args.pop("model")
    with pytest.raises(npl.ValidationError, match=match) as e:
        npl.register_neuron_kind(model, args.pop("kernel"), args.pop("pack"), **args)
    assert e.value.field == field
    assert model is AdaptiveLIF or kinds.find(model) is None   # nothing registered


def test_a_bad_coefficient_table_is_refused_before_the_run():
    @dataclass(frozen=True)
    class Wide(Unregistered):
        pass

    npl.register_neuron_kind(Wide, _step, lambda m, n, dt: np.zeros((n, 3)), coefficients=2)
    m = npl.Model()
    m.add(npl.Population("x", 3, Wide()))
    with pytest.raises(npl.ValidationError, match=r"Population 'x': model \(Wide\) coefficient table must be a "
                                                  r"float64 array of shape \(1, k\) or \(3, k\) with 1 <= k <= 2"):
        npl.Network(m)


def _kernels():
    """Two kernels of the same name whose sources differ."""
    @njit
    def step(state, par, ref, work, spk, bad):
        return 0

    first = step

    @njit
    def step(state, par, ref, work, spk, bad):  # noqa: F811 - the same name on purpose
        return 0 * spk.shape[0]

    return first, step


def test_the_compiled_loop_is_keyed_by_the_kernel_source():
    """Two models whose loops have the same generated source but whose kernels
    differ get different compiled modules, each bound to its own kernel."""
    nets = []
    for kernel in _kernels():
        cls = dataclass(frozen=True)(type("Keyed", (Unregistered,), {"__module__": __name__}))
        npl.register_neuron_kind(cls, kernel, _pack, coefficients=1)
        m = npl.Model()
        m.add(npl.Population("x", 2, cls()))
        nets.append((npl.Network(m), kernel))
    (a, ka), (b, kb) = nets
    assert a.kernel_source == b.kernel_source and "K0_step(P0_state" in a.kernel_source
    assert a._advance is not b._advance
    assert a._advance.py_func.__globals__["K0_step"] is ka and b._advance.py_func.__globals__["K0_step"] is kb


def test_models_are_found_by_name_or_import_path():
    """What a config says: built-ins by name, user models as 'module:Class'."""
    from neuroplastic.config import config_from_dict

    def read(model):
        return config_from_dict({"simulation": {"duration": 1.0},
                                 "populations": [{"name": "n", "n": 2, "model": model}]}).model

    assert type(read("LIF").populations["n"].model) is npl.LIF
    assert type(read("custom_neuron:AdaptiveLIF").populations["n"].model) is AdaptiveLIF
    for name, match in (("Foo", "must be one of 'LIF'"), ("custom_neuron:Nope", "must name an importable"),
                        ("numpy:ndarray", "must name a NeuronModel subclass")):
        with pytest.raises(npl.ValidationError, match=match):
            read(name)