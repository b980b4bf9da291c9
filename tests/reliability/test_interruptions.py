"""An interrupted deployment converges, and `destroy` then restores the realms' true originals.

A 20-realm create killed part-way: the next `up` must not record the stack's own values as
the realms' "prior" ones (every realm's prior values are in state, `RealmBaseline`, before
anything writes to it), the language host and provider processes end with the engine, and the
recovery below is the one docs/recovery.md documents.

Each round: a fresh stack over the same 20 realms, `up` killed at a random moment (SIGKILL or
SIGTERM of the engine, or SIGKILL of the provider), no process of the deployment left, no
admin session left open by an engine's kill (a killed provider's idles out in AM), the
documented recovery, convergence, `destroy`, and every realm document (and Session service)
equal to what it was before the first round.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import SessionServicePatch

from tests.emulator.util import admin_headers
from tests.reliability.deployment import (
    UP,
    Deployment,
    admin_credentials,
    assert_converged,
    deploy,
    open_admin_sessions,
    reader,
    writes,
)
from tests.reliability.test_parallel_realms import intended
from tests.values import present

pytestmark = pytest.mark.engine

REALMS = 20
# One round per kind of kill by default (about 50 s each); AIC_TEST_KILL_ROUNDS=10 for more.
ROUNDS = int(os.environ.get("AIC_TEST_KILL_ROUNDS", "3"))
KILLS = ("engine-SIGKILL", "engine-SIGTERM", "provider-SIGKILL")
WRITES = 3 * REALMS + REALMS // 2  # one per resource, and the Session service of even realms
RECOVERY = (
    ("cancel", "--yes"),
    ("refresh", "--yes", "--skip-preview", "--clear-pending-creates"),
    UP,
)


@pytest.fixture
def realms() -> Iterator[EmulatorServer]:
    with EmulatorServer(flavour="am", realms=[f"r{i}" for i in range(1, REALMS + 1)]) as server:
        yield server


def realm_url(emulator: EmulatorServer, name: str, what: str) -> str:
    return f"{emulator.base_url}/json/realms/root/realms/{name}/realm-config/{what}"


def set_originals(emulator: EmulatorServer) -> None:
    """Originals unlike the stack's values, so restoring the wrong ones cannot pass."""
    headers = admin_headers(emulator)
    for i in range(1, REALMS + 1):
        body = {
            "trees": {
                "authenticationSessionsStateManagement": "JWT",
                "authenticationSessionsMaxDuration": 3 + i,
            },
            "general": {"statelessSessionsEnabled": True},
        }
        answer = requests.put(
            realm_url(emulator, f"r{i}", "authentication"), json=body, headers=headers, timeout=10
        )
        assert answer.status_code == 200, answer.text


def snapshot(emulator: EmulatorServer) -> dict[str, Any]:
    """Every realm's authentication document (without `_rev`) and Session service (or None)."""
    headers = admin_headers(emulator)
    found: dict[str, Any] = {}
    for i in range(1, REALMS + 1):
        name = f"r{i}"
        auth = requests.get(
            realm_url(emulator, name, "authentication"), headers=headers, timeout=10
        )
        service = requests.get(
            realm_url(emulator, name, "services/session"), headers=headers, timeout=10
        )
        found[name] = {
            "authentication": {k: v for k, v in auth.json().items() if k != "_rev"},
            "session": service.json() if service.status_code == 200 else None,
            "secret": emulator.secret_digest(name),
        }
    return found


def deployment_processes(log_dir: Path) -> list[int]:
    """PIDs of the deployment's Python processes (program, provider, policy pack): the log hook
    variable names this round's folder."""
    marker = f"AIC_TEST_LOG_DIR={log_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def providers(log_dir: Path) -> list[int]:
    pids = []
    for pid in deployment_processes(log_dir):
        try:
            if b"pulumi.dynamic" in Path(f"/proc/{pid}/cmdline").read_bytes():
                pids.append(pid)
        except OSError:
            continue
    return pids


def interrupt(deployment: Deployment, how: str, after_writes: int) -> None:
    """Start `up`, kill it (or its provider) once the tenant has taken `after_writes` writes,
    and wait for the engine to end."""
    deployment.emulator.clear_requests()
    engine = deployment.cli.start(*UP)
    deadline = time.monotonic() + 120
    while writes(deployment.emulator) < after_writes and time.monotonic() < deadline:
        assert engine.poll() is None, "up ended before the chosen moment"
        time.sleep(0.02)
    if how == "provider-SIGKILL":
        for pid in providers(deployment.log_dir):
            os.kill(pid, signal.SIGKILL)
    else:
        engine.send_signal(signal.SIGKILL if how == "engine-SIGKILL" else signal.SIGTERM)
    try:
        engine.wait(timeout=120)
    except subprocess.TimeoutExpired:
        engine.kill()
        engine.wait()


def remove_empty_checkpoint_attributes(deployment: Deployment) -> None:
    """docs/recovery.md's first step on the file backend. The checkpoint itself is written
    atomically (a temporary file, then a rename), but its metadata sidecar
    `<stack>.json.attrs` is not: a kill while it is written leaves it empty, and every command
    then fails with "failed to load checkpoint: EOF" (observed). An empty sidecar holds nothing:
    it is removed."""
    probe = deployment.run("stack", "export", check=False)
    if "failed to load checkpoint" not in probe.stdout + probe.stderr:
        return
    (attributes,) = deployment.backend.glob(".pulumi/stacks/**/reliability.json.attrs")
    assert attributes.stat().st_size == 0, f"{attributes} is not the empty sidecar"
    attributes.unlink()


def assert_nothing_left(log_dir: Path, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while deployment_processes(log_dir) and time.monotonic() < deadline:
        time.sleep(0.5)
    left = deployment_processes(log_dir)
    assert not left, f"processes of the interrupted deployment still run: {left}"


def test_interrupted_creates_converge_and_destroy_restores_the_originals(
    tmp_path: Path, engine_env: dict[str, str], realms: EmulatorServer
) -> None:
    set_originals(realms)
    originals = snapshot(realms)
    specs = [intended(i) for i in range(1, REALMS + 1)]
    seed = int(os.environ.get("AIC_TEST_SEED", time.time()))
    print(f"kill points: AIC_TEST_SEED={seed} AIC_TEST_KILL_ROUNDS={ROUNDS}")
    rng = random.Random(seed)
    for round_no in range(ROUNDS):
        how = KILLS[round_no % len(KILLS)]
        after = rng.randint(1, WRITES - 1)
        where = tmp_path / f"round{round_no}"
        deployment = deploy(where, engine_env, realms, specs, admin_credentials(realms))
        realms.inject_fault(
            method="PUT", path="/realm-config/", kind="latency", delayMs=40, count=999
        )
        open_before = open_admin_sessions(realms)
        interrupt(deployment, how, after)
        assert_nothing_left(deployment.log_dir)
        if how != "provider-SIGKILL":  # a killed provider cannot end its session (AM idles it out)
            assert open_admin_sessions(realms) == open_before, f"{how}: an admin session is open"
        realms.clear_faults()
        remove_empty_checkpoint_attributes(deployment)
        for step in RECOVERY:
            deployment.run(*step)
        assert_converged(deployment)
        deployment.run("destroy", "--yes", "--skip-preview")
        deployment.run("stack", "rm", "--yes")
        now = snapshot(realms)
        changed = sorted(
            name
            for name in originals
            if {**now[name], "secret": None} != {**originals[name], "secret": None}
        )
        assert not changed, f"seed {seed} round {round_no} ({how} after {after}): {changed} differ"


def test_a_write_applied_but_unanswered_still_restores_the_originals(
    tmp_path: Path, engine_env: dict[str, str], realms: EmulatorServer
) -> None:
    """The server applies a write and the connection drops before the answer (every retry too):
    the create fails with the realm half-written; the next up and destroy still converge on
    the original values, because the baseline was in state before the write."""
    set_originals(realms)
    originals = snapshot(realms)
    specs = [intended(i) for i in range(1, 4)]
    deployment = deploy(tmp_path, engine_env, realms, specs, admin_credentials(realms))
    realms.inject_fault(
        method="PUT", path="/realms/r2/realm-config/authentication", kind="drop-after", count=50
    )
    failed = deployment.run(*UP, check=False)
    assert failed.returncode != 0
    realms.clear_faults()
    deployment.run(*UP)
    assert_converged(deployment)
    deployment.run("destroy", "--yes", "--skip-preview")
    now = snapshot(realms)
    for name in ("r1", "r2", "r3"):
        assert {**now[name], "secret": None} == {**originals[name], "secret": None}, name


@pytest.mark.parametrize("after_recovery", ["destroy", "revert-up-destroy"])
def test_update_killed_while_adding_an_attribute_still_restores_it(
    tmp_path: Path, engine_env: dict[str, str], realms: EmulatorServer, after_recovery: str
) -> None:
    """An update killed after it wrote a newly managed `quotaLimit` (before the engine recorded
    it), docs/recovery.md's recovery, then `destroy` (or a reverted config, `up` and `destroy`):
    the realm's original value is back, because the baseline knows every attribute declared
    before any write of it (not only those the resource's state lists)."""
    set_originals(realms)
    with reader(realms) as client:  # a Session service of its own, so the value must be put back
        if client.read_session_service("r2") is None:
            client.add_session_service("r2", SessionServicePatch(max_session_time=90))
        client.update_session_service("r2", SessionServicePatch(quota_limit=11))
    originals = snapshot(realms)
    spec = intended(2)
    deployment = deploy(tmp_path, engine_env, realms, [spec], admin_credentials(realms))
    deployment.run(*UP)
    added = {**spec, "authenticated": {**spec["authenticated"], "quotaLimit": 7}}
    deployment.set_realms([added])
    for method in ("PUT", "POST"):  # the write is applied, its answer is late: kill meanwhile
        realms.inject_fault(
            method=method,
            path="/realms/r2/realm-config/services/session",
            kind="slow-answer",
            delayMs=8000,
            count=5,
        )
    interrupt(deployment, "engine-SIGKILL", after_writes=1)
    assert_nothing_left(deployment.log_dir)
    realms.clear_faults()
    with reader(realms) as client:
        assert present(client.read_session_service("r2")).quota_limit == 7, (
            "the write was not applied"
        )
    remove_empty_checkpoint_attributes(deployment)
    for step in RECOVERY[:-1]:
        deployment.run(*step)
    if after_recovery == "revert-up-destroy":
        deployment.set_realms([spec])
        deployment.run(*UP)
    deployment.run("destroy", "--yes", "--skip-preview")
    now, then = snapshot(realms)["r2"], originals["r2"]
    assert now["authentication"] == then["authentication"]
    assert {**now["session"], "_rev": None} == {**then["session"], "_rev": None}
