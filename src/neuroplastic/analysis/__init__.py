"""Analyses of recorded spikes (no simulation state): see each module."""
from .pairing import IStdpDrift, cross_correlogram, istdp_drift, pair_trace_sums
from .voltage_stdp import VoltageRuleTerms, clopath_terms

__all__ = ["IStdpDrift", "cross_correlogram", "istdp_drift", "pair_trace_sums"]
__all__ += ["VoltageRuleTerms", "clopath_terms"]
