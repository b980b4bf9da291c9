"""The Pulumi program: one set of session resources per realm of this stack's environment."""

from __future__ import annotations

import pulumi
from aic_sessions import (
    AuthenticatedOptions,
    JourneyOptions,
    RealmSessionSettings,
    SigningSecretOptions,
)
from aic_sessions.stack_config import RealmConfig, StackConfig, load_stack_config

config = pulumi.Config()
stack = load_stack_config(
    {
        "environment": config.require("environment"),
        "baseUrl": config.require("baseUrl"),
        "realms": config.require_object("realms"),
    }
)
given_secrets = config.get_secret_object("signingSecrets") or pulumi.Output.secret({})


def declare_realm(stack: StackConfig, realm: RealmConfig) -> dict[str, pulumi.Output[object]]:
    secret_cfg = realm.signingSecret
    value = given_secrets.apply(lambda d, r=realm.name: (d or {}).get(r))
    if secret_cfg.source == "given":
        value = value.apply(lambda v, r=realm.name: _require_given(v, r))
    settings = RealmSessionSettings(
        f"{stack.environment}-{realm.name.strip('/').replace('/', '-')}",
        base_url=stack.baseUrl,
        realm=realm.name,
        on_delete=realm.onDelete,
        journey=JourneyOptions(
            state_management=realm.journey.stateManagement.value,
            max_duration_minutes=realm.journey.maxDurationMinutes,
            suspended_timeout_minutes=realm.journey.suspendedTimeoutMinutes,
            allowlisting=realm.journey.allowlisting,
        ),
        authenticated=AuthenticatedOptions(
            client_side_sessions=realm.authenticated.clientSideSessions,
            max_session_time_minutes=realm.authenticated.maxSessionTimeMinutes,
            max_idle_time_minutes=realm.authenticated.maxIdleTimeMinutes,
        ),
        signing_secret=SigningSecretOptions(
            value=value if secret_cfg.source == "given" else None,
            esv_reference=secret_cfg.esvReference,
            rotation_trigger=secret_cfg.rotationTrigger,
        ),
    )
    return {
        "journeyStateManagement": settings.journey.state_management,
        "journeyMaxDurationMinutes": settings.journey.max_duration_minutes,
        "clientSideSessions": settings.authenticated.client_side_sessions,
        "signingSecretSource": settings.signing_secret.value_source,
        "signingSecretFingerprint": settings.signing_secret.fingerprint,
    }


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
