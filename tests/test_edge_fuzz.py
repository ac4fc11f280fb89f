"""Every public constructor, every field, odd values: it constructs (with its
numbers normalised) or raises ValidationError -- never another exception; and a
tiny network built from what constructed builds or raises ValidationError."""
import dataclasses
import decimal
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import neuroplastic as npl
import neuroplastic.plasticity as plasticity
from neuroplastic.errors import ModelWarning, ValidationError
from neuroplastic.model import quantities
from neuroplastic.model import Distribution
from neuroplastic.model.branches import BranchTarget
from neuroplastic.model.spec import Number, field_specs
from neuroplastic.model.topology import Lesion, Neurogenesis, PruneSilent

REQUIRED = {
    npl.PoissonInput: ("x", 3), npl.SpikeTimes: ("s", 2, [0], [1.0]), npl.ValueInput: ("v", [[1.0]]),
    npl.NoiseInput: ("z", 2), npl.Population: ("p", 3, npl.LIF()), npl.Projection: ("q", "a", "b", npl.AllToAll()),
    npl.SpikeMonitor: ("a",), npl.StateMonitor: ("a",), npl.WeightMonitor: ("q",), npl.RateMonitor: ("a",),
    npl.ModulatorMonitor: ("dopamine",), npl.Modulator: ("dopamine",), Lesion: (10.0, 0.5, "a"),
    Neurogenesis: (10.0, "a", 2), PruneSilent: ("a", 100.0), npl.Phase: ("w", 10.0),
}
NOT_MODEL_OBJECTS = {npl.Rule, npl.NeuronRule, npl.State}   # bases, and a rule's state declaration


def _constructors():
    classes = [getattr(npl, name) for name in npl.__all__]
    classes += [getattr(plasticity, name) for name in plasticity.__all__]
    classes += [Lesion, Neurogenesis, PruneSilent, type(npl.Gated(npl.PairSTDP()))]
    out = []
    for cls in classes:
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls not in NOT_MODEL_OBJECTS and cls not in out:
            out.append(cls)
    return out


CONSTRUCTORS = _constructors()
WITH_FIELDS = [cls for cls in CONSTRUCTORS if any(f.init for f in dataclasses.fields(cls))]
UNIT_TEXT = ["10", "10 ms", "0.02 s", "0.2 nS", "15 Hz", "1.5 kHz", "10 mV", "-5 ms", "50 %", "abc", "",
             "1e999 ms", "nan ms", "ms", "10 ms ms", "9**9**9 ms", "[1,2] ms", "10 furlongs", "3 pA", "1 nF"]


def _quantity(args):
    magnitude, unit = args
    return quantities.registry().Quantity(magnitude, unit)


def weird_values():
    """Values a user (or a config) might pass by mistake."""
    scalars = st.one_of(
        st.integers(min_value=-2**70, max_value=2**70), st.just(-10**400), st.floats(), st.floats(width=16).map(np.float16),
        st.floats(width=32).map(np.float32), st.integers(-5, 5).map(np.int64), st.booleans(),
        st.booleans().map(np.bool_), st.none(), st.sampled_from(UNIT_TEXT), st.text(max_size=6),
        st.binary(max_size=4), st.decimals(allow_nan=True), st.complex_numbers(max_magnitude=10))
    arrays = hnp.arrays(st.sampled_from([np.float64, np.float16, np.int64, np.uint64, np.bool_, np.complex128,
                                         "U3", object]),
                        hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=3),
                        elements=None)
    quantity = st.tuples(st.one_of(st.floats(-1e3, 1e3), st.lists(st.floats(-1e3, 1e3), max_size=3)),
                         st.sampled_from(["ms", "s", "mV", "nS", "pA", "Hz", "dimensionless", "nF"])).map(_quantity)
    return st.one_of(scalars, st.lists(scalars, max_size=3), st.tuples(scalars), arrays, quantity,
                     st.dictionaries(st.text(max_size=3), scalars, max_size=2))


WEIRD = weird_values()


def _construct(cls, field, value):
    args = REQUIRED.get(cls, ())
    names = [f.name for f in dataclasses.fields(cls) if f.init]
    kwargs = dict(zip(names, args))
    kwargs[field] = value
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # no RuntimeWarning (overflow ...) either
        warnings.simplefilter("ignore", ModelWarning)
        return cls(**kwargs)


def _assert_normalised(obj):
    """Declared numbers are Python floats or float64 arrays (never strings, float16,
    ints); a modulator keeps its schedule as tuples of floats; branch targets are
    integer indices (int or int64 arrays) or a named rule."""
    for name, spec in field_specs(obj).items():
        value = getattr(obj, name)
        if not isinstance(spec, Number) or value is None or isinstance(value, Distribution):
            continue
        if isinstance(spec, BranchTarget):          # branch indices: integers by design, or a named rule
            assert type(value) is int or isinstance(value, str) or \
                (isinstance(value, np.ndarray) and value.dtype == np.int64), (type(obj).__name__, name, value)
            continue
        if isinstance(value, tuple):
            assert isinstance(obj, npl.Modulator) and all(type(x) is float for x in value), (name, value)
        else:
            assert type(value) is float or (isinstance(value, np.ndarray) and value.dtype == np.float64), \
                (type(obj).__name__, name, value)


@pytest.mark.parametrize("cls", WITH_FIELDS, ids=lambda c: c.__name__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_field_constructs_or_raises_validation_error(cls, data):
    fields = [f.name for f in dataclasses.fields(cls) if f.init]
    field = data.draw(st.sampled_from(fields), label="field")
    value = data.draw(WEIRD, label="value")
    try:
        obj = _construct(cls, field, value)
    except ValidationError:
        return
    _assert_normalised(obj)


def test_every_constructor_declares_every_field():
    for cls in CONSTRUCTORS:
        declared = field_specs(cls)
        missing = [f.name for f in dataclasses.fields(cls) if f.init and f.name not in declared]
        if cls is npl.Model:
            missing = [m for m in missing if m not in ("populations", "projections", "monitors", "modulators",
                                                      "events", "protocol")]
        assert not missing, (cls.__name__, missing)


# --- a tiny network from fuzzed values (one structure: compiled once) ----------

NET_FIELDS = {
    "model": ("dt", "max_rate"),
    "lif": ("tau_m", "c_m", "v_rest", "v_reset", "v_thresh", "t_ref", "tau_e", "tau_i", "i_bias"),
    "poisson": ("rate",),
    "projection": ("weight", "w_min", "w_max"),
    "stdp": ("a_plus", "a_minus", "tau_plus", "tau_minus", "w_max"),
    "monitor": ("interval",),
}


def tiny_network(kind=None, field=None, value=None):
    """Poisson input -> 3 LIF neurons with pair STDP and a StateMonitor; one
    field of one part replaced by ``value``."""
    parts = {k: {} for k in NET_FIELDS}
    if kind is not None:
        parts[kind][field] = value
    m = npl.Model(**{"dt": 0.1, **parts["model"]})
    m.add(npl.PoissonInput("x", 4, **{"rate": 20.0, **parts["poisson"]}))
    m.add(npl.Population("a", 3, npl.LIF(**parts["lif"])))
    m.add(npl.Projection("p", "x", "a", npl.AllToAll(), **{"weight": 0.5, "w_max": 1.0, "w_min": 0.0,
                                                           **parts["projection"]},
                         rules=[npl.PairSTDP(**parts["stdp"])]))
    m.add(npl.StateMonitor("a", ("v",), **parts["monitor"]))
    return npl.Network(m, seed=1)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_values_build_a_network_or_raise_validation_error(data):
    kind = data.draw(st.sampled_from(sorted(NET_FIELDS)), label="part")
    field = data.draw(st.sampled_from(NET_FIELDS[kind]), label="field")
    value = data.draw(WEIRD, label="value")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", ModelWarning)
        try:
            net = tiny_network(kind, field, value)
        except ValidationError:
            return
    assert net.state("a", "v").shape == (3,)


@pytest.mark.parametrize("kind, field, value", [
    ("poisson", "rate", decimal.Decimal("5")), ("monitor", "interval", np.array([1.0, 2.0])),
    ("model", "max_rate", "abc"), ("lif", "c_m", np.float16(np.inf)),
    ("stdp", "tau_plus", b"20"), ("projection", "weight", "0.5 nS"),
])
def test_values_that_once_failed_inside_network_now_fail_at_the_edge(kind, field, value):
    with pytest.raises(ValidationError) as err:
        tiny_network(kind, field, value)
    assert err.value.field == field
