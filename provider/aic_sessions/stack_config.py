"""The typed stack configuration: environment, tenant and per-realm settings, with clear errors.

    aic-sessions:environment: staging
    aic-sessions:baseUrl: https://openam-acme-staging.forgeblocks.com/am
    aic-sessions:realms:
      - name: alpha
        journey: {stateManagement: CTS, maxDurationMinutes: 5}
        authenticated: {clientSideSessions: false, maxSessionTimeMinutes: 120}
        signingSecret: {source: given}          # value in aic-sessions:signingSecrets (secret)
      - name: bravo
        signingSecret: {source: esv, esvReference: esv-bravo-signing-secret}

Every section has the seed page's defaults (CTS, 5 minutes, server-side sessions, a generated
secret). Secret values live in the secret object `aic-sessions:signingSecrets` (realm -> base64).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aic_sessions.client.models import StateManagement
from aic_sessions.client.realms import realm_segments


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class JourneyConfig(_Strict):
    stateManagement: StateManagement = StateManagement.CTS
    maxDurationMinutes: int = Field(5, ge=1, le=1440)
    suspendedTimeoutMinutes: int | None = Field(None, ge=1, le=43200)
    allowlisting: bool | None = None


class AuthenticatedConfig(_Strict):
    clientSideSessions: bool = False
    maxSessionTimeMinutes: int | None = Field(None, ge=1, le=525600)
    maxIdleTimeMinutes: int | None = Field(None, ge=1, le=525600)


class SigningSecretConfig(_Strict):
    source: Literal["generated", "given", "esv"] = "generated"
    esvReference: str | None = None
    rotationTrigger: str | None = None

    @model_validator(mode="after")
    def _esv_needs_reference(self) -> SigningSecretConfig:
        if (self.source == "esv") != (self.esvReference is not None):
            raise ValueError("esvReference is required with source 'esv' and only allowed with it")
        return self


class RealmConfig(_Strict):
    name: str
    journey: JourneyConfig = JourneyConfig()
    authenticated: AuthenticatedConfig = AuthenticatedConfig()
    signingSecret: SigningSecretConfig = SigningSecretConfig()
    onDelete: Literal["restore", "retain"] = "restore"

    @field_validator("name")
    @classmethod
    def _valid_realm(cls, value: str) -> str:
        realm_segments(value)
        return value


class StackConfig(_Strict):
    environment: str = Field(pattern=r"^[a-z][a-z0-9-]{0,30}$")
    baseUrl: str = Field(pattern=r"^https?://\S+/am$")
    realms: list[RealmConfig] = Field(min_length=1)

    @field_validator("realms")
    @classmethod
    def _unique(cls, realms: list[RealmConfig]) -> list[RealmConfig]:
        names = [r.name.strip("/") for r in realms]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"realm(s) listed twice: {', '.join(duplicates)}")
        return realms


class StackConfigError(ValueError):
    """The stack configuration is invalid; the message names each key and the fix."""


def load_stack_config(values: dict[str, Any]) -> StackConfig:
    try:
        return StackConfig.model_validate(values)
    except ValidationError as exc:
        lines = [
            f"  aic-sessions:{_path(err['loc'])}: {err['msg']}"
            for err in exc.errors(include_url=False, include_input=False)
        ]
        raise StackConfigError(
            "Invalid stack configuration:\n"
            + "\n".join(lines)
            + "\nFix stacks/Pulumi.<stack>.yaml."
        ) from None


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
