"""The resources through the real engine against a real OpenAM 16.

AuthenticatedSessionSettings and SigningSecret: create adopts the realm, preview and a no-op up
change nothing, an out-of-band change is shown by refresh and put back by up, and destroy leaves
the realm document and the Session service exactly as they were. JourneySessionSettings fails at
create (this server has no `trees`) and writes nothing.
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest
import requests

from tests.engine_cli import PulumiCLI
from tests.realserver.openam import OpenAM, realm_path
from tests.realserver.projects import openam_project, without_rev

pytestmark = pytest.mark.engine

PROGRAM = """
import pulumi
from aic_sessions.resources.authenticated import AuthenticatedSessionSettings
from aic_sessions.resources.journey import JourneySessionSettings
from aic_sessions.resources.signing_secret import SigningSecret

config = pulumi.Config()
base_url, realm = config.require("baseUrl"), config.require("realm")
AuthenticatedSessionSettings(
    "authenticated",
    base_url=base_url,
    realm=realm,
    client_side_sessions=False,
    max_session_time_minutes=config.get_int("maxSessionTime"),
    max_idle_time_minutes=config.get_int("maxIdleTime"),
)
SigningSecret("secret", base_url=base_url, realm=realm, value=config.require_secret("secret"))
if config.get_bool("journeys"):
    JourneySessionSettings(
        "journeys", base_url=base_url, realm=realm, state_management="CTS", max_duration_minutes=5
    )
"""


def signed_with(openam: OpenAM, realm: str, secret: str) -> bool:
    """Whether a new journey's authId in `realm` is signed with `secret` (checked by hand)."""
    from aic_sessions.client.tokens import auth_id_signed_with

    answer = requests.post(
        f"{openam.base_url}{realm_path(realm)}/authenticate",
        json={},
        headers={"Accept-API-Version": "resource=2.0, protocol=1.0"},
        timeout=60,
    )
    return auth_id_signed_with(answer.json()["authId"], secret)


def project(tmp_path: Path, openam: OpenAM, realm: str, **config: str) -> PulumiCLI:
    return openam_project(tmp_path, openam, realm, "openam-sessions", PROGRAM, **config)


def add_session_service(openam: OpenAM, realm: str, dynamic: dict[str, int]) -> None:
    with openam.admin_session() as admin:
        answer = admin.post(
            f"{openam.base_url}{realm_path(realm)}/realm-config/services/session",
            params={"_action": "create"},
            json={"dynamic": dynamic},
            headers={"Accept-API-Version": "protocol=2.1,resource=1.0"},
            timeout=60,
        )
    assert answer.status_code == 201, answer.text


def test_adopt_drift_repair_and_exact_restore(tmp_path: Path, openam: OpenAM, realm: str) -> None:
    openam.put_authentication(realm, {"general": {"statelessSessionsEnabled": True}})
    add_session_service(openam, realm, {"maxSessionTime": 77, "maxIdleTime": 11})
    before = without_rev(openam.get_authentication(realm))
    service_before = without_rev(openam.get_session_service(realm))
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    cli = project(tmp_path, openam, realm, maxSessionTime="90", maxIdleTime="20")
    cli.run("config", "set", "--secret", "secret", secret)

    cli.run("up", "--yes")
    document = openam.get_authentication(realm)
    assert document["general"]["statelessSessionsEnabled"] is False
    service = openam.get_session_service(realm)
    assert service is not None
    assert (service["dynamic"]["maxSessionTime"], service["dynamic"]["maxIdleTime"]) == (90, 20)
    assert signed_with(openam, realm, secret)

    cli.run("preview", "--expect-no-changes")
    assert "unchanged" in cli.run("up", "--yes", "--expect-no-changes").stdout

    openam.put_authentication(realm, {"general": {"statelessSessionsEnabled": True}})
    other = base64.b64encode(secrets.token_bytes(32)).decode()
    openam.put_authentication(realm, {"security": {"sharedSecret": other}})
    refreshed = cli.run("refresh", "--yes", "--diff")
    assert "clientSideSessions" in refreshed.stdout and "secretInEffect" in refreshed.stdout
    assert cli.run("preview", "--expect-no-changes", check=False).returncode != 0
    cli.run("up", "--yes")
    assert openam.get_authentication(realm)["general"]["statelessSessionsEnabled"] is False
    assert signed_with(openam, realm, secret)
    cli.run("preview", "--expect-no-changes", "--refresh")

    cli.run("destroy", "--yes")
    assert without_rev(openam.get_authentication(realm)) == before
    assert without_rev(openam.get_session_service(realm)) == service_before
    export = cli.run("stack", "export").stdout
    assert secret not in export and openam.admin_password.get_secret_value() not in export


def test_a_session_service_the_realm_lacked_is_said_to_stay(
    tmp_path: Path, openam: OpenAM, realm: str
) -> None:
    """OpenAM 16 keeps a realm's Session service after a DELETE that answers success: destroy
    says so and leaves every value a realm without it gets, never claiming it was removed.
    The reset writes every attribute, not only the managed ones: OpenAM would null the others
    in the kept service (`maxCachingTime: null`)."""
    assert openam.get_session_service(realm) is None
    template = openam.session_service_template(realm)
    cli = project(tmp_path, openam, realm, maxSessionTime="90")
    cli.run(
        "config", "set", "--secret", "secret", base64.b64encode(secrets.token_bytes(32)).decode()
    )
    cli.run("up", "--yes")
    destroyed = cli.run("destroy", "--yes")
    assert "kept its Session service" in destroyed.stdout + destroyed.stderr
    service = openam.get_session_service(realm)
    assert service is not None
    assert service["dynamic"] == template, "every attribute as a realm without the service has"
    assert template["maxCachingTime"] is not None


def test_journey_settings_fail_clearly_and_write_nothing(
    tmp_path: Path, openam: OpenAM, realm: str
) -> None:
    before = without_rev(openam.get_authentication(realm))
    cli = project(tmp_path, openam, realm, journeys="true")
    cli.run(
        "config", "set", "--secret", "secret", base64.b64encode(secrets.token_bytes(32)).decode()
    )
    result = cli.run("up", "--yes", "--target", _urn(cli, "JourneySessionSettings"), check=False)
    assert result.returncode != 0
    assert "no journey-session settings" in result.stdout + result.stderr
    assert "AM 6.5+ or Advanced Identity Cloud" in result.stdout + result.stderr
    assert without_rev(openam.get_authentication(realm)) == before
    state = json.loads(cli.run("stack", "export").stdout)
    assert not [r for r in state["deployment"].get("resources") or [] if "Journey" in r["type"]]


def _urn(cli: PulumiCLI, kind: str) -> str:
    project_name, stack = "openam-sessions", "openam"
    return f"urn:pulumi:{stack}::{project_name}::pulumi-python:dynamic/aic:{kind}::journeys"
