"""``sjostrom-triplet``: frequency dependence of pairing plasticity with triplet STDP.

Protocol (Sjostrom, Turrigiano & Nelson 2001, as modelled by Pfister & Gerstner
2006): 60 pre/post pairings repeated at rho = 0.1, 10, 20, 40, 50 Hz, with the post
spike either 10 ms after (dt = +10 ms) or 10 ms before (dt = -10 ms) the pre spike.
The weight change is additive and summed over the 60 pairings, starting from w0 = 1
without bounds (w_min = -inf), so dw is the model's "fractional change".

Implementation: pre and post are both ``SpikeTimes`` sources with one neuron per
condition (5 frequencies x 2 orders = 10), connected one-to-one. A projection onto a
spike source delivers nothing but its on_post rule sees the source's spikes, so the
whole protocol is a single network. The main rule is
``TripletSTDP.preset("visual-all-to-all")``; a second projection on the same sources
runs ``visual-nearest`` and is reported as extra metrics. All spike times are whole
ms, hence exactly on the 0.1 ms grid, and each condition starts at ``t0``.

Targets (reference notes, section 2):

* every one of the 10 points within 2 SEM of the Sjostrom et al. (2001) means
  (``n_within_2sem == 10``);
* the dt = -10 ms curve changes sign between 20 and 40 Hz (``sign_change_minus10``);
* dw(0.1 Hz, +10 ms) ~ 0 (``abs_dw_01hz_plus10 < 0.02``).

Regression against the notes' model predictions ([R], printed to 3 decimals):
``max_dev_from_reference_model`` is the largest |dw - R| over the 10 points for the
all-to-all preset (``..._nearest`` for the nearest one). Because the [R] values are
rounded to 3 decimals, a deviation of up to 5e-4 is the best a correct
implementation can show; the 1e-6 regression tolerance in the notes refers to the
unrounded numbers, which are not available. To check the engine to 1e-9 anyway, the
same spike trains are passed through :func:`triplet_dw`, an independent pure-numpy
event-driven evaluation of the rule (``max_dev_from_closed_form``, observed ~3e-15).
Event ordering cannot explain a difference here: in this protocol a pre and a post
spike are never closer than 10 ms (even at 50 Hz the 20 ms period interleaves them
10 ms apart) and all times lie on the grid, so the engine's same-step order (pre
before post) never comes into play; the remaining 4e-4 is the [R] rounding.

Observed (all-to-all): +10 ms 0.000 / 0.132 / 0.247 / 0.534 / 0.741 and -10 ms
-0.312 / -0.334 / -0.352 / 0.155 / 0.727 -- each equal to the [R] values after
rounding to 3 decimals (max deviation < 5e-4). Nearest: +10 ms 0.000 / 0.104 /
0.323 / 0.560 / 0.624 and -10 ms -0.294 / -0.411 / -0.338 / 0.260 / 0.619, likewise.
See the experiment's ``notes`` for any point that differs after rounding. The nearest
preset's science metrics are reported with the suffix ``_nearest`` (also 10/10
within 2 SEM, with the sign change), without targets.

Figure ``frequency_dependence``: model lines (both presets) and the Sjostrom et al.
data as points with SEM error bars (colour-matched to the main preset's lines).
"""
from __future__ import annotations

import math

import numpy as np

from .. import Model, Network, OneToOne, Projection, SpikeMonitor, SpikeTimes, TripletSTDP
from ..plasticity.triplet import PRESETS
from ..viz import frequency_dependence
from .base import Experiment, Result, Target
from .parameters import Param, defaults_of
from .registry import register

PARAMETERS = dict(
    freqs=Param([0.1, 10.0, 20.0, 40.0, 50.0], "pairing frequencies rho (the targets need the default five)",
                "Hz", gt=0),
    n_pairings=Param(60, "pre/post pairings per condition", ge=1),
    delta=Param(10.0, "|t_post - t_pre| of a pairing", "ms", gt=0),
    t0=Param(100.0, "time of the first pairing", "ms", ge=0),
    w0=Param(1.0, "initial weight (unbounded: dw is the fractional change)"),
    preset=Param("visual-all-to-all", "TripletSTDP preset of the main rule", choices=tuple(PRESETS)),
    extra_preset=Param("visual-nearest", "TripletSTDP preset reported as the extra _nearest metrics",
                       choices=tuple(PRESETS)),
    dt=Param(0.1, "time step", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)

#: Sjostrom et al. 2001 (Pfister & Gerstner 2006 table): freq -> ((mean, sem) at +10, at -10).
SJOSTROM_2001 = {
    0.1: ((-0.04, 0.05), (-0.29, 0.08)),
    10.0: ((0.14, 0.10), (-0.41, 0.11)),
    20.0: ((0.29, 0.14), (-0.34, 0.10)),
    40.0: ((0.53, 0.11), (0.56, 0.32)),
    50.0: ((0.56, 0.26), (0.75, 0.19)),
}

#: Reference-notes model predictions [R] (60 pairings, summed), rounded to 3 decimals.
REFERENCE_MODEL = {
    "visual-all-to-all": {+10: [0.000, 0.132, 0.247, 0.534, 0.741],
                          -10: [-0.312, -0.334, -0.352, 0.155, 0.727]},
    "visual-nearest": {+10: [0.000, 0.104, 0.323, 0.560, 0.624],
                       -10: [-0.294, -0.411, -0.338, 0.260, 0.619]},
}
_REF_FREQS = [0.1, 10.0, 20.0, 40.0, 50.0]


def pairing_trains(freq: float, n: int, delta: float, t0: float):
    """Pre and post spike times (ms) for n pairings at ``freq`` Hz, post - pre = delta."""
    period = 1000.0 / freq
    pre = t0 + max(0.0, -delta) + period * np.arange(n)
    return pre, pre + delta


def triplet_dw(pre, post, rule: TripletSTDP) -> float:
    """Total additive weight change of one synapse under ``rule`` (pure numpy, event-driven).

    Pre and post spikes at the same time are processed pre first (the engine's order).
    """
    events = sorted([(t, 0) for t in pre] + [(t, 1) for t in post])
    nearest = rule.pairing == "nearest"
    r1 = r2 = o1 = o2 = 0.0
    t_pre = t_post = 0.0
    dw = 0.0
    for t, kind in events:
        if kind == 0:
            o1_now = o1 * math.exp(-(t - t_post) / rule.tau_minus)
            r2_now = r2 * math.exp(-(t - t_pre) / rule.tau_x)
            dw -= o1_now * (rule.a2_minus + rule.a3_minus * r2_now)
            r1 = 1.0 if nearest else r1 * math.exp(-(t - t_pre) / rule.tau_plus) + 1.0
            r2 = 1.0 if nearest else r2_now + 1.0
            t_pre = t
        else:
            r1_now = r1 * math.exp(-(t - t_pre) / rule.tau_plus)
            o2_now = o2 * math.exp(-(t - t_post) / rule.tau_y)
            dw += r1_now * (rule.a2_plus + rule.a3_plus * o2_now)
            o1 = 1.0 if nearest else o1 * math.exp(-(t - t_post) / rule.tau_minus) + 1.0
            o2 = 1.0 if nearest else o2_now + 1.0
            t_post = t
    return dw


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    """Run all frequency/order conditions for both presets in one network."""
    c = config
    freqs = [float(f) for f in c["freqs"]]
    deltas = (+float(c["delta"]), -float(c["delta"]))
    conds = [(f, d) for d in deltas for f in freqs]            # index k = condition k
    pre_tr, post_tr = zip(*(pairing_trains(f, int(c["n_pairings"]), d, c["t0"]) for f, d in conds))
    presets = (c["preset"], c["extra_preset"])
    rules = {p: TripletSTDP.preset(p) for p in presets}
    model = Model(dt=c["dt"])
    model.add(SpikeTimes.from_trains("pre", list(pre_tr)))
    model.add(SpikeTimes.from_trains("post", list(post_tr)))
    for k, p in enumerate(presets):
        model.add(Projection(f"pairs{k}", "pre", "post", OneToOne(), weight=c["w0"],
                             rules=[rules[p]], w_min=-math.inf, w_max=math.inf))
    model.add(SpikeMonitor("pre"))
    model.add(SpikeMonitor("post"))
    net = Network(model, seed=seed)
    t_end = max(max(a.max(), b.max()) for a, b in zip(pre_tr, post_tr))
    net.run(float(t_end + 10 * c["dt"] + 1.0), progress=progress)

    # spike trains as the engine emitted them (grid-rounded), for the closed form
    ip, tp = net.spikes("pre")
    iq, tq = net.spikes("post")
    n = len(conds)
    pre_rec = [np.sort(tp[ip == k]) for k in range(n)]
    post_rec = [np.sort(tq[iq == k]) for k in range(n)]

    metrics, notes = {}, []
    dws = {}
    for k, p in enumerate(presets):
        dw = net.weights(f"pairs{k}") - c["w0"]
        dws[p] = dw
        closed = np.array([triplet_dw(pre_rec[i], post_rec[i], rules[p]) for i in range(n)])
        suffix = _suffix(k, p)
        for (f, d), v in zip(conds, dw):
            metrics[f"dw_{_fkey(f)}hz_{'plus' if d > 0 else 'minus'}{abs(d):g}{suffix}"] = float(v)
        metrics[f"max_dev_from_closed_form{suffix}"] = float(np.max(np.abs(dw - closed)))
        ref = REFERENCE_MODEL.get(p)
        if ref is not None and freqs == _REF_FREQS and abs(c["delta"]) == 10.0 and c["n_pairings"] == 60:
            r = np.array(ref[+10] + ref[-10])
            dev = np.abs(dw - r)
            metrics[f"max_dev_from_reference_model{suffix}"] = float(dev.max())
            for (f, d), v, rv, e in zip(conds, dw, r, dev):
                if round(float(v), 3) != rv:
                    notes.append(f"{p}: dw({f:g} Hz, {d:+g} ms) = {v:.6f} differs from [R] {rv:.3f} "
                                 f"after rounding (|diff| {e:.2e})")

    # science metrics: the main preset (targets) and the extra one (reported)
    for k, p in enumerate(presets):
        suffix = _suffix(k, p)
        metrics.update({f"{key}{suffix}": v for key, v in _science(freqs, dws[p]).items()})

    data_plus = [SJOSTROM_2001.get(f, ((math.nan, math.nan),) * 2)[0] for f in freqs]
    data_minus = [SJOSTROM_2001.get(f, ((math.nan, math.nan),) * 2)[1] for f in freqs]
    def sign(d):
        return f"{d:+g} ms"

    curves, variants = {}, {}
    for k, p in enumerate(presets):
        tag = "" if k == 0 else f" [{p}]"
        for d, part in ((c["delta"], dws[p][:len(freqs)]), (-c["delta"], dws[p][len(freqs):])):
            curves[sign(d) + tag] = part
            if k:
                variants[sign(d) + tag] = sign(d)
    fig = frequency_dependence(
        np.array(freqs), model=curves, variants=variants,
        data={sign(c["delta"]): tuple(np.array(x) for x in zip(*data_plus)),
              sign(-c["delta"]): tuple(np.array(x) for x in zip(*data_minus))},
        data_label="Sjöström et al. 2001, mean ± SEM",
        ylabel=f"relative weight change Δw/w0 after {int(c['n_pairings'])} pairings",
        title=(f"±{abs(c['delta']):g} ms pairings vs frequency: triplet STDP and Sjöström 2001"
               f"\ntriplet model (Pfister & Gerstner 2006): {presets[0]}"
               + (f" (solid), {', '.join(presets[1:])} (dashed)" if len(presets) > 1 else "")))
    return Result(
        config=dict(c), metrics=metrics, figures={"frequency_dependence": fig},
        recordings={"dw": dict(freqs=np.array(freqs), **{f"{p}_plus": dws[p][:len(freqs)] for p in presets},
                               **{f"{p}_minus": dws[p][len(freqs):] for p in presets})},
        notes=notes,
    )


def _suffix(k: int, preset: str) -> str:
    """Metric-name suffix: none for the main preset, ``_nearest`` (or the name) for the extra one."""
    if k == 0:
        return ""
    return "_nearest" if preset == "visual-nearest" else "_" + preset.replace("-", "_")


def _fkey(f: float) -> str:
    return f"{f:g}".replace(".", "")


def _science(freqs: list, dw: np.ndarray) -> dict:
    """Data comparison for one model: points within 2 SEM, sign change, dw at 0.1 Hz."""
    plus, minus = dw[:len(freqs)], dw[len(freqs):]
    n_in = n_data = 0
    for f, vp, vm in zip(freqs, plus, minus):
        if f in SJOSTROM_2001:
            (mp, sp), (mm, sm) = SJOSTROM_2001[f]
            n_in += int(abs(vp - mp) <= 2 * sp) + int(abs(vm - mm) <= 2 * sm)
            n_data += 2
    out = dict(n_within_2sem=n_in, n_data_points=n_data)
    if 20.0 in freqs and 40.0 in freqs:
        out["sign_change_minus10"] = float(minus[freqs.index(20.0)] < 0 < minus[freqs.index(40.0)])
    else:
        out["sign_change_minus10"] = math.nan
    out["abs_dw_01hz_plus10"] = float(abs(plus[freqs.index(0.1)])) if 0.1 in freqs else math.nan
    return out


EXPERIMENT = register(Experiment(
    name="sjostrom-triplet",
    summary="Frequency dependence of +/-10 ms pairings (Sjostrom 2001) with triplet STDP",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, reduced={},
    targets=(
        Target("n_within_2sem", 10, 10, "all 10 points within 2 SEM of Sjostrom et al. 2001"),
        Target("sign_change_minus10", 1.0, 1.0, "dt=-10 ms: LTD at 20 Hz, LTP at 40 Hz"),
        Target("abs_dw_01hz_plus10", 0.0, 0.02, "no change at 0.1 Hz, +10 ms"),
        Target("max_dev_from_closed_form", 0.0, 1e-9, "engine = event-driven closed form of the rule"),
        Target("max_dev_from_reference_model", 0.0, 5e-4,
               "reference-notes [R] predictions (3 decimals, so rounding tolerance)"),
    ),
    reference="Sjostrom, Turrigiano & Nelson 2001, Neuron 32:1149; Pfister & Gerstner 2006, J Neurosci 26:9673",
))
