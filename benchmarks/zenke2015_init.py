"""The first minutes of the full-scale ``zenke2015`` init phase: rates, selectivity, weights, cost.

Runs the experiment's own ``simulate`` (the full-scale network and init-phase stimulus:
shapes 1 s on / 2 s off) for ``--seconds`` of biological time and prints one JSON line:
E and I population rates per 10 s (Hz), how many E neurons meet the assembly criterion
for each shape over the run (here: the selectivity the receptive fields give, before
learning has had time), the mean E->E, input->E and I->E weights at the end, CPU and
wall time, peak RSS.

Run: ``python benchmarks/zenke2015_init.py --seconds 240``. Measured: docs/orchestrated.md.
"""
from __future__ import annotations

import argparse
import json
import resource
import time

import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=240.0, help="biological seconds of the init phase")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    from neuroplastic import experiments
    from neuroplastic.experiments import zenke2015 as z

    ms = args.seconds * 1000.0
    c = experiments.get("zenke2015").resolve(dict(init_ms=ms))
    wall, cpu = time.perf_counter(), time.process_time()
    sim = z.simulate(c, args.seed, phases=("init",))
    net = sim["net"]
    rate_e, rate_i = net.monitor("rate_exc")["rate"], net.monitor("rate_inh")["rate"]
    labels = z.assembly_labels(sim["counts"].responses(0.0, ms)[0], int(c["n_patterns"]))
    m = len(rate_e) // 10 * 10
    out = dict(bio_s=args.seconds, wall_s=time.perf_counter() - wall, cpu_s=time.process_time() - cpu,
               cpu_phase_s=sim["cpu_s"]["init"], outcome=sim["outcome"].status,
               rate_exc_10s=np.round(rate_e[:m].reshape(-1, 10).mean(1), 2).tolist(),
               rate_inh_10s=np.round(rate_i[:m].reshape(-1, 10).mean(1), 2).tolist(),
               selective_per_shape=np.bincount(labels[labels >= 0], minlength=int(c["n_patterns"])).tolist(),
               w_ee=float(net.weights("ee").mean()), w_ext=float(net.weights("ext").mean()),
               w_ie=float(net.weights("ie").mean()),
               peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
