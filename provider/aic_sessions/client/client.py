"""`AdminClient`: the operations this product needs from the AM / AIC admin API.

It builds URLs and request bodies; `Transport` sends them; `models` translates the documents.
No Pulumi here: the provider, the verifier and the policy tooling all use this one client.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from .auth import AdminAuthenticator, make_authenticator, server_cookie_name
from .dialects import Dialect, Negotiator
from .errors import (
    AdminApiError,
    AuthenticationError,
    NotFoundError,
    RequestContext,
    UnexpectedAnswerError,
    UserLoginRefusedError,
    WriteNotAppliedError,
)
from .models import (
    AuthenticationSettings,
    AuthenticationSettingsPatch,
    SessionInfo,
    SessionServicePatch,
    SessionServiceSettings,
    StoredSession,
    unconfirmed,
)
from .read_cache import DeploymentReadCache, Key, NoReadCache
from .realms import realm_display, realm_path
from .settings import ConnectionSettings
from .transport import Call, Transport

AUTHN_API = "protocol=1.0,resource=1.0"
SESSION_SERVICE_API = "protocol=2.0,resource=1.0"
LOGIN_API = "resource=2.0, protocol=1.0"
WRITE_ONLY = frozenset({"security.sharedSecret"})  # never reads back; see SigningSecret
# Seconds for ending the admin sessions at `close()`, no call retried (but a 429): nothing
# waits on the answer, and a provider process has 5 s to exit after the engine's interrupt.
LOGOUT_SECONDS = 3.0
log = logging.getLogger(__name__)


class AdminClient:
    """One tenant, any realm. Thread-safe; share one instance per tenant.

    With `reads` (the provider's `DeploymentReadCache`), a realm's authentication document and
    Session service are fetched at most once: later reads get the first answer or the document
    our latest write returned. Without it, every read goes to the server.
    """

    def __init__(
        self,
        settings: ConnectionSettings,
        transport: Transport | None = None,
        reads: DeploymentReadCache | None = None,
    ) -> None:
        self.settings = settings
        self.transport = transport or Transport(settings)
        self.transport.authenticator = make_authenticator(settings.auth, self.transport)
        self.dialects = Negotiator()
        self.reads = reads if reads is not None else NoReadCache()
        self._cookie_name: str | None = None

    def __repr__(self) -> str:
        return f"AdminClient(base_url={self.settings.base_url!r}, auth={self.settings.auth.method})"

    def close(self, seconds: float = LOGOUT_SECONDS) -> None:
        """End the admin sessions this client opened (within `seconds`), then its connections."""
        try:
            self._end_admin_sessions(seconds)
        finally:
            self.transport.close()

    def _end_admin_sessions(self, seconds: float) -> None:
        """Log out the admin sessions (AM keeps them until they idle out otherwise); best effort."""
        authenticator = self.transport.authenticator
        if not isinstance(authenticator, AdminAuthenticator):
            return
        tokens = authenticator.release()
        if not tokens or seconds <= 0:
            return
        with self.transport.within(seconds):
            for token in tokens:
                try:
                    self._own_token_action(
                        "Ending the admin session", authenticator.realm, "logout", token, once=True
                    )
                except AdminApiError as exc:  # its text names no token: sent values are redacted
                    log.info("Could not end an admin session (it idles out on its own): %s", exc)

    def __enter__(self) -> AdminClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # Realm authentication settings -----------------------------------------------------------

    def read_authentication_settings(self, realm: str) -> AuthenticationSettings:
        document = self.reads.fetch(
            self._key(realm, "authentication"), lambda: self._load_authentication(realm)
        )
        return AuthenticationSettings.from_api(document.body(), document.etag)

    def read_authentication_settings_fresh(self, realm: str) -> AuthenticationSettings:
        """From the server, past the deployment's read cache and without filling it."""
        document = self._load_authentication(realm)
        return AuthenticationSettings.from_api(document.body(), document.etag)

    def _load_authentication(self, realm: str) -> _Document:
        call = self._authn_call("Reading authentication settings", "GET", realm)
        response = self.transport.send(call)
        return _Document.of(response.json(), response.headers.get("ETag"))

    def update_authentication_settings(
        self, realm: str, patch: AuthenticationSettingsPatch
    ) -> AuthenticationSettings:
        """Partial PUT of only the attributes set in `patch` (AM leaves the others unchanged)."""
        if not patch:
            return self.read_authentication_settings(realm)
        sent = patch.to_api()
        call = self._authn_call(
            f"Updating authentication settings ({', '.join(_names(patch))})",
            "PUT",
            realm,
            json=sent,
        )
        key = self._key(realm, "authentication")
        with self._written(key):
            response = self.transport.send(call)
            answer = _Document.of(response.json(), response.headers.get("ETag"))
            skip = WRITE_ONLY if patch.shared_secret is not None else frozenset()
            document = _confirm(call, sent, answer, lambda: self._load_authentication(realm), skip)
        self.reads.store(key, document)
        return AuthenticationSettings.from_api(document.body(), document.etag)

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

    def read_session_service(self, realm: str) -> SessionServiceSettings | None:
        """The realm's Session service, or None where the realm has not added it (AM: 404)."""

        document = self.reads.fetch(
            self._key(realm, "session-service"), lambda: self._load_session_service(realm)
        )
        return None if document is None else SessionServiceSettings.from_api(document.body())

    def _load_session_service(self, realm: str) -> _Document | None:
        call = self._session_service_call("Reading the Session service", "GET", realm)
        try:
            return _Document.of(self.transport.json(call))
        except NotFoundError as exc:
            if not _service_missing(exc):
                raise
            return None

    def update_session_service(
        self, realm: str, patch: SessionServicePatch
    ) -> SessionServiceSettings:
        """Partial PUT of an existing service (`If-Match: *`: on AM a PUT without it nulls the
        attributes not sent when the service is absent)."""
        sent = patch.to_api()
        call = self._session_service_call(
            "Updating the Session service", "PUT", realm, json=sent, headers={"If-Match": "*"}
        )
        return self._write_session_service(realm, call, sent)

    def add_session_service(self, realm: str, patch: SessionServicePatch) -> SessionServiceSettings:
        """Add the Session service to a realm that lacks it; unsent attributes get AM's defaults."""
        sent = patch.to_api()
        call = self._session_service_call(
            "Adding the Session service",
            "POST",
            realm,
            params={"_action": "create"},
            json=sent,
            idempotent=False,
        )
        return self._write_session_service(realm, call, sent)

    def _write_session_service(
        self, realm: str, call: Call, sent: dict[str, Any]
    ) -> SessionServiceSettings:
        key = self._key(realm, "session-service")
        with self._written(key):
            answer = _Document.of(self.transport.json(call))
            document = _confirm(call, sent, answer, lambda: self._load_session_service(realm))
        self.reads.store(key, document)
        return SessionServiceSettings.from_api(document.body())

    def remove_session_service(self, realm: str) -> bool:
        """Remove the realm's Session service (back to the global values), confirmed by a read:
        True when the realm no longer has it. OpenAM 16 answers the DELETE with success and
        keeps the service (observed): then False, never a silent success."""
        call = self._session_service_call(
            "Removing the Session service", "DELETE", realm, headers={"If-Match": "*"}
        )
        try:
            self.transport.send(call)
        except NotFoundError as exc:
            if not _service_missing(exc):
                raise
        finally:
            self.reads.forget(self._key(realm, "session-service"))
        return self.read_session_service(realm) is None

    def reset_session_service(self, realm: str) -> SessionServiceSettings:
        """Write every attribute of the values a realm without its own Session service gets
        (`_action=template`) into the realm's service, confirmed by the answer.

        For a server that keeps the service after a DELETE (OpenAM 16, observed): a PUT of some
        attributes into the kept service nulls the others (`maxCachingTime: null`, observed), so
        the whole template is written, not only the attributes this product manages.
        """
        call = self._session_service_call(
            "Reading the Session service defaults", "POST", realm, params={"_action": "template"}
        )
        body = self.transport.json(call)
        dynamic = body.get("dynamic") if isinstance(body, dict) else None
        if not isinstance(dynamic, dict) or not dynamic:
            raise UnexpectedAnswerError(call.context(), "The template has no dynamic attributes.")
        sent = {"dynamic": dynamic}
        call = self._session_service_call(
            "Resetting the Session service to its defaults",
            "PUT",
            realm,
            json=sent,
            headers={"If-Match": "*"},
        )
        return self._write_session_service(realm, call, sent)

    def _session_service_call(self, operation: str, method: str, realm: str, **kw: Any) -> Call:
        return Call(
            operation,
            method,
            f"/json{realm_path(realm)}/realm-config/services/session",
            realm=realm_display(realm),
            api_version=SESSION_SERVICE_API,
            **kw,
        )

    # What this deployment has seen -----------------------------------------------------------

    def _key(self, realm: str, document: str) -> Key:
        return (self.settings.base_url, realm_display(realm), document)

    @contextmanager
    def _written(self, key: Key) -> Iterator[None]:
        """A write that fails (or is not confirmed) leaves the document unknown: forget it."""
        try:
            yield
        except BaseException:
            self.reads.forget(key)
            raise

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
        try:
            body = self.transport.json(call)
        except AuthenticationError as exc:  # the user's credentials, not the admin identity's
            raise UserLoginRefusedError(
                exc.context, exc.detail, status=exc.status, am_message=exc.am_message
            ) from None
        if not isinstance(body, dict) or not body.get("tokenId"):
            raise UserLoginRefusedError(
                call.context(),
                "The login did not finish in one step (the journey asks for more callbacks); "
                "use a journey that accepts X-OpenAM-Username/Password.",
            )
        return SecretStr(body["tokenId"])

    def start_journey(self, realm: str) -> str | None:
        """Start the realm's default journey without credentials; its `authId` (a JWT signed with
        the realm's signing secret), or None when the first answer carries none."""
        call = Call(
            "Starting a login journey",
            "POST",
            f"/json{realm_path(realm)}/authenticate",
            realm=realm_display(realm),
            api_version=LOGIN_API,
            headers={"Content-Type": "application/json"},
            json={},
            authenticated=False,
        )
        body = self.transport.json(call)
        auth_id = body.get("authId") if isinstance(body, dict) else None
        return str(auth_id) if auth_id else None

    def session_info(self, realm: str, token: SecretStr, username: str) -> SessionInfo:
        """The session of `token`, which must belong to `username`.

        Sent without the admin's credentials, with the token where the negotiated API version
        reads it; an answer about anyone else (OpenAM answers for the caller's own cookie when
        it ignores a token) is an error, never taken as the user's session.
        """
        body = self._own_token_action("Reading session information", realm, "getSessionInfo", token)
        if not isinstance(body, dict) or body.get("valid") is False:
            raise NotFoundError(
                self._sessions_context("Reading session information", realm),
                "The server says the session is not valid (logged out or expired).",
            )
        info = SessionInfo.model_validate(body)
        if info.username.lower() != username.lower():
            raise UnexpectedAnswerError(
                self._sessions_context("Reading session information", realm),
                f"The answer describes the session of {info.username!r}, not of {username!r}.",
            )
        return info

    def query_sessions(self, realm: str, username: str) -> list[StoredSession]:
        """The server-side sessions of one user in one realm (client-side ones are never listed)."""
        query = (
            f"username eq {json.dumps(username)} and realm eq {json.dumps(realm_display(realm))}"
        )

        def send(dialect: Dialect) -> Any:
            return self.transport.json(
                Call(
                    f"Querying sessions of {username!r}",
                    "GET",
                    f"/json{realm_path(realm)}/sessions",
                    realm=realm_display(realm),
                    api_version=dialect.version,
                    params={"_queryFilter": query},
                )
            )

        body = self.dialects.call("session-query", send)
        return [StoredSession.model_validate(item) for item in body.get("result", [])]

    def logout(self, realm: str, token: SecretStr) -> None:
        self._own_token_action("Logging out", realm, "logout", token)

    def logout_by_handle(self, realm: str, handles: list[str]) -> None:
        def send(dialect: Dialect) -> Any:
            return self.transport.send(
                self._sessions_call(
                    "Logging out sessions",
                    realm,
                    dialect,
                    "logoutByHandle",
                    json={"sessionHandles": handles},
                )
            )

        self.dialects.call("session-actions", send)

    def _own_token_action(
        self, operation: str, realm: str, action: str, token: SecretStr, once: bool = False
    ) -> Any:
        """An action on the session of `token`, as that session: no admin credentials are sent
        (the recorded AM traffic does the same), so cleanup works with a broken admin identity.
        `once`: no retries (each call is sent once)."""

        def send(dialect: Dialect) -> Any:
            # The token is the subject (body, read by 4.0) and the caller (the cookie-named
            # header, read by 2.0 and required by OpenAM before any version routing): the user
            # asks about its own session. Never the admin's credentials.
            secret = token.get_secret_value()
            body = {"tokenId": secret} if dialect.token_in_body else {}
            call = self._sessions_call(
                operation,
                realm,
                dialect,
                action,
                json=body,
                headers={self.cookie_name(): secret},
                authenticated=False,
                idempotent=not once,
            )
            return self.transport.json(call)

        return self.dialects.call("session-actions", send)

    def cookie_name(self) -> str:
        """The session cookie's name (`serverinfo/*`), which older APIs also read as a header."""
        if self._cookie_name is None:
            auth = self.transport.authenticator
            known = auth.cookie_name if isinstance(auth, AdminAuthenticator) else None
            self._cookie_name = known() if known else server_cookie_name(self.transport)
        return self._cookie_name

    def _sessions_call(
        self,
        operation: str,
        realm: str,
        dialect: Dialect,
        action: str,
        *,
        json: dict[str, Any],
        headers: dict[str, str] | None = None,
        authenticated: bool = True,
        idempotent: bool = True,
    ) -> Call:
        return Call(
            operation,
            "POST",
            f"/json{realm_path(realm)}/sessions/",
            realm=realm_display(realm),
            api_version=dialect.version,
            params={"_action": action},
            json=json,
            headers={"Content-Type": "application/json", **(headers or {})},
            authenticated=authenticated,
            idempotent=idempotent,
        )

    @staticmethod
    def _sessions_context(operation: str, realm: str) -> RequestContext:
        return RequestContext(
            operation, "POST", f"/json{realm_path(realm)}/sessions/", realm_display(realm)
        )


@dataclass(frozen=True)
class _Document:
    """A document as the server sent it (JSON text, so every reader parses its own copy)."""

    text: str
    etag: str | None = None

    @classmethod
    def of(cls, body: Any, etag: str | None = None) -> _Document:
        return cls(json.dumps(body), etag)

    def body(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.text)
        return parsed


def _confirm(
    call: Call,
    sent: dict[str, Any],
    answer: _Document,
    read_again: Callable[[], _Document | None],
    skip: frozenset[str] = frozenset(),
) -> _Document:
    """The document that shows a write: the server's answer, or, where the answer still shows
    other values, one fresh read (the real OpenAM 16 once answered a PUT with the document as it
    was before; observed). A write neither shows is not counted: WriteNotAppliedError."""
    if not unconfirmed(sent, answer.body(), skip):
        return answer
    fresh = read_again()
    missing = unconfirmed(sent, fresh.body() if fresh is not None else {}, skip)
    if fresh is not None and not missing:
        log.info("%s: the answer showed other values; a fresh read shows the write", call.operation)
        return fresh
    raise WriteNotAppliedError(
        call.context(),
        "The server answered success but neither its answer nor a fresh read shows "
        f"{', '.join(missing)} as sent.",
    )


def _service_missing(exc: NotFoundError) -> bool:
    """A realm without the service answers a plain `Not Found` (observed on OpenAM 16); an
    unknown realm names the realm, and an unrouted version names the resource."""
    return exc.am_message == "Not Found"


def _names(patch: AuthenticationSettingsPatch) -> list[str]:
    """The attributes a patch sets: the client's field names, then the others' AM names."""
    typed = [
        name
        for name in type(patch).model_fields
        if name != "attributes" and getattr(patch, name) is not None
    ]
    return typed + [name for values in patch.attributes.values() for name in values]
