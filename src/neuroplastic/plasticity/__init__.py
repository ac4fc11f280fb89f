"""Plasticity rules, one module per family, built on :mod:`neuroplastic.plasticity.rule`."""
from .homeostasis import Heterosynaptic, SynapticScaling, WeightNormalization
from .inhibitory import InhibitorySTDP
from .rule import OnPost, OnPre, Periodic, PhaseAware, Rule, State, Transmission
from .stdp import PairSTDP
from .stp import TsodyksMarkram
from .triplet import PRESETS as TRIPLET_PRESETS
from .triplet import TripletSTDP

RULES = {c.__name__: c for c in (PairSTDP, TripletSTDP, TsodyksMarkram, SynapticScaling,
                                  WeightNormalization, Heterosynaptic, InhibitorySTDP)}

__all__ = ["OnPost", "OnPre", "Periodic", "PhaseAware", "Rule", "State", "Transmission",
           "PairSTDP", "TripletSTDP", "TsodyksMarkram", "TRIPLET_PRESETS", "RULES", "SynapticScaling",
           "WeightNormalization", "Heterosynaptic", "InhibitorySTDP"]
