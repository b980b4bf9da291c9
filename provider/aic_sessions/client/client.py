"""`AdminClient`: the operations this product needs from the AM / AIC admin API.

It builds URLs and request bodies; `Transport` sends them; `models` translates the documents.
No Pulumi here: the provider, the verifier and the policy tooling all use this one client.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import SecretStr

from .auth import make_authenticator
from .errors import AuthenticationError
from .models import (
    AuthenticationSettings,
    AuthenticationSettingsPatch,
    SessionInfo,
    SessionServicePatch,
    SessionServiceSettings,
    StoredSession,
)
from .realms import realm_display, realm_path
from .settings import ConnectionSettings
from .transport import Call, Transport

AUTHN_API = "protocol=1.0,resource=1.0"
SESSION_SERVICE_API = "protocol=2.0,resource=1.0"
LOGIN_API = "resource=2.0, protocol=1.0"
SESSION_INFO_API = "resource=4.0"
SESSION_QUERY_API = "resource=5.1, protocol=1.0"
OWN_TOKEN_ACTIONS = frozenset({"getSessionInfo", "logout"})


class AdminClient:
    """One tenant, any realm. Thread-safe; share one instance per tenant."""

    def __init__(self, settings: ConnectionSettings, transport: Transport | None = None) -> None:
        self.settings = settings
        self.transport = transport or Transport(settings)
        self.transport.authenticator = make_authenticator(settings.auth, self.transport)

    def __repr__(self) -> str:
        return f"AdminClient(base_url={self.settings.base_url!r}, auth={self.settings.auth.method})"

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Realm authentication settings -----------------------------------------------------------

    def read_authentication_settings(self, realm: str) -> AuthenticationSettings:
        call = self._authn_call("Reading authentication settings", "GET", realm)
        response = self.transport.send(call)
        return AuthenticationSettings.from_api(response.json(), response.headers.get("ETag"))

    def update_authentication_settings(
        self, realm: str, patch: AuthenticationSettingsPatch
    ) -> AuthenticationSettings:
        """Partial PUT of only the attributes set in `patch` (AM leaves the others unchanged)."""
        if not patch:
            return self.read_authentication_settings(realm)
        call = self._authn_call(
            f"Updating authentication settings ({', '.join(_names(patch))})",
            "PUT",
            realm,
            json=patch.to_api(),
        )
        response = self.transport.send(call)
        return AuthenticationSettings.from_api(response.json(), response.headers.get("ETag"))

    def authentication_settings_schema(self, realm: str) -> dict[str, Any]:
        call = self._authn_call(
            "Reading the authentication settings schema",
            "POST",
            realm,
            params={"_action": "schema"},
        )
        schema: dict[str, Any] = self.transport.json(call)
        return schema

    def _authn_call(self, operation: str, method: str, realm: str, **kw: Any) -> Call:
        return Call(
            operation,
            method,
            f"/json{realm_path(realm)}/realm-config/authentication",
            realm=realm_display(realm),
            api_version=AUTHN_API,
            **kw,
        )

    # Realm Session service ---------------------------------------------------------------------

    def read_session_service(self, realm: str) -> SessionServiceSettings:
        call = self._session_service_call("Reading the Session service", "GET", realm)
        return SessionServiceSettings.from_api(self.transport.json(call))

    def update_session_service(
        self, realm: str, patch: SessionServicePatch
    ) -> SessionServiceSettings:
        call = self._session_service_call(
            "Updating the Session service", "PUT", realm, json=patch.to_api()
        )
        return SessionServiceSettings.from_api(self.transport.json(call))

    def _session_service_call(self, operation: str, method: str, realm: str, **kw: Any) -> Call:
        return Call(
            operation,
            method,
            f"/json{realm_path(realm)}/realm-config/services/session",
            realm=realm_display(realm),
            api_version=SESSION_SERVICE_API,
            **kw,
        )

    # End-user sessions -------------------------------------------------------------------------

    def authenticate_user(
        self, realm: str, username: str, password: SecretStr, journey: str | None = None
    ) -> SecretStr:
        """Log an end user in (single step, `X-OpenAM-*` headers); returns the session token."""
        params = {"authIndexType": "service", "authIndexValue": journey} if journey else None
        call = Call(
            f"Logging in user {username!r}",
            "POST",
            f"/json{realm_path(realm)}/authenticate",
            realm=realm_display(realm),
            api_version=LOGIN_API,
            params=params,
            headers={
                "X-OpenAM-Username": username,
                "X-OpenAM-Password": password.get_secret_value(),
                "Content-Type": "application/json",
            },
            json={},
            idempotent=False,
            authenticated=False,
        )
        body = self.transport.json(call)
        if not isinstance(body, dict) or not body.get("tokenId"):
            raise AuthenticationError(
                call.context(),
                "The login did not finish in one step (the journey asks for more callbacks); "
                "use a journey that accepts X-OpenAM-Username/Password.",
            )
        return SecretStr(body["tokenId"])

    def session_info(self, realm: str, token: SecretStr) -> SessionInfo:
        call = self._sessions_call(
            "Reading session information",
            realm,
            "getSessionInfo",
            {"tokenId": token.get_secret_value()},
        )
        return SessionInfo.model_validate(self.transport.json(call))

    def query_sessions(self, realm: str, username: str) -> list[StoredSession]:
        """The server-side sessions of one user in one realm (client-side ones are never listed)."""
        query = (
            f"username eq {json.dumps(username)} and realm eq {json.dumps(realm_display(realm))}"
        )
        call = Call(
            f"Querying sessions of {username!r}",
            "GET",
            f"/json{realm_path(realm)}/sessions",
            realm=realm_display(realm),
            api_version=SESSION_QUERY_API,
            params={"_queryFilter": query},
        )
        body = self.transport.json(call)
        return [StoredSession.model_validate(item) for item in body.get("result", [])]

    def logout(self, realm: str, token: SecretStr) -> None:
        call = self._sessions_call(
            "Logging out", realm, "logout", {"tokenId": token.get_secret_value()}
        )
        self.transport.send(call)

    def logout_by_handle(self, realm: str, handles: list[str]) -> None:
        call = self._sessions_call(
            "Logging out sessions", realm, "logoutByHandle", {"sessionHandles": handles}
        )
        self.transport.send(call)

    def _sessions_call(self, operation: str, realm: str, action: str, body: dict[str, Any]) -> Call:
        """Actions on the session whose token is in the body need no admin credentials (as the
        recorded getSessionInfo shows), so a test session can be logged out even when the admin
        identity is broken; the other actions are the admin's."""
        return Call(
            operation,
            "POST",
            f"/json{realm_path(realm)}/sessions/",
            realm=realm_display(realm),
            api_version=SESSION_INFO_API,
            params={"_action": action},
            json=body,
            headers={"Content-Type": "application/json"},
            authenticated=action not in OWN_TOKEN_ACTIONS,
        )


def _names(patch: AuthenticationSettingsPatch) -> list[str]:
    return [name for name in type(patch).model_fields if getattr(patch, name) is not None]
