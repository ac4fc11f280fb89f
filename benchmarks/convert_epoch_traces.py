"""Convert a checkpoint written before ``OrchestratedPlasticity`` kept epoch traces.

Until 2026-12-08 the rule stored each trace as its value ``z`` at the time ``t_last`` of
its last update (per presynaptic neuron: z_i; per postsynaptic neuron: z_j and z_j^slow
sharing one ``t_last``). It now stores epoch traces (plasticity/traces.py): each value
carried forward to the end E of an epoch of 500 x the shortest time constant, with the
epoch's end beside it. This script rewrites such a checkpoint so that the current code
continues it: with t the checkpoint's time and E the end of t's epoch,

    zx = z exp(-(E - t_last) / tau)      (tau_plus for z_i, tau_minus for z_j, tau_slow for z_j^slow)
    epoch = E

so that every trace reads the same value at any later time (up to rounding; a trace so far
past its last update that it underflows reads 0, as it would within about 1e-90). The
per-spike scratch fields (``ec_now``, ``f_now``) start at 0; they are written before they
are read. Everything else is copied unchanged.

What it is for: comparing the speed of the old and the new code from the same settled
full-scale ``zenke2015`` network (benchmarks/MEASURED.md), and continuing a network saved
before the change. The continuation is not bit for bit (the traces differ in the last
digits), and the engine says so when it loads the file.

Run: ``python benchmarks/convert_epoch_traces.py OLD.ckpt NEW.ckpt``.
"""
from __future__ import annotations

import argparse

import numpy as np

from neuroplastic import OrchestratedPlasticity
from neuroplastic.io.checkpoint import read_checkpoint, write_checkpoint
from neuroplastic.io.description import read_model
from neuroplastic.plasticity import traces

#: Manifest fields that ``write_checkpoint`` sets itself.
_OWN = ("format", "format_version", "neuroplastic_version", "created", "arrays")


def _carried(z, t_last, end, tau) -> np.ndarray:
    """z(t_last) carried forward to ``end``, with the engine's own decay (traces.decay)."""
    return z * np.array([traces.decay(t0, end, tau) for t0 in t_last.tolist()])


def convert(arrays: dict, prefix: str, rule: OrchestratedPlasticity, t: float) -> None:
    """Rewrite one rule's neuron state in ``arrays`` (in place)."""
    end = traces.epoch_end(t, traces.EPOCH_TAUS * min(rule.tau_plus, rule.tau_minus, rule.tau_slow))
    pre_t, post_t = arrays.pop(f"{prefix}/pre/t_last"), arrays.pop(f"{prefix}/post/t_last")
    arrays[f"{prefix}/pre/zx"] = _carried(arrays.pop(f"{prefix}/pre/z"), pre_t, end, rule.tau_plus)
    arrays[f"{prefix}/post/zx"] = _carried(arrays.pop(f"{prefix}/post/z"), post_t, end, rule.tau_minus)
    arrays[f"{prefix}/post/slowx"] = _carried(arrays.pop(f"{prefix}/post/z_slow"), post_t, end, rule.tau_slow)
    for side, n in (("pre", pre_t.size), ("post", post_t.size)):
        arrays[f"{prefix}/{side}/epoch"] = np.full(n, end)
        arrays[f"{prefix}/{side}/ec_now"] = np.zeros(n)
        arrays[f"{prefix}/{side}/f_now"] = np.zeros(n)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    args = ap.parse_args()
    ck = read_checkpoint(args.old)
    arrays, t = dict(ck.arrays), float(ck.manifest["t_ms"])
    model = read_model(ck.model, ck.arrays, f"checkpoint '{args.old}'")
    done = []
    for proj in model.projections.values():
        for r, rule in enumerate(proj.rules):
            prefix = f"proj/{proj.name}/rule{r}"
            if isinstance(rule, OrchestratedPlasticity) and f"{prefix}/pre/t_last" in arrays:
                convert(arrays, prefix, rule, t)
                done.append(proj.name)
    if not done:
        raise SystemExit(f"{args.old}: no OrchestratedPlasticity state of the old form; nothing to convert")
    manifest = {k: v for k, v in ck.manifest.items() if k not in _OWN}
    write_checkpoint(args.new, manifest, ck.model, arrays)
    print(f"converted the traces of {', '.join(done)} at t = {t / 1000:.1f} s -> {args.new}")


if __name__ == "__main__":
    main()
