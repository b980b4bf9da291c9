"""Faults injected into the admin API during `pulumi up`: 429 storms, 503 bursts, answers
slower than the client's read timeout, connections dropped mid-write.

Each first `up` either succeeds or fails with a message that says what was attempted and what
came back; after a failed one, the next `up` converges; every intended value is then in the
tenant (refresh and preview find nothing to change), the prior values
the resources recorded are the realm's real originals (nothing half-applied), no diff is
pending, and `destroy` puts the originals back.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient
from aic_sessions.resources.journey import JourneySessionSettingsProvider

from tests.engine.project import realm
from tests.reliability.deployment import (
    AIC_REALMS,
    UP,
    Deployment,
    admin_credentials,
    assert_converged,
    deploy,
    provider_log,
    reader,
    sa_credentials,
)
from tests.values import present

ANY_CONFIG = "/realm-config/"
ALPHA_AUTHN = "/realms/alpha/realm-config/authentication"
READ_TIMEOUT_S = 4  # the provider's read timeout in the slow case (`AIC_READ_TIMEOUT`)


def fault(kind: str, path: str, method: str = "*", **spec: Any) -> dict[str, Any]:
    return {"kind": kind, "path": path, "method": method, **spec}


CASES = [
    pytest.param(
        [fault("status", ANY_CONFIG, status=429, retryAfter=1, count=4)],
        "-> 429",
        None,
        id="429-storm-retry-after-1-absorbed",
    ),
    pytest.param(
        [fault("status", ALPHA_AUTHN, "PUT", status=429, retryAfter=1, count=6)],
        "-> 429",
        "-> HTTP 429",
        id="429-storm-outlasting-the-retry-budget",
    ),
    pytest.param(
        [
            fault("status", ANY_CONFIG, "GET", status=503, count=3),
            fault("status", ANY_CONFIG, "PUT", status=503, count=3),
            fault("status", ANY_CONFIG, "PUT", status=502, count=2),
        ],
        "-> 502",
        None,
        id="503-and-502-bursts",
    ),
    pytest.param(
        [fault("slow", ALPHA_AUTHN, "PUT", delayMs=(READ_TIMEOUT_S + 2) * 1000, count=1)],
        "ReadTimeout",
        None,
        id="put-slower-than-the-read-timeout",
    ),
    pytest.param(
        [fault("drop", ANY_CONFIG, "PUT", count=2)],
        "-> ERR",
        None,
        id="connection-dropped-mid-write",
    ),
    pytest.param(
        [fault("drop", ALPHA_AUTHN, "PUT", count=6)],
        "-> ERR",
        "The connection failed or was dropped",
        id="connection-dropped-on-every-attempt",
    ),
]


def originals(client: AdminClient, realms: list[str]) -> dict[str, tuple[Any, ...]]:
    """What each realm says before we deploy: what `destroy` must bring back."""
    snapshot = {}
    for name in realms:
        settings = client.read_authentication_settings(name)
        service = client.read_session_service(name)
        snapshot[name] = (
            present(settings.trees).state_management,
            present(settings.trees).max_duration,
            present(settings.general).stateless_sessions,
            present(service).max_session_time,
        )
    return snapshot


def provider_errors(output: str) -> list[str]:
    """The `error: ...` lines of the diagnostics, the engine's own summary lines left out."""
    diagnostics = output.split("Diagnostics:", 1)[-1].splitlines()
    engine = ("error: update failed", "error: Resource monitor has terminated")
    return [
        line.strip()
        for line in diagnostics
        if line.strip().startswith("error: ") and not line.strip().startswith(engine)
    ]


def assert_clear_failure(output: str, expected: str) -> None:
    """The message names the operation, realm, request and outcome, and what to do.

    The provider's message alone: no stack of the SDK's provider host, the client or the
    transport.
    """
    message = next(line for line in provider_errors(output) if "(PUT " in line)
    assert "Traceback" not in output, output
    assert expected in message, output
    assert "authentication settings" in message and "in realm '/alpha'" in message, message
    assert "/json/realms/root/realms/alpha/realm-config/authentication)" in message
    assert message.rstrip().endswith(("retry later.", "retried safely.")), message
    assert "tenacity" not in output and "urllib3" not in output, output


def assert_priors_are_originals(deployment: Deployment, before: dict[str, tuple[Any, ...]]) -> None:
    """A failed first run must not have made a resource record our own values as 'prior'."""
    resources = deployment.revealed_state()["deployment"]["resources"]
    for r in resources:
        prior, realm = r.get("outputs", {}).get("priorSettings"), r.get("inputs", {}).get("realm")
        if r["type"].endswith(":JourneySessionSettings"):
            assert (prior["stateManagement"], prior["maxDurationMinutes"]) == before[realm][:2]
        if r["type"].endswith(":AuthenticatedSessionSettings"):
            assert prior["clientSideSessions"] == before[realm][2]
            if "maxSessionTimeMinutes" in prior:
                assert prior["maxSessionTimeMinutes"] == before[realm][3]


def settle_late_writes(faults: list[dict[str, Any]], started: float) -> None:
    """A `slow` PUT the client gave up on is still applied by the server when its delay ends;
    wait for it, so it cannot land after `destroy` and be mistaken for a failed restore."""
    delay = max((f.get("delayMs", 0) for f in faults if f["kind"] == "slow"), default=0)
    time.sleep(max(0.0, started + delay / 1000 + 1 - time.monotonic()))


@pytest.mark.parametrize(("faults", "seen", "failure"), CASES)
def test_up_under_faults_converges_on_the_next_up(
    tmp_path: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
    faults: list[dict[str, Any]],
    seen: str,
    failure: str | None,
) -> None:
    """`seen`: what the provider's log shows when it meets the fault; `failure`: the message
    of a first run that must fail (None: the retries must absorb the fault)."""
    # A short read timeout for the slow case, so it is not waited out at the default 30 s.
    slow = any(f["kind"] == "slow" for f in faults)
    timeout = {"AIC_READ_TIMEOUT": str(READ_TIMEOUT_S)} if slow else {}
    credentials = {**sa_credentials(aic_emulator), **timeout}
    deployment = deploy(tmp_path, engine_env, aic_emulator, AIC_REALMS, credentials)
    names = [r["name"] for r in AIC_REALMS]
    with reader(aic_emulator) as client:
        before = originals(client, names)
    for spec in faults:
        aic_emulator.inject_fault(**spec)

    started = time.monotonic()
    first = deployment.run(*UP, check=False)
    output = first.stdout + first.stderr
    if failure is None:
        assert first.returncode == 0, output
    else:
        assert first.returncode != 0, output
        assert_clear_failure(output, failure)
    assert seen in provider_log(deployment), "the fault was never met"

    aic_emulator.clear_faults()
    if failure is not None:  # after a successful first run, the check below says nothing is left
        deployment.run(*UP)
    assert_converged(deployment)
    assert_priors_are_originals(deployment, before)

    settle_late_writes(faults, started)
    deployment.run("destroy", "--yes", "--skip-preview")
    with reader(aic_emulator) as client:
        assert originals(client, names) == before


def login_fault(kind: str) -> dict[str, Any]:
    """One failed answer (or dropped connection) to the admin login."""
    status = {"502": {"status": 502}, "503": {"status": 503}}.get(kind, {})
    what = "status" if status else "drop"
    return fault(what, "/json/realms/root/authenticate", "POST", count=1, **status)


def test_one_failed_admin_login_is_retried_within_up(
    tmp_path: Path, engine_env: dict[str, str], am_emulator: EmulatorServer
) -> None:
    """A dropped connection on the admin login, met by the provider process during `up`: the
    login is retried and `up` succeeds. (Each kind of failed login is retried by the same
    client: the 502 and 503 below, in-process, and `tests/client/test_transport_faults.py`.)"""
    realms = [realm("alpha", journey={"stateManagement": "CTS", "maxDurationMinutes": 10})]
    deployment = deploy(tmp_path, engine_env, am_emulator, realms, admin_credentials(am_emulator))
    am_emulator.inject_fault(**login_fault("dropped"))
    first = deployment.run(*UP, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    log = provider_log(deployment)
    assert "POST /json/realms/root/authenticate -> " in log
    assert "/authenticate: attempt 1 failed" in log, "the fault was never met"
    assert_converged(deployment)


@pytest.mark.parametrize("kind", ["502", "503"])
def test_one_failed_admin_login_is_retried_within_a_provider_create(
    am_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A 502 or 503 answer to the admin login, met by a provider's `create` (the method `up`
    calls): the login is retried, the realm is written."""
    for name, value in admin_credentials(am_emulator).items():
        monkeypatch.setenv(name, value)
    am_emulator.inject_fault(**login_fault(kind))
    inputs = {
        "baseUrl": am_emulator.base_url,
        "realm": "alpha",
        "onDelete": "restore",
        "stateManagement": "CTS",
        "maxDurationMinutes": 10,
    }
    JourneySessionSettingsProvider().create(inputs)
    counts = am_emulator.request_counts()["counts"]
    logins = sum(n for k, n in counts.items() if k.startswith("POST") and "/root/authenticate" in k)
    assert logins == 2, counts  # the failed one and its retry
    with reader(am_emulator) as client:
        trees = present(client.read_authentication_settings("alpha").trees)
    assert (trees.state_management, trees.max_duration) == ("CTS", 10)
