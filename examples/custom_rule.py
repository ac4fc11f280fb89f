"""A complete user-defined plasticity rule, written without touching the engine.

Symmetric (Hebbian) STDP: any pre/post pair closer than a few tau potentiates,
whatever the order, as reported for some hippocampal synapses (and used as the
"symmetric" window in Mishra et al. 2016, Nat Commun 7:11552):

    dw = eta * exp(-|t_post - t_pre| / tau)

Run this file to see one pair's weight change compared with the formula.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from numba import njit

import neuroplastic as npl


@njit
def _on_pre(s, i, j, t, w, st, p):
    # a pre spike pairs with earlier post spikes through the post trace
    return p.eta * st.post.x[j] * math.exp(-(t - st.post.t_last[j]) / p.tau)


@njit
def _pre_spike(i, t, st, p):
    st.pre.x[i] = st.pre.x[i] * math.exp(-(t - st.pre.t_last[i]) / p.tau) + 1.0
    st.pre.t_last[i] = t


@njit
def _on_post(s, i, j, t, w, st, p):
    return p.eta * st.pre.x[i] * math.exp(-(t - st.pre.t_last[i]) / p.tau)


@njit
def _post_spike(j, t, st, p):
    st.post.x[j] = st.post.x[j] * math.exp(-(t - st.post.t_last[j]) / p.tau) + 1.0
    st.post.t_last[j] = t


@dataclass(frozen=True)
class SymmetricSTDP(npl.Rule, npl.OnPre, npl.OnPost):
    """Symmetric STDP. Parameters: eta (weight units, >= 0), tau (ms, > 0)."""

    eta: float = 0.01
    tau: float = 20.0

    constraints = {"eta": dict(ge=0), "tau": dict(gt=0, unit="ms")}
    pre_state = (npl.State("x"), npl.State("t_last", 0.0, "ms"))
    post_state = (npl.State("x"), npl.State("t_last", 0.0, "ms"))
    on_pre, pre_spike, on_post, post_spike = _on_pre, _pre_spike, _on_post, _post_spike


def pair_change(delta_t: float, rule: SymmetricSTDP) -> float:
    """Simulate one pre/post pair with t_post - t_pre = delta_t (ms); return dw."""
    t_pre = 50.0 + max(0.0, -delta_t)
    model = npl.Model(dt=0.1)
    model.add(npl.SpikeTimes("pre", 1, [0], [t_pre]))
    model.add(npl.SpikeTimes("post", 1, [0], [t_pre + delta_t]))
    model.add(npl.Projection("p", "pre", "post", npl.OneToOne(), weight=0.5, rules=[rule]))
    net = npl.Network(model)
    net.run(t_pre + abs(delta_t) + 10.0)
    return float(net.weights("p")[0] - 0.5)


if __name__ == "__main__":
    rule = SymmetricSTDP(eta=0.01, tau=20.0)
    for dt in (-20.0, -5.0, 5.0, 20.0):
        print(f"dt={dt:+.0f} ms  dw={pair_change(dt, rule):.6f}  formula={0.01 * math.exp(-abs(dt) / 20):.6f}")
