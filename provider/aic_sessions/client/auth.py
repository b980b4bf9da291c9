"""Authenticators: turn connection settings into request headers, refreshing when needed.

- `ServiceAccountAuthenticator`: JWT-bearer grant at `{base}/oauth2/access_token` with an RS256
  assertion (PyJWT); the access token is cached until shortly before it expires and shared by
  all threads; a 401 drops it so the next call fetches a new one.
- `AdminAuthenticator`: AM admin login with `X-OpenAM-*` headers (retried like any idempotent
  call); the session cookie's name is read from `serverinfo/*` (it is random per tenant on AIC).
  `AdminClient.close()` ends the sessions it opened (`release()` hands over their tokens).
- `BearerAuthenticator`: a pre-issued token, used as it is.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

import jwt
from pydantic import SecretStr

from .errors import AdminApiError, AuthenticationError, UnexpectedAnswerError
from .settings import AdminAuth, BearerAuth, ServiceAccountAuth
from .transport import Authenticator, Call, Transport

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ASSERTION_LIFETIME = 180
REFRESH_MARGIN = 30.0


class _CachedCredential:
    """A header set with an expiry, replaced under a lock by one thread at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._headers: dict[str, str] | None = None
        self._expires_at = 0.0

    def get(self, fetch: Any) -> dict[str, str]:
        with self._lock:
            if self._headers is None or time.monotonic() >= self._expires_at:
                self._headers, lifetime = fetch()
                self._expires_at = time.monotonic() + lifetime
            return dict(self._headers)

    def drop(self, used: Mapping[str, str]) -> None:
        with self._lock:
            if not used or self._headers == dict(used):
                self._headers = None


class ServiceAccountAuthenticator:
    """Bearer tokens from the service account's JWT-bearer grant."""

    def __init__(self, auth: ServiceAccountAuth, transport: Transport) -> None:
        self._auth = auth
        self._transport = transport
        self._cache = _CachedCredential()

    def headers(self) -> dict[str, str]:
        return self._cache.get(self._fetch)

    def invalidate(self, used: Mapping[str, str]) -> None:
        self._cache.drop(used)

    def _fetch(self) -> tuple[dict[str, str], float]:
        call = Call(
            "Obtaining an access token for the service account",
            "POST",
            "/oauth2/access_token",
            data=lambda: {
                "grant_type": JWT_BEARER,
                "client_id": "service-account",
                "assertion": self._assertion(),
                "scope": self._auth.scope,
            },
            authenticated=False,
            presents_credentials=True,
        )
        body = self._transport.json(call)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not token:
            raise AuthenticationError(
                call.context(), "The token endpoint returned no access_token."
            )
        lifetime = float(body.get("expires_in", 60))
        return {"Authorization": f"Bearer {token}"}, max(
            1.0, lifetime - min(REFRESH_MARGIN, lifetime / 10)
        )

    def _assertion(self) -> str:
        jwk = self._auth.jwk()
        now = int(time.time())
        claims = {
            "iss": self._auth.account_id,
            "sub": self._auth.account_id,
            "aud": f"{self._transport.settings.base_url}/oauth2/access_token",
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
            "jti": str(uuid.uuid4()),
        }
        try:
            key = jwt.PyJWK.from_dict(jwk, algorithm="RS256").key
        except (jwt.exceptions.PyJWTError, ValueError, TypeError):  # InvalidKeyError too
            raise AuthenticationError(
                None, "The service-account JWK could not be used as an RS256 private key."
            ) from None
        headers = {"kid": jwk["kid"]} if "kid" in jwk else None
        return jwt.encode(claims, key, algorithm="RS256", headers=headers)


class AdminAuthenticator:
    """An AM admin session cookie, named as `serverinfo/*` says."""

    def __init__(self, auth: AdminAuth, transport: Transport) -> None:
        self._auth = auth
        self.realm = auth.realm  # where the admin logs in, and its session lives
        self._transport = transport
        self._cache = _CachedCredential()
        self._cookie_name: str | None = None
        self._open: dict[str, str] = {}  # Cookie header -> token of each session still open
        self._open_lock = threading.Lock()
        self._released = False  # after `release`, no new login (its session would stay open)

    def headers(self) -> dict[str, str]:
        return self._cache.get(self._login)

    def invalidate(self, used: Mapping[str, str]) -> None:
        self._cache.drop(used)
        with self._open_lock:  # refused with a 401: that session is over already
            self._open.pop(used.get("Cookie", ""), None)

    def release(self) -> list[SecretStr]:
        """The tokens of the admin sessions this authenticator opened and still holds (one,
        more after a login renewed in a long run), forgotten here: the caller ends them. No login
        follows."""
        with self._open_lock:
            self._released = True
            tokens, self._open = list(self._open.values()), {}
        self._cache.drop({})
        return [SecretStr(token) for token in tokens]

    def cookie_name(self) -> str:
        if self._cookie_name is None:
            self._cookie_name = server_cookie_name(self._transport)
        return self._cookie_name

    def _login(self) -> tuple[dict[str, str], float]:
        from .realms import realm_path

        if self._released:  # closed while a call still ran (the process ends): a login begun
            # before `release` still opens its session, which then idles out in AM
            raise AuthenticationError(
                None, "This client was closed and its admin sessions ended: no new login."
            )
        call = Call(
            f"Logging in as administrator {self._auth.username!r}",
            "POST",
            f"/json{realm_path(self._auth.realm)}/authenticate",
            api_version="resource=2.0, protocol=1.0",
            headers={
                "X-OpenAM-Username": self._auth.username,
                "X-OpenAM-Password": self._auth.password.get_secret_value(),
                "Content-Type": "application/json",
            },
            json={},
            # Safe to repeat: a login changes no configuration; a repeated one at worst leaves
            # an extra admin session that idles out. So a 502/503 or a dropped connection is
            # retried like every idempotent call, within the same budget and deadline.
            idempotent=True,
            authenticated=False,
            presents_credentials=True,
        )
        body = self._transport.json(call)
        token = body.get("tokenId") if isinstance(body, dict) else None
        if not token:
            raise AuthenticationError(call.context(), "The login answered without a tokenId.")
        headers = {"Cookie": f"{self.cookie_name()}={token}"}
        with self._open_lock:
            self._open[headers["Cookie"]] = token
        # AM sessions idle out after 30 minutes by default; log in again well before that.
        return headers, 15 * 60.0


class BearerAuthenticator:
    """A fixed access token."""

    def __init__(self, auth: BearerAuth) -> None:
        self._header = {"Authorization": f"Bearer {auth.access_token.get_secret_value()}"}

    def headers(self) -> dict[str, str]:
        return dict(self._header)

    def invalidate(self, used: Mapping[str, str]) -> None:
        """A pre-issued token cannot be refreshed; the 401 surfaces to the caller."""


def server_cookie_name(transport: Transport) -> str:
    """The session cookie's name from `serverinfo/*` (no credentials needed)."""
    info = transport.json(
        Call(
            "Reading server information (cookie name)",
            "GET",
            "/json/serverinfo/*",
            api_version="resource=1.1",
            authenticated=False,
        )
    )
    name = info.get("cookieName") if isinstance(info, dict) else None
    if not name:
        raise UnexpectedAnswerError(
            None, "serverinfo/* did not name the session cookie (cookieName)."
        )
    return str(name)


def make_authenticator(
    auth: ServiceAccountAuth | AdminAuth | BearerAuth, transport: Transport
) -> Authenticator:
    if isinstance(auth, ServiceAccountAuth):
        return ServiceAccountAuthenticator(auth, transport)
    if isinstance(auth, AdminAuth):
        return AdminAuthenticator(auth, transport)
    if isinstance(auth, BearerAuth):
        return BearerAuthenticator(auth)
    raise AdminApiError(None, f"Unsupported auth settings {type(auth).__name__}.")
