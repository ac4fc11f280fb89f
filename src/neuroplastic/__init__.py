"""neuroplastic: spiking networks that learn through many plasticity mechanisms at once.

Public surface: model descriptions (:mod:`neuroplastic.model`), the running
:class:`Network`, plasticity rules, sweeps, and errors.
"""
from .engine import Network
from .engine.kinds import register_neuron_kind
from .errors import ModelWarning, SimulationError, ValidationError
from .model import (AIF, LIF, SRM, AdEx, AdExClopath, AllToAll, BinaryUnit, DendriticNeuron, Exponential,
                    FixedInDegree, FixedProbability, Gamma, Izhikevich, LogNormal, Model, Modulator,
                    ModulatorMonitor, NeuronModel, NoiseInput, Normal, OneToOne, Pairs, Phase, PoissonInput,
                    Population, Projection, Protocol, RateMonitor, RateUnit, SpikeMonitor, SpikeTimes,
                    StateMonitor, UrbanczikNeuron, Uniform, ValueInput, WeightMonitor)
from .plasticity import (BCM, AdaptiveThreshold, BranchClustering, BranchPerceptron, BranchSTDP, BranchStrength,
                         CascadeSynapse, ClopathSTDP, Consolidation, Continuous, DiscreteSTDP, Gated, GatedSTDP,
                         GlobalInhibitorySTDP, Heterosynaptic, InhibitorySTDP, ModulatedGain, ModulatedThreshold,
                         NeuronRule, Oja, OnPost, OnPre, OnSpike, OrchestratedPlasticity, PairSTDP, Periodic,
                         PhaseAware, PresynapticTsodyksMarkram, PruneAndRegrow, RandomRewire, ReducedNearestSTDP, RewardModulatedSTDP, Rule, State, Structural,
                         SynapticScaling, TaggingCapture, ThresholdHomeostasis, Transmission, TrieschIP,
                         TripletSTDP, TsodyksMarkram, UrbanczikSenn, WeightNormalization)
from .sweeps import sweep   # imports Dask only when a sweep runs

__version__ = "0.1.0"

__all__ = [
    # the running network, errors, user neuron kinds
    "Network", "SimulationError", "ValidationError", "ModelWarning", "register_neuron_kind",
    # model descriptions: neurons, inputs, connectivity, distributions, monitors, modulators, phases
    "LIF", "AdEx", "Izhikevich", "AIF", "AdExClopath", "SRM", "DendriticNeuron", "UrbanczikNeuron", "NeuronModel",
    "RateUnit", "BinaryUnit", "PoissonInput", "SpikeTimes", "ValueInput", "NoiseInput",
    "Model", "Population", "Projection", "AllToAll", "FixedInDegree", "FixedProbability", "OneToOne", "Pairs",
    "Exponential", "Gamma", "LogNormal", "Normal", "Uniform",
    "RateMonitor", "SpikeMonitor", "StateMonitor", "WeightMonitor", "Modulator", "ModulatorMonitor",
    "Phase", "Protocol",
    # the rule API
    "Rule", "NeuronRule", "State", "OnPre", "OnPost", "OnSpike", "Periodic", "PhaseAware", "Transmission",
    "Structural", "Continuous", "Gated",
    # rules: synaptic, homeostatic, intrinsic, structural, neuromodulated, memory, orchestrated, dendritic
    "PairSTDP", "ReducedNearestSTDP", "TripletSTDP", "TsodyksMarkram", "PresynapticTsodyksMarkram", "Oja", "BCM", "DiscreteSTDP", "ClopathSTDP",
    "SynapticScaling", "WeightNormalization", "Heterosynaptic", "InhibitorySTDP", "GlobalInhibitorySTDP",
    "AdaptiveThreshold", "ThresholdHomeostasis", "TrieschIP",
    "PruneAndRegrow", "RandomRewire",
    "RewardModulatedSTDP", "GatedSTDP", "ModulatedGain", "ModulatedThreshold",
    "CascadeSynapse", "Consolidation", "TaggingCapture", "OrchestratedPlasticity",
    "UrbanczikSenn", "BranchPerceptron", "BranchSTDP", "BranchStrength", "BranchClustering",
    # many runs
    "sweep",
]
