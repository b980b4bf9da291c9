"""`AuthenticatedSessionSettings`: client-side or server-side sessions after login.

Ping's guide, "Server-side authenticated sessions": General tab, "Use Client-Side Sessions"
cleared (`clientSideSessions=False`). Beyond the page, the realm Session service's timeouts of
server-side sessions (`maxSessionTimeMinutes`, `maxIdleTimeMinutes`) can be managed too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import pulumi

from aic_sessions.domain.attributes import (
    AUTHENTICATED,
    constructor_doc,
    hints,
    input_model,
)

from .base import BASELINE, RealmInputs
from .naming import OnDelete, SnakeCaseProperties, attribute_keywords, declared, registration
from .ownership import direct_claim
from .settings_provider import RealmSettingsProvider

AuthenticatedInputs = input_model("AuthenticatedInputs", RealmInputs, AUTHENTICATED)


class AuthenticatedSessionSettingsProvider(RealmSettingsProvider):
    inputs_model = AuthenticatedInputs
    table = AUTHENTICATED
    kind = "authenticated"
    hints = hints(AUTHENTICATED)


class AuthenticatedOptions(TypedDict, total=False):
    """The authenticated-session attributes, one per row of the `AUTHENTICATED` table: the
    keywords of `AuthenticatedSessionSettings` and the component's `authenticated=`. One left
    out takes the table's default (see `help(AuthenticatedSessionSettings.__init__)`)."""

    client_side_sessions: pulumi.Input[bool]
    max_session_time_minutes: pulumi.Input[int] | None
    max_idle_time_minutes: pulumi.Input[int] | None
    quota_limit: pulumi.Input[int] | None
    max_caching_time_minutes: pulumi.Input[int] | None


class AuthenticatedSessionSettings(
    SnakeCaseProperties,
    pulumi.dynamic.Resource,
    module="aic",
    name="AuthenticatedSessionSettings",
):
    """Client-side or server-side authenticated sessions (and their timeouts) for one realm.

    The General tab's "Use Client-Side Sessions" and, when set, the realm Session service's
    `maxSessionTime` / `maxIdleTime`. `create` adopts the realm (`prior_settings`) and writes
    only the managed attributes. Attributes are snake_case; state and policies use camelCase.
    """

    OUTPUTS = ("prior_settings",)

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        base_url: pulumi.Output[str]
        realm: pulumi.Output[str]
        client_side_sessions: pulumi.Output[bool]
        max_session_time_minutes: pulumi.Output[int | None]
        max_idle_time_minutes: pulumi.Output[int | None]
        quota_limit: pulumi.Output[int | None]
        max_caching_time_minutes: pulumi.Output[int | None]
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
        **settings: Unpack[AuthenticatedOptions],
    ) -> None:
        props = {
            **declared(locals()),  # before any local of its own: each is a property
            **attribute_keywords(
                f"AuthenticatedSessionSettings({resource_name!r})", AUTHENTICATED, settings
            ),
        }
        props[BASELINE] = props.pop("baseline")  # engine-internal: kept out of diffs
        props |= direct_claim(props, BASELINE)  # declared on its own: one owner per realm
        registered = registration(props, self.OUTPUTS)
        super().__init__(
            AuthenticatedSessionSettingsProvider(), resource_name, registered.wire, opts
        )
        self.after_registering(registered)


AuthenticatedSessionSettings.__init__.__doc__ = constructor_doc(
    "Declare the authenticated-session settings of one realm.", AUTHENTICATED
)
