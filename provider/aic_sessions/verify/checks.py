"""The checks: pure functions from an `Observation` and a `RealmIntent` to `CheckResult`s.

login                 the test user gets a session token
token                 the token has the intended form (server-side reference or client JWT)
session-stored        the session is (or, for client-side intent, is not) in the session list
journey-sessions      trees.authenticationSessionsStateManagement is the intended scheme
client-side-sessions  general.statelessSessionsEnabled is the intended flag
cleanup               the test session was logged out and is gone from the session list
"""

from __future__ import annotations

from typing import TypeVar

from aic_sessions.client import StoredSession, TokenKind

from .explain import (
    CLEANUP_FAILED,
    CLIENT_SIDE_ON,
    DRIFT,
    JOURNEY_NOT_CTS,
    SESSION_NOT_STORED,
    TOKEN_UNRECOGNISED,
    Phase,
    causes_for,
)
from .intent import RealmIntent
from .observe import Observation, Outcome
from .results import Cause, CheckResult, Status

T = TypeVar("T")
NOT_ATTEMPTED = "not attempted: the realm's settings could not be read"


def evaluate(obs: Observation, intent: RealmIntent) -> tuple[CheckResult, ...]:
    return (
        check_login(obs),
        check_token(obs, intent),
        check_session_stored(obs, intent),
        check_journey_sessions(obs, intent),
        check_client_side_sessions(obs, intent),
        check_cleanup(obs),
    )


def check_login(obs: Observation) -> CheckResult:
    expected = "a session token"
    if obs.login is None:
        return CheckResult("login", Status.SKIP, expected, NOT_ATTEMPTED)
    if obs.login.error is not None:
        return _failed("login", expected, obs.login, Phase.LOGIN)
    return CheckResult("login", Status.PASS, expected, "a session token")


def check_token(obs: Observation, intent: RealmIntent) -> CheckResult:
    wanted = TokenKind.CLIENT_SIDE if intent.client_side_sessions else TokenKind.SERVER_SIDE
    kind = obs.login.value if obs.login is not None else None
    if kind is None:
        return CheckResult("token", Status.SKIP, wanted.value, "no token")
    if kind is wanted:
        return CheckResult("token", Status.PASS, wanted.value, kind.value)
    causes = {
        TokenKind.UNKNOWN: TOKEN_UNRECOGNISED,
        TokenKind.CLIENT_SIDE: CLIENT_SIDE_ON,
        TokenKind.SERVER_SIDE: DRIFT,
    }
    return CheckResult("token", Status.FAIL, wanted.value, kind.value, (causes[kind],))


def check_session_stored(obs: Observation, intent: RealmIntent) -> CheckResult:
    name, expected = "session-stored", "not listed" if intent.client_side_sessions else "listed"
    if obs.info is None:
        return CheckResult(name, Status.SKIP, expected, "no token")
    if obs.info.error is not None:
        return _failed(name, expected, obs.info, Phase.ADMIN)
    if obs.listed is None or obs.listed.error is not None:
        return _failed(name, expected, obs.listed, Phase.ADMIN)
    ours = _ours(obs, obs.listed.value or [])
    observed = f"listed (the user has {len(ours)})" if ours else "not listed"
    if bool(ours) != intent.client_side_sessions:
        return CheckResult(name, Status.PASS, expected, observed)
    return CheckResult(name, Status.FAIL, expected, observed, _unlisted_causes(obs, intent))


def check_journey_sessions(obs: Observation, intent: RealmIntent) -> CheckResult:
    name, expected = "journey-sessions", intent.state_management.value
    settings = obs.settings.value
    if settings is None:
        return _failed(name, expected, obs.settings, Phase.ADMIN)
    observed = settings.trees.state_management
    if observed == expected:
        return CheckResult(name, Status.PASS, expected, observed)
    cause = JOURNEY_NOT_CTS if expected == "CTS" else DRIFT
    return CheckResult(name, Status.FAIL, expected, observed, (cause,))


def check_client_side_sessions(obs: Observation, intent: RealmIntent) -> CheckResult:
    name, expected = "client-side-sessions", _flag(intent.client_side_sessions)
    settings = obs.settings.value
    if settings is None:
        return _failed(name, expected, obs.settings, Phase.ADMIN)
    observed = _flag(settings.general.stateless_sessions)
    if observed == expected:
        return CheckResult(name, Status.PASS, expected, observed)
    cause = DRIFT if intent.client_side_sessions else CLIENT_SIDE_ON
    return CheckResult(name, Status.FAIL, expected, observed, (cause,))


def check_cleanup(obs: Observation) -> CheckResult:
    name, expected = "cleanup", "test session logged out, none left"
    if obs.logout is None:
        return CheckResult(name, Status.PASS, expected, "no test session was created")
    if obs.logout.error is not None:
        return _failed(name, expected, obs.logout, Phase.ADMIN, CLEANUP_FAILED)
    if obs.remaining is None:
        return CheckResult(name, Status.PASS, expected, "logged out (user unknown, not re-queried)")
    if obs.remaining.error is not None:
        return _failed(name, expected, obs.remaining, Phase.ADMIN)
    left = _ours(obs, obs.remaining.value or [])
    before = _ours(obs, obs.listed.value or []) if obs.listed is not None else []
    observed = f"logged out; the user has {len(left)} left"
    if not left or len(left) < len(before):
        return CheckResult(name, Status.PASS, expected, observed)
    return CheckResult(name, Status.FAIL, expected, observed, (CLEANUP_FAILED,))


def _ours(obs: Observation, sessions: list[StoredSession]) -> list[StoredSession]:
    """The sessions of the test user (the query is by username; the universal id is exact)."""
    info = obs.info.value if obs.info is not None else None
    uid = info.universal_id.lower() if info is not None else None
    return [s for s in sessions if s.universal_id.lower() == uid]


def _unlisted_causes(obs: Observation, intent: RealmIntent) -> tuple[Cause, ...]:
    if intent.client_side_sessions:
        return (DRIFT,)
    kind = obs.login.value if obs.login is not None else None
    if kind is TokenKind.CLIENT_SIDE:
        return (CLIENT_SIDE_ON,)
    return (SESSION_NOT_STORED, CLIENT_SIDE_ON)


def _failed(
    name: str, expected: str, outcome: Outcome[T] | None, phase: Phase, *extra: Cause
) -> CheckResult:
    error = outcome.error if outcome is not None else None
    if error is None:
        return CheckResult(name, Status.SKIP, expected, "not attempted")
    status = f"HTTP {error.status}" if error.status is not None else type(error).__name__
    return CheckResult(
        name,
        Status.FAIL,
        expected,
        f"error ({status})",
        (*extra, *causes_for(error, phase)),
        str(error),
    )


def _flag(value: bool) -> str:
    return "true" if value else "false"
