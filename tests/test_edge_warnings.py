"""Values that are allowed but almost certainly mistakes: an error where the engine
cannot do what the value says, a ModelWarning naming the field and the likely
mistake where it can but probably not as meant. No warning for sensible models."""
import warnings

import pytest

import neuroplastic as npl
from neuroplastic.errors import ModelWarning, ValidationError


def _model(dt=0.1, rate=10.0, lif=None, proj=None, monitor=None):
    m = npl.Model(dt=dt)
    m.add(npl.PoissonInput("x", 2, rate=rate))
    m.add(npl.Population("a", 2, npl.LIF(**(lif or {}))))
    m.add(npl.Projection("p", "x", "a", npl.AllToAll(), **{"weight": 1.0, **(proj or {})}))
    if monitor is not None:
        m.add(monitor)
    return m


def _warnings(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        make()
    return [w.message for w in caught if issubclass(w.category, ModelWarning)]


def _one_warning(make, field, fragment):
    found = _warnings(make)
    assert len(found) == 1, [str(w) for w in found]
    assert found[0].field == field and fragment in str(found[0]), str(found[0])


def test_a_sensible_model_gives_no_warning():
    assert _warnings(lambda: _model(monitor=npl.RateMonitor("a", bin=5.0)).validate()) == []


@pytest.mark.parametrize("make, field", [
    (lambda: npl.LIF(v_thresh=-75.0, v_reset=-70.0), "v_thresh"),
    (lambda: npl.AdEx(v_peak=-80.0), "v_peak"),
    (lambda: npl.Izhikevich(c=40.0), "v_peak"),
])
def test_a_threshold_below_the_reset_warns(make, field):
    _one_warning(make, field, "fires again as soon as its refractory period ends")


def test_poisson_rates_above_one_per_step_are_an_error():
    _model(dt=0.1, rate=10_000.0).validate()                 # exactly one spike per step: allowed
    with pytest.raises(ValidationError, match=r"rate must be <= 1/dt = 10000 Hz") as err:
        _model(dt=0.1, rate=[10.0, 20_000.0]).validate()
    assert err.value.field == "rate"


def test_time_constants_shorter_than_dt_warn_with_the_seconds_hint():
    _one_warning(lambda: _model(dt=0.5, lif={"tau_e": 0.2}).validate(), "tau_e", "shorter than the time step dt")
    _one_warning(lambda: _model(proj={"rules": [npl.PairSTDP(tau_plus=0.02)]}).validate(), "tau_plus",
                 "looks like seconds")
    # far below dt is the deliberate one-step pulse of Izhikevich's networks: no warning
    assert _warnings(lambda: _model(dt=1.0, lif={"tau_e": 1e-3, "tau_i": 1e-3}).validate()) == []


def test_obviously_seconds_values_warn():
    _one_warning(lambda: npl.LIF(tau_m=0.02), "tau_m", "looks like seconds; neuroplastic uses ms (0.02 s would be 20 ms)")
    _one_warning(lambda: npl.Model(dt=1e-4), "dt", "looks like seconds")


def test_rate_monitor_bins_shorter_than_dt_are_an_error_and_odd_ones_warn():
    with pytest.raises(ValidationError, match="bin must be >= dt") as err:
        _model(monitor=npl.RateMonitor("a", bin=0.05)).validate()
    assert err.value.field == "bin"
    _one_warning(lambda: _model(monitor=npl.RateMonitor("a", bin=0.25)).validate(), "bin",
                 "rounded to 2 steps (0.2 ms)")
    _one_warning(lambda: _model(monitor=npl.StateMonitor("a", interval=0.05)).validate(), "interval",
                 "rounded to 1 steps")


@pytest.mark.parametrize("weight, side", [(2.0, "above w_max"), ([0.5, -0.1], "below w_min")])
def test_initial_weights_outside_the_bounds_are_an_error(weight, side):
    with pytest.raises(ValidationError, match=side) as err:
        npl.Projection("p", "x", "a", npl.AllToAll(), weight=weight, w_min=0.0, w_max=1.0)
    assert err.value.field == "weight"


def test_a_uniform_weight_beyond_the_bounds_warns():
    _one_warning(lambda: npl.Projection("p", "x", "a", npl.AllToAll(), weight=npl.Uniform(0.0, 2.0), w_max=1.0),
                 "weight", "clipped to the bounds")


def test_a_rule_bound_above_the_projection_bound_warns_when_the_rule_uses_it():
    make = lambda dependence: npl.Projection(   # noqa: E731
        "p", "x", "a", npl.AllToAll(), weight=0.1, w_max=0.5,
        rules=[npl.PairSTDP(w_max=1.0, weight_dependence=dependence)])
    _one_warning(lambda: make("multiplicative"), "rules[0] (PairSTDP).w_max", "above the projection's w_max (0.5)")
    assert _warnings(lambda: make("additive")) == []


def test_delays_shorter_than_dt_warn():
    _one_warning(lambda: _model(proj={"delay": 0.04}).validate(), "delay", "rounded to 0 steps")
    assert _warnings(lambda: _model(proj={"delay": 0.1}).validate()) == []


def test_negative_weights_on_the_excitatory_receptor_of_spiking_neurons_warn():
    _one_warning(lambda: _model(proj={"weight": -1.0}).validate(), "weight", "use receptor='inh'")
    assert _warnings(lambda: _model(proj={"weight": -1.0, "receptor": "inh"}).validate()) == []
    rate = npl.Model(dt=1.0, max_rate=None)                 # rate units sum signed weights
    rate.add(npl.ValueInput("v", [[1.0]]))
    rate.add(npl.Population("r", 1, npl.RateUnit("linear")))
    rate.add(npl.Projection("p", "v", "r", npl.AllToAll(), weight=-1.0))
    assert _warnings(rate.validate) == []


def test_warnings_point_at_the_users_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        npl.LIF(tau_m=0.02)
    assert caught[0].filename == __file__
