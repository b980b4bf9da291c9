"""The three session resources through the real engine against the emulator (issue: resources).

up -> preview --expect-no-changes -> out-of-band change -> refresh detects it -> up restores ->
destroy restores the prior values. Preview never writes; bad inputs fail before any write.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import dill  # type: ignore[import-untyped]
import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.resources.exports import EXPORTS

from tests.client.conftest import sa_client
from tests.engine.project import copy_project, emulator_cli, new_stack, realm, write_stack
from tests.engine.registered import assert_every_output_registered
from tests.engine_cli import PulumiCLI
from tests.values import present

pytestmark = pytest.mark.engine

STACK = "e2e"


def assert_no_secret_in_state_or_output(cli: PulumiCLI, emulator: EmulatorServer) -> None:
    """The generated signing secrets and the service-account key appear nowhere in plaintext."""
    revealed = json.loads(cli.run("stack", "export", "--show-secrets").stdout)
    values = [
        json.loads(r["outputs"]["value"]["plaintext"])  # a generated secret: drawn in create
        for r in revealed["deployment"]["resources"]
        if r["type"].endswith(":SigningSecret")
    ]
    assert len(values) == 2 and all(len(v) == 44 for v in values)
    values += [
        json.loads(r["outputs"]["fingerprintBasis"]["plaintext"])
        for r in revealed["deployment"]["resources"]
        if r["type"].endswith(":SigningSecret")
    ]
    _, jwk = emulator.service_account
    export = cli.run("stack", "export").stdout
    pickled = [
        r["outputs"]["__provider"]
        for r in revealed["deployment"]["resources"]
        if "__provider" in r.get("outputs", {})
    ]
    # In plain text (no secret to hold): a reference to the provider class, no instance data.
    assert pickled and all(isinstance(p, str) for p in pickled), pickled
    provider_blobs = [base64.b64decode(p) for p in pickled]
    assert all(vars(dill.loads(blob)) == {} for blob in provider_blobs)
    outputs = [entry for entry in cli.log if "--show-secrets" not in entry.splitlines()[0]]
    everything = export + "".join(outputs)
    for secret in [*values, jwk["d"], jwk["p"], jwk["q"]]:
        assert secret not in everything
        assert all(secret.encode() not in blob for blob in provider_blobs)


def assert_source_positions_are_the_resources_own(cli: PulumiCLI) -> None:
    """The call stack the SDK records per registration (in state) starts in the resource's own
    module, with no constructor of ours in between (`SnakeCaseProperties`)."""
    resources = json.loads(cli.run("stack", "export").stdout)["deployment"]["resources"]
    dynamic = [r for r in resources if r["type"].startswith("pulumi-python:dynamic/aic:")]
    assert dynamic
    for resource in dynamic:
        module = resource["sourcePosition"].rsplit("/", 1)[-1].split("#")[0]
        assert module == f"{EXPORTS[resource['type'].rsplit(':', 1)[-1]]}.py", resource


def writes(emulator: EmulatorServer) -> int:
    return int(emulator.request_counts()["writes"])


@pytest.fixture
def deployment(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> PulumiCLI:
    project = copy_project(tmp_path / "project")
    write_stack(
        project,
        STACK,
        {
            "environment": "dev",
            "baseUrl": aic_emulator.base_url,
            "realms": [
                realm("alpha", journey={"stateManagement": "CTS", "maxDurationMinutes": 10}),
                realm(
                    "bravo",
                    authenticated={"clientSideSessions": False, "maxSessionTimeMinutes": 480},
                ),
            ],
        },
    )
    cli = emulator_cli(project, engine_env, aic_emulator)
    cli.run("stack", "init", STACK)
    return cli


def test_lifecycle_up_drift_refresh_restore_destroy(
    deployment: PulumiCLI, aic_emulator: EmulatorServer
) -> None:
    client = sa_client(aic_emulator)
    before = client.read_authentication_settings("alpha")
    assert present(before.trees).state_management == "JWT"

    aic_emulator.clear_requests()
    deployment.run("preview")
    assert writes(aic_emulator) == 0, "preview must not write"

    deployment.run("up", "--yes", "--skip-preview")
    alpha = client.read_authentication_settings("alpha")
    assert (present(alpha.trees).state_management, present(alpha.trees).max_duration) == ("CTS", 10)
    assert present(client.read_session_service("bravo")).max_session_time == 480
    digest = aic_emulator.secret_digest("alpha")
    assert_no_secret_in_state_or_output(deployment, aic_emulator)
    assert_source_positions_are_the_resources_own(deployment)
    assert assert_every_output_registered(deployment) == {
        "RealmBaseline",
        "JourneySessionSettings",
        "AuthenticatedSessionSettings",
        "SigningSecret",
    }

    aic_emulator.clear_requests()
    deployment.run("preview", "--expect-no-changes")
    assert writes(aic_emulator) == 0
    deployment.run("up", "--yes", "--skip-preview")
    assert aic_emulator.secret_digest("alpha") == digest, "the generated secret is kept across runs"

    client.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(state_management="JWT", stateless_sessions=True)
    )
    refresh = deployment.run("refresh", "--yes", "--skip-preview")
    assert "~ 2 updated" in refresh.stdout or "2 updated" in refresh.stdout
    assert_every_output_registered(deployment)  # what `read` returned, too
    drifted = deployment.run("preview", "--expect-no-changes", check=False)
    assert drifted.returncode != 0
    deployment.run("up", "--yes", "--skip-preview")
    alpha = client.read_authentication_settings("alpha")
    assert (present(alpha.trees).state_management, present(alpha.general).stateless_sessions) == (
        "CTS",
        False,
    )
    deployment.run("preview", "--expect-no-changes")

    deployment.run("destroy", "--yes", "--skip-preview")
    alpha = client.read_authentication_settings("alpha")
    assert (present(alpha.trees).state_management, present(alpha.trees).max_duration) == ("JWT", 5)
    assert present(client.read_session_service("bravo")).max_session_time == 120


@pytest.mark.parametrize(
    ("realm_config", "given_secret", "message"),
    [
        (realm("alpha", signingSecret={"source": "given"}), "not base64!!", "is not valid base64"),
        (realm("alpha", signingSecret={"source": "given"}), "AAAAAAAAAAA=", "decodes to 64 bits"),
        (realm("alpha", journey={"stateManagement": "SQL"}), None, "stateManagement"),
        (realm("alpha", journey={"maxDurationMinutes": -5}), None, "maxDurationMinutes"),
        (realm("alpha", journey={"maxDurationMinutes": 100000}), None, "maxDurationMinutes"),
    ],
)
def test_bad_inputs_fail_at_preview_without_writes(
    tmp_path: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
    realm_config: dict[str, Any],
    given_secret: str | None,
    message: str,
) -> None:
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, [realm_config], stack=STACK)
    if given_secret is not None:
        cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", given_secret)
    aic_emulator.clear_requests()
    result = cli.run("preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert message in output
    assert given_secret is None or given_secret not in output, "the secret must not be echoed"
    assert writes(aic_emulator) == 0


def test_unknown_realm_and_bad_credentials_write_nothing(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, [realm("charlie")], stack=STACK)
    project = cli.cwd
    aic_emulator.clear_requests()
    unknown = cli.run("up", "--yes", "--skip-preview", check=False)
    assert unknown.returncode != 0
    assert "realm '/charlie'" in unknown.stdout and "HTTP 404" in unknown.stdout
    assert writes(aic_emulator) == 0

    write_stack(
        project,
        STACK,
        {"environment": "dev", "baseUrl": aic_emulator.base_url, "realms": [realm("alpha")]},
    )
    forged = PulumiCLI(project, {**cli.env, "AIC_SA_ID": "not-a-service-account"})
    denied = forged.run("up", "--yes", "--skip-preview", check=False)
    assert denied.returncode != 0
    assert "Obtaining an access token for the service account" in denied.stdout
    assert writes(aic_emulator) == 0


def test_unreachable_tenant_is_a_clear_error(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    unreachable = "http://127.0.0.1:9/am"
    cli = new_stack(
        tmp_path / "project",
        engine_env,
        aic_emulator,
        [realm("alpha")],
        stack=STACK,
        base_url=unreachable,
    )
    result = cli.run("up", "--yes", "--skip-preview", check=False)
    assert result.returncode != 0
    assert "Nothing accepts connections at http://127.0.0.1:9 (connection refused)" in result.stdout
    assert "Traceback" not in result.stdout
