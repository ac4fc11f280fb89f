"""What the network is: validated descriptions, no numerics."""
from .connectivity import AllToAll, Connectivity, FixedInDegree, FixedProbability, OneToOne, Pairs
from .description import Model
from .distributions import Distribution, Exponential, Gamma, LogNormal, Normal, Uniform
from .inputs import NoiseInput, PoissonInput, SpikeTimes, ValueInput
from .modulators import Modulator, ModulatorMonitor
from .monitors import RateMonitor, SpikeMonitor, StateMonitor, WeightMonitor
from .neurons import LIF, AdEx, Izhikevich, NeuronModel
from .population import Population
from .projection import Projection
from .protocol import Phase, Protocol
from .spec import field_specs
from .units import BinaryUnit, RateUnit
from .clopath import AdExClopath
from .dendrites import DendriticNeuron, UrbanczikNeuron   # after .neurons (its registry lists them)

__all__ = [
    "AllToAll", "Connectivity", "FixedInDegree", "FixedProbability", "OneToOne", "Pairs",
    "Model", "Distribution", "Exponential", "Gamma", "LogNormal", "Normal", "Uniform",
    "PoissonInput", "SpikeTimes", "RateMonitor", "SpikeMonitor", "StateMonitor",
    "WeightMonitor", "LIF", "AdEx", "Izhikevich", "NeuronModel", "Population", "Projection",
    "ValueInput", "RateUnit", "BinaryUnit", "Modulator", "ModulatorMonitor", "NoiseInput", "field_specs",
    "Phase", "Protocol", "DendriticNeuron", "UrbanczikNeuron",
]
from .aif import AIF  # noqa: E402

__all__ += ["AIF"]
__all__ += ["AdExClopath"]
from .srm import SRM  # noqa: E402

__all__ += ["SRM"]
