"""The assert-only mode of the settings resources (an environment that refuses static writes).

Each provider method is called against the emulator: a realm that already holds the intended
values is accepted with no write, a difference fails naming the missing promotion with no
write, refresh still observes drift, and destroy writes nothing back.
"""

from __future__ import annotations

from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.resources import connection
from aic_sessions.resources.authenticated import AuthenticatedSessionSettingsProvider
from aic_sessions.resources.base import ProviderError
from aic_sessions.resources.journey import JourneySessionSettingsProvider
from aic_sessions.resources.signing_secret import SigningSecretProvider

from tests.client.conftest import sa_client
from tests.values import present


def props(emulator: EmulatorServer, **values: Any) -> dict[str, Any]:
    return {
        "baseUrl": emulator.base_url,
        "realm": "alpha",
        "onDelete": "restore",
        "assertOnly": True,
        "promotesFrom": "dev",
        **values,
    }


def writes(emulator: EmulatorServer) -> int:
    return int(emulator.request_counts()["writes"])


def set_journey(emulator: EmulatorServer, minutes: int) -> None:
    with sa_client(emulator) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(state_management="CTS", max_duration=minutes)
        )
    emulator.clear_requests()


def test_matching_realm_is_accepted_without_a_write(emulator: EmulatorServer) -> None:
    set_journey(emulator, 15)
    provider = JourneySessionSettingsProvider()
    inputs = props(emulator, stateManagement="CTS", maxDurationMinutes=15)
    outs = present(provider.create(inputs).outs)
    assert outs["maxDurationMinutes"] == 15 and outs["priorSettings"] == {}
    provider.delete("id", {**inputs, **outs})  # destroy restores nothing
    assert writes(emulator) == 0


def test_difference_fails_naming_the_promotion_and_writes_nothing(
    emulator: EmulatorServer,
) -> None:
    set_journey(emulator, 10)
    provider = JourneySessionSettingsProvider()
    inputs = props(emulator, stateManagement="CTS", maxDurationMinutes=15)
    with pytest.raises(ProviderError) as failure:
        provider.create(inputs)
    message = str(failure.value)
    assert "maxDurationMinutes is 10 (wanted 15)" in message
    assert "promotion from dev" in message and "nothing was sent" in message
    with pytest.raises(ProviderError):
        provider.update("id", {**inputs, "maxDurationMinutes": 10}, inputs)
    assert writes(emulator) == 0


def test_refresh_observes_drift_in_assert_mode(emulator: EmulatorServer) -> None:
    set_journey(emulator, 15)
    provider = JourneySessionSettingsProvider()
    inputs = props(emulator, stateManagement="CTS", maxDurationMinutes=15)
    outs = present(provider.create(inputs).outs)
    set_journey(emulator, 7)
    with connection.deployment():  # refresh is another engine operation: a new deployment
        read = present(provider.read("id", {**inputs, **outs}).outs)
    assert read["maxDurationMinutes"] == 7
    assert provider.diff("id", read, inputs).changes
    assert writes(emulator) == 0


@pytest.mark.parametrize(
    "provider",
    [JourneySessionSettingsProvider(), AuthenticatedSessionSettingsProvider()],
    ids=["journey", "authenticated"],
)
def test_a_refresh_keeps_the_assert_keys_as_inputs(
    emulator: EmulatorServer, provider: JourneySessionSettingsProvider
) -> None:
    """The inputs a read hands the next diff keep `assertOnly` and `promotesFrom`: without them,
    every preview after a refresh showed `-assertOnly,promotesFrom` and the next up an update."""
    set_journey(emulator, 5)  # CTS, 5 minutes: what the journey resource asserts
    with sa_client(emulator) as client:
        general = present(client.read_authentication_settings("alpha").general)
    emulator.clear_requests()
    inputs = props(emulator)
    if isinstance(provider, JourneySessionSettingsProvider):
        inputs |= {"stateManagement": "CTS", "maxDurationMinutes": 5}
    else:
        inputs |= {"clientSideSessions": general.stateless_sessions}
    outs = present(provider.create(inputs).outs)
    with connection.deployment():
        read = provider.read("id", {**inputs, **outs})
    refreshed = present(read.inputs)
    assert refreshed["assertOnly"] is True and refreshed["promotesFrom"] == "dev"
    assert not provider.diff("id", {**read.outs, **refreshed}, inputs).changes
    assert writes(emulator) == 0


def test_switching_a_written_resource_to_assert_mode_sends_nothing(
    emulator: EmulatorServer,
) -> None:
    """A stack moving from direct writes to the chain: the update asserts, and destroy no
    longer restores the prior values it recorded in the write mode."""
    provider = AuthenticatedSessionSettingsProvider()
    written = {**props(emulator, clientSideSessions=False), "assertOnly": None}
    outs = present(provider.create(written).outs)
    assert outs["priorSettings"]
    emulator.clear_requests()
    asserted = props(emulator, clientSideSessions=False)
    assert provider.diff("id", {**written, **outs}, asserted).changes
    outs = present(present(provider.update("id", {**written, **outs}, asserted).outs))
    provider.delete("id", {**asserted, **outs})
    assert outs["priorSettings"] == {} and writes(emulator) == 0


def test_signing_secret_asserts_the_promoted_esv_reference(emulator: EmulatorServer) -> None:
    provider = SigningSecretProvider()
    inputs = provider.check({}, props(emulator, esvReference="esv-alpha-signing-secret")).inputs
    with pytest.raises(ProviderError, match=r"&\{esv\.alpha\.signing\.secret\}"):
        provider.create(inputs)
    with sa_client(emulator) as client:
        client.update_authentication_settings(
            "alpha",
            AuthenticationSettingsPatch(shared_secret_reference="&{esv.alpha.signing.secret}"),
        )
    emulator.clear_requests()
    with connection.deployment():  # the next run reads the realm again
        outs = present(provider.create(inputs).outs)
    assert outs["secretForm"] == "esv-reference"
    assert writes(emulator) == 0


def test_signing_secret_assert_mode_refuses_a_value(emulator: EmulatorServer) -> None:
    provider = SigningSecretProvider()
    result = provider.check({}, props(emulator, value="c2VjcmV0LXZhbHVlLW9mLTMyLWJ5dGVzLWxvbmch"))
    assert [f.property for f in result.failures] == ["esvReference"]
