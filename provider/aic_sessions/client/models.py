"""Typed views of AM documents, and the one pair of translations to and from the wire.

`AuthenticationSettings.from_api` parses the realm's authentication settings document (every
recorded AM and AIC response, and OpenAM 16's); `AuthenticationSettingsPatch.to_api` builds the
partial PUT body with only the attributes that are set. Sections keep unknown attributes
(`extra="allow"`).

Nothing here invents a value: a section or attribute the server did not send is `None`
(unknown), never a default. OpenAM has no `trees` section at all; a realm without the Session
service has no `SessionServiceSettings`. `unconfirmed` compares a patch with the document a
write returned, so a write the server answered 200 but did not apply is never taken as done.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from aic_sessions.domain.attributes import BY_NAME

from .values import AIC_SECRET_PLACEHOLDER as AIC_SECRET_PLACEHOLDER
from .values import ESV_REFERENCE as ESV_REFERENCE
from .values import SecretForm as SecretForm
from .values import StateManagement as StateManagement


def _wire(attribute: str) -> str:
    """The AM name of a settings attribute: its row of the attribute tables says it once."""
    return BY_NAME[attribute].wire


def _placed(attribute: str) -> tuple[str, str]:
    """The section and AM name of a settings attribute of the authentication settings."""
    return BY_NAME[attribute].section, _wire(attribute)


class _Section(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="allow", populate_by_name=True)

    def wire_value(self, attribute: str) -> Any:
        """The value of an attribute by its AM name (declared or not); None when not sent."""
        for name, field in type(self).model_fields.items():
            if field.alias == attribute:
                return getattr(self, name)
        return (self.model_extra or {}).get(attribute)


class TreesSection(_Section):
    state_management: str | None = Field(None, alias=_wire("stateManagement"))
    max_duration: int | None = Field(None, alias=_wire("maxDurationMinutes"))
    suspended_timeout: int | None = Field(None, alias=_wire("suspendedTimeoutMinutes"))
    allowlisting: bool | None = Field(None, alias=_wire("allowlisting"))
    cookie_http_only: bool | None = Field(None, alias="authenticationTreeCookieHttpOnly")


class GeneralSection(_Section):
    stateless_sessions: bool | None = Field(None, alias=_wire("clientSideSessions"))


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

    model_config = ConfigDict(defer_build=True, extra="allow", populate_by_name=True)

    trees: TreesSection | None = None
    general: GeneralSection | None = None
    security: SecuritySection | None = None
    etag: str | None = Field(None, exclude=True)

    @classmethod
    def from_api(cls, body: dict[str, Any], etag: str | None = None) -> AuthenticationSettings:
        settings = cls.model_validate(body)
        settings.etag = etag
        return settings

    @property
    def has_journey_settings(self) -> bool:
        """Whether the server has journey-session settings at all (AM 6.5+ and AIC do)."""
        return self.trees is not None


class AuthenticationSettingsPatch(BaseModel):
    """The attributes to change; unset fields are not sent and stay as they are on the tenant."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    state_management: StateManagement | None = None
    max_duration: int | None = Field(None, ge=1)
    suspended_timeout: int | None = Field(None, ge=1)
    allowlisting: bool | None = None
    stateless_sessions: bool | None = None
    shared_secret: SecretStr | None = None
    shared_secret_reference: str | None = Field(None, pattern=r"^&\{[a-z0-9][a-z0-9.-]*\}$")
    # Further attributes by section and AM name (the attribute tables' rows), sent as given.
    attributes: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def to_api(self) -> dict[str, dict[str, Any]]:
        if self.shared_secret is not None and self.shared_secret_reference is not None:
            raise ValueError("give either shared_secret or shared_secret_reference, not both")
        sections: dict[str, dict[str, Any]] = {
            section: dict(values) for section, values in self.attributes.items() if values
        }
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
        return any(getattr(self, name) is not None for name in _WIRE_NAMES) or any(
            self.attributes.values()
        )


# The typed fields' section and AM name (the secret is no row of the attribute tables).
_WIRE_NAMES: dict[str, tuple[str, str]] = {
    "state_management": _placed("stateManagement"),
    "max_duration": _placed("maxDurationMinutes"),
    "suspended_timeout": _placed("suspendedTimeoutMinutes"),
    "allowlisting": _placed("allowlisting"),
    "stateless_sessions": _placed("clientSideSessions"),
    "shared_secret": ("security", "sharedSecret"),
    "shared_secret_reference": ("security", "sharedSecret"),
}


class SessionServiceSettings(_Section):
    """The realm Session service: timeouts of authenticated server-side sessions (minutes)."""

    max_session_time: int | None = Field(None, alias=_wire("maxSessionTimeMinutes"))
    max_idle_time: int | None = Field(None, alias=_wire("maxIdleTimeMinutes"))
    quota_limit: int | None = Field(None, alias=_wire("quotaLimit"))
    max_caching_time: int | None = Field(None, alias=_wire("maxCachingTimeMinutes"))

    @classmethod
    def from_api(cls, body: dict[str, Any]) -> SessionServiceSettings:
        return cls.model_validate(body.get("dynamic") or {})


class SessionServicePatch(BaseModel):
    """Session-service attributes to change; unset ones are not sent."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    max_session_time: int | None = Field(None, ge=1)
    max_idle_time: int | None = Field(None, ge=1)
    quota_limit: int | None = Field(None, ge=1)
    # Further `dynamic` attributes by AM name (the attribute tables' rows), sent as given.
    attributes: dict[str, Any] = Field(default_factory=dict)

    def to_api(self) -> dict[str, Any]:
        dynamic = {k: v for k, v in self.attributes.items() if v is not None}
        dynamic |= {
            wire: value
            for name, wire in _SESSION_WIRE_NAMES.items()
            if (value := getattr(self, name)) is not None
        }
        return {"dynamic": dynamic}


_SESSION_WIRE_NAMES: dict[str, str] = {
    "max_session_time": _wire("maxSessionTimeMinutes"),
    "max_idle_time": _wire("maxIdleTimeMinutes"),
    "quota_limit": _wire("quotaLimit"),
}


class SessionInfo(BaseModel):
    """`getSessionInfo` of one session."""

    model_config = ConfigDict(defer_build=True, extra="allow", populate_by_name=True)

    username: str
    universal_id: str = Field(alias="universalId")
    realm: str
    max_idle_expiration_time: str | None = Field(None, alias="maxIdleExpirationTime")
    max_session_expiration_time: str | None = Field(None, alias="maxSessionExpirationTime")


class StoredSession(BaseModel):
    """One server-side session as the sessions query returns it."""

    model_config = ConfigDict(defer_build=True, extra="allow", populate_by_name=True)

    username: str
    universal_id: str = Field(alias="universalId")
    realm: str
    session_handle: str = Field(alias="sessionHandle")


def unconfirmed(
    sent: dict[str, Any], returned: Any, skip: frozenset[str] = frozenset()
) -> list[str]:
    """`section.attribute` names whose value in the document a write returned is not the one sent.

    A server may answer 200 and drop what it does not know (OpenAM drops a whole `trees`
    section), so a write counts only where the answer shows the value. `skip` names write-only
    attributes (the signing secret never reads back) that are confirmed another way.
    """
    missing = []
    for section, attributes in sent.items():
        shown = returned.get(section) if isinstance(returned, dict) else None
        for attribute, value in attributes.items():
            name = f"{section}.{attribute}"
            if name in skip:
                continue
            if not isinstance(shown, dict) or attribute not in shown or shown[attribute] != value:
                missing.append(name)
    return missing
