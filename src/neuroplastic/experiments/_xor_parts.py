"""Parts of the ``dendritic-xor`` experiment: presentations, the network, the
closed form of the fixed-weight neuron, the perceptron baseline and the figures."""
from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from numba import njit

from .. import (AllToAll, BranchPerceptron, DendriticNeuron, Model, Modulator, Network, NoiseInput, OneToOne, Phase,
                PoissonInput, Population, Projection, SpikeMonitor)

#: The four input patterns (A, B) and their XOR labels.
PATTERNS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
LABELS = PATTERNS[:, 0] ^ PATTERNS[:, 1]
NAMES = ("00", "01", "10", "11")


def neuron(c) -> DendriticNeuron:
    """The neuron: LIF soma, ``branches`` dCaAP branches."""
    return DendriticNeuron(branches=int(c["branches"]), nonlinearity="dcaap", amp_d=c["amp_d"],
                           sigma_d=c["sigma_d"], dur_d=c["dur_d"], theta_d=c["theta_d"], v_thresh=c["v_thresh"])


def sequence(c, rng) -> tuple[np.ndarray, np.ndarray]:
    """Pattern indices of the training and the held-out presentations (each a
    shuffled sequence holding every pattern equally often)."""
    train = rng.permutation(np.repeat(np.arange(4), int(c["n_train"]) // 4))
    test = rng.permutation(np.repeat(np.arange(4), int(c["n_test"]) // 4))
    return train, test


def _bin(c) -> float:
    """The longest interval (ms, a multiple of 0.1 ms) dividing stimulus and gap."""
    return math.gcd(round(c["t_stim"] * 10), round(c["t_gap"] * 10)) / 10.0


def model(c, patterns: np.ndarray, weight, learn_until: float) -> Model:
    """Inputs A and B (Poisson, ``rate_on`` while on in a stimulus, else
    ``rate_off``), the neuron with BranchPerceptron on both projections
    (synapses on branches ``i mod K``), the teacher (the XOR label of each
    presentation as the level of modulator ``teacher``); learning is off
    (rule scale 0) from ``learn_until`` ms on."""
    period, step = c["t_stim"] + c["t_gap"], _bin(c)
    on_bins, bins = round(c["t_stim"] / step), round(period / step)
    m = Model(dt=0.1, max_rate=None)
    for k, name in enumerate(("a", "b")):
        rates = np.full((len(patterns), bins), c["rate_off"])
        rates[:, :on_bins] = np.where(PATTERNS[patterns, k][:, None] == 1, c["rate_on"], c["rate_off"])
        m.add(PoissonInput(name, int(c["n_in"]), rate=rates.ravel(), rate_interval=step))
    m.add(Population("cell", 1, neuron(c)))
    labels = LABELS[patterns].astype(float)
    m.add(Modulator("teacher", tau=1e12, release_times=np.arange(len(patterns)) * period,
                    release_amounts=np.diff(np.concatenate([[0.0], labels]))))
    rule = BranchPerceptron(eta=c["eta"], teacher="teacher", period=period, window=c["t_stim"])
    for name in ("a", "b"):
        m.add(Projection(f"{name}_cell", name, "cell", AllToAll(), weight=weight, branch="cyclic", rules=[rule],
                         w_min=0.0, w_max=10.0 * c["amp_d"]))
    end = len(patterns) * period
    if learn_until < end:
        m.add(Phase("test", start=learn_until, stop=end, scales={"a_cell": 0.0, "b_cell": 0.0}))
    m.add(SpikeMonitor("cell"))
    m.add(SpikeMonitor("a"))
    m.add(SpikeMonitor("b"))
    return m


def counts(net, c, n: int) -> dict:
    """Spikes in each presentation's stimulus window: ``cell`` (n,), ``a``/``b`` (n, n_in)."""
    period = c["t_stim"] + c["t_gap"]
    out = {}
    for name in ("cell", "a", "b"):
        i, t = net.spikes(name)
        k = np.floor(t / period + 1e-9).astype(int)
        inside = (t - k * period < c["t_stim"] - 1e-9) & (k < n)
        width = 1 if name == "cell" else int(c["n_in"])
        flat = np.bincount(k[inside] * width + i[inside], minlength=n * width)
        out[name] = flat.reshape(n, width) if width > 1 else flat
    return out


def run_network(c, seed: int, patterns: np.ndarray, weight, learn_until: float):
    """Build and run; returns (network, counts)."""
    net = Network(model(c, patterns, weight, learn_until), seed=seed)
    net.run(len(patterns) * (c["t_stim"] + c["t_gap"]))
    return net, counts(net, c, len(patterns))


# --- closed form of the fixed-weight neuron -------------------------------------------

def drive(c, w_per_input, n_active) -> float:
    """Steady branch drive (mV above rest) from ``n_active`` inputs that are on,
    each with its synapses of weight ``w`` on the branch: mean current
    ``(n_in / K) rate_on w tau_de`` through ``g_d``."""
    m = neuron(c)
    per_branch = int(c["n_in"]) / int(c["branches"])
    return n_active * per_branch * c["rate_on"] * 1e-3 * w_per_input * m.tau_de / m.g_d


def closed_form_output(c, w) -> np.ndarray:
    """Steady-state prediction per pattern: the dCaAP current
    ``amp_d exp(-(D - (theta_d - e_l)) / sigma_d)`` for drive D at or above
    threshold (else none) holds the soma at ``e_l + I / g_l``; it fires when
    that is above ``v_thresh``."""
    m = neuron(c)
    out = []
    for a, b in PATTERNS:
        x = drive(c, w, a + b) - (m.theta_d - m.e_l)
        current = m.amp_d * math.exp(-max(x, 0.0) / m.sigma_d) if x >= 0 else 0.0
        out.append(int(m.e_l + current / m.g_l > m.v_thresh))
    return np.array(out)


def fixed_weight(c) -> float:
    """Hand-set weight (pA): one input's drive ``x_fix`` mV above the dCaAP threshold."""
    m = neuron(c)
    return (m.theta_d - m.e_l + c["x_fix"]) / drive(c, 1.0, 1)


def fixed_weight_engine(c, seed: int, duration: float = 200.0) -> np.ndarray:
    """The four patterns as steady branch drive (one neuron each, branch input
    of each active input ``g_d (theta_d - e_l + x_fix)``, held from the start,
    potentials at their steady values) with a somatic noise current of
    s.d. 5 % of amp_d (uniform draws every step into the exponential synaptic
    current); returns each neuron's spike count in ``duration`` ms."""
    m = neuron(c)
    one = m.g_d * (m.theta_d - m.e_l + c["x_fix"])
    k = int(c["branches"])
    bias = np.repeat(PATTERNS.sum(axis=1)[:, None] * one, k, axis=1).astype(float)
    cell = DendriticNeuron(**{**{f: getattr(m, f) for f in ("branches", "nonlinearity", "amp_d", "sigma_d", "dur_d",
                                                             "theta_d", "v_thresh")}, "i_bias_d": bias})
    start = {f"vd_{b}": m.e_l + bias[:, b] / m.g_d for b in range(k)}
    net_model = Model(dt=0.1, max_rate=None)
    net_model.add(Population("cell", 4, cell, initial=start))
    keep = math.exp(-2 * 0.1 / m.tau_e)          # stationary s.d. of the filtered draws: h / sqrt(3 (1 - keep))
    h = 0.05 * m.amp_d * math.sqrt(3.0 * (1.0 - keep))
    net_model.add(NoiseInput("noise", 4, low=-h, high=h))
    net_model.add(Projection("noise_cell", "noise", "cell", OneToOne(), weight=1.0))
    net_model.add(SpikeMonitor("cell"))
    net = Network(net_model, seed=seed).run(duration)
    return np.bincount(net.spikes("cell")[0], minlength=4)


# --- the perceptron baseline ----------------------------------------------------------

@njit(cache=True)
def _rosenblatt(x, y, epochs, rate, w):
    """Rosenblatt's rule, online, in the given order: w += rate (y - out) x
    after each presentation; stops after an epoch without error. Returns
    the epochs run and the errors of the last epoch."""
    errors = 0
    for e in range(epochs):
        errors = 0
        for k in range(x.shape[0]):
            s = 0.0
            for d in range(x.shape[1]):
                s += w[d] * x[k, d]
            out = 1.0 if s > 0.0 else 0.0
            if out != y[k]:
                errors += 1
                for d in range(x.shape[1]):
                    w[d] += rate * (y[k] - out) * x[k, d]
        if errors == 0:
            return e + 1, 0
    return epochs, errors


def perceptron(c, train_x, train_y, test_x, test_patterns) -> dict:
    """Train on the same presentations (input spike counts and a bias), to
    convergence or ``perceptron_epochs``; score it on the held-out ones and on
    the four noise-free patterns (expected counts). No linear threshold unit
    gets more than 3 of the 4 XOR patterns right (Minsky & Papert 1969): the
    expected counts satisfy x(01) + x(10) = x(00) + x(11), so any w . x gives
    f(01) + f(10) = f(00) + f(11), which cannot be positive, positive, not,
    not; checked here as a fact."""
    bias = lambda x: np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(train_x.shape[1] + 1)
    epochs, errors = _rosenblatt(bias(train_x).astype(float), train_y.astype(float), int(c["perceptron_epochs"]),
                                 float(c["perceptron_rate"]), w)
    n = int(c["n_in"])
    proto = np.array([np.concatenate([np.full(n, r_a), np.full(n, r_b)]) for r_a, r_b in
                      np.where(PATTERNS == 1, c["rate_on"], c["rate_off"]) * c["t_stim"] * 1e-3])
    proto_out = (bias(proto) @ w > 0).astype(int)
    right = int(np.sum(proto_out == LABELS))
    if right > 3:
        raise AssertionError(f"a linear threshold unit got {right} of the 4 XOR patterns right: impossible")
    out = (bias(test_x) @ w > 0).astype(int)
    test_y = LABELS[test_patterns]
    return dict(epochs=int(epochs), last_epoch_errors=int(errors), train_accuracy=float(1 - errors / len(train_y)),
                prototypes_right=right, prototype_outputs=proto_out.tolist(),
                test_accuracy=float(np.mean(out == test_y)), test_exact=bool(np.all(out == test_y)),
                fire=[float(np.mean(out[test_patterns == p])) for p in range(4)])


# --- figures --------------------------------------------------------------------------

def learning_figure(c, curves: np.ndarray, block: int, perceptron_acc: list) -> Figure:
    """Fraction of correct training presentations per block (``curves``: seeds x blocks)."""
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.add_subplot()
    x = (np.arange(curves.shape[1]) + 0.5) * block
    ax.fill_between(x, np.percentile(curves, 10, axis=0), np.percentile(curves, 90, axis=0), color="C0",
                    alpha=0.25, label="dendritic neuron, 10-90 % of seeds")
    ax.plot(x, curves.mean(axis=0), color="C0", label="dendritic neuron, mean over seeds")
    ax.axhline(float(np.mean(perceptron_acc)), color="C3", ls="--",
               label=f"perceptron, held-out accuracy (mean {np.mean(perceptron_acc):.2f})")
    ax.axhline(0.75, color="0.5", ls=":", label="3 of 4 patterns: the linear limit")
    ax.set_xlabel("training presentation")
    ax.set_ylabel(f"fraction correct (blocks of {block})")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"XOR in one neuron with {int(c['branches'])} dCaAP branches (BranchPerceptron)")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def truth_table_figure(dend_fire: np.ndarray, perc_fire: np.ndarray) -> Figure:
    """P(output 1) per pattern on held-out presentations: dendritic neuron and perceptron."""
    fig = Figure(figsize=(6.5, 4.0), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(4)
    ax.bar(x - 0.2, dend_fire.mean(axis=0), 0.4, yerr=dend_fire.std(axis=0), color="C0", label="dendritic neuron")
    ax.bar(x + 0.2, perc_fire.mean(axis=0), 0.4, yerr=perc_fire.std(axis=0), color="C3", label="perceptron")
    ax.scatter(x, LABELS, marker="_", s=600, color="k", zorder=3, label="XOR")
    ax.set_xticks(x, [f"A={a}, B={b}" for a, b in PATTERNS])
    ax.set_ylabel("P(output 1), held-out presentations")
    ax.set_ylim(0, 1.1)
    ax.set_title("Truth table after learning (mean and s.d. over seeds)")
    ax.legend(fontsize=8)
    return fig


def dcaap_figure(c, drives: np.ndarray) -> Figure:
    """The dCaAP current against branch drive, with the learned drives of
    one input and of both (seed 0, every branch) marked."""
    m = neuron(c)
    fig = Figure(figsize=(6.5, 4.0), layout="constrained")
    ax = fig.add_subplot()
    d = np.linspace(0, max(2.2 * (m.theta_d - m.e_l), float(drives.sum(axis=1).max()) * 1.1), 400)
    x = d - (m.theta_d - m.e_l)
    ax.plot(d, np.where(x >= 0, m.amp_d * np.exp(-np.maximum(x, 0) / m.sigma_d), 0.0), color="k",
            label="dCaAP current (steady drive)")
    ax.axhline(m.g_l * (m.v_thresh - m.e_l), color="0.5", ls=":", label="somatic rheobase")
    for b, (da, db) in enumerate(drives):
        ax.axvline(da, color="C0", alpha=0.7, label="A alone" if b == 0 else None)
        ax.axvline(db, color="C2", alpha=0.7, label="B alone" if b == 0 else None)
        ax.axvline(da + db, color="C3", alpha=0.7, label="A and B" if b == 0 else None)
    ax.set_xlabel("branch drive D = vd - e_l (mV)")
    ax.set_ylabel("current to the soma (pA)")
    ax.set_title("Non-monotonic dCaAP (Gidon et al. 2020) and the learned drives")
    ax.legend(fontsize=8)
    return fig
