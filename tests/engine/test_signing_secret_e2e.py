"""SigningSecret and onDelete through the real engine: ESV references, rotation, retain."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch

from tests.engine.project import new_stack, realm, write_stack
from tests.engine.test_resources_e2e import admin

pytestmark = pytest.mark.engine


def test_esv_reference_is_written_and_its_drift_detected(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    esv = {"source": "esv", "esvReference": "esv-alpha-signing-secret"}
    cli = new_stack(
        tmp_path / "project", engine_env, aic_emulator, [realm("alpha", signingSecret=esv)]
    )
    cli.run("up", "--yes", "--skip-preview")
    client = admin(aic_emulator)
    security = client.read_authentication_settings("alpha").security
    assert security.shared_secret == {"$string": "&{esv.alpha.signing.secret}"}
    cli.run("preview", "--expect-no-changes")

    client.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(shared_secret_reference="&{esv.someone.else}")
    )
    cli.run("refresh", "--yes", "--skip-preview")
    assert cli.run("preview", "--expect-no-changes", check=False).returncode != 0
    cli.run("up", "--yes", "--skip-preview")
    security = client.read_authentication_settings("alpha").security
    assert security.shared_secret == {"$string": "&{esv.alpha.signing.secret}"}


def test_rotation_and_given_values(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, [realm("alpha")])
    cli.run("up", "--yes", "--skip-preview")
    generated = aic_emulator.secret_digest("alpha")

    write_stack(
        cli.cwd,
        "e2e",
        {
            "environment": "dev",
            "baseUrl": aic_emulator.base_url,
            "realms": [realm("alpha", signingSecret={"rotationTrigger": "2026-11"})],
        },
    )
    cli.run("up", "--yes", "--skip-preview")
    rotated = aic_emulator.secret_digest("alpha")
    assert rotated != generated, "changing rotationTrigger rotates a generated secret"
    cli.run("preview", "--expect-no-changes")

    given = base64.b64encode(os.urandom(32)).decode()
    write_stack(
        cli.cwd,
        "e2e",
        {
            "environment": "dev",
            "baseUrl": aic_emulator.base_url,
            "realms": [realm("alpha", signingSecret={"source": "given"})],
        },
    )
    cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", given)
    out = cli.run("up", "--yes", "--skip-preview")
    assert given not in out.stdout
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(given.encode()).hexdigest()


def test_retain_leaves_the_tenant_as_it_is(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = new_stack(
        tmp_path / "project", engine_env, aic_emulator, [realm("alpha", onDelete="retain")]
    )
    cli.run("up", "--yes", "--skip-preview")
    cli.run("destroy", "--yes", "--skip-preview")
    settings = admin(aic_emulator).read_authentication_settings("alpha")
    assert settings.trees.state_management == "CTS"
