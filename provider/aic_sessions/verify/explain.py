"""The likely causes of each failure, and the one mapping from client errors to them.

UnsupportedApiVersion                -> the server routes none of the known API versions
WrongBasePathError                   -> the base URL's path is not AM's (an HTML 404)
NotFoundError                        -> wrong realm (404)
TransportError (and DeadlineExceeded) -> tenant unreachable
RedirectedError                       -> the base URL redirects elsewhere
PermissionDeniedError, invalid_scope  -> the admin identity lacks scope (403)
AuthenticationError while logging in  -> the test user cannot log in (401 at authenticate)
AuthenticationError as the admin      -> the admin credentials were refused
RateLimitedError, ServerError         -> the tenant is failing or busy
EnvironmentLockedError                -> a promotion holds the lock (ESV reads are refused)
anything else                         -> an unexpected answer (the detail says which)
"""

from __future__ import annotations

from enum import StrEnum

from aic_sessions.client.errors import (
    AdminApiError,
    AuthenticationError,
    EnvironmentLockedError,
    EsvNotFoundError,
    InvalidRequestError,
    NotAvailableInCloudError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RedirectedError,
    ServerError,
    TransportError,
    UnsupportedApiVersion,
    WrongBasePathError,
)
from aic_sessions.domain.environments import AIC_ROOT_REALM

from .results import Cause


class Phase(StrEnum):
    """Who made the failing call: the test user logging in, or the admin identity."""

    LOGIN = "login"
    ADMIN = "admin"


CLIENT_SIDE_ON = Cause(
    "client-side-sessions-on",
    "Client-side sessions are still on: 'Use Client-Side Sessions' "
    "(general.statelessSessionsEnabled) is set, so the token carries the session and nothing "
    "is stored server-side. Clear it on the General tab, or run pulumi up --refresh (a plain up "
    "trusts the stack's state and sees no change).",
)
CLIENT_SIDE_INTENDED = Cause(
    "client-side-sessions-intended",
    "The stack intends client-side sessions (authenticated.clientSideSessions: true), so the "
    "realm is meant not to issue server-side ones, which is what verify proves: set it to "
    "false in the stack (aic-sessions:realms) and run pulumi up.",
)
JOURNEY_NOT_CTS = Cause(
    "journey-sessions-not-cts",
    "Journey sessions are not on CTS: set 'Authentication session state management scheme' "
    "(trees.authenticationSessionsStateManagement) to CTS on the Trees tab, or run pulumi up "
    "--refresh.",
)
UNMANAGED_JOURNEYS_CLIENT_SIDE = Cause(
    "unmanaged-journeys-client-side",
    "Journey sessions are client-side, and the stack leaves them unmanaged (journey: false): "
    "set 'Authentication session state management scheme' to CTS on the Trees tab, or declare "
    "the realm's journey settings in the stack (its server has them) and run pulumi up.",
)
DRIFT = Cause(
    "differs-from-stack",
    "The realm differs from what the stack intends: someone changed it out of band, or the "
    "stack was never deployed; run pulumi up --refresh.",
)
SESSION_NOT_STORED = Cause(
    "session-not-stored",
    "The session is not in the realm's session list: it ended at once (a very short maximum "
    "session time) or was created in another realm than the one queried.",
)
TOKEN_UNRECOGNISED = Cause(
    "token-unrecognised",
    "The token is neither a server-side reference nor a client-side JWT: a proxy or a custom "
    "journey may rewrite it; check the login answer by hand.",
)
SECRET_OTHER = Cause(
    "signing-secret-not-in-effect",
    "New journeys are signed with another secret than the stack's: someone changed or reset "
    "the realm's signing secret (a full-document import writes the tenant placeholder back), "
    "or the stack was never deployed; run pulumi up --refresh.",
)
CLEANUP_FAILED = Cause(
    "test-session-left",
    "The test session could not be logged out; it stays until its maximum session time: "
    "log it out under Realms > Realm > Sessions.",
)
WRONG_REALM = Cause(
    "wrong-realm",
    "Wrong realm (HTTP 404): no such realm at this base URL; check the realm name "
    "(alpha, parent/child) and that the base URL ends in /am.",
)
WRONG_BASE_PATH = Cause(
    "wrong-base-path",
    "The base URL's path is not AM's (the web server answered 404 with an HTML page): AM lives "
    "at /am on Advanced Identity Cloud and usually at /openam on a self-managed OpenAM.",
)
USER_CANNOT_LOG_IN = Cause(
    "user-cannot-log-in",
    "The test user cannot log in (HTTP 401 at authenticate): wrong username or password, the "
    "user is not in this realm or is locked or inactive, or the realm's default journey asks "
    "for more than a username and password.",
)
ROOT_REALM_ON_AIC = Cause(
    "root-realm-on-aic",
    f"{AIC_ROOT_REALM[0].upper()}{AIC_ROOT_REALM[1:]}: verify the alpha or bravo realm.",
)
ADMIN_LACKS_SCOPE = Cause(
    "admin-lacks-scope",
    "The admin identity lacks scope (HTTP 403, or invalid_scope from the token endpoint): the "
    "service account needs fr:am:* (and fr:idc:esv:* for ESV-stored secrets); an AM "
    "administrator needs rights on this realm's settings and sessions.",
)
ADMIN_REFUSED = Cause(
    "admin-credentials-refused",
    "The admin identity's credentials were refused (HTTP 401, or invalid_grant/invalid_client "
    "from the token endpoint): check AIC_SA_ID with "
    "AIC_SA_JWK/AIC_SA_JWK_FILE (or AM_ADMIN_USERNAME/AM_ADMIN_PASSWORD, AIC_ACCESS_TOKEN) "
    "and that they belong to this tenant.",
)
UNREACHABLE = Cause(
    "tenant-unreachable",
    "The tenant is unreachable (no HTTP answer): check the base URL, DNS, proxy, firewall and "
    "TLS settings.",
)
TENANT_FAILING = Cause(
    "tenant-failing",
    "The tenant is failing or rate limiting (HTTP 5xx or 429); retry later.",
)
REDIRECTED = Cause(
    "base-url-redirects",
    "The base URL answers with a redirect; use the tenant's final address (https://<host>/am).",
)
SERVER_VERSION = Cause(
    "api-version-unsupported",
    "The server routes none of the API versions this product knows for the call (HTTP 404 "
    "'no route' for each); it is older or newer than the AM versions supported.",
)
ESV_MISSING = Cause(
    "esv-missing",
    "The ESV does not exist on this tenant (HTTP 404 from the ESV API): deploy the stack, or "
    "check the realm's signingSecret.esvName.",
)
LOCKED = Cause(
    "environment-locked",
    "The environment is locked for a promotion, which refuses ESV calls; verify again once the "
    "promotion has ended and the environments are unlocked.",
)
UNEXPECTED = Cause(
    "unexpected-answer",
    "The tenant gave an unexpected answer; see the detail.",
)


def causes_for(error: AdminApiError, phase: Phase) -> tuple[Cause, ...]:
    """The likely causes of a client error (the only place errors are interpreted)."""
    if isinstance(error, UnsupportedApiVersion):
        return (SERVER_VERSION,)
    if isinstance(error, EsvNotFoundError):
        return (ESV_MISSING,)
    if isinstance(error, WrongBasePathError):
        return (WRONG_BASE_PATH,)
    if isinstance(error, NotFoundError):
        return (WRONG_REALM,)
    if isinstance(error, TransportError):
        return (UNREACHABLE,)
    if isinstance(error, RedirectedError):
        return (REDIRECTED,)
    if isinstance(error, NotAvailableInCloudError):
        return (ROOT_REALM_ON_AIC,)
    if isinstance(error, PermissionDeniedError) or _invalid_scope(error):
        return (ADMIN_LACKS_SCOPE,)
    if isinstance(error, AuthenticationError):
        return (USER_CANNOT_LOG_IN,) if phase is Phase.LOGIN else (ADMIN_REFUSED,)
    if isinstance(error, RateLimitedError | ServerError):
        return (TENANT_FAILING,)
    if isinstance(error, EnvironmentLockedError):
        return (LOCKED,)
    return (UNEXPECTED,)


def _invalid_scope(error: AdminApiError) -> bool:
    return isinstance(error, InvalidRequestError) and error.body.get("error") == "invalid_scope"
