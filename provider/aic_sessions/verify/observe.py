"""Observe one realm through the admin API: settings, a journey, a test login, its session.

The realm's settings are read first, as the admin identity: when that fails (wrong realm, no
scope, tenant unreachable) no test session is created, because it could not be looked up or
logged out. Otherwise a journey is started without credentials (its `authId` shows how journey
sessions are kept and which secret signs them), the test user logs in, the token's session is
looked up (it must be the test user's) and searched for, and the session is logged out in a
`finally`, then searched for again by the test user's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import SecretStr

from aic_sessions.client import (
    AdminApiError,
    AdminClient,
    AuthenticationSettings,
    SessionInfo,
    StoredSession,
    TokenKind,
    classify_token,
)

T = TypeVar("T")


@dataclass(frozen=True)
class TestUser:
    """A non-administrative user of the realm; the password never shows in a repr."""

    __test__ = False  # not a pytest test class

    username: str
    password: SecretStr


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """The value of one API step, or the client error it raised."""

    value: T | None = None
    error: AdminApiError | None = None


def attempt(step: Callable[[], T]) -> Outcome[T]:
    try:
        return Outcome(value=step())
    except AdminApiError as exc:
        return Outcome(error=exc)


@dataclass
class Observation:
    """Everything seen in one realm; None means the step was not attempted."""

    settings: Outcome[AuthenticationSettings]
    journey: Outcome[str | None] | None = None  # the authId of a credential-less journey start
    login: Outcome[TokenKind] | None = None
    info: Outcome[SessionInfo] | None = None
    listed: Outcome[list[StoredSession]] | None = None
    logout: Outcome[None] | None = None
    remaining: Outcome[list[StoredSession]] | None = None


def observe_realm(client: AdminClient, realm: str, user: TestUser) -> Observation:
    obs = Observation(settings=attempt(lambda: client.read_authentication_settings(realm)))
    if obs.settings.error is not None:
        return obs
    obs.journey = attempt(lambda: client.start_journey(realm))
    login = attempt(lambda: client.authenticate_user(realm, user.username, user.password))
    if login.value is None:
        obs.login = Outcome(error=login.error)
        return obs
    _observe_session(client, realm, login.value, user.username, obs)
    return obs


def _observe_session(
    client: AdminClient, realm: str, token: SecretStr, username: str, obs: Observation
) -> None:
    obs.login = Outcome(value=classify_token(token.get_secret_value()))
    try:
        obs.info = attempt(lambda: client.session_info(realm, token, username))
        obs.listed = _query(client, realm, username)
    finally:
        obs.logout = attempt(lambda: client.logout(realm, token))
        obs.remaining = _query(client, realm, username)


def _query(client: AdminClient, realm: str, username: str) -> Outcome[list[StoredSession]]:
    return attempt(lambda: client.query_sessions(realm, username))
