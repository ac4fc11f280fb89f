"""Quick start: 1,000 Poisson inputs onto one neuron with STDP (Song et al. 2000)."""
import neuroplastic as npl

model = npl.Model(dt=0.1)
model.add(npl.PoissonInput("inputs", 1000, rate=15.0))
model.add(npl.Population("neuron", 1, npl.LIF(tau_m=10, c_m=10, v_rest=-74, v_reset=-60, v_thresh=-54,
                                                t_ref=0, synapse="conductance")))
model.add(npl.Projection("syn", "inputs", "neuron", npl.AllToAll(), weight=npl.Uniform(0, 0.01),
                         w_min=0.0, w_max=0.01, rules=[npl.PairSTDP(a_plus=1e-4, a_minus=1.05e-4, w_max=0.01)]))
model.add(npl.SpikeMonitor("neuron"))
net = npl.Network(model, seed=1)
net.run(10_000)  # ms
w = net.weights("syn") / 0.01
print(f"output rate {len(net.spikes('neuron')[1]) / 10:.1f} Hz; weights at bounds: "
      f"{(w < 0.1).mean():.0%} low, {(w > 0.9).mean():.0%} high")
