"""Redaction of secrets from anything that may be logged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

REDACTED = "<redacted>"

SECRET_HEADERS = frozenset(
    {"authorization", "cookie", "set-cookie", "x-openam-password", "x-openam-username"}
)
SECRET_FIELDS = frozenset(
    {"sharedsecret", "assertion", "password", "access_token", "tokenid", "client_secret", "d"}
    | {"valuebase64"}  # ESV values (client/esv.py)
)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy with credential-bearing headers (and any that look like session cookies) hidden."""
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else value
        for name, value in headers.items()
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
