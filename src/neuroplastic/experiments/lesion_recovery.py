"""``lesion-recovery``: structural + homeostatic plasticity restore activity after a lesion.

Network: a recurrent network of current-based LIF neurons, ``n_exc``
excitatory (E) and ``n_inh`` inhibitory (I), tau_m = 20 ms, C = 250 pF,
E_L = V_reset = -65 mV, V_th = -50 mV, t_ref = 2 ms, tau_e = 5 ms, tau_i = 10 ms.
Each neuron gets its own Poisson background (``bg_rate``, weight ``w_bg``);
E->E, E->I, I->E and I->I connect with probability ``p`` (no autapses) with
weights ``w_ee``, ``w_ei``, ``w_ie``, ``w_ii`` (pA) and delays U(1, 2) ms. The
background alone drives E neurons well below threshold; recurrent excitation
carries a large part of their input, so removing E neurons removes input from
the survivors.

Protocol: ``settle`` ms, then ``Network.lesion`` removes ``lesion_fraction``
(30 %) of the E neurons at random (seeded; the removed neurons lose all their
synapses and fall silent), then ``recover`` ms. In the plastic condition the
survivors' synaptic elements that were bound to removed neurons retract with
their synapses (``denervated = "retract"``, default: denervated spines and
boutons are lost, and regrowth follows the calcium deficit at the growth
rate); ``denervated = "vacant"`` keeps them vacant as MSP does for deleted
synapses, and they re-pair at random at the next connectivity update — an
immediate rewiring that overshoots (measured below).
Two conditions on the same network and seed:

* **plastic** — on E->E, homeostatic synaptic scaling
  (:class:`~neuroplastic.SynapticScaling`, van Rossum et al. 2000: every
  period, all weights onto a neuron are multiplied by
  1 + beta (r_target - a) P, a = its rate sensor) and the Model of Structural
  Plasticity (:class:`~neuroplastic.plasticity.msp.MSPGrowth`, Butz & van
  Ooyen 2013: neurons whose calcium is below its set point grow axonal and
  dendritic elements, vacant elements pair into new synapses). Both set
  points are the pre-lesion activity: r_target = ``target_rate`` and
  eps = beta_Ca tau_Ca ``target_rate``. Element counts start at the built
  connectivity (z = degree + 0.5) and calcium at its set point, so the intact
  network is at equilibrium;
* **static** — the same network without plasticity.

Activity is the mean firing rate of the *surviving* E neurons (Hz; the lost
neurons are excluded before and after, so a lesion does not lower the measure
by itself), in ``window`` ms bins, smoothed over ``smooth`` ms.

Metrics: ``rate_pre`` (mean over the last ``pre_window`` ms before the lesion),
``rate_post`` (first ``post_window`` ms after it), ``rate_end`` (last
``end_window`` ms), ``recovered_plastic`` = rate_end / rate_pre in the plastic
condition and ``recovered_static`` in the static one (the end-state check);
``recovery_time_s``: time from the lesion to the end of the first ``smooth``-ms
window lying wholly after the lesion whose mean rate is >= 90 % of rate_pre
(NaN if never; at least ``smooth`` by construction); E->E in-degree of survivors (mean)
before, right after and at the end; synapses created by MSP after the lesion.

Targets (issue 5): with plasticity the activity returns to >= 90 % of its
pre-lesion value (``recovered_plastic >= 0.9``) within the stated time
(``recovery_time_s <= 120`` s at full scale, 60 s reduced); the static network
does not (``recovered_static < 0.9``); the lesion is a real perturbation
(``drop_static <= 0.8``, rate right after / before).

Timescales are compressed (scaling beta 0.01 /(s Hz), growth rate nu 1e-3
elements/ms): biological scaling and spine growth take hours to days. The
experiment checks the mechanism (homeostatic and structural compensation of
lost input), not the biological time course.

References: Butz M, van Ooyen A (2013) PLoS Comput Biol 9:e1003259 (MSP and
cortical reorganisation after lesions). van Rossum MCW, Bi GQ, Turrigiano GG
(2000) J Neurosci 20:8812. Turrigiano GG et al. (1998) Nature 391:892.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .. import LIF, FixedProbability, Model, Network, OneToOne, PoissonInput, Population, Projection, Uniform
from ..plasticity.homeostasis import SynapticScaling
from ..plasticity.msp import Calcium, MSPGrowth
from ..progress import RunProgress
from ..viz import events_from_topology, mark_time, time_unit
from ..viz.style import OKABE_ITO
from .base import Experiment, Result, Target
from .parameters import Param, Relation, defaults_of
from .registry import register
from .scaling import moving_average

PARAMETERS = dict(
    n_exc=Param(800, "excitatory neurons", ge=2),
    n_inh=Param(200, "inhibitory neurons", ge=1),
    p=Param(0.1, "connection probability of E->E, E->I, I->E and I->I", gt=0, le=1),
    dt=Param(0.1, "time step", "ms", gt=0),
    bg_rate=Param(2000.0, "rate of each neuron's own Poisson background", "Hz", ge=0),
    w_bg=Param(16.0, "background weight", "pA", ge=0),
    w_ee=Param(60.0, "E->E weight (also of the synapses MSP creates)", "pA", ge=0),
    w_ei=Param(60.0, "E->I weight", "pA", ge=0),
    w_ie=Param(200.0, "I->E weight magnitude (applied negative)", "pA", ge=0),
    w_ii=Param(200.0, "I->I weight magnitude (applied negative)", "pA", ge=0),
    settle=Param(20_000.0, "time before the lesion", "ms", gt=0),
    recover=Param(120_000.0, "time after the lesion", "ms", gt=0),
    lesion_fraction=Param(0.3, "fraction of the E neurons removed", gt=0, lt=1),
    denervated=Param("retract", "what happens to survivors' elements bound to removed neurons",
                     choices=("retract", "vacant")),
    target_rate=Param(None, "set point of scaling and MSP (none: the static network's pre-lesion rate)",
                      "Hz", gt=0, type=float),
    scaling_beta=Param(0.01, "synaptic-scaling gain", "1/(s Hz)", ge=0),
    scaling_tau=Param(2000.0, "time constant of the scaling rate sensor", "ms", gt=0),
    scaling_period=Param(100.0, "synaptic-scaling interval", "ms", gt=0),
    tau_ca=Param(10_000.0, "calcium decay time constant", "ms", gt=0),
    beta_ca=Param(0.001, "calcium increment per spike", gt=0),
    nu=Param(1e-3, "growth rate of axonal and dendritic elements", "elements/ms", ge=0),
    msp_period=Param(100.0, "interval of the calcium decay and element growth", "ms", gt=0),
    update_interval=Param(1000.0, "interval of MSP's connectivity updates (deletion, pairing)", "ms", gt=0),
    window=Param(500.0, "bin of the survivor rate", "ms", gt=0),
    smooth=Param(5000.0, "smoothing window of the rate (recovery time)", "ms", gt=0),
    pre_window=Param(10_000.0, "window before the lesion for rate_pre", "ms", gt=0),
    post_window=Param(5000.0, "window after the lesion for rate_post", "ms", gt=0),
    end_window=Param(20_000.0, "window at the end for rate_end", "ms", gt=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("smooth", ">=", "window"), Relation("pre_window", "<=", "settle"),
             Relation("post_window", "<=", "recover"), Relation("end_window", "<=", "recover"))
REDUCED = dict(n_exc=160, n_inh=40, p=0.5, settle=6000.0, recover=30_000.0, pre_window=4000.0,
               end_window=8000.0)


def _model(c, plastic: bool, target: float) -> Model:
    ne, ni = int(c["n_exc"]), int(c["n_inh"])
    cell = LIF(tau_m=20.0, c_m=250.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0, t_ref=2.0,
               synapse="current", tau_e=5.0, tau_i=10.0)
    eps = c["beta_ca"] * c["tau_ca"] * target * 1e-3
    calcium = Calcium(tau=c["tau_ca"], beta=c["beta_ca"], period=c["msp_period"])
    m = Model(dt=c["dt"], max_rate=500.0)
    m.add(PoissonInput("bg_e", ne, rate=c["bg_rate"]))
    m.add(PoissonInput("bg_i", ni, rate=c["bg_rate"]))
    init = {"v": Uniform(-65.0, -50.0)}
    m.add(Population("exc", ne, cell, initial=init, rules=[calcium] if plastic else []))
    m.add(Population("inh", ni, cell, initial=init))
    m.add(Projection("bg_exc", "bg_e", "exc", OneToOne(), weight=c["w_bg"]))
    m.add(Projection("bg_inh", "bg_i", "inh", OneToOne(), weight=c["w_bg"]))
    rules = []
    if plastic:
        rules = [SynapticScaling(tau_a=c["scaling_tau"], target_rate=target, beta=c["scaling_beta"],
                                 period=c["scaling_period"]),
                 MSPGrowth(weight=c["w_ee"], delay=1.0, period=c["msp_period"], update_interval=c["update_interval"],
                           eps_axon=eps, nu_axon=c["nu"], eps_den_a=eps, nu_den_a=c["nu"], eps_den_b=eps, nu_den_b=c["nu"], eta=0.0)]
    conn = FixedProbability(c["p"])
    delay = Uniform(1.0, 2.0)
    m.add(Projection("ee", "exc", "exc", conn, weight=c["w_ee"], delay=delay, rules=rules, w_max=10 * c["w_ee"]))
    m.add(Projection("ei", "exc", "inh", conn, weight=c["w_ei"], delay=delay))
    m.add(Projection("ie", "inh", "exc", conn, weight=-c["w_ie"], delay=delay, receptor="inh"))
    m.add(Projection("ii", "inh", "inh", conn, weight=-c["w_ii"], delay=delay, receptor="inh"))
    return m


def _lesion(net, c, plastic):
    """Remove ``lesion_fraction`` of E now. With ``denervated = "retract"`` the
    survivors' synaptic elements that were bound to removed neurons retract
    with their synapses (z -= synapses lost), so regrowth is driven by the
    calcium deficit; ``"vacant"`` keeps them as vacant elements (MSP's rule for
    deleted synapses), which re-pair at the next connectivity update."""
    n = net.size("exc")
    pre, post = net.synapses("ee")
    out0, in0 = np.bincount(pre, minlength=n), np.bincount(post, minlength=n)
    removed = net.lesion(c["lesion_fraction"], population="exc")
    if plastic and c["denervated"] == "retract":
        pre, post = net.synapses("ee")
        st = net.rule_state("ee", 1)
        st.pre.z_axon[:] = np.maximum(st.pre.z_axon - (out0 - np.bincount(pre, minlength=n)), 0.0)
        st.post.z_den[:] = np.maximum(st.post.z_den - (in0 - np.bincount(post, minlength=n)), 0.0)
    return removed


def _prepare_msp(net, c, target):
    """Start MSP at equilibrium: element counts = built degrees + 0.5, calcium at its set point."""
    pre, post = net.synapses("ee")
    n = net.size("exc")
    st = net.rule_state("ee", 1)
    st.pre.z_axon[:] = np.bincount(pre, minlength=n) + 0.5
    st.post.z_den[:] = np.bincount(post, minlength=n) + 0.5
    net.neuron_rule_state("exc", 0).neuron.ca[:] = c["beta_ca"] * c["tau_ca"] * target * 1e-3
    net.rule_state("ee", 0).post.a[:] = target


def _simulate(c, seed, plastic, target, bar, offset):
    """Run one condition; returns (bin ends ms, survivor rate Hz, in-degree trace, lesioned, net)."""
    net = Network(_model(c, plastic, target), seed=seed)
    if plastic:
        _prepare_msp(net, c, target)
    window, total = float(c["window"]), float(c["settle"] + c["recover"])
    steps = int(round(total / window))
    counts = np.zeros((steps, int(c["n_exc"])), np.int64)
    degree = []
    lesion_step = int(round(c["settle"] / window))
    for k in range(steps):
        if k == lesion_step:
            _lesion(net, c, plastic)
        net.run(window)
        counts[k] = net.spike_counts("exc", clear=True)
        if k % max(1, int(round(1000.0 / window))) == 0 or k == steps - 1:
            degree.append((net.t, _in_degree(net)))
        bar.update(offset + net.t)
    lost = ~net.alive("exc")
    rate = counts[:, ~lost].sum(axis=1) / (max(1, (~lost).sum()) * window * 1e-3)
    t = (np.arange(steps) + 1) * window
    return t, rate, np.array(degree), lost, net


def _in_degree(net):
    _, post = net.synapses("ee")
    alive = net.alive("exc")
    return float(np.bincount(post, minlength=net.size("exc"))[alive].mean())


def _metrics(c, t, rate, prefix):
    lesion = float(c["settle"])

    def mean_in(t0, t1):
        keep = (t - c["window"] >= t0 - 1e-9) & (t <= t1 + 1e-9)
        return float(rate[keep].mean())

    pre = mean_in(lesion - c["pre_window"], lesion)
    post = mean_in(lesion, lesion + c["post_window"])
    end = mean_in(t[-1] - c["end_window"], t[-1])
    out = {f"rate_pre_{prefix}": pre, f"rate_post_{prefix}": post, f"rate_end_{prefix}": end,
           f"recovered_{prefix}": end / pre if pre > 0 else float("nan"),
           f"drop_{prefix}": post / pre if pre > 0 else float("nan")}
    # mean over the ``smooth`` ms ending at each bin end (NaN until a whole window exists)
    _, means = moving_average(t - c["window"], rate, float(c["window"]), float(c["smooth"]))
    smooth = np.concatenate([np.full(len(rate) - len(means), np.nan), means])
    after = t - c["smooth"] >= lesion - 1e-9     # smoothing windows lying wholly after the lesion
    back = np.flatnonzero(after & (smooth >= 0.9 * pre))
    out[f"recovery_time_s_{prefix}"] = float((t[back[0]] - lesion) * 1e-3) if back.size else float("nan")
    return out, smooth


def run(config: dict, seed: int = 0, progress: bool = False) -> Result:
    c = dict(config)
    total = float(c["settle"] + c["recover"])
    with RunProgress(enabled=progress, total_ms=2 * total, start_ms=0.0) as bar:
        t, r_static, deg_static, lost, net_s = _simulate(c, seed, False, 0.0, bar, 0.0)
        pre_static = float(r_static[(t > c["settle"] - c["pre_window"]) & (t <= c["settle"])].mean())
        target = float(c["target_rate"]) if c["target_rate"] is not None else pre_static
        _, r_plastic, deg_plastic, lost_p, net_p = _simulate(c, seed, True, target, bar, total)
    metrics, figs = {"target_rate": target, "lesioned": int(lost.sum()),
                     "same_lesion": bool(np.array_equal(lost, lost_p))}, {}
    m_s, s_static = _metrics(c, t, r_static, "static")
    m_p, s_plastic = _metrics(c, t, r_plastic, "plastic")
    metrics.update(m_s)
    metrics.update(m_p)
    metrics["recovery_time_s"] = metrics["recovery_time_s_plastic"]
    metrics["in_degree_pre"] = float(deg_plastic[deg_plastic[:, 0] <= c["settle"]][-1, 1])
    after = deg_plastic[deg_plastic[:, 0] > c["settle"]]
    metrics["in_degree_post"] = float(after[0, 1])
    metrics["in_degree_end"] = float(after[-1, 1])
    metrics["in_degree_end_static"] = float(deg_static[-1, 1])
    w_p, w_s = net_p.weights("ee"), net_s.weights("ee")
    metrics["w_ee_mean_end_plastic"] = float(w_p.mean())
    metrics["w_ee_mean_end_static"] = float(w_s.mean())
    figs["recovery"] = _figure(c, t, r_static, s_static, r_plastic, s_plastic, deg_static, deg_plastic, metrics,
                               events_from_topology(net_p.topology_log))
    return Result(
        config=c, metrics=metrics, figures=figs,
        recordings={"rate": dict(t=t, static=r_static, plastic=r_plastic, static_smooth=s_static,
                                 plastic_smooth=s_plastic),
                    "in_degree": dict(t_static=deg_static[:, 0], static=deg_static[:, 1],
                                      t_plastic=deg_plastic[:, 0], plastic=deg_plastic[:, 1]),
                    "lesion": dict(removed=np.flatnonzero(lost))},
        notes=["activity = mean rate of the surviving E neurons (Hz), 'window' ms bins",
               "in-degree = mean number of E->E synapses onto a surviving E neuron"],
    )


_CONDITIONS = (("static", "0.35"), ("structural + homeostatic", OKABE_ITO[1]))


def _figure(c, t, r_s, s_s, r_p, s_p, deg_s, deg_p, metrics, events) -> Figure:
    fig = Figure(figsize=(11, 4.4), layout="constrained")
    ax, bx = fig.subplots(1, 2, sharex=True)
    unit = time_unit(float(c["settle"] + c["recover"]))
    for (r, s), (name, colour) in zip(((r_s, s_s), (r_p, s_p)), _CONDITIONS):
        ax.plot(unit(t), r, color=colour, alpha=0.3, lw=0.8)
        ax.plot(unit(t), s, color=colour, lw=2, label=f"{name} ({c['smooth'] / 1000:g} s mean)")
    pre = metrics["rate_pre_plastic"]
    ax.axhline(0.9 * pre, color="black", ls=":", lw=1, label="90 % of the pre-lesion rate")
    ax.set_ylim(bottom=0)
    ax.set_ylabel(f"rate of surviving E neurons (Hz, {c['window']:g} ms bins)")
    ax.set_title("activity", fontsize="medium")
    ax.legend(fontsize="small", loc="lower right")
    for deg, (name, colour) in zip((deg_s, deg_p), _CONDITIONS):
        bx.plot(unit(deg[:, 0]), deg[:, 1], color=colour, lw=2, label=name)
    bx.set_ylim(bottom=0)
    bx.set_ylabel("E→E synapses onto a surviving E neuron")
    bx.set_title("connectivity: before, after and recovered", fontsize="medium")
    bx.legend(fontsize="small", loc="lower right")
    for a in (ax, bx):
        a.set_xlim(0, unit(c["settle"] + c["recover"]))
        a.set_xlabel(unit.label())
        mark_time([a], unit, events=events)
    fig.suptitle(f"Recovery after removing {c['lesion_fraction']:.0%} of the E neurons at "
                 f"{unit.format(c['settle'])}: structural plasticity (MSP) + synaptic scaling vs a static "
                 f"network\n{int(c['n_exc'])} E + {int(c['n_inh'])} I LIF neurons")
    return fig


EXPERIMENT = register(Experiment(
    name="lesion-recovery",
    summary="structural (MSP) + homeostatic scaling restore activity after removing 30% of E neurons",
    run=run, defaults=DEFAULTS, parameters=PARAMETERS, relations=RELATIONS, reduced=REDUCED,
    targets=(Target("recovered_plastic", 0.9, None, "activity back to >= 90 % of pre-lesion with plasticity (issue)"),
             Target("recovered_static", None, 0.9, "the static network stays below 90 % (issue)"),
             Target("drop_static", None, 0.8, "the lesion lowers activity by >= 20 % (ours: a real perturbation)"),
             Target("recovery_time_s", 0.0, 120.0, "recovered within 120 s of the lesion (stated time)", ("full",)),
             Target("recovery_time_s", 0.0, 30.0, "recovered within 30 s of the lesion (stated time)", ("reduced",))),
    reference="Butz M, van Ooyen A (2013) PLoS Comput Biol 9:e1003259; van Rossum MCW et al. (2000) J Neurosci 20:8812",
))
