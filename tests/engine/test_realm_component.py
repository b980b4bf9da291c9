"""`RealmSessionSettings` through the real engine: a stack that declared the three resources
directly moves under the component without replacing, re-creating or writing anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient

from tests.client.conftest import sa_client
from tests.engine.project import library_project
from tests.engine.test_resources_e2e import writes
from tests.values import present

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


def assert_journey_as(client: AdminClient, before: Any) -> None:
    """alpha's journey settings are as `before` (the realm's, before the first deployment)."""
    after = present(client.read_authentication_settings("alpha").trees)
    assert (after.state_management, after.max_duration) == (
        before.state_management,
        before.max_duration,
    )


DIRECT_CHANGING = """\
import pulumi
from aic_sessions import AuthenticatedSessionSettings, JourneySessionSettings, SigningSecret

url = pulumi.Config().require("tenant")
JourneySessionSettings(
    "mv-journey", base_url=url, realm="alpha", max_duration_minutes=12, on_delete="restore"
)
AuthenticatedSessionSettings(
    "mv-authenticated", base_url=url, realm="alpha", max_session_time_minutes=250,
    on_delete="restore",
)
SigningSecret("mv-signing-secret", base_url=url, realm="alpha")
"""
COMPONENT_CHANGING = """\
import pulumi
from aic_sessions import AuthenticatedOptions, JourneyOptions, RealmSessionSettings

RealmSessionSettings(
    "mv",
    base_url=pulumi.Config().require("tenant"),
    realm="alpha",
    on_delete="restore",
    journey=JourneyOptions(max_duration_minutes=12),
    authenticated=AuthenticatedOptions(max_session_time_minutes=250),
)
"""


def test_moved_resources_still_restore_the_realm_s_originals_on_destroy(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """The baseline created when resources that already wrote the realm move under the
    component records their priors, not the stack's own values, as the originals: destroy
    leaves the realm as it was before the first deployment."""
    client = sa_client(aic_emulator)
    before = present(client.read_authentication_settings("alpha").trees)
    service = client.read_session_service("alpha")
    project = tmp_path / "project"
    cli = library_project(project, "moving", DIRECT_CHANGING, engine_env, aic_emulator)
    cli.run("up", "--yes", "--skip-preview")
    assert present(client.read_session_service("alpha")).max_session_time == 250

    (project / "__main__.py").write_text(COMPONENT_CHANGING)
    cli.run("up", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes")
    cli.run("destroy", "--yes", "--skip-preview")
    assert_journey_as(client, before)
    assert client.read_session_service("alpha") == service


RENAMED = """\
import pulumi
from aic_sessions import RealmSessionSettings

RealmSessionSettings(
    "dev-alpha-main",
    base_url=pulumi.Config().require("tenant"),
    realm="alpha",
    opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name="dev-alpha")]),
)
"""


def test_a_component_renamed_with_an_alias_moves_with_no_write(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """The fix the rename refusal names for a program of your own: the old name as an alias.
    The children follow (their names start with the component's), nothing is written, and
    destroy still restores the realm's originals."""
    client = sa_client(aic_emulator)
    before = present(client.read_authentication_settings("alpha").trees)
    project = tmp_path / "project"
    cli = library_project(project, "renaming", COMPONENT, engine_env, aic_emulator)
    cli.run("up", "--yes", "--skip-preview")

    (project / "__main__.py").write_text(RENAMED)
    aic_emulator.clear_requests()
    preview = json.loads(cli.run("preview", "--json").stdout)
    assert set(preview["changeSummary"]) <= {"same"}, preview["changeSummary"]
    cli.run("up", "--yes", "--skip-preview")
    assert writes(aic_emulator) == 0
    cli.run("preview", "--expect-no-changes")
    cli.run("destroy", "--yes", "--skip-preview")
    assert_journey_as(client, before)
