"""Throwaway RSA keys for tests."""

from __future__ import annotations

import json
from functools import cache

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


@cache
def private_jwk(kid: str = "test-key") -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    jwk["kid"] = kid
    return json.dumps(jwk)
