"""Gated(rule, modulator): a modulator level scales any event-driven rule's
weight changes, g(M) = max(0, 1 + gain (M - reference)) (plasticity/gating.py)."""
import pickle

import numpy as np
import pytest

import neuroplastic as npl
from neuroplastic.errors import ValidationError
from neuroplastic.config import config_from_dict, model_to_dict

PRE = [10.0, 60.0, 110.0]
POST = [15.0, 55.0, 115.0]   # two LTP pairs (+5 ms) and one LTD pair (-5 ms)


def _model(rule, level, name="acetylcholine"):
    m = npl.Model(dt=0.1)
    m.add(npl.SpikeTimes("pre", 1, [0] * 3, PRE))
    m.add(npl.SpikeTimes("post", 1, [0] * 3, POST))
    # a level that does not decay within the run (keep = 1 to double precision)
    m.add(npl.Modulator(name, tau=1e15, initial=level))
    m.add(npl.Projection("p", "pre", "post", npl.AllToAll(), weight=0.5, rules=[rule], w_min=0, w_max=1))
    return m


def _change(rule, level):
    net = npl.Network(_model(rule, level), seed=0)
    net.run(200.0)
    return net.weights("p")[0] - 0.5


STDP = npl.PairSTDP(a_plus=0.01, a_minus=0.012, tau_plus=20, tau_minus=20, w_max=1)


def _sides():
    """(LTP, LTD) of the protocol in closed form for all-to-all additive STDP."""
    ltp = ltd = 0.0
    for tp in POST:
        for tq in PRE:
            d = tp - tq
            if d > 0:
                ltp += STDP.a_plus * np.exp(-d / STDP.tau_plus)
            elif d < 0:
                ltd -= STDP.a_minus * np.exp(d / STDP.tau_minus)
    return ltp, ltd


@pytest.mark.parametrize("events", ["both", "pre", "post"])
@pytest.mark.parametrize("level", [0.0, 0.5, 1.0, 3.0])
def test_gate_scales_the_named_side_in_closed_form(events, level):
    ltp, ltd = _sides()
    g = max(0.0, 1.0 + 0.5 * (level - 1.0))
    want = (g if events in ("both", "post") else 1.0) * ltp + (g if events in ("both", "pre") else 1.0) * ltd
    got = _change(npl.Gated(STDP, "acetylcholine", gain=0.5, reference=1.0, events=events), level)
    assert got == pytest.approx(want, abs=1e-12)
    assert _change(STDP, level) == pytest.approx(ltp + ltd, abs=1e-12)   # the ungated rule ignores ACh


def test_gate_is_zero_below_the_cut_and_without_the_modulator():
    # g(M) = M / M_high: no learning without acetylcholine, full learning at M_high
    gated = npl.Gated(STDP, "acetylcholine", gain=1 / 2.0, reference=2.0)
    assert _change(gated, 0.0) == 0.0
    assert _change(gated, -5.0) == 0.0   # clipped at 0, never sign-reversed
    assert _change(gated, 2.0) == pytest.approx(sum(_sides()), abs=1e-12)


def test_gating_other_rule_families():
    tri = npl.TripletSTDP.preset("visual-all-to-all")
    for rule in (tri, npl.InhibitorySTDP(eta=0.01, rho0=5.0, tau=20.0)):
        ref = _change(rule, 0.0)
        assert ref != 0.0
        assert _change(npl.Gated(rule, "acetylcholine", gain=1.0), 2.0) == pytest.approx(3.0 * ref, rel=1e-12)


def test_gated_rule_keeps_the_inner_rule_and_pickles():
    g = npl.Gated(STDP, "dopamine", gain=2.0, reference=0.1, events="post")
    assert g.inner() == STDP and g.a_plus == STDP.a_plus
    assert pickle.loads(pickle.dumps(g)) == g
    assert type(npl.Gated(STDP)) is type(g)   # one gated class per rule class
    assert "gate_modulator" in type(g).modulated_by


def test_gated_rule_errors_name_the_field():
    with pytest.raises(ValidationError, match="periodic"):
        npl.Gated(npl.SynapticScaling(target_rate=5.0))
    with pytest.raises(ValidationError, match="already gated"):
        npl.Gated(npl.Gated(STDP))
    with pytest.raises(ValidationError, match="gate_events"):
        npl.Gated(STDP, events="ltp")
    with pytest.raises(ValidationError, match="on_pre/on_post"):
        npl.Gated(npl.TsodyksMarkram.depressing())
    m = _model(npl.Gated(STDP, "serotonin"), 1.0)
    with pytest.raises(ValidationError, match="gate_modulator.*must name a modulator"):
        m.validate()


def test_gate_round_trips_through_a_config():
    m = _model(npl.Gated(STDP, "acetylcholine", gain=0.5, reference=1.0, events="pre"), 3.0)
    d = model_to_dict(m, duration=200.0)
    assert d["projections"][0]["rules"][0]["gate"] == {"modulator": "acetylcholine", "gain": 0.5,
                                                        "reference": 1.0, "events": "pre"}
    rc = config_from_dict(d)
    assert rc.model.projections["p"].rules[0] == m.projections["p"].rules[0]
    bad = model_to_dict(m, duration=200.0)
    bad["projections"][0]["rules"][0]["gate"]["events"] = "ltp"
    with pytest.raises(ValidationError, match=r"gate\.events"):
        config_from_dict(bad)
