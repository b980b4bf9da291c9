"""`RealmSessionSettings`: the three session resources of one realm, as one component.

A realm is fully managed with a `JourneySessionSettings`, an `AuthenticatedSessionSettings` and a
`SigningSecret` (the `realm-fully-managed` policy asks for all three). The component declares
them as its children, named `<name>-journey`, `<name>-authenticated` and `<name>-signing-secret`.
Each child also answers to its URN without a parent, so a stack that declared the three
resources directly (under the same names) moves under the component without replacing them.
A `RealmBaseline` child (`<name>-baseline`) is created first: it records the realm's settings
before any write, and the three take their prior values from it (see `baseline.py`).
With `assert_only=True` (an upper AIC stage, where static configuration arrives by promotion)
the three never write: they observe the realm and fail, naming the missing promotion, when it
differs from the intended values (see `asserted.py`); `after` orders them behind the promotion.
With `SigningSecretOptions(esv=EsvOptions(...))` the secret lives in an ESV: the component also
declares the `EsvSecret` (`<name>-esv`), and its `SigningSecret` points the realm at the ESV only
after the `TenantRestart` that lists the component (`TenantRestart(..., secrets=[realm])`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import pulumi

from aic_sessions.domain.attributes import AUTHENTICATED, JOURNEY

from .authenticated import AuthenticatedOptions, AuthenticatedSessionSettings
from .baseline import RealmBaseline
from .esv_secret import EsvOnDelete, EsvSecret
from .journey import JourneyOptions, JourneySessionSettings
from .naming import OnDelete, attribute_keywords
from .signing_secret import SigningSecret

if TYPE_CHECKING:
    from .tenant_restart import TenantRestart


@dataclass(frozen=True)
class EsvOptions:
    """The `EsvSecret` holding the realm's secret (AIC); see that class for each field.

    `aliases`: the names the ESV resource had before it was the component's child (a stack
    that declared it at the top level as `dev-esv-alpha` passes
    `[pulumi.Alias(name="dev-esv-alpha", parent=pulumi.ROOT_STACK_RESOURCE)]`).
    """

    name: pulumi.Input[str]
    value: pulumi.Input[str] | None = None
    rotation_trigger: pulumi.Input[str] | None = None
    description: pulumi.Input[str] | None = None
    on_delete: pulumi.Input[EsvOnDelete] = "retain"
    aliases: Sequence[pulumi.Input[str] | pulumi.Alias] = ()


@dataclass(frozen=True)
class SigningSecretOptions:
    """The `SigningSecret` of the realm; see that class for each field (none: generated).

    `esv`: the secret lives in an ESV. `EsvOptions`: the component declares the `EsvSecret`
    (a given value goes there, not here) and the realm references it once the `TenantRestart`
    listing the component has loaded it. An `EsvSecret` declared elsewhere (an upper stage's,
    written before its promotion): the realm references it (`esv_reference`, default its name)
    after `depends_on`.
    """

    value: pulumi.Input[str] | None = None
    esv_reference: pulumi.Input[str] | None = None
    rotation_trigger: pulumi.Input[str] | None = None
    on_delete: pulumi.Input[OnDelete] = "retain"
    esv: EsvOptions | EsvSecret | None = None
    # What must exist before the realm points at its secret.
    depends_on: tuple[pulumi.Resource, ...] = ()

    def __post_init__(self) -> None:
        if self.esv is None:
            return
        if self.value is not None or self.rotation_trigger is not None:
            raise ValueError(
                "SigningSecretOptions: with esv=..., the ESV holds the value; give value and "
                "rotation_trigger in EsvOptions (or the EsvSecret), not here."
            )
        if isinstance(self.esv, EsvOptions) and self.esv_reference is not None:
            raise ValueError(
                "SigningSecretOptions: with esv=EsvOptions(...), the realm references that ESV "
                "itself; leave esv_reference unset."
            )


COMPONENT_TYPE = "aic-sessions:index:RealmSessionSettings"


class RealmSessionSettings(pulumi.ComponentResource):
    """Journey sessions, authenticated sessions and the signing secret of one realm."""

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        baseline: RealmBaseline
        journey: JourneySessionSettings | None
        authenticated: AuthenticatedSessionSettings
        signing_secret: SigningSecret
        esv: EsvSecret | None
        signing_secret_source: pulumi.Output[str]
        """`given`, `generated`, `esv` (a reference), or `esv-stored` (in this component's ESV)."""
        signing_secret_fingerprint: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        journey: JourneyOptions | Literal[False] | None = None,
        authenticated: AuthenticatedOptions | None = None,
        signing_secret: SigningSecretOptions | None = None,
        on_delete: pulumi.Input[OnDelete] = "restore",
        assert_only: bool = False,
        promotes_from: pulumi.Input[str] | None = None,
        promotion_id: pulumi.Input[str | None] | None = None,
        after: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the three session resources of one realm.

        :param resource_name: The component's name; the children are named
            `<resource_name>-journey`, `-authenticated` and `-signing-secret`.
        :param base_url: The tenant's AM URL, e.g. `https://tenant.forgeblocks.com/am`.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`).
        :param journey: Journey-session settings; default: `CTS`, 5 minutes. `False` leaves
            them unmanaged (no `<resource_name>-journey` child), for servers without them
            (OpenAM before AM 6.5); declared on such a server, the realm fails before any of
            its resources writes.
        :param authenticated: Authenticated-session settings; default: server-side.
        :param signing_secret: The signing secret; default: generated, retained on destroy.
            With `esv=EsvOptions(...)` it is stored in an ESV (the `<resource_name>-esv`
            child), which the realm references once the `TenantRestart` listing this
            component has loaded it.
        :param on_delete: `on_delete` of the journey and authenticated settings (`restore`
            writes the prior values back on destroy, `retain` leaves them).
        :param assert_only: Never write the realm (an environment that refuses static writes):
            the settings are observed and asserted; the signing secret must be an
            `esv_reference`.
        :param promotes_from: The stack of the environment below, named when an assertion
            fails (the promotion that is missing).
        :param promotion_id: With `assert_only`: the promotion that brings the values (the
            `Promotion`'s `promotion_id`); each new promotion reads and asserts the realm
            again, so a promotion that carried something else fails the run.
        :param after: Resources every child waits for (the `Promotion` that brings the values).
        :param opts: Pulumi resource options of the component (children inherit its provider
            and `protect`, as Pulumi does for any component, and here also its
            `retain_on_delete`, which Pulumi does not pass on).
        """
        super().__init__(COMPONENT_TYPE, resource_name, None, opts)
        authenticated = authenticated or AuthenticatedOptions()
        secret = signing_secret or SigningSecretOptions()
        # `retain` is Pulumi's own retain_on_delete: the engine never calls Delete.
        retain = bool(opts and opts.retain_on_delete) or on_delete == "retain"
        self.baseline = RealmBaseline(
            f"{resource_name}-baseline",
            base_url=base_url,
            realm=realm,
            # An asserted realm is never written, so its baseline restores nothing either.
            manages=[] if assert_only else _managed(resource_name, journey, authenticated),
            on_delete="retain" if retain or assert_only else on_delete,
            requires_journey_settings=journey is not False,
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(after)),
        )
        # Same names as the resources declared without a parent, so existing stacks move here;
        # every write waits for the baseline, so prior values are in state before any write.
        child = pulumi.ResourceOptions(
            parent=self,
            aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)],
            depends_on=[self.baseline, *after],
        )
        prior = self.baseline.observed
        # Deleted with the baseline: its delete puts back every attribute they wrote, and when
        # a new tenant or realm replaces it, the engine then deletes them first, so none stays
        # in state claiming values on a realm the baseline's delete put back.
        settings = pulumi.ResourceOptions.merge(
            child,
            pulumi.ResourceOptions(
                retain_on_delete=True if retain else None, deleted_with=self.baseline
            ),
        )
        asserted: dict[str, Any] = (
            {"assert_only": True, "promotes_from": promotes_from, "promotion_id": promotion_id}
            if assert_only
            else {}
        )
        self.journey = (
            None
            if journey is False
            else JourneySessionSettings(
                f"{resource_name}-journey",
                base_url=base_url,
                realm=realm,
                on_delete=on_delete,
                baseline=prior,
                opts=settings,
                **(journey or JourneyOptions()),
                **asserted,
            )
        )
        self.authenticated = AuthenticatedSessionSettings(
            f"{resource_name}-authenticated",
            base_url=base_url,
            realm=realm,
            on_delete=on_delete,
            baseline=prior,
            opts=settings,
            **authenticated,
            **asserted,
        )
        self.esv: EsvSecret | None = None
        self._restart: _PendingRestart | None = None
        waits_for: pulumi.Input[Sequence[pulumi.Input[pulumi.Resource]]] = list(secret.depends_on)
        if isinstance(secret.esv, EsvOptions):
            if assert_only:
                raise ValueError(
                    f"{resource_name}: an asserted realm's ESV is written before the promotion "
                    "it waits for; declare the EsvSecret and its TenantRestart first and pass "
                    "SigningSecretOptions(esv=<that EsvSecret>)."
                )
            self.esv = _esv_secret(resource_name, base_url, realm, secret.esv, self)
            self._restart = _PendingRestart(resource_name)
            waits_for = self._restart.resources
        elif secret.esv is not None:
            self.esv = secret.esv
        self.signing_secret = SigningSecret(
            f"{resource_name}-signing-secret",
            base_url=base_url,
            realm=realm,
            value=secret.value,
            esv_reference=_esv_reference(secret),
            rotation_trigger=secret.rotation_trigger,
            on_delete=secret.on_delete,
            baseline=prior,
            **asserted,
            opts=pulumi.ResourceOptions.merge(
                child,
                pulumi.ResourceOptions(
                    depends_on=waits_for,
                    retain_on_delete=True if opts and opts.retain_on_delete else None,
                ),
            ),
        )
        if self.esv is not None:
            self.signing_secret_source = pulumi.Output.from_input("esv-stored")
            self.signing_secret_fingerprint = self.esv.fingerprint
        else:
            self.signing_secret_source = self.signing_secret.value_source
            self.signing_secret_fingerprint = self.signing_secret.fingerprint
        self.register_outputs(
            {
                "journeyStateManagement": self.journey.state_management if self.journey else None,
                "clientSideSessions": self.authenticated.client_side_sessions,
                "signingSecretSource": self.signing_secret_source,
                "signingSecretFingerprint": self.signing_secret_fingerprint,
                **({"esvName": self.esv.name} if self.esv is not None else {}),
            }
        )

    def loaded_by(self, restart: TenantRestart) -> None:
        """Called by the `TenantRestart` listing this component: the realm points at its ESV
        after that restart."""
        if self._restart is not None:
            self._restart.resolve(restart)


class _PendingRestart:
    """The restart an ESV realm's `SigningSecret` waits for: named by the `TenantRestart` that
    lists the component, declared after it. A component no restart lists by the end of the
    program's synchronous part fails with the fix (it would otherwise wait forever)."""

    def __init__(self, component: str) -> None:
        self.component = component
        loop = asyncio.get_event_loop()
        self._future: asyncio.Future[list[pulumi.Resource]] = loop.create_future()
        self.resources: pulumi.Output[list[pulumi.Resource]] = pulumi.Output.from_input(
            self._future
        )
        loop.call_soon(self._unlisted)

    def resolve(self, restart: pulumi.Resource) -> None:
        if not self._future.done():
            self._future.set_result([restart])

    def _unlisted(self) -> None:
        if not self._future.done():
            self._future.set_exception(
                pulumi.RunError(
                    f"{self.component}: its signing secret is stored in an ESV, but no "
                    "TenantRestart lists it, so nothing loads the ESV before the realm points at "
                    "it. Declare TenantRestart(..., secrets=[<this RealmSessionSettings>]) "
                    "(mode='pending' to restart the tenant yourself)."
                )
            )


def _esv_reference(secret: SigningSecretOptions) -> pulumi.Input[str] | None:
    """The ESV the realm references: the one given, else the ESV's own name."""
    if secret.esv_reference is not None or secret.esv is None:
        return secret.esv_reference
    return secret.esv.name


def _esv_secret(
    resource_name: str,
    base_url: pulumi.Input[str],
    realm: pulumi.Input[str],
    esv: EsvOptions,
    parent: pulumi.Resource,
) -> EsvSecret:
    return EsvSecret(
        f"{resource_name}-esv",
        base_url=base_url,
        realm=realm,
        name=esv.name,
        value=esv.value,
        rotation_trigger=esv.rotation_trigger,
        description=esv.description,
        on_delete=esv.on_delete,
        opts=pulumi.ResourceOptions(parent=parent, aliases=list(esv.aliases)),
    )


def _managed(
    name: str, journey: JourneyOptions | Literal[False] | None, authenticated: AuthenticatedOptions
) -> list[str]:
    """The settings attributes the realm manages: each keyword's value as its resource gets it
    (`keyword_values`: the table's default where none is given) and not None."""
    owner = f"RealmSessionSettings({name!r}): "
    given = attribute_keywords(owner + "AuthenticatedOptions", AUTHENTICATED, authenticated)
    if journey is not False:
        given |= attribute_keywords(owner + "JourneyOptions", JOURNEY, journey or {})
    return [a.name for a in (*JOURNEY, *AUTHENTICATED) if given.get(a.python_name) is not None]
