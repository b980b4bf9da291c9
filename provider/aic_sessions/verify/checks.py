"""The checks: pure functions from an `Observation` and a `RealmIntent` to `CheckResult`s.

login                 the test user gets a session token
token                 the token has the intended form (server-side reference or client JWT)
session-stored        the session is (or, for client-side intent, is not) in the session list
journey-sessions      the setting (trees.authenticationSessionsStateManagement, where the server
                      has it) and a journey's authId agree with the intended scheme
client-side-sessions  general.statelessSessionsEnabled is the intended flag
signing-secret        (when the secret is at hand) journeys are signed with it
cleanup               the test session was logged out and is gone from the session list
server-side-intent    (only when the intent is client-side sessions) fails: verify proves
                      server-side sessions, and the realm is meant not to issue them

A value that could not be observed never passes: the check fails as "not observed".
"""

from __future__ import annotations

from typing import TypeVar

from aic_sessions.client import StateManagement, StoredSession, TokenKind, classify_token
from aic_sessions.client.tokens import auth_id_claims, auth_id_signed_with

from .explain import (
    CLEANUP_FAILED,
    CLIENT_SIDE_INTENDED,
    CLIENT_SIDE_ON,
    DRIFT,
    JOURNEY_NOT_CTS,
    SECRET_OTHER,
    SESSION_NOT_STORED,
    TOKEN_UNRECOGNISED,
    UNMANAGED_JOURNEYS_CLIENT_SIDE,
    Phase,
    causes_for,
)
from .intent import RealmIntent
from .observe import Observation, Outcome
from .results import Cause, CheckResult, Status

T = TypeVar("T")
NOT_ATTEMPTED = "not attempted: the realm's settings could not be read"


NOT_OBSERVED = "not observed"


def evaluate(obs: Observation, intent: RealmIntent) -> tuple[CheckResult, ...]:
    checks = [
        check_login(obs),
        check_token(obs, intent),
        check_session_stored(obs, intent),
        check_journey_sessions(obs, intent),
        check_client_side_sessions(obs, intent),
    ]
    if intent.signing_secret is not None:
        checks.append(check_signing_secret(obs, intent))
    checks.append(check_cleanup(obs))
    if intent.client_side_sessions:
        checks.append(check_server_side_intent(intent))
    return tuple(checks)


def check_server_side_intent(intent: RealmIntent) -> CheckResult:
    """Evaluated for a client-side intent only (`evaluate`): a realm that matches it issues no
    server-side session, so the report fails instead of passing (the other checks compare with
    the intent, to show whether the realm is as the stack says)."""
    observed = f"the stack intends client-side sessions (realm {intent.realm})"
    return CheckResult(
        "server-side-intent",
        Status.FAIL,
        "server-side sessions",
        observed,
        (CLIENT_SIDE_INTENDED,),
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
    """The scheme setting where the server has one, and what a journey's authId shows."""
    name = "journey-sessions"
    if intent.state_management is None:  # unmanaged: what the realm does is still the proof
        seen, wanted = journey_kind(obs), TokenKind.SERVER_SIDE
        expected = f"a {wanted.value} journey (the stack does not manage the scheme)"
        if seen is None:
            return CheckResult(name, Status.FAIL, expected, f"{NOT_OBSERVED} (no authId)")
        observed = f"authId: {seen.value} journey"
        if seen is not wanted:
            causes = (UNMANAGED_JOURNEYS_CLIENT_SIDE,)
            return CheckResult(name, Status.FAIL, expected, observed, causes)
        return CheckResult(name, Status.PASS, expected, observed)
    wanted = journey_kind_of(intent.state_management)
    expected = f"{intent.state_management.value} ({wanted.value})"
    settings = obs.settings.value
    if settings is None:
        return _failed(name, expected, obs.settings, Phase.ADMIN)
    setting = settings.trees.state_management if settings.trees else None
    if settings.trees is None:  # OpenAM, AM before 6.5: only the authId can show the kind
        expected = f"a {wanted.value} journey (the server has no scheme setting to be {expected})"
    seen = journey_kind(obs)
    notes = [f"setting {setting}" if setting else "no scheme setting on this server"]
    notes.append(f"authId: {seen.value} journey" if seen else "no authId observed")
    observed = "; ".join(notes)
    if setting is None and seen is None:
        return CheckResult(name, Status.FAIL, expected, f"{NOT_OBSERVED} ({observed})")
    if (setting is not None and setting != intent.state_management.value) or (
        seen is not None and seen is not wanted
    ):
        cause = JOURNEY_NOT_CTS if wanted is TokenKind.SERVER_SIDE else DRIFT
        return CheckResult(name, Status.FAIL, expected, observed, (cause,))
    return CheckResult(name, Status.PASS, expected, observed)


def journey_kind_of(scheme: StateManagement) -> TokenKind:
    return TokenKind.CLIENT_SIDE if scheme is StateManagement.JWT else TokenKind.SERVER_SIDE


def journey_kind(obs: Observation) -> TokenKind | None:
    """Server-side when the authId references a journey session kept by the server (AIC:
    `type=CTS_AUTH`; OpenAM: an in-memory reference); client-side when it carries no such
    reference (inferred: no recording shows a JWT-scheme authId)."""
    auth_id = obs.journey.value if obs.journey is not None else None
    claims = auth_id_claims(auth_id) if auth_id else None
    if claims is None:
        return None
    reference = claims.get("sessionId")
    if isinstance(reference, str):
        kind = classify_token(reference)
        return None if kind is TokenKind.UNKNOWN else kind
    return TokenKind.CLIENT_SIDE  # no reference: the journey travels in the authId (inferred)


def check_client_side_sessions(obs: Observation, intent: RealmIntent) -> CheckResult:
    name, expected = "client-side-sessions", _flag(intent.client_side_sessions)
    settings = obs.settings.value
    if settings is None:
        return _failed(name, expected, obs.settings, Phase.ADMIN)
    flag = settings.general.stateless_sessions if settings.general else None
    if flag is None:
        return CheckResult(
            name, Status.FAIL, expected, f"{NOT_OBSERVED} (no general.statelessSessionsEnabled)"
        )
    observed = _flag(flag)
    if observed == expected:
        return CheckResult(name, Status.PASS, expected, observed)
    cause = DRIFT if intent.client_side_sessions else CLIENT_SIDE_ON
    return CheckResult(name, Status.FAIL, expected, observed, (cause,))


def check_signing_secret(obs: Observation, intent: RealmIntent) -> CheckResult:
    """A new journey's authId is HS256-signed with the stack's secret (base64-decoded)."""
    name, expected = "signing-secret", "journeys signed with the stack's secret"
    if obs.journey is None or obs.journey.error is not None:
        return _failed(name, expected, obs.journey, Phase.ADMIN)
    auth_id = obs.journey.value
    if not auth_id or intent.signing_secret is None:
        return CheckResult(name, Status.FAIL, expected, f"{NOT_OBSERVED} (no authId)")
    if auth_id_signed_with(auth_id, intent.signing_secret.get_secret_value()):
        return CheckResult(name, Status.PASS, expected, "signed with it")
    return CheckResult(name, Status.FAIL, expected, "signed with another secret", (SECRET_OTHER,))


def check_cleanup(obs: Observation) -> CheckResult:
    name, expected = "cleanup", "test session logged out, none left"
    if obs.logout is None:
        return CheckResult(
            name, Status.SKIP, expected, "not applicable: no test session was created"
        )
    if obs.logout.error is not None:
        return _failed(name, expected, obs.logout, Phase.ADMIN, CLEANUP_FAILED)
    if obs.remaining is None:
        return CheckResult(name, Status.FAIL, expected, f"{NOT_OBSERVED} (not re-queried)")
    if obs.remaining.error is not None:
        return _failed(name, expected, obs.remaining, Phase.ADMIN)
    left = _ours(obs, obs.remaining.value or [])
    before = _ours(obs, obs.listed.value or []) if obs.listed is not None else []
    observed = f"logged out; the user has {len(left)} left"
    if not left or len(left) < len(before):
        return CheckResult(name, Status.PASS, expected, observed)
    return CheckResult(name, Status.FAIL, expected, observed, (CLEANUP_FAILED,))


def _ours(obs: Observation, sessions: list[StoredSession]) -> list[StoredSession]:
    """The sessions of the test user: the query is by username; the universal id, where the
    session lookup gave one, is exact."""
    info = obs.info.value if obs.info is not None else None
    if info is None:
        return sessions
    uid = info.universal_id.lower()
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
