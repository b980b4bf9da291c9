"""SigningSecret and onDelete through the real engine: ESV references, rotation, retain."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.client.models import AIC_SECRET_PLACEHOLDER

from tests.client.conftest import sa_client
from tests.engine.project import new_stack, realm, write_stack
from tests.engine_cli import PulumiCLI
from tests.values import present

pytestmark = pytest.mark.engine


def test_esv_reference_is_written_and_its_drift_detected(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    esv = {"source": "esv", "esvReference": "esv-alpha-signing-secret"}
    cli = new_stack(
        tmp_path / "project", engine_env, aic_emulator, [realm("alpha", signingSecret=esv)]
    )
    cli.run("up", "--yes", "--skip-preview")
    client = sa_client(aic_emulator)
    security = client.read_authentication_settings("alpha").security
    assert present(security).shared_secret == {"$string": "&{esv.alpha.signing.secret}"}
    cli.run("preview", "--expect-no-changes")

    client.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(shared_secret_reference="&{esv.someone.else}")
    )
    cli.run("refresh", "--yes", "--skip-preview")
    assert cli.run("preview", "--expect-no-changes", check=False).returncode != 0
    cli.run("up", "--yes", "--skip-preview")
    security = client.read_authentication_settings("alpha").security
    assert present(security).shared_secret == {"$string": "&{esv.alpha.signing.secret}"}


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
    settings = sa_client(aic_emulator).read_authentication_settings("alpha")
    assert present(settings.trees).state_management == "CTS"


def test_frodo_export_import_reset_is_drift_and_repaired(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A full-document `frodo authn export` + `import` writes the tenant placeholder back and so
    points the realm at the tenant secret again. The document looks the same as before (AIC
    shows the placeholder either way); refresh sees it through the journeys' authId signature,
    and the next up puts the stack's secret back."""
    from tests.emulator.test_frodo import frodo, sa_env

    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, [realm("alpha")])
    cli.run("up", "--yes", "--skip-preview")
    ours = aic_emulator.secret_digest("alpha")
    cli.run("preview", "--expect-no-changes", "--refresh")

    env = sa_env(aic_emulator)
    frodo(["authn", "export", "-f", "alpha.json"], tmp_path, env)
    frodo(["authn", "import", "-f", "alpha.json"], tmp_path, env)
    assert aic_emulator.secret_digest("alpha") != ours, "the import reset the secret"

    refreshed = cli.run("refresh", "--yes", "--skip-preview", "--diff")
    assert "secretInEffect" in refreshed.stdout
    assert cli.run("preview", "--expect-no-changes", check=False).returncode != 0
    cli.run("up", "--yes", "--skip-preview")
    assert aic_emulator.secret_digest("alpha") == ours
    cli.run("preview", "--expect-no-changes", "--refresh")


def signing_secret_outputs(cli: PulumiCLI) -> dict[str, Any]:
    deployment = json.loads(cli.run("stack", "export").stdout)["deployment"]
    [secret] = [r for r in deployment["resources"] if r["type"].endswith(":SigningSecret")]
    outputs: dict[str, Any] = secret["outputs"]
    return outputs


def test_refresh_reports_the_secret_form_it_observed(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """After a refresh, `secretForm` says the stack's own secret is in effect when it is (AIC
    shows its placeholder over the stack's value too, so the form is not read from the
    placeholder); a secret found not in effect previews as a change of the property that says
    so, never a bare `~ update`."""
    given = {"source": "given"}
    cli = new_stack(
        tmp_path / "project", engine_env, aic_emulator, [realm("alpha", signingSecret=given)]
    )
    secret = base64.b64encode(os.urandom(32)).decode()
    cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", secret)
    cli.run("up", "--yes", "--skip-preview")
    cli.run("refresh", "--yes", "--skip-preview")
    outputs = signing_secret_outputs(cli)
    assert (outputs["secretForm"], outputs["secretInEffect"]) == ("stack-value", True)
    cli.run("preview", "--expect-no-changes")

    with sa_client(aic_emulator) as client:  # back to the tenant's own secret
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(shared_secret_reference=AIC_SECRET_PLACEHOLDER)
        )
    cli.run("refresh", "--yes", "--skip-preview")
    outputs = signing_secret_outputs(cli)
    assert (outputs["secretForm"], outputs["secretInEffect"]) == ("tenant-generated", False)
    assert secret not in cli.run("stack", "export").stdout, "the read's inputs stay encrypted"
    assert "secretInEffect" in cli.run("preview").stdout, "the preview names what drifted"
    cli.run("up", "--yes", "--skip-preview")
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(secret.encode()).hexdigest()
    cli.run("preview", "--expect-no-changes", "--refresh")
