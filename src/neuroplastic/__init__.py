"""neuroplastic: spiking networks that learn through many plasticity mechanisms at once.

Public surface: model descriptions (:mod:`neuroplastic.model`), the running
:class:`Network`, plasticity rules, and errors.
"""
from .engine import Network
from .engine.kinds import register_neuron_kind
from .errors import ModelWarning, SimulationError, ValidationError
from .model import (LIF, AdEx, AllToAll, Exponential, FixedInDegree, FixedProbability, Gamma,
                    Izhikevich, LogNormal, Model, NeuronModel, Normal, OneToOne, Pairs, PoissonInput, Population,
                    Projection, RateMonitor, SpikeMonitor, SpikeTimes, StateMonitor, Uniform,
                    WeightMonitor, RateUnit, BinaryUnit, ValueInput, Modulator, ModulatorMonitor, NoiseInput,
                    Phase, Protocol)
from .plasticity import (BCM, AdaptiveThreshold, DiscreteSTDP, Gated, GatedSTDP, ModulatedGain, ModulatedThreshold, Heterosynaptic, InhibitorySTDP, NeuronRule,
                         Oja, OnPost, OnPre, OnSpike, PairSTDP, Periodic, PhaseAware, PruneAndRegrow,
                         RandomRewire, RewardModulatedSTDP, Rule, State, Structural, SynapticScaling, ThresholdHomeostasis, Transmission, TrieschIP, TripletSTDP,
                         TsodyksMarkram, WeightNormalization)
from .plasticity import CascadeSynapse, Consolidation
from .model import AIF
from .plasticity import GlobalInhibitorySTDP, OrchestratedPlasticity
from .plasticity import TaggingCapture
from .plasticity import ClopathSTDP, Continuous
from .model import AdExClopath
from .model import DendriticNeuron, UrbanczikNeuron
from .plasticity import BranchClustering, BranchPerceptron, BranchSTDP, BranchStrength, UrbanczikSenn

__version__ = "0.1.0"

__all__ = [
    "Network", "SimulationError", "ValidationError", "ModelWarning", "LIF", "AdEx", "Izhikevich", "AllToAll",
    "FixedInDegree", "FixedProbability", "OneToOne", "Pairs", "Exponential", "Gamma", "LogNormal",
    "Normal", "Uniform", "Model", "PoissonInput", "SpikeTimes", "Population", "Projection",
    "RateMonitor", "SpikeMonitor", "StateMonitor", "WeightMonitor", "OnPost", "OnPre", "PairSTDP",
    "Periodic", "PhaseAware", "Rule", "State", "Transmission", "TripletSTDP", "TsodyksMarkram",
    "SynapticScaling", "WeightNormalization", "Heterosynaptic", "InhibitorySTDP",
    "RateUnit", "BinaryUnit", "ValueInput", "Oja", "BCM", "DiscreteSTDP", "NeuronRule", "OnSpike",
    "AdaptiveThreshold", "ThresholdHomeostasis", "TrieschIP", "Structural", "PruneAndRegrow",
    "RandomRewire", "Modulator", "ModulatorMonitor", "RewardModulatedSTDP", "Gated", "GatedSTDP",
    "ModulatedGain", "ModulatedThreshold", "NoiseInput", "NeuronModel", "register_neuron_kind",
    "Phase", "Protocol",
]
__all__ += ["CascadeSynapse", "Consolidation"]
__all__ += ["AIF", "GlobalInhibitorySTDP", "OrchestratedPlasticity"]
__all__ += ["TaggingCapture"]
__all__ += ["AdExClopath", "ClopathSTDP", "Continuous"]
__all__ += ["DendriticNeuron", "UrbanczikNeuron", "BranchPerceptron", "UrbanczikSenn", "BranchSTDP", "BranchStrength",
            "BranchClustering"]

from .sweeps import sweep   # noqa: E402  (imports Dask only when a sweep runs)

__all__ += ["sweep"]
