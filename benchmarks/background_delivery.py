"""Why the msp-growth network grows superlinearly: the memory touched per background spike.

The ``msp-growth`` background is ``bg_sources`` = 20 independent 500 Hz Poisson inputs per
neuron, a ``PoissonInput`` of n x 20 sources with a ``Pairs`` projection source -> source // 20.
Per step the engine draws the spiking sources (geometric skipping, sorted) and, per spike,
reads or writes five per-source arrays: the input's spike count ``cnt`` and the projection's
``row_start``, ``row_len``, ``post`` and ``w`` (8 B each, 40 B per source). The spikes of
one step are ~20 sources apart (160 B), so every spike touches its own cache line in each
array: ~5 lines (320 B) per spike, and a working set of 40 B x 20 n, which leaves the L2
cache (1 MB per core here) between 1,000 and 3,000 neurons and the L3 share soon after.

This script times that loop alone in three variants, as numba functions written for this
measurement (the same candidate stream in all three; thread CPU time, compilation
excluded):

* ``engine``: the five per-source arrays, as the engine's generated loop does;
* ``direct``: the target computed as ``source // 20`` and one shared weight, no per-source
  array (what a Poisson input that feeds its targets directly would cost);
* ``draw``: the draws only (no delivery), the floor of both.

Since issue 19 the engine delivers such a projection as a block (``engine/blocks.py``): the
``direct`` variant plus the input's spike count, ~19-23 ns per background spike from 1,000
to 10,000 neurons in the whole msp-growth network (docs/structural.md).

Run: ``python benchmarks/background_delivery.py [--sizes 1000,3000,10000,30000,100000]``.
Measured numbers: ``benchmarks/MEASURED.md``.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
from numba import njit

P = 0.05            # 500 Hz x 0.1 ms: the msp-growth background's spike probability per step
K = 20              # sources per neuron


@njit(cache=True)
def _loop(steps, n_src, log_q, cnt, row_start, row_len, post, w, v, spk, mode, seed):
    np.random.seed(seed)
    pos, total = int(math.log(1.0 - np.random.random()) / log_q), 0
    for n in range(steps):
        c, end = 0, (n + 1) * n_src
        while pos < end:
            spk[c] = pos - n * n_src
            c += 1
            pos += 1 + int(math.log(1.0 - np.random.random()) / log_q)
        if mode == 0:
            for a in range(c):
                cnt[spk[a]] += 1
            for a in range(c):
                i = spk[a]
                for s in range(row_start[i], row_start[i] + row_len[i]):
                    v[post[s]] += w[s]
        elif mode == 1:
            for a in range(c):
                v[spk[a] // K] += w[0]
        for j in range(v.shape[0]):     # the neurons' own update (decay), as a LIF step would
            v[j] *= 0.99
        total += c
    return total


def measure(n: int, steps: int = 300) -> dict:
    """ns per background spike of the three variants for ``n`` neurons."""
    ns = n * K
    arrays = dict(cnt=np.zeros(ns, np.int64), row_start=np.arange(ns, dtype=np.int64),
                  row_len=np.ones(ns, np.int64), post=np.arange(ns, dtype=np.int64) // K,
                  w=np.full(ns, 16.85), v=np.zeros(n), spk=np.zeros(ns, np.int64))
    out = {"n": n, "sources": ns}
    for mode, name in enumerate(("engine", "direct", "draw")):
        _loop(2, ns, math.log(1.0 - P), *arrays.values(), mode, 1)      # compile / load
        c0 = time.thread_time()
        spikes = _loop(steps, ns, math.log(1.0 - P), *arrays.values(), mode, 1)
        out[name] = 1e9 * (time.thread_time() - c0) / spikes
    return out


def main(argv=None) -> list:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    ap.add_argument("--steps", type=int, default=300)
    args = ap.parse_args(argv)
    rows = [measure(int(n), args.steps) for n in args.sizes.split(",")]
    print(f"{'neurons':>8} {'sources':>9}  ns per background spike: engine  direct  draw")
    for r in rows:
        print(f"{r['n']:>8} {r['sources']:>9}  {r['engine']:28.1f} {r['direct']:7.1f} {r['draw']:5.1f}")
    return rows


if __name__ == "__main__":
    main()
