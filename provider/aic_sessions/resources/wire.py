"""The engine's wire markers the providers read and write, taken from the SDK (not copied): an
unknown value at preview, and the envelope that makes a property a secret in state."""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc

UNKNOWN: str = rpc.UNKNOWN
"""What an input unknown at preview arrives as."""
SECRET_SIG_KEY: str = rpc._special_sig_key
SECRET_SIG: str = rpc._special_secret_sig


def as_secret(value: Any) -> dict[str, Any]:
    """The wire form of a secret property, so the engine stores it encrypted."""
    return {SECRET_SIG_KEY: SECRET_SIG, "value": value}


def is_secret(value: Any) -> bool:
    """Whether a property is in the secret wire form."""
    return isinstance(value, dict) and set(value) == {SECRET_SIG_KEY, "value"}


def plain(value: Any) -> Any:
    """A property without its secret envelope (as the engine sends it back)."""
    return value.get("value") if isinstance(value, dict) and "value" in value else value
