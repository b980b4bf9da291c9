"""Every retry path, the deadline and the 401-refresh path, through the emulator's faults."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import (
    AdminClient,
    AuthenticationError,
    AuthenticationSettingsPatch,
    ConnectionSettings,
    DeadlineExceeded,
    ServerError,
    TransportError,
)
from pydantic import SecretStr

from tests.client.conftest import admin_client, count, sa_client
from tests.values import present

SETTINGS = "realm-config/authentication"


def test_429_is_retried_after_the_servers_delay(
    client: AdminClient, aic_emulator: EmulatorServer
) -> None:
    client.read_authentication_settings("alpha")  # token fetched before the fault
    aic_emulator.clear_requests()
    aic_emulator.inject_fault(
        method="GET", path=SETTINGS, kind="status", status=429, count=2, retryAfter=1
    )
    started = time.monotonic()
    client.read_authentication_settings("alpha")
    assert time.monotonic() - started >= 2.0, "Retry-After was honoured"
    assert count(aic_emulator, "GET", SETTINGS) == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_for_idempotent_writes(
    client: AdminClient, aic_emulator: EmulatorServer, status: int
) -> None:
    aic_emulator.inject_fault(method="PUT", path=SETTINGS, kind="status", status=status, count=2)
    result = client.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(max_duration=7)
    )
    assert present(result.trees).max_duration == 7
    assert count(aic_emulator, "PUT", SETTINGS) == 3


def test_500_is_not_retried(client: AdminClient, aic_emulator: EmulatorServer) -> None:
    aic_emulator.inject_fault(method="GET", path=SETTINGS, kind="status", status=500, count=1)
    with pytest.raises(ServerError, match="HTTP 500"):
        client.read_authentication_settings("alpha")
    assert count(aic_emulator, "GET", SETTINGS) == 1


def test_dropped_connection_is_retried(client: AdminClient, aic_emulator: EmulatorServer) -> None:
    aic_emulator.inject_fault(method="PUT", path=SETTINGS, kind="drop", count=1)
    result = client.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(max_duration=8)
    )
    assert present(result.trees).max_duration == 8


def test_slow_answer_times_out_and_is_retried(aic_emulator: EmulatorServer) -> None:
    with sa_client(
        aic_emulator, timeouts={"read": 0.5}, retries={"initial_backoff": 0.01}
    ) as client:
        client.read_authentication_settings("alpha")
        aic_emulator.inject_fault(method="GET", path=SETTINGS, kind="slow", delayMs=1500, count=1)
        assert present(client.read_authentication_settings("alpha").trees).max_duration == 5


def test_non_idempotent_login_is_not_retried(
    client: AdminClient, aic_emulator: EmulatorServer
) -> None:
    aic_emulator.inject_fault(
        method="POST", path="/authenticate", kind="status", status=503, count=1
    )
    with pytest.raises(ServerError):
        client.authenticate_user("alpha", "demo", SecretStr("Ch4ng3!t"))
    assert count(aic_emulator, "POST", "/authenticate") == 1


def test_attempt_budget_is_bounded(aic_emulator: EmulatorServer) -> None:
    with sa_client(aic_emulator, retries={"max_attempts": 3, "initial_backoff": 0.01}) as client:
        client.read_authentication_settings("alpha")
        aic_emulator.clear_requests()
        aic_emulator.inject_fault(method="GET", path=SETTINGS, kind="status", status=503, count=50)
        with pytest.raises(ServerError, match="HTTP 503"):
            client.read_authentication_settings("alpha")
        assert count(aic_emulator, "GET", SETTINGS) == 3


def test_deadline_bounds_the_whole_operation(aic_emulator: EmulatorServer) -> None:
    with sa_client(
        aic_emulator,
        timeouts={"deadline": 1.5, "read": 1.0},
        retries={"max_attempts": 20, "initial_backoff": 0.2, "max_backoff": 0.4},
    ) as client:
        client.read_authentication_settings("alpha")
        aic_emulator.inject_fault(method="GET", path=SETTINGS, kind="slow", delayMs=1200, count=50)
        started = time.monotonic()
        with pytest.raises((DeadlineExceeded, ServerError, TransportError)):
            client.read_authentication_settings("alpha")
        assert time.monotonic() - started < 3.0


def test_expired_token_is_refreshed_once(client: AdminClient, aic_emulator: EmulatorServer) -> None:
    client.read_authentication_settings("alpha")
    aic_emulator.reset()  # the server forgets every issued access token; accounts stay
    client.read_authentication_settings("alpha")
    assert count(aic_emulator, "POST", "/oauth2/access_token") == 1
    assert count(aic_emulator, "GET", SETTINGS) == 2


def test_token_is_shared_across_threads(client: AdminClient, aic_emulator: EmulatorServer) -> None:
    from concurrent.futures import ThreadPoolExecutor

    aic_emulator.clear_requests()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: client.read_authentication_settings("alpha"), range(16)))
    assert count(aic_emulator, "POST", "/oauth2/access_token") == 1


def test_own_session_actions_need_no_admin_credentials(aic_emulator: EmulatorServer) -> None:
    """A test session is logged out even when the admin identity is broken."""
    from aic_sessions.client import BearerAuth, ConnectionSettings

    broken = ConnectionSettings(
        base_url=aic_emulator.base_url, auth=BearerAuth(access_token="revoked")
    )
    with AdminClient(broken) as client:
        token = client.authenticate_user("alpha", "demo", SecretStr("Ch4ng3!t"))
        assert client.session_info("alpha", token, "demo").username == "demo"
        client.logout("alpha", token)


def test_each_token_attempt_signs_a_fresh_assertion(
    aic_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each retry signs a new assertion (a fresh jti): none the server may have used is resent."""
    from aic_sessions.client.auth import ServiceAccountAuthenticator

    signed: list[str] = []
    original = ServiceAccountAuthenticator._assertion

    def recording(self: ServiceAccountAuthenticator) -> str:
        signed.append(original(self))
        return signed[-1]

    monkeypatch.setattr(ServiceAccountAuthenticator, "_assertion", recording)
    aic_emulator.inject_fault(
        method="POST", path="access_token", kind="status", status=503, count=2
    )
    with sa_client(aic_emulator, retries={"initial_backoff": 0.01}) as client:
        client.read_authentication_settings("alpha")
    assert len(signed) == 3 and len(set(signed)) == 3


def test_credential_failures_are_not_retried_again_by_the_outer_call(
    aic_emulator: EmulatorServer,
) -> None:
    """A failing token endpoint gets at most max_attempts requests, not max_attempts squared."""
    aic_emulator.inject_fault(
        method="POST", path="access_token", kind="status", status=503, count=50
    )
    budget = {"max_attempts": 3, "initial_backoff": 0.01}
    with sa_client(aic_emulator, retries=budget) as client, pytest.raises(ServerError):
        client.read_authentication_settings("alpha")
    assert count(aic_emulator, "POST", "/oauth2/access_token") == 3
    assert count(aic_emulator, "GET", SETTINGS) == 0


@pytest.mark.parametrize(
    "fault",
    [{"kind": "status", "status": 502}, {"kind": "status", "status": 503}, {"kind": "drop"}],
    ids=["502", "503", "dropped"],
)
def test_admin_login_is_retried_like_any_idempotent_call(
    am_emulator: EmulatorServer, fault: dict[str, Any]
) -> None:
    """One 502/503 or dropped connection on the admin login is retried: the call (and `up`)
    succeeds."""
    am_emulator.inject_fault(method="POST", path="/json/realms/root/authenticate", count=1, **fault)
    with admin_client(am_emulator, retries={"initial_backoff": 0.01}) as client:
        assert present(client.read_authentication_settings("alpha").trees).max_duration == 5
    assert count(am_emulator, "POST", "/json/realms/root/authenticate") == 2


def test_login_retries_stay_within_the_calls_deadline(am_emulator: EmulatorServer) -> None:
    """Credentials fetched for a call never outlive that call's deadline."""
    am_emulator.inject_fault(
        method="POST", path="/authenticate", kind="slow", delayMs=900, count=99
    )
    client = admin_client(
        am_emulator,
        timeouts={"deadline": 1.5, "read": 0.5},
        retries={"max_attempts": 20, "initial_backoff": 0.2, "max_backoff": 0.4},
    )
    started = time.monotonic()
    with client, pytest.raises((DeadlineExceeded, ServerError, TransportError)):
        client.read_authentication_settings("alpha")
    assert time.monotonic() - started < 3.0


def test_a_refusal_names_the_tenant_it_came_from(am_emulator: EmulatorServer) -> None:
    """With several tenants in one run, a 401 says which one refused: the URL, never userinfo."""
    username, _ = am_emulator.admin
    host = am_emulator.base_url.split("://", 1)[1]
    env = {
        "AIC_BASE_URL": f"http://someone:pass-in-url@{host}",
        "AM_ADMIN_USERNAME": username,
        "AM_ADMIN_PASSWORD": "not-the-password",
    }
    with (
        AdminClient(ConnectionSettings.from_env(env)) as client,
        pytest.raises(AuthenticationError) as refused,
    ):
        client.read_authentication_settings("alpha")
    message = str(refused.value)
    assert f"(POST {am_emulator.base_url}/json/realms/root/authenticate) failed" in message
    assert "The credentials came from AM_ADMIN_USERNAME and AM_ADMIN_PASSWORD." in message
    assert "pass-in-url" not in message and "someone" not in message
