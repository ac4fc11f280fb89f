"""Brian2 (C++ standalone) run of the Vogels et al. 2011 balanced network, as a
cross-check of neuroplastic's ``vogels2011`` experiment.

Same model as ``neuroplastic.experiments.vogels2011`` (parameters from the
reference notes: 8,000 E + 2,000 I conductance LIF, p = 0.02, I_bg = 200 pA,
iSTDP eta = 1e-2, rho0 = 3 Hz, tau 20 ms; 1 s with learning off, then learning
on). Prints the E rate and ISI CV in the first second, the second second and
the last 2 s, the final mean I->E weight (nS), the E rate in successive 20 s
windows, and the iSTDP drift decomposition over the last 2 s and 20 s
(``neuroplastic.analysis.istdp_drift`` applied to Brian2's spikes and synapses:
kappa, and the zero-drift rate rho0 / kappa).

Usage (in .venv-bench, which has Brian2):
    python benchmarks/peers/brian2_vogels2011.py SEED SECONDS_OF_LEARNING
"""
import sys, time
import numpy as np
from brian2 import *
seed_ = int(sys.argv[1]) if len(sys.argv) > 1 else 0
dur_on = float(sys.argv[2]) if len(sys.argv) > 2 else 9.0
BUILD_DIR = f"benchmarks/build/vogels2011-{seed_}"
set_device("cpp_standalone", directory=BUILD_DIR, build_on_run=False)
seed(seed_)
defaultclock.dt = 0.1 * ms
NE, NI, p = 8000, 2000, 0.02
tau_ampa, tau_gaba = 5 * ms, 10 * ms
gl, el, er, vt, memc, bg = 10 * nS, -60 * mV, -80 * mV, -50 * mV, 200 * pF, 200 * pA
tau_stdp, eta_v, rho0 = 20 * ms, 1e-2, 3 * Hz
alpha = rho0 * tau_stdp * 2
gmax = 100
eqs = """
dv/dt = (-gl*(v-el) - (g_ampa*v + g_gaba*(v-er)) + bg)/memc : volt (unless refractory)
dg_ampa/dt = -g_ampa/tau_ampa : siemens
dg_gaba/dt = -g_gaba/tau_gaba : siemens
"""
P = NeuronGroup(NE + NI, eqs, threshold="v > vt", reset="v = el", refractory=5 * ms, method="euler")
P.v = "el + rand()*(vt - el)"
Pe, Pi = P[:NE], P[NE:]
con_e = Synapses(Pe, P, on_pre="g_ampa += 0.3*nS"); con_e.connect(p=p)
con_ii = Synapses(Pi, Pi, on_pre="g_gaba += 3*nS"); con_ii.connect(p=p)
eta = 0.0
con_ie = Synapses(Pi, Pe, model="""w : 1
    eta_s : 1 (shared)
    dApre/dt = -Apre/tau_stdp : 1 (event-driven)
    dApost/dt = -Apost/tau_stdp : 1 (event-driven)""",
    on_pre="""Apre += 1.
    w = clip(w + (Apost - alpha)*eta_s, 0, gmax)
    g_gaba += w*nS""",
    on_post="""Apost += 1.
    w = clip(w + Apre*eta_s, 0, gmax)""")
con_ie.connect(p=p)
con_ie.w = 1e-10
con_ie.eta_s = 0.0
sm = SpikeMonitor(Pe)
smi = SpikeMonitor(Pi)
run(1 * second)
con_ie.eta_s = eta_v
run(dur_on * second)
t0 = time.time()
device.build(directory=BUILD_DIR, run=True, compile=True)   # build() defaults to ./output otherwise
t = np.asarray(sm.t / ms); i = np.asarray(sm.i)
T = (1 + dur_on) * 1000
for a, b in [(0, 1000), (1000, 2000), (T - 2000, T)]:
    sel = (t >= a) & (t < b)
    r = sel.sum() / NE / ((b - a) / 1000)
    cvs = []
    for k in range(0, NE, 4):
        tk = t[sel & (i == k)]
        if tk.size >= 3:
            d = np.diff(tk); cvs.append(d.std() / d.mean())
    print(f"seed {seed_} window [{a:.0f},{b:.0f}) ms: E rate {r:.2f} Hz, CV {np.mean(cvs) if cvs else float('nan'):.2f}")
print("mean w_ie", np.mean(con_ie.w[:]), "build+run s", time.time() - t0)

from neuroplastic.analysis import istdp_drift
edges = np.arange(0.0, T + 1.0, 20000.0)
print("E rate per 20 s (Hz):", np.round(np.histogram(t, edges)[0] / NE / 20.0, 2).tolist())
inh = (np.asarray(smi.i), np.asarray(smi.t / ms))
syn = (np.asarray(con_ie.i[:]), np.asarray(con_ie.j[:]))
for win in (2000.0, 20000.0):
    if win < T - 1000.0:
        d = istdp_drift(inh, (i, t), syn, NI, NE, eta=eta_v, rho0=3.0, tau=20.0, t0=T - win, t1=T)
        print(f"last {win / 1000:g} s: kappa {d.kappa:.3f} (pre {d.kappa_pre:.3f}, post {d.kappa_post:.3f}), "
              f"I-weighted E rate {d.rate_post_weighted:.2f} Hz, zero-drift rate {d.rate_zero_drift:.2f} Hz, "
              f"drift {d.drift:.2e} nS/s (independent trains {d.drift_independent:.2e})")
