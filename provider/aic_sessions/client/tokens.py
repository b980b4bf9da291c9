"""Classification of AM session tokens: a server-side reference or a client-side JWT."""

from __future__ import annotations

import base64
import binascii
import re
from enum import StrEnum

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+")


class TokenKind(StrEnum):
    SERVER_SIDE = "server-side"
    CLIENT_SIDE = "client-side"
    UNKNOWN = "unknown"


def classify_token(token: str) -> TokenKind:
    """Client-side tokens embed the session as a JWT; server-side ones reference a CTS entry."""
    if _JWT.search(token):
        return TokenKind.CLIENT_SIDE
    fields = _reference_fields(token)
    if fields is not None and b"type" in fields and b"CTS" in fields:
        return TokenKind.SERVER_SIDE
    return TokenKind.UNKNOWN


def _reference_fields(token: str) -> bytes | None:
    """The decoded `*...*` part of `<id>.*<base64>*`, where AM writes '=' padding as '.'."""
    match = re.fullmatch(r"[^.*]+\.\*([A-Za-z0-9+/_.-]+)\*", token)
    if not match:
        return None
    encoded = match.group(1).replace(".", "=")
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_")
    except (binascii.Error, ValueError):
        return None
