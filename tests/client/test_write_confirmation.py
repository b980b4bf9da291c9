"""A write counts only where the server shows it: in its answer, or in one fresh read when the
answer shows other values (the real OpenAM 16 once answered a PUT with the document as before).
The emulator's `stale-answer` fault applies a write and answers the old document;
`ignored-write` answers the old document and applies nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient, ConnectionSettings
from aic_sessions.client.errors import WriteNotAppliedError
from aic_sessions.client.models import AuthenticationSettingsPatch, SessionServicePatch
from aic_sessions.client.read_cache import DeploymentReadCache

from tests.client.conftest import count
from tests.values import present

AUTHN = "/realms/alpha/realm-config/authentication"
SERVICE = "/realms/alpha/realm-config/services/session"


@pytest.fixture
def cached(aic_emulator: EmulatorServer) -> Iterator[AdminClient]:
    """A client with the provider's read cache, so a test sees what it keeps after a write."""
    sa_id, jwk = aic_emulator.service_account
    env = {
        "AIC_BASE_URL": aic_emulator.base_url,
        "AIC_SA_ID": sa_id,
        "AIC_SA_JWK": json.dumps(jwk),
    }
    with AdminClient(ConnectionSettings.from_env(env), reads=DeploymentReadCache()) as client:
        client.read_authentication_settings("alpha")  # the token is fetched before counting
        if client.read_session_service("alpha") is None:
            client.add_session_service("alpha", SessionServicePatch(max_session_time=120))
        aic_emulator.clear_requests()
        yield client


def server_max_duration(emulator: EmulatorServer) -> int:
    """The journey-session duration the emulator holds, read by a client of its own."""
    sa_id, jwk = emulator.service_account
    env = {"AIC_BASE_URL": emulator.base_url, "AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}
    with AdminClient(ConnectionSettings.from_env(env)) as reader:
        value = present(reader.read_authentication_settings("alpha").trees).max_duration
    assert value is not None
    return value


def test_an_answer_that_shows_the_write_needs_no_read(
    cached: AdminClient, aic_emulator: EmulatorServer
) -> None:
    written = cached.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(max_duration=11)
    )
    assert present(written.trees).max_duration == 11
    assert count(aic_emulator, "GET", AUTHN) == 0


def test_a_stale_answer_is_confirmed_by_one_fresh_read(
    cached: AdminClient, aic_emulator: EmulatorServer
) -> None:
    aic_emulator.inject_fault(method="PUT", path=AUTHN, kind="stale-answer")
    written = cached.update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(max_duration=12)
    )
    assert present(written.trees).max_duration == 12
    assert count(aic_emulator, "PUT", AUTHN) == 1
    assert count(aic_emulator, "GET", AUTHN) == 1, "one fresh read, past the cache"
    assert server_max_duration(aic_emulator) == 12
    aic_emulator.clear_requests()
    assert present(cached.read_authentication_settings("alpha").trees).max_duration == 12
    assert count(aic_emulator, "GET", AUTHN) == 0, "the cache keeps the document read"


def test_an_ignored_write_is_not_counted_after_one_fresh_read(
    cached: AdminClient, aic_emulator: EmulatorServer
) -> None:
    before = server_max_duration(aic_emulator)
    aic_emulator.clear_requests()
    aic_emulator.inject_fault(method="PUT", path=AUTHN, kind="ignored-write")
    with pytest.raises(WriteNotAppliedError) as caught:
        cached.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(max_duration=before + 1)
        )
    message = str(caught.value)
    assert "trees.authenticationSessionsMaxDuration" in message
    assert "neither its answer nor a fresh read" in message
    assert count(aic_emulator, "GET", AUTHN) == 1
    assert server_max_duration(aic_emulator) == before
    aic_emulator.clear_requests()
    assert present(cached.read_authentication_settings("alpha").trees).max_duration == before
    assert count(aic_emulator, "GET", AUTHN) == 1, "a write not counted leaves the realm unknown"


def test_the_session_service_is_confirmed_the_same_way(
    cached: AdminClient, aic_emulator: EmulatorServer
) -> None:
    aic_emulator.inject_fault(method="PUT", path=SERVICE, kind="stale-answer")
    written = cached.update_session_service("alpha", SessionServicePatch(max_session_time=91))
    assert written.max_session_time == 91
    assert count(aic_emulator, "GET", SERVICE) == 1

    aic_emulator.inject_fault(method="PUT", path=SERVICE, kind="ignored-write")
    with pytest.raises(WriteNotAppliedError, match=r"dynamic\.maxSessionTime"):
        cached.update_session_service("alpha", SessionServicePatch(max_session_time=92))
    assert count(aic_emulator, "GET", SERVICE) == 2
    session_service = cached.read_session_service("alpha")
    assert session_service is not None and session_service.max_session_time == 91
