"""What AM's tokens show by their structure: session tokens and journey `authId`s.

Session tokens (observed forms):
- server-side reference `<id>.*<base64 fields>*`: OpenAM 16 `AQIC5…*AAJTSQ…*` (no type field),
  AM 8 / AIC `…*AAJTSQ…AAR0eXBlAANDVFM…*` (a `type=CTS` field);
- client-side: the reference part followed by a JWT carrying the session (OpenAM 16
  `*AAJTSQ….*eyJ0eXAi…`, whose payload is an encrypted JWE; AM 8 the same shape).
Classification is by structure only; `verify` confirms it with the admin session query.

Journey `authId`: an HS256 JWT signed with the realm's signing secret, keyed by the
base64-*decoded* secret (checked on OpenAM 16). Its `sessionId` claim references the journey's
server-side session (AIC: a token part saying `type=CTS_AUTH`; OpenAM: an in-memory `AQIC…`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from enum import StrEnum
from typing import Any

from aic_sessions.domain import signing_secrets

_JWT = re.compile(r"(eyJ[A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)")
_REFERENCE = re.compile(r"[^.*]*\.\*([A-Za-z0-9+/_.-]+)\*")


class TokenKind(StrEnum):
    SERVER_SIDE = "server-side"
    CLIENT_SIDE = "client-side"
    UNKNOWN = "unknown"


def classify_token(token: str) -> TokenKind:
    """Client-side tokens carry the session as a JWT; server-side ones only reference it."""
    if any(_jwt_header(m.group(1)) for m in _JWT.finditer(token)):
        return TokenKind.CLIENT_SIDE
    if reference_fields(token) is not None:
        return TokenKind.SERVER_SIDE
    return TokenKind.UNKNOWN


def reference_fields(token: str) -> bytes | None:
    """The decoded `*...*` part of `<id>.*<base64>*`, where AM writes '=' padding as '.'."""
    match = _REFERENCE.fullmatch(token)
    if not match:
        return None
    encoded = match.group(1).replace(".", "=").rstrip("=")
    try:
        return base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_")
    except (binascii.Error, ValueError):
        return None


def reference_type(token: str) -> str | None:
    """The `type` field of a server-side reference (`CTS`, `CTS_AUTH`), where AM writes one."""
    fields = reference_fields(token)
    if fields is None:
        return None
    match = re.search(rb"\x00\x04type\x00.([A-Z_]+)", fields, re.DOTALL)
    return match.group(1).decode() if match else None


def auth_id_claims(auth_id: str) -> dict[str, Any] | None:
    """The claims of a journey's `authId` JWT (unverified), or None when it is not a JWT."""
    parts = auth_id.split(".")
    if len(parts) != 3:
        return None
    claims = _b64json(parts[1])
    return claims if isinstance(claims, dict) else None


def auth_id_signed_with(auth_id: str, secret_base64: str) -> bool:
    """Whether `auth_id` is HS256-signed with the realm secret `secret_base64`, decoded by the
    same base64 rule as the secret's validation and write (`signing_secrets.decode`)."""
    parts = auth_id.split(".")
    header = _b64json(parts[0]) if len(parts) == 3 else None
    key = signing_secrets.decode(secret_base64)
    if key is None or not isinstance(header, dict) or header.get("alg") != "HS256":
        return False
    try:
        signature = b64url_decode(parts[2])
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(expected, signature)


def _jwt_header(segment: str) -> bool:
    header = _b64json(segment)
    return isinstance(header, dict) and ("alg" in header or "typ" in header)


def _b64json(segment: str) -> Any:
    try:
        return json.loads(b64url_decode(segment))
    except (binascii.Error, ValueError):
        return None


def b64url_decode(segment: str) -> bytes:
    """Unpadded base64url (JWT segments, JWK members), as RFC 7515 writes it."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
