"""The Pulumi program's ESV part: each realm's `EsvOptions` and the tenant's one `TenantRestart`.

A realm whose secret is stored in an ESV (`esv-generated`, `esv-given`) declares it through its
`RealmSessionSettings` (the component's `-esv` child, which also answers to the name this
program gave it at the top level before, `<environment>-<esv name>`); the restart lists those
components. An upper stage writes its ESVs before its promotion, which its asserted realms wait
for, so there the program declares the `EsvSecret`s itself, under their top-level names.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pulumi

from aic_sessions.program.stack_config import RealmConfig, StackConfig

if TYPE_CHECKING:  # imported when a stack has ESVs: the others' programs do without them
    from aic_sessions.resources import (
        EsvOptions,
        EsvSecret,
        RealmSessionSettings,
        TenantRestart,
    )


def esv_options(stack: StackConfig, realm: RealmConfig, given: pulumi.Output[Any]) -> EsvOptions:
    """The ESV of a realm stored in one (`realm.esv_name` is set)."""
    from aic_sessions.resources import EsvOptions

    name = str(realm.esv_name)
    return EsvOptions(
        name=name,
        value=_given(realm, given),
        rotation_trigger=realm.signingSecret.rotationTrigger,
        aliases=[pulumi.Alias(name=top_level_name(stack, name), parent=pulumi.ROOT_STACK_RESOURCE)],
    )


def declare_esv_secrets(stack: StackConfig, given: pulumi.Output[Any]) -> dict[str, EsvSecret]:
    """An upper stage's ESVs: realm name -> its `EsvSecret`, declared at the top level."""
    from aic_sessions.resources import EsvSecret

    secrets: dict[str, EsvSecret] = {}
    for realm in stack.realms:  # a loop: see `program.main.run`
        if realm.esv_name is not None:
            secrets[realm.name] = EsvSecret(
                top_level_name(stack, str(realm.esv_name)),
                base_url=stack.baseUrl,
                realm=realm.name,
                name=str(realm.esv_name),
                value=_given(realm, given),
                rotation_trigger=realm.signingSecret.rotationTrigger,
                opts=pulumi.ResourceOptions(
                    protect=stack.protect, aliases=[_as_child_before(stack, realm)]
                ),
            )
    return secrets


def declare_restart(
    stack: StackConfig, secrets: Sequence[EsvSecret | RealmSessionSettings]
) -> TenantRestart | None:
    """The tenant's one restart, after every ESV write of this deployment."""
    if not secrets:
        return None
    from aic_sessions.resources import TenantRestart

    settings = stack.esvRestart
    return TenantRestart(
        f"{stack.environment}-tenant-restart",
        base_url=stack.baseUrl,
        secrets=secrets,
        mode=settings.mode,
        timeout_seconds=settings.timeoutSeconds,
        poll_seconds=settings.pollSeconds,
        opts=pulumi.ResourceOptions(protect=stack.protect),
    )


def top_level_name(stack: StackConfig, esv_name: str) -> str:
    return f"{stack.environment}-{esv_name}"


def realm_component_name(stack: StackConfig, realm: RealmConfig) -> str:
    """The name of a realm's `RealmSessionSettings` (its children's names start with it)."""
    return f"{stack.environment}-{realm.slug}"


def _as_child_before(stack: StackConfig, realm: RealmConfig) -> pulumi.Alias:
    """The name an upper stage's ESV had as the `-esv` child of the realm's component: where a
    written stage declares it (a stack relabelled, then set back, keeps its ESVs)."""
    from aic_sessions.resources.realm import COMPONENT_TYPE

    component = realm_component_name(stack, realm)
    parent = pulumi.create_urn(component, COMPONENT_TYPE)
    return pulumi.Alias(name=f"{component}-esv", parent=parent)


def _given(realm: RealmConfig, given: pulumi.Output[Any]) -> pulumi.Output[Any] | None:
    """A given realm's secret (`check_given_secrets` said it has one), else None."""
    if not realm.signingSecret.given:
        return None
    return given.apply(functools.partial(value_of, realm=realm.name))


def value_of(values: dict[str, Any], realm: str) -> Any:
    """A realm's given secret, from the secret `aic-sessions:signingSecrets` map."""
    return values[realm]
