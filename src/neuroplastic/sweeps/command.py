"""``neuroplastic sweep NAME|config.toml --seeds 0-19 --set key=a,b,c ...`` (docs/sweeps.md).

Exit codes: 0 every member complete; 4 some member failed (the table and
``failures.json`` say which and why; the others ran); 2 invalid input, before
anything is written (also when Dask is missing: ``pip install 'neuroplastic[sweep]'``).
"""
from __future__ import annotations

import argparse

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="run a parameter grid x seeds as Dask tasks, one run directory per "
                                     "member, with an aggregate table and a summary figure")
    p.add_argument("target", help="experiment name (see 'list') or path to a .toml config")
    p.add_argument("--seeds", default="0", help="seeds: 0-19, 0,3,5 or 0-4,10 (default 0)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=A,B,C",
                   help="swept (or fixed, with one value) parameter; model configs: a dotted config path "
                        "such as inputs[0].rate; list values in brackets: key=[1,2],[3,4]")
    p.add_argument("--scale", choices=("full", "reduced"), default=None,
                   help="experiments: published scale (full, default) or the quick version of the tests")
    p.add_argument("--out", default="runs", help="root folder of the sweep directory (default: runs)")
    p.add_argument("--dir", default=None, metavar="SWEEP_DIR",
                   help="the sweep directory (default: OUT/sweep-TARGET-HASH); an existing one is continued")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="a running Dask scheduler (tcp://host:8786 or a scheduler .json file); default: "
                        "a local cluster")
    p.add_argument("--workers", type=int, default=None, help="local cluster: worker processes (default: one per core)")
    p.add_argument("--metric", default=None, help="the metric of the summary figure (default: the first target's)")
    p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="print each member as it finishes (default: when the terminal is interactive)")
    p.set_defaults(handler=handle)


def handle(args, out: Console) -> int:
    import sys

    from ..cli import EXIT_FAILED, EXIT_OK
    from .api import sweep
    from .grid import parse_set

    show = sys.stderr.isatty() if args.progress is None else args.progress
    table = sweep(args.target, parse_set(args.set), args.seeds, scale=args.scale, out=args.out,
                  directory=args.dir, scheduler=args.scheduler, workers=args.workers, metric=args.metric,
                  log=(lambda r: _print_member(out, r)) if show else None)
    _print_summary(out, table)
    return EXIT_FAILED if table.failed else EXIT_OK


def _print_member(out: Console, record: dict) -> None:
    colour = "green" if record["status"] == "complete" else "bold red"
    text = f"  {escape(record['member'])}: [{colour}]{record['status']}[/]"
    if record["error"]:
        text += f" -- {escape(record['error'])}"
    out.print(text, highlight=False, soft_wrap=True)


def _print_summary(out: Console, table) -> None:
    reused = sum(bool(r["reused"]) for r in table.rows)
    ran = len(table) - reused
    out.print(f"{len(table)} members: {ran} ran, {reused} finished earlier (skipped), "
              f"{len(table.failed)} failed", highlight=False)
    if table.failed:
        failed = Table(title="failed members (their run.log has the traceback)")
        for col in ("member", "error", "run directory"):
            failed.add_column(col, overflow="fold")
        for r in table.failed:
            failed.add_row(escape(r["member"]), escape(r["error"]), escape(r["run_dir"]))
        out.print(failed)
    out.print(f"table: {table.path}", soft_wrap=True, highlight=False)
    if table.metric is not None:
        out.print(f"figure: {table.figure} ({escape(table.metric)})", soft_wrap=True, highlight=False)
