"""The ``spiking`` contender of ``diehl-cook``: learn without labels, freeze, label, test.

1. Build the learning network (compare/_diehl_network.py) and show it the
   training images ``epochs`` times (compare/_diehl_protocol.py), plasticity on.
2. Copy it frozen (learned weights and thresholds, no rules) and show it the
   first ``n_label`` training images: their labels give each neuron a class
   (compare/_diehl_labels.py).
3. Show the frozen copy the test images and classify them.

A progress bar (examples seen, running accuracy, examples per second) is shown
when standard output is a terminal. The running accuracy of the learning
curve reads the training labels for display only; learning never sees them.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
import warnings

import numpy as np

from ..errors import ModelWarning
from .base import CONNECTIONS, COST, EXAMPLES, LABELLED, Outcome
from .cost import SynapticEvents
from ._diehl_labels import assign, classify, running_accuracy
from ._diehl_network import build, build_frozen, learned_state
from ._diehl_protocol import ExampleProgress, show_all
from ._diehl_resume import CheckpointFolder, Progress, config_key
from ._diehl_som import images

__all__ = ["run_spiking", "learn", "evaluate"]


def _quiet(fn, *args):
    """Build without the ModelWarning 'v_thresh below v_reset': the LIF threshold is
    -52 - theta0 mV and theta starts at theta0, so the effective threshold is -52 mV."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModelWarning)
        return fn(*args)


def learn(c: dict, seed: int, x, y=None, progress: bool = False, checkpoint=None, every: int = 5000):
    """The learning pass; returns (network, counts per presentation, tries, events, wall s).

    With ``checkpoint`` (a folder) the pass saves its state every ``every``
    examples and, when the folder holds a save of this pass, continues from it
    with the same spikes as a pass never stopped (compare/_diehl_resume.py);
    the wall seconds then add up every part."""
    stream = np.concatenate([x] * int(c["epochs"]))
    labels = None if y is None else np.concatenate([y] * int(c["epochs"]))
    folder = None if checkpoint is None else CheckpointFolder(checkpoint, config_key(c, seed, len(stream)))
    if folder is not None and folder.exists():
        net, state = _quiet(folder.load)
    else:
        net, state = _quiet(build, c, x.shape[1], seed), Progress()
    block = len(stream) if folder is None else max(1, int(every))
    with ExampleProgress(progress, len(stream), "learning (no labels)", done=state.next) as bar:
        while state.next < len(stream):
            first, last = state.next, min(state.next + block, len(stream))
            meter, t0, cpu0 = SynapticEvents(net), time.perf_counter(), time.process_time()
            before = _tail(state.rows, 2 * int(c["running_window"]))
            counts, tries = show_all(net, stream[first:last], c, labels, bar, window=int(c["running_window"]),
                                     start=first, before=before)
            meter.update()
            state.next, state.tries, state.events = last, state.tries + tries, state.events + meter.total
            state.wall_s += time.perf_counter() - t0
            state.cpu_s += time.process_time() - cpu0
            state.chunks.append(first)
            state.rows.append(counts)
            if folder is not None:
                _quiet(folder.save, net, state)   # describing the model for the file checks it again
    counts = np.concatenate(state.rows) if state.rows else np.zeros((0, int(c["n_neurons"])), np.int64)
    return net, counts, state.tries, state.events, state.wall_s


def _tail(blocks: list, n: int):
    """The last ``n`` rows of a list of count blocks (None when there are none)."""
    kept, have = [], 0
    for b in reversed(blocks):
        if have >= n:
            break
        kept.append(b)
        have += len(b)
    return np.concatenate(kept[::-1])[-n:] if kept else None


def evaluate(c: dict, seed: int, net, x_label, y_label, x_test, progress: bool = False):
    """Frozen copy: label the neurons, classify the test images.
    Returns (predictions, label counts, test counts, events)."""
    frozen = _quiet(build_frozen, c, x_label.shape[1], learned_state(net, c), seed + 1)
    meter = SynapticEvents(frozen)
    with ExampleProgress(progress, len(x_label) + len(x_test), "labelling and testing (frozen)") as bar:
        f_label, _ = show_all(frozen, x_label, c, bar=bar)
        f_test, _ = show_all(frozen, x_test, c, bar=bar)
    meter.update()
    return classify(f_test, assign(f_label, y_label)), f_label, f_test, meter.total


def fields_figure(net, n_neurons: int, assignment=None):
    """Input weights of every excitatory neuron as an image tile (its class above it)."""
    from matplotlib.figure import Figure

    pre, post = net.synapses("input")
    n_in = int(pre.max()) + 1
    side = int(round(n_in ** 0.5))
    rf = np.zeros((n_neurons, n_in))
    rf[post, pre] = net.weights("input")
    cols = int(np.ceil(np.sqrt(n_neurons)))
    rows = int(np.ceil(n_neurons / cols))
    fig = Figure(figsize=(max(4.0, 1.0 + 0.8 * cols), 1.2 + 0.9 * rows), layout="constrained")
    for j, ax in enumerate(fig.subplots(rows, cols, squeeze=False).ravel()):
        ax.set_axis_off()
        if j < n_neurons:
            ax.imshow(rf[j].reshape(side, side), cmap="hot_r", interpolation="nearest")
            if assignment is not None:
                ax.set_title(str(assignment[j]) if assignment[j] >= 0 else "-", fontsize="x-small")
    fig.suptitle("Learned input weights per neuron\n(above each: the class it was given)", fontsize="medium")
    return fig


def run_spiking(c: dict, seed: int, progress: bool | None = None) -> Outcome:
    """Outcome of the spiking contender for one seed (see module doc)."""
    progress = sys.stdout.isatty() if progress is None else progress
    x_tr, y_tr, x_te, y_te = images(c)
    folder = Path(c["checkpoint_dir"]).expanduser() / f"spiking-seed{seed}" if c.get("checkpoint_dir") else None
    net, counts, tries, learn_events, wall = learn(c, seed, x_tr, y_tr, progress, folder,
                                                   int(c.get("checkpoint_every", 5000)))
    n_label = min(int(c["n_label"]), len(x_tr))
    predicted, f_label, f_test, test_events = evaluate(c, seed, net, x_tr[:n_label], y_tr[:n_label], x_te,
                                                       progress)
    shown, n = len(counts), int(c["n_neurons"])
    figure = fields_figure(net, n, assign(f_label, y_tr[:n_label]))
    curve = running_accuracy(counts, np.concatenate([y_tr] * int(c["epochs"])),
                             min(int(c["running_window"]), max(1, shown // 2)))
    return Outcome({"accuracy": float(np.mean(predicted == y_te)), COST: learn_events + test_events,
                    EXAMPLES: tries, LABELLED: n_label, CONNECTIONS: x_tr.shape[1] * n,
                    "spikes_per_example": float(f_test.sum(axis=1).mean()),
                    "repeat_fraction": (tries - shown) / tries, "s_per_1000": 1000.0 * wall / tries},
                   curve=curve, figures={"receptive_fields": figure})
