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

With ``--detail`` (the loss of set 1 over wake 2 and sleep 2), also after each phase:

* ``blocks``: groups = the assemblies in order, then ``bg`` (neurons in no pattern);
  ``w[pre][post]``: mean E->E weight (nS), ``in[pre][post]``: mean summed weight a ``post``
  neuron receives from the ``pre`` group (nS; a row of ``in`` sums to the 40 nS of the
  normalisation), ``n[pre][post]``: number of synapses (pruning and growth), ``wt``: mean
  consolidation variable w~ (nS), ``wt_hi``: share of the synapses with w~ > w_P / 2
  (consolidated up);
* ``hz_phase``: mean rate of each group over the phase (Hz, stimulated neurons included);
* ``probe``: a probe like ``recall`` (same frozen phase, on a stored copy, restored away)
  that also keeps the rates: ``spont`` per group over 1 s without cue, then every pattern
  cued ``--repeats`` times: per pattern ``cued``, ``uncued``, ``bg`` (Hz, mean over the
  repeats), ``others``: the other assemblies' rates, ``recall`` mean and s.d. over repeats.

``--branch NAME=JSON`` (repeatable, after ``--phases`` through sleep2): after the main line,
sleep 2 is run again from the state stored after wake 2, in a phase ``NAME`` = the sleep
phase with the rule scales ``JSON`` added (``{"ee.Consolidation": 0}``: that rule off);
``NAME`` = ``again`` instead runs a second sleep 1 (sleep straight after sleep 1, no wake 2).
``--branch-wake2 NAME=JSON`` (after ``--phases`` through sleep1): wake 2 again from the
state stored after sleep 1 in a phase ``wake-NAME`` (the wake phase with the rule scales
``JSON`` added), set 2 shown in the main line's order, then sleep 2 as designed; a key
``"gap"`` in ``JSON`` holds the scales used between presentations instead (``{"gap":
{"ee.TripletSTDP": 0.01}}``: STDP x 0.01 while nothing is shown; entering a phase restarts
the Poisson drive, so ``{"gap": {}}``, the same scales, is the control with the same
statistics but other noise). Each branch reports like a phase (``phase``: ``sleep2:NAME``,
``wake2:w2-NAME``, ``sleep2:w2-NAME``). ``--branch-recover NAME=JSON`` (after ``--phases``
through sleep2): the end of the protocol as ``lifetime`` runs it (the rest before the lesion,
the lesion, the static copy's and the plastic network's recovery, ``lifetime._recover``),
rows ``end:static`` and ``end:recover``, then the recovery again from the state before the
lesion in a phase ``recover-NAME`` (the recovery with the rule scales ``JSON`` added; the same
neurons lesioned), row ``end:NAME``; each end row has ``lesion_advantage`` (its mean recall
minus the static copy's) and ``rate_recovery``. The extra phases are added to the
model's protocol; the main line is unchanged by them (the same spikes).

Run: ``python benchmarks/lifetime_pilot.py --phases wake1,sleep1 --seed 10 --set beta_het=0.05``;
``python benchmarks/lifetime_pilot.py --phases wake1,sleep1,wake2,sleep2 --seed 17 --detail
--branch 'nocons={"ee.Consolidation": 0}' --branch again``
(``--set key=value`` as in ``neuroplastic run``; values are JSON or strings).
Exploratory rule scales (this process only, see :func:`patch_design`): ``--phase-scales
PHASE=JSON`` adds them to a phase (``'rest={"exc.1": 1}'``: design (d)'s sleep-time threshold
rule on in the rest too). The pilots of design (d) ran with ``--phase-scales`` for the soft
normalisation and a ``--sleep-ip`` option for the sleep-time rule, both parameters of the
experiment since (``norm_step``, ``sleep_ip``; docs/lifetime.md). Results:
docs/lifetime.md ("Why full-size assemblies were lost" and "Why set 1 is lost over wake 2 and
sleep 2").
"""
from __future__ import annotations

import argparse
import copy
import json
import time

import numpy as np

from neuroplastic import Consolidation, Network, Phase
from neuroplastic.experiments import _lifetime_network as ln
from neuroplastic.experiments import _lifetime_protocol as lp
from neuroplastic.experiments import get
from neuroplastic.experiments.protocols import present

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


def groups(c: dict, pats: ln.Patterns) -> list:
    """The assemblies in order, then the E neurons in no pattern (index arrays)."""
    anywhere = np.zeros(int(c["n_exc"]), bool)
    anywhere[np.concatenate(pats.members)] = True
    return [np.asarray(a) for a in pats.members] + [np.flatnonzero(~anywhere)]


def blocks(net, c: dict, pats: ln.Patterns) -> dict:
    """E->E weights between the groups (module doc: ``w``, ``in``, ``n``, ``wt``, ``wt_hi``)."""
    pre, post = net.synapses("ee")
    w, gs = net.weights("ee"), groups(c, pats)
    label = np.full(int(c["n_exc"]), -1)
    for k, g in enumerate(gs):
        label[g] = k
    cons = [k for k, r in enumerate(net.model.projections["ee"].rules) if isinstance(r, Consolidation)]
    wt = net.rule_state("ee", cons[0]).syn.w_tilde[net.synapse_slots("ee")] if cons else np.full(w.size, np.nan)
    half = 0.5 * float(c["w_p"])
    k = len(gs)
    out = {key: np.zeros((k, k)) for key in ("w", "in", "n", "wt", "wt_hi")}
    for a in range(k):
        for b in range(k):
            sel = (label[pre] == a) & (label[post] == b)
            n = int(sel.sum())
            out["n"][a, b] = n
            out["w"][a, b] = w[sel].mean() if n else 0.0
            out["in"][a, b] = w[sel].sum() / len(gs[b])
            out["wt"][a, b] = wt[sel].mean() if n else 0.0
            out["wt_hi"][a, b] = (wt[sel] > half).mean() if n else 0.0
    return {key: np.round(v, 3).tolist() for key, v in out.items()}


def probe_detail(net, c: dict, pats: ln.Patterns, repeats: int) -> dict:
    """Recall with its rates (module doc: ``probe``); the state is restored afterwards."""
    gs = groups(c, pats)
    n_e, off = int(c["n_exc"]), np.zeros(int(c["n_exc"]))
    net.store("before-detail")
    net.set_phase("frozen")
    net.set_rates("stimulus", off)
    net.run(c["t_settle"])
    net.spike_counts("exc", clear=True)
    net.run(1000.0)
    hz = net.spike_counts("exc", clear=True).astype(float)
    out = dict(spont=[round(float(hz[g].mean()), 2) for g in gs], patterns=[])
    for x, (members, cue) in enumerate(zip(pats.members, pats.cues)):
        unc = np.setdiff1d(members, cue)
        rows = []
        for _ in range(repeats):
            rates = off.copy()
            rates[cue] = c["stim_rate"]
            cnt = present(net, {"stimulus": rates}, c["t_cue"], "exc", rest=c["t_gap"], rest_rates={"stimulus": off})
            f = cnt * (1000.0 / c["t_cue"])
            rows.append([f[cue].mean(), f[unc].mean(), f[gs[-1]].mean()] + [f[g].mean() for g in gs[:-1]])
        r = np.asarray(rows)
        rec = (r[:, 1] - r[:, 2]) / np.maximum(r[:, 0] - r[:, 2], 1.0)
        m = r.mean(0)
        out["patterns"].append(dict(cued=round(m[0], 2), uncued=round(m[1], 2), bg=round(m[2], 2),
                                    others=[round(v, 2) for k, v in enumerate(m[3:]) if k != x],
                                    recall=round(float(rec.mean()), 3), recall_sd=round(float(rec.std()), 3)))
    net.restore("before-detail")
    return out


def extra_phases(c: dict, branches: dict, wake_branches: dict, recover_branches: dict | None = None) -> None:
    """Add a phase per branch to the model ``ln.build`` makes (module doc: ``--branch``)."""
    base = ln.phases

    def phases(cc: dict) -> list:
        made = {p.name: p for p in base(cc)}
        extra = []
        for kind, table in (("sleep", branches), ("wake", wake_branches), ("recover", recover_branches or {})):
            p = made["recovery" if kind == "recover" else kind]   # a recovery branch adds to the design's recovery
            for name, scales in table.items():
                if name == "again":
                    continue
                own = {k: v for k, v in scales.items() if k != "gap"}
                extra.append(Phase(f"{kind}-{name}", duration=1.0, rates=p.rates, levels=p.levels,
                                   scales={**p.scales, **own}))
                if "gap" in scales:
                    extra.append(Phase(f"{kind}-{name}-gap", duration=1.0, rates=p.rates, levels=p.levels,
                                       scales={**p.scales, **own, **scales["gap"]}))
        return base(cc) + extra

    ln.phases = phases


class Rates:
    """Spike counts of every E neuron over a phase, read before the timeline clears them."""

    def __init__(self):
        self.counts, self.record = None, lp._record

    def __call__(self, net, step, tl, shown):
        cnt = net.spike_counts("exc").astype(float)
        self.counts = cnt if self.counts is None else self.counts + cnt
        self.record(net, step, tl, shown)

    def take(self, gs: list, ms: float) -> list:
        cnt, self.counts = self.counts, None
        return [round(float(cnt[g].mean() / (ms * 1e-3)), 2) for g in gs]


def report(net, c, pats, tl, name, t0, cpu, detail, repeats, rates=None) -> dict:
    """One row: recall and weights after a phase (module doc)."""
    row = dict(phase=name, recall=[round(float(x), 3) for x in lp.probe(net, c, pats, tl)],
               rate_exc=round(lp.mean_rate(tl, t0, net.t), 2), cpu_s=round(time.process_time() - cpu, 1))
    row.update({k: (np.round(v, 3).tolist()) for k, v in weights(net, c, pats).items()})
    if detail:
        row["hz_phase"] = rates.take(groups(c, pats), net.t - t0)
        row["blocks"] = blocks(net, c, pats)
        row["probe"] = probe_detail(net, c, pats, repeats)
    print(json.dumps(row), flush=True)
    return row


def pilot(c: dict, seed: int, phases: list, detail: bool = False, repeats: int = 3, branches=None,
          wake_branches=None, recover_branches=None) -> list:
    """The first ``phases`` of the protocol for ``seed`` (same calls as ``lifetime._seed``),
    then the ``branches`` of sleep 2, the ``wake_branches`` of wake 2 and the
    ``recover_branches`` of the recovery (module doc)."""
    branches, wake_branches, recover_branches = branches or {}, wake_branches or {}, recover_branches or {}
    extra_phases(c, branches, wake_branches, recover_branches)
    pats, tl = ln.patterns(c, seed), lp.Timeline()
    net = Network(ln.build(c), seed=seed)
    rng = np.random.default_rng([seed, 1616])
    rates = Rates()
    if detail:
        lp._record = rates
    off = "sleep" if c["sleep"] else "rest"
    first, second = list(pats.members[:pats.n_first]), list(pats.members[pats.n_first:])
    plan = {"wake1": ("wake", c["t_wake"], first, -1), "sleep1": (off, c["t_sleep"], (), -1),
            "wake2": ("wake", c["t_wake"], second, 0), "sleep2": (off, c["t_sleep"], (), -1)}
    rows, orders = [], None
    for name in ORDER[:len(phases)]:
        phase, span, shown, reward = plan[name]
        cpu, t0 = time.process_time(), net.t
        lp.phase(net, c, phase, span, tl, shown, reward, rng)
        rows.append(report(net, c, pats, tl, name, t0, cpu, detail, repeats, rates))
        if name in ("sleep1", "wake2") and (branches or wake_branches):
            net.store(f"after-{name}")
            orders = copy.deepcopy(rng) if name == "sleep1" else orders
    for name in branches:
        back(net, tl, "after-sleep1" if name == "again" else "after-wake2")
        cpu, t0 = time.process_time(), net.t
        lp.phase(net, c, off if name == "again" else f"sleep-{name}", c["t_sleep"], tl, (), -1, rng)
        rows.append(report(net, c, pats, tl, f"sleep2:{name}", t0, cpu, detail, repeats, rates))
    for name in wake_branches:
        back(net, tl, "after-sleep1")
        order = copy.deepcopy(orders)   # the main line's order of presentations
        gap = f"wake-{name}-gap" if "gap" in wake_branches[name] else None
        for phase, span, shown, reward, label in ((f"wake-{name}", c["t_wake"], second, 0, "wake2"),
                                                  (off, c["t_sleep"], (), -1, "sleep2")):
            cpu, t0 = time.process_time(), net.t
            lp.phase(net, c, phase, span, tl, shown, reward, order, gap if label == "wake2" else None)
            rows.append(report(net, c, pats, tl, f"{label}:w2-{name}", t0, cpu, detail, repeats, rates))
    if recover_branches:
        rows += end_branches(net, c, pats, seed, tl, recover_branches)
    return rows


def end_branches(net, c: dict, pats: ln.Patterns, seed: int, tl: lp.Timeline, recover_branches: dict) -> list:
    """The rest, the lesion and the recoveries as ``lifetime._seed`` runs them, then each
    recovery branch from the state before the lesion (module doc: ``--branch-recover``)."""
    from neuroplastic.experiments.lifetime import _recover

    lp.phase(net, c, "recover", c["t_baseline"], tl)
    rate_pre = lp.mean_rate(tl, net.t - c["t_baseline"], net.t)
    net.store("before-lesion")
    rows, static = [], None
    for name, phase in [("static", "recover-static"), ("recover", "recovery")] + \
            [(name, f"recover-{name}") for name in recover_branches]:
        net.restore("before-lesion")
        cpu = time.process_time()
        out = _recover(net, c, pats, seed, phase)
        static = out["recall"] if name == "static" else static
        row = dict(phase=f"end:{name}", recall=[round(float(x), 3) for x in out["recall"]],
                   lesion_advantage=round(float(out["recall"].mean() - static.mean()), 3),
                   rate_recovery=round(out["rate_post"] / rate_pre, 3) if rate_pre > 0 else 0.0,
                   rate_pre=round(rate_pre, 2), cpu_s=round(time.process_time() - cpu, 1))
        row.update({k: (np.round(v, 3).tolist()) for k, v in weights(net, c, pats).items()})
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def back(net, tl: lp.Timeline, name: str) -> None:
    """Restore a stored state and drop the timeline rows after it (so phase rates stay right)."""
    net.restore(name)
    tl.rows = [r for r in tl.rows if r[0] <= net.t + 1e-9]


def patch_design(phase_scales: dict) -> None:
    """Exploratory rule scales added to the design's phases, for this process only (the
    experiment is unchanged): phase name -> scales (``"*"``: every plastic phase,
    ``_lifetime_network.PLASTIC_PHASES``; a named phase's scales win)."""
    import dataclasses

    base_phases = ln.phases

    def phases(c):
        out = []
        for ph in base_phases(c):
            extra = dict(phase_scales.get("*", {})) if ph.name in ln.PLASTIC_PHASES else {}
            extra |= phase_scales.get(ph.name, {})
            out.append(dataclasses.replace(ph, scales=dict(ph.scales) | extra) if extra else ph)
        return out

    ln.phases = phases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--phases", default="wake1", help="comma-separated prefix of " + ",".join(ORDER))
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--scale", default="full", choices=("full", "reduced"))
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    ap.add_argument("--detail", action="store_true", help="weight blocks, group rates, probe rates")
    ap.add_argument("--repeats", type=int, default=3, help="cues per pattern in the detailed probe")
    ap.add_argument("--branch", action="append", default=[], metavar="NAME=JSON",
                    help="sleep 2 again from after wake 2 with these rule scales ('again': a second sleep 1)")
    ap.add_argument("--branch-wake2", action="append", default=[], metavar="NAME=JSON",
                    help="wake 2 (then sleep 2 as in the design) again from after sleep 1 with these rule scales")
    ap.add_argument("--branch-recover", action="append", default=[], metavar="NAME=JSON",
                    help="the recovery again from before the lesion with these rule scales")
    ap.add_argument("--phase-scales", action="append", default=[], metavar="PHASE=JSON",
                    help="exploratory: rule scales added to a phase ('*': every plastic phase), e.g. "
                         "'*={\"ee.WeightNormalization\": 0.01}'")
    args = ap.parse_args()
    phases = args.phases.split(",")
    if tuple(phases) != ORDER[:len(phases)]:
        ap.error(f"--phases must be a prefix of {','.join(ORDER)}")
    if (args.branch and len(phases) < 3) or (args.branch_wake2 and len(phases) < 2):
        ap.error("--branch needs --phases through wake2, --branch-wake2 through sleep1")
    if args.branch_recover and len(phases) < 4:
        ap.error("--branch-recover needs --phases through sleep2")
    branches, wake_branches, recover_branches = {}, {}, {}
    for table, items in ((branches, args.branch), (wake_branches, args.branch_wake2),
                         (recover_branches, args.branch_recover)):
        for item in items:
            name, _, value = item.partition("=")
            table[name] = json.loads(value) if value else {}
    overrides = {}
    for item in args.set:
        key, _, value = item.partition("=")
        try:
            overrides[key] = json.loads(value)
        except json.JSONDecodeError:
            overrides[key] = value
    phase_scales = {}
    for item in args.phase_scales:
        name, _, value = item.partition("=")
        phase_scales[name] = json.loads(value)
    if phase_scales:
        patch_design(phase_scales)
    c = get("lifetime").resolve(overrides, scale=args.scale)
    print(json.dumps(dict(seed=args.seed, scale=args.scale, phases=phases, overrides=overrides,
                          branches=branches, wake_branches=wake_branches, recover_branches=recover_branches,
                          phase_scales=phase_scales)),
          flush=True)
    cpu = time.process_time()
    pilot(c, args.seed, phases, args.detail, args.repeats, branches, wake_branches, recover_branches)
    print(json.dumps(dict(cpu_total_s=round(time.process_time() - cpu, 1))), flush=True)


if __name__ == "__main__":
    main()
