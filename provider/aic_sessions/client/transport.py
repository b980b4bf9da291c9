"""HTTP transport: one pooled session, bounded retries with backoff, a deadline, a rate budget.

Only this module talks to `requests`. A request is retried on connection errors, timeouts and
502/503/504 when it is safe to repeat (`idempotent=True`, the admin login included), and on 429
always (the server did not process it), honouring `Retry-After`. Credentials fetched for a call
(a login, a token) get their own retries but never outlive that call's deadline. A 401 makes
the authenticator drop its credentials and the request is sent once more with fresh ones.
Every attempt logs one line, never a secret.
"""

from __future__ import annotations

import http.cookiejar
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import requests
import tenacity

from .errors import (
    AdminApiError,
    AuthenticationError,
    DeadlineExceeded,
    RateLimitedError,
    RequestContext,
    TransportError,
    describe_transport,
    error_from_response,
    sent_values,
    shown_url,
)
from .redaction import redact_headers
from .settings import ConnectionSettings, RetryBudget

log = logging.getLogger("aic_sessions.client")

USER_AGENT = "aic-sessions/0.1"


class Authenticator(Protocol):
    """Supplies auth headers, and forgets them when the server says they are no longer valid."""

    def headers(self) -> dict[str, str]: ...

    def invalidate(self, used: Mapping[str, str]) -> None: ...


@dataclass(frozen=True)
class Call:
    """One logical API operation (it may take several HTTP attempts)."""

    operation: str
    method: str
    path: str
    realm: str | None = None
    api_version: str | None = None
    params: Mapping[str, str] | None = None
    json: Any = field(default=None, repr=False)  # bodies and headers may carry secrets
    # A callable is evaluated at every attempt (a fresh JWT assertion, so a retry never replays
    # a `jti` the server may already have consumed).
    data: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = field(
        default=None, repr=False
    )
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    idempotent: bool = True
    authenticated: bool = True
    presents_credentials: bool = False  # a login or token request: it sends the credentials

    def context(self) -> RequestContext:
        return RequestContext(self.operation, self.method, self.path, self.realm)


class RateBudget:
    """Spaces requests at least 1/rate seconds apart across threads (None: unlimited)."""

    def __init__(self, per_second: float | None, clock: Callable[[], float] = time.monotonic):
        self._interval = 1.0 / per_second if per_second else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._clock = clock

    def wait(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)


class Transport:
    """Sends `Call`s to one tenant and returns parsed JSON, raising typed errors."""

    def __init__(
        self, settings: ConnectionSettings, session: requests.Session | None = None
    ) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        # No cookie jar: a session cookie a login answer sets (the admin's, a test user's)
        # would otherwise ride along on every later call, and AM answers session calls for the
        # cookie's session. Every credential this client sends is an explicit header.
        self.session.cookies.set_policy(_NoCookies())
        self.authenticator: Authenticator | None = None
        self._rate = RateBudget(settings.max_requests_per_second)
        self._calls = threading.local()  # the deadline of the call in progress on this thread

    def close(self) -> None:
        self.session.close()

    @contextmanager
    def within(self, seconds: float) -> Iterator[None]:
        """Calls this thread sends inside the block end within `seconds`, retries included."""
        outer = getattr(self._calls, "deadline", None)
        deadline = time.monotonic() + seconds
        self._calls.deadline = deadline if outer is None else min(outer, deadline)
        try:
            yield
        finally:
            self._calls.deadline = outer

    def send(self, call: Call) -> requests.Response:
        """Send with retries; on 401, refresh the credentials once and try again."""
        try:
            return self._send_with_retries(call)
        except AuthenticationError as exc:
            if not getattr(exc, "stale_credentials", False):
                raise
            log.info(
                "%s %s -> 401; refreshing credentials and retrying once", call.method, call.path
            )
            return self._send_with_retries(call)

    def json(self, call: Call) -> Any:
        response = self.send(call)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise AdminApiError(
                call.context(), "The answer was not JSON.", status=response.status_code
            ) from None

    def _send_with_retries(self, call: Call) -> requests.Response:
        budget = self.settings.retries
        deadline = time.monotonic() + self.settings.timeouts.deadline
        outer = getattr(self._calls, "deadline", None)
        if outer is not None:  # getting credentials for a call: within that call's deadline
            deadline = min(deadline, outer)
        attempt_no = 0

        def attempt() -> requests.Response:
            nonlocal attempt_no
            attempt_no += 1
            return self._attempt(call, attempt_no, deadline)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda e: _should_retry(e, call)),
            stop=tenacity.stop_after_attempt(budget.max_attempts) | _stop_at(deadline),
            wait=_wait(budget),
            reraise=True,
            before_sleep=lambda state: log.info(
                "%s %s: attempt %d failed (%s); retrying",
                call.method,
                call.path,
                state.attempt_number,
                _short(state.outcome),
            ),
        )
        self._calls.deadline = deadline
        try:
            return retrying(attempt)
        finally:
            self._calls.deadline = outer

    def _attempt(self, call: Call, attempt_no: int, deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(
                call.context(), f"Gave up after {attempt_no - 1} attempt(s) at the deadline."
            )
        headers = dict(call.headers)
        if call.api_version:
            headers["Accept-API-Version"] = call.api_version
        auth_headers: dict[str, str] = {}
        if call.authenticated and self.authenticator:
            auth_headers = self.authenticator.headers()
        self._rate.wait()
        timeouts = self.settings.timeouts
        started = time.monotonic()
        data = call.data() if callable(call.data) else call.data
        try:
            response = self.session.request(
                call.method,
                self.settings.base_url + call.path,
                params=call.params,
                json=call.json,
                data=data,
                headers={**headers, **auth_headers},
                timeout=(min(timeouts.connect, remaining), min(timeouts.read, remaining)),
                verify=self.settings.tls_verify,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            self._log(call, "ERR", started, attempt_no, type(exc).__name__)
            url = self.settings.base_url + call.path
            raise TransportError(call.context(), describe_transport(exc, url)) from None
        self._log(call, str(response.status_code), started, attempt_no, "", response)
        if response.status_code < 300:
            return response
        sent = sent_values(call.json, data, call.params, headers, auth_headers)
        answered = replace(call.context(), tenant=shown_url(self.settings.base_url))
        presented = bool(auth_headers) or call.presents_credentials
        source = self.settings.credentials_from if presented else None
        error = error_from_response(answered, response, sent, credentials_from=source)
        if response.status_code == 401 and auth_headers and self.authenticator:
            self.authenticator.invalidate(auth_headers)
            error.stale_credentials = True  # type: ignore[attr-defined]
        raise error

    def _log(
        self,
        call: Call,
        status: str,
        started: float,
        attempt_no: int,
        note: str,
        response: requests.Response | None = None,
    ) -> None:
        millis = (time.monotonic() - started) * 1000
        log.info(
            "%s %s -> %s in %.0f ms (retries=%d)%s",
            call.method,
            call.path,
            status,
            millis,
            attempt_no - 1,
            f" {note}" if note else "",
        )
        if log.isEnabledFor(logging.DEBUG) and response is not None:
            log.debug("request headers: %s", redact_headers(response.request.headers))


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Accepts no cookie and returns none."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: Any) -> bool:
        return False


def _should_retry(exc: BaseException, call: Call) -> bool:
    if isinstance(exc, AdminApiError) and exc.context and exc.context.path != call.path:
        return False  # getting credentials failed after its own retries: do not multiply them
    if isinstance(exc, RateLimitedError):
        return True
    if isinstance(exc, DeadlineExceeded):
        return False
    return isinstance(exc, AdminApiError) and exc.retryable and call.idempotent


def _stop_at(deadline: float) -> tenacity.stop.stop_base:
    class _StopAtDeadline(tenacity.stop.stop_base):
        def __call__(self, retry_state: tenacity.RetryCallState) -> bool:
            upcoming = retry_state.upcoming_sleep or 0.0
            return time.monotonic() + upcoming >= deadline

    return _StopAtDeadline()


def _wait(budget: RetryBudget) -> Callable[[tenacity.RetryCallState], float]:
    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimitedError) and exc.retry_after is not None:
            return min(exc.retry_after, budget.max_retry_after) + random.uniform(0, 0.1)  # noqa: S311
        ceiling = min(budget.max_backoff, budget.initial_backoff * 2 ** (state.attempt_number - 1))
        return random.uniform(0, ceiling)  # noqa: S311  (jitter, not cryptography)

    return wait


def _short(outcome: Any) -> str:
    exc = outcome.exception() if outcome else None
    if isinstance(exc, AdminApiError):
        return f"{type(exc).__name__}, HTTP {exc.status}" if exc.status else type(exc).__name__
    return type(exc).__name__ if exc else "ok"
