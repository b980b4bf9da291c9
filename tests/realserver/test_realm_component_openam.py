"""`RealmSessionSettings` on a real OpenAM 16, a server without journey-session settings.

`journey=False` leaves journeys unmanaged, so the component works on such a server; a realm
that declares them fails at its baseline, before any sibling resource writes (no Session
service created before the journey child fails).
"""

from __future__ import annotations

import base64
import json
import secrets
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.engine.project import copy_project, write_stack
from tests.engine.registered import assert_every_output_registered
from tests.engine_cli import REPO_ROOT, VENV, PulumiCLI
from tests.realserver.openam import OpenAM
from tests.realserver.projects import admin_environment, openam_project, without_rev
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
    pack: tuple[str, ...] = ()
    if given:
        secret = base64.b64encode(secrets.token_bytes(32)).decode()
        cli.run("config", "set", "--secret", "secret", secret)
    else:  # the pack at production's levels: all three resources, journeys as the server has
        pack = production_pack(cli, tmp_path)
    cli.run("preview", *pack)
    up = cli.run("up", "--yes", "--skip-preview", *pack)
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


POLICY_CONFIG = "aic_sessions.policy_pack.config"
PYTHON = str(VENV / "bin/python")


def production_pack(cli: PulumiCLI, tmp_path: Path) -> tuple[str, ...]:
    """The pack's arguments with the policy config of environment prod, where
    `realm-fully-managed` is mandatory (written as docs/policies.md says)."""
    cli.run("config", "set", "aic-sessions:environment", "prod")
    config = tmp_path / "policy-config.json"
    written = subprocess.run(
        [PYTHON, "-m", POLICY_CONFIG, "--stack", "openam", "--output", str(config)],
        cwd=cli.cwd,
        env=cli.env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert written.returncode == 0, written.stdout + written.stderr
    levels = json.loads(config.read_text())
    assert levels["realm-fully-managed"]["enforcementLevel"] == "mandatory", levels
    return ("--policy-pack", str(REPO_ROOT / "policies"), "--policy-pack-config", str(config))


def assert_as_before(openam: OpenAM, realm: str, authentication: Any) -> None:
    """The realm's authentication settings as before the stack, and no Session service of the
    stack's values: OpenAM 16 keeps a deleted service with a new realm's values (the template),
    as `test_a_session_service_the_realm_lacked_is_said_to_stay` shows."""
    assert without_rev(openam.get_authentication(realm)) == authentication
    service = openam.get_session_service(realm)
    assert service is None or service["dynamic"] == openam.session_service_template(realm)


def test_a_realm_typo_is_refused_and_a_move_restores_the_old_realm(
    tmp_path: Path, openam: OpenAM, realm: str
) -> None:
    """On the real server: a mistyped realm is read at preview and refused with nothing
    written; a move to another realm puts the old realm's originals back (the settings child
    is deleted with the baseline) and adopts the new one; destroy restores that too."""
    other = openam.create_realm()
    try:
        assert openam.get_session_service(realm) is openam.get_session_service(other) is None
        before = {r: without_rev(openam.get_authentication(r)) for r in (realm, other)}
        cli = project(tmp_path, openam, realm)
        cli.run("up", "--yes", "--skip-preview")
        written = without_rev(openam.get_authentication(realm))

        cli.run("config", "set", "realm", f"{realm}-typo")
        refused = cli.run("preview", check=False)
        output = refused.stdout + refused.stderr
        assert refused.returncode != 0, output
        assert "this change moves the resource from realm" in output and "property realm" in output
        assert without_rev(openam.get_authentication(realm)) == written, "nothing was written"
        assert present(openam.get_session_service(realm))["dynamic"]["maxSessionTime"] == 90

        cli.run("config", "set", "realm", other)
        cli.run("up", "--yes", "--skip-preview")
        assert_as_before(openam, realm, before[realm])
        assert present(openam.get_session_service(other))["dynamic"]["maxSessionTime"] == 90
        cli.run("destroy", "--yes", "--skip-preview")
        assert_as_before(openam, other, before[other])
    finally:
        openam.delete_realm(other)


def test_the_stack_program_manages_a_realm_declared_with_journey_false(
    tmp_path: Path, openam: OpenAM, realm: str
) -> None:
    """The stack program's `journey: false` (docs/configuration.md) on the real server: the
    realm's authenticated settings and signing secret are deployed, and destroy puts the
    realm's authentication settings back."""
    before = without_rev(openam.get_authentication(realm))
    directory = copy_project(tmp_path / "project")
    realms = [{"name": realm, "journey": False, "authenticated": {"maxSessionTimeMinutes": 90}}]
    write_stack(
        directory, "openam", {"environment": "dev", "baseUrl": openam.base_url, "realms": realms}
    )
    cli = PulumiCLI(directory, admin_environment(tmp_path, openam))
    cli.run("stack", "init", "openam")
    up = cli.run("up", "--yes", "--skip-preview", "--stack", "openam")
    assert "openam-" + realm + "-journey" not in up.stdout
    assert present(openam.get_session_service(realm))["dynamic"]["maxSessionTime"] == 90
    outputs = json.loads(cli.run("stack", "output", "--json", "--stack", "openam").stdout)
    assert outputs["realms"][realm]["journeyStateManagement"] is None
    verifying: dict[str, str | None] = {
        **cli.env,
        "AIC_TEST_USERNAME": openam.test_username,
        "AIC_TEST_PASSWORD": openam.test_password.get_secret_value(),
        "AIC_BASE_URL": None,
        "PULUMI_CONFIG_PASSPHRASE": None,
    }
    verified = run_verify(verifying, "--stack", "openam", "--project-dir", str(directory), "--json")
    assert verified.exit_code == 0, verified.output  # the stack's own file: journey: false
    [checked] = json.loads(verified.stdout)["realms"]
    journey = next(c for c in checked["checks"] if c["name"] == "journey-sessions")
    assert journey["status"] == "pass", journey  # judged by the authId: a server-side journey
    cli.run("destroy", "--yes", "--skip-preview", "--stack", "openam")
    assert without_rev(openam.get_authentication(realm)) == before


ESV_ON_AM = """
import pulumi
from aic_sessions import SigningSecret

config = pulumi.Config()
SigningSecret("secret", base_url=config.require("baseUrl"), realm=config.require("realm"),
              esv_reference="esv-am-has-none", on_delete=config.get("onDelete") or "retain")
"""


@pytest.mark.parametrize("asked", ["esv-reference", "restore"])
def test_a_server_that_shows_no_secret_refuses_esvs_and_restore_before_writing(
    tmp_path: Path, openam: OpenAM, realm: str, asked: str
) -> None:
    """OpenAM 16 shows `sharedSecret` as null (it never returns a secret) and answers 200 to a
    PUT of an ESV expression (recorded: 07k-auth-put-sharedSecret-esv-expression): the signing
    secret refuses the reference, and a restore it could never do, before its write."""
    program = (
        ESV_ON_AM
        if asked == "esv-reference"
        else ESV_ON_AM.replace('esv_reference="esv-am-has-none", ', "")
    )
    cli = openam_project(tmp_path, openam, realm, "acme-am-secret", program)
    if asked == "restore":
        cli.run("config", "set", "onDelete", "restore")
    before = without_rev(openam.get_authentication(realm))
    failed = cli.run("up", "--yes", "--skip-preview", check=False)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    expected = {
        "esv-reference": "esvReference: ESVs exist only on Advanced Identity Cloud",
        "restore": "onDelete: 'restore' puts back the secret the realm showed before",
    }[asked]
    assert expected in output and "The signing secret was not written." in output, output
    assert without_rev(openam.get_authentication(realm)) == before
