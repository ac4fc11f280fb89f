"""The registry of population kinds (engine/kinds.py): every built-in model and
input has one entry, and the loop's signature and call come from one list."""
import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.engine import codegen, kinds, memory
from neuroplastic.model.inputs import INPUT_KINDS
from neuroplastic.model.neurons import NEURON_MODELS


@pytest.mark.parametrize("cls", [*NEURON_MODELS.values(), *INPUT_KINDS.values()], ids=lambda c: c.__name__)
def test_every_builtin_has_a_registered_kind(cls):
    kind = kinds.find(cls)
    assert kind is not None and kind.serves is cls
    assert isinstance(kind, kinds.NeuronKind if cls in NEURON_MODELS.values() else kinds.InputKind)


def every_kind():
    m = npl.Model(dt=0.5)
    m.add(npl.PoissonInput("poisson", 4, rate=20.0))
    m.add(npl.SpikeTimes("times", 3, [0, 2], [1.0, 2.0]))
    m.add(npl.ValueInput("values", np.ones((2, 3))))
    m.add(npl.NoiseInput("noise", 3))
    m.add(npl.Population("lif", 5, npl.LIF(synapse="conductance")))
    m.add(npl.Population("rate", 3, npl.RateUnit()))
    m.add(npl.Population("binary", 3, npl.BinaryUnit()))
    m.add(npl.Projection("delayed", "poisson", "lif", npl.AllToAll(), weight=1.0, delay=1.0))
    m.add(npl.Projection("graded", "values", "rate", npl.OneToOne(), weight=1.0))
    m.add(npl.Projection("oja", "noise", "rate", npl.OneToOne(), weight=0.5, rules=[npl.Oja(period=1.0)]))
    m.add(npl.Projection("stdp", "times", "binary", npl.OneToOne(), weight=0.5, w_max=1.0,
                         rules=[npl.PairSTDP(a_plus=0.1, a_minus=0.1), npl.DiscreteSTDP(step=0.5)]))
    return npl.Network(m)


def test_signature_and_call_come_from_one_list():
    """Each population argument of the loop is the array its suffix names, in
    the same position of the signature and of the call."""
    net = every_kind()
    net._pops[4].variable("activity")   # a rule reading a spiking population's activity adds act/nact
    names = codegen.argument_names([p.spec for p in net._pops], [p.spec for p in net._projs],
                                   [r.spec for r in net._recorders],
                                   codegen.ModSpec(0, [], []))
    args = net._arguments(0, 1)
    assert len(names) == len(args)
    position = {name: k for k, name in enumerate(names)}
    for p in net._pops:
        for suffix in codegen.population_arguments(p.spec):
            passed, meant = args[position[f"P{p.spec.index}_{suffix}"]], p.argument(suffix)
            assert passed is meant or (np.shares_memory(passed, meant) and passed.shape == meant.shape)
    assert {"P4_B0", "P4_act", "P4_nact", "P4_state", "P4_par"} <= set(names)
    assert args[position["P5_act"]].base is net._pops[5].arrays["state"]   # a rate unit's activity is its row r


def test_the_loop_calls_each_kind_through_its_own_global():
    net = every_kind()
    source = net.kernel_source
    # numpy only for the scratch of the postsynaptic column walk (np.empty)
    assert "import" not in source.replace("from numba import njit", "").replace("import numpy as np", "")
    for call in ("c0 = K0_poisson_step(n, rng, P0_nxt, P0_logq, P0_acc, P0_int, P0_spk)",
                 "c1 = K1_spike_times_step(n, P1_steps, P1_idx, P1_ptr, P1_spk)",
                 "c2 = K2_values_step(n, P2_vals, P2_hold, P2_act, P2_spk)",
                 "c3 = K3_noise_step(n, P3_hold, rng, P3_bounds, P3_act, P3_spk)",
                 "c4 = K4_lif_conductance_step(P4_state, P4_par, P4_ref, P4_work, P4_spk, bad)",
                 "c5 = K5_rate_step(P5_state, P5_par, P5_ref, P5_work, P5_spk, bad)",
                 "c6 = K6_binary_step(P6_state, P6_par, P6_ref, P6_work, P6_spk, bad)"):
        assert call in source
    globals_ = net._advance.py_func.__globals__
    assert all(globals_[f"K{p.spec.index}_{p.spec.step.py_func.__name__}"] is p.spec.step for p in net._pops)


def test_memory_and_runaway_read_the_kind():
    """The estimate counts a kind's widest coefficient table; the runaway limit
    reads the refractory column it declares (LIF: column 1, 20 steps)."""
    lif = npl.Population("p", 10, npl.LIF(t_ref=2.0))
    assert memory.neuron_bytes(lif) == memory.PER_NEURON + 8 * (4 + 13)
    assert memory.neuron_bytes(npl.Population("b", 10, npl.BinaryUnit())) == memory.PER_NEURON + 8 * (5 + 1)
    net = every_kind()
    assert np.all(net._pops[4].spec.kind.refractory_steps(net._pops[4].arrays["par"]) == 4)   # 2 ms at 0.5 ms
    assert net._pops[6].spec.kind.refractory_steps(net._pops[6].arrays["par"]) is None
