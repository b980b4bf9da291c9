"""What each process imports, and what it costs: `python -X importtime` of the imports the
Pulumi program and the dynamic-provider process make, ours against the EngineProbe floor's.

The imports are read from the files themselves (the top-level `import` statements of our
`__main__.py`, the floor's program and the SDK's `pulumi/dynamic/__main__.py`), plus the
modules the provider process loads when it unpickles the providers of a stack. Self times are
summed per group: `pydantic` (with pydantic_core and its helpers, and the standard library it
pulls in), `aic_sessions` (our modules and what they alone import), and the rest (the SDK and
everything it pulls in: grpc, protobuf, dill, ..., which the floor pays too).
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from harness import BASELINE_PROGRAM, PROBE_PATH, REPO, VENV, median

SDK = ("pulumi", "grpc", "google", "dill")
PYDANTIC = ("pydantic", "pydantic_core", "annotated_types", "typing_inspection")
GROUPS = ("pulumi and the rest", "pydantic", "aic_sessions")
# The modules the provider process imports when it unpickles our providers (a stack without
# ESVs: the baseline and the three session resources).
OUR_PROVIDERS = (
    "aic_sessions.resources.baseline",
    "aic_sessions.resources.journey",
    "aic_sessions.resources.authenticated",
    "aic_sessions.resources.signing_secret",
)
# What the program imports when it declares the bench stack's realms (`run()` imports the
# resources on first use, after the top-level imports of `__main__.py`).
OUR_PROGRAM_DECLARES = ("aic_sessions.resources.realm",)


@dataclass(frozen=True)
class ImportCost:
    """Milliseconds of import per group, median of the runs."""

    groups: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.groups.values())


@dataclass(frozen=True)
class ProcessImports:
    process: str  # "program" or "provider"
    ours: ImportCost
    floor: ImportCost


def top_level_imports(source: str) -> list[str]:
    """The `import` statements at the top level of a module, as source lines."""
    tree = ast.parse(source)
    return [
        ast.unparse(node)
        for node in tree.body
        if isinstance(node, ast.Import)
        or (isinstance(node, ast.ImportFrom) and node.module != "__future__")
    ]


def sdk_provider_main() -> Path:
    spec = importlib.util.find_spec("pulumi")
    return Path(spec.origin if spec and spec.origin else "").parent / "dynamic" / "__main__.py"


def measure_imports(repeat: int) -> list[ProcessImports]:
    provider = top_level_imports(sdk_provider_main().read_text())
    ours_program = [
        *top_level_imports((REPO / "__main__.py").read_text()),
        *(f"import {m}" for m in OUR_PROGRAM_DECLARES),
    ]
    floor_program = top_level_imports(BASELINE_PROGRAM)
    ours_provider = [*provider, *(f"import {m}" for m in OUR_PROVIDERS)]
    floor_provider = [*provider, "import engine_probe"]
    return [
        ProcessImports("program", _cost(ours_program, repeat), _cost(floor_program, repeat)),
        ProcessImports("provider", _cost(ours_provider, repeat), _cost(floor_provider, repeat)),
    ]


def _cost(statements: list[str], repeat: int) -> ImportCost:
    runs = [_groups(_importtime(statements)) for _ in range(repeat)]
    return ImportCost({g: median([r[g] for r in runs]) for g in GROUPS})


def _importtime(statements: list[str]) -> str:
    env = {**os.environ, "PYTHONPATH": PROBE_PATH}
    proc = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        [str(VENV / "bin" / "python"), "-X", "importtime", "-c", "\n".join(statements)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return proc.stderr


def _groups(report: str) -> dict[str, float]:
    """Self time (ms) per group from `-X importtime` lines (`import time: self | cum | name`,
    nesting by indentation, a module printed after what it imported). A module counts for the
    nearest importer (itself included) that is pydantic or ours, so the standard library that
    pydantic pulls in (decimal, zoneinfo, ...) is pydantic's cost, not pulumi's."""
    rows: list[tuple[float, int, str]] = []
    for line in report.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, raw = line[len("import time:") :].split("|")
        name = raw.rstrip()
        depth = len(name) - len(name.lstrip())
        rows.append((int(self_us) / 1000, depth, name.strip()))
    totals = dict.fromkeys(GROUPS, 0.0)
    for i, (ms, depth, name) in enumerate(rows):
        totals[_group_of(name, depth, rows[i + 1 :])] += ms
    return totals


def _group_of(name: str, depth: int, later: list[tuple[float, int, str]]) -> str:
    """The group of `name` or of its nearest importer that has one (a parent is the next
    later line with less indentation)."""
    while True:
        top = name.split(".")[0]
        if top in SDK:  # whoever imports it first: the floor pays it too
            return GROUPS[0]
        if top == "aic_sessions":
            return "aic_sessions"
        if top in PYDANTIC:
            return "pydantic"
        parent = next(((i, d, n) for i, (_, d, n) in enumerate(later) if d < depth), None)
        if parent is None:
            return GROUPS[0]
        index, depth, name = parent
        later = later[index + 1 :]
