"""Token formats: session tokens (server-side reference / client-side JWT) and journey authIds.

A server-side session token has the recorded shape `<27-char id>.*<fields>*`, where `<fields>`
is base64 (with `.` for `=`) of length-prefixed key/value pairs (`SI`, `SK`, `type`=`CTS`,
`S1`), like `S4aBkinY3L0Sh2B4jD3vml16N_c.*AAJTSQACMDIAAlNL...*`. A client-side token is the
same reference part with `type`=`JWT`, followed by the signed session JWT (`eyJ...`), so
the session travels with the token and nothing is stored.
"""

from __future__ import annotations

import base64
import hashlib
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


def _hmac_key(secret: bytes) -> bytes:
    """The HMAC key derived from a secret of any length (SHA-256 of it)."""
    return hashlib.sha256(secret).digest()


def sign_auth_id(claims: dict[str, Any], secret: bytes) -> str:
    """A journey authId: a JWT signed (HS256) with the realm's signing secret."""
    return jwt.encode(claims, _hmac_key(secret), algorithm="HS256")


def verify_auth_id(auth_id: str, secret: bytes) -> dict[str, Any] | None:
    """The claims of an authId, or None if its signature does not verify with `secret`."""
    try:
        claims: dict[str, Any] = jwt.decode(
            auth_id, _hmac_key(secret), algorithms=["HS256"], options={"verify_exp": False}
        )
    except jwt.PyJWTError:
        return None
    return claims
