"""The conductance-LIF kernel's single vectorised pass plus flagged-neuron pass
gives the bits of the two-pass form it replaced (a candidate pass, then every
neuron's refractory, range, finiteness and threshold branches), for the step
and the range (threads) kernels, every kind of neuron, and both flag layouts."""
import math

import numpy as np
import pytest
from numba import njit

from neuroplastic.engine.neurons import (EXP_RANGE, FASTMATH, _clamp_or_fire, exp_reduced,
                                         lif_conductance_range, lif_conductance_step)


@njit(fastmath=FASTMATH, error_model="numpy")
def two_pass_step(state, par, ref, work, spk, bad):
    """The previous kernel (engine/neurons.py before the flags), as the reference."""
    n = state.shape[1]
    uniform = par.shape[0] == 1
    for i in range(n):
        pi = 0 if uniform else i
        ge, gi = state[1, i], state[2, i]
        state[1, i] = ge * par[pi, 9]
        state[2, i] = gi * par[pi, 10]
        ge = ge * par[pi, 11]
        gi = gi * par[pi, 12]
        g_tot = par[pi, 4] + ge + gi
        v_inf = (par[pi, 4] * par[pi, 3] + ge * par[pi, 6] + gi * par[pi, 7] + par[pi, 8]) / g_tot
        x = -g_tot * par[pi, 5]
        work[0, i] = v_inf + (state[0, i] - v_inf) * exp_reduced(x)
        work[1, i] = x
        work[2, i] = v_inf
    k = 0
    for i in range(n):
        if ref[i] > 0:
            ref[i] -= 1
            continue
        pi = 0 if uniform else i
        v_new = work[0, i]
        if abs(work[1, i]) > EXP_RANGE:
            v_new = work[2, i] + (state[0, i] - work[2, i]) * math.exp(work[1, i])
        if not math.isfinite(v_new):
            bad[0] = i
            return -1
        k = _clamp_or_fire(state, par[pi, 1], ref, i, v_new, par[pi, 2] + state[3, i], par[pi, 0], spk, k)
    return k


def neurons(n, seed, per_neuron=False):
    """State, coefficients and refractory counters of ``n`` neurons in every
    situation: quiet, refractory, at and above threshold, |x| > EXP_RANGE."""
    rng = np.random.default_rng(seed)
    state = np.vstack([rng.uniform(-70.0, -48.0, n), rng.exponential(5.0, n), rng.exponential(20.0, n),
                       rng.choice([0.0, 0.5], n)])
    state[1, rng.random(n) < 0.1] = 1e5              # |x| beyond EXP_RANGE: the math.exp path
    state[0, rng.random(n) < 0.05] = -50.0
    row = [-60.0, 50.0, -50.0, -60.0, 10.0, 0.1 / 200.0, 0.0, -80.0, 600.0,
           math.exp(-0.1 / 5.0), math.exp(-0.1 / 10.0), 0.99, 0.995]
    par = np.array([row] * (n if per_neuron else 1))
    if per_neuron:
        par[:, 2] += rng.uniform(-1.0, 1.0, n)
    ref = np.where(rng.random(n) < 0.2, rng.integers(1, 50, n), 0).astype(np.int64)
    return state, par, ref


@pytest.mark.parametrize("n", [1, 13, 200])          # one flag at a time (< 64) and eight at a time
@pytest.mark.parametrize("per_neuron", [False, True])
def test_step_gives_the_bits_of_the_two_pass_kernel(n, per_neuron):
    state, par, ref = neurons(n, n, per_neuron)
    new, old = (state.copy(), ref.copy()), (state.copy(), ref.copy())
    spikes = []
    for arrays, kernel, rows in ((new, lif_conductance_step, 4), (old, two_pass_step, 3)):
        spk, out = np.zeros(n, np.int64), []
        for _ in range(300):
            c = kernel(arrays[0], par, arrays[1], np.zeros((rows, n)), spk, np.zeros(1, np.int64))
            out.append(spk[:c].copy())
        spikes.append(np.concatenate(out))
    assert len(spikes[0]) > 0
    np.testing.assert_array_equal(spikes[0], spikes[1])
    np.testing.assert_array_equal(new[0], old[0])    # bit for bit (nan == nan does not occur)
    np.testing.assert_array_equal(new[1], old[1])


@pytest.mark.parametrize("rows", [3, 4])             # a work array saved with three rows still runs
def test_range_blocks_give_the_bits_of_the_step(rows):
    n, cuts = 203, (0, 5, 77, 140, 203)               # blocks that do not start at multiples of 8
    state, par, ref = neurons(n, 7)
    whole, blocks = (state.copy(), ref.copy()), (state.copy(), ref.copy())
    spk, work = np.zeros(n, np.int64), np.zeros((rows, n))
    for _ in range(40):
        c = lif_conductance_step(whole[0], par, whole[1], np.zeros((4, n)), spk, np.zeros(1, np.int64))
        expect = spk[:c].copy()
        got = []
        for lo, hi in zip(cuts, cuts[1:]):
            c = lif_conductance_range(blocks[0], par, blocks[1], work, spk, np.zeros(1, np.int64), lo, hi)
            got.append(spk[lo:lo + c].copy())
        np.testing.assert_array_equal(np.concatenate(got), expect)
    np.testing.assert_array_equal(blocks[0], whole[0])
    np.testing.assert_array_equal(blocks[1], whole[1])


def test_the_first_non_finite_neuron_is_reported():
    n = 100
    state, par, ref = neurons(n, 3)
    ref[:] = 0
    ref[40] = 3                                      # refractory: its NaN is not looked at
    state[0, [40, 57, 90]] = [np.nan, -np.inf, np.nan]
    bad = np.zeros(1, np.int64)
    assert lif_conductance_step(state, par, ref, np.zeros((4, n)), np.zeros(n, np.int64), bad) == -1
    assert bad[0] == 57
