"""What the benchmark measures: our stack against the EngineProbe floor per number of realms,
frodo-cli applying the same one-field change, and the provider's cold start.

Every figure comes from this process's own runs: wall time around each command, requests as the
emulator counted them, and the peak of requests in flight.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import (
    ADMIN,
    REPO,
    VENV,
    BenchEmulator,
    Counts,
    Project,
    baseline_project,
    data_project,
    data_shapes,
    median,
    our_project,
    stack_config,
)
from processes import tree_cpu

PREVIEW = ("preview", "--expect-no-changes")
UP = ("up", "--yes", "--skip-preview")
UP_NOOP = (*UP, "--expect-no-changes")
REFRESH = ("refresh", "--yes", "--skip-preview")
DESTROY = ("destroy", "--yes", "--skip-preview")
CHANGED_REALM = "r1"
LATENCY_MS = 100
FRODO = REPO / "tools" / "frodo" / "node_modules" / ".bin" / "frodo"


@dataclass(frozen=True)
class Sample:
    """One command: wall time, requests, peak concurrency, bytes of config writes."""

    seconds: float
    counts: Counts
    peak: int
    write_bytes: int
    cpu: float  # CPU seconds of all the command's processes


@dataclass
class Series:
    """Repetitions of one operation."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return median([s.seconds for s in self.samples])

    @property
    def cpu(self) -> float:
        return median([s.cpu for s in self.samples])

    @property
    def counts(self) -> Counts:
        return self.samples[-1].counts

    @property
    def stable(self) -> bool:
        """The same requests in every repetition."""
        return len({s.counts for s in self.samples}) == 1

    @property
    def peak(self) -> int:
        return max(s.peak for s in self.samples)

    @property
    def write_bytes(self) -> int:
        return self.samples[-1].write_bytes


@dataclass(frozen=True)
class Graph:
    """A variant of the floor's program (`baseline_project`'s options)."""

    component: bool
    baseline: bool
    as_one: bool = True
    tuned: bool = True  # the collector set as our stack program sets it (`aic_sessions.collector`)


# The floor's resource graph without some of our registrations, to show what each one costs; the
# floor with the collector at Python's defaults; and the floor as a plain program has it (each
# output waited for apart (`sdk_wait`) and the collector at its defaults). "floor" itself has both
# registrations, its outputs waited for as one per resource and the collector tuned, as ours.
GRAPHS = {
    "bare": Graph(component=False, baseline=False),
    "component": Graph(component=True, baseline=False),
    "baseline": Graph(component=False, baseline=True),
    "untuned": Graph(component=True, baseline=True, tuned=False),
    "per-output": Graph(component=True, baseline=True, as_one=False, tuned=False),
}
GRAPH_OPERATIONS = ("preview", "noop")


@dataclass
class SizeResult:
    realms: int
    ours: dict[str, Series] = field(default_factory=dict)
    floor: dict[str, Series] = field(default_factory=dict)
    # GRAPHS name -> operation -> series (preview and no-op up only)
    graphs: dict[str, dict[str, Series]] = field(default_factory=dict)
    # the data floor: our graph and our data in MirrorProbes (create, preview, no-op up)
    data: dict[str, Series] = field(default_factory=dict)
    # "ours" / "floor" / "data" -> process (processes.SPLIT) -> CPU seconds of a preview
    processes: dict[str, dict[str, float]] = field(default_factory=dict)
    # "ours" / "floor" / "data" -> bytes of the stack's state file after create
    state_bytes: dict[str, int] = field(default_factory=dict)

    def ratio(self, operation: str) -> float:
        return self.ours[operation].seconds / self.floor[operation].seconds


def measure(emu: BenchEmulator, project: Project, args: tuple[str, ...]) -> Sample:
    emu.clear()
    run = project.pulumi(*args)
    return Sample(run.seconds, emu.counts(), emu.meter.peak, emu.meter.write_bytes, run.cpu)


def record(series: dict[str, Series], name: str, sample: Sample) -> None:
    series.setdefault(name, Series()).samples.append(sample)


def measure_size(
    realms: int, repeat: int, workdir: Path, env: dict[str, str], latency: bool = False
) -> SizeResult:
    """Create, preview, no-op up, one-field change, refresh, destroy: ours and the floor; with
    `latency`, also a refresh with 100 ms added to every admin-API request."""
    names = [f"r{i}" for i in range(1, realms + 1)]
    result = SizeResult(realms)
    with BenchEmulator("am", names) as emu:
        ours = our_project(workdir / f"ours-{realms}", {**env, **ADMIN})
        ours.init()
        ours.write_config(stack_config(emu.base_url, names))
        floor = baseline_project(workdir / f"floor-{realms}", env, realms)
        floor.init()
        both = {"ours": (ours, result.ours), "floor": (floor, result.floor)}
        graphs = _graph_projects(workdir, env, realms, result)
        _interleaved(emu, {**both, **graphs}, "create", UP, 1)
        # The data floor holds what our stack holds: it is made from our state after create.
        shapes = workdir / f"shapes-{realms}.json"
        shapes.write_text(json.dumps(data_shapes(ours)))
        data = data_project(workdir / f"data-{realms}", env, realms, shapes)
        data.init()
        record(result.data, "create", measure(emu, data, UP))
        projects = {"ours": ours, "floor": floor, "data": data}
        result.state_bytes = {name: project.state_bytes() for name, project in projects.items()}
        turns = {**both, "data": (data, result.data), **graphs}
        for name, args in (("preview", PREVIEW), ("noop", UP_NOOP)):
            _interleaved(emu, turns, name, args, repeat)
        untuned = {"untuned": graphs["untuned"][0]}  # the collector's effect on CPU and memory
        result.processes = _split({**projects, **untuned}, min(repeat, SPLIT_REPEAT))
        _changes(emu, ours, names, result, repeat)
        _interleaved(emu, both, "refresh", REFRESH, repeat)
        if latency:
            # Every admin-API request (reads, journeys, the login) answers 100 ms late.
            emu.add_latency("*", ".", LATENCY_MS, 1_000_000)
            record(result.ours, "refresh-latency", measure(emu, ours, REFRESH))
            emu.clear_latency()
        _interleaved(emu, both, "destroy", DESTROY, 1)
    return result


SPLIT_REPEAT = 3  # sampled previews per project and size (medians per process)


def _split(projects: dict[str, Project], times: int) -> dict[str, dict[str, float]]:
    """CPU seconds per process of a preview, medians of `times` sampled runs in turns."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in projects}
    for _ in range(times):
        for name, project in projects.items():
            runs[name].append(project.cpu_split(*PREVIEW))
    return {
        name: {kind: median([run[kind] for run in samples]) for kind in samples[0]}
        for name, samples in runs.items()
    }


def _graph_projects(
    workdir: Path, env: dict[str, str], realms: int, result: SizeResult
) -> dict[str, tuple[Project, dict[str, Series]]]:
    projects = {}
    for name, graph in GRAPHS.items():
        project = baseline_project(
            workdir / f"{name}-{realms}",
            env,
            realms,
            component=graph.component,
            baseline=graph.baseline,
            as_one=graph.as_one,
            tuned=graph.tuned,
        )
        project.init()
        projects[name] = (project, result.graphs.setdefault(name, {}))
    return projects


@dataclass(frozen=True)
class Interrupt:
    """One floor preview of one realm started as a user's shell does, and with SIGINT ignored
    (a background job of a non-interactive shell, some CI runners)."""

    default: float  # seconds, median
    ignored: float

    @property
    def penalty(self) -> float:
        return self.ignored - self.default


def measure_interrupt(repeat: int, workdir: Path, env: dict[str, str]) -> Interrupt:
    """Medians of `repeat` previews each way, in turns."""
    floor = baseline_project(workdir / "interrupt", env, 1)
    floor.init()
    floor.pulumi(*UP)
    runs: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeat):
        for ignored in (False, True):
            runs[ignored].append(floor.pulumi(*PREVIEW, interrupt_ignored=ignored).seconds)
    return Interrupt(median(runs[False]), median(runs[True]))


def _interleaved(
    emu: BenchEmulator,
    projects: dict[str, tuple[Project, dict[str, Series]]],
    name: str,
    args: tuple[str, ...],
    times: int,
) -> None:
    """Ours and the floor in turns, so drift of the machine's load hits both alike."""
    for _ in range(times):
        for project, series in projects.values():
            record(series, name, measure(emu, project, args))


def _changes(
    emu: BenchEmulator, ours: Project, names: list[str], result: SizeResult, repeat: int
) -> None:
    """maxDurationMinutes of one realm, 5 -> 7 -> 5 ...; each run checked on the emulator."""
    for i in range(repeat):
        minutes = 7 if i % 2 == 0 else 5
        ours.write_config(stack_config(emu.base_url, names, max_duration=minutes))
        record(result.ours, "change", measure(emu, ours, UP))
        _expect_minutes(emu, minutes, "pulumi up")


def _expect_minutes(emu: BenchEmulator, minutes: int, who: str) -> None:
    actual = emu.trees(CHANGED_REALM)["authenticationSessionsMaxDuration"]
    if actual != minutes:
        raise RuntimeError(f"{who} left maxDuration at {actual}, expected {minutes}")


# frodo-cli ---------------------------------------------------------------------------------


@dataclass
class FrodoResult:
    export: Series = field(default_factory=Series)
    import_: Series = field(default_factory=Series)


def measure_frodo(repeat: int, workdir: Path) -> FrodoResult:
    """`frodo authn export`, edit maxDuration, `frodo authn import` (am, admin login)."""
    result = FrodoResult()
    home = workdir / "frodo"
    home.mkdir()
    with BenchEmulator("am", [CHANGED_REALM]) as emu:
        args = [emu.base_url, CHANGED_REALM, ADMIN["AM_ADMIN_USERNAME"], ADMIN["AM_ADMIN_PASSWORD"]]
        for i in range(repeat):
            minutes = 7 if i % 2 == 0 else 5
            result.export.samples.append(
                _frodo(emu, home, ["authn", "export", "-f", "r.json"], args)
            )
            document = json.loads((home / "r.json").read_text())
            document["authentication"]["trees"]["authenticationSessionsMaxDuration"] = minutes
            (home / "r.json").write_text(json.dumps(document))
            result.import_.samples.append(
                _frodo(emu, home, ["authn", "import", "-f", "r.json"], args)
            )
            _expect_minutes(emu, minutes, "frodo authn import")
    return result


def frodo_env(home: Path) -> dict[str, str]:
    """frodo kept off the internet: its own HOME, no token cache, proxies to a closed port."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "FRODO_NO_CACHE": "1",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1",
    }


def _frodo(emu: BenchEmulator, home: Path, command: list[str], args: list[str]) -> Sample:
    emu.clear()
    with tree_cpu() as cpu:
        started = time.perf_counter()
        proc = subprocess.run(  # noqa: S603 (our own argument list, no shell)
            [str(FRODO), *command, *args],
            cwd=home,
            env=frodo_env(home),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        seconds = time.perf_counter() - started
    if proc.returncode != 0 or "Error" in proc.stdout + proc.stderr:
        raise RuntimeError(f"frodo {' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
    return Sample(seconds, emu.counts(), emu.meter.peak, emu.meter.write_bytes, cpu.seconds)


# cold start --------------------------------------------------------------------------------

FLOOR_IMPORT = "import pulumi.dynamic"
OUR_IMPORT = (
    "import pulumi.dynamic, aic_sessions.resources\n"
    "from aic_sessions.resources import connection\n"
    "connection.client_for('http://127.0.0.1:9/am')"
)
TIMED = "import time\nt = time.perf_counter()\n{body}\nprint(time.perf_counter() - t)"


@dataclass(frozen=True)
class ColdStart:
    floor_ms: float  # import pulumi.dynamic alone, in a fresh interpreter
    ours_ms: float  # import aic_sessions.resources and build a client, same interpreter
    fingerprint_ms: float  # one SigningSecret fingerprint (scrypt), computed when a secret changes


def measure_cold_start(repeat: int) -> ColdStart:
    floor = median([_timed_import(FLOOR_IMPORT) for _ in range(repeat)])
    ours = median([_timed_import(OUR_IMPORT) for _ in range(repeat)])
    return ColdStart(floor * 1000, ours * 1000, _fingerprint_seconds(repeat) * 1000)


def _timed_import(body: str) -> float:
    env = {**os.environ, **ADMIN}
    proc = subprocess.run(  # noqa: S603 (our own argument list, no shell)
        [str(VENV / "bin" / "python"), "-c", TIMED.format(body=body)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(proc.stdout.strip().splitlines()[-1])


def _fingerprint_seconds(repeat: int) -> float:
    from aic_sessions.domain import signing_secrets

    value = signing_secrets.generate()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        signing_secrets.fingerprint(value)
        times.append(time.perf_counter() - started)
    return median(times)


# parallelism -------------------------------------------------------------------------------


def default_parallel() -> int:
    """pulumi's default --parallel: PULUMI_PARALLEL, else 4 x GOMAXPROCS (cmd/pulumi/operations)."""
    configured = os.environ.get("PULUMI_PARALLEL", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return 4 * int(os.environ.get("GOMAXPROCS") or os.cpu_count() or 1)


def provider_workers() -> int:
    """The dynamic-provider process's gRPC thread pool, read from the installed SDK."""
    spec = importlib.util.find_spec("pulumi")
    source = Path(spec.origin if spec and spec.origin else "").parent / "dynamic" / "__main__.py"
    found = re.search(r"ThreadPoolExecutor\(max_workers=(\d+)\)", source.read_text())
    return int(found.group(1)) if found else 0
