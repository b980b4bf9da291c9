"""Two working copies of the project on one PostgreSQL backend: shared state and its lock.

As a team works: engineer A deploys, engineer B (another clone of the same commit) previews and
sees nothing to do; A and B run `up` at the same time and the backend's lock keeps the state
whole: the loser stops with a message naming the lock, never the database password.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from aic_emulator.testing import EmulatorServer
from aic_sessions.domain.namespace import config_key

from tests.engine.project import copy_project, emulator_cli, new_stack, realm
from tests.engine_cli import PulumiCLI
from tests.team.conftest import Backend

pytestmark = pytest.mark.engine

STACK = "dev"
REALMS = [realm("alpha"), realm("bravo")]
LOCKED = "the stack is currently locked by 1 lock(s)"
# The engine lists the stack's locks, then reads each (backend/diy/lock.go, checkForLock): the
# other run's lock removed in between fails the lock check with this instead (observed).
LOCK_GONE = "key not found: sql: no rows in result set"


def clones(
    tmp_path: Path, backend: Backend, emulator: EmulatorServer
) -> tuple[PulumiCLI, PulumiCLI]:
    """Clone A creates and deploys the stack; clone B has the same files (as after a git pull)."""
    a = new_stack(tmp_path / "a", backend.env, emulator, REALMS, stack=STACK)
    a.run("up", "--yes", "--skip-preview", "--stack", STACK)
    b_dir = copy_project(tmp_path / "b")
    shutil.copy(a.cwd / "stacks" / f"Pulumi.{STACK}.yaml", b_dir / "stacks")
    return a, emulator_cli(b_dir, backend.env, emulator)


def change_both(a: PulumiCLI, b: PulumiCLI, minutes: int) -> None:
    """The same commit in both clones: alpha's journey max duration changes."""
    path = a.cwd / "stacks" / f"Pulumi.{STACK}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"][config_key("realms")][0]["journey"] = {"maxDurationMinutes": minutes}
    path.write_text(yaml.safe_dump(document))
    shutil.copy(path, b.cwd / "stacks")


def popen_up(cli: PulumiCLI) -> subprocess.Popen[str]:
    return cli.start("up", "--yes", "--skip-preview", "--stack", STACK, output=subprocess.PIPE)


# The stack itself; per realm (alpha, bravo) a RealmSessionSettings with its baseline and three
# resources (these tests' realms store no secret in an ESV).
DEV_RESOURCES = 1 + 2 * 5


def deployed_minutes(cli: PulumiCLI) -> int:
    realms = json.loads(cli.run("stack", "output", "realms", "--json", "--stack", STACK).stdout)
    return int(realms["alpha"]["journeyMaxDurationMinutes"])


def assert_whole_and_current(backend: Backend, *copies: PulumiCLI) -> None:
    """No lock left, the checkpoint parses with every resource, and no copy sees changes."""
    assert backend.locks() == []
    deployment = json.loads(copies[0].run("stack", "export", "--stack", STACK).stdout)["deployment"]
    resources = [
        r for r in deployment["resources"] if not r["type"].startswith("pulumi:providers:")
    ]
    assert len(resources) == DEV_RESOURCES
    assert not deployment.get("pending_operations"), "no operation was left half-done"
    for cli in copies:
        preview = cli.run("preview", "--expect-no-changes", "--stack", STACK)
        assert f"{DEV_RESOURCES} unchanged" in preview.stdout


def test_second_clone_previews_no_changes(
    tmp_path: Path, team_backend: Backend, aic_emulator: EmulatorServer
) -> None:
    _, b = clones(tmp_path, team_backend, aic_emulator)
    aic_emulator.clear_requests()
    preview = b.run("preview", "--expect-no-changes", "--stack", STACK)
    assert f"{DEV_RESOURCES} unchanged" in preview.stdout
    assert aic_emulator.request_counts()["writes"] == 0
    stacks = team_backend.postgres.sql(
        f"SELECT key FROM {team_backend.table} WHERE key LIKE '%/.pulumi/stacks/%'"
    )
    assert any(key.endswith(f"/{STACK}.json") for key in stacks), stacks
    assert not (tmp_path / "a" / ".pulumi").exists(), "no local state next to the project"


def test_concurrent_up_loser_stops_on_the_lock(
    tmp_path: Path, team_backend: Backend, aic_emulator: EmulatorServer
) -> None:
    a, b = clones(tmp_path, team_backend, aic_emulator)
    change_both(a, b, 7)
    aic_emulator.inject_fault(
        method="PUT", path="/realm-config/", kind="latency", delayMs=2000, count=4
    )
    first = popen_up(a)
    deadline = time.monotonic() + 120
    while not team_backend.locks():
        assert first.poll() is None, first.communicate()[0]
        assert time.monotonic() < deadline, "A's up never took the lock"
        time.sleep(0.2)

    second = b.run("up", "--yes", "--skip-preview", "--stack", STACK, check=False)
    output_a = first.communicate(timeout=300)[0]

    assert first.returncode == 0, output_a
    assert second.returncode != 0
    assert LOCKED in second.stdout + second.stderr
    assert team_backend.postgres.password not in second.stdout + second.stderr + output_a
    assert deployed_minutes(b) == 7
    history = json.loads(b.run("stack", "history", "--json", "--stack", STACK).stdout)
    assert [h["result"] for h in history] == ["succeeded", "succeeded"]
    assert_whole_and_current(team_backend, a, b)


def test_simultaneous_ups_keep_the_state_whole(
    tmp_path: Path, team_backend: Backend, aic_emulator: EmulatorServer
) -> None:
    """Started together, each up either applies or stops at the lock check (the lock, or the
    other's lock gone while it was read); nothing else happens."""
    a, b = clones(tmp_path, team_backend, aic_emulator)
    change_both(a, b, 9)
    aic_emulator.inject_fault(
        method="PUT", path="/realm-config/", kind="latency", delayMs=2000, count=4
    )
    runs = [popen_up(a), popen_up(b)]
    outputs = [run.communicate(timeout=300)[0] for run in runs]

    for run, output in zip(runs, outputs, strict=True):
        assert run.returncode == 0 or LOCKED in output or LOCK_GONE in output, output
    assert sum(run.returncode == 0 for run in runs) <= 1, "the lock lets one up at a time"
    if all(run.returncode != 0 for run in runs):  # both saw each other's lock: nothing applied
        a.run("up", "--yes", "--skip-preview", "--stack", STACK)
    assert deployed_minutes(a) == 9
    assert_whole_and_current(team_backend, a, b)
