"""`aic-sessions verify --stack` in a user's own project, whatever its config schema.

`--stack` works in any project: the intent comes from the session resources in the stack's
state (no passphrase needed), not from this repository's config schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import library_project
from tests.verify.util import run_verify, tenant_for

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
from aic_sessions import JourneyOptions, RealmSessionSettings

config = pulumi.Config()
for name in ("alpha", "bravo"):
    RealmSessionSettings(
        name,
        base_url=config.require("tenant"),
        realm=name,
        journey=JourneyOptions(max_duration_minutes=7),
    )
"""


def test_verify_a_library_projects_stack_from_its_resources(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    project = tmp_path / "acme-identity"
    cli = library_project(project, "acme-identity", PROGRAM, engine_env, aic_emulator)
    tenant = tenant_for(aic_emulator)
    env = {**engine_env, **tenant.env, "AIC_BASE_URL": None, "PULUMI_CONFIG_PASSPHRASE": None}
    args = ("--stack", "dev", "--project-dir", str(project), "--json")

    never = run_verify(env, *args)
    assert never.exit_code == 2
    assert "has no deployed session resources; run `pulumi up` first" in never.output

    cli.run("up", "--yes", "--skip-preview")
    deployed = run_verify(env, *args)
    assert deployed.exit_code == 0, deployed.output
    report = json.loads(deployed.stdout)
    assert report["baseUrl"] == aic_emulator.base_url
    assert [r["realm"] for r in report["realms"]] == ["/alpha", "/bravo"]
    assert "Field required" not in deployed.output

    tenant.configure("bravo", stateless_sessions=True)
    drifted = run_verify(env, *args, "--realm", "bravo")
    assert drifted.exit_code == 1
    assert json.loads(drifted.stdout)["realms"][0]["passed"] is False

    cli.run("destroy", "--yes", "--skip-preview")
    gone = run_verify(env, *args)
    assert gone.exit_code == 2, "a destroyed stack has nothing to verify"
