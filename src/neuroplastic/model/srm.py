"""The spike response model of Masquelier, Guyonneau & Thorpe (2008), as a neuron kind.

The potential u (arbitrary units, threshold T) is the sum of the spike
after-potential of the last output spike t_o and of the EPSPs of the input
spikes since then::

    u(t) = eta(t - t_o) + sum_{t_j > t_o} w_j eps(t - t_j)
    eps(s) = X (tau_s / (tau_m - tau_s)) (e^{-s/tau_m} - e^{-s/tau_s})        (peak 1)
    eta(s) = T (k1 e^{-s/tau_m} - k2 (e^{-s/tau_m} - e^{-s/tau_s}))

with X = (tau_s / tau_m)^(tau_m / (tau_s - tau_m)) (6.35 for tau_m = 10,
tau_s = 2.5 ms) and k1 = 2, k2 = 4 (the paper). It is the solution of

    tau_m du/dt = z - u,   z = X x - A a,   A = k2 T (tau_m - tau_s) / tau_s
    tau_s dx/dt = -x  (x += w per input spike),   tau_s da/dt = -a  (a <- 1 at a spike)

integrated exactly: z decays with tau_s, so one step of length dt is

    u <- u e^{-dt/tau_m} + z g,   g = (tau_s / (tau_s - tau_m)) (e^{-dt/tau_s} - e^{-dt/tau_m})

At an output spike (u >= T): u <- k1 T, x <- 0 (the EPSPs of earlier input
spikes are forgotten), a <- 1; the threshold is not tested for ``t_ref`` ms
(the potential keeps evolving: at 1 ms u is 0.87 T and falling), as in the
replication by Hathway & Goodman (2018), whose neuron this is (numerics:
engine/srm.py). State rows:
``u``, ``x`` (excitatory input), ``a``, ``xi`` (inhibitory input, subtracted
like x; unused by the task). Units: u, T and weights in the paper's
arbitrary units; times in ms.

References: Masquelier T, Guyonneau R, Thorpe SJ (2008) PLoS ONE 3:e1377.
Gerstner W, Kistler WM (2002) Spiking Neuron Models, ch. 4. Hathway P,
Goodman DFM (2018) ReScience 4:1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .neurons import NeuronModel
from .spec import Number
from ..errors import ValidationError

__all__ = ["SRM"]


@dataclass(frozen=True)
class SRM(NeuronModel):
    """Masquelier et al. (2008)'s spike response model (see module doc)."""

    tau_m: float = 10.0
    tau_s: float = 2.5
    threshold: float = 500.0
    k1: float = 2.0
    k2: float = 4.0
    t_ref: float = 1.0

    constraints = {"tau_m": Number("ms", gt=0, time_constant=True), "tau_s": Number("ms", gt=0, time_constant=True),
                   "threshold": Number("1", gt=0), "k1": Number("1", ge=0), "k2": Number("1", ge=0),
                   "t_ref": Number("ms", ge=0)}
    state_variables = ("u", "x", "a", "xi")
    synaptic_variables = ("x", "xi")

    def check_consistency(self):
        if self.tau_s >= self.tau_m:
            raise ValidationError("SRM", "tau_s", self.tau_s, f"must be < tau_m ({self.tau_m} ms)")

    def default_initial(self):
        return {"u": 0.0}

    @property
    def x_norm(self) -> float:
        """X: the EPSP's peak is 1."""
        return (self.tau_s / self.tau_m) ** (self.tau_m / (self.tau_s - self.tau_m))

    def epsp(self, s):
        """eps(s) for s >= 0 ms (peak 1)."""
        s = np.asarray(s, float)
        shape = np.exp(-s / self.tau_m) - np.exp(-s / self.tau_s)
        return self.x_norm * self.tau_s / (self.tau_m - self.tau_s) * shape

    def eta(self, s):
        """The after-potential eta(s), s >= 0 ms after an output spike."""
        s = np.asarray(s, float)
        em, es = np.exp(-s / self.tau_m), np.exp(-s / self.tau_s)
        return self.threshold * (self.k1 * em - self.k2 * (em - es))
