"""Every built-in rule and neuron model, with an example instance each.

:func:`builtin_classes` discovers the built-ins (the Rule and NeuronModel
subclasses exported by ``neuroplastic``, ``neuroplastic.plasticity`` and
``neuroplastic.model``, and their registries); :data:`EXAMPLES` gives each an
example (a :class:`~neuroplastic.testing.Case`); :data:`EXEMPTIONS` lists the
checks a built-in is known to fail, with the reason. :func:`coverage_problems`
says what is missing: a new rule without an example fails the suite.
"""
from __future__ import annotations

from .. import model as _model
from .. import plasticity as pl
from ..model.neurons import NEURON_MODELS, NeuronModel
from ..plasticity.gating import GatedRule
from ..plasticity.msp import Calcium, MSPGrowth
from ..plasticity.rule import NeuronRule, Rule
from .cases import Case

#: Base classes that are not rules or models themselves.
ABSTRACT = (Rule, NeuronRule, NeuronModel, pl.DendriticRule)

EXAMPLES: tuple[Case, ...] = (
    # neuron models: the weight makes 60 inputs at 40 Hz drive them at tens of Hz
    Case(_model.LIF(synapse="current", t_ref=2.0), weight=150.0, name="LIF(current)"),
    Case(_model.LIF(synapse="conductance", c_m=200, tau_m=20, v_rest=-60, v_reset=-60, v_thresh=-50),
         weight=3.0, name="LIF(conductance)"),
    Case(_model.AdEx(), weight=5.0, name="AdEx(conductance)"),
    Case(_model.AdEx(synapse="current"), weight=300.0, name="AdEx(current)"),
    Case(_model.Izhikevich(), weight=8.0),
    Case(_model.RateUnit("sigmoid"), weight=0.05),
    Case(_model.BinaryUnit(threshold=0.5), weight=0.2),
    # spike-timing rules
    Case(pl.PairSTDP(a_plus=0.05, a_minus=0.06)),
    Case(pl.PairSTDP(a_plus=0.05, a_minus=0.06, weight_dependence="multiplicative")),
    Case(pl.PairSTDP(a_plus=0.05, a_minus=0.06, pairing="nearest")),
    *(Case(pl.TripletSTDP.preset(k), name=f"TripletSTDP.preset({k!r})") for k in pl.TRIPLET_PRESETS),
    Case(pl.InhibitorySTDP(eta=0.05, rho0=5.0)),
    Case(pl.DiscreteSTDP(eta=5.0, step=0.1)),
    Case(pl.DiscreteSTDP(eta=0.05, step=1.0), model=_model.BinaryUnit(threshold=0.5)),
    # short-term plasticity
    Case(pl.TsodyksMarkram.facilitating(), name="TsodyksMarkram.facilitating()"),
    Case(pl.TsodyksMarkram.depressing(), name="TsodyksMarkram.depressing()"),
    Case(pl.PresynapticTsodyksMarkram.facilitating(), name="PresynapticTsodyksMarkram.facilitating()"),
    # homeostasis
    Case(pl.Heterosynaptic(beta=0.5, w_ref=100.0)),
    Case(pl.SynapticScaling(target_rate=0.0, beta=0.05, tau_a=1000.0, period=50.0)),
    Case(pl.SynapticScaling(target_rate=0.0, beta=0.05, gamma=0.01, tau_a=1000.0, period=50.0)),
    Case(pl.SynapticScaling(target_rate=100.0, beta=0.05, tau_a=1000.0, period=50.0), acts_without_spikes=True),
    Case(pl.WeightNormalization(target=2000.0, period=50.0), acts_without_spikes=True),
    Case(pl.WeightNormalization(target=300.0, mode="outgoing", period=50.0), acts_without_spikes=True),
    # rate-based Hebbian rules (rate units: they read "activity")
    Case(pl.Oja(eta=0.02, period=1.0)),
    Case(pl.BCM(eta=0.02, tau_theta=50.0, period=1.0)),
    # neuromodulated
    Case(pl.RewardModulatedSTDP(a_plus=5.0, a_minus=6.0, tau_e=200.0, eta=0.01, period=10.0)),
    Case(pl.GatedSTDP(a_plus=0.05, a_minus=0.06, reference=0.0)),
    Case(pl.Gated(pl.PairSTDP(a_plus=0.05, a_minus=0.06), "acetylcholine", gain=1.0, reference=0.0)),
    # structural
    Case(pl.PruneAndRegrow(threshold=100.0, period=50.0, w_init=150.0),
         acts_without_spikes=True, conserves_synapses=True),
    Case(pl.PruneAndRegrow(period=50.0, w_init=150.0, regrow="activity", prune="silent"),
         acts_without_spikes=True, conserves_synapses=True),
    Case(pl.RandomRewire(p=0.1, period=50.0), acts_without_spikes=True, conserves_synapses=True),
    Case(MSPGrowth(period=10.0, update_interval=100.0, nu_axon=0.02, nu_den_a=0.02, nu_den_b=0.02, weight=150.0),
         neuron_rules=(Calcium(tau=100.0, beta=0.005, period=1.0),), acts_without_spikes=True),
    # neuron (intrinsic) rules
    Case(pl.AdaptiveThreshold(increment=0.5, tau=200.0, period=1.0)),
    Case(pl.ThresholdHomeostasis(eta=0.5, target_rate=20.0, period=1.0), acts_without_spikes=True),
    Case(pl.TrieschIP(eta=0.01, mu=0.2, period=1.0), acts_without_spikes=True),
    Case(pl.ModulatedGain(period=1.0), acts_without_spikes=True),
    Case(pl.ModulatedThreshold(shift=2.0, period=1.0), acts_without_spikes=True),
    Case(Calcium(tau=100.0, beta=0.01, period=1.0)),
    # multi-timescale memory: a chain leaking to its reference, a bistable consolidation variable
    Case(pl.CascadeSynapse(m=4, coupling=0.05, period=5.0), acts_without_spikes=True),
    Case(pl.Consolidation(tau_cons=200.0, w_p=300.0, bistability=2e-4, beta=0.5, period=5.0),
         acts_without_spikes=True),
    # orchestrated plasticity (Zenke et al. 2015): its neuron, its E rule (w~ drifts from 0 to w
    # without spikes), its population-gated inhibitory rule
    Case(_model.AIF(), weight=0.1),
    Case(pl.OrchestratedPlasticity(eta=5.0, beta=0.05, delta=0.5, w_p=300.0, bistability=2e-4, tau_cons=200.0,
                                   period=5.0), acts_without_spikes=True),
    Case(pl.GlobalInhibitorySTDP(eta=5.0, kappa=5.0, tau_hom=200.0)),
    # multi-timescale memory (acts without spikes: the slow update brings every synapse to the present)
    Case(pl.TaggingCapture(period=50.0), acts_without_spikes=True),
    # voltage-based STDP: the neuron that keeps the voltage traces (delta synapses, mV) and the rule on it
    Case(_model.AdExClopath(), weight=4.0),
    Case(pl.ClopathSTDP(), model=_model.AdExClopath(), weight=4.0),
    Case(pl.ClopathSTDP(homeostasis="depolarization"), model=_model.AdExClopath(), weight=4.0),
    # repeating-pattern detection (Masquelier et al. 2008): the spike response model (weights in units of the
    # EPSP's peak, threshold 500) and the reduced nearest-neighbour rule on it
    Case(_model.SRM(), weight=20.0),
    Case(pl.ReducedNearestSTDP(), model=_model.SRM(), weight=20.0),
    # dendrites: neurons with branches (driven at the soma) and rules on synapses onto a branch
    Case(_model.DendriticNeuron(), weight=150.0, name="DendriticNeuron(LIF soma)"),
    Case(_model.DendriticNeuron(soma="AdEx", nonlinearity=["nmda", "dcaap"]), weight=300.0,
         name="DendriticNeuron(AdEx soma, NMDA + dCaAP)"),
    Case(_model.UrbanczikNeuron(), weight=5.0),
    # (its soma held far below the dendrite's prediction: silent, so the copies stay alike, while
    # phi(V*) > 0 moves the weights; a Poisson soma that fires would draw different spikes per copy)
    Case(pl.UrbanczikSenn(eta=0.5), model=_model.UrbanczikNeuron(i_bias=-30000.0)),
    Case(pl.BranchPerceptron(eta=2.0), model=_model.DendriticNeuron(theta_d=-68.0)),
    # branch-specific plasticity (Legenstein & Maass 2011): branches near threshold, so driven input spikes them
    Case(pl.BranchSTDP(a_plus=2.0, a_minus=2.0, a_ltd=1.0, theta_gate=-68.0), model=_model.DendriticNeuron(theta_d=-68.0)),
    # (a bias holds every branch in repeated dCaAPs too weak to fire the soma: driven, the soma's spikes pair with them)
    Case(pl.BranchStrength(eta_u=0.1), model=_model.DendriticNeuron(theta_d=-68.0, i_bias_d=30.0, amp_d=100.0)),
    # dendritic structural plasticity (the checks put every synapse on branch 0, so none can move: no arrival
    # counts as co-active, and the retraction timer, which runs without spikes by design, is what acts)
    Case(pl.BranchClustering(period=50.0, theta_active=1000.0, t_retract=float("inf")),
         model=_model.DendriticNeuron(theta_d=-68.0), acts_without_spikes=True, conserves_synapses=True),
)

#: "ClassName.check_name" -> why that built-in fails that check. Each entry is
#: an expected failure: the suite fails if the check passes (remove the entry)
#: or if the class or check no longer exists.
EXEMPTIONS: dict[str, str] = {
    "UrbanczikNeuron.check_neuron_rests_without_input":
        "a Poisson neuron: it fires at phi(E_L) = 2 Hz without input, by design (NEST's pp_cond_exp_mc_urbanczik)",
    "BranchStrength.check_neuron_rule_still_without_spikes":
        "the checks drive the soma only, so the example's branches are biased into dCaAPs of their own, "
        "which move the neuron without input (the rule itself changes nothing without a somatic spike)",
}


def class_name(obj) -> str:
    """The name a built-in is known by (``Gated`` for every gated rule)."""
    return "Gated" if isinstance(obj, GatedRule) else type(obj).__name__


def builtin_classes() -> dict[str, type]:
    """Every built-in rule and neuron model class, by name. ``Gated(...)``
    makes its classes at run time; :class:`GatedRule` stands for them."""
    import neuroplastic

    found = {"Gated": GatedRule}
    pools = (vars(neuroplastic).values(), vars(pl).values(), vars(_model).values(),
             pl.RULES.values(), pl.NEURON_RULES.values(), NEURON_MODELS.values())
    for pool in pools:
        for obj in pool:
            if isinstance(obj, type) and issubclass(obj, (Rule, NeuronModel)) and obj not in ABSTRACT \
                    and not issubclass(obj, GatedRule):
                found[obj.__name__] = obj
    return found


def coverage_problems(examples=EXAMPLES, exemptions=EXEMPTIONS) -> list[str]:
    """What keeps the built-ins from being fully checked: a class without an
    example, an exemption naming a class or a check that does not exist."""
    from . import checks_for

    classes = builtin_classes()
    named = {class_name(c.obj) for c in examples}
    problems = [f"{name}: no example in neuroplastic.testing.EXAMPLES" for name in sorted(set(classes) - named)]
    for key in exemptions:
        cls, _, check = key.partition(".")
        if cls not in classes:
            problems.append(f"exemption {key!r}: no built-in class {cls!r}")
        elif not any(class_name(c.obj) == cls and check in {f.__name__ for f in checks_for(c)} for c in examples):
            problems.append(f"exemption {key!r}: no example of {cls} runs a check {check!r}")
    return problems
