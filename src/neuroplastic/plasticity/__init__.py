"""Plasticity rules, one module per family, built on :mod:`neuroplastic.plasticity.rule`."""
from .cascade import CascadeSynapse
from .consolidation import Consolidation
from .dendritic import BranchPerceptron, DendriticRule, UrbanczikSenn
from .branch_specific import BranchSTDP, BranchStrength
from .branch_structural import BranchClustering
from .discrete import DiscreteSTDP
from .hebbian import BCM, Oja
from .homeostasis import Heterosynaptic, SynapticScaling, WeightNormalization
from .inhibitory import GlobalInhibitorySTDP, InhibitorySTDP
from .intrinsic import AdaptiveThreshold, ThresholdHomeostasis, TrieschIP
from .gated import GatedSTDP, ModulatedGain, ModulatedThreshold
from .gating import Gated, GatedRule
from .msp import Calcium, MSPGrowth
from .neuromodulated import RewardModulatedSTDP
from .orchestrated import OrchestratedPlasticity
from .rule import NeuronRule, OnPost, OnPre, OnSpike, Periodic, PhaseAware, Rule, State, Structural, Transmission
from .structural import PruneAndRegrow, RandomRewire
from .stdp import PairSTDP
from .stp import PresynapticTsodyksMarkram, TsodyksMarkram
from .tagging import TaggingCapture
from .triplet import PRESETS as TRIPLET_PRESETS
from .triplet import TripletSTDP
from .rule import Continuous
from .voltage import ClopathSTDP
from .reduced_stdp import ReducedNearestSTDP

RULES = {c.__name__: c for c in (PairSTDP, TripletSTDP, TsodyksMarkram, SynapticScaling,
                                  WeightNormalization, Heterosynaptic, InhibitorySTDP, Oja, BCM,
                                  DiscreteSTDP, PruneAndRegrow, RandomRewire, RewardModulatedSTDP, GatedSTDP)}
RULES.update({c.__name__: c for c in (CascadeSynapse, Consolidation)})
RULES["PresynapticTsodyksMarkram"] = PresynapticTsodyksMarkram
RULES["TaggingCapture"] = TaggingCapture
RULES.update({c.__name__: c for c in (ClopathSTDP, ReducedNearestSTDP)})
RULES.update({c.__name__: c for c in (UrbanczikSenn, BranchPerceptron, BranchSTDP, BranchClustering)})
#: Neuron (intrinsic-plasticity) rules, attached to populations.
NEURON_RULES = {c.__name__: c for c in (AdaptiveThreshold, ThresholdHomeostasis, TrieschIP, ModulatedGain,
                                         ModulatedThreshold, Calcium, BranchStrength)}

__all__ = ["OnPost", "OnPre", "Periodic", "PhaseAware", "Rule", "State", "Transmission",
           "PairSTDP", "TripletSTDP", "TsodyksMarkram", "TRIPLET_PRESETS", "RULES", "SynapticScaling",
           "WeightNormalization", "Heterosynaptic", "InhibitorySTDP", "Oja", "BCM", "DiscreteSTDP",
           "NeuronRule", "OnSpike", "AdaptiveThreshold", "ThresholdHomeostasis", "TrieschIP", "NEURON_RULES",
           "Structural", "PruneAndRegrow", "RandomRewire", "RewardModulatedSTDP",
           "Gated", "GatedRule", "GatedSTDP", "ModulatedGain", "ModulatedThreshold", "Calcium", "MSPGrowth"]
__all__ += ["CascadeSynapse", "Consolidation", "PresynapticTsodyksMarkram"]
RULES.update({c.__name__: c for c in (OrchestratedPlasticity, GlobalInhibitorySTDP)})
__all__ += ["OrchestratedPlasticity", "GlobalInhibitorySTDP"]
__all__ += ["TaggingCapture"]
__all__ += ["Continuous", "ClopathSTDP", "ReducedNearestSTDP"]
__all__ += ["BranchPerceptron", "DendriticRule", "UrbanczikSenn", "BranchSTDP", "BranchStrength", "BranchClustering"]
