"""`aic-sessions verify --stack` after a real `pulumi up` of a dev-like stack.

up -> verify passes -> client-side sessions switched on out of band -> verify fails and says
why -> `up --refresh` restores the stack's settings -> verify passes again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import new_stack, realm
from tests.verify.util import failed, run_verify, tenant_for

pytestmark = pytest.mark.engine

STACK = "dev"


def test_verify_follows_up_drift_and_restore(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    realms = [
        realm("alpha", journey={"stateManagement": "CTS", "maxDurationMinutes": 10}),
        realm("bravo", authenticated={"clientSideSessions": False}),
    ]
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, realms, stack=STACK)
    project = cli.cwd
    tenant = tenant_for(aic_emulator)
    env = {**tenant.env, "AIC_BASE_URL": None}
    env = {**engine_env, **env}
    args = ("--stack", STACK, "--project-dir", str(project))

    before = run_verify(env, *args)
    assert before.exit_code == 1, "a fresh realm keeps journeys on JWT until the stack is deployed"

    cli.run("up", "--yes", "--skip-preview")
    deployed = run_verify(env, *args)
    assert deployed.exit_code == 0, deployed.output
    assert "2 of 2 realm(s) passed." in deployed.stdout
    from_outputs = run_verify(env, *args, "--intent", "outputs", "--json")
    assert from_outputs.exit_code == 0, from_outputs.output
    assert [r["realm"] for r in json.loads(from_outputs.stdout)["realms"]] == ["/alpha", "/bravo"]

    tenant.configure("bravo", stateless_sessions=True)
    drifted = run_verify(env, *args, "--json")
    assert drifted.exit_code == 1
    passed = {r["realm"]: r["passed"] for r in json.loads(drifted.stdout)["realms"]}
    assert passed == {"/alpha": True, "/bravo": False}
    table = run_verify(env, *args, "--realm", "bravo")
    assert "Client-side sessions are still on" in table.stdout
    only_bravo = run_verify(env, *args, "--realm", "bravo", "--json")
    assert failed(only_bravo)["client-side-sessions"] == ["client-side-sessions-on"]

    cli.run("up", "--yes", "--skip-preview", "--refresh")
    restored = run_verify(env, *args)
    assert restored.exit_code == 0, restored.output
    assert tenant.sessions(realm="alpha") == [] and tenant.sessions(realm="bravo") == []
