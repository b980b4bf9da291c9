"""`JourneySessionSettings`: where a realm keeps journey sessions, and for how long.

The seed page's "Server-side journey sessions": Trees tab, "Authentication session state
management scheme" = `CTS`, "Max duration (minutes)". Optionally the suspended-journey timeout
and allowlisting. `create` adopts the realm (records the prior values as `priorSettings`) and
writes only these attributes; `delete` puts the prior values back unless `onDelete="retain"`.
"""

from __future__ import annotations

from typing import Any, Literal

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult
from pydantic import Field, field_validator

from aic_sessions.client.models import (
    AuthenticationSettings,
    AuthenticationSettingsPatch,
    StateManagement,
)

from .base import (
    ProviderError,
    RealmInputs,
    SessionProvider,
    as_int,
    carried_prior,
    gone_on_404,
)

AIC_HOST_SUFFIXES = (".forgeblocks.com", ".forgerock.io", ".pingone.com", ".pingidentity.com")


class JourneyInputs(RealmInputs):
    stateManagement: StateManagement
    maxDurationMinutes: int = Field(ge=1, le=1440)
    suspendedTimeoutMinutes: int | None = Field(None, ge=1, le=43200)
    allowlisting: bool | None = None
    onDelete: Literal["restore", "retain"] = "restore"

    @field_validator("stateManagement")
    @classmethod
    def _supported(cls, value: StateManagement, info: Any) -> StateManagement:
        host = str(info.data.get("baseUrl", "")).split("://")[-1].split("/")[0].split(":")[0]
        if value is StateManagement.IN_MEMORY and host.endswith(AIC_HOST_SUFFIXES):
            raise ValueError("IN_MEMORY is not available on Advanced Identity Cloud tenants")
        return value

    def patch(self) -> AuthenticationSettingsPatch:
        return AuthenticationSettingsPatch(
            state_management=self.stateManagement,
            max_duration=self.maxDurationMinutes,
            suspended_timeout=self.suspendedTimeoutMinutes,
            allowlisting=self.allowlisting,
        )


NO_TREES = (
    "this server has no journey-session settings (no `trees` section in the realm's "
    "authentication settings); they need AM 6.5+ or Advanced Identity Cloud. Nothing was written."
)


def observed(settings: AuthenticationSettings, managed: dict[str, Any]) -> dict[str, Any]:
    """The realm's current values of the attributes this resource manages; None = not shown."""
    trees = settings.trees
    values = {
        "stateManagement": trees.state_management if trees else None,
        "maxDurationMinutes": trees.max_duration if trees else None,
        "suspendedTimeoutMinutes": trees.suspended_timeout if trees else None,
        "allowlisting": trees.allowlisting if trees else None,
    }
    return {k: v for k, v in values.items() if managed.get(k) is not None}


def shown(values: dict[str, Any]) -> dict[str, Any]:
    """Only the values the server showed: an unknown prior value is never recorded."""
    return {k: v for k, v in values.items() if v is not None}


class JourneySessionSettingsProvider(SessionProvider):
    inputs_model = JourneyInputs
    owned = (
        "stateManagement",
        "maxDurationMinutes",
        "suspendedTimeoutMinutes",
        "allowlisting",
        "onDelete",
    )
    hints = {
        "stateManagement": "Use 'CTS' (server-side, required by policy), 'JWT' or 'IN_MEMORY'.",
        "maxDurationMinutes": "Use whole minutes from 1 to 1440 (the default is 5).",
        "suspendedTimeoutMinutes": "Use whole minutes from 1 to 43200, or leave it unset.",
    }

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = JourneyInputs.model_validate(props)
        with self.realm(props) as client:
            before = client.read_authentication_settings(inputs.realm)
            if not before.has_journey_settings:
                raise ProviderError(f"{inputs.realm}: {NO_TREES}")
            client.update_authentication_settings(inputs.realm, inputs.patch())
        outs = {**self.public(props), "priorSettings": shown(observed(before, props))}
        return CreateResult(self.resource_id("journey", props), outs)

    @gone_on_404
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.realm(props) as client:
            current = client.read_authentication_settings(props["realm"])
        outs = {**props, **observed(current, props)}
        return ReadResult(id_, outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = JourneyInputs.model_validate(news)
        changed = {k for k in self.owned if olds.get(k) != news.get(k)}
        patch = inputs.patch().model_copy(
            update={f: None for f, prop in _PATCH_FIELDS.items() if prop not in changed}
        )
        with self.realm(news) as client:
            prior = carried_prior(
                olds,
                news,
                _PATCH_FIELDS.values(),
                lambda: shown(observed(client.read_authentication_settings(inputs.realm), news)),
            )
            if patch:
                client.update_authentication_settings(inputs.realm, patch)
        return UpdateResult({**self.public(news), "priorSettings": prior})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if props.get("onDelete", "restore") == "retain":
            return
        prior = props.get("priorSettings") or {}
        restore = {
            field: prior[prop]
            for field, prop in _PATCH_FIELDS.items()
            if prop in prior and props.get(prop) is not None
        }
        for field in ("max_duration", "suspended_timeout"):
            if field in restore:
                restore[field] = as_int(restore[field])
        # Prior values are the tenant's own: put them back as they were, without our bounds.
        patch = AuthenticationSettingsPatch.model_construct(**restore)
        if patch:
            with self.realm(props) as client:
                client.update_authentication_settings(props["realm"], patch)


_PATCH_FIELDS = {
    "state_management": "stateManagement",
    "max_duration": "maxDurationMinutes",
    "suspended_timeout": "suspendedTimeoutMinutes",
    "allowlisting": "allowlisting",
}


class JourneySessionSettings(pulumi.dynamic.Resource, module="aic", name="JourneySessionSettings"):
    """Journey-session storage and lifetime for one realm."""

    baseUrl: pulumi.Output[str]
    realm: pulumi.Output[str]
    stateManagement: pulumi.Output[str]
    maxDurationMinutes: pulumi.Output[int]
    suspendedTimeoutMinutes: pulumi.Output[int | None]
    allowlisting: pulumi.Output[bool | None]
    onDelete: pulumi.Output[str]
    priorSettings: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        state_management: pulumi.Input[str] = "CTS",
        max_duration_minutes: pulumi.Input[int] = 5,
        suspended_timeout_minutes: pulumi.Input[int] | None = None,
        allowlisting: pulumi.Input[bool] | None = None,
        on_delete: pulumi.Input[str] = "restore",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "baseUrl": base_url,
            "realm": realm,
            "stateManagement": state_management,
            "maxDurationMinutes": max_duration_minutes,
            "suspendedTimeoutMinutes": suspended_timeout_minutes,
            "allowlisting": allowlisting,
            "onDelete": on_delete,
            "priorSettings": None,
        }
        super().__init__(JourneySessionSettingsProvider(), resource_name, props, opts)
