"""A resource about to adopt a realm reads it at `check`: at `preview`, and at `up` before any
step of the deployment writes.

A new realm's resources would otherwise preview green and fail only at `up`: a realm that does
not exist, a base URL that is not AM, a tenant that does not answer, credentials it refuses, or
journey settings on a server without them (OpenAM, AM before 6.5). The read fills the
deployment's read cache, so `create` reads nothing more (one read per realm, as before). A realm
named by an output not yet known at preview (one the same program creates) is read at `up`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pulumi.dynamic import CheckFailure

from aic_sessions.client.errors import (
    AdminApiError,
    NotFoundError,
    RedirectedError,
    TransportError,
    WrongBasePathError,
)

from . import connection

if TYPE_CHECKING:
    from aic_sessions.client.models import AuthenticationSettings

# What the user fixes for each failure: a property of the resource, or ("") the stack's settings
# or the tenant itself (the message names which).
_PROPERTY: tuple[tuple[type[AdminApiError], str], ...] = (
    (WrongBasePathError, "baseUrl"),
    (NotFoundError, "realm"),
    (RedirectedError, "baseUrl"),
    (TransportError, "baseUrl"),
)


def read(news: dict[str, Any]) -> tuple[AuthenticationSettings | None, list[CheckFailure]]:
    """The realm's authentication settings, or a failure naming what to fix."""
    url, realm = news["baseUrl"], news["realm"]
    try:
        return connection.client_for(url).read_authentication_settings(realm), []
    except AdminApiError as exc:
        prop = next((p for kind, p in _PROPERTY if isinstance(exc, kind)), "")
        return None, [
            CheckFailure(
                prop,
                f"realm {realm} of {url} was read before anything is written, and that "
                f"failed: {exc} Nothing was written.",
            )
        ]
