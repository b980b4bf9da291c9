"""Contract tests of the client: against the emulator always, and against a real tenant too.

A real tenant is used when `AIC_CONTRACT_TENANT=1` and the client's variables are set
(`AIC_BASE_URL` plus credentials, see `ConnectionSettings.from_env`); `AIC_CONTRACT_REALM`
(default alpha) and `AIC_TEST_USERNAME` / `AIC_TEST_PASSWORD` choose the realm and end user.
Every change a test makes is put back. Without that configuration the tenant cases are not
generated at all (rather than skipped).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import (
    AdminClient,
    AuthenticationSettingsPatch,
    ConnectionSettings,
    InvalidRequestError,
    TokenKind,
    classify_token,
)
from aic_sessions.client.transport import Call
from pydantic import SecretStr

from tests.client.conftest import sa_client
from tests.values import present


@dataclass
class Target:
    client: AdminClient
    realm: str
    username: str
    password: SecretStr


TENANT = os.environ.get("AIC_CONTRACT_TENANT") == "1"


@pytest.fixture(params=["emulator", *(["tenant"] if TENANT else [])])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "emulator":
        emulator: EmulatorServer = request.getfixturevalue("aic_emulator")
        with sa_client(emulator) as client:
            yield Target(client, "alpha", "demo", SecretStr("Ch4ng3!t"))
        return
    with AdminClient(ConnectionSettings.from_env()) as client:
        yield Target(
            client,
            os.environ.get("AIC_CONTRACT_REALM", "alpha"),
            os.environ["AIC_TEST_USERNAME"],
            SecretStr(os.environ["AIC_TEST_PASSWORD"]),
        )


def test_read_settings(target: Target) -> None:
    settings = target.client.read_authentication_settings(target.realm)
    assert settings.etag
    assert present(settings.trees).state_management in {"CTS", "JWT", "IN_MEMORY"}
    assert present(present(settings.trees).max_duration) >= 1


def test_partial_update_changes_only_what_is_sent(target: Target) -> None:
    client, realm = target.client, target.realm
    before = client.read_authentication_settings(realm)
    original = present(present(before.trees).max_duration)
    try:
        after = client.update_authentication_settings(
            realm, AuthenticationSettingsPatch(max_duration=original + 1)
        )
        assert present(after.trees).max_duration == original + 1
        untouched = {k: v for k, v in before.model_dump(by_alias=True).items() if k != "trees"}
        assert {
            k: v for k, v in after.model_dump(by_alias=True).items() if k != "trees"
        } == untouched
        assert after.etag != before.etag
    finally:
        client.update_authentication_settings(
            realm, AuthenticationSettingsPatch(max_duration=original)
        )


def test_unknown_attribute_is_rejected_with_valid_attributes(target: Target) -> None:
    from aic_sessions.client.realms import realm_path

    call = Call(
        "Writing an unknown attribute",
        "PUT",
        f"/json{realm_path(target.realm)}/realm-config/authentication",
        api_version="protocol=1.0,resource=1.0",
        json={"trees": {"noSuchAttribute": 1}},
    )
    with pytest.raises(InvalidRequestError) as caught:
        target.client.transport.send(call)
    assert "authenticationSessionsStateManagement" in caught.value.valid_attributes


def test_schema_is_a_json_schema(target: Target) -> None:
    schema = target.client.authentication_settings_schema(target.realm)
    assert schema.get("type") == "object" and "properties" in schema


def test_end_user_session_round_trip(target: Target) -> None:
    client, realm = target.client, target.realm
    token = client.authenticate_user(realm, target.username, target.password)
    try:
        info = client.session_info(realm, token, target.username)
        kind = classify_token(token.get_secret_value())
        stored = client.query_sessions(realm, info.username)
        assert (kind is TokenKind.SERVER_SIDE) == bool(stored)
    finally:
        client.logout(realm, token)
