"""API versions per endpoint, negotiated once per tenant: the newest the server routes wins.

AM versions its REST endpoints with `Accept-API-Version`, and servers differ in what they
route (observed):

| endpoint        | AM 8 / AIC (recordings)            | OpenAM 16 (real server)               |
|-----------------|------------------------------------|---------------------------------------|
| session actions | `resource=4.0`, token in JSON body | `resource=2.0`, token in a header named |
|                 |                                    | like the session cookie; body ignored |
| session query   | `resource=5.1` (AM 7: `3.1`)       | `resource=2.0`                         |

A version the server does not route is a 404 (`Resource '' not found` on OpenAM, `Requested
version "x" does not match any routes` from CREST); `Negotiator` then tries the next, older
dialect and remembers the first that answered, so later calls send it directly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import NotFoundError, UnsupportedApiVersion

T = TypeVar("T")

_NO_ROUTE = re.compile(r"does not match any routes|^Resource '[^']*' not found$")


@dataclass(frozen=True)
class Dialect:
    """One API version of an endpoint, and where that version reads a session token from."""

    version: str
    token_in_body: bool = False


SESSION_ACTIONS = (
    Dialect("resource=4.0, protocol=1.0", token_in_body=True),
    Dialect("resource=2.0, protocol=1.0"),
)
SESSION_QUERY = (
    Dialect("resource=5.1, protocol=1.0"),
    Dialect("resource=3.1, protocol=1.0"),
    Dialect("resource=2.0, protocol=1.0"),
)
ENDPOINTS: dict[str, tuple[Dialect, ...]] = {
    "session-actions": SESSION_ACTIONS,
    "session-query": SESSION_QUERY,
}


def is_no_route(exc: NotFoundError) -> bool:
    """Whether a 404 says "no such API version here" rather than "no such realm or thing"."""
    return bool(exc.am_message and _NO_ROUTE.search(exc.am_message))


class Negotiator:
    """Remembers, per endpoint, the dialect this tenant answered; thread-safe."""

    def __init__(self) -> None:
        self._chosen: dict[str, Dialect] = {}
        self._lock = threading.Lock()

    def chosen(self, endpoint: str) -> Dialect | None:
        return self._chosen.get(endpoint)

    def call(self, endpoint: str, send: Callable[[Dialect], T]) -> T:
        """`send` with the remembered dialect, or with each known one, newest first."""
        known = self._chosen.get(endpoint)
        candidates = (known,) if known else ENDPOINTS[endpoint]
        last: NotFoundError | None = None
        for dialect in candidates:
            try:
                result = send(dialect)
            except NotFoundError as exc:
                if not is_no_route(exc):
                    raise
                last = exc
                continue
            with self._lock:
                self._chosen[endpoint] = dialect
            return result
        assert last is not None
        tried = ", ".join(d.version for d in candidates)
        raise UnsupportedApiVersion(
            last.context,
            f"The server routes none of the API versions this product knows for it ({tried}).",
            status=last.status,
            am_message=last.am_message,
        )
