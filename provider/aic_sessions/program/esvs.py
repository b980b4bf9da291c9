"""The Pulumi program's ESV part: an `EsvSecret` per realm whose secret is stored in an ESV,
and one `TenantRestart` for the stack's tenant that depends on all of them.

`program.main` declares these first, then each realm's `SigningSecret` with `esv_reference`
and `depends_on=[restart]`, so the realm points at `&{esv.<name>}` only after the restart has
loaded the ESV (in mode `pending`, right away: see docs/esv.md).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import pulumi

from aic_sessions.program.stack_config import StackConfig

if TYPE_CHECKING:  # imported when a stack has ESVs: the others' programs do without them
    from aic_sessions.resources import EsvSecret, TenantRestart


def declare_esv_secrets(stack: StackConfig, given: pulumi.Output[Any]) -> dict[str, EsvSecret]:
    """Realm name -> its `EsvSecret`, for the realms whose secret is stored in an ESV."""
    secrets: dict[str, EsvSecret] = {}
    for realm in stack.realms:
        if realm.esv_name is None:
            continue
        from aic_sessions.resources import EsvSecret

        value = None
        if realm.signingSecret.given:  # it has a value: `check_given_secrets` said so
            value = given.apply(functools.partial(value_of, realm=realm.name))
        secrets[realm.name] = EsvSecret(
            f"{stack.environment}-{realm.esv_name}",
            base_url=stack.baseUrl,
            realm=realm.name,
            name=realm.esv_name,
            value=value,
            rotation_trigger=realm.signingSecret.rotationTrigger,
            opts=pulumi.ResourceOptions(protect=stack.protect),
        )
    return secrets


def declare_restart(stack: StackConfig, secrets: dict[str, EsvSecret]) -> TenantRestart | None:
    """The tenant's one restart, after every ESV write of this deployment."""
    if not secrets:
        return None
    wanted = pulumi.Output.all(
        *[
            pulumi.Output.all(s.name, s.wantedVersion, s.supersededVersions)
            for s in secrets.values()
        ]
    ).apply(
        lambda rows: {
            name: {"wantedVersion": version, "supersededVersions": list(superseded or [])}
            for name, version, superseded in rows
        }
    )
    from aic_sessions.resources import TenantRestart

    settings = stack.esvRestart
    return TenantRestart(
        f"{stack.environment}-tenant-restart",
        base_url=stack.baseUrl,
        esvs=wanted,
        mode=settings.mode,
        timeout_seconds=settings.timeoutSeconds,
        poll_seconds=settings.pollSeconds,
        opts=pulumi.ResourceOptions(depends_on=list(secrets.values()), protect=stack.protect),
    )


def value_of(values: dict[str, Any], realm: str) -> Any:
    """A realm's given secret, from the secret `aic-sessions:signingSecrets` map."""
    return values[realm]
