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
    from_baseline,
    gone_on_404,
)
from .naming import OnDelete, SnakeCaseProperties, StateManagementName

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
        prior = from_baseline(props, _PATCH_FIELDS.values())
        with self.realm(props) as client:
            if prior is None:
                before = client.read_authentication_settings(inputs.realm)
                has_trees = before.has_journey_settings
                prior = shown(observed(before, props))
            else:
                has_trees = "stateManagement" in props["baseline"]
            if not has_trees:
                raise ProviderError(f"{inputs.realm}: {NO_TREES}")
            client.update_authentication_settings(inputs.realm, inputs.patch())
        outs = {**self.public(props), "priorSettings": prior}
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


class JourneySessionSettings(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="JourneySessionSettings"
):
    """Journey-session storage and lifetime for one realm (the Trees tab).

    `create` adopts the realm: it records the current values of the attributes this resource
    manages (`prior_settings`) and writes only those. Changing `base_url` or `realm` replaces
    the resource. Attributes are snake_case; state and policies use camelCase.
    """

    base_url: pulumi.Output[str]
    realm: pulumi.Output[str]
    state_management: pulumi.Output[StateManagementName]
    max_duration_minutes: pulumi.Output[int]
    suspended_timeout_minutes: pulumi.Output[int | None]
    allowlisting: pulumi.Output[bool | None]
    on_delete: pulumi.Output[OnDelete]
    prior_settings: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        state_management: pulumi.Input[StateManagementName] = "CTS",
        max_duration_minutes: pulumi.Input[int] = 5,
        suspended_timeout_minutes: pulumi.Input[int] | None = None,
        allowlisting: pulumi.Input[bool] | None = None,
        on_delete: pulumi.Input[OnDelete] = "restore",
        baseline: pulumi.Input[dict[str, Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the journey-session settings of one realm.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL, e.g. `https://tenant.forgeblocks.com/am`.
            Changing it replaces the resource.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`). Changing it replaces
            the resource.
        :param state_management: Where journey sessions live: `CTS` (server-side, the
            default), `JWT` (client-side) or `IN_MEMORY` (self-managed AM only).
        :param max_duration_minutes: Maximum journey duration, 1 to 1440 minutes (default 5).
        :param suspended_timeout_minutes: Suspended-journey timeout, 1 to 43200 minutes;
            `None` leaves the realm's value unmanaged.
        :param allowlisting: Journey-session allowlisting; `None` leaves it unmanaged.
        :param on_delete: `restore` (default): `pulumi destroy` writes the prior values
            back; `retain`: the realm keeps the managed values.
        :param baseline: The realm's `RealmBaseline.observed`: prior values are taken from it
            (recorded before any write) instead of being read at create.
        :param opts: Pulumi resource options.
        """
        props = {
            "base_url": base_url,
            "realm": realm,
            "state_management": state_management,
            "max_duration_minutes": max_duration_minutes,
            "suspended_timeout_minutes": suspended_timeout_minutes,
            "allowlisting": allowlisting,
            "on_delete": on_delete,
            "prior_settings": None,
            "baseline": baseline,
        }
        super().__init__(JourneySessionSettingsProvider(), resource_name, props, opts)
