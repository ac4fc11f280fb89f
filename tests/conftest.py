"""Shared helpers for the test suite."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))


@pytest.fixture
def tiny_pairing():
    """Build a one-synapse pairing network: (model, rule) -> Network factory."""
    import neuroplastic as npl

    def make(rule, t_pre, t_post, w0=0.5, w_min=-1e9, w_max=1e9):
        model = npl.Model(dt=0.1)
        model.add(npl.SpikeTimes("pre", 1, [0] * len(t_pre), t_pre))
        model.add(npl.SpikeTimes("post", 1, [0] * len(t_post), t_post))
        model.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=w0,
                                 w_min=w_min, w_max=w_max, rules=[rule]))
        return npl.Network(model)

    return make
