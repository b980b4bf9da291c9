"""Service-account JWT-bearer grant, access tokens, and authorization of admin calls.

The assertion must be RS256-signed with the account's registered public JWK, with
`iss == sub == <account id>`, `aud` = the token endpoint URL (also accepted: the same URL
with an explicit default port, and frodo's `host:port:port` form, see `audiences`), `exp`
in the future but not more than an hour ahead, and a `jti` never seen before.
"""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from aic_emulator.errors import Forbidden, OAuth2Error, Unauthorized
from aic_emulator.state import StoreBase

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ADMIN_SCOPE = "fr:am:*"
MAX_ASSERTION_LIFETIME = 3600


def generate_rsa_jwk() -> tuple[dict[str, Any], dict[str, Any]]:
    """A new RSA key pair as (private JWK, public JWK) dicts."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    public: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return private, public


def audiences(token_url: str) -> set[str]:
    """The accepted `aud` values for a token endpoint URL."""
    parts = urlsplit(token_url)
    default = "443" if parts.scheme == "https" else "80"
    host = parts.hostname or ""
    port = str(parts.port) if parts.port else default
    accepted = {token_url, f"{parts.scheme}://{host}:{port}{parts.path}"}
    if port == default:
        accepted.add(f"{parts.scheme}://{host}{parts.path}")
    accepted.add(f"{parts.scheme}://{host}:{port}:{port}{parts.path}")  # frodo-lib's form
    return accepted


class OAuthOps(StoreBase):
    """JWT-bearer grant and admin authorization."""

    def token_grant(self, form: dict[str, str], token_url: str) -> dict[str, Any]:
        if form.get("grant_type") != JWT_BEARER:
            raise OAuth2Error("unsupported_grant_type", "Grant type is not supported")
        assertion = form.get("assertion")
        if not assertion:
            raise OAuth2Error("invalid_request", "Missing parameter: assertion")
        with self.lock:
            account_id, claims = self._verify_assertion(assertion, token_url)
            scopes = self._granted_scopes(account_id, form.get("scope", ""))
            self.state["usedJtis"][claims["jti"]] = claims["exp"]
            return self._issue_access_token(account_id, scopes)

    def _verify_assertion(self, assertion: str, token_url: str) -> tuple[str, dict[str, Any]]:
        try:
            unverified = jwt.decode(assertion, options={"verify_signature": False})
        except jwt.PyJWTError as exc:
            raise OAuth2Error("invalid_grant", "The assertion is not a valid JWT") from exc
        account_id = str(unverified.get("iss", ""))
        account = self.state["serviceAccounts"].get(account_id)
        if account is None:
            raise OAuth2Error("invalid_client", "Client authentication failed", 401)
        claims = self._decode(assertion, account["publicJwk"], token_url)
        if claims.get("sub") != account_id:
            raise OAuth2Error("invalid_grant", "JWT subject must equal the issuer")
        self._check_times_and_replay(claims)
        return account_id, claims

    def _decode(self, assertion: str, public_jwk: dict[str, Any], token_url: str) -> dict[str, Any]:
        try:
            key = jwt.PyJWK(public_jwk, algorithm="RS256").key
            claims: dict[str, Any] = jwt.decode(
                assertion,
                key,
                algorithms=["RS256"],
                audience=sorted(audiences(token_url)),
                options={"verify_exp": False, "require": ["iss", "sub", "aud", "exp", "jti"]},
            )
        except jwt.PyJWTError as exc:
            raise OAuth2Error("invalid_grant", f"JWT is not valid: {exc}") from exc
        return claims

    def _check_times_and_replay(self, claims: dict[str, Any]) -> None:
        now = self.now()
        exp = claims["exp"]
        if not isinstance(exp, int | float) or exp <= now:
            raise OAuth2Error("invalid_grant", "JWT has expired")
        if exp > now + MAX_ASSERTION_LIFETIME:
            raise OAuth2Error("invalid_grant", "JWT expiration is too far in the future")
        used = self.state["usedJtis"]
        for jti in [j for j, until in used.items() if until <= now]:
            del used[jti]
        if claims["jti"] in used:
            raise OAuth2Error("invalid_grant", "JWT has already been used (jti replay)")

    def _granted_scopes(self, account_id: str, requested: str) -> list[str]:
        allowed: list[str] = self.state["serviceAccounts"][account_id]["scopes"]
        wanted = requested.split() or list(allowed)
        missing = [s for s in wanted if s not in allowed]
        if missing:
            raise OAuth2Error(
                "invalid_scope", "Unsupported scope for service account: " + ",".join(missing)
            )
        return wanted

    def _issue_access_token(self, account_id: str, scopes: list[str]) -> dict[str, Any]:
        ttl = int(self.state["config"]["accessTokenTtl"])
        token = secrets.token_urlsafe(32)
        self.state["accessTokens"][token] = {
            "sub": account_id,
            "scopes": scopes,
            "exp": self.now() + ttl,
        }
        return {
            "access_token": token,
            "scope": " ".join(scopes),
            "token_type": "Bearer",
            "expires_in": ttl,
        }

    def authorize_admin(self, bearer: str | None, session_token: str | None) -> str:
        """The principal of an admin call, or 401 (missing/invalid) / 403 (not allowed)."""
        with self.lock:
            if bearer:
                return self._authorize_bearer(bearer)
            if session_token:
                return self._authorize_session(session_token)
        raise Unauthorized()

    def _authorize_bearer(self, bearer: str) -> str:
        record = self.state["accessTokens"].get(bearer)
        if record is None or record["exp"] <= self.now():
            raise Unauthorized()
        if ADMIN_SCOPE not in record["scopes"]:
            raise Forbidden("Access Denied")
        return str(record["sub"])

    def _authorize_session(self, token: str) -> str:
        session = self.resolve_session(token, touch=True)  # type: ignore[attr-defined]
        if session is None:
            raise Unauthorized()
        if not session.get("admin"):
            raise Forbidden("Access Denied")
        return str(session["username"])
