"""Parameters of ``lifetime`` (declared once: defaults, units, ranges; ``neuroplastic list lifetime``)."""
from __future__ import annotations

from .parameters import Param, Relation, defaults_of

_MIN = 60_000.0   # one minute (ms)

PARAMETERS = dict(
    n_exc=Param(200, "excitatory neurons", ge=1),
    n_inh=Param(50, "inhibitory neurons", ge=1),
    n_per_set=Param(2, "patterns per set (two sets)", ge=1),
    assembly_size=Param(30, "excitatory neurons per pattern (disjoint assemblies)", ge=2),
    p_ee=Param(0.5, "E->E connection probability", gt=0, le=1),
    p_connect=Param(0.2, "connection probability of E->I, I->E and I->I", gt=0, le=1),
    c_m=Param(200.0, "membrane capacitance", "pF", gt=0),
    g_l=Param(10.0, "leak conductance", "nS", gt=0),
    e_l=Param(-60.0, "leak reversal and reset potential", "mV"),
    v_t=Param(-50.0, "threshold (before the intrinsic offset theta)", "mV"),
    t_ref=Param(5.0, "refractory period", "ms", ge=0),
    tau_e=Param(5.0, "excitatory conductance time constant", "ms", gt=0),
    tau_i=Param(10.0, "inhibitory conductance time constant", "ms", gt=0),
    delay=Param(1.5, "delay of every recurrent synapse", "ms", ge=0),
    w_total=Param(40.0, "total incoming E->E weight of an E neuron (initial, and the normalisation target)",
                  "nS", gt=0),
    w_ee_max=Param(6.0, "upper bound of the E->E weights", "nS", gt=0),
    w_ei=Param(0.5, "E->I weight", "nS", ge=0),
    w_ie=Param(4.0, "initial I->E weight", "nS", ge=0),
    w_ie_max=Param(50.0, "upper bound of the I->E weights", "nS", gt=0),
    w_ii=Param(4.0, "I->I weight", "nS", ge=0),
    wake_rate=Param(680.0, "drive of every neuron in wake", "Hz", ge=0),
    sleep_rate_exc=Param(680.0, "drive of every E neuron in sleep", "Hz", ge=0),
    sleep_rate_inh=Param(650.0, "drive of every I neuron in sleep", "Hz", ge=0),
    w_drive=Param(0.5, "drive weight", "nS", ge=0),
    stim_rate=Param(2000.0, "stimulus (and cue) rate on a shown pattern's neurons", "Hz", ge=0),
    w_stim=Param(1.0, "stimulus weight", "nS", ge=0),
    stdp_scale=Param(4.0, "triplet amplitudes: published x stdp_scale x w_ee_max", ge=0),
    sleep_stdp=Param(0.2 * 30_000.0 / (90 * _MIN), "factor on the triplet rule in sleep (0.2 x 30 s / 90 min: "
                     "the reduced scale's 0.2 integrated over its 30 s sleep)", ge=0),
    rest_stdp=Param((10_000.0 + 30_000.0) / (70 * _MIN), "factor on the triplet rule in the rest before the "
                    "lesion and in the recovery (no stimulus; 1 x 40 s / 70 min: the reduced scale's integral)", ge=0),
    gap_stdp=Param(1.0, "factor on the triplet rule in wake between presentations (1: as while a pattern is "
                   "shown)", ge=0),
    stp_u=Param(0.5, "Tsodyks-Markram utilisation U (E->E)", gt=0, le=1),
    stp_tau_rec=Param(50.0, "Tsodyks-Markram recovery time constant (E->E)", "ms", gt=0),
    w_p=Param(2.0, "consolidation: potentiated state of w~", "nS", gt=0),
    tau_cons=Param(1_200_000.0, "consolidation time constant", "ms", gt=0),
    beta_het=Param(0.2, "consolidation: heterosynaptic pull towards w~", ge=0),
    da_a=Param(0.01, "reward-modulated STDP: eligibility per pairing (LTP; LTD half of it)", "nS", ge=0),
    da_eta=Param(0.02, "reward-modulated STDP: learning rate per unit dopamine", "1/ms", ge=0),
    da_tau=Param(200.0, "dopamine decay time constant", "ms", gt=0),
    da_release=Param(1.0, "dopamine released after each presentation of the rewarded pattern", ge=0),
    target_rate=Param(5.0, "set point of inhibitory and intrinsic plasticity", "Hz", gt=0),
    norm_period=Param(100.0, "homeostasis: interval of the incoming E->E weight normalisation (to w_total)",
                      "ms", gt=0),
    norm_step=Param(0.01, "homeostasis: fraction of the way to w_total moved at each normalisation (1: hard; "
                    "0.01: a soft normalisation, time constant ~ norm_period / norm_step; design (d))", ge=0, le=1),
    istdp_eta=Param(0.002, "inhibitory STDP (population-rate gated) learning rate", "nS", ge=0),
    istdp_counts_stimulus=Param(False, "inhibitory STDP: the neurons a stimulus drives count in its population "
                                "rate while it drives them (false: left out, so the rule holds the others at "
                                "target_rate)"),
    istdp_tau_hom=Param(10_000.0, "inhibitory STDP: time constant of the population rate estimate", "ms", gt=0),
    ip_eta=Param(2e-5, "intrinsic plasticity: threshold step per spike", "mV", gt=0),
    sleep_ip=Param(10.0, "intrinsic plasticity in sleep: a second threshold homeostasis, sleep_ip x ip_eta, on only "
                   "in sleep (0: none; design (d))", ge=0),
    prune_below=Param(0.01, "structural: synapses below this weight are pruned (0.05 before design (d))", "nS", ge=0),
    prune_fraction=Param(0.2, "structural: fraction of the weak synapses pruned per update", gt=0, le=1),
    structural_period=Param(10_000.0, "structural update interval", "ms", gt=0),
    w_grow=Param(0.05, "weight of a new synapse (0.3 before design (e): a new synapse as strong as an average one)",
                 "nS", ge=0),
    recovery_norm=Param(0.0, "the incoming normalisation in the recovery after the lesion, as a factor on its step "
                        "(0: off, design (e); 1: as in the other plastic phases)", ge=0),
    t_wake=Param(60 * _MIN, "each wake phase", "ms", gt=0),
    t_sleep=Param(90 * _MIN, "each sleep (or rest) phase", "ms", gt=0),
    t_baseline=Param(10 * _MIN, "rest before the lesion (the pre-lesion rate)", "ms", gt=0),
    t_recover=Param(60 * _MIN, "recovery after the lesion", "ms", gt=0),
    t_window=Param(5 * _MIN, "window of the recovered rate (end of recovery)", "ms", gt=0),
    t_on=Param(1000.0, "stimulus on per presentation", "ms", gt=0),
    t_off=Param(2000.0, "stimulus off after each presentation", "ms", ge=0),
    lesion_fraction=Param(0.25, "share of the E neurons removed", gt=0, lt=1),
    t_settle=Param(200.0, "probe: time before the first cue", "ms", ge=0),
    t_cue=Param(300.0, "probe: cue duration", "ms", gt=0),
    t_gap=Param(200.0, "probe: time after each cue", "ms", ge=0),
    record_ms=Param(10_000.0, "timeline: longest chunk between two recorded rows", "ms", gt=0),
    band_ms=Param(_MIN, "window of the healthy-rate band", "ms", gt=0),
    max_rate=Param(200.0, "runaway stop: population rate", "Hz", gt=0),
    dt=Param(0.25, "time step", "ms", gt=0),
    homeostasis=Param(True, "incoming weight normalisation on E->E"),
    inhibitory=Param(True, "inhibitory STDP on I->E"),
    intrinsic=Param(True, "threshold homeostasis of the E neurons"),
    structural=Param(True, "prune-and-regrow on E->E"),
    dopamine=Param(True, "reward-modulated STDP on E->E"),
    consolidation=Param(True, "consolidation (bistable w~ and heterosynaptic pull) on E->E"),
    sleep=Param(True, "sleep in the off phases (false: rest with the wake drive)"),
    seeds=Param((30, 31, 32, 33, 34), "seeds of the main run (empty: the single --seed; 30-34: the fresh seeds "
                "of the current design (e))", ge=0),
    ablations=Param(False, "also run the ablation table (each family off in turn)"),
    ablation_seeds=Param((10, 11), "seeds of every ablation row", ge=0),
)
DEFAULTS = defaults_of(PARAMETERS)
RELATIONS = (Relation("t_window", "<=", "t_recover"), Relation("t_window", "<=", "t_baseline"),
             Relation("t_gap", ">=", "dt"))

#: Reduced scale for the tests: 80 + 20 neurons, minutes of biological time, one seed.
REDUCED = dict(n_exc=80, n_inh=20, n_per_set=2, assembly_size=16, tau_cons=10_000.0, wake_rate=520.0,
               norm_step=1.0, sleep_ip=0.0, prune_below=0.05,   # designs (d) and (e) are full scale only
               w_grow=0.3, recovery_norm=1.0,
               sleep_rate_exc=520.0, sleep_rate_inh=500.0, sleep_stdp=0.2, rest_stdp=1.0,
               t_wake=30_000.0,
               t_sleep=30_000.0, t_baseline=10_000.0, t_recover=30_000.0, t_window=10_000.0, band_ms=10_000.0,
               record_ms=5000.0, seeds=(0,), ablation_seeds=(0,))
