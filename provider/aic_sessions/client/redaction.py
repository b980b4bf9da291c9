"""Redaction of secrets from anything that may be logged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "<redacted>"

# Shown as they are; every other header is hidden: a session token also travels in a header
# named like the tenant's (random, on AIC) session cookie.
SAFE_HEADERS = frozenset(
    {
        "accept",
        "accept-api-version",
        "accept-encoding",
        "connection",
        "content-length",
        "content-type",
        "host",
        "if-match",
        "user-agent",
    }
)
SECRET_FIELDS = frozenset(
    {"sharedsecret", "assertion", "password", "access_token", "tokenid", "client_secret", "d"}
    | {"valuebase64"}  # ESV values (client/esv.py)
)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy with every header but the known-harmless ones hidden."""
    return {
        name: value if name.lower() in SAFE_HEADERS else REDACTED for name, value in headers.items()
    }


def redact_body(value: Any) -> Any:
    """A copy of a JSON-like body with secret fields hidden, recursively."""
    if isinstance(value, Mapping):
        return {
            key: REDACTED if str(key).lower() in SECRET_FIELDS else redact_body(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_body(item) for item in value]
    return value
