"""The rule in docs/writing-a-rule.md (examples/custom_rule.py) does what it says."""
import math

import pytest

from custom_rule import SymmetricSTDP, pair_change


@pytest.mark.parametrize("delta", [-30.0, -5.0, 0.0, 5.0, 30.0])
def test_symmetric_window(delta):
    rule = SymmetricSTDP(eta=0.01, tau=20.0)
    expected = 0.01 * math.exp(-abs(delta) / 20.0)
    if delta == 0.0:
        expected = 0.01  # same step: the pre event sees no post yet, the post event pairs once
    assert pair_change(delta, rule) == pytest.approx(expected, abs=1e-12)


def test_validation_of_user_rule():
    from neuroplastic import ValidationError

    with pytest.raises(ValidationError, match="SymmetricSTDP: tau must be > 0 ms"):
        SymmetricSTDP(tau=0.0)
