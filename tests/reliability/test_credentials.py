"""Expired, forged and revoked credentials: `pulumi up` fails with a message that says
which step was refused and what to check, and the tenant gets no write at all.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.client.keys import private_jwk
from tests.emulator.util import sa_headers
from tests.engine.project import realm
from tests.reliability.deployment import (
    UP,
    Deployment,
    admin_credentials,
    deploy,
    sa_credentials,
    writes,
)
from tests.reliability.test_faults import provider_errors

pytestmark = pytest.mark.engine

REALMS = [realm("alpha", journey={"maxDurationMinutes": 10})]
TOKEN_STEP = "Obtaining an access token for the service account"
CHECK_CREDENTIALS = "Check the credentials"


def unknown_account(emulator: EmulatorServer) -> dict[str, str]:
    return {**sa_credentials(emulator), "AIC_SA_ID": "no-such-service-account"}


def forged_signature(emulator: EmulatorServer) -> dict[str, str]:
    """The real account id, assertions signed with a key that is not the account's."""
    return {**sa_credentials(emulator), "AIC_SA_JWK": private_jwk("not-the-account-key")}


def expired_token(emulator: EmulatorServer) -> dict[str, str]:
    """A pre-issued access token that expired (the emulator clock moved past its lifetime)."""
    token = sa_headers(emulator)["Authorization"].removeprefix("Bearer ")
    emulator.advance_clock(24 * 3600)
    return {"AIC_ACCESS_TOKEN": token}


def wrong_password(emulator: EmulatorServer) -> dict[str, str]:
    return {**admin_credentials(emulator), "AM_ADMIN_PASSWORD": "not-the-password"}


def refusal(output: str) -> str:
    """The provider's message, alone (no stack of the SDK's provider host before it)."""
    lines = provider_errors(output)
    assert lines, output
    assert "Traceback" not in output and "urllib3" not in output, output
    return lines[0]


@pytest.mark.parametrize(
    ("flavour", "credentials", "step"),
    [
        pytest.param("aic", unknown_account, TOKEN_STEP, id="service-account-that-does-not-exist"),
        pytest.param("aic", forged_signature, TOKEN_STEP, id="jwk-of-another-key"),
        pytest.param(
            "aic",
            expired_token,
            "Reading authentication settings in realm '/alpha' (GET",
            id="expired-access-token",
        ),
        pytest.param(
            "am", wrong_password, "Logging in as administrator 'amadmin'", id="wrong-admin-password"
        ),
    ],
)
def test_bad_credentials_fail_clearly_and_write_nothing(
    tmp_path: Path,
    engine_env: dict[str, str],
    request: pytest.FixtureRequest,
    flavour: str,
    credentials: Callable[[EmulatorServer], dict[str, str]],
    step: str,
) -> None:
    emulator: EmulatorServer = request.getfixturevalue(f"{flavour}_emulator")
    env = credentials(emulator)
    deployment = deploy(tmp_path, engine_env, emulator, REALMS, env)
    emulator.clear_requests()

    result = deployment.run(*UP, check=False)

    assert result.returncode != 0
    message = refusal(result.stdout + result.stderr)
    assert step in message and "HTTP 40" in message and CHECK_CREDENTIALS in message, message
    assert writes(emulator) == 0
    assert not [v for v in secret_values(env) if v in result.stdout + result.stderr]


def secret_values(env: dict[str, str]) -> list[str]:
    """The secret parts of the credentials: private key member d, password, token."""
    values = [v for k, v in env.items() if k in ("AM_ADMIN_PASSWORD", "AIC_ACCESS_TOKEN")]
    return values + [json.loads(v)["d"] for k, v in env.items() if k == "AIC_SA_JWK"]


def test_service_account_removed_mid_run_fails_clearly_and_writes_nothing(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """The account is deleted (the emulator reset drops every account but the seeded one and
    every token it issued) while the first realm read is in flight."""
    account, jwk = aic_emulator.add_service_account()
    env = {"AIC_SA_ID": account, "AIC_SA_JWK": json.dumps(jwk)}
    deployment = deploy(tmp_path, engine_env, aic_emulator, [*REALMS, realm("bravo")], env)
    aic_emulator.inject_fault(
        method="GET", path="/realm-config/", kind="latency", delayMs=1500, count=10
    )
    with start_up(deployment) as run:
        try:
            wait_for_request(aic_emulator, "GET", "/realm-config/")
            aic_emulator.reset()  # the account and its token are gone; the read is in flight
            output = run.communicate(timeout=300)[0]  # stdout and stderr
        finally:
            run.kill()

    assert run.returncode != 0
    message = refusal(output)
    assert TOKEN_STEP in message and CHECK_CREDENTIALS in message, message
    assert writes(aic_emulator) == 0


def start_up(deployment: Deployment) -> subprocess.Popen[str]:
    return deployment.cli.start(*UP, output=subprocess.PIPE)


def wait_for_request(emulator: EmulatorServer, method: str, path: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        counts = emulator.request_counts()["counts"]
        if any(k.startswith(method) and path in k for k in counts):
            return
        time.sleep(0.05)
    raise AssertionError(f"no {method} {path} arrived within 120 s")
