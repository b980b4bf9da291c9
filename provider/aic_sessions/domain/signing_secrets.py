"""Signing-secret rules shared by the provider's `check` and the policy pack, and fingerprints.

Ping's guide: "a base64-encoded HMAC secret at least 128 bits long", different in development,
staging and production. A fingerprint lets environments be compared without the secret: a slow,
salted scrypt hash (optionally keyed by an organization-wide `fingerprintKey`), the same for the
same secret in every stack, and too expensive to brute-force a weak secret from.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import math
import re
import secrets
from typing import Any

MIN_BITS = 128
MAX_CHARS = 4096  # 3 KiB decoded: far above any HMAC key, far below the engine's limits
GENERATED_BYTES = 32
FINGERPRINT_SALT = b"aic-sessions/signing-secret-fingerprint/v1"
ESV_NAME = re.compile(r"^esv-[a-z0-9][a-z0-9-]*$")
ESV_EXPRESSION = re.compile(r"^&\{esv\.[a-z0-9][a-z0-9.-]*\}$")


_STANDARD = re.compile(r"[A-Za-z0-9+/]*")
_URL_SAFE = re.compile(r"[A-Za-z0-9_-]*")


def decode(value: str) -> bytes | None:
    """The secret's bytes under the one rule every part of the product uses (validation, the
    write, the `authId` proof, the fingerprint), or None when the value breaks it.

    Accepted: base64 in the standard (`+ /`) or the URL-safe (`- _`) alphabet, not both in one
    value, with its `=` padding complete or left out. Nothing is stripped: whitespace makes the
    value invalid (`format_problems` says so). `normalise` gives the one spelling written.
    """
    body = value.rstrip("=")
    if not body or not (_STANDARD.fullmatch(body) or _URL_SAFE.fullmatch(body)):
        return None
    padded = body + "=" * (-len(body) % 4)
    if len(body) % 4 == 1 or value not in (body, padded):
        return None
    try:
        return base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None


def normalise(value: str) -> str:
    """The standard, padded spelling of a valid secret: what is written to the realm and kept in
    state, so AM and the `authId` proof key by the same bytes however the user spelled them."""
    raw = decode(value)
    if raw is None:
        raise ValueError("cannot normalise a secret that is not base64")
    return base64.b64encode(raw).decode()


def _base64_problem(value: str) -> str:
    body = value.rstrip("=")
    if re.search(r"[+/]", body) and re.search(r"[-_]", body):
        return (
            "mixes the standard (+ /) and URL-safe (- _) base64 alphabets; use one of them, "
            "e.g. `openssl rand -base64 32`"
        )
    return "is not valid base64; encode the secret's bytes, e.g. `openssl rand -base64 32`"


def format_problems(value: str) -> list[str]:
    """Hard problems: oversized, whitespace, not base64, or shorter than 128 bits decoded."""
    if len(value) > MAX_CHARS:
        return [
            f"is {len(value)} characters, more than the {MAX_CHARS} allowed; "
            "use 32 random bytes, e.g. `openssl rand -base64 32`"
        ]
    if value != value.strip():
        return [
            "has leading or trailing whitespace (a space or newline); remove it, since the "
            "secret is written exactly as given"
        ]
    raw = decode(value)
    if raw is None:
        return [_base64_problem(value)]
    if len(raw) * 8 < MIN_BITS:
        return [
            f"decodes to {len(raw) * 8} bits, fewer than the {MIN_BITS} required; "
            "use at least 16 random bytes, e.g. `openssl rand -base64 32`"
        ]
    return []


def problems(value: str) -> list[str]:
    """Every reason to refuse a given secret: format first, then weakness."""
    return format_problems(value) or weakness_problems(value)


RANDOM_BYTES = "use random bytes (openssl rand -base64 32)"
PRINTABLE_BITS = math.log2(0x7E - 0x20 + 1)  # at most 6.57 bits in a printable character


def weakness_problems(value: str) -> list[str]:
    """Trivially weak secrets: one repeated byte, a pattern repeated (at least twice), a counting
    sequence, few distinct bytes, or printable text too short to hold the bits required even
    if chosen at random (a password, base64-encoded)."""
    raw = decode(value)
    if raw is None or not raw:
        return []
    if len(set(raw)) == 1:
        return [f"is the byte 0x{raw[0]:02x} repeated; {RANDOM_BYTES}"]
    for period in range(2, len(raw) // 2 + 1):  # a pattern shown twice or more: a password x2
        if raw == (raw[:period] * (len(raw) // period + 1))[: len(raw)]:
            return [f"repeats a pattern of {period} bytes; {RANDOM_BYTES}"]
    steps = {(b - a) % 256 for a, b in itertools.pairwise(raw)}
    if len(steps) == 1:
        step = steps.pop()
        way = f"{step} more" if step < 128 else f"{256 - step} less"
        return [f"is a counting sequence (each byte {way} than the last); {RANDOM_BYTES}"]
    if len(set(raw)) < len(raw) // 4:
        return [f"uses only {len(set(raw))} distinct byte values; {RANDOM_BYTES}"]
    bits = len(raw) * PRINTABLE_BITS
    if all(0x20 <= b <= 0x7E for b in raw) and bits < MIN_BITS:
        return [
            f"decodes to {len(raw)} printable characters, which even chosen at random hold at "
            f"most {int(bits)} bits, fewer than the {MIN_BITS} required (text, such as a "
            f"password, is no key); {RANDOM_BYTES}"
        ]
    return []


def generate() -> str:
    """256 random bits, base64."""
    return base64.b64encode(secrets.token_bytes(GENERATED_BYTES)).decode()


def fingerprint(value: str, key: str = "") -> str:
    """A comparable, non-reversible fingerprint of the secret's bytes."""
    raw = decode(value)
    if raw is None:
        raise ValueError("cannot fingerprint a secret that is not base64")
    salt = hashlib.sha256(FINGERPRINT_SALT + b"\0" + key.encode()).digest()
    digest = hashlib.scrypt(raw, salt=salt, n=2**14, r=8, p=1, dklen=16)
    return "scrypt:" + digest.hex()


def fingerprint_basis(value: str, key: str = "") -> str:
    """A fast digest of the secret and the key, to tell whether a fingerprint is still valid.

    It is as sensitive as the secret (fast to brute-force), so it is only ever stored encrypted.
    """
    return hashlib.sha256(b"basis\0" + value.encode() + b"\0" + key.encode()).hexdigest()


def kept_fingerprint(value: str, key: str, old_basis: Any, old_fingerprint: Any) -> tuple[str, str]:
    """(fingerprint, basis) of a secret. scrypt is deliberately slow (~40 ms), so the old
    fingerprint is kept when the old basis shows that neither value nor key changed."""
    basis = fingerprint_basis(value, key)
    if old_basis == basis and isinstance(old_fingerprint, str) and old_fingerprint:
        return old_fingerprint, basis
    return fingerprint(value, key), basis


def default_esv_name(realm: str) -> str:
    """The ESV that holds a realm's signing secret unless named: `esv-<realm>-signing-secret`."""
    slug = re.sub(r"[^a-z0-9]+", "-", realm.strip("/").lower()).strip("-")
    return f"esv-{slug}-signing-secret"


def esv_expression(reference: str) -> str | None:
    """`esv-my-secret` or `&{esv.my.secret}` -> `&{esv.my.secret}`; None when neither."""
    reference = reference.strip()
    if ESV_EXPRESSION.match(reference):
        return reference
    if ESV_NAME.match(reference):
        return "&{esv." + reference[len("esv-") :].replace("-", ".") + "}"
    return None
