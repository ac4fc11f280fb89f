"""Cheap pilots of ``lifetime``: only the first phases, recall and assembly weights after each.

What is measured: the ``lifetime`` network (full scale unless ``--scale reduced``) driven
through the experiment's own protocol code (``_lifetime_protocol.phase`` and ``probe``,
the same calls as ``lifetime._seed``) for the first ``--phases`` of the protocol (wake1,
sleep1, wake2, sleep2); after each phase:

* recall of every pattern (``_lifetime_network.recall``, changes nothing);
* ``w_in``: mean E->E weight within each assembly (nS), ``in_share``: the share of an
  assembly member's incoming E->E weight that comes from its own assembly;
* ``w_bg``: mean weight of the E->E synapses between neurons in no pattern (nS);
* ``wt_in``: mean consolidation variable w~ within each assembly (nS; consolidation on);
* ``w_to_bg``: mean weight from each assembly onto the neurons in no pattern (nS);
  ``bg_from_pat``: the share of those neurons' incoming E->E weight that comes from patterns;
* ``w_ie_in``, ``w_ie_bg``: mean I->E weight onto each assembly and onto the neurons in no
  pattern (nS); ``theta_in``, ``theta_bg``: their mean threshold offsets (mV);
* the mean E rate over the phase (Hz, stimulated neurons left out) and the CPU seconds.

Run: ``python benchmarks/lifetime_pilot.py --phases wake1,sleep1 --seed 10 --set beta_het=0.05``
(``--set key=value`` as in ``neuroplastic run``; values are JSON or strings). Results:
docs/lifetime.md ("Why full-size assemblies were lost").
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np

from neuroplastic import Consolidation, Network
from neuroplastic.experiments import _lifetime_network as ln
from neuroplastic.experiments import _lifetime_protocol as lp
from neuroplastic.experiments import get

ORDER = ("wake1", "sleep1", "wake2", "sleep2")


def weights(net, c: dict, pats: ln.Patterns) -> dict:
    """Assembly and background E->E weights (nS) and the assemblies' share of the input."""
    pre, post = net.synapses("ee")
    w = net.weights("ee")
    anywhere = np.zeros(int(c["n_exc"]), bool)
    anywhere[np.concatenate(pats.members)] = True
    out = dict(w_in=[], in_share=[], wt_in=[])
    cons = [k for k, r in enumerate(net.model.projections["ee"].rules) if isinstance(r, Consolidation)]
    wt = net.rule_state("ee", cons[0]).syn.w_tilde[net.synapse_slots("ee")] if cons else None
    for a in pats.members:
        within = np.isin(pre, a) & np.isin(post, a)
        onto = np.isin(post, a)
        out["w_in"].append(float(w[within].mean()))
        out["in_share"].append(float(w[within].sum() / w[onto].sum()))
        out["wt_in"].append(float(wt[within].mean()) if wt is not None else float("nan"))
    bg = ~anywhere[pre] & ~anywhere[post]
    out["w_bg"] = float(w[bg].mean())
    to_bg = ~anywhere[post]
    out["w_to_bg"] = [float(w[np.isin(pre, a) & to_bg].mean()) for a in pats.members]
    out["bg_from_pat"] = float(w[to_bg & anywhere[pre]].sum() / w[to_bg].sum())
    ipre, ipost = net.synapses("ie")
    wie, theta = net.weights("ie"), net.state("exc", "theta")
    out["w_ie_in"] = [float(wie[np.isin(ipost, a)].mean()) for a in pats.members]
    out["w_ie_bg"] = float(wie[~anywhere[ipost]].mean())
    out["theta_in"] = [float(theta[a].mean()) for a in pats.members]
    out["theta_bg"] = float(theta[~anywhere].mean())
    out["wt_bg"] = float(wt[bg].mean()) if wt is not None else float("nan")
    return out


def pilot(c: dict, seed: int, phases: list) -> list:
    """The first ``phases`` of the protocol for ``seed`` (same calls as ``lifetime._seed``)."""
    pats, tl = ln.patterns(c, seed), lp.Timeline()
    net = Network(ln.build(c), seed=seed)
    rng = np.random.default_rng([seed, 1616])
    off = "sleep" if c["sleep"] else "rest"
    first, second = list(pats.members[:pats.n_first]), list(pats.members[pats.n_first:])
    plan = {"wake1": ("wake", c["t_wake"], first, -1), "sleep1": (off, c["t_sleep"], (), -1),
            "wake2": ("wake", c["t_wake"], second, 0), "sleep2": (off, c["t_sleep"], (), -1)}
    rows = []
    for name in ORDER[:len(phases)]:
        phase, span, shown, reward = plan[name]
        cpu, t0 = time.process_time(), net.t
        lp.phase(net, c, phase, span, tl, shown, reward, rng)
        row = dict(phase=name, recall=[round(float(x), 3) for x in lp.probe(net, c, pats, tl)],
                   rate_exc=round(lp.mean_rate(tl, t0, net.t), 2), cpu_s=round(time.process_time() - cpu, 1))
        row.update({k: (np.round(v, 3).tolist()) for k, v in weights(net, c, pats).items()})
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phases", default="wake1", help="comma-separated prefix of " + ",".join(ORDER))
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--scale", default="full", choices=("full", "reduced"))
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    phases = args.phases.split(",")
    if tuple(phases) != ORDER[:len(phases)]:
        ap.error(f"--phases must be a prefix of {','.join(ORDER)}")
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    c = get("lifetime").resolve(overrides, scale=args.scale)
    print(json.dumps(dict(seed=args.seed, scale=args.scale, phases=phases, overrides=overrides)), flush=True)
    cpu = time.process_time()
    pilot(c, args.seed, phases)
    print(json.dumps(dict(cpu_total_s=round(time.process_time() - cpu, 1))), flush=True)


if __name__ == "__main__":
    main()
