"""The admin-API client against a real OpenAM 16: what it reads, writes and concludes is what the
server shows (the fixture's plain-requests helpers are the ground truth)."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from typing import cast

import pytest
from aic_sessions.client import (
    AdminAuth,
    AdminClient,
    AuthenticationSettingsPatch,
    ConnectionSettings,
    InvalidRequestError,
    SessionServicePatch,
    StateManagement,
    TokenKind,
    classify_token,
)
from aic_sessions.client.errors import WriteNotAppliedError
from aic_sessions.client.tokens import auth_id_signed_with
from aic_sessions.domain.attributes import AUTHENTICATED, observe, patches
from pydantic import SecretStr

from tests.realserver.openam import OpenAM
from tests.values import present


@pytest.fixture
def client(openam: OpenAM) -> Iterator[AdminClient]:
    auth = AdminAuth(
        username=openam.admin_username,
        password=SecretStr(openam.admin_password.get_secret_value()),
    )
    with AdminClient(ConnectionSettings(base_url=openam.base_url, auth=auth)) as admin:
        yield admin


def test_closing_the_client_ends_its_admin_session(openam: OpenAM) -> None:
    """What each provider process does at its end, on OpenAM 16 (whose session actions answer
    only the older dialect, so the logout negotiates it first)."""
    auth = AdminAuth(
        username=openam.admin_username,
        password=SecretStr(openam.admin_password.get_secret_value()),
    )
    admin = AdminClient(ConnectionSettings(base_url=openam.base_url, auth=auth))
    admin.read_authentication_settings("alpha")
    assert admin.transport.authenticator is not None
    token = admin.transport.authenticator.headers()["Cookie"].partition("=")[2]
    assert openam.session_is_open(token)
    admin.close()
    still_open = openam.session_is_open(token)  # a bool: a failure never prints the token
    assert not still_open


def test_read_shows_no_trees_and_invents_nothing(client: AdminClient, realm: str) -> None:
    settings = client.read_authentication_settings(realm)
    assert settings.trees is None and not settings.has_journey_settings
    assert settings.general is not None
    assert settings.general.stateless_sessions is False


def test_partial_writes_of_general_and_security(
    openam: OpenAM, client: AdminClient, realm: str
) -> None:
    before = openam.get_authentication(realm)
    client.update_authentication_settings(
        realm, AuthenticationSettingsPatch(stateless_sessions=True)
    )
    after = openam.get_authentication(realm)
    assert after["general"]["statelessSessionsEnabled"] is True
    unchanged = {k: v for k, v in after["general"].items() if k != "statelessSessionsEnabled"}
    assert unchanged == {k: v for k, v in before["general"].items() if k in unchanged}
    assert after["core"] == before["core"] and after["accountlockout"] == before["accountlockout"]

    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    client.update_authentication_settings(
        realm, AuthenticationSettingsPatch(shared_secret=SecretStr(secret))
    )
    auth_id = client.start_journey(realm)
    assert auth_id is not None and auth_id_signed_with(auth_id, secret)
    assert openam.get_authentication(realm)["general"]["statelessSessionsEnabled"] is True


def test_a_trees_write_is_not_reported_as_done(
    openam: OpenAM, client: AdminClient, realm: str
) -> None:
    """OpenAM answers 200 to a trees write and drops it: the client must say so."""
    before = openam.get_authentication(realm)
    patch = AuthenticationSettingsPatch(state_management=StateManagement.CTS, max_duration=7)
    with pytest.raises(WriteNotAppliedError) as caught:
        client.update_authentication_settings(realm, patch)
    assert "trees.authenticationSessionsStateManagement" in str(caught.value)
    after = openam.get_authentication(realm)
    assert "trees" not in after
    assert {k: v for k, v in after.items() if k != "_rev"} == {
        k: v for k, v in before.items() if k != "_rev"
    }


def test_session_service_absent_added_partially_updated_removed(
    openam: OpenAM, client: AdminClient, realm: str
) -> None:
    assert client.read_session_service(realm) is None
    assert openam.get_session_service(realm) is None
    added = client.add_session_service(realm, SessionServicePatch(max_session_time=90))
    assert added.max_session_time == 90 and added.max_idle_time is not None
    raw = openam.get_session_service(realm)
    assert raw is not None and raw["dynamic"]["maxSessionTime"] == 90
    idle, quota = raw["dynamic"]["maxIdleTime"], raw["dynamic"]["quotaLimit"]

    client.update_session_service(realm, SessionServicePatch(max_idle_time=idle + 1))
    raw = openam.get_session_service(realm)
    assert raw is not None
    assert raw["dynamic"]["maxSessionTime"] == 90, "an attribute not sent was kept"
    assert raw["dynamic"]["maxIdleTime"] == idle + 1
    assert raw["dynamic"]["quotaLimit"] == quota

    # OpenAM 16 answers the DELETE with success and keeps the service (observed): the client
    # reports that instead of a success, and can write back every value a realm without it
    # gets (a PUT of some attributes into the kept service nulls the others: observed).
    assert client.remove_session_service(realm) is False
    assert openam.get_session_service(realm) is not None
    reset = client.reset_session_service(realm)
    assert (reset.max_session_time, reset.max_idle_time) == (120, 30)
    raw = openam.get_session_service(realm)
    assert raw is not None and raw["dynamic"] == openam.session_service_template(realm)


def test_invalid_values_are_typed_errors_with_readable_text(
    client: AdminClient, realm: str
) -> None:
    bad_flag = AuthenticationSettingsPatch.model_construct(
        stateless_sessions=cast(bool, "maybe")  # deliberately not a boolean: sent as is
    )
    with pytest.raises(InvalidRequestError) as caught:
        client.update_authentication_settings(realm, bad_flag)
    # AM's own words, unescaped; the value we sent is scrubbed from them (never echoed).
    said = str(caught.value)
    assert "Invalid attribute value syntax" in said and "&#39;" not in said
    assert "maybe" not in said

    client.add_session_service(realm, SessionServicePatch(max_session_time=60))
    negative = SessionServicePatch.model_construct(max_idle_time=-5)
    with pytest.raises(InvalidRequestError) as caught:
        client.update_session_service(realm, negative)
    assert "max-idle-time" in str(caught.value)


def test_sessions_of_the_user_asked_about_never_the_admins(
    openam: OpenAM, client: AdminClient, realm: str
) -> None:
    """OpenAM reads the token from a header (resource=2.0) and ignores a body token; with the
    admin's cookie along it would describe the admin. The client negotiates 2.0 and sends no
    admin credentials on calls about another token."""
    client.read_authentication_settings(realm)  # the admin is logged in from here on
    password = SecretStr(openam.test_password.get_secret_value())
    token = client.authenticate_user(realm, openam.test_username, password)
    assert classify_token(token.get_secret_value()) is TokenKind.SERVER_SIDE

    info = client.session_info(realm, token, openam.test_username)
    assert info.username == openam.test_username and info.realm == f"/{realm}"
    assert present(client.dialects.chosen("session-actions")).version.startswith("resource=2.0")
    listed = client.query_sessions(realm, openam.test_username)
    assert [s.universal_id for s in listed] == [info.universal_id]
    assert present(client.dialects.chosen("session-query")).version.startswith("resource=2.0")

    client.logout(realm, token)
    assert client.query_sessions(realm, openam.test_username) == []


def test_client_side_tokens_are_recognised(openam: OpenAM, client: AdminClient, realm: str) -> None:
    client.update_authentication_settings(
        realm, AuthenticationSettingsPatch(stateless_sessions=True)
    )
    password = SecretStr(openam.test_password.get_secret_value())
    token = client.authenticate_user(realm, openam.test_username, password)
    assert classify_token(token.get_secret_value()) is TokenKind.CLIENT_SIDE
    assert client.query_sessions(realm, openam.test_username) == []
    client.logout(realm, token)


def test_every_authenticated_row_is_written_as_this_server_shows_it(
    openam: OpenAM, client: AdminClient, realm: str
) -> None:
    """Each row of the table this server has (no `trees` here): its patch, sent by its AM name,
    is applied and observed back; the Session service's other attributes are kept."""
    client.add_session_service(realm, SessionServicePatch(max_session_time=90))
    for a in AUTHENTICATED:
        settings = client.read_authentication_settings(realm)
        before = observe([a], settings, client.read_session_service(realm))[a.name]
        assert before is not None, f"{a.wire}: this server shows no value"
        value = (not before) if a.kind is bool else (before + 1 if before < 1000 else before - 1)
        auth, session = patches(AUTHENTICATED, {a.name: value})
        dynamic = present(openam.get_session_service(realm))["dynamic"]
        if a.section == "session":
            client.update_session_service(realm, session)
        else:
            client.update_authentication_settings(realm, auth)
        settings = client.read_authentication_settings(realm)
        shown = observe([a], settings, client.read_session_service(realm))[a.name]
        assert shown == value, f"{a.wire}: wrote {value}, the server shows {shown}"
        after = present(openam.get_session_service(realm))["dynamic"]
        assert after == {**dynamic, **session.to_api()["dynamic"]}, "only the row changed"
