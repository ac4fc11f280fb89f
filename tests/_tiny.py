"""A 20-neuron network shared by the export and report tests (one compiled kernel)."""
import neuroplastic as npl

WATCHED = [0, 3, 5]                  # neurons whose state is sampled
SYNAPSES = list(range(0, 190, 19))   # sampled synapses: fewer than samples (time is the long axis)


def tiny_model():
    """Poisson input (20) -> LIF (20, conductance) with pair STDP, a dopamine
    modulator and one monitor of each kind."""
    m = npl.Model(dt=0.1)
    m.add(npl.PoissonInput("inp", 20, rate=50.0))
    m.add(npl.Population("out", 20, npl.LIF(synapse="conductance", tau_m=10, c_m=10, v_rest=-70, v_reset=-70,
                                            v_thresh=-54), initial={"v": npl.Uniform(-70, -55)}))
    m.add(npl.Projection("syn", "inp", "out", npl.FixedProbability(0.5), weight=npl.Uniform(0, 2.0), w_min=0,
                         w_max=2.0, rules=[npl.PairSTDP(a_plus=0.01, a_minus=0.012, tau_plus=20, tau_minus=20,
                                                        w_max=2.0)]))
    m.add(npl.Modulator("dopamine", tau=20.0, release_times=[10.0, 30.0], release_amounts=0.5))
    m.add(npl.SpikeMonitor("out"))
    m.add(npl.SpikeMonitor("inp"))
    m.add(npl.StateMonitor("out", ("v", "ge"), indices=WATCHED, interval=1.0))
    m.add(npl.WeightMonitor("syn", synapses=SYNAPSES, interval=1.0))
    m.add(npl.RateMonitor("out", bin=5.0))
    m.add(npl.ModulatorMonitor("dopamine", interval=1.0))
    return m
