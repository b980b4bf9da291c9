"""`AuthenticatedSessionSettings`: client-side or server-side sessions after login.

The seed page's "Server-side authenticated sessions": General tab, "Use Client-Side Sessions"
cleared (`clientSideSessions=False`). Beyond the page, the realm Session service's timeouts of
server-side sessions (`maxSessionTimeMinutes`, `maxIdleTimeMinutes`) can be managed too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult
from pydantic import Field

from aic_sessions.client.errors import AdminApiError, ConflictError
from aic_sessions.client.models import AuthenticationSettingsPatch, SessionServicePatch

from .base import (
    RealmInputs,
    SessionProvider,
    as_int,
    carried_prior,
    from_baseline,
    gone_on_404,
    managed_keys,
)
from .naming import OnDelete, SnakeCaseProperties

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient


class AuthenticatedInputs(RealmInputs):
    clientSideSessions: bool
    maxSessionTimeMinutes: int | None = Field(None, ge=1, le=525600)
    maxIdleTimeMinutes: int | None = Field(None, ge=1, le=525600)
    onDelete: Literal["restore", "retain"] = "restore"

    def session_patch(self, changed: set[str] | None = None) -> SessionServicePatch:
        def pick(name: str, value: int | None) -> int | None:
            return value if changed is None or name in changed else None

        return SessionServicePatch(
            max_session_time=pick("maxSessionTimeMinutes", self.maxSessionTimeMinutes),
            max_idle_time=pick("maxIdleTimeMinutes", self.maxIdleTimeMinutes),
        )


def _manages_timeouts(props: dict[str, Any]) -> bool:
    return any(props.get(k) is not None for k in ("maxSessionTimeMinutes", "maxIdleTimeMinutes"))


ABSENT = "absent"  # priorSettings["sessionService"]: the realm had no Session service


def observed(client: AdminClient, props: dict[str, Any]) -> dict[str, Any]:
    """Current values of the attributes `props` manages; None where the server shows none.

    A realm without the Session service (AM: added per realm) reads as
    `{"sessionService": "absent"}` and no timeout values: they are unknown, not defaults.
    """
    settings = client.read_authentication_settings(props["realm"])
    general = settings.general
    values: dict[str, Any] = {"clientSideSessions": general.stateless_sessions if general else None}
    if _manages_timeouts(props):
        service = client.read_session_service(props["realm"])
        if service is None:
            values["sessionService"] = ABSENT
        for key, attribute in (
            ("maxSessionTimeMinutes", "max_session_time"),
            ("maxIdleTimeMinutes", "max_idle_time"),
        ):
            if props.get(key) is not None:
                values[key] = getattr(service, attribute) if service else None
    return values


def shown(values: dict[str, Any]) -> dict[str, Any]:
    """Prior values as observed: nothing recorded for what the server did not show."""
    return {k: v for k, v in values.items() if v is not None}


class AuthenticatedSessionSettingsProvider(SessionProvider):
    inputs_model = AuthenticatedInputs
    owned = ("clientSideSessions", "maxSessionTimeMinutes", "maxIdleTimeMinutes", "onDelete")
    hints = {
        "clientSideSessions": "Use false for server-side sessions (required by policy) or true.",
        "maxSessionTimeMinutes": "Use whole minutes from 1 to 525600, or leave it unset.",
        "maxIdleTimeMinutes": "Use whole minutes from 1 to 525600, or leave it unset.",
    }

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = AuthenticatedInputs.model_validate(props)
        with self.realm(props) as client:
            prior = _baseline_prior(props)
            if prior is None:
                prior = shown(observed(client, props))
            try:
                self._write(client, inputs, changed=None, service_absent=_absent(prior))
            except Exception:
                # A failed create leaves no state, and the next create would read our half
                # applied values as the realm's prior ones: put back what was written.
                _restore_quietly(client, props["realm"], prior)
                raise
        outs = {**self.public(props), "priorSettings": prior}
        return CreateResult(self.resource_id("authenticated", props), outs)

    @gone_on_404
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        with self.realm(props) as client:
            current = observed(client, props)
        current.pop("sessionService", None)
        return ReadResult(id_, {**props, **current})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = AuthenticatedInputs.model_validate(news)
        changed = {k for k in self.owned if olds.get(k) != news.get(k)}
        with self.realm(news) as client:
            read_once: list[dict[str, Any]] = []

            def current() -> dict[str, Any]:
                if not read_once:
                    read_once.append(shown(observed(client, news)))
                return read_once[0]

            prior = carried_prior(olds, news, MANAGED, current)
            if _manages_timeouts(news):
                before = olds.get("priorSettings") or {} if _manages_timeouts(olds) else current()
                if _absent(before):
                    prior["sessionService"] = ABSENT
            absent = bool(inputs.session_patch(changed).to_api()["dynamic"]) and (
                client.read_session_service(inputs.realm) is None
            )
            self._write(client, inputs, changed, service_absent=absent)
        return UpdateResult({**self.public(news), "priorSettings": prior})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if props.get("onDelete", "restore") == "retain":
            return
        prior = props.get("priorSettings") or {}
        still_managed = {k: v for k, v in prior.items() if k in managed_keys(props, MANAGED)}
        if _manages_timeouts(props) and _absent(prior):
            still_managed["sessionService"] = ABSENT
        with self.realm(props) as client:
            _restore(client, props["realm"], still_managed)

    @staticmethod
    def _write(
        client: AdminClient,
        inputs: AuthenticatedInputs,
        changed: set[str] | None,
        service_absent: bool,
    ) -> None:
        if changed is None or "clientSideSessions" in changed:
            client.update_authentication_settings(
                inputs.realm,
                AuthenticationSettingsPatch(stateless_sessions=inputs.clientSideSessions),
            )
        timeouts = inputs.session_patch(changed)
        if not timeouts.to_api()["dynamic"]:
            return
        if service_absent:
            try:
                client.add_session_service(inputs.realm, timeouts)
                return
            except ConflictError:
                pass  # added since it was observed (an interrupted run of ours): update it
        client.update_session_service(inputs.realm, timeouts)


MANAGED = ("clientSideSessions", "maxSessionTimeMinutes", "maxIdleTimeMinutes")


def _baseline_prior(props: dict[str, Any]) -> dict[str, Any] | None:
    """Prior values from the realm's baseline, with the Session service's absence."""
    prior = from_baseline(props, MANAGED)
    if prior is not None and _manages_timeouts(props) and _absent(props["baseline"]):
        prior["sessionService"] = ABSENT
    return prior


def _absent(prior: dict[str, Any]) -> bool:
    return prior.get("sessionService") == ABSENT


def _restore(client: AdminClient, realm: str, prior: dict[str, Any]) -> None:
    """Put prior values back as the tenant had them (no bounds: they are the tenant's own);
    a Session service the realm did not have is removed again."""
    if "clientSideSessions" in prior:
        client.update_authentication_settings(
            realm, AuthenticationSettingsPatch(stateless_sessions=prior["clientSideSessions"])
        )
    if _absent(prior):
        client.remove_session_service(realm)
        return
    timeouts = SessionServicePatch.model_construct(
        max_session_time=as_int(prior.get("maxSessionTimeMinutes")),
        max_idle_time=as_int(prior.get("maxIdleTimeMinutes")),
    )
    if timeouts.to_api()["dynamic"]:
        client.update_session_service(realm, timeouts)


def _restore_quietly(client: AdminClient, realm: str, prior: dict[str, Any]) -> None:
    try:
        _restore(client, realm, prior)
    except AdminApiError as exc:  # the original failure is the one to report
        pulumi.log.warn(f"{realm}: could not put back the prior session settings: {exc}")


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

    base_url: pulumi.Output[str]
    realm: pulumi.Output[str]
    client_side_sessions: pulumi.Output[bool]
    max_session_time_minutes: pulumi.Output[int | None]
    max_idle_time_minutes: pulumi.Output[int | None]
    on_delete: pulumi.Output[OnDelete]
    prior_settings: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        client_side_sessions: pulumi.Input[bool] = False,
        max_session_time_minutes: pulumi.Input[int] | None = None,
        max_idle_time_minutes: pulumi.Input[int] | None = None,
        on_delete: pulumi.Input[OnDelete] = "restore",
        baseline: pulumi.Input[dict[str, Any]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the authenticated-session settings of one realm.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL, e.g. `https://tenant.forgeblocks.com/am`.
            Changing it replaces the resource.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`). Changing it replaces
            the resource.
        :param client_side_sessions: `False` (default) for server-side sessions ("Use
            Client-Side Sessions" cleared), `True` for client-side sessions.
        :param max_session_time_minutes: Session service `maxSessionTime`, 1 to 525600
            minutes; `None` leaves it unmanaged.
        :param max_idle_time_minutes: Session service `maxIdleTime`, 1 to 525600 minutes;
            `None` leaves it unmanaged.
        :param on_delete: `restore` (default): `pulumi destroy` writes the prior values
            back; `retain`: the realm keeps the managed values.
        :param baseline: The realm's `RealmBaseline.observed`: prior values are taken from it
            (recorded before any write) instead of being read at create.
        :param opts: Pulumi resource options.
        """
        props = {
            "base_url": base_url,
            "realm": realm,
            "client_side_sessions": client_side_sessions,
            "max_session_time_minutes": max_session_time_minutes,
            "max_idle_time_minutes": max_idle_time_minutes,
            "on_delete": on_delete,
            "prior_settings": None,
            "baseline": baseline,
        }
        super().__init__(AuthenticatedSessionSettingsProvider(), resource_name, props, opts)
