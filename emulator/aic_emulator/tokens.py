"""Token formats: session tokens (server-side reference / client-side JWT) and journey authIds.

A server-side session token has the recorded shape `<27-char id>.*<fields>*`, where `<fields>`
is base64 (with `.` for `=`) of length-prefixed key/value pairs (`SI`, `SK`, `type`=`CTS`,
`S1`), like `S4aBkinY3L0Sh2B4jD3vml16N_c.*AAJTSQACMDIAAlNL...*`. A client-side token is the
same reference part with `type`=`JWT`, followed by the signed session JWT (`eyJ...`), so
the session travels with the token and nothing is stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import struct
from typing import Any

import jwt

SESSION_ALG = "HS256"


def random_id(nbytes: int = 20) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode().rstrip("=")


def _field_blob(fields: dict[str, str]) -> str:
    raw = bytearray()
    for key, value in fields.items():
        for text in (key, value):
            data = text.encode()
            raw += struct.pack(">H", len(data)) + data
    return base64.b64encode(bytes(raw)).decode().replace("=", ".")


def _reference(kind: str) -> str:
    storage_key = base64.b64encode(secrets.token_bytes(20)).decode()
    fields = {"SI": "01", "SK": storage_key, "type": kind, "S1": "01"}
    return f"{random_id()}.*{_field_blob(fields)}*"


def server_side_token() -> str:
    """A new reference-form token of a session stored server-side (type CTS)."""
    return _reference("CTS")


def client_side_token(claims: dict[str, Any], key: bytes) -> str:
    """A client-side session token: reference part, then the signed session JWT."""
    return _reference("JWT") + jwt.encode(claims, key, algorithm=SESSION_ALG)


def client_side_claims(token: str, key: bytes) -> dict[str, Any] | None:
    """The claims of a client-side token, or None if it is not one or is forged."""
    _, sep, tail = token.rpartition("*")
    if not sep or not tail.startswith("ey"):
        return None
    try:
        claims: dict[str, Any] = jwt.decode(
            tail, key, algorithms=[SESSION_ALG], options={"verify_exp": False}
        )
    except jwt.PyJWTError:
        return None
    return claims


def journey_reference() -> str:
    """The `sessionId` of a server-side journey, as AIC writes it (`type=CTS_AUTH`)."""
    return _reference("CTS_AUTH")


def sign_auth_id(claims: dict[str, Any], secret: bytes) -> str:
    """A journey authId: an HS256 JWT keyed by the realm's decoded signing secret, as AM does
    (observed on OpenAM 16; not a hash of it). Signed by hand: AM allows 128-bit keys, which
    PyJWT warns about."""
    header = _b64url(json.dumps({"typ": "JWT", "alg": "HS256"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def verify_auth_id(auth_id: str, secret: bytes) -> dict[str, Any] | None:
    """The claims of an authId, or None if its signature does not verify with `secret`."""
    parts = auth_id.split(".")
    if len(parts) != 3:
        return None
    expected = hmac.new(secret, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
    try:
        valid = hmac.compare_digest(expected, _unb64url(parts[2]))
        claims = json.loads(_unb64url(parts[1])) if valid else None
    except (ValueError, binascii.Error):
        return None
    return claims if isinstance(claims, dict) else None


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
