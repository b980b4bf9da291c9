"""The in-memory domain: one method per API operation, each under the store lock.

`Store` composes the config operations below with the OAuth2/admin-auth operations
(`oauth.py`) and the journey/session operations (`sessions.py`). Methods raise the wire
errors of `errors.py`; the routes only translate HTTP to calls and results to JSON.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from typing import Any, cast

from aic_emulator import defaults
from aic_emulator.documents import (
    apply_partial,
    attribute_sections,
    flatten,
    json_schema,
    merge_typed,
    validate_partial,
)
from aic_emulator.errors import BadRequest, Conflict, NotAvailableInCloud, NotFound
from aic_emulator.esv import EsvOps
from aic_emulator.oauth import OAuthOps, generate_rsa_jwk
from aic_emulator.sessions import SessionOps
from aic_emulator.state import (
    AIC_REALMS,
    DEFAULT_ADMIN,
    DEFAULT_SA_SCOPES,
    StoreBase,
    new_realm,
    seed_state,
)


class ConfigOps(StoreBase):
    """Realm and global authentication settings, Session service, users."""

    def realm(self, name: str) -> dict[str, Any]:
        realm: dict[str, Any] | None = self.state["realms"].get(name)
        if realm is None:
            raise NotFound(f'Realm "{name}" not found')
        return realm

    def _config_realm(self, name: str) -> dict[str, Any]:
        realm = self.realm(name)
        if self.flavour == "aic" and name == "/":
            raise NotAvailableInCloud()
        return realm

    def get_realm_authentication(self, name: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._config_realm(name)["authentication"])

    def put_realm_authentication(self, name: str, body: Any) -> dict[str, Any]:
        with self.lock:
            realm = self._config_realm(name)
            doc = realm["authentication"]
            sections = attribute_sections(doc)
            flat = flatten(body, set(doc))
            validate_partial(flat, sections, defaults.ATTRIBUTE_TYPES)
            secret = flat.pop("sharedSecret", None)
            apply_partial(doc, flat, sections)
            if secret is not None:
                self._set_secret(realm, secret)
            return copy.deepcopy(doc)

    def _set_secret(self, realm: dict[str, Any], secret: str | dict[str, str]) -> None:
        """Store the signing secret; the document only ever shows its placeholder.

        `{"$string": "&{am.authentication.shared.secret}"}` (what AIC's GET shows) points back
        at the tenant-generated secret, so writing the placeholder back replaces a literal
        secret, as a property expression does on AIC. Another `&{esv.x}` reference uses the
        reference text as key material (the emulator has no ESV store).
        """
        if isinstance(secret, dict):
            reference = secret["$string"]
            if reference == defaults.AIC_DEFAULT_SECRET_REF:
                realm["secret"], realm["secretRef"] = realm["tenantSecret"], None
            elif reference != realm.get("secretRef"):
                realm["secret"], realm["secretRef"] = reference, reference
        else:
            realm["secret"], realm["secretRef"] = secret, None
        shown = None
        if self.flavour == "aic":
            shown = {"$string": realm["secretRef"] or defaults.AIC_DEFAULT_SECRET_REF}
        realm["authentication"]["security"]["sharedSecret"] = shown

    def realm_authentication_schema(self, name: str) -> dict[str, Any]:
        with self.lock:
            doc = self._config_realm(name)["authentication"]
            return json_schema(doc, defaults.ATTRIBUTE_TYPES)

    def get_global_authentication(self) -> dict[str, Any]:
        with self.lock:
            self._global_available()
            return copy.deepcopy(self.state["global"])

    def put_global_authentication(self, body: Any) -> dict[str, Any]:
        with self.lock:
            self._global_available()
            candidate = copy.deepcopy(self.state["global"])
            merge_typed(candidate, body)
            self.state["global"] = candidate
            return copy.deepcopy(candidate)

    def _global_available(self) -> None:
        if self.flavour == "aic":
            raise NotAvailableInCloud()

    def get_session_service(self, name: str) -> dict[str, Any]:
        with self.lock:
            return copy.deepcopy(self._session_service(name))

    def put_session_service(self, name: str, body: Any, if_match: bool) -> dict[str, Any]:
        """Partial PUT. On a realm without the service it adds it: with `If-Match` from the
        defaults, without it the attributes not sent are null (observed on OpenAM 16)."""
        with self.lock:
            realm = self._config_realm(name)
            flat = self._session_attributes(body)
            if realm["sessionService"] is None:
                doc = defaults.session_service()
                if not if_match:
                    doc["dynamic"] = dict.fromkeys(doc["dynamic"])
                realm["sessionService"] = doc
            doc = realm["sessionService"]
            apply_partial(doc, flat, attribute_sections(doc))
            return copy.deepcopy(doc)

    def add_session_service(self, name: str, body: Any) -> dict[str, Any]:
        """`_action=create`: 409 when the realm has the service already."""
        with self.lock:
            realm = self._config_realm(name)
            if realm["sessionService"] is not None:
                raise Conflict("Service already exists")
            flat = self._session_attributes(body)
            doc = defaults.session_service()
            apply_partial(doc, flat, attribute_sections(doc))
            realm["sessionService"] = doc
            return copy.deepcopy(doc)

    def remove_session_service(self, name: str) -> None:
        with self.lock:
            self._session_service(name)
            self._config_realm(name)["sessionService"] = None

    def _session_service(self, name: str) -> dict[str, Any]:
        doc = self._config_realm(name)["sessionService"]
        if doc is None:
            raise NotFound("Not Found")
        return cast(dict[str, Any], doc)

    @staticmethod
    def _session_attributes(body: Any) -> dict[str, Any]:
        template = defaults.session_service()
        flat = flatten(body, {"dynamic"})
        validate_partial(flat, attribute_sections(template), defaults.SESSION_ATTRIBUTE_TYPES)
        return flat

    def secret_digest(self, name: str) -> str:
        """sha256 of the secret text in effect (a literal, or the loaded ESV value), for tests."""
        with self.lock:
            value = self.signing_secret_in_effect(name) or ""  # type: ignore[attr-defined]
            return hashlib.sha256(str(value).encode()).hexdigest()

    def add_user(self, realm: str, username: str, password: str) -> None:
        if not username or not isinstance(password, str):
            raise BadRequest("username and password are required")
        with self.lock:
            self.realm(realm)["users"][username] = password

    def add_realm(self, name: str) -> None:
        with self.lock:
            self.state["realms"].setdefault(name, new_realm(self.flavour, name))


class Store(ConfigOps, OAuthOps, SessionOps, EsvOps):
    """The emulated service. `Store.seeded(...)` builds the seeded state of a flavour."""

    @classmethod
    def seeded(
        cls,
        flavour: str = "aic",
        realms: list[str] | None = None,
        admin: tuple[str, str] = DEFAULT_ADMIN,
    ) -> tuple[Store, dict[str, Any]]:
        """A seeded store and the private JWK of its seeded service account."""
        if flavour not in ("aic", "am"):
            raise ValueError(f"unknown flavour {flavour!r} (expected 'aic' or 'am')")
        names = list(AIC_REALMS) if flavour == "aic" else list(realms or ["alpha"])
        store = cls(seed_state(flavour, names, admin))
        _, private = store.add_service_account(None, DEFAULT_SA_SCOPES, None)
        assert private is not None  # generated: no public JWK was given
        return store, private

    def replace_state(self, other: Store) -> None:
        with self.lock:
            self.state = other.state

    def add_service_account(
        self, sa_id: str | None, scopes: list[str] | None, public_jwk: dict[str, Any] | None
    ) -> tuple[str, dict[str, Any] | None]:
        """Register a service account; generate a key pair if no public JWK is given."""
        private = None
        if public_jwk is None:
            private, public_jwk = generate_rsa_jwk()
        account_id = sa_id or str(uuid.uuid4())
        with self.lock:
            self.state["serviceAccounts"][account_id] = {
                "scopes": list(scopes if scopes is not None else DEFAULT_SA_SCOPES),
                "publicJwk": public_jwk,
            }
        return account_id, private
