"""The dynamic provider of a realm-settings resource, driven by its attribute table.

`create` adopts the realm: the prior values of the managed attributes come from the
engine-internal `__baseline` input when one is given (the realm's values before the deployment's
first write), else from a read; then it writes only the managed attributes, as partial updates,
and on failure puts back what it wrote. `update` writes only what changed and carries the prior
values of attributes still managed (a newly managed one gets its baseline or current value).
`read` observes, `delete` restores the prior values (a Session service the realm did not have is
removed again) unless `onDelete="retain"`. Absent values are None and never recorded as prior
values. With `assertOnly=True` (an environment that refuses static writes, `asserted.py`)
nothing is ever written: `create` and `update` compare the realm with the inputs and fail naming
the fix."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult
from pydantic import BaseModel

from aic_sessions.client.errors import AdminApiError, ConflictError
from aic_sessions.domain.attributes import (
    ABSENT,
    SESSION_SERVICE,
    Attribute,
    Table,
    has_session_values,
    managed,
    observe,
    patches,
    shown,
    uses_session_service,
)

from .asserted import ASSERT_KEYS, assert_only, differences, refuse_drift
from .base import BASELINE, SessionProvider, carried_prior, gone_on_404

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient
    from aic_sessions.client.models import AuthenticationSettings, SessionServiceSettings


class RealmSettingsProvider(SessionProvider[BaseModel]):
    """Subclasses set `table`, `kind` (the id's prefix) and `inputs_model`."""

    table: ClassVar[Table]
    kind: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "table" in cls.__dict__:
            cls.owned = (*(a.name for a in cls.table), "onDelete", *ASSERT_KEYS)

    def refuse(self, realm: str, settings: AuthenticationSettings | None) -> None:
        """Raise when the server cannot hold these settings (before anything is written)."""

    refuses: ClassVar[bool] = False  # whether `create` reads the settings to call `refuse`

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.parse(props)
        if assert_only(props):
            outs = {**self.public(props), **self._asserted(props), "priorSettings": {}}
            return CreateResult(self.resource_id(self.kind, props), outs)
        wanted = self.wanted(inputs)
        attributes = managed(self.table, wanted)
        realm = props["realm"]
        with self.realm(props) as client:
            current = _Current(client, realm, attributes)
            if self.refuses:
                self.refuse(realm, current.settings())
            baseline = _baseline(props)
            prior = _pick(baseline, attributes) if baseline is not None else current.prior()
            values = {a.name: wanted[a.name] for a in attributes}
            try:
                _write(client, realm, self.table, values, current.service_absent)
            except Exception:
                # A failed create leaves no state, and the next create would read our half
                # applied values as the realm's prior ones: put back what was written.
                _restore_quietly(client, realm, self.table, prior)
                raise
        outs = {**self.public(props), "priorSettings": prior}
        return CreateResult(self.resource_id(self.kind, props), outs)

    def wanted(self, inputs: BaseModel) -> dict[str, Any]:
        """The table's attributes as the validated inputs hold them (None: unmanaged)."""
        return {a.name: getattr(inputs, a.name) for a in self.table}

    @gone_on_404
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        attributes = managed(self.table, props)
        values = _Current(self.reader(props), props["realm"], attributes).values()
        outs = {**props, **values}
        # The observed values as the inputs of the next diff, so a preview after refresh shows
        # the drifted property (`~ clientSideSessions: true => false`), not a bare `~ update`.
        # The baseline is no output: not here. The assert keys are inputs the model leaves to
        # `asserted`: without them the next diff would show `+assertOnly,promotesFrom`.
        names = {*self.inputs_model.model_fields, *ASSERT_KEYS}
        return ReadResult(
            id_, outs, {k: v for k, v in outs.items() if k in names and v is not None}
        )

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        inputs = self.parse(news)
        if assert_only(news):  # nothing is written, so nothing will be restored either
            return UpdateResult({**self.public(news), **self._asserted(news), "priorSettings": {}})
        realm = news["realm"]
        wanted = self.wanted(inputs)
        attributes = managed(self.table, wanted)
        changed = {a.name: wanted[a.name] for a in attributes if olds.get(a.name) != wanted[a.name]}
        baseline = _baseline(news)
        with self.realm(news) as client:
            current = _Current(client, realm, attributes)

            def newly_managed() -> dict[str, Any]:
                if baseline is not None:
                    return _pick(baseline, attributes)
                return current.prior()

            prior = carried_prior(olds, wanted, (a.name for a in self.table), newly_managed)
            if uses_session_service(attributes):
                was_managed = uses_session_service(managed(self.table, olds))
                before = (olds.get("priorSettings") or {}) if was_managed else newly_managed()
                if before.get(SESSION_SERVICE) == ABSENT:
                    prior[SESSION_SERVICE] = ABSENT
            _, session = patches(self.table, changed)
            absent = has_session_values(session) and client.read_session_service(realm) is None
            _write(client, realm, self.table, changed, absent)
        return UpdateResult({**self.public(news), "priorSettings": prior})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if props.get("onDelete", "restore") == "retain" or assert_only(props):
            return
        prior = props.get("priorSettings") or {}
        attributes = managed(self.table, props)
        names = {a.name for a in attributes}
        restore = {k: v for k, v in prior.items() if k in names}
        if uses_session_service(attributes) and prior.get(SESSION_SERVICE) == ABSENT:
            restore[SESSION_SERVICE] = ABSENT
        auth, session = patches(self.table, restore)
        if not (auth or has_session_values(session) or SESSION_SERVICE in restore):
            return
        with self.realm(props) as client:
            restore_settings(client, props["realm"], self.table, restore)

    def _asserted(self, props: dict[str, Any]) -> dict[str, Any]:
        """The realm's values, read (never written); a difference from `props` fails."""
        attributes = managed(self.table, props)
        with self.realm(props) as client:
            observed = _Current(client, props["realm"], attributes).values()
        wanted = {a.name: props.get(a.name) for a in attributes}
        refuse_drift(props["realm"], props, differences(wanted, observed))
        return observed


class _Current:
    """The realm's current values of some attributes, read at most once each."""

    def __init__(self, client: AdminClient, realm: str, attributes: list[Attribute]) -> None:
        self.client, self.realm, self.attributes = client, realm, attributes
        self._settings: AuthenticationSettings | None = None
        self._service: tuple[SessionServiceSettings | None] | None = None

    def settings(self) -> AuthenticationSettings | None:
        if not any(a.section != "session" for a in self.attributes):
            return None
        if self._settings is None:
            self._settings = self.client.read_authentication_settings(self.realm)
        return self._settings

    def service(self) -> SessionServiceSettings | None:
        if self._service is None:
            self._service = (self.client.read_session_service(self.realm),)
        return self._service[0]

    @property
    def service_absent(self) -> bool:
        return uses_session_service(self.attributes) and self.service() is None

    def values(self) -> dict[str, Any]:
        service = self.service() if uses_session_service(self.attributes) else None
        return observe(self.attributes, self.settings(), service)

    def prior(self) -> dict[str, Any]:
        """The values to restore: those shown, and the Session service's absence."""
        values = shown(self.values())
        if self.service_absent:
            values[SESSION_SERVICE] = ABSENT
        return values


def _baseline(props: dict[str, Any]) -> dict[str, Any] | None:
    """The realm's observed values before the deployment's first write, when given (the
    engine-internal input `__baseline`, which no input model holds)."""
    baseline = props.get(BASELINE)
    return baseline if isinstance(baseline, dict) else None


def _pick(baseline: dict[str, Any], attributes: list[Attribute]) -> dict[str, Any]:
    """The baseline's prior values of `attributes` (absent ones stay unknown)."""
    prior = shown({a.name: baseline.get(a.name) for a in attributes})
    if uses_session_service(attributes) and baseline.get(SESSION_SERVICE) == ABSENT:
        prior[SESSION_SERVICE] = ABSENT
    return prior


def _write(
    client: AdminClient, realm: str, table: Table, values: dict[str, Any], service_absent: bool
) -> None:
    """Partial updates of `values`; the Session service is added where the realm lacks it."""
    auth, session = patches(table, values)
    if auth:
        client.update_authentication_settings(realm, auth)
    if not has_session_values(session):
        return
    if service_absent:
        try:
            client.add_session_service(realm, session)
            return
        except ConflictError:
            pass  # added since it was observed (an interrupted run of ours): update it
    client.update_session_service(realm, session)


def restore_settings(client: AdminClient, realm: str, table: Table, prior: dict[str, Any]) -> None:
    """Put prior values back as the tenant had them (no bounds: they are the tenant's own);
    a Session service the realm did not have is removed again."""
    auth, session = patches(table, prior)
    if auth:
        client.update_authentication_settings(realm, auth)
    if prior.get(SESSION_SERVICE) == ABSENT:
        if not client.remove_session_service(realm):
            # The server keeps the service (OpenAM 16): the closest true state is every value
            # a realm without it gets. Said, not hidden.
            reset = client.reset_session_service(realm)
            pulumi.log.warn(
                f"{realm}: the server kept its Session service after the DELETE (it answered "
                "success), so the realm still has one; it now holds every default value a realm "
                f"without it gets ({_listed(reset)})."
            )
    elif has_session_values(session):
        client.update_session_service(realm, session)


def _listed(settings: SessionServiceSettings) -> str:
    """`maxSessionTime 120, maxIdleTime 30, ...`: the attributes a reset wrote."""
    document = settings.model_dump(by_alias=True, exclude_none=True)
    return ", ".join(f"{name} {value}" for name, value in document.items())


def _restore_quietly(client: AdminClient, realm: str, table: Table, prior: dict[str, Any]) -> None:
    try:
        restore_settings(client, realm, table, prior)
    except AdminApiError as exc:  # the original failure is the one to report
        pulumi.log.warn(f"{realm}: could not put back the prior session settings: {exc}")
