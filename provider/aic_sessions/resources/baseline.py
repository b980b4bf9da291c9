"""`RealmBaseline`: a realm's settings as they were before this stack wrote anything.

Prior values must survive an interrupted deployment: if `pulumi up` dies after a settings
resource wrote to the realm but before its create was recorded, the next `up` creates that
resource again and would read the stack's own values as the realm's "prior" ones, so `destroy`
would put the wrong values back. The baseline prevents that by ordering, not by luck:

- it only reads (the authentication document and the Session service) and records every value
  the server showed, in state, as `observed`; a value the server did not show is not recorded;
- the settings resources depend on it and take their prior values from `observed` (for the
  attributes they manage) instead of reading the realm, so every one of their writes happens
  after the baseline is in the stack's state;
- `read` (refresh) never re-reads: the baseline is history, not the current state;
  `delete` writes nothing (each settings resource restores its own attributes).

One baseline per tenant and realm in a program: a second one for the same realm, in any
spelling (`alpha`, `/alpha`, `root/alpha`), fails the program before anything is sent.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from aic_sessions.attributes import (
    ABSENT,
    AUTHENTICATED,
    JOURNEY,
    SESSION_SERVICE,
    observe,
    shown,
)
from aic_sessions.client.models import SecretForm
from aic_sessions.identity import canonical_base_url, canonical_realm

from .base import RealmInputs, SessionProvider
from .naming import SnakeCaseProperties

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient


def observe_realm(client: AdminClient, realm: str) -> dict[str, Any]:
    """Every attribute of the settings tables the server shows for `realm` (camelCase, as in
    `priorSettings`), the Session service's absence, and the signing secret's visible form."""
    settings = client.read_authentication_settings(realm)
    service = client.read_session_service(realm)
    values = shown(observe((*JOURNEY, *AUTHENTICATED), settings, service))
    if service is None:
        values[SESSION_SERVICE] = ABSENT
    security = settings.security
    form, reference = security.secret_form() if security else (SecretForm.UNKNOWN, None)
    values.update(shown({"priorForm": form.value, "priorEsvReference": reference}))
    return values


class RealmBaselineProvider(SessionProvider):
    inputs_model = RealmInputs
    owned = ()

    def create(self, props: dict[str, Any]) -> CreateResult:
        with self.realm(props) as client:
            observed = observe_realm(client, props["realm"])
            if props.get("requiresJourneySettings"):  # before any sibling writes
                require_journey_settings(client, props["realm"])
        outs = {**self.public(props), "observed": observed}
        return CreateResult(self.resource_id("baseline", props), outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, props)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult({**self.public(news), "observed": olds.get("observed")})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        """Nothing to undo: the baseline never wrote."""


def require_journey_settings(client: AdminClient, realm: str) -> None:
    """Fail, before the realm's other resources write, when the server has no journey-session
    settings but the realm declares them."""
    from .base import ProviderError
    from .journey import NO_TREES

    if not client.read_authentication_settings(realm).has_journey_settings:
        raise ProviderError(
            f"{realm}: {NO_TREES} Declare the realm without them "
            "(RealmSessionSettings(..., journey=False))."
        )


class RealmBaseline(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="RealmBaseline"
):
    """The realm's settings before this stack's first write (read once, kept in state)."""

    base_url: pulumi.Output[str]
    realm: pulumi.Output[str]
    observed: pulumi.Output[dict[str, Any]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        requires_journey_settings: bool = False,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Record a realm's prior settings before anything writes to it.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL. Changing it replaces the baseline.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`).
        :param requires_journey_settings: Fail at create when the server has no journey-session
            settings (the realm declares a `JourneySessionSettings` that depends on this).
        :param opts: Pulumi resource options.
        """
        pulumi.Output.all(base_url, realm).apply(lambda v: claim(v[0], v[1], resource_name))
        props: dict[str, Any] = {"base_url": base_url, "realm": realm, "observed": None}
        if requires_journey_settings:
            props["requires_journey_settings"] = True
        super().__init__(RealmBaselineProvider(), resource_name, props, opts)


_claims: dict[tuple[str, str], str] = {}
_claims_lock = threading.Lock()


def claim(base_url: Any, realm: Any, owner: str) -> None:
    """Register `owner` as the one manager of the realm in this program; a second is an error."""
    if not isinstance(base_url, str) or not isinstance(realm, str):
        return  # unknown at preview: checked again once known
    try:
        key = (canonical_base_url(base_url), canonical_realm(realm))
    except ValueError:
        return  # the resource's own check names a malformed value
    with _claims_lock:
        first = _claims.setdefault(key, owner)
    if first != owner:
        raise ValueError(
            f"realm {key[1]} of {key[0]} is managed twice in this stack ({first!r} and "
            f"{owner!r}); declare each realm once (alpha, /alpha and root/alpha are the same "
            "realm)."
        )
