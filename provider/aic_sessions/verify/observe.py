"""Observe one realm through the admin API: settings, a test login, its session, the logout.

The realm's settings are read first, as the admin identity: when that fails (wrong realm, no
scope, tenant unreachable) no test session is created, because it could not be looked up or
logged out. Otherwise the test user logs in, the token's session is looked up and searched for,
and the session is logged out in a `finally`, then searched for again.
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
    login: Outcome[TokenKind] | None = None
    info: Outcome[SessionInfo] | None = None
    listed: Outcome[list[StoredSession]] | None = None
    logout: Outcome[None] | None = None
    remaining: Outcome[list[StoredSession]] | None = None


def observe_realm(client: AdminClient, realm: str, user: TestUser) -> Observation:
    obs = Observation(settings=attempt(lambda: client.read_authentication_settings(realm)))
    if obs.settings.error is not None:
        return obs
    login = attempt(lambda: client.authenticate_user(realm, user.username, user.password))
    if login.value is None:
        obs.login = Outcome(error=login.error)
        return obs
    _observe_session(client, realm, login.value, obs)
    return obs


def _observe_session(client: AdminClient, realm: str, token: SecretStr, obs: Observation) -> None:
    obs.login = Outcome(value=classify_token(token.get_secret_value()))
    username: str | None = None
    try:
        obs.info = attempt(lambda: client.session_info(realm, token))
        if obs.info.value is not None:
            username = obs.info.value.username
            obs.listed = _query(client, realm, username)
    finally:
        obs.logout = attempt(lambda: client.logout(realm, token))
        if username is not None:
            obs.remaining = _query(client, realm, username)


def _query(client: AdminClient, realm: str, username: str) -> Outcome[list[StoredSession]]:
    return attempt(lambda: client.query_sessions(realm, username))
