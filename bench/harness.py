"""The benchmark's moving parts: an in-process emulator that also measures concurrency, copies of
the Pulumi project (ours, or the `EngineProbe` baseline) with their own file backend, and a timed
`pulumi` runner.

Everything listens on 127.0.0.1 and every command has a timeout, so a run is bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aic_emulator.app import Emulator, QuietRequestHandler, create_app
from aic_emulator.faults import parse_fault
from engine_probe import SHAPES_VARIABLE
from processes import split_cpu, tree_cpu
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv"
PROBE_PATH = str(REPO / "bench")  # engine_probe.py: bench-only, not in the package
STACK = "bench"
ADMIN = {"AM_ADMIN_USERNAME": "amadmin", "AM_ADMIN_PASSWORD": "Password1!"}
COMMAND_TIMEOUT = 600.0

BASELINE_PROGRAM = '''\
"""The engine's floor: per realm the resource graph of ours, of do-nothing EngineProbes: a
component, a baseline, and three resources that depend on the baseline and take its output."""

import pulumi
from aic_sessions.collector import tune_collector
from aic_sessions.resources.sdk_wait import track_as_one
from engine_probe import EngineProbe

config = pulumi.Config()
realms = int(config.require("realms"))
with_component = config.get_bool("component") is not False
with_baseline = config.get_bool("baseline") is not False
as_one = config.get_bool("asOne") is not False
if config.get_bool("tuned") is not False:
    tune_collector()  # as our stack program does first (`aic_sessions.collector`)
KINDS = ("journey", "authenticated", "signing-secret")


class ProbeRealm(pulumi.ComponentResource):
    """A component class, as components are: the SDK records no call stack for a bare
    ComponentResource, so its registration would be lighter than any component's."""

    def __init__(self, name: str) -> None:
        super().__init__("bench:index:ProbeRealm", name)


def declare(name: str) -> dict[str, pulumi.Output[str]]:
    parent = ProbeRealm(name) if with_component else None
    baseline = (
        EngineProbe(f"{name}-baseline", value=f"{name}-baseline",
                    opts=pulumi.ResourceOptions(parent=parent))
        if with_baseline else None
    )
    child = pulumi.ResourceOptions(
        parent=parent,
        aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)] if parent else None,
        depends_on=[baseline] if baseline else None,
    )
    probes = {
        kind: EngineProbe(f"{name}-{kind}", value=f"{name}-{kind}", opts=child,
                          baseline=baseline.value if baseline else None)
        for kind in KINDS
    }
    if as_one:  # the SDK waits for each probe's outputs as one, as for ours (`sdk_wait`)
        for resource in [baseline, *probes.values()]:
            if resource is not None:
                track_as_one(resource)
    values = {kind: resource.value for kind, resource in probes.items()}
    if parent is not None:
        parent.register_outputs(values)
    return values


pulumi.export("realms", {f"r{i}": declare(f"bench-r{i}") for i in range(1, realms + 1)})
'''


DATA_PROGRAM = '''\
"""The data floor: our graph and our data (the properties, outputs and secrets of our stack's
resources, from the shapes file) in MirrorProbes with do-nothing providers."""

import pulumi
from aic_sessions.collector import tune_collector
from aic_sessions.resources.sdk_wait import track_as_one
from engine_probe import MirrorProbe, for_realm, shapes

tune_collector()  # as our stack program does first (`aic_sessions.collector`)
realms = int(pulumi.Config().require("realms"))
SHAPES = shapes()
CHILDREN = (
    ("JourneySessionSettings", "journey"),
    ("AuthenticatedSessionSettings", "authenticated"),
    ("SigningSecret", "signing-secret"),
)


def probe(kind, name, realm, opts, baseline=None):
    shape = SHAPES[kind]
    inputs = for_realm(shape["inputs"], realm)
    for key in shape["secret_inputs"]:
        inputs[key] = pulumi.Output.secret(inputs[key])
    if baseline is not None and "__baseline" in inputs:
        inputs["__baseline"] = getattr(baseline, "observed")
    if shape["secret_outputs"]:
        secret = pulumi.ResourceOptions(additional_secret_outputs=shape["secret_outputs"])
        opts = pulumi.ResourceOptions.merge(opts, secret)
    resource = MirrorProbe(kind, name, inputs, list(shape["outputs"]), opts)
    track_as_one(resource)  # the SDK waits for its outputs as for ours (`sdk_wait`)
    return resource


def pick(ref, resources, realm):
    if "from" in ref:
        kind, key = ref["from"]
        return getattr(resources[kind], key)
    return for_realm(ref["value"], realm)


class MirrorRealm(pulumi.ComponentResource):
    """A component class, as ours is (the floor's `ProbeRealm` says why)."""

    def __init__(self, name):
        super().__init__("bench:index:MirrorRealm", name)


def declare(realm):
    name = SHAPES["name"].replace("r1", realm)
    parent = MirrorRealm(name)
    baseline = probe("RealmBaseline", f"{name}-baseline", realm,
                     pulumi.ResourceOptions(parent=parent))
    child = pulumi.ResourceOptions(
        parent=parent,
        aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)],
        depends_on=[baseline],
    )
    resources = {"RealmBaseline": baseline}
    for kind, suffix in CHILDREN:
        resources[kind] = probe(kind, f"{name}-{suffix}", realm, child, baseline)
    parent.register_outputs({k: pick(r, resources, realm) for k, r in SHAPES["component"].items()})
    return {k: pick(r, resources, realm) for k, r in SHAPES["realm_outputs"].items()}


exported = {f"r{i}": declare(f"r{i}") for i in range(1, realms + 1)}
for key, value in SHAPES["stack"].items():
    pulumi.export(key, value)
pulumi.export("realms", exported)
'''


@dataclass(frozen=True)
class Counts:
    """Admin-API requests as the emulator counted them."""

    reads: int  # GET of realm configuration
    writes: int  # PUT/POST/DELETE of realm configuration
    journeys: int  # POST .../realms/<realm>/authenticate: a journey started (end-user, no admin)
    other: int  # admin login, token, server info, IDM
    total: int
    authn_reads: int = 0  # GET of a realm's authentication document
    service_reads: int = 0  # GET of a realm's Session service

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Counts:
        counts: dict[str, int] = snapshot["counts"]

        def tally(method: str, test: Callable[[str], bool]) -> int:
            return sum(n for key, n in counts.items() if key.startswith(method) and test(key))

        reads = tally("GET ", lambda key: "-config/" in key)
        journeys = tally("POST ", lambda key: "/realms/root/realms/" in key and _login(key))
        writes, total = int(snapshot["writes"]), int(snapshot["total"])
        return cls(
            reads,
            writes,
            journeys,
            total - reads - writes - journeys,
            total,
            tally("GET ", lambda key: key.endswith("/realm-config/authentication")),
            tally("GET ", lambda key: key.endswith("/realm-config/services/session")),
        )

    def __str__(self) -> str:
        return f"{self.reads} / {self.writes} / {self.journeys} / {self.other}"


def _login(key: str) -> bool:
    return key.endswith("/authenticate")


class Meter:
    """WSGI middleware: peak admin-API requests in flight, and bytes of config writes."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self.app = app
        self.in_flight = 0
        self.peak = 0
        self.write_bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith("/__emulator"):
            return self.app(environ, start_response)
        written = int(environ.get("CONTENT_LENGTH") or 0) if "-config/" in path else 0
        self._enter(0 if environ.get("REQUEST_METHOD") == "GET" else written)
        try:
            return self.app(environ, start_response)
        finally:
            self._leave()

    def _enter(self, written: int) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.write_bytes += written

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def reset(self) -> None:
        with self._lock:
            self.peak = self.in_flight
            self.write_bytes = 0


class BenchEmulator:
    """The emulator on an ephemeral port of 127.0.0.1, in a thread of this process."""

    def __init__(self, flavour: str, realms: list[str] | None = None) -> None:
        self.emulator = Emulator(flavour, realms)
        self.meter = Meter(create_app(self.emulator))
        self._server = make_server(
            "127.0.0.1", 0, self.meter, threaded=True, request_handler=QuietRequestHandler
        )
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/am"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> BenchEmulator:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def clear(self) -> None:
        self.emulator.requests.clear()
        self.meter.reset()

    def counts(self) -> Counts:
        return Counts.from_snapshot(self.emulator.requests.snapshot())

    def add_latency(self, method: str, path: str, delay_ms: int, count: int) -> None:
        spec = {"method": method, "path": path, "kind": "latency", "delayMs": delay_ms}
        self.emulator.faults.add(parse_fault({**spec, "count": count}))

    def clear_latency(self) -> None:
        self.emulator.faults.clear()

    def trees(self, realm: str) -> dict[str, Any]:
        """The realm's journey settings as the emulator holds them (to check a run's effect)."""
        with self.emulator.store.lock:
            realms = self.emulator.store.state["realms"]
            return dict(realms[f"/{realm}"]["authentication"]["trees"])


@dataclass(frozen=True)
class Run:
    seconds: float
    output: str
    cpu: float  # CPU seconds of all the command's processes (processes.tree_cpu)


class Project:
    """A copy of a Pulumi project with its own file backend and stack."""

    def __init__(self, directory: Path, env: dict[str, str], config_file: str) -> None:
        self.directory = directory
        self.config_file = directory / config_file
        self.backend = directory.parent / f"{directory.name}-backend"
        self.backend.mkdir(parents=True, exist_ok=True)
        self.env = {**env, "PULUMI_BACKEND_URL": f"file://{self.backend}"}

    def pulumi(self, *args: str, interrupt_ignored: bool = False) -> Run:
        """Run one command as a user's shell does; `interrupt_ignored`: as a background job of
        a non-interactive shell does (SIGINT ignored, which children inherit)."""
        command = self.command(*args)
        with tree_cpu() as cpu:
            started = time.perf_counter()
            proc = subprocess.run(  # noqa: S603 (our own argument list, no shell)
                command,
                cwd=self.directory,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
                preexec_fn=_ignore_interrupt if interrupt_ignored else None,
            )
            seconds = time.perf_counter() - started
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{proc.stdout}\n{proc.stderr}")
        return Run(seconds, proc.stdout, cpu.seconds)

    def command(self, *args: str) -> list[str]:
        return ["pulumi", "--non-interactive", *args, "--stack", STACK]

    def cpu_split(self, *args: str) -> dict[str, float]:
        """One more run of the command, sampled: CPU seconds per process (`processes.py`)."""
        return split_cpu(self.command(*args), self.directory, self.env, COMMAND_TIMEOUT)

    def init(self) -> None:
        self.pulumi("stack", "init")

    def state_bytes(self) -> int:
        """Size of the stack's state file: what the file backend writes at every checkpoint."""
        [state] = self.backend.glob(f".pulumi/stacks/*/{STACK}.json")
        return state.stat().st_size

    def write_config(self, config: dict[str, Any]) -> None:
        self.config_file.write_text(yaml.safe_dump({"config": config}))


def our_project(directory: Path, env: dict[str, str]) -> Project:
    """This repository's program and Pulumi.yaml (virtualenv made absolute)."""
    directory.mkdir(parents=True)
    text = (REPO / "Pulumi.yaml").read_text()
    (directory / "Pulumi.yaml").write_text(text.replace("virtualenv: .venv", f"virtualenv: {VENV}"))
    shutil.copy(REPO / "__main__.py", directory / "__main__.py")
    (directory / "stacks").mkdir()
    return Project(directory, env, f"stacks/Pulumi.{STACK}.yaml")


def baseline_project(
    directory: Path,
    env: dict[str, str],
    realms: int,
    *,
    component: bool = True,
    baseline: bool = True,
    as_one: bool = True,
    tuned: bool = True,
) -> Project:
    """Our resource graph for `realms` realms in EngineProbes, on the same virtualenv; without
    the component or the baseline when told (what those registrations cost by themselves), with
    the SDK waiting for each output apart when `as_one` is False, and the collector at Python's
    defaults when `tuned` is False (both as a plain program has them)."""
    directory.mkdir(parents=True)
    (directory / "Pulumi.yaml").write_text(
        "name: bench-baseline\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {VENV}\n"
    )
    (directory / "__main__.py").write_text(BASELINE_PROGRAM)
    probe_env = {**env, "PYTHONPATH": PROBE_PATH}
    project = Project(directory, probe_env, f"Pulumi.{STACK}.yaml")
    project.write_config(
        {
            "bench-baseline:realms": str(realms),
            "bench-baseline:component": str(component).lower(),
            "bench-baseline:baseline": str(baseline).lower(),
            "bench-baseline:asOne": str(as_one).lower(),
            "bench-baseline:tuned": str(tuned).lower(),
        }
    )
    return project


def data_project(directory: Path, env: dict[str, str], realms: int, shapes: Path) -> Project:
    """The data floor for `realms` realms (`DATA_PROGRAM`), on the same virtualenv."""
    directory.mkdir(parents=True)
    (directory / "Pulumi.yaml").write_text(
        "name: bench-data\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {VENV}\n"
    )
    (directory / "__main__.py").write_text(DATA_PROGRAM)
    probe_env = {**env, "PYTHONPATH": PROBE_PATH, SHAPES_VARIABLE: str(shapes)}
    project = Project(directory, probe_env, f"Pulumi.{STACK}.yaml")
    project.write_config({"bench-data:realms": str(realms)})
    return project


SECRET = ("4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270")  # sig, secret
KINDS = ("RealmBaseline", "JourneySessionSettings", "AuthenticatedSessionSettings", "SigningSecret")


def data_shapes(ours: Project, realm: str = "r1") -> dict[str, Any]:
    """What our stack holds for `realm` (`pulumi stack export --show-secrets`): each resource's
    inputs, outputs and which are secret, the component's outputs and the stack outputs, with
    outputs that repeat a resource's output named after it (the shapes file of the data floor)."""
    state = json.loads(ours.pulumi("stack", "export", "--show-secrets").output)
    resources = state["deployment"]["resources"]
    found: dict[str, Any] = {}
    component: dict[str, Any] = {}
    stack: dict[str, Any] = {}
    for res in resources:
        kind = res["type"].rsplit(":", 1)[-1]
        if kind in KINDS and res.get("inputs", {}).get("realm") == realm:
            inputs, secret_inputs = _plain(res.get("inputs", {}))
            outputs, secret_outputs = _plain(res.get("outputs", {}))
            found[kind] = {
                "inputs": inputs,
                "secret_inputs": secret_inputs,
                "outputs": outputs,
                "secret_outputs": secret_outputs,
            }
        elif kind == "RealmSessionSettings" and res["urn"].endswith(f"-{realm}"):
            found["name"] = res["urn"].rsplit("::", 1)[-1]
            component = _plain(res.get("outputs", {}))[0]
        elif res["type"] == "pulumi:pulumi:Stack":
            stack = _plain(res.get("outputs", {}))[0]
    found["component"] = _refs(component, found)
    found["realm_outputs"] = _refs(stack.pop("realms")[realm], found)
    found["stack"] = stack
    return found


def _plain(props: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Properties without `__provider` (which must be plain, as the mirrors store theirs) and
    without secret envelopes; the secret ones' names."""
    plain, secret = {}, []
    for key, value in props.items():
        if key == "__provider":
            if not isinstance(value, str):
                raise ValueError("our pickled provider is a secret: make the mirrors' one too")
            continue
        if isinstance(value, dict) and value.get(SECRET[0]) == SECRET[1]:
            secret.append(key)
            value = json.loads(value["plaintext"]) if "plaintext" in value else value.get("value")
        plain[key] = value
    return plain, secret


def _refs(outputs: dict[str, Any], found: dict[str, Any]) -> dict[str, Any]:
    """Each output as a reference to the resource output it repeats (the same name at the end
    of its own, else the same value), as ours derives them; otherwise its value."""
    refs: dict[str, Any] = {}
    for key, value in outputs.items():
        candidates = [
            (kind, name)
            for kind in KINDS[::-1]
            for name, other in found.get(kind, {}).get("outputs", {}).items()
            if other == value and not name.startswith("__")
        ]
        named = [c for c in candidates if key.lower().endswith(c[1].lower())]
        chosen = (named or candidates)[:1]
        refs[key] = {"from": list(chosen[0])} if chosen else {"value": value}
    return refs


def stack_config(base_url: str, realms: Iterable[str], max_duration: int = 5) -> dict[str, Any]:
    """Our stack: per realm the page's defaults (a generated signing secret); the first realm's
    maxDuration as given."""
    entries: list[dict[str, Any]] = []
    for i, name in enumerate(realms):
        entry: dict[str, Any] = {"name": name, "journey": {"maxDurationMinutes": 5}}
        if i == 0:
            entry["journey"]["maxDurationMinutes"] = max_duration
        entries.append(entry)
    return {
        "aic-sessions:environment": "bench",
        "aic-sessions:baseUrl": base_url,
        "aic-sessions:realms": entries,
    }


def _ignore_interrupt() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def interrupt_was_ignored() -> bool:
    """Give this process (and so every command it starts) Python's SIGINT handler; True when it
    was started with SIGINT ignored. A command inherits an ignored SIGINT, and with it the
    engine's language host then ignores the engine's SIGINT and is killed 5 s later: every
    command would carry 5 s that a user at a terminal does not pay."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return ignored


def engine_env() -> dict[str, str]:
    """The environment `scripts/with-engine` built (make bench runs us through it)."""
    if shutil.which("pulumi") is None:
        raise SystemExit("bench: no `pulumi` on PATH; run `make bench` (or scripts/with-engine)")
    env = dict(os.environ)
    env.pop("PULUMI_BACKEND_URL", None)
    return env


def median(values: list[float]) -> float:
    return statistics.median(values)
