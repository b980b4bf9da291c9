"""The pure parts: checks over fabricated observations, and the error -> cause mapping."""

from __future__ import annotations

import base64
import inspect
import json
from dataclasses import replace

import pytest
from aic_sessions.client import (
    AuthenticationSettings,
    SessionInfo,
    StoredSession,
    TokenKind,
    errors,
)
from aic_sessions.client.errors import AdminApiError, RequestContext
from aic_sessions.verify import Observation, Outcome, Phase, RealmIntent, causes_for, evaluate

CONTEXT = RequestContext("Reading", "GET", "/json/realms/root/realms/alpha/x", "/alpha")
UID = "id=demo,ou=user,o=alpha,ou=services,ou=am-config"


def settings(scheme: str = "CTS", stateless: bool = False) -> AuthenticationSettings:
    return AuthenticationSettings.from_api(
        {
            "trees": {"authenticationSessionsStateManagement": scheme},
            "general": {"statelessSessionsEnabled": stateless},
        }
    )


def stored(handle: str) -> StoredSession:
    return StoredSession.model_validate(
        {"username": "demo", "universalId": UID, "realm": "/alpha", "sessionHandle": handle}
    )


def observation(
    kind: TokenKind, listed: list[StoredSession], left: list[StoredSession]
) -> Observation:
    info = SessionInfo.model_validate({"username": "demo", "universalId": UID, "realm": "/alpha"})
    return Observation(
        settings=Outcome(settings(stateless=kind is TokenKind.CLIENT_SIDE)),
        login=Outcome(kind),
        info=Outcome(info),
        listed=Outcome(listed),
        logout=Outcome(None),
        remaining=Outcome(left),
    )


def statuses(obs: Observation, intent: RealmIntent) -> dict[str, str]:
    return {check.name: check.status.value for check in evaluate(obs, intent)}


def test_client_side_intent_expects_a_jwt_and_no_stored_session() -> None:
    intent = RealmIntent("alpha", client_side_sessions=True)
    obs = observation(TokenKind.CLIENT_SIDE, [], [])
    # The realm is as the stack intends, but verify proves server-side sessions: never passed.
    matched = statuses(obs, intent)
    assert matched.pop("server-side-intent") == "fail"
    assert set(matched.values()) == {"pass"}
    (intended,) = [c for c in evaluate(obs, intent) if c.name == "server-side-intent"]
    assert [c.code for c in intended.causes] == ["client-side-sessions-intended"]
    server_side = statuses(observation(TokenKind.SERVER_SIDE, [stored("a")], []), RealmIntent("a"))
    assert "server-side-intent" not in server_side
    drifted = statuses(observation(TokenKind.SERVER_SIDE, [stored("a")], []), intent)
    assert (
        drifted["token"] == drifted["session-stored"] == drifted["client-side-sessions"] == "fail"
    )


def test_cleanup_fails_when_the_test_session_is_still_listed() -> None:
    intent = RealmIntent("alpha")
    obs = observation(TokenKind.SERVER_SIDE, [stored("a")], [stored("a")])
    (cleanup,) = [c for c in evaluate(obs, intent) if c.name == "cleanup"]
    assert cleanup.status.value == "fail"
    assert [c.code for c in cleanup.causes] == ["test-session-left"]
    other_sessions = observation(TokenKind.SERVER_SIDE, [stored("a"), stored("b")], [stored("b")])
    assert statuses(other_sessions, intent)["cleanup"] == "pass", "other sessions are not ours"


def test_a_failed_logout_names_the_left_session_and_the_error_cause() -> None:
    obs = observation(TokenKind.SERVER_SIDE, [stored("a")], [])
    obs.logout = Outcome(error=errors.PermissionDeniedError(CONTEXT, "", status=403))
    obs.remaining = None
    (cleanup,) = [c for c in evaluate(obs, RealmIntent("alpha")) if c.name == "cleanup"]
    assert [c.code for c in cleanup.causes] == ["test-session-left", "admin-lacks-scope"]
    assert cleanup.detail is not None and "HTTP 403" in cleanup.detail


def test_unrecognised_token_form() -> None:
    obs = observation(TokenKind.UNKNOWN, [stored("a")], [])
    (token,) = [c for c in evaluate(obs, RealmIntent("alpha")) if c.name == "token"]
    assert [c.code for c in token.causes] == ["token-unrecognised"]


@pytest.mark.parametrize(
    ("error", "phase", "code"),
    [
        (errors.NotFoundError(CONTEXT, "", status=404), Phase.ADMIN, "wrong-realm"),
        (errors.TransportError(CONTEXT, "refused"), Phase.ADMIN, "tenant-unreachable"),
        (errors.DeadlineExceeded(CONTEXT, "late"), Phase.LOGIN, "tenant-unreachable"),
        (errors.PermissionDeniedError(CONTEXT, "", status=403), Phase.ADMIN, "admin-lacks-scope"),
        (
            errors.NotAvailableInCloudError(CONTEXT, "", status=403),
            Phase.ADMIN,
            "root-realm-on-aic",
        ),
        (
            errors.InvalidRequestError(CONTEXT, "", status=400, body={"error": "invalid_scope"}),
            Phase.ADMIN,
            "admin-lacks-scope",
        ),
        (errors.AuthenticationError(CONTEXT, "", status=401), Phase.LOGIN, "user-cannot-log-in"),
        (
            errors.AuthenticationError(CONTEXT, "", status=401),
            Phase.ADMIN,
            "admin-credentials-refused",
        ),
        (  # a token endpoint refusing the key: 400 invalid_grant, not 401; the text says both
            errors.AuthenticationError(CONTEXT, "", status=400, body={"error": "invalid_grant"}),
            Phase.ADMIN,
            "admin-credentials-refused",
        ),
        (errors.RateLimitedError(CONTEXT, "", status=429), Phase.ADMIN, "tenant-failing"),
        (errors.ServerError(CONTEXT, "", status=503), Phase.ADMIN, "tenant-failing"),
        (errors.InvalidRequestError(CONTEXT, "", status=400), Phase.ADMIN, "unexpected-answer"),
        (errors.ConflictError(CONTEXT, "", status=409), Phase.ADMIN, "unexpected-answer"),
        (errors.RedirectedError(CONTEXT, "", status=302), Phase.ADMIN, "base-url-redirects"),
        (
            errors.UnsupportedApiVersion(CONTEXT, "", status=404),
            Phase.ADMIN,
            "api-version-unsupported",
        ),
        (errors.WriteNotAppliedError(CONTEXT, ""), Phase.ADMIN, "unexpected-answer"),
        (errors.UnexpectedAnswerError(CONTEXT, ""), Phase.ADMIN, "unexpected-answer"),
        (errors.EsvNotFoundError(CONTEXT, "", status=404), Phase.ADMIN, "esv-missing"),
        (errors.RestartTimeoutError(CONTEXT, ""), Phase.ADMIN, "unexpected-answer"),
        (errors.EnvironmentLockedError(CONTEXT, "", status=409), Phase.ADMIN, "environment-locked"),
        (errors.WrongBasePathError(CONTEXT, "", status=404), Phase.ADMIN, "wrong-base-path"),
        (errors.UserLoginRefusedError(CONTEXT, "", status=401), Phase.LOGIN, "user-cannot-log-in"),
    ],
)
def test_each_client_error_has_its_causes(error: AdminApiError, phase: Phase, code: str) -> None:
    assert [cause.code for cause in causes_for(error, phase)] == [code]


def test_no_client_error_class_is_left_out_of_the_mapping_test() -> None:
    """A new error class in the client must get a decision here (and a row above)."""
    classes = {
        cls.__name__
        for _, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, AdminApiError) and cls is not AdminApiError
    }
    assert classes == {
        "AuthenticationError",
        "ConfigurationError",  # raised before any request: the CLI exits 2
        "MissingCredentialsError",  # a ConfigurationError
        "ConflictError",
        "DeadlineExceeded",
        "EnvironmentLockedError",
        "EsvNotFoundError",
        "ImmutableEnvironmentError",  # raised by static writes only, never while verifying
        "NotAvailableInCloudError",
        "InvalidRequestError",
        "NotFoundError",
        "PermissionDeniedError",
        "PromotionFailed",  # raised by promotions only, never while verifying
        "PromotionTimeoutError",  # raised by promotions only, never while verifying
        "RateLimitedError",
        "RedirectedError",
        "RestartTimeoutError",  # raised by deployments only, never while verifying
        "ServerError",
        "TransportError",
        "UnexpectedAnswerError",
        "UnsupportedApiVersion",
        "UserLoginRefusedError",
        "WriteNotAppliedError",
        "WrongBasePathError",
    }


def test_a_check_that_could_not_observe_fails_and_never_passes() -> None:
    """A document without `general` fails the client-side-sessions check: nothing was
    observed, so nothing passes."""
    bare = Observation(settings=Outcome(value=AuthenticationSettings.from_api({"core": {}})))
    results = {r.name: r for r in evaluate(bare, RealmIntent("alpha"))}
    assert results["client-side-sessions"].status.value == "fail"
    assert results["client-side-sessions"].observed.startswith("not observed")
    assert results["journey-sessions"].status.value == "fail"
    assert results["journey-sessions"].observed.startswith("not observed")
    assert not any(r.status.value == "pass" for r in results.values())


def test_cleanup_is_not_a_pass_when_no_test_session_was_created() -> None:
    """`cleanup` is skipped, not passed, when there was nothing to clean (no login, no session)."""
    settings = AuthenticationSettings.from_api({"core": {}})
    obs = Observation(settings=Outcome(value=settings))
    (cleanup,) = [c for c in evaluate(obs, RealmIntent("alpha")) if c.name == "cleanup"]
    assert cleanup.status.value == "skip"
    assert cleanup.observed == "not applicable: no test session was created"


def test_refused_admin_credentials_name_the_token_endpoints_answer_too() -> None:
    error = errors.AuthenticationError(CONTEXT, "", status=400, body={"error": "invalid_grant"})
    [cause] = causes_for(error, Phase.ADMIN)
    assert "HTTP 401, or invalid_grant/invalid_client from the token endpoint" in cause.text


def test_journeys_the_stack_does_not_manage_are_judged_by_the_authid_alone() -> None:
    """`journey: false` (a server without journey-session settings): no scheme is declared,
    so the journey check judges what a journey's authId shows, and fails without one."""
    unmanaged = RealmIntent("alpha", state_management=None)
    obs = observation(TokenKind.SERVER_SIDE, [stored("a")], [])
    assert statuses(obs, unmanaged)["journey-sessions"] == "fail"  # no authId observed
    seen = statuses(replace(obs, journey=Outcome(auth_id({"sessionId": REFERENCE}))), unmanaged)
    assert set(seen.values()) == {"pass"}, seen
    jwt_journey = replace(obs, journey=Outcome(auth_id({"authIndexValue": "Login"})))
    assert statuses(jwt_journey, unmanaged)["journey-sessions"] == "fail"  # client-side
    (journey,) = [c for c in evaluate(jwt_journey, unmanaged) if c.name == "journey-sessions"]
    assert [c.code for c in journey.causes] == ["unmanaged-journeys-client-side"]
    assert "run pulumi up --refresh" not in journey.causes[0].text  # nothing to refresh to


REFERENCE = "AQIC5wM2.*AAJTSQACMDE.*"  # a server-side session reference (`<id>.*<base64>*`)


def auth_id(claims: dict[str, object]) -> str:
    """An authId JWT (unsigned: only its claims are read) with `claims`."""

    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2ln"
