"""The Pulumi program: one set of session resources per realm of this stack's environment."""

from __future__ import annotations

import json
from pathlib import Path

import pulumi
from aic_sessions import (
    AuthenticatedOptions,
    JourneyOptions,
    RealmSessionSettings,
    SigningSecretOptions,
)
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

config = pulumi.Config()
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


def declare_realm(stack: StackConfig, realm: RealmConfig) -> dict[str, pulumi.Output[object]]:
    secret_cfg = realm.signingSecret
    value = given_secrets.apply(lambda d, r=realm.name: (d or {}).get(r))
    if secret_cfg.source == "given":
        value = value.apply(lambda v, r=realm.name: _require_given(v, r))
    esv = esv_secrets.get(realm.name)
    settings = RealmSessionSettings(
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
pulumi.export("realms", {realm.name: declare_realm(stack, realm) for realm in stack.realms})
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
