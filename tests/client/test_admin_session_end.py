"""A client logged in as an AM administrator ends that session when it is closed: AM would
otherwise keep it (in the CTS) until it idles out, one per provider process."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
import requests
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient
from aic_sessions.client.errors import AuthenticationError
from aic_sessions.resources import connection

from tests.client.conftest import admin_client, count, sa_client

SESSIONS = "/sessions"


def _admin_token(client: AdminClient) -> str:
    """The token the client logs in with (its first call logs in)."""
    assert client.transport.authenticator is not None
    cookie = client.transport.authenticator.headers()["Cookie"]
    return cookie.partition("=")[2]


def _valid(emulator: EmulatorServer, token: str) -> bool:
    answer = requests.post(
        f"{emulator.base_url}/json/realms/root/sessions",
        params={"_action": "validate"},
        json={"tokenId": token},
        headers={"Accept-API-Version": "resource=4.0"},
        timeout=10,
    )
    answer.raise_for_status()
    valid: bool = answer.json()["valid"]
    return valid


def test_closing_the_client_ends_the_admin_session_it_opened(am_emulator: EmulatorServer) -> None:
    client = admin_client(am_emulator)
    client.read_authentication_settings("alpha")
    token = _admin_token(client)
    assert _valid(am_emulator, token)
    am_emulator.clear_requests()
    client.close()
    assert not _valid(am_emulator, token)
    assert count(am_emulator, "POST", SESSIONS) == 2  # the logout, then our validate
    client.close()  # a second close sends nothing more
    assert count(am_emulator, "POST", SESSIONS) == 2


@pytest.mark.parametrize("make", [admin_client, sa_client], ids=["admin-unused", "service-account"])
def test_a_client_without_an_admin_session_sends_nothing_at_close(
    am_emulator: EmulatorServer, aic_emulator: EmulatorServer, make: Any
) -> None:
    emulator = am_emulator if make is admin_client else aic_emulator
    client = make(emulator)
    if make is sa_client:
        client.read_authentication_settings("alpha")  # a bearer token, no session
    emulator.clear_requests()
    client.close()
    assert emulator.request_counts()["counts"] == {}


def test_a_failed_logout_is_sent_once_and_neither_raises_nor_shows_the_token(
    am_emulator: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = admin_client(am_emulator, retries={"initial_backoff": 0.01})
    client.read_authentication_settings("alpha")
    token = _admin_token(client)
    am_emulator.clear_requests()
    am_emulator.inject_fault(method="POST", path=SESSIONS, kind="status", status=503, count=5)
    with caplog.at_level(logging.DEBUG, logger="aic_sessions"):
        client.close()
    assert count(am_emulator, "POST", SESSIONS) == 1
    assert "Could not end an admin session" in caplog.text
    assert token not in caplog.text
    am_emulator.clear_faults()
    assert _valid(am_emulator, token)  # left to idle out


@pytest.fixture
def admin_env(am_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> EmulatorServer:
    """The AM emulator, its admin's credentials in the environment (as a stack without any)."""
    username, password = am_emulator.admin
    monkeypatch.setenv("AM_ADMIN_USERNAME", username)
    monkeypatch.setenv("AM_ADMIN_PASSWORD", password)
    return am_emulator


def test_a_deployment_closes_its_clients_and_their_sessions_end(
    admin_env: EmulatorServer,
) -> None:
    """What the provider process does at exit (`connection._close_at_exit`)."""
    am_emulator = admin_env
    with connection.deployment() as deployment:
        client = deployment.client_for(am_emulator.base_url)
        client.read_authentication_settings("alpha")
        token = _admin_token(client)
        deployment.remember_stack_config({"verifyTls": "true"})  # a new config: a new client
        other = deployment.client_for(am_emulator.base_url)
        assert other is not client
        other.read_authentication_settings("alpha")
        second = _admin_token(other)
    assert not _valid(am_emulator, token) and not _valid(am_emulator, second)


def test_a_login_renewed_in_a_long_run_is_ended_too(
    am_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The admin login is renewed after 15 minutes; the earlier session is ended at close too."""
    client = admin_client(am_emulator)
    client.read_authentication_settings("alpha")
    first = _admin_token(client)
    later = time.monotonic() + 16 * 60
    monkeypatch.setattr(time, "monotonic", lambda: later)  # the 15 minutes of a login passed
    client.read_authentication_settings("alpha")
    second = _admin_token(client)
    assert second != first and _valid(am_emulator, first) and _valid(am_emulator, second)
    monkeypatch.undo()
    client.close()
    assert not _valid(am_emulator, first) and not _valid(am_emulator, second)


def test_one_client_failing_to_close_leaves_no_other_session_open(
    admin_env: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    am_emulator = admin_env
    with connection.deployment() as deployment:
        broken = deployment.client_for(am_emulator.base_url)
        broken.read_authentication_settings("alpha")
        monkeypatch.setattr(broken, "close", lambda seconds: 1 / 0)
        deployment.remember_stack_config({"verifyTls": "true"})
        other = deployment.client_for(am_emulator.base_url)
        other.read_authentication_settings("alpha")
        token = _admin_token(other)
    assert not _valid(am_emulator, token)


def test_after_close_a_call_still_running_opens_no_new_session(
    admin_env: EmulatorServer,
) -> None:
    """The watchdog closes a deployment while provider calls may still run (the engine is
    gone): those calls get an error instead of a new admin session that nothing would end."""
    am_emulator = admin_env
    with connection.deployment() as deployment:
        client = deployment.client_for(am_emulator.base_url)
        client.read_authentication_settings("alpha")
        deployment.close()
        am_emulator.clear_requests()
        with pytest.raises(AuthenticationError, match="closed"):
            client.read_authentication_settings("bravo")  # not read before: a request
        with pytest.raises(RuntimeError, match="has ended"):
            deployment.client_for(am_emulator.base_url)
        with pytest.raises(RuntimeError, match="has ended"):
            deployment.beside(lambda: None)
        assert count(am_emulator, "POST", "/authenticate") == 0
