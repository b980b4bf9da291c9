"""`JourneySessionSettings`: where a realm keeps journey sessions, and for how long.

Ping's guide, "Server-side journey sessions": Trees tab, "Authentication session state
management scheme" = `CTS`, "Max duration (minutes)". Optionally the suspended-journey timeout
and allowlisting. `create` adopts the realm (records the prior values as `priorSettings`) and
writes only these attributes; `delete` puts the prior values back unless `onDelete="retain"`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult
from pydantic import field_validator

from aic_sessions.client.values import StateManagement
from aic_sessions.domain.attributes import (
    JOURNEY,
    constructor_doc,
    hints,
    input_model,
)

from . import connection
from .base import BASELINE, ProviderError, RealmInputs
from .naming import (
    OnDelete,
    SnakeCaseProperties,
    StateManagementName,
    attribute_keywords,
    declared,
    registration,
)
from .ownership import direct_claim
from .settings_provider import RealmSettingsProvider

if TYPE_CHECKING:
    from aic_sessions.client.models import AuthenticationSettings

IN_MEMORY_ON_AIC = "IN_MEMORY is not available on Advanced Identity Cloud tenants"
AIC_HOST_SUFFIXES = (".forgeblocks.com", ".forgerock.io", ".pingone.com", ".pingidentity.com")


class _JourneyRules(RealmInputs):
    @field_validator("stateManagement", check_fields=False)
    @classmethod
    def _supported(cls, value: StateManagement, info: Any) -> StateManagement:
        host = str(info.data.get("baseUrl", "")).split("://")[-1].split("/")[0].split(":")[0]
        if value is StateManagement.IN_MEMORY and host.endswith(AIC_HOST_SUFFIXES):
            raise ValueError(IN_MEMORY_ON_AIC)
        return value


JourneyInputs = input_model("JourneyInputs", _JourneyRules, JOURNEY)

NO_TREES = (
    "this server has no journey-session settings (no `trees` section in the realm's "
    "authentication settings); they need AM 6.5+ or Advanced Identity Cloud. Nothing was written."
)


class JourneySessionSettingsProvider(RealmSettingsProvider):
    inputs_model = JourneyInputs
    table = JOURNEY
    kind = "journey"
    hints = hints(JOURNEY)
    refuses = True

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The inputs' checks; `IN_MEMORY` also fails on a tenant this deployment signs in to
        with a service account (Advanced Identity Cloud's), whatever its host is called."""
        result = super().check(olds, news)
        url = result.inputs.get("baseUrl")
        if result.failures or result.inputs.get("stateManagement") != "IN_MEMORY":
            return result
        if isinstance(url, str) and connection.signs_in_with_service_account(url):
            reason = f"{IN_MEMORY_ON_AIC} (this deployment signs in with a service account)"
            return CheckResult(result.inputs, [CheckFailure("stateManagement", reason)])
        return result

    def refuse(self, realm: str, settings: AuthenticationSettings | None) -> None:
        if settings is None or not settings.has_journey_settings:
            raise ProviderError(
                f"{realm}: {NO_TREES} Remove the JourneySessionSettings resource (with "
                "RealmSessionSettings: journey=False; in a stack file: journey: false)."
            )


class JourneyOptions(TypedDict, total=False):
    """The journey-session attributes, one per row of the `JOURNEY` table: the keywords of
    `JourneySessionSettings` and the component's `journey=`. One left out takes the table's
    default (see `help(JourneySessionSettings.__init__)`)."""

    state_management: pulumi.Input[StateManagementName]
    max_duration_minutes: pulumi.Input[int]
    suspended_timeout_minutes: pulumi.Input[int] | None
    allowlisting: pulumi.Input[bool] | None


class JourneySessionSettings(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="JourneySessionSettings"
):
    """Journey-session storage and lifetime for one realm (the Trees tab).

    `create` adopts the realm: it records the current values of the attributes this resource
    manages (`prior_settings`) and writes only those. Changing `base_url` or `realm` replaces
    the resource. Attributes are snake_case; state and policies use camelCase.
    """

    OUTPUTS = ("prior_settings",)

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        base_url: pulumi.Output[str]
        realm: pulumi.Output[str]
        state_management: pulumi.Output[StateManagementName]
        max_duration_minutes: pulumi.Output[int]
        suspended_timeout_minutes: pulumi.Output[int | None]
        allowlisting: pulumi.Output[bool | None]
        on_delete: pulumi.Output[OnDelete]
        assert_only: pulumi.Output[bool | None]
        prior_settings: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        baseline: pulumi.Input[Mapping[str, Any]] | None = None,
        on_delete: pulumi.Input[OnDelete] = "restore",
        assert_only: pulumi.Input[bool] | None = None,
        promotes_from: pulumi.Input[str] | None = None,
        promotion_id: pulumi.Input[str | None] | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **settings: Unpack[JourneyOptions],
    ) -> None:
        props = {
            **declared(locals()),  # before any local of its own: each is a property
            **attribute_keywords(f"JourneySessionSettings({resource_name!r})", JOURNEY, settings),
        }
        props[BASELINE] = props.pop("baseline")  # engine-internal: kept out of diffs
        props |= direct_claim(props, BASELINE)  # declared on its own: one owner per realm
        registered = registration(props, self.OUTPUTS)
        super().__init__(JourneySessionSettingsProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)


JourneySessionSettings.__init__.__doc__ = constructor_doc(
    "Declare the journey-session settings of one realm.", JOURNEY
)
