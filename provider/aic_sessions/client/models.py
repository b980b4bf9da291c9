"""Typed views of AM documents, and the one pair of translations to and from the wire.

`AuthenticationSettings.from_api` parses the realm's authentication settings document (every
recorded AM and AIC response); `AuthenticationSettingsPatch.to_api` builds the partial PUT body
with only the attributes that are set. Sections keep unknown attributes (`extra="allow"`).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

AIC_SECRET_PLACEHOLDER = "&{am.authentication.shared.secret}"  # noqa: S105 (a placeholder)
ESV_REFERENCE = re.compile(r"^&\{esv\.[a-z0-9][a-z0-9.-]*\}$")


class StateManagement(StrEnum):
    """Where journey (authentication) sessions are kept."""

    CTS = "CTS"  # server-side
    JWT = "JWT"  # client-side
    IN_MEMORY = "IN_MEMORY"  # server-side, one AM instance (self-managed AM only)


class SecretForm(StrEnum):
    """What a GET shows of `security.sharedSecret` (the value itself is never returned)."""

    HIDDEN = "hidden"  # AM: null
    TENANT_GENERATED = "tenant-generated"  # AIC placeholder
    ESV_REFERENCE = "esv-reference"  # {"$string": "&{esv.<name>}"}
    LITERAL = "literal"  # should not happen: a server that echoes secrets


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class TreesSection(_Section):
    state_management: str = Field("JWT", alias="authenticationSessionsStateManagement")
    max_duration: int = Field(5, alias="authenticationSessionsMaxDuration")
    suspended_timeout: int = Field(5, alias="suspendedAuthenticationTimeout")
    allowlisting: bool = Field(False, alias="authenticationSessionsWhitelist")
    cookie_http_only: bool = Field(True, alias="authenticationTreeCookieHttpOnly")


class GeneralSection(_Section):
    stateless_sessions: bool = Field(False, alias="statelessSessionsEnabled")


class SecuritySection(_Section):
    shared_secret: Any = Field(None, alias="sharedSecret")

    def secret_form(self) -> tuple[SecretForm, str | None]:
        """The secret's visible form, and the ESV reference when there is one."""
        value = self.shared_secret
        if isinstance(value, dict):
            value = value.get("$string")
        if value is None:
            return SecretForm.HIDDEN, None
        if value == AIC_SECRET_PLACEHOLDER:
            return SecretForm.TENANT_GENERATED, None
        if isinstance(value, str) and ESV_REFERENCE.match(value):
            return SecretForm.ESV_REFERENCE, value
        return SecretForm.LITERAL, None


class AuthenticationSettings(BaseModel):
    """A realm's authentication settings as read, with the document's ETag."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    trees: TreesSection = TreesSection()
    general: GeneralSection = GeneralSection()
    security: SecuritySection = SecuritySection()
    etag: str | None = Field(None, exclude=True)

    @classmethod
    def from_api(cls, body: dict[str, Any], etag: str | None = None) -> AuthenticationSettings:
        settings = cls.model_validate(body)
        settings.etag = etag
        return settings


class AuthenticationSettingsPatch(BaseModel):
    """The attributes to change; unset fields are not sent and stay as they are on the tenant."""

    model_config = ConfigDict(extra="forbid")

    state_management: StateManagement | None = None
    max_duration: int | None = Field(None, ge=1)
    suspended_timeout: int | None = Field(None, ge=1)
    allowlisting: bool | None = None
    stateless_sessions: bool | None = None
    shared_secret: SecretStr | None = None
    shared_secret_reference: str | None = Field(None, pattern=r"^&\{[a-z0-9][a-z0-9.-]*\}$")

    def to_api(self) -> dict[str, dict[str, Any]]:
        if self.shared_secret is not None and self.shared_secret_reference is not None:
            raise ValueError("give either shared_secret or shared_secret_reference, not both")
        sections: dict[str, dict[str, Any]] = {}
        for name, (section, attribute) in _WIRE_NAMES.items():
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, SecretStr):
                value = value.get_secret_value()
            elif isinstance(value, StateManagement):
                value = value.value
            elif name == "shared_secret_reference":
                value = {"$string": value}
            sections.setdefault(section, {})[attribute] = value
        return sections

    def __bool__(self) -> bool:
        return any(getattr(self, name) is not None for name in _WIRE_NAMES)


_WIRE_NAMES: dict[str, tuple[str, str]] = {
    "state_management": ("trees", "authenticationSessionsStateManagement"),
    "max_duration": ("trees", "authenticationSessionsMaxDuration"),
    "suspended_timeout": ("trees", "suspendedAuthenticationTimeout"),
    "allowlisting": ("trees", "authenticationSessionsWhitelist"),
    "stateless_sessions": ("general", "statelessSessionsEnabled"),
    "shared_secret": ("security", "sharedSecret"),
    "shared_secret_reference": ("security", "sharedSecret"),
}


class SessionServiceSettings(BaseModel):
    """The realm Session service: timeouts of authenticated server-side sessions (minutes)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    max_session_time: int = Field(120, alias="maxSessionTime")
    max_idle_time: int = Field(30, alias="maxIdleTime")

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> SessionServiceSettings:
        return cls.model_validate(body.get("dynamic") or {})


class SessionServicePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_session_time: int | None = Field(None, ge=1)
    max_idle_time: int | None = Field(None, ge=1)

    def to_api(self) -> dict[str, Any]:
        dynamic = {
            wire: value
            for name, wire in (
                ("max_session_time", "maxSessionTime"),
                ("max_idle_time", "maxIdleTime"),
            )
            if (value := getattr(self, name)) is not None
        }
        return {"dynamic": dynamic}


class SessionInfo(BaseModel):
    """`getSessionInfo` of one session."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    username: str
    universal_id: str = Field(alias="universalId")
    realm: str
    max_idle_expiration_time: str | None = Field(None, alias="maxIdleExpirationTime")
    max_session_expiration_time: str | None = Field(None, alias="maxSessionExpirationTime")


class StoredSession(BaseModel):
    """One server-side session as the sessions query returns it."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    username: str
    universal_id: str = Field(alias="universalId")
    realm: str
    session_handle: str = Field(alias="sessionHandle")
