"""Neurons with dendrites: a soma plus K nonlinear branches, and Urbanczik & Senn's two-compartment neuron.

Units: ms, mV, nS, pF, pA, Hz. Branch parameters (:class:`~neuroplastic.model.branches.BranchNumber`)
are a scalar, one value per branch or an ``(n, K)`` array; somatic ones a
scalar or one value per neuron.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _validate as v
from .branches import BranchNumber, check_branch_lengths, check_branch_sizes
from .neurons import CAPACITANCE, CURRENT, TAU, T_REF, VOLTAGE, NeuronModel
from .spec import Choice, Integer, Number, Spec, per_neuron
from ..errors import ValidationError

NONLINEARITIES = ("passive", "nmda", "dcaap")
SOMA_KINDS = ("LIF", "AdEx")

#: Rows per branch, each a block of K consecutive state rows (``state_blocks``).
BRANCH_ROWS = ("vd", "ied", "iid", "ev", "amp")
BRANCH_PARAMETERS = ("tau_d", "g_d", "tau_de", "tau_di", "theta_d", "amp_d", "dur_d", "sigma_d", "g_c", "i_bias_d")
B_TAU = BranchNumber("ms", gt=0, array=True, time_constant=True)


@dataclass(frozen=True)
class Nonlinearities(Spec):
    """One nonlinearity for every branch (a string), or a list with one per branch."""

    options: tuple = NONLINEARITIES

    def normalise(self, owner, field, value):
        one = Choice(options=self.options)
        if isinstance(value, (list, tuple, np.ndarray)):
            items = tuple(one.normalise(owner, f"{field}[{k}]", x) for k, x in enumerate(value))
            if not items:
                raise ValidationError(owner, field, "[]", "must name a nonlinearity or list one per branch")
            return items
        return one.normalise(owner, field, value)


@dataclass(frozen=True)
class DendriticNeuron(NeuronModel):
    """A soma (LIF or AdEx, current synapses) with K dendritic branches.

    Soma (``soma="LIF"``, integrated exactly for the step's input)::

        c_m dv/dt = -g_l (v - e_l) + ie + ii + i_bias + sum_b [amp_b + g_c (vd_b - v)]
        spike at v >= v_thresh: v <- v_reset, clamped t_ref ms

    ``soma="AdEx"`` (forward Euler; Brette & Gerstner 2005) adds
    ``g_l delta_t exp((v - v_thresh)/delta_t) - w`` to the current, spikes at
    ``v >= v_peak``, and ``tau_w dw/dt = a (v - e_l) - w``, ``w <- w + b`` at a spike.

    Branch b (state rows ``vd_b, ied_b, iid_b, ev_b, amp_b``)::

        tau_d dvd/dt = -(vd - e_l) + (ied + iid + i_bias_d) / g_d      (exact step)
        tau_de died/dt = -ied,   tau_di diid/dt = -iid                  (pA)
        x = vd - theta_d   (drive above the branch's dendritic-spike threshold, mV)

    The soma receives from each branch ``amp_b + g_c (vd - v)`` (pA): the
    current of its dendritic event (``amp_b``, while ``ev_b > 0`` ms of it
    remain) plus passive coupling:

    * ``"nmda"``, an NMDA plateau: every step with ``x >= 0`` (re)starts the
      plateau for ``dur_d`` ms; its current is ``amp_d`` (all or none);
    * ``"dcaap"``, a dendritic calcium action potential (Gidon et al. 2020):
      ``x >= 0`` with no event running starts one of ``dur_d`` ms; its current
      is ``amp_d exp(-max(x_max, 0) / sigma_d)``, ``x_max`` the largest drive
      since it began: largest for threshold-level drive, smaller for stronger
      drive (the non-monotonic dCaAP), and it does not grow back when the
      drive falls during the event;
    * ``"passive"``: no events.

    Parameters: soma as :class:`~neuroplastic.model.AdEx` (c_m pF; g_l, a nS;
    e_l, v_thresh, delta_t, v_peak, v_reset mV; t_ref, tau_w, tau_e, tau_i ms;
    b, i_bias pA); ``branches`` K >= 1; ``nonlinearity`` one name or one per
    branch; branch parameters tau_d, tau_de, tau_di, dur_d (ms), g_d, g_c (nS),
    theta_d, sigma_d (mV), amp_d, i_bias_d (pA). Inputs land on the soma or on
    a branch (``Projection(branch=...)``).

    References: Gidon A et al. (2020) Science 367:83-87 (dCaAPs; amplitude
    largest at threshold); Schiller J et al. (2000) Nature 404:285 (NMDA
    spikes); Poirazi P, Brannon T, Mel BW (2003) Neuron 37:989 (branches as
    subunits); Brette R, Gerstner W (2005) J Neurophysiol 94:3637 (AdEx).
    """

    soma: str = "LIF"
    c_m: object = 200.0
    g_l: object = 10.0
    e_l: object = -70.0
    v_thresh: object = -50.0
    delta_t: object = 2.0
    v_peak: object = 0.0
    v_reset: object = -65.0
    t_ref: object = 2.0
    a: object = 0.0
    b: object = 0.0
    tau_w: object = 100.0
    tau_e: object = 5.0
    tau_i: object = 10.0
    i_bias: object = 0.0
    branches: int = 2
    nonlinearity: object = "dcaap"
    tau_d: object = 10.0
    g_d: object = 10.0
    tau_de: object = 5.0
    tau_di: object = 10.0
    theta_d: object = -60.0
    amp_d: object = 400.0
    dur_d: object = 20.0
    sigma_d: object = 10.0
    g_c: object = 0.0
    i_bias_d: object = 0.0

    constraints = {"soma": Choice(options=SOMA_KINDS), "c_m": CAPACITANCE, "g_l": Number("nS", gt=0, array=True),
                   "e_l": VOLTAGE, "v_thresh": VOLTAGE, "delta_t": Number("mV", gt=0, array=True),
                   "v_peak": VOLTAGE, "v_reset": VOLTAGE, "t_ref": T_REF, "a": Number("nS", array=True),
                   "b": CURRENT, "tau_w": TAU, "tau_e": TAU, "tau_i": TAU, "i_bias": CURRENT,
                   "branches": Integer(ge=1, le=4096), "nonlinearity": Nonlinearities(),
                   "tau_d": B_TAU, "g_d": BranchNumber("nS", gt=0, array=True), "tau_de": B_TAU, "tau_di": B_TAU,
                   "theta_d": BranchNumber("mV", array=True), "amp_d": BranchNumber("pA", array=True),
                   "dur_d": BranchNumber("ms", gt=0, array=True),
                   "sigma_d": BranchNumber("mV", gt=0, finite=False, array=True),
                   "g_c": BranchNumber("nS", ge=0, array=True), "i_bias_d": BranchNumber("pA", array=True)}

    def check_consistency(self):
        check_branch_lengths(self, self.branches, BRANCH_PARAMETERS)
        if isinstance(self.nonlinearity, tuple) and len(self.nonlinearity) != self.branches:
            raise ValidationError(type(self).__name__, "nonlinearity", v.show(list(self.nonlinearity)),
                                  f"must name one nonlinearity or one per branch ({self.branches})")
        self._warn_reset_above_threshold("v_peak" if self.soma == "AdEx" else "v_thresh", "v_reset")

    def check_sizes(self, owner: str, n: int) -> None:
        for key, value in self.parameters().items():
            if key not in BRANCH_PARAMETERS:
                per_neuron(owner, key, value, n)
        check_branch_sizes(owner, self, n, BRANCH_PARAMETERS)

    @property
    def state_variables(self):
        k = range(self.branches)
        return ("v", "w", "ie", "ii") + tuple(f"{row}_{b}" for row in BRANCH_ROWS for b in k)

    @property
    def synaptic_variables(self):
        return ("ie", "ii")

    @property
    def branch_variables(self):
        return tuple((f"ied_{b}", f"iid_{b}") for b in range(self.branches))

    @property
    def state_blocks(self):
        return {row: tuple(f"{row}_{b}" for b in range(self.branches)) for row in BRANCH_ROWS}

    def nonlinearity_codes(self) -> np.ndarray:
        """Per branch, the index of its nonlinearity in :data:`NONLINEARITIES`."""
        names = self.nonlinearity if isinstance(self.nonlinearity, tuple) else (self.nonlinearity,) * self.branches
        return np.array([NONLINEARITIES.index(x) for x in names], dtype=float)

    def default_initial(self):
        init = {"v": self.e_l, "w": 0.0}
        init.update({f"vd_{b}": self.e_l for b in range(self.branches)})
        return init


@dataclass(frozen=True)
class UrbanczikNeuron(NeuronModel):
    """Two-compartment Poisson neuron of Urbanczik & Senn (2014), as NEST's
    ``pp_cond_exp_mc_urbanczik``: a conductance-based soma and one dendrite.

    ::

        c_m dv/dt   = -g_l (v - e_l) - ge (v - e_e) - gi (v - e_i) + g_sp (v_d - v) + i_bias
        c_d dv_d/dt = -g_ld (v_d - e_ld) + ie_d + ii_d + g_ps (v - v_d) + i_bias_d
        tau_e dge/dt = -ge, tau_i dgi/dt = -gi (nS);  tau_ed die_d/dt = -ie_d, tau_id dii_d/dt = -ii_d (pA)

    The soma spikes as a Poisson process of rate
    ``phi(v) = phi_max / (1 + k exp(beta (theta - v)))`` (probability
    ``1 - exp(-phi dt)`` per step), with no reset and a dead time ``t_ref``.
    ``v_star = (g_l e_l + g_sp v_d) / (g_l + g_sp)`` (state row) is the
    dendritic prediction of the somatic potential, read by the
    :class:`~neuroplastic.plasticity.dendritic.UrbanczikSenn` rule.
    Projections land on the soma (``branch=None``: ``ge``/``gi``, nS) or on
    the dendrite (``branch=0``: ``ie_d``/``ii_d``, pA; an inhibitory weight is
    negative). Integration: the dendrite exactly for its input (exact when
    ``g_ps = 0``), the soma by exponential Euler with the step's mean
    conductances.

    Parameters (NEST defaults): c_m, c_d (pF); g_l, g_ld, g_sp, g_ps (nS);
    e_l, e_e, e_i, e_ld, theta (mV); tau_e, tau_i, tau_ed, tau_id, t_ref (ms);
    i_bias, i_bias_d (pA); phi_max (Hz); k; beta (1/mV).

    References: Urbanczik R, Senn W (2014) Neuron 81:521-528; NEST
    ``pp_cond_exp_mc_urbanczik`` (Stapmanns, Dahmen, Hahne).
    """

    c_m: object = 300.0
    g_l: object = 30.0
    e_l: object = -70.0
    e_e: object = 0.0
    e_i: object = -75.0
    tau_e: object = 3.0
    tau_i: object = 3.0
    i_bias: object = 0.0
    c_d: object = 300.0
    g_ld: object = 30.0
    e_ld: object = -70.0
    tau_ed: object = 3.0
    tau_id: object = 3.0
    i_bias_d: object = 0.0
    g_sp: object = 600.0
    g_ps: object = 0.0
    t_ref: object = 3.0
    phi_max: object = 150.0
    k: object = 0.5
    beta: object = 1.0 / 3.0
    theta: object = -55.0

    constraints = {"c_m": CAPACITANCE, "g_l": Number("nS", gt=0, array=True), "e_l": VOLTAGE, "e_e": VOLTAGE,
                   "e_i": VOLTAGE, "tau_e": TAU, "tau_i": TAU, "i_bias": CURRENT, "c_d": CAPACITANCE,
                   "g_ld": Number("nS", gt=0, array=True), "e_ld": VOLTAGE, "tau_ed": TAU, "tau_id": TAU,
                   "i_bias_d": CURRENT, "g_sp": Number("nS", ge=0, array=True), "g_ps": Number("nS", ge=0, array=True),
                   "t_ref": T_REF, "phi_max": Number("Hz", ge=0, array=True), "k": Number(gt=0, array=True),
                   "beta": Number("1/mV", gt=0, array=True), "theta": VOLTAGE}

    state_variables = ("v", "v_d", "ge", "gi", "ie_d", "ii_d", "v_star")
    synaptic_variables = ("ge", "gi")
    branch_variables = (("ie_d", "ii_d"),)

    def default_initial(self):
        g_l, g_sp = np.asarray(self.g_l, float), np.asarray(self.g_sp, float)
        v_star = (g_l * np.asarray(self.e_l, float) + g_sp * np.asarray(self.e_ld, float)) / (g_l + g_sp)
        return {"v": self.e_l, "v_d": self.e_ld, "v_star": float(v_star) if v_star.ndim == 0 else v_star}
