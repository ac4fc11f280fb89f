"""The compiled-kernel cache survives rules defined in modules other processes cannot import."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import neuroplastic


RULE = textwrap.dedent('''
    from dataclasses import dataclass
    import neuroplastic as npl

    @dataclass(frozen=True)
    class {name}(npl.Rule, npl.OnPre):
        """Reacts to presynaptic spikes with the default (no-op) hooks."""

    def run():
        m = npl.Model(dt=0.1)
        m.add(npl.PoissonInput("x", 20, rate=50.0))
        m.add(npl.Population("n", 5, npl.LIF()))
        m.add(npl.Projection("p", "x", "n", npl.AllToAll(), weight=1.0, rules=[{name}()]))
        m.add(npl.SpikeMonitor("x"))
        net = npl.Network(m).run(100.0)
        print(len(net.spikes("x")[0]))
''')


def _env(tmp_path):
    src = str(Path(neuroplastic.__file__).resolve().parents[1])
    path = os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH", "")) if p)
    return dict(os.environ, NEUROPLASTIC_CACHE_DIR=str(tmp_path / "kernels"),
                NUMBA_CACHE_DIR=str(tmp_path / "numba"), PYTHONPATH=path)


def test_rules_from_unimportable_modules_do_not_poison_the_cache(tmp_path):
    env = _env(tmp_path)
    for k, name in enumerate(("FirstRule", "SecondRule")):
        folder = tmp_path / f"job{k}"
        folder.mkdir()
        (folder / f"mod{k}.py").write_text(RULE.format(name=name))
        out = subprocess.run([sys.executable, "-c", f"import mod{k}; mod{k}.run()"], cwd=folder, env=env,
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr[-2000:]
        assert int(out.stdout.strip()) > 50


def test_cached_kernel_reloads_in_a_new_process(tmp_path):
    env = _env(tmp_path)
    (tmp_path / "mod.py").write_text(RULE.format(name="SameRule"))
    outs = [subprocess.run([sys.executable, "-c", "import mod; mod.run()"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300) for _ in range(2)]
    assert all(o.returncode == 0 for o in outs), outs[-1].stderr[-2000:]
    assert outs[0].stdout == outs[1].stdout  # same seed, same spikes, cached or not
    assert list((tmp_path / "kernels").glob("np_*.py"))


def test_cache_key_covers_helper_kernels_beside_a_hook():
    """A hook's fingerprint holds its whole module, so editing a helper kernel the
    hook calls (beside it) changes the compiled loop's key; built-in rules' helpers
    anywhere in the plasticity package count through the engine fingerprint."""
    import inspect

    import neuroplastic as npl
    from neuroplastic.engine import cache
    from neuroplastic.plasticity import early_phase, tagging

    fp = npl.TaggingCapture.source_fingerprint()
    assert inspect.getsource(tagging) in fp
    assert inspect.getsource(early_phase) in cache._engine_fingerprint()
    assert inspect.getsource(npl.plasticity.traces) in cache._engine_fingerprint()
