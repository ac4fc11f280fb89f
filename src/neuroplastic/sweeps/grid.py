"""A sweep's grid: the target, the values of each swept parameter, the seeds,
and the members (one per parameter combination and seed) they make.

Everything is checked here, before anything runs or is written: unknown keys
(with "did you mean"), values outside a parameter's declared bounds, empty value
lists, malformed seed ranges. Every combination is resolved in full, so a
relation between parameters (``dt_step <= dt_max``) that one combination breaks
stops the sweep too. Errors are :class:`~neuroplastic.errors.ValidationError`
naming the field (``--seeds``, ``--set tau_plus``, ``inputs[0].rate``).

Two kinds of target:

* an experiment by name (or an experiment-form ``.toml``): keys are its declared
  parameters (``neuroplastic list NAME``);
* a model-form ``.toml``: keys are dotted paths into the config as its errors
  name them, ``simulation.duration``, ``inputs[0].rate``,
  ``projections[1].rules[0].a_plus``; each combination is read by the config
  layer, so every key and value is checked as a config file's would be.
"""
from __future__ import annotations

import copy
import itertools
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ValidationError
from ..io.digest import json_digest

OWNER = "neuroplastic sweep"
MAX_SEED = 2**63 - 1
_PATH_PART = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)(?P<index>(\[\d+\])*)$")


def parse_seeds(text) -> tuple[int, ...]:
    """``"0-19"``, ``"0,3,5"``, ``"0-4,10"``, an int, or an iterable of ints -> the seeds, in order."""
    if isinstance(text, int) and not isinstance(text, bool):
        items = [text]
    elif isinstance(text, str):
        items = []
        for part in (p.strip() for p in text.split(",")):
            m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", part)
            if m is None or (m[2] is not None and int(m[2]) < int(m[1])):
                raise ValidationError(OWNER, "--seeds", text, "must be seeds like 0-19, 0,3,5 or 0-4,10 "
                                      "(non-negative integers; ranges low-high, both included)")
            items += range(int(m[1]), int(m[2] or m[1]) + 1)
    else:
        items = list(text)
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in items):
            raise ValidationError(OWNER, "seeds", items, "must be non-negative integers")
    if not items or max(items) > MAX_SEED:
        raise ValidationError(OWNER, "--seeds", text, f"must name at least one seed in 0..{MAX_SEED}")
    if len(set(items)) != len(items):
        raise ValidationError(OWNER, "--seeds", text, "must not repeat a seed")
    return tuple(items)


def split_values(text: str) -> list[str]:
    """``"a,b,c"`` -> ``["a", "b", "c"]``; commas inside brackets stay (``[1,2],[3,4]``)."""
    values, depth, start = [], 0, 0
    for k, ch in enumerate(text):
        depth += ch in "[(" and 1 or (ch in "])" and -1 or 0)
        if ch == "," and depth == 0:
            values.append(text[start:k].strip())
            start = k + 1
    values.append(text[start:].strip())
    return [v for v in values if v]


def parse_set(pairs) -> dict[str, list[str]]:
    """``["tau=10,20", "w=0.5"]`` -> ``{"tau": ["10", "20"], "w": ["0.5"]}``."""
    grid = {}
    for item in pairs:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValidationError(OWNER, "--set", item, "must look like key=value or key=a,b,c")
        if key in grid:
            raise ValidationError(OWNER, f"--set {key}", item, "must be given once (list all its values: key=a,b,c)")
        grid[key] = split_values(text)
    return grid


@dataclass(frozen=True)
class Member:
    """One run of a sweep: a parameter combination and a seed."""

    id: str
    params: dict
    seed: int


@dataclass
class Grid:
    """A validated sweep: what runs (``kind`` "experiment" or "model"), the swept values, the seeds.

    ``base`` holds the experiment's fixed parameters (experiment kind) or the
    parsed config (model kind); ``name`` is the experiment or the config's stem.
    """

    kind: str
    name: str
    scale: str
    values: dict
    seeds: tuple
    base: dict = field(default_factory=dict)
    source: str = ""

    def combinations(self) -> list[dict]:
        keys = list(self.values)
        return [dict(zip(keys, combo)) for combo in itertools.product(*self.values.values())]

    def members(self) -> list[Member]:
        return [Member(member_id(params, seed), params, seed)
                for params in self.combinations() for seed in self.seeds]

    def fingerprint(self) -> str:
        """A short hash of everything that defines the sweep (its default directory name)."""
        return json_digest([self.kind, self.name, self.scale, self.values, self.seeds, self.base], 8)

    def fixed_fingerprint(self) -> str:
        """A short hash of what every member shares (the config, or an experiment config's parameters)."""
        return json_digest(self.base, 8)

    def describe(self) -> dict:
        """The grid as ``sweep.json`` stores it."""
        return {"kind": self.kind, "target": self.name, "source": self.source, "scale": self.scale,
                "fixed": self.fixed_fingerprint(),
                "parameters": self.values, "seeds": list(self.seeds),
                "members": [{"id": m.id, "params": m.params, "seed": m.seed} for m in self.members()]}


def member_id(params: dict, seed: int) -> str:
    """A folder name for a member: readable where short, always unique (a hash of the values)."""
    slug = re.sub(r"[^A-Za-z0-9_.+=-]", "_", "_".join(f"{k}={v}" for k, v in params.items()))[:60]
    digest = json_digest(params, 6)
    return f"{slug}-{digest}-s{seed}" if slug[:1].isalnum() else f"p{digest}-s{seed}"


def make_grid(target: str, values: dict, seeds, scale: str | None = None) -> Grid:
    """Check everything and return the :class:`Grid`; nothing is run or written."""
    seeds = parse_seeds(seeds)
    if scale is not None and scale not in ("full", "reduced"):
        raise ValidationError(OWNER, "--scale", scale, "must be 'full' or 'reduced'")
    values = {key: _value_list(key, vals) for key, vals in values.items()}
    if str(target).endswith(".toml"):
        return _config_grid(str(target), values, seeds, scale)
    return experiment_grid(target, values, seeds, scale or "full", {}, "")


def _value_list(key: str, vals) -> list:
    """A key's values: a list as given, ``"a,b,c"`` split, a single value as a list of one."""
    if isinstance(vals, str):
        vals = split_values(vals)
    elif not isinstance(vals, (list, tuple, range)):
        vals = [vals]
    if not list(vals):
        raise ValidationError(OWNER, f"--set {key}", vals, "must list at least one value (key=a,b,c)")
    return list(vals)


def _no_repeats(key: str, raw: list, values: list) -> None:
    def same(v):   # 5 and 5.0 are one value
        plain = isinstance(v, (int, float)) and not isinstance(v, bool)
        return float(v) if plain else json.dumps(v, sort_keys=True, default=str)

    if len({same(v) for v in values}) != len(values):
        raise ValidationError(OWNER, f"--set {key}", raw, "must not repeat a value")


def experiment_grid(name: str, values: dict, seeds: tuple, scale: str, fixed: dict, source: str) -> Grid:
    """An experiment's grid; every combination is resolved (types, bounds, relations) now."""
    from ..experiments import get

    exp = get(name)
    resolved = {}
    for key, vals in values.items():
        if key not in exp.defaults:   # the message resolve gives, named by the flag
            exp.resolve({key: vals[0]}, scale)
        resolved[key] = [exp.param(key).resolve(f"Experiment '{name}'", key, v) for v in vals]
        _no_repeats(key, vals, resolved[key])
    grid = Grid("experiment", name, scale, resolved, seeds, dict(fixed), source)
    for params in grid.combinations():
        exp.resolve({**fixed, **params}, scale)
    return grid


def _config_grid(path: str, values: dict, seeds: tuple, scale: str | None) -> Grid:
    from ..config import config_from_dict
    from ..config.read import _parse, _text

    raw = _parse(path, _text(Path(path), path))
    cfg = config_from_dict(raw, source=path)
    if cfg.kind == "experiment":
        return experiment_grid(cfg.experiment, values, seeds, scale or cfg.scale, cfg.parameters, path)
    if scale is not None:
        raise ValidationError(OWNER, "--scale", scale, "applies to experiments, not model configs")
    parsed = {key: [_toml_value(v) for v in vals] for key, vals in values.items()}
    for key, vals in parsed.items():
        _no_repeats(key, values[key], vals)
    grid = Grid("model", run_name(path), "full", parsed, seeds, raw, path)
    for params in grid.combinations():
        config_from_dict(apply_paths(raw, params), source=path)
    return grid


def _toml_value(text):
    """A command-line value as TOML reads it (``10``, ``0.5``, ``true``, ``"LIF"``); bare words stay strings."""
    if not isinstance(text, str):
        return text
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def apply_paths(config: dict, params: dict) -> dict:
    """A copy of a model config with ``params`` (``"inputs[0].rate": 20.0``) set in it."""
    out = copy.deepcopy(config)
    for key, value in params.items():
        if key in ("simulation.seed", "seed"):
            raise ValidationError(OWNER, f"--set {key}", value, "is not swept with --set; use --seeds")
        table, parts = out, key.split(".")
        for k, part in enumerate(parts):
            table = _step(table, part, key, last=k == len(parts) - 1, value=value)
    return out


def _step(table, part: str, key: str, last: bool, value):
    m = _PATH_PART.match(part)
    if m is None or not isinstance(table, dict):
        raise ValidationError(OWNER, f"--set {key}", key, "must be a dotted path into the config, "
                              "e.g. simulation.duration or projections[0].rules[0].a_plus")
    indices = [int(i) for i in re.findall(r"\[(\d+)\]", m["index"])]
    if last and not indices:
        table[m["key"]] = value      # the config layer checks the key (did you mean ...) and the value
        return None
    node = table.get(m["key"])
    if node is None:
        from ..model._validate import suggestion
        raise ValidationError(OWNER, f"--set {key}", key, f"must name a table of the config"
                              f"{suggestion(m['key'], table)}; here: {', '.join(sorted(table))}")
    for j, i in enumerate(indices):
        if not isinstance(node, list) or i >= len(node):
            n = len(node) if isinstance(node, list) else 0
            raise ValidationError(OWNER, f"--set {key}", key, f"must name an existing entry "
                                  f"({m['key']} has {n} entr{'y' if n == 1 else 'ies'})")
        if last and j == len(indices) - 1:
            node[i] = value
            return None
        node = node[i]
    return node


def run_name(config_path: str) -> str:
    """A run-directory name from a config file name (only letters, digits and _ . + = -)."""
    name = re.sub(r"[^A-Za-z0-9_.+=-]", "_", Path(config_path).stem).replace("..", "_")
    return name if name[:1].isalnum() else f"model{name}"
