"""Digest of a ``zenke2015`` network run, to check that a speed change keeps the
spikes and weights bit for bit.

The sha256 (first 16 hex digits) of every E and I neuron's spike count after each
100 ms, then the five weight arrays and the E->E consolidation variable w~ at the
end, for the experiment's network (``build``) at the given scale and seed, under
its background input (no stimulus schedule).

Run: ``python benchmarks/zenke2015_digest.py [--scale full|reduced] [--ms 1500] [--seed 3]``.
Values recorded in benchmarks/MEASURED.md (full 1.5 s seed 3: b5d3c16512600fc1;
reduced 3 s seed 3: b23b072c2d21363f).
"""
from __future__ import annotations

import argparse
import hashlib

import numpy as np


def digest(scale: str, ms: float, seed: int) -> tuple[str, int, int]:
    """(digest, E spikes, I spikes) of ``ms`` of the network (whole 100 ms chunks)."""
    from neuroplastic import experiments
    from neuroplastic.experiments import zenke2015 as z

    net = z.build(experiments.get("zenke2015").resolve(scale=scale), seed)
    h = hashlib.sha256()
    for _ in range(int(ms // 100)):
        net.run(100.0)
        for pop in ("exc", "inh"):
            h.update(net.spike_counts(pop).tobytes())
    for name in ("ext", "ee", "ei", "ii", "ie"):
        h.update(np.ascontiguousarray(net.weights(name)).tobytes())
    h.update(np.asarray(net.rule_state("ee", 1).syn.w_tilde).tobytes())
    return h.hexdigest()[:16], int(net.spike_counts("exc").sum()), int(net.spike_counts("inh").sum())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="full", choices=("full", "reduced"))
    ap.add_argument("--ms", type=float, default=1500.0)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args(argv)
    d, n_e, n_i = digest(args.scale, args.ms, args.seed)
    print(f"zenke2015 {args.scale} {args.ms:g} ms seed {args.seed}: {n_e} E / {n_i} I spikes, digest {d}")


if __name__ == "__main__":
    main()
