"""`RealmSessionSettings` on a real OpenAM 16, a server without journey-session settings.

`journey=False` leaves journeys unmanaged, so the component works on such a server; a realm
that declares them fails at its baseline, before any sibling resource writes (no Session
service created before the journey child fails).
"""

from __future__ import annotations

import base64
import json
import secrets
from pathlib import Path

import pytest

from tests.engine.registered import assert_every_output_registered
from tests.engine_cli import PulumiCLI
from tests.realserver.openam import OpenAM
from tests.realserver.projects import openam_project, without_rev
from tests.values import present
from tests.verify.util import run_verify

pytestmark = pytest.mark.engine

PROGRAM = """
import pulumi
from aic_sessions import AuthenticatedOptions, RealmSessionSettings, SigningSecretOptions

config = pulumi.Config()
secret = config.get_secret("secret")
RealmSessionSettings(
    "realm",
    base_url=config.require("baseUrl"),
    realm=config.require("realm"),
    journey=None if config.get_bool("journeys") else False,
    authenticated=AuthenticatedOptions(max_session_time_minutes=90),
    signing_secret=SigningSecretOptions(value=secret) if secret else None,
)
"""


def project(tmp_path: Path, openam: OpenAM, realm: str) -> PulumiCLI:
    return openam_project(tmp_path, openam, realm, "acme-openam", PROGRAM)


def test_a_realm_needing_journey_settings_fails_before_any_write(
    tmp_path: Path, openam: OpenAM, realm: str
) -> None:
    before = without_rev(openam.get_authentication(realm))
    assert openam.get_session_service(realm) is None
    cli = project(tmp_path, openam, realm)
    cli.run("config", "set", "journeys", "true")
    result = cli.run("up", "--yes", "--skip-preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "no journey-session settings" in output and "journey=False" in output
    assert "Traceback" not in output
    assert without_rev(openam.get_authentication(realm)) == before
    assert openam.get_session_service(realm) is None, "no sibling wrote (Session service)"
    state = json.loads(cli.run("stack", "export").stdout)
    kinds = {r["type"].rsplit(":", 1)[-1] for r in state["deployment"].get("resources") or []}
    assert not kinds & {"AuthenticatedSessionSettings", "SigningSecret", "JourneySessionSettings"}


@pytest.mark.parametrize("given", [True, False], ids=["given-secret", "generated-secret"])
def test_the_component_without_journeys_runs_its_whole_life(
    tmp_path: Path, openam: OpenAM, realm: str, given: bool
) -> None:
    before = without_rev(openam.get_authentication(realm))
    cli = project(tmp_path, openam, realm)
    if given:
        secret = base64.b64encode(secrets.token_bytes(32)).decode()
        cli.run("config", "set", "--secret", "secret", secret)
    cli.run("preview")
    up = cli.run("up", "--yes", "--skip-preview")
    assert "Traceback" not in up.stdout + up.stderr
    assert "realm-journey" not in up.stdout
    assert present(openam.get_session_service(realm))["dynamic"]["maxSessionTime"] == 90
    cli.run("refresh", "--yes", "--skip-preview")
    # What the real server gave back (create, then refresh's read) is all readable by the program.
    assert assert_every_output_registered(cli) == {
        "RealmBaseline",
        "AuthenticatedSessionSettings",
        "SigningSecret",
    }
    cli.run("preview", "--expect-no-changes")

    env = {
        **cli.env,
        "AM_ADMIN_USERNAME": openam.admin_username,
        "AM_ADMIN_PASSWORD": openam.admin_password.get_secret_value(),
        "AIC_TEST_USERNAME": openam.test_username,
        "AIC_TEST_PASSWORD": openam.test_password.get_secret_value(),
        "AIC_BASE_URL": None,
        "PULUMI_CONFIG_PASSPHRASE": None,
    }
    verified = run_verify(env, "--stack", "openam", "--project-dir", str(cli.cwd), "--json")
    assert verified.exit_code == 0, verified.output
    assert [r["realm"] for r in json.loads(verified.stdout)["realms"]] == [f"/{realm}"]

    cli.run("destroy", "--yes", "--skip-preview")
    after = without_rev(openam.get_authentication(realm))
    assert after is not None and before is not None
    assert after["general"] == before["general"]
