"""`RealmSessionSettings` through the real engine: a stack that declared the three resources
directly moves under the component without replacing, re-creating or writing anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import library_project
from tests.engine.test_resources_e2e import writes

pytestmark = pytest.mark.engine

DIRECT = """\
import pulumi
from aic_sessions import AuthenticatedSessionSettings, JourneySessionSettings, SigningSecret

url = pulumi.Config().require("tenant")
JourneySessionSettings("dev-alpha-journey", base_url=url, realm="alpha")
AuthenticatedSessionSettings("dev-alpha-authenticated", base_url=url, realm="alpha")
SigningSecret("dev-alpha-signing-secret", base_url=url, realm="alpha")
"""
COMPONENT = """\
import pulumi
from aic_sessions import RealmSessionSettings

RealmSessionSettings("dev-alpha", base_url=pulumi.Config().require("tenant"), realm="alpha")
"""


def test_direct_resources_move_under_the_component_unchanged(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    project = tmp_path / "project"
    cli = library_project(project, "moving", DIRECT, engine_env, aic_emulator)
    cli.run("up", "--yes", "--skip-preview")
    digest = aic_emulator.secret_digest("alpha")

    (project / "__main__.py").write_text(COMPONENT)
    aic_emulator.clear_requests()
    preview = json.loads(cli.run("preview", "--json").stdout)
    steps = [(step["urn"].rsplit("::", 1)[1], step["op"]) for step in preview["steps"]]
    # Unchanged resources get no step (or "same"); without the aliases each child would be
    # deleted under its old URN and created under the new one.
    changed = [(name, op) for name, op in steps if op != "same"]
    # The component and its baseline (which only reads) are new; nothing else changes.
    assert sorted(changed) == [("dev-alpha", "create"), ("dev-alpha-baseline", "create")], steps
    assert preview["changeSummary"].get("create") == 2, preview["changeSummary"]

    cli.run("up", "--yes", "--skip-preview")
    assert writes(aic_emulator) == 0
    assert aic_emulator.secret_digest("alpha") == digest, "the generated secret was kept"
    cli.run("preview", "--expect-no-changes")
