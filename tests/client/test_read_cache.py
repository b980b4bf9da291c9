"""The deployment read cache: each realm document fetched at most once, our writes' answers kept,
errors and failed writes never cached, a fresh cache (a new deployment) reads the server again.

Requests are counted by the emulator (a real HTTP server on loopback).
"""

from __future__ import annotations

import json
import threading

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import (
    AdminClient,
    AuthenticationSettingsPatch,
    ConnectionSettings,
    ServerError,
    SessionServicePatch,
)
from aic_sessions.client.read_cache import DeploymentReadCache

AUTHN = "/realm-config/authentication"
SERVICE = "/realm-config/services/session"


def cached_client(emulator: EmulatorServer, cache: DeploymentReadCache) -> AdminClient:
    sa_id, jwk = emulator.service_account
    env = {"AIC_BASE_URL": emulator.base_url, "AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}
    settings = ConnectionSettings.from_env(
        env, retries={"initial_backoff": 0.01, "max_backoff": 0.05}
    )
    return AdminClient(settings, reads=cache)


def count(emulator: EmulatorServer, method: str, suffix: str, realm: str = "alpha") -> int:
    counts = emulator.request_counts()["counts"]
    return sum(
        n
        for key, n in counts.items()
        if key.startswith(f"{method} ") and key.endswith(f"/realms/{realm}{suffix}")
    )


def test_a_realm_document_is_read_once_per_cache(aic_emulator: EmulatorServer) -> None:
    with cached_client(aic_emulator, DeploymentReadCache()) as client:
        first = client.read_authentication_settings("alpha")
        again = [client.read_authentication_settings(r) for r in ("alpha", "/alpha", "root/alpha")]
        client.read_authentication_settings("bravo")
    assert count(aic_emulator, "GET", AUTHN) == 1
    assert count(aic_emulator, "GET", AUTHN, "bravo") == 1
    assert all(a.model_dump() == first.model_dump() and a.etag == first.etag for a in again)


def test_each_reader_gets_its_own_copy(aic_emulator: EmulatorServer) -> None:
    with cached_client(aic_emulator, DeploymentReadCache()) as client:
        first = client.read_authentication_settings("alpha")
        assert first.trees is not None
        first.trees.max_duration = 999
        second = client.read_authentication_settings("alpha")
    assert second.trees is not None and second.trees.max_duration != 999


def test_a_write_s_answer_replaces_the_cached_document(aic_emulator: EmulatorServer) -> None:
    with cached_client(aic_emulator, DeploymentReadCache()) as client:
        before = client.read_authentication_settings("alpha")
        assert before.trees is not None and before.trees.max_duration != 9
        client.update_authentication_settings("alpha", AuthenticationSettingsPatch(max_duration=9))
        after = client.read_authentication_settings("alpha")
    assert after.trees is not None and after.trees.max_duration == 9
    assert after.etag and after.etag != before.etag  # the ETag the write's answer carried
    assert count(aic_emulator, "GET", AUTHN) == 1
    assert count(aic_emulator, "PUT", AUTHN) == 1


def test_a_failed_write_forgets_the_document(aic_emulator: EmulatorServer) -> None:
    with cached_client(aic_emulator, DeploymentReadCache()) as client:
        client.read_authentication_settings("alpha")
        aic_emulator.inject_fault(method="PUT", path=AUTHN, kind="status", status=500, count=10)
        with pytest.raises(ServerError):
            client.update_authentication_settings(
                "alpha", AuthenticationSettingsPatch(max_duration=11)
            )
        aic_emulator.clear_faults()
        client.read_authentication_settings("alpha")
    assert count(aic_emulator, "GET", AUTHN) == 2  # read again: the write's effect is unknown


def test_a_failed_read_is_not_cached(aic_emulator: EmulatorServer) -> None:
    with cached_client(aic_emulator, DeploymentReadCache()) as client:
        aic_emulator.inject_fault(method="GET", path=AUTHN, kind="status", status=500, count=10)
        with pytest.raises(ServerError):
            client.read_authentication_settings("alpha")
        aic_emulator.clear_faults()
        aic_emulator.clear_requests()
        assert client.read_authentication_settings("alpha").trees is not None
    assert count(aic_emulator, "GET", AUTHN) == 1


def test_a_new_deployment_sees_what_changed_since(aic_emulator: EmulatorServer) -> None:
    """Another tool's write between deployments is seen: the cache lives for one deployment."""
    with cached_client(aic_emulator, DeploymentReadCache()) as first:
        first.read_authentication_settings("alpha")
    with cached_client(aic_emulator, DeploymentReadCache()) as other_tool:
        other_tool.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(max_duration=13)
        )
    with cached_client(aic_emulator, DeploymentReadCache()) as second:
        seen = second.read_authentication_settings("alpha")
    assert seen.trees is not None and seen.trees.max_duration == 13


def test_session_service_absent_then_added_then_removed(am_emulator: EmulatorServer) -> None:
    """On `am` sub-realms the service is absent: that observation is cached, an add's answer
    replaces it, and a removal forgets it (read again)."""
    with cached_client(am_emulator, DeploymentReadCache()) as client:
        assert client.read_session_service("alpha") is None
        assert client.read_session_service("alpha") is None
        assert count(am_emulator, "GET", SERVICE) == 1
        client.add_session_service("alpha", SessionServicePatch(max_session_time=77))
        added = client.read_session_service("alpha")
        assert added is not None and added.max_session_time == 77
        assert count(am_emulator, "GET", SERVICE) == 1
        client.update_session_service("alpha", SessionServicePatch(max_idle_time=21))
        updated = client.read_session_service("alpha")
        assert updated is not None and (updated.max_session_time, updated.max_idle_time) == (77, 21)
        assert count(am_emulator, "GET", SERVICE) == 1
        client.remove_session_service("alpha")
        assert client.read_session_service("alpha") is None
        assert count(am_emulator, "GET", SERVICE) == 2


def test_concurrent_readers_share_one_request(aic_emulator: EmulatorServer) -> None:
    aic_emulator.inject_fault(method="GET", path=AUTHN, kind="latency", delayMs=200, count=8)
    results: list[int | None] = []
    with cached_client(aic_emulator, DeploymentReadCache()) as client:

        def read() -> None:
            trees = client.read_authentication_settings("alpha").trees
            results.append(trees.max_duration if trees else None)

        threads = [threading.Thread(target=read) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert len(results) == 8 and len(set(results)) == 1
    assert count(aic_emulator, "GET", AUTHN) == 1


def test_without_a_cache_every_read_goes_to_the_server(aic_emulator: EmulatorServer) -> None:
    """The verifier's client: no cache unless one is given."""
    sa_id, jwk = aic_emulator.service_account
    env = {"AIC_BASE_URL": aic_emulator.base_url, "AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}
    with AdminClient(ConnectionSettings.from_env(env)) as client:
        for _ in range(3):
            client.read_authentication_settings("alpha")
    assert count(aic_emulator, "GET", AUTHN) == 3
