"""The providers' methods called directly against the emulator: prior values, rollback, drift.

Faster than the engine and precise about what each method writes; the engine tests in
tests/engine cover the same resources end to end.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch, SessionServicePatch
from aic_sessions.resources import wire
from aic_sessions.resources.authenticated import AuthenticatedSessionSettingsProvider
from aic_sessions.resources.base import ProviderError
from aic_sessions.resources.baseline import RealmBaselineProvider
from aic_sessions.resources.journey import JourneySessionSettingsProvider
from pulumi.dynamic import ReadResult

from tests.client.conftest import sa_client
from tests.values import present


def props(emulator: EmulatorServer, **values: Any) -> dict[str, Any]:
    return {"baseUrl": emulator.base_url, "realm": "alpha", "onDelete": "restore", **values}


def test_journey_destroy_leaves_unowned_attributes_alone(emulator: EmulatorServer) -> None:
    """Delete writes back only the attributes the resource manages, not the whole trees section."""
    provider = JourneySessionSettingsProvider()
    inputs = props(emulator, stateManagement="CTS", maxDurationMinutes=10)
    outs = present(provider.create(inputs).outs)
    assert set(outs["priorSettings"]) == {"stateManagement", "maxDurationMinutes"}
    with sa_client(emulator) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(allowlisting=True, suspended_timeout=600)
        )
        provider.delete("id", {**inputs, **outs})
        trees = client.read_authentication_settings("alpha").trees
    assert (present(trees).state_management, present(trees).max_duration) == ("JWT", 5)
    assert (present(trees).allowlisting, present(trees).suspended_timeout) == (True, 600)


def test_journey_newly_managed_attribute_gets_its_prior(emulator: EmulatorServer) -> None:
    provider = JourneySessionSettingsProvider()
    first = props(emulator, stateManagement="CTS", maxDurationMinutes=10)
    outs = present(provider.create(first).outs)
    second = {**first, "suspendedTimeoutMinutes": 60}
    outs = present(provider.update("id", {**first, **outs}, second).outs)
    assert outs["priorSettings"]["suspendedTimeoutMinutes"] == 1440
    provider.delete("id", {**second, **outs})
    with sa_client(emulator) as client:
        assert present(client.read_authentication_settings("alpha").trees).suspended_timeout == 1440


def test_authenticated_prior_survives_newly_managed_timeouts(emulator: EmulatorServer) -> None:
    """Adding a timeout keeps the realm's own prior clientSideSessions, not our value."""
    with sa_client(emulator) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(stateless_sessions=True)
        )
    provider = AuthenticatedSessionSettingsProvider()
    first = props(emulator, clientSideSessions=False, maxSessionTimeMinutes=480)
    outs = present(provider.create(first).outs)
    second = {**first, "maxIdleTimeMinutes": 60}
    outs = present(provider.update("id", {**first, **outs}, second).outs)
    assert outs["priorSettings"] == {
        "clientSideSessions": True,
        "maxSessionTimeMinutes": 120,
        "maxIdleTimeMinutes": 30,
    }
    provider.delete("id", {**second, **outs})
    with sa_client(emulator) as client:
        assert (
            present(client.read_authentication_settings("alpha").general).stateless_sessions is True
        )
        service = client.read_session_service("alpha")
    assert (present(service).max_session_time, present(service).max_idle_time) == (120, 30)


def test_failed_second_write_of_create_is_rolled_back(emulator: EmulatorServer) -> None:
    """After a half-applied create, the next create records the realm's original as the prior."""
    with sa_client(emulator) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(stateless_sessions=True)
        )
    emulator.inject_fault(method="PUT", path="services/session", kind="status", status=500, count=1)
    provider = AuthenticatedSessionSettingsProvider()
    with pytest.raises(ProviderError, match="HTTP 500"):
        provider.create(props(emulator, clientSideSessions=False, maxIdleTimeMinutes=15))
    with sa_client(emulator) as client:
        assert (
            present(client.read_authentication_settings("alpha").general).stateless_sessions is True
        )


def test_prior_values_outside_our_bounds_are_still_restored(emulator: EmulatorServer) -> None:
    with sa_client(emulator) as client:
        client.update_session_service("alpha", SessionServicePatch.model_construct(max_idle_time=0))
    provider = AuthenticatedSessionSettingsProvider()
    inputs = props(emulator, clientSideSessions=False, maxIdleTimeMinutes=15)
    outs = present(provider.create(inputs).outs)
    provider.delete("id", {**inputs, **outs})
    with sa_client(emulator) as client:
        assert present(client.read_session_service("alpha")).max_idle_time == 0


def test_only_a_realm_config_404_means_gone(emulator: EmulatorServer) -> None:
    """A 404 from the token endpoint fails refresh; it never drops a resource from state."""
    provider = JourneySessionSettingsProvider()
    inputs = props(emulator, stateManagement="CTS", maxDurationMinutes=5)
    emulator.inject_fault(method="POST", path="access_token", kind="status", status=404, count=1)
    with pytest.raises(ProviderError, match="HTTP 404"):
        provider.read("id", inputs)
    gone = provider.read("id", {**inputs, "realm": "no-such-realm"})
    assert isinstance(gone, ReadResult) and gone.id == ""


def test_check_names_the_property_and_skips_unknowns(emulator: EmulatorServer) -> None:
    provider = JourneySessionSettingsProvider()
    failures = provider.check(
        {}, props(emulator, stateManagement="SQL", maxDurationMinutes=-5)
    ).failures
    by_property = {f.property: f.reason for f in failures}
    assert "Use 'CTS'" in by_property["stateManagement"]
    assert "Use whole minutes from 1 to 1440" in by_property["maxDurationMinutes"]
    unknown = wire.UNKNOWN
    assert (
        provider.check({}, props(emulator, stateManagement=unknown, maxDurationMinutes=5)).failures
        == []
    )


def test_none_for_an_attribute_with_a_default_says_to_leave_it_out(
    emulator: EmulatorServer,
) -> None:
    """`max_duration_minutes=None` reaches `check` as a missing input (the SDK drops None):
    not "Field required", but that None is not the default, and the default."""
    [failure] = (
        JourneySessionSettingsProvider().check({}, props(emulator, stateManagement="CTS")).failures
    )
    assert failure.property == "maxDurationMinutes"
    assert failure.reason.startswith("It was given as None, which does not mean its default")
    assert "(the default is 5)" in failure.reason


def test_in_memory_is_refused_where_the_deployment_signs_in_with_a_service_account(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The AIC emulator on 127.0.0.1: no AIC host name, but an AIC service account.
    for variable in ("AM_ADMIN_USERNAME", "AM_ADMIN_PASSWORD", "AIC_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    sa_id, jwk = emulator.service_account
    monkeypatch.setenv("AIC_SA_ID", sa_id)
    monkeypatch.setenv("AIC_SA_JWK", json.dumps(jwk))
    in_memory = props(emulator, stateManagement="IN_MEMORY", maxDurationMinutes=5)
    failures = JourneySessionSettingsProvider().check({}, in_memory).failures
    assert [f.property for f in failures] == ["stateManagement"]
    assert "not available on Advanced Identity Cloud" in failures[0].reason
    monkeypatch.delenv("AIC_SA_ID")
    monkeypatch.setenv("AM_ADMIN_USERNAME", "amadmin")
    monkeypatch.setenv("AM_ADMIN_PASSWORD", "x")
    assert JourneySessionSettingsProvider().check({}, in_memory).failures == []


def test_a_boolean_for_a_number_is_named_as_a_boolean(emulator: EmulatorServer) -> None:
    provider = JourneySessionSettingsProvider()
    given = props(emulator, stateManagement="CTS", maxDurationMinutes=True)
    [failure] = provider.check({}, given).failures
    assert "It is a boolean (True or False)" in failure.reason
    assert "unquoted" not in failure.reason
    quoted_given = props(emulator, stateManagement="CTS", maxDurationMinutes="5")
    [quoted] = provider.check({}, quoted_given).failures
    assert "It is a string, and values are never converted (write it unquoted)" in quoted.reason


def test_a_baseline_from_before_journey_settings_were_recorded_observes_them_on_refresh(
    emulator: EmulatorServer,
) -> None:
    """Baselines recorded before `observed.journeySettings` existed get it from the next
    refresh (what the policy pack's `realm-fully-managed` reads); later refreshes send nothing."""
    from aic_sessions.domain.observed import JOURNEY_SETTINGS
    from aic_sessions.resources import connection

    provider = RealmBaselineProvider()
    outs = present(provider.create(props(emulator, manages=["clientSideSessions"])).outs)
    assert outs["observed"][JOURNEY_SETTINGS] is True
    old = {**outs, "observed": {k: v for k, v in outs["observed"].items() if k != JOURNEY_SETTINGS}}
    with connection.deployment():  # a refresh: a provider process of its own
        refreshed = present(provider.read("id", old).outs)
    assert refreshed["observed"] == outs["observed"]
    emulator.clear_requests()
    with connection.deployment():
        assert present(provider.read("id", refreshed).outs) == refreshed
    assert emulator.request_counts()["total"] == 0


def test_a_baseline_refuses_a_misspelt_managed_attribute(emulator: EmulatorServer) -> None:
    # A name that is no attribute would leave the attribute unobserved, so never restored.
    managed = ["stateManagement", "maxIdleTime"]
    failures = RealmBaselineProvider().check({}, props(emulator, manages=managed)).failures
    assert [f.property for f in failures] == ["manages"]
    assert failures[0].reason.startswith("names no settings attribute: maxIdleTime (did you mean")
    assert "maxIdleTimeMinutes?" in failures[0].reason and "Value error" not in failures[0].reason


def test_secret_whose_proof_fails_is_rolled_back_to_the_prior_one(
    emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A written secret that journeys are not signed with is not left on the realm: update
    writes the previous value back and says so."""
    import base64
    import hashlib
    import os

    from aic_sessions.resources import signing_secret

    provider = signing_secret.SigningSecretProvider()
    old, new = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))
    olds = provider.check({}, props(emulator, value=old)).inputs
    outs = present(provider.create(olds).outs)
    news = provider.check(outs, props(emulator, value=new)).inputs
    monkeypatch.setattr(signing_secret, "secret_in_effect", lambda *_: False)
    with pytest.raises(ProviderError, match="prior signing secret was written back"):
        provider.update("id", outs, news)
    assert emulator.secret_digest("alpha") == hashlib.sha256(old.encode()).hexdigest()


def test_secret_read_starts_its_journey_beside_the_document_read(
    emulator: EmulatorServer,
) -> None:
    """Refresh of many realms with a slow tenant: `read` asked for the document, then started
    the journey, holding one of the provider's four threads for both answers in turn. The two
    do not depend on each other, so they go at once."""
    import base64
    import os
    import time

    from aic_sessions.resources import connection, signing_secret

    provider = signing_secret.SigningSecretProvider()
    value = base64.b64encode(os.urandom(32)).decode()
    outs = provider.create(provider.check({}, props(emulator, value=value)).inputs).outs
    delay = 1500
    emulator.inject_fault(
        method="GET",
        path="/realms/alpha/realm-config/authentication",
        kind="latency",
        delayMs=delay,
        count=1,
    )
    emulator.inject_fault(
        method="POST", path="/realms/alpha/authenticate", kind="latency", delayMs=delay, count=1
    )
    with connection.deployment():  # a refresh is a new provider process: nothing read yet
        started = time.monotonic()
        read = provider.read("id", outs)
        took = time.monotonic() - started
    emulator.clear_faults()
    assert read.outs["secretInEffect"] is True
    assert took < 2 * delay / 1000 - 0.3, f"{took:.2f} s: the two requests went one after the other"


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ({"esvReference": "esv-fox-signing"}, "esvReference: ESVs exist only on Advanced Identity"),
        ({"onDelete": "restore"}, "onDelete: 'restore' puts back the secret the realm showed"),
    ],
)
def test_a_server_that_shows_no_secret_refuses_esvs_and_restore_before_writing(
    am_emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    given: dict[str, Any],
    problem: str,
) -> None:
    """Self-managed AM answers `sharedSecret: null` (OpenAM 16, AM 8 recordings): an ESV
    reference written there would become its secret, and a restore has nothing to put back.
    Both are refused at create, and when an update asks for them, with nothing written."""
    import base64
    import os

    from aic_sessions.resources import signing_secret

    monkeypatch.setenv("AM_ADMIN_USERNAME", am_emulator.admin[0])
    monkeypatch.setenv("AM_ADMIN_PASSWORD", am_emulator.admin[1])
    provider = signing_secret.SigningSecretProvider()
    value = base64.b64encode(os.urandom(32)).decode()
    plain = {"baseUrl": am_emulator.base_url, "realm": "alpha", "onDelete": "retain"}
    asked = {**plain, **({} if "esvReference" in given else {"value": value}), **given}
    before = am_emulator.secret_digest("alpha")
    with pytest.raises(ProviderError, match=problem) as refused:
        provider.create(provider.check({}, asked).inputs)
    assert "The signing secret was not written." in str(refused.value)
    assert am_emulator.secret_digest("alpha") == before
    assert am_emulator.request_counts()["writes"] == 0

    outs = present(provider.create(provider.check({}, {**plain, "value": value}).inputs).outs)
    written = am_emulator.secret_digest("alpha")
    with pytest.raises(ProviderError, match=problem):
        provider.update("id", outs, provider.check(outs, asked).inputs)
    assert am_emulator.secret_digest("alpha") == written
