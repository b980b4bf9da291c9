"""Typed errors of the admin-API client, built in exactly one place: `error_from_response`.

    AdminApiError
    ├── TransportError            no usable HTTP answer (connection refused/dropped, timeout, TLS)
    │   └── DeadlineExceeded      the operation's overall deadline ran out while retrying
    ├── ConfigurationError        the connection settings themselves are unusable (no request sent)
    ├── RedirectedError           3xx: the base URL is not the tenant's final address
    ├── AuthenticationError       401, or the token endpoint refused the credentials
    │   └── UserLoginRefusedError an end user's login (verify's test user) was refused
    ├── PermissionDeniedError     403 (missing scope, or an operation the tenant forbids)
    │   ├── NotAvailableInCloudError  403 (AIC: the root realm's configuration)
    │   └── ImmutableEnvironmentError  a static-configuration write refused in an upper environment
    ├── NotFoundError             404 (unknown realm or endpoint)
    │   ├── WrongBasePathError    404 from the web server, not AM: the base URL's path is wrong
    │   ├── UnsupportedApiVersion 404 for every API version the client knows for an endpoint
    │   └── EsvNotFoundError      404 of the ESV API: the secret (or that version) does not exist
    ├── InvalidRequestError       400 (AM's message and, for unknown attributes, validAttributes)
    ├── WriteNotAppliedError      a write answered 2xx but the document does not show the values
    ├── UnexpectedAnswerError     a 2xx answer about something other than what was asked
    ├── ConflictError             409 / 412
    │   └── EnvironmentLockedError     a configuration or ESV call refused during a promotion lock
    ├── RateLimitedError          429 (with the Retry-After the server asked for)
    ├── ServerError               5xx
    ├── RestartTimeoutError       the tenant was still restarting when the wait ran out
    ├── PromotionFailed           a promotion, dry run or rollback ended failed or blocked
    └── PromotionTimeoutError     a lock or promotion was still running when the wait ran out

The two environment errors are recognised by status and message fragment, both *inferred*
(`inferred.py`); the promotion errors are raised by `PromotionClient` from the status it read.

Every message says what was attempted (operation, method, path, realm), what came back (status and
AM's own message, HTML-unescaped, with every value the request sent removed, and cut to
`MAX_AM_MESSAGE` characters) and what to do next. Messages never contain request bodies or
headers, and a server that echoes them has the echo scrubbed, so they never carry a secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from aic_sessions.domain.environments import AIC_ROOT_REALM, AIC_ROOT_REFUSAL

from . import inferred

if TYPE_CHECKING:
    import requests


@dataclass(frozen=True)
class RequestContext:
    """What the client was doing when an error happened."""

    operation: str
    method: str
    path: str
    realm: str | None = None
    tenant: str | None = None  # the base URL the request went to (no userinfo)

    def describe(self) -> str:
        realm = f" in realm {self.realm!r}" if self.realm else ""
        return f"{self.operation}{realm} ({self.method} {self.tenant or ''}{self.path})"


def shown_url(url: str) -> str:
    """`url` as messages show it: without any `user:password@` part."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}"


class AdminApiError(Exception):
    """Base class of every error raised by the client."""

    hint = "See the message above."
    retryable = False

    def __init__(
        self,
        context: RequestContext | None,
        detail: str,
        *,
        status: int | None = None,
        am_message: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        self.context = context
        self.detail = detail
        self.status = status
        self.am_message = am_message
        self.body = body or {}
        super().__init__(self._render())

    def without_hint(self) -> str:
        """The failure as rendered, without its class's hint (for a caller that knows the
        fix better)."""
        return self._render(hint=False)

    def _render(self, hint: bool = True) -> str:
        parts = [self.detail, self.hint if hint else ""]
        if self.context is not None:
            status = f" -> HTTP {self.status}" if self.status is not None else ""
            said = f": {self.am_message.rstrip('.')}" if self.am_message else ""
            parts.insert(0, f"{self.context.describe()} failed{status}{said}.")
        return " ".join(part for part in parts if part)


class TransportError(AdminApiError):
    hint = "Check the base URL, network and TLS settings; the request may be retried safely."
    retryable = True


class DeadlineExceeded(TransportError):
    hint = "Raise the operation deadline (timeouts.deadline) or check the tenant's health."
    retryable = False


class ConfigurationError(AdminApiError):
    hint = "Fix the connection settings; nothing was sent to the tenant."


class MissingCredentialsError(ConfigurationError):
    """No admin identity in the settings the client was given."""


class RedirectedError(AdminApiError):
    hint = "Set the base URL to the address the tenant redirects to (usually https://<host>/am)."


class AuthenticationError(AdminApiError):
    hint = (
        "Check the credentials (service-account id and key, admin username and password, or the "
        "access token) and that they belong to this tenant."
    )


class UserLoginRefusedError(AuthenticationError):
    hint = (
        "Check the test user's username and password (AIC_TEST_USERNAME, AIC_TEST_PASSWORD), "
        "that the user exists in this realm and is active, and that the realm's default journey "
        "takes a username and password."
    )


class PermissionDeniedError(AdminApiError):
    hint = "Grant the identity the needed scope (fr:am:* for configuration) or use another realm."


class NotAvailableInCloudError(PermissionDeniedError):
    hint = (
        f"{AIC_ROOT_REALM[0].upper()}{AIC_ROOT_REALM[1:]}, nor the global one. Use alpha or bravo."
    )


class ImmutableEnvironmentError(PermissionDeniedError):
    hint = (
        "This environment's static configuration (realm settings, the Session service, journeys, "
        "scripts) changes only by a promotion: make the change in the environment below and "
        "promote it from there. Nothing was changed here."
    )


class NotFoundError(AdminApiError):
    hint = (
        "Check the realm name and the base URL (AM's path: /am on Advanced Identity Cloud, "
        "often /openam on a self-managed server)."
    )


class WrongBasePathError(NotFoundError):
    hint = (
        "Nothing at this path is AM: the web server answered 404 with an HTML page, not AM's "
        "JSON. Fix the base URL's path: AM lives at /am on Advanced Identity Cloud and usually "
        "at /openam on a self-managed OpenAM (open the server's root to see where)."
    )


class UnsupportedApiVersion(NotFoundError):
    hint = "This server is older or newer than the AM versions this product knows; report it."


class WriteNotAppliedError(AdminApiError):
    hint = (
        "The server accepted the request but kept other values (it may not have this setting, "
        "or rewrote it); nothing is recorded as done. Check the server's version and features."
    )


class UnexpectedAnswerError(AdminApiError):
    hint = (
        "The server answered about something else than what was asked (a proxy or an older "
        "server ignoring part of the request); nothing was concluded from it."
    )


class EsvNotFoundError(NotFoundError):
    hint = "Check the ESV name (esv-...) and the tenant; the secret or version does not exist."


class InvalidRequestError(AdminApiError):
    hint = "Fix the value named above; nothing was changed."

    @property
    def valid_attributes(self) -> list[str]:
        detail = self.body.get("detail")
        return list(detail.get("validAttributes", [])) if isinstance(detail, dict) else []


class ConflictError(AdminApiError):
    hint = "Someone else changed the resource; read it again and retry."


class EnvironmentLockedError(ConflictError):
    hint = (
        "The environments are locked for a promotion; configuration and ESV changes wait until "
        "the promotion ends and they are unlocked. Run again then; nothing was changed."
    )


class RateLimitedError(AdminApiError):
    hint = "The tenant is rate limiting; lower the request rate or retry later."
    retryable = True

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class ServerError(AdminApiError):
    hint = "The tenant failed; retry later and check its status."

    @property
    def retryable(self) -> bool:  # type: ignore[override]
        return self.status in (502, 503, 504)


class RestartTimeoutError(AdminApiError):
    hint = (
        "Every ESV write of this deployment is done and recorded; the tenant is still restarting. "
        "Run the deployment again once it is ready (it will not restart again), or raise the "
        "restart timeout."
    )


class PromotionFailed(AdminApiError):
    """A promotion, dry run or rollback that ended failed or blocked, with what blocked it."""

    hint = (
        "Create the missing ESVs in the upper environment (and restart it), or replace the "
        "encrypted secrets by ESV placeholders in the environment below, then run again."
    )

    def __init__(
        self,
        context: RequestContext | None,
        detail: str,
        *,
        promotion_status: str | None = None,
        message: str | None = None,
        missing_esvs: list[str] | None = None,
        encrypted_secrets: list[str] | None = None,
    ) -> None:
        self.promotion_status = promotion_status
        self.message = message
        self.missing_esvs = list(missing_esvs or [])
        self.encrypted_secrets = list(encrypted_secrets or [])
        super().__init__(context, detail)


class PromotionTimeoutError(AdminApiError):
    hint = (
        "The promotions API is still working; run again later (a run finds its own lock by "
        "promotion id) or raise the timeout."
    )


CLOUD_REFUSAL = AIC_ROOT_REFUSAL.lower()  # AIC's 403 for the root realm (docs/ground-truth.md)

_BY_STATUS: dict[int, type[AdminApiError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: ConflictError,
    429: RateLimitedError,
}


# A token endpoint refusing the assertion (bad signature, unknown or expired account) answers
# 400 invalid_grant or 401 invalid_client: a credentials problem, not a bad request.
OAUTH_REFUSED_CREDENTIALS = ("invalid_grant", "invalid_client", "unauthorized_client")


def error_from_response(
    context: RequestContext,
    response: requests.Response,
    sent: Iterable[str] = (),
    credentials_from: str | None = None,
) -> AdminApiError:
    """Map a non-2xx response to its typed error (the only place where this happens).

    `sent` are the values the request carried (body, query, headers): none of them is quoted
    back, whatever the server echoes. `credentials_from` names where the credentials the
    request presented were read, for a refusal of them.
    """
    scrub = Scrubber(sent)
    body = _json_body(response)
    am_message = _am_message(body, scrub)
    status = response.status_code
    if 300 <= status < 400:
        where = scrub(response.headers.get("Location", "another address"))
        return RedirectedError(context, f"The tenant redirected to {where}.", status=status)
    if body.get("error") == "invalid_scope":  # OAuth2 400: the identity lacks the scope
        return PermissionDeniedError(
            context, scrub(_detail(body)), status=status, am_message=am_message, body=body
        )
    came_from = f"The credentials came from {credentials_from}." if credentials_from else ""
    if body.get("error") in OAUTH_REFUSED_CREDENTIALS:  # OAuth2 400/401 (RFC 6749, 7523)
        return AuthenticationError(
            context,
            _joined(scrub(_detail(body)), came_from),
            status=status,
            am_message=am_message,
            body=body,
        )
    if status == 429:
        return RateLimitedError(
            context,
            scrub(_detail(body)),
            status=status,
            am_message=am_message,
            body=body,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
        )
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else AdminApiError)
    esv_api = not context.path.startswith("/environment/promotion")
    if status == 404 and context.path.startswith("/environment/") and esv_api:
        cls = EsvNotFoundError
    elif status == 404 and not body and "html" in response.headers.get("Content-Type", ""):
        cls = WrongBasePathError  # AM answers JSON; an HTML 404 is the web server's
    cls = _environment_refusal(status, body) or cls
    if status == 403 and CLOUD_REFUSAL in str(body.get("message", "")).lower():
        cls = NotAvailableInCloudError
    detail = _joined(
        scrub(_detail(body)), came_from if issubclass(cls, AuthenticationError) else ""
    )
    return cls(context, detail, status=status, am_message=am_message, body=body)


def _joined(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part.strip())


def _environment_refusal(status: int, body: dict[str, Any]) -> type[AdminApiError] | None:
    """An immutable environment's or a promotion lock's refusal (both answers inferred)."""
    said = str(body.get("message", "")).lower()
    if status == inferred.IMMUTABLE_WRITE_STATUS and inferred.IMMUTABLE_WRITE_MARKER in said:
        return ImmutableEnvironmentError
    if status == inferred.LOCKED_STATUS and inferred.LOCKED_MARKER in said:
        return EnvironmentLockedError
    return None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _json_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return {}
    return body if isinstance(body, dict) else {}


MAX_AM_MESSAGE = 300


REDACTED = "[a value of the request]"
MIN_SCRUBBED = 4  # shorter values ("CTS", "5", "true") are not secrets and would mangle words


class Scrubber:
    """Removes every value a request sent from text a server wrote."""

    def __init__(self, sent: Iterable[str]) -> None:
        values = {v for v in sent if len(v) >= MIN_SCRUBBED}
        # the values as sent, and as they look inside an echoed JSON or form body
        values |= {json.dumps(v)[1:-1] for v in values}
        self.values = sorted(values, key=len, reverse=True)  # longest first: no partial leftovers

    def __call__(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, REDACTED)
        return text


# OAuth2 protocol constants the client itself chose: the server's "Unsupported scope: x"
# names what to grant; they are never user data.
PROTOCOL_FIELDS = frozenset({"scope", "grant_type", "client_assertion_type"})


def sent_values(*parts: Any) -> list[str]:
    """Every string in request parts (JSON bodies, form data, query parameters, headers),
    except the OAuth2 protocol fields."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
            if value.startswith(("Bearer ", "Basic ")):
                found.append(value.split(" ", 1)[1])
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in PROTOCOL_FIELDS:
                    walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    for part in parts:
        walk(dict(part) if hasattr(part, "items") else part)
    return found


def _am_message(body: dict[str, Any], scrub: Scrubber | None = None) -> str | None:
    """The server's own words: AM HTML-escapes them (`&#39;`); anything the request sent is
    removed, then the text is cut, so an echo stays short and carries no secret."""
    if "message" in body:
        said = str(body["message"])
    elif "error" in body:  # OAuth2 endpoints
        said = f"{body['error']}: {body.get('error_description', '')}".rstrip(": ")
    else:
        return None
    import html  # only for an error's message (its entity table costs a few ms to import)

    said = html.unescape(said)
    if scrub is not None:
        said = scrub(said)
    return said if len(said) <= MAX_AM_MESSAGE else said[:MAX_AM_MESSAGE] + "…"


def _detail(body: dict[str, Any]) -> str:
    detail = body.get("detail")
    if isinstance(detail, dict) and detail.get("validAttributes"):
        names = ", ".join(sorted(map(str, detail["validAttributes"]))[:40])
        return f"Valid attributes: {names}."
    return ""


def describe_transport(exc: Exception, url: str) -> str:
    """What went wrong without an HTTP answer, with the URL tried and the fix.

    `exc` is a `requests` exception; its text carries urllib3's cause (TLS alert, DNS failure,
    refused connection), which is all this needs and holds no request data.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    tried = shown_url(url)
    text = str(exc)
    for markers, problem in _TRANSPORT_PROBLEMS:
        if any(marker in text for marker in markers):
            return f"{problem.format(origin=origin, host=parts.hostname)} (tried {tried})."
    kind = type(exc).__name__
    if "Timeout" in kind:
        return f"The tenant did not answer in time (tried {tried}): check the tenant's health."
    if "SSL" in kind:
        return (
            f"The TLS handshake with {origin} failed (tried {tried}): check the URL's scheme "
            "and port, or the CA bundle (aic-sessions:caBundle)."
        )
    return f"The connection failed or was dropped before an answer arrived (tried {tried})."


_TRANSPORT_PROBLEMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "packet length"),
        "{origin} does not speak TLS (an https:// URL for an http server?): use http:// in the "
        "base URL, or the server's TLS port",
    ),
    (
        ("CERTIFICATE_VERIFY_FAILED",),
        "{origin}'s TLS certificate is not trusted: give its CA as a PEM file "
        "(pulumi config set aic-sessions:caBundle /path/ca.pem) or fix the host name",
    ),
    (
        ("Name or service not known", "Failed to resolve", "nodename nor servname", "getaddrinfo"),
        "The host name {host} could not be resolved (DNS): check the host in the base URL",
    ),
    (
        ("Connection refused", "Errno 111", "Errno 61"),
        "Nothing accepts connections at {origin} (connection refused): check the port in the "
        "base URL and that the server runs",
    ),
)
