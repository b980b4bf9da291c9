"""Acceptance: a new user's own project through every command, on the emulator and on OpenAM.

A project named `acme-identity-prod` (the built wheel with `[policy,cli]` in its own venv, a
`__main__.py` written from the README's `RealmSessionSettings` example, its credentials in its
stack config under `aic-sessions:`, none of this repository's scripts) declares two realms, one
with a given signing secret and one with a generated secret. Following the README: record the
given secret's fingerprint, write the stack's policy config, `preview --save-plan` with the
shipped pack, `up --plan`, refresh, `aic-sessions verify --stack` and destroy (every realm as it
was). Expected failures on the way (a bad value at preview, a client-side journey scheme refused
by the pack, a wrong admin credential, a wrong test-user password) say what is wrong without a
traceback. One stack lifecycle per platform; OpenAM 16 has no journey-session settings, so its
realms pass `journey=False` as the README says.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.client.conftest import sa_client
from tests.client.keys import private_jwk
from tests.engine_cli import PulumiCLI
from tests.library.conftest import CREDENTIAL_VARIABLES
from tests.realserver.openam import OpenAM, random_realm_name
from tests.realserver.projects import without_rev
from tests.verify.util import USER

pytestmark = pytest.mark.engine

PROJECT = "acme-identity-prod"
PROGRAM = """\
import pulumi
from aic_sessions import (
    AuthenticatedOptions,
    JourneyOptions,
    RealmSessionSettings,
    SigningSecretOptions,
)

config = pulumi.Config()
url = config.require("tenant")
journeys = config.require_bool("journeys")
scheme = config.get("journeyScheme") or "CTS"
for name, secret in (
    ("given", SigningSecretOptions(value=config.require_secret("signingSecret"))),
    ("generated", SigningSecretOptions(rotation_trigger="2026-11")),
):
    realm = RealmSessionSettings(
        name,
        base_url=url,
        realm=config.require(f"{name}Realm"),
        on_delete="restore",
        journey=JourneyOptions(max_duration_minutes=5, state_management=scheme)
        if journeys
        else False,
        authenticated=AuthenticatedOptions(
            max_session_time_minutes=config.get_int("maxSessionTime", 120)
        ),
        signing_secret=secret,
    )
    pulumi.export(f"{name}Prior", realm.authenticated.prior_settings)
    pulumi.export(f"{name}Fingerprint", realm.signing_secret.fingerprint)
    if realm.journey:
        pulumi.export(f"{name}Journey", realm.journey.state_management)
"""


@dataclass
class Platform:
    """Where the project deploys, and what its stack config and `verify` need there."""

    base_url: str
    realms: tuple[str, str]  # given, generated
    journeys: bool
    credentials: dict[str, str]  # aic-sessions: stack keys; saJwk/adminPassword set as secrets
    secret_key: str  # the credential that is a secret
    private: str  # the part of it that must never be in the stack file in plaintext
    wrong: str  # a wrong value of it
    verify_env: dict[str, str]
    test_user: tuple[str, str]
    observe: Callable[[], object]  # the realms' documents, to compare before up and after destroy
    refusal: str  # what a wrong admin credential says
    journey_state: Callable[[str], str | None]  # a realm's journey state management, or None


def emulated_journey_state(emulator: EmulatorServer, realm: str) -> str | None:
    with sa_client(emulator) as client:
        trees = client.read_authentication_settings(realm).trees
    return trees.state_management if trees else None


def emulated_realms(emulator: EmulatorServer, realms: tuple[str, ...]) -> list[object]:
    """Each realm's authentication settings and Session service, read by a new admin client."""
    with sa_client(emulator) as client:
        return [
            (client.read_authentication_settings(r).model_dump(), client.read_session_service(r))
            for r in realms
        ]


@pytest.fixture
def emulator_platform(aic_emulator: EmulatorServer) -> Platform:
    sa_id, jwk = aic_emulator.service_account
    return Platform(
        base_url=aic_emulator.base_url,
        realms=("alpha", "bravo"),
        journeys=True,
        credentials={"saId": sa_id, "saJwk": json.dumps(jwk)},
        secret_key="saJwk",
        private=str(jwk["d"]),
        wrong=private_jwk(kid=str(jwk.get("kid", "key"))),  # a key the tenant does not know
        verify_env={"AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)},
        test_user=USER,
        observe=lambda: emulated_realms(aic_emulator, ("alpha", "bravo")),
        refusal="Obtaining an access token for the service account "
        f"(POST {aic_emulator.base_url}/oauth2/access_token) failed -> HTTP 400: invalid_grant",
        journey_state=lambda realm: emulated_journey_state(aic_emulator, realm),
    )


@pytest.fixture
def openam_platform(openam: OpenAM) -> Iterator[Platform]:
    realms = tuple(openam.create_realm(random_realm_name("acme")) for _ in range(2))
    password = openam.admin_password.get_secret_value()
    yield Platform(
        base_url=openam.base_url,
        realms=(realms[0], realms[1]),
        journeys=False,
        credentials={"adminUsername": openam.admin_username, "adminPassword": password},
        secret_key="adminPassword",
        private=password,
        wrong="not-the-password",
        verify_env={"AM_ADMIN_USERNAME": openam.admin_username, "AM_ADMIN_PASSWORD": password},
        test_user=(openam.test_username, openam.test_password.get_secret_value()),
        observe=lambda: [without_rev(openam.get_authentication(realm)) for realm in realms],
        refusal="Logging in as administrator 'amadmin' "
        f"(POST {openam.base_url}/json/realms/root/authenticate) failed -> HTTP 401",
        journey_state=lambda realm: None,  # OpenAM 16 has no journey-session settings
    )
    for realm in realms:
        openam.delete_realm(realm)


def new_secret() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def new_project(tmp_path: Path, venv: Path, env: dict[str, str], platform: Platform) -> PulumiCLI:
    """The user's project and its stack `dev`, as the README sets them up."""
    project = tmp_path / PROJECT
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: {PROJECT}\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {venv}\n"
    )
    (project / "__main__.py").write_text(PROGRAM)
    env = {k: v for k, v in env.items() if k not in CREDENTIAL_VARIABLES}
    env = {k: v for k, v in env.items() if not k.startswith(("AM_ADMIN_", "AIC_"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"  # the venv, as if activated
    env.pop("PYTHONPATH", None)
    cli = PulumiCLI(project, env)
    cli.run("stack", "init", "dev")
    settings = {
        "tenant": platform.base_url,
        "journeys": str(platform.journeys).lower(),
        "givenRealm": platform.realms[0],
        "generatedRealm": platform.realms[1],
    }
    for key, value in settings.items():
        cli.run("config", "set", key, value)
    for key, value in platform.credentials.items():
        secret = ["--secret"] if key == platform.secret_key else []
        cli.run("config", "set", *secret, f"aic-sessions:{key}", value)
    cli.run("config", "set", "--secret", "signingSecret", new_secret())
    return cli


def tool(
    venv: Path, cli: PulumiCLI, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """A command of the wheel (`python -m ...` or a console script) run in the project, whose
    output holds no traceback."""
    done = subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]],
        cwd=cli.cwd,
        env=env or cli.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Traceback" not in done.stdout + done.stderr, done.stdout + done.stderr
    return done


def lifecycle(tmp_path: Path, venv: Path, env: dict[str, str], platform: Platform) -> None:
    before = platform.observe()
    cli = new_project(tmp_path, venv, env, platform)
    assert platform.private not in (cli.cwd / "Pulumi.dev.yaml").read_text(), "a secret, encrypted"
    policy_config = ("python", "-m", "aic_sessions.policy_pack.config", "--stack", "dev")
    recorded = tool(venv, cli, *policy_config, "--record")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert f"recorded 1 fingerprint(s) in stack dev: {platform.realms[0]}" in recorded.stdout
    config = tmp_path / "policy-config.json"
    written = tool(venv, cli, *policy_config, "--output", str(config))
    assert written.returncode == 0, written.stdout + written.stderr
    pack = tool(venv, cli, "python", "-m", "aic_sessions.policy_pack", "--path").stdout.strip()
    assert pack.startswith(str(venv)), f"the pack of the installed wheel: {pack}"
    checked = ("--policy-pack", pack, "--policy-pack-config", str(config))
    outputs: list[str] = []

    # A bad value: refused at preview, naming the property and the fix; nothing written.
    cli.run("config", "set", "maxSessionTime", "0")
    bad = cli.run("preview", *checked, check=False)
    outputs.append(bad.stdout + bad.stderr)
    assert bad.returncode != 0 and "maxSessionTimeMinutes" in bad.stdout, bad.stdout
    cli.run("config", "rm", "maxSessionTime")
    if platform.journeys:  # The shipped pack runs in this project: client-side journeys refused.
        cli.run("config", "set", "journeyScheme", "JWT")
        refused = cli.run("preview", *checked, check=False)
        outputs.append(refused.stdout + refused.stderr)
        assert refused.returncode != 0, refused.stdout
        assert "journey-sessions-use-cts" in refused.stdout + refused.stderr, refused.stdout
        cli.run("config", "rm", "journeyScheme")

    # A saved plan (README, CI): `up --plan` applies exactly what the preview showed.
    planned = PulumiCLI(cli.cwd, {**cli.env, "PULUMI_EXPERIMENTAL": "true"}, cli.log)
    plan = str(tmp_path / "plan.json")
    outputs.append(planned.run("preview", "--save-plan", plan, *checked).stdout)
    up = planned.run("up", "--yes", "--plan", plan, *checked).stdout
    outputs.append(up)
    # the stack; per realm its component, baseline and resources (journey, authenticated, secret)
    created = 1 + 2 * (2 + (3 if platform.journeys else 2))
    assert f"{created} created" in up, up
    if platform.journeys:
        assert [platform.journey_state(r) for r in platform.realms] == ["CTS", "CTS"]
    outputs.append(cli.run("refresh", "--yes", "--skip-preview").stdout)
    outputs.append(cli.run("preview", "--expect-no-changes", *checked).stdout)
    # docs/resources.md: keys inside dict outputs stay camelCase, in `stack output` as in state.
    exported = json.loads(cli.run("stack", "output", "--json").stdout)
    assert "clientSideSessions" in exported["givenPrior"], exported
    assert "client_side_sessions" not in exported["givenPrior"], exported
    assert exported["givenFingerprint"].startswith("scrypt:"), exported
    assert exported["generatedFingerprint"].startswith("scrypt:"), exported
    journeys = {"givenJourney": "CTS", "generatedJourney": "CTS"} if platform.journeys else {}
    assert {k: v for k, v in exported.items() if k.endswith("Journey")} == journeys, exported

    # A wrong admin password in the stack config: one message, no traceback, state untouched.
    key = platform.secret_key
    right = platform.credentials[key]
    cli.run("config", "set", "--secret", f"aic-sessions:{key}", platform.wrong)
    refused = cli.run("refresh", "--run-program", "--yes", "--skip-preview", check=False)
    outputs.append(refused.stdout + refused.stderr)
    assert refused.returncode != 0 and platform.refusal in refused.stdout, refused.stdout
    cli.run("config", "set", "--secret", f"aic-sessions:{key}", right)
    # The README: after changing credentials, refresh --run-program before a plain command.
    outputs.append(cli.run("refresh", "--run-program", "--yes", "--skip-preview").stdout)
    outputs.append(cli.run("preview", "--expect-no-changes", *checked).stdout)

    username, password = platform.test_user
    verify_env = {**cli.env, **platform.verify_env, "AIC_TEST_USERNAME": username}
    verify_env.pop("PULUMI_CONFIG_PASSPHRASE", None)  # verify decrypts nothing
    verify = ("aic-sessions", "verify", "--stack", "dev")
    wrong_user = tool(venv, cli, *verify, env={**verify_env, "AIC_TEST_PASSWORD": "not-it"})
    assert wrong_user.returncode == 1, wrong_user.stdout + wrong_user.stderr
    assert "test user" in wrong_user.stdout, wrong_user.stdout
    verified = tool(venv, cli, *verify, "--json", env={**verify_env, "AIC_TEST_PASSWORD": password})
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report = json.loads(verified.stdout)
    assert sorted(r["realm"] for r in report["realms"]) == sorted(f"/{r}" for r in platform.realms)

    outputs.append(cli.run("destroy", "--yes", "--skip-preview").stdout)
    assert not [o for o in outputs if "Traceback" in o], outputs
    assert platform.observe() == before, "destroy put every realm back as it was"


def test_emulator(
    tmp_path: Path,
    consumer_cli_venv: Path,
    engine_env: dict[str, str],
    emulator_platform: Platform,
) -> None:
    lifecycle(tmp_path, consumer_cli_venv, engine_env, emulator_platform)


def test_openam(
    tmp_path: Path,
    consumer_cli_venv: Path,
    engine_env: dict[str, str],
    openam_platform: Platform,
) -> None:
    lifecycle(tmp_path, consumer_cli_venv, engine_env, openam_platform)
