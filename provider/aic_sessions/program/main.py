"""The Pulumi program: one set of session resources per realm of this stack's environment.

On Advanced Identity Cloud an upper stage (uat, staging, production) never writes its realms:
its `Promotion` brings the static configuration of the stack below, then its realms assert it.
Any project can run it: a one-line `__main__.py` calling `run()` and stack files of this shape.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pulumi
import yaml
from pulumi.runtime.config import get_config

from aic_sessions.collector import tune_collector
from aic_sessions.domain.namespace import NAMESPACE, config_key
from aic_sessions.domain.nearest import one_typo_from
from aic_sessions.program.chain import LowerStack, declare_promotion, export_static, realm_static
from aic_sessions.program.config_keys import PROGRAM_KEYS, require_known_keys
from aic_sessions.program.esvs import (
    declare_esv_secrets,
    declare_restart,
    esv_options,
    realm_component_name,
    value_of,
)
from aic_sessions.program.stack_config import (
    RealmConfig,
    StackConfig,
    StackConfigError,
    check_given_secrets,
    load_stack_config,
)
from aic_sessions.program.stack_files import running_stack_problems
from aic_sessions.program.stack_reader import stack_names

if TYPE_CHECKING:
    from aic_sessions.resources import EsvSecret, Promotion, RealmSessionSettings, TenantRestart

CHAIN_KEYS = ("platform", "stage", "promotesFrom")


def package_config() -> pulumi.Config:
    """The stack's keys, `aic-sessions:<key>` whatever the project running this is called."""
    return pulumi.Config(NAMESPACE)


def run() -> None:
    """Declares the stack's resources and exports their outputs."""
    tune_collector()  # a program of many realms spends a quarter of its CPU in the collector
    # A misspelt key (`promotesfrom`) is named with the nearest valid one before anything else.
    require_known_keys()
    stack = load_checked_stack()
    given_secrets = package_config().get_secret_object("signingSecrets") or pulumi.Output.secret({})
    if stack.platform == "aic":  # the stack's place, for the policy pack's chain rules
        from aic_sessions.resources import StackEnvironment

        StackEnvironment(
            f"{stack.environment}-environment",
            platform=stack.platform,
            stage=stack.stage,
            promotes_from=stack.promotesFrom,
        )
    # Loops, not comprehensions: on Python 3.11 a comprehension is one more frame in the call
    # stack the SDK records in state for every resource declared in it (3.12 inlines them).
    realms: dict[str, RealmSessionSettings] = {}
    if stack.upper:
        # An upper AIC stage: the stack below's static configuration arrives by promotion, after
        # this environment's own ESVs are written and loaded (the dry run checks they exist).
        lower = LowerStack(stack)
        esv_secrets = declare_esv_secrets(stack, given_secrets)
        restart = declare_restart(stack, list(esv_secrets.values()))
        promotion = declare_promotion(stack, lower, [restart] if restart else [])
        for realm in stack.realms:
            realms[realm.name] = declare_asserted_realm(
                stack, realm, lower, promotion, esv_secrets.get(realm.name)
            )
    else:
        promotion = None
        for realm in stack.realms:
            realms[realm.name] = declare_written_realm(stack, realm, given_secrets)
        # The tenant's one restart, after every ESV write; the realms point at their ESVs after it.
        restart = declare_restart(stack, [s for s in realms.values() if s.esv is not None])
    export_outputs(stack, realms, promotion, restart)


def load_checked_stack() -> StackConfig:
    """The typed stack configuration, or a `RunError` listing every key to fix."""
    config = package_config()
    try:
        require_package_namespace(config)
        # The engine turns `5.0` into 5 before this program sees it: the file shows what was
        # written.
        root = Path(pulumi.get_root_directory() or Path.cwd())
        if written := running_stack_problems(pulumi.get_stack(), root):
            raise StackConfigError("Invalid stack configuration:\n  " + "\n  ".join(written))
        optional_objects = ("esvRestart", "promotion")
        stack = load_stack_config(
            {
                "environment": config.require("environment"),
                "baseUrl": config.require("baseUrl"),
                "realms": config.require_object("realms"),
                **{key: config.get_object(key) for key in optional_objects if config.get(key)},
                **({"protect": config.get_bool("protect")} if config.get("protect") else {}),
                **{key: config.get(key) for key in CHAIN_KEYS if config.get(key)},
            },
            pulumi.get_stack(),
        )
        # The given secrets' realm names, and what their SigningSecret would refuse (no value
        # reaches a message).
        check_given_secrets(stack, json.loads(get_config(config_key("signingSecrets")) or "{}"))
        require_known_lower_stack(stack.promotesFrom, root)
    except StackConfigError as exc:
        raise pulumi.RunError(str(exc)) from None  # the keys and fixes, without a traceback
    return stack


def require_known_lower_stack(name: str | None, root: Path) -> None:
    """A `promotesFrom` one typo away from a stack of this project (`stagng`) is named with it,
    before the engine's own "unknown stack" (which names no key); other names are the engine's
    to resolve (another project's, or a stack without a file)."""
    if not name or "/" in name:
        return
    try:
        names = stack_names(root)
    except (OSError, ValueError, yaml.YAMLError):
        return
    if name in names:
        return
    typo = one_typo_from(name, names)
    if typo:
        raise StackConfigError(
            f"Invalid stack configuration:\n  aic-sessions:promotesFrom: no stack {name!r} in "
            f"this project; did you mean {typo!r}? (its stacks: {', '.join(names)}; a stack "
            "without a file here is named in full: organization/<project>/<stack>)"
        )
    # Maybe a stack of this project without a file: the engine resolves it, or says "unknown
    # stack" without naming the key, which this names first.
    pulumi.log.warn(
        f"aic-sessions:promotesFrom names stack {name!r}, which has no Pulumi.{name}.yaml in "
        f"this project (its stacks: {', '.join(names)}). If it was renamed (pulumi stack "
        "rename), set promotesFrom to its new name; a stack of another project is named in "
        "full: organization/<project>/<stack>."
    )


def require_package_namespace(config: pulumi.Config) -> None:
    """Stop with the fix when the stack's keys are under the project's name (`my-proj:realms`)
    instead of `aic-sessions:realms`: a bare `pulumi config set realms` writes them there."""
    project = pulumi.get_project()
    if project == NAMESPACE:
        return
    own = pulumi.Config()
    under_project = [k for k in PROGRAM_KEYS if own.get(k) is not None]
    # A key this program would miss; one it has under aic-sessions: too may be the user's own.
    misplaced = [f"{project}:{k}" for k in under_project if config.get(k) is None]
    beside = [f"{project}:{k}" for k in under_project if config.get(k) is not None]
    if beside:
        pulumi.log.warn(
            f"{', '.join(beside)}: not read by this program, which reads the aic-sessions: key "
            "of the same name (set too); remove it if it was meant for this program."
        )
    if misplaced:
        raise StackConfigError(
            "Invalid stack configuration: this program reads aic-sessions:<key> whatever the "
            f"project is called, and the stack sets {', '.join(misplaced)}. Move them to "
            f"aic-sessions:<key> (in Pulumi.{pulumi.get_stack()}.yaml, rename the "
            f"`{project}:` prefix to `aic-sessions:`; with the CLI, give the full "
            "key: pulumi config set [--secret] [--path] aic-sessions:<key> ...). Nothing was "
            "deployed."
        )


def declare_written_realm(
    stack: StackConfig, realm: RealmConfig, given_secrets: pulumi.Output[Any]
) -> RealmSessionSettings:
    """A realm this stack writes: its journey, authenticated and signing-secret settings."""
    from aic_sessions.resources import (
        AuthenticatedOptions,
        JourneyOptions,
        RealmSessionSettings,
        SigningSecretOptions,
    )

    secret = realm.signingSecret
    if realm.esv_name is not None:
        signing_secret = SigningSecretOptions(esv=esv_options(stack, realm, given_secrets))
    else:
        signing_secret = SigningSecretOptions(
            # A given realm has a value: `check_given_secrets` said so at preview.
            value=given_secrets.apply(functools.partial(value_of, realm=realm.name))
            if secret.source == "given"
            else None,
            esv_reference=secret.esvReference,
            rotation_trigger=secret.rotationTrigger,
        )
    return RealmSessionSettings(
        realm_component_name(stack, realm),
        base_url=stack.baseUrl,
        realm=realm.name,
        on_delete=realm.onDelete,
        # The sections are the same tables as the options: their keywords are the options.
        journey=False
        if realm.journey is False
        else cast("JourneyOptions", realm.journey.options()),
        authenticated=cast("AuthenticatedOptions", realm.authenticated.options()),
        signing_secret=signing_secret,
        # Pulumi's own protection (prod): `pulumi destroy` refuses until it is lifted.
        opts=pulumi.ResourceOptions(protect=stack.protect),
    )


def declare_asserted_realm(
    stack: StackConfig,
    realm: RealmConfig,
    lower: LowerStack,
    promotion: Promotion | None,
    esv: EsvSecret | None,
) -> RealmSessionSettings:
    """An upper stage's realm: the values the stack below deployed, asserted, never written."""
    from aic_sessions.resources import (
        AuthenticatedOptions,
        JourneyOptions,
        RealmSessionSettings,
        SigningSecretOptions,
    )

    return RealmSessionSettings(
        realm_component_name(stack, realm),
        base_url=stack.baseUrl,
        realm=realm.name,
        on_delete=realm.onDelete,
        journey=cast("JourneyOptions", lower.options(realm.name, "journey")),
        authenticated=cast("AuthenticatedOptions", lower.options(realm.name, "authenticated")),
        signing_secret=SigningSecretOptions(
            # The promoted reference, which must name this stage's own ESV (`esv`) if it has one.
            esv_reference=lower.esv_reference(
                realm.name,
                realm.esv_name or realm.signingSecret.esvReference,
                by_default=realm.esv_name is not None and realm.signingSecret.esvName is None,
            ),
            esv=esv,
        ),
        assert_only=True,
        promotes_from=lower.name,
        # Each new promotion asserts the realm again: it may carry what the tenant below holds
        # beside its stack's values (a change made there by hand).
        promotion_id=promotion.promotion_id if promotion is not None else None,
        after=[promotion] if promotion is not None else [],
        opts=pulumi.ResourceOptions(protect=stack.protect),
    )


def realm_outputs(settings: RealmSessionSettings) -> dict[str, object]:
    """One realm's row of the stack output `realms`: the component's outputs."""
    journey = settings.journey  # None on a server without journey-session settings
    outputs: dict[str, object] = {
        "journeyStateManagement": journey.state_management if journey else None,
        "journeyMaxDurationMinutes": journey.max_duration_minutes if journey else None,
        "clientSideSessions": settings.authenticated.client_side_sessions,
        "signingSecretSource": settings.signing_secret_source,
        "signingSecretFingerprint": settings.signing_secret_fingerprint,
    }
    if settings.esv is not None:  # the secret is stored in an ESV this stack manages
        outputs.update(esvName=settings.esv.name, esvActiveVersion=settings.esv.active_version)
    return outputs


def export_outputs(
    stack: StackConfig,
    realms: dict[str, RealmSessionSettings],
    promotion: Promotion | None,
    restart: TenantRestart | None,
) -> None:
    """The stack outputs: environment, tenant, realms, and the promotion and restart states."""
    pulumi.export("environment", stack.environment)
    pulumi.export("baseUrl", stack.baseUrl)
    pulumi.export("realms", {name: realm_outputs(s) for name, s in realms.items()})
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
                "pendingRestart": restart.pending_restart,
                "lagging": restart.lagging,
                "loadedVersions": restart.loaded_versions,
            },
        )
