"""`RealmBaseline`: a realm's settings as they were before this stack wrote anything.

Prior values must survive an interrupted deployment: if `pulumi up` dies after a settings
resource wrote to the realm but before its create was recorded, the next `up` creates that
resource again and would read the stack's own values as the realm's "prior" ones, so `destroy`
would put the wrong values back. The baseline prevents that by ordering, not by luck:

- it only reads (the authentication document, and the Session service once the program
  declares one of its attributes: at create, or at the update that first declares it, before
  that attribute's write) and records every value the server showed, in state, as `observed`;
  a value the server did not show is not recorded;
- the settings resources depend on it and take their prior values from `observed` (for the
  attributes they manage) instead of reading the realm, so every one of their writes happens
  after the baseline is in the stack's state;
- `read` (refresh) never re-reads: the baseline is history, not the current state;
- it keeps `everManaged`, every attribute the program has declared on the realm with
  `onDelete="restore"` (its `manages` input, accumulated). Being updated before the settings
  resources that depend on it, it knows of an attribute before any write of it, so `delete`
  (after the settings resources' own restores, or instead of them when they are deleted with
  it, as `RealmSessionSettings` declares them) puts back from `observed` whatever such
  attribute still differs: an update killed while adding one, then the recovery and `destroy`
  (or a reverted config, `up` and `destroy`), still leaves the realm's originals.

One baseline per tenant and realm in a program: a second one for the same realm, in any
spelling (`alpha`, `/alpha`, `root/alpha`), fails the program before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pulumi
from pulumi.dynamic import CheckResult, CreateResult, ReadResult, UpdateResult
from pydantic import field_validator

from aic_sessions.client.errors import NotFoundError
from aic_sessions.client.values import SecretForm
from aic_sessions.domain.attributes import (
    ABSENT,
    AUTHENTICATED,
    JOURNEY,
    SESSION_SERVICE,
    Table,
    observe,
    shown,
    uses_session_service,
)
from aic_sessions.domain.identity import canonical_base_url, canonical_realm, tenant_identity
from aic_sessions.domain.nearest import did_you_mean
from aic_sessions.domain.observed import JOURNEY_SETTINGS

from . import connection, own_state, ownership
from .base import RealmInputs, SessionProvider, adopted
from .naming import OnDelete, SnakeCaseProperties, registration
from .settings_provider import restore_settings

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient


_IN_DOCUMENT = tuple(a for a in (*JOURNEY, *AUTHENTICATED) if a.section != "session")
_IN_SERVICE = tuple(a for a in (*JOURNEY, *AUTHENTICATED) if a.section == "session")


def observe_realm(client: AdminClient, realm: str, manages: list[str]) -> dict[str, Any]:
    """Every attribute of the settings tables the server shows for `realm` in its
    authentication document (camelCase, as in `priorSettings`), the Session service's when
    `manages` names one of its attributes, and the signing secret's visible form."""
    settings = client.read_authentication_settings(realm)
    values = shown(observe(_IN_DOCUMENT, settings, None))
    if _names_service(manages):
        values.update(observe_service(client, realm))
    security = settings.security
    form, reference = security.secret_form() if security else (SecretForm.UNKNOWN, None)
    values.update(shown({"priorForm": form.value, "priorEsvReference": reference}))
    values[JOURNEY_SETTINGS] = settings.has_journey_settings
    return values


def observe_service(client: AdminClient, realm: str) -> dict[str, Any]:
    """The Session service's attributes the server shows for `realm`, or its absence."""
    service = client.read_session_service(realm)
    values = shown(observe(_IN_SERVICE, None, service))
    if service is None:
        values[SESSION_SERVICE] = ABSENT
    return values


def _names_service(manages: list[str]) -> bool:
    return any(a.name in manages for a in _IN_SERVICE)


def _service_unobserved(observed: dict[str, Any], manages: list[str]) -> bool:
    """Whether `manages` names a Session-service attribute the observation has nothing of (the
    realm was adopted without managing any): the service must be observed before its write."""
    seen = SESSION_SERVICE in observed or any(a.name in observed for a in _IN_SERVICE)
    return _names_service(manages) and not seen


MANAGEABLE = tuple(a.name for a in (*JOURNEY, *AUTHENTICATED))  # what `manages` may name


class BaselineInputs(RealmInputs):
    manages: list[str] = []
    onDelete: Literal["restore", "retain"] = "restore"
    claimant: str | None = None  # organization/project/stack of the declaring program
    requiresJourneySettings: bool = False  # given (True) when the realm declares journeys

    @field_validator("manages")
    @classmethod
    def _known_attributes(cls, names: list[str]) -> list[str]:
        """A misspelt name would leave its attribute unobserved, and so never restored."""
        unknown = [n for n in names if n not in MANAGEABLE]
        if unknown:
            hints = [f"{n}{did_you_mean(n, MANAGEABLE)}" for n in unknown]
            raise ValueError(
                f"names no settings attribute: {', '.join(hints)}; list the camelCase "
                f"attributes the realm's resources set, of: {', '.join(MANAGEABLE)}"
            )
        return names


# Engine-internal input: the priors the stack's standalone settings resources of the realm
# recorded, found at `check` (`own_state.adopted_priors`).
ADOPTED_PRIORS = "__adoptedPriors"


def with_adopted_priors(observed: dict[str, Any], priors: Any) -> dict[str, Any]:
    """The realm as observed, its values replaced by the priors the stack's own settings
    resources recorded before they wrote it (a Session service they found absent: every
    attribute of it too)."""
    if not isinstance(priors, dict) or not priors:
        return observed
    merged = dict(observed)
    if priors.get(SESSION_SERVICE) == ABSENT:
        for attribute in _IN_SERVICE:
            merged.pop(attribute.name, None)
    merged.update(priors)
    return merged


def ever_managed(olds: dict[str, Any], inputs: BaselineInputs) -> list[str]:
    """The attributes to restore on delete: those declared now and before (none: retain)."""
    if inputs.onDelete == "retain":
        return []
    return sorted({*(olds.get("everManaged") or []), *inputs.manages})


class RealmBaselineProvider(SessionProvider[BaselineInputs]):
    inputs_model = BaselineInputs
    owned = ("manages", "onDelete")

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """The inputs' own checks, then, for a baseline not yet in state (the stack is about to
        adopt the realm), one owner per realm across the backend's stacks."""
        result = super().check(olds, news)
        news = result.inputs
        known = all(isinstance(news.get(k), str) for k in ("baseUrl", "realm", "claimant"))
        if result.failures or not known or adopted(olds, news):
            return result
        url, realm, stack = news["baseUrl"], news["realm"], news["claimant"]
        restores = self.restores_on_delete(news)
        failures = ownership.owner_failures(url, realm, stack)
        failures = failures or own_state.rename_failures(url, realm, stack, restores=restores)
        if failures:
            return CheckResult(news, failures)
        # Settings resources of this realm declared on their own before (now moving under the
        # component) wrote it already: their recorded priors are its originals.
        priors = own_state.adopted_priors(url, realm, stack)
        return CheckResult({**news, ADOPTED_PRIORS: priors} if priors else news, [])

    def restores_on_delete(self, news: dict[str, Any]) -> bool:
        """A baseline that manages nothing puts nothing back."""
        return super().restores_on_delete(news) and bool(news.get("manages"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = self.parse(props)
        with self.realm(props) as client:
            observed = observe_realm(client, inputs.realm, inputs.manages)
            if inputs.requiresJourneySettings:  # before any sibling writes
                require_journey_settings(client, inputs.realm)
        observed = with_adopted_priors(observed, props.get(ADOPTED_PRIORS))
        outs = {**self.public(props), "observed": observed, "everManaged": ever_managed({}, inputs)}
        return CreateResult(self.resource_id("baseline", props), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The observation stands (it is the realm before this stack); only whether the server
        has journey-session settings, not recorded by older versions, is observed once."""
        observed = props.get("observed")
        if not isinstance(observed, dict) or JOURNEY_SETTINGS in observed:
            return ReadResult(id_, props)
        try:
            settings = self.reader(props).read_authentication_settings(props["realm"])
        except NotFoundError:  # the realm's resources report it gone; this keeps what it saw
            return ReadResult(id_, props)
        observed = {**observed, JOURNEY_SETTINGS: settings.has_journey_settings}
        return ReadResult(id_, {**props, "observed": observed})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """The observation is kept and the attributes declared are accumulated; no request,
        unless a Session-service attribute is now declared that was never observed: the
        service is observed then, before the settings resources (which wait for this) write."""
        inputs = self.parse(news)
        observed = olds.get("observed")
        if isinstance(observed, dict) and _service_unobserved(observed, inputs.manages):
            with self.realm(news) as client:
                observed = {**observed, **observe_service(client, inputs.realm)}
        outs = {"observed": observed, "everManaged": ever_managed(olds, inputs)}
        return UpdateResult({**self.public(news), **outs})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Put back every attribute ever managed that still differs from the observation
        (settings resources deleted before it restored theirs; those deleted with it made no
        call)."""
        names = set(props.get("everManaged") or [])
        observed = props.get("observed") or {}
        if not names or not isinstance(observed, dict):
            return
        with self.realm(props) as client:
            for table in (JOURNEY, AUTHENTICATED):
                _restore_differing(client, props["realm"], table, names, observed)


def _restore_differing(
    client: AdminClient, realm: str, table: Table, names: set[str], observed: dict[str, Any]
) -> None:
    attributes = [a for a in table if a.name in names]
    if not attributes:
        return
    try:
        settings = client.read_authentication_settings(realm)
        service = client.read_session_service(realm) if uses_session_service(attributes) else None
    except NotFoundError:
        return  # the realm is gone: nothing of it to restore
    current = observe(attributes, settings, service)
    restore = {
        a.name: observed[a.name]
        for a in attributes
        if a.name in observed and current.get(a.name) != observed[a.name]
    }
    if observed.get(SESSION_SERVICE) == ABSENT and service is not None:
        restore[SESSION_SERVICE] = ABSENT  # the realm had no Session service: remove it again
    if restore:
        restore_settings(client, realm, table, restore)


def require_journey_settings(client: AdminClient, realm: str) -> None:
    """Fail, before the realm's other resources write, when the server has no journey-session
    settings but the realm declares them."""
    from .base import ProviderError
    from .journey import NO_TREES

    if not client.read_authentication_settings(realm).has_journey_settings:
        raise ProviderError(
            f"{realm}: {NO_TREES} Declare the realm without them "
            "(RealmSessionSettings(..., journey=False); in a stack file, journey: false)."
        )


class RealmBaseline(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="RealmBaseline"
):
    """The realm's settings before this stack's first write (read once, kept in state)."""

    OUTPUTS = ("observed", "ever_managed")

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        base_url: pulumi.Output[str]
        realm: pulumi.Output[str]
        observed: pulumi.Output[dict[str, Any]]
        ever_managed: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        manages: Sequence[str] = (),
        on_delete: pulumi.Input[OnDelete] = "restore",
        requires_journey_settings: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Record a realm's prior settings before anything writes to it.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL. Changing it replaces the baseline.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`).
        :param manages: The camelCase attributes the program's settings resources manage on
            the realm (e.g. `["maxDurationMinutes", "quotaLimit"]`); every one ever given is
            put back from the observation on destroy, if it still differs.
        :param on_delete: `restore` (default) or `retain` (destroy restores nothing).
        :param requires_journey_settings: Fail at create when the server has no journey-session
            settings (the realm declares a `JourneySessionSettings` that depends on this).
        :param opts: Pulumi resource options.
        """
        # Plain strings (the usual case) are claimed now, outputs once known: the error names
        # the declaration claimed first as the realm's manager, which need not be the first.
        if isinstance(base_url, str) and isinstance(realm, str):
            claim(base_url, realm, resource_name)
        else:
            pulumi.Output.all(base_url, realm).apply(lambda v: claim(v[0], v[1], resource_name))
        props: dict[str, Any] = {
            "base_url": base_url,
            "realm": realm,
            "manages": list(manages),
            "on_delete": on_delete,
            "claimant": ownership.stack_claimant(),
        }
        if requires_journey_settings:
            props["requires_journey_settings"] = True
        registered = registration(props, self.OUTPUTS)
        super().__init__(RealmBaselineProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)


def claim(base_url: Any, realm: Any, owner: str) -> None:
    """Register `owner` as the one manager of the realm in this program; a second is an error."""
    if not isinstance(base_url, str) or not isinstance(realm, str):
        return  # unknown at preview: checked again once known
    try:
        key = (tenant_identity(base_url), canonical_realm(realm))
    except ValueError:
        return  # the resource's own check names a malformed value
    first = connection.current().claim(key, owner)
    if first != owner:
        raise RealmDeclaredTwice(
            f"realm {key[1]} of {canonical_base_url(base_url)} is managed twice in this stack "
            f"({first!r} and {owner!r}); declare each realm once (alpha, /alpha and root/alpha "
            "are the same realm, and so are localhost and 127.0.0.1)."
        )


class RealmDeclaredTwice(pulumi.RunError, ValueError):
    """A `RunError`: the engine shows the message alone, without the program's traceback."""
