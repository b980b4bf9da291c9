"""The Pulumi program: one set of session resources per realm of this stack's environment.

On Advanced Identity Cloud an upper stage (uat, staging, production) never writes its realms:
its `Promotion` brings the static configuration of the stack below, then its realms assert it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pulumi
from aic_sessions import (
    AuthenticatedOptions,
    JourneyOptions,
    RealmSessionSettings,
    SigningSecretOptions,
)
from aic_sessions.chain_program import LowerStack, declare_promotion, export_static, realm_static
from aic_sessions.config_keys import require_known_keys
from aic_sessions.esv_program import declare_esv_secrets, declare_restart
from aic_sessions.stack_config import (
    RealmConfig,
    StackConfig,
    StackConfigError,
    check_given_secrets,
    load_stack_config,
)
from aic_sessions.stack_files import running_stack_problems
from pulumi.runtime.config import get_config

if TYPE_CHECKING:
    from aic_sessions.resources import EsvSecret

config = pulumi.Config()
CHAIN_KEYS = ("platform", "stage", "promotesFrom")
# A misspelt key (`promotesfrom`) is named with the nearest valid one before anything else.
require_known_keys()
try:
    # The engine turns `5.0` into 5 before this program sees it: the file shows what was written.
    root = Path(pulumi.get_root_directory() or Path(__file__).parent)
    if written := running_stack_problems(pulumi.get_stack(), root):
        raise StackConfigError("Invalid stack configuration:\n  " + "\n  ".join(written))
    stack = load_stack_config(
        {
            "environment": config.require("environment"),
            "baseUrl": config.require("baseUrl"),
            "realms": config.require_object("realms"),
            **({"esvRestart": config.get_object("esvRestart")} if config.get("esvRestart") else {}),
            **({"protect": config.get_bool("protect")} if config.get("protect") else {}),
            **{key: config.get(key) for key in CHAIN_KEYS if config.get(key)},
            **({"promotion": config.get_object("promotion")} if config.get("promotion") else {}),
        }
    )
    # Only the realm names of the given secrets are read here (no value leaves the config).
    check_given_secrets(stack, json.loads(get_config("aic-sessions:signingSecrets") or "{}"))
except StackConfigError as exc:
    raise pulumi.RunError(str(exc)) from None  # the keys and fixes, without a traceback
given_secrets = config.get_secret_object("signingSecrets") or pulumi.Output.secret({})
# Secrets stored in ESVs: declared first, with the tenant's one restart after all of them.
esv_secrets = declare_esv_secrets(stack, given_secrets)
restart = declare_restart(stack, esv_secrets)
if stack.platform == "aic":  # the stack's place, for the policy pack's chain rules
    from aic_sessions import StackEnvironment

    StackEnvironment(
        f"{stack.environment}-environment",
        platform=stack.platform,
        stage=stack.stage,
        promotes_from=stack.promotesFrom,
    )
# An upper AIC stage: the stack below's static configuration arrives by promotion, after this
# environment's own ESVs are written and loaded (the dry run checks they exist).
lower = LowerStack(stack) if stack.upper else None
promotion = (
    declare_promotion(stack, lower, [restart] if restart else list(esv_secrets.values()))
    if lower is not None
    else None
)


def declare_realm(stack: StackConfig, realm: RealmConfig) -> RealmSessionSettings:
    if lower is not None:
        return declare_asserted_realm(stack, realm, lower)
    secret_cfg = realm.signingSecret
    value = given_secrets.apply(lambda d, r=realm.name: (d or {}).get(r))
    if secret_cfg.source == "given":
        value = value.apply(lambda v, r=realm.name: _require_given(v, r))
    esv = esv_secrets.get(realm.name)
    return RealmSessionSettings(
        f"{stack.environment}-{realm.slug}",
        base_url=stack.baseUrl,
        realm=realm.name,
        on_delete=realm.onDelete,
        journey=JourneyOptions(**realm.journey.options()),
        authenticated=AuthenticatedOptions(**realm.authenticated.options()),
        signing_secret=SigningSecretOptions(
            value=value if secret_cfg.source == "given" else None,
            esv_reference=realm.esv_name if esv is not None else secret_cfg.esvReference,
            rotation_trigger=None if esv is not None else secret_cfg.rotationTrigger,
            depends_on=(restart,) if esv is not None and restart is not None else (),
        ),
        # Pulumi's own protection (prod): `pulumi destroy` refuses until it is lifted.
        opts=pulumi.ResourceOptions(protect=stack.protect),
    )


def declare_asserted_realm(
    stack: StackConfig, realm: RealmConfig, lower: LowerStack
) -> RealmSessionSettings:
    """An upper stage's realm: the values the stack below deployed, asserted, never written."""
    return RealmSessionSettings(
        f"{stack.environment}-{realm.slug}",
        base_url=stack.baseUrl,
        realm=realm.name,
        on_delete=realm.onDelete,
        journey=JourneyOptions(**lower.options(realm.name, "journey")),
        authenticated=AuthenticatedOptions(**lower.options(realm.name, "authenticated")),
        signing_secret=SigningSecretOptions(
            esv_reference=lower.esv_reference(
                realm.name, realm.esv_name or realm.signingSecret.esvReference
            )
        ),
        assert_only=True,
        promotes_from=lower.name,
        after=[promotion] if promotion is not None else [],
        opts=pulumi.ResourceOptions(protect=stack.protect),
    )


def realm_outputs(settings: RealmSessionSettings, esv: EsvSecret | None) -> dict[str, object]:
    outputs = {
        "journeyStateManagement": settings.journey.state_management,
        "journeyMaxDurationMinutes": settings.journey.max_duration_minutes,
        "clientSideSessions": settings.authenticated.client_side_sessions,
        "signingSecretSource": settings.signing_secret.value_source,
        "signingSecretFingerprint": settings.signing_secret.fingerprint,
    }
    if esv is not None:  # the secret is stored in an ESV this stack manages
        outputs.update(
            signingSecretSource=pulumi.Output.from_input("esv-stored"),
            signingSecretFingerprint=esv.fingerprint,
            esvName=esv.name,
            esvActiveVersion=esv.activeVersion,
        )
    return outputs


def _require_given(value: object, realm: str) -> object:
    if not value:
        raise ValueError(
            f"realm {realm!r} has signingSecret.source 'given' but aic-sessions:signingSecrets "
            "has no value for it; run: "
            f"pulumi config set --secret --path 'signingSecrets.{realm}' <base64>"
        )
    return value


pulumi.export("environment", stack.environment)
pulumi.export("baseUrl", stack.baseUrl)
realms = {realm.name: declare_realm(stack, realm) for realm in stack.realms}
pulumi.export(
    "realms", {name: realm_outputs(s, esv_secrets.get(name)) for name, s in realms.items()}
)
if stack.platform == "aic":  # what the stack above (if any) promotes and asserts
    export_static(stack, {name: realm_static(s) for name, s in realms.items()})
if promotion is not None:
    pulumi.export(
        "promotion",
        {
            "promotesFrom": promotion.promotes_from,
            "promotedDigest": promotion.promoted_digest,
            "promotionId": promotion.promotion_id,
            "reportId": promotion.report_id,
            "summary": promotion.summary,
            "result": promotion.result,
        },
    )
if restart is not None:
    pulumi.export(
        "esvRestart",
        {
            "mode": restart.mode,
            "restarted": restart.restarted,
            "pendingRestart": restart.pendingRestart,
            "lagging": restart.lagging,
            "loadedVersions": restart.loadedVersions,
        },
    )
