"""The server-side session rules as plain functions `(args, report_violation)`, and the policies.

Mandatory everywhere: journey sessions on CTS, server-side authenticated sessions, strong signing
secrets, a signing secret that no other environment (and no other realm) uses. Configurable
(advisory by default, raised per environment by the generated policy config): journey max
duration within bounds, a SigningSecret for every realm with session settings, and all three
resources for every managed realm. Every message names the resource, the realm, the problem and
the fix. Rules read the inputs after the provider's `check`, so everything they need (the
secret's fingerprint included) is known at preview.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from aic_sessions.client.realms import realm_display
from aic_sessions.domain import signing_secrets
from aic_sessions.domain.identity import realm_name, tenant_identity
from aic_sessions.domain.names import to_snake
from aic_sessions.domain.observed import JOURNEY_SETTINGS
from aic_sessions.resources.exports import type_token

Report = Callable[..., None]

JOURNEY = type_token("JourneySessionSettings")
AUTHENTICATED = type_token("AuthenticatedSessionSettings")
SIGNING_SECRET = type_token("SigningSecret")
BASELINE = type_token("RealmBaseline")
SESSION_TYPES = (JOURNEY, AUTHENTICATED, SIGNING_SECRET)
OWNED_TYPES = (*SESSION_TYPES, BASELINE)
ESV_SECRET = type_token("EsvSecret")
FINGERPRINTED = (SIGNING_SECRET, ESV_SECRET)  # EsvSecret: see esv_policies.py
KIND = {
    JOURNEY: "JourneySessionSettings",
    AUTHENTICATED: "AuthenticatedSessionSettings",
    SIGNING_SECRET: "SigningSecret",
}


def realm_of(props: Mapping[str, Any]) -> str:
    """One spelling per realm (`alpha`, `/alpha`, `root/alpha` -> `/alpha`)."""
    name = str(props.get("realm", "?"))
    try:
        return realm_display(name)
    except ValueError:
        return "/" + name.strip("/")


def tenant_of(url: Any) -> str:
    """The tenant by the one identity rule (`identity.tenant_identity`: loopback is one host)."""
    try:
        return tenant_identity(str(url or ""))
    except ValueError:
        return str(url or "").strip().rstrip("/").lower()


def realm_key(props: Mapping[str, Any]) -> tuple[str, str]:
    return (tenant_of(props.get("baseUrl")), realm_of(props))


def where(name: str, props: Mapping[str, Any]) -> str:
    return f"{name} (realm {realm_of(props)})"


def set_it(props: Mapping[str, Any], wire: str, python_value: str, config_value: str) -> str:
    """The fix: set the input, or, for a realm an upper AIC stage only asserts, set it in the
    stack below, where this stage's static configuration comes from."""
    if props.get("assertOnly") is True:
        below = props.get("promotesFrom")
        source = f"stack {below}" if below else "the stack below"
        return (
            f"Set {wire}: {config_value} in {source} (this stage receives it only by "
            "promotion), deploy it there, then promote it here (pulumi up, or by hand in "
            "promotion mode manual)"
        )
    return f"Set {setting(wire, python_value, config_value)}"


def setting(wire: str, python_value: str = "", config_value: str = "") -> str:
    """An input as each user writes it: the Python name first (a library user's program), then
    the stack config's camelCase name (`state_management='CTS' in Python (stateManagement: CTS
    in stack config)`)."""
    python = f"{to_snake(wire)}={python_value}" if python_value else to_snake(wire)
    config = f"{wire}: {config_value}" if config_value else wire
    return f"{python} in Python ({config} in stack config)"


# Resource rules ------------------------------------------------------------------------------


def journey_sessions_use_cts(args: ResourceValidationArgs, report: Report) -> None:
    """Journey sessions must be stored server-side (`CTS`)."""
    if args.resource_type != JOURNEY:
        return
    scheme = args.props.get("stateManagement")
    if scheme != "CTS":
        # Only a valid other scheme is described; anything else is no value of this setting.
        what = (
            f"journey sessions use {scheme!r}, so journey state is not kept server-side"
            if scheme in ("JWT", "IN_MEMORY")
            else f"journey sessions must use 'CTS', and {scheme!r} is not a valid scheme"
        )
        fix = set_it(args.props, "stateManagement", repr("CTS"), "CTS")
        report(f"{where(args.name, args.props)}: {what}. {fix}.")


def authenticated_sessions_server_side(args: ResourceValidationArgs, report: Report) -> None:
    """Authenticated sessions must be server-side ("Use Client-Side Sessions" cleared)."""
    if args.resource_type != AUTHENTICATED:
        return
    value = args.props.get("clientSideSessions")
    if value is not False:
        what = (
            "client-side sessions are on, so sessions are not stored in the CTS and cannot be "
            "listed or revoked"
            if value is True
            else f"client-side sessions must be off (false), and {value!r} is not a boolean"
        )
        fix = set_it(args.props, "clientSideSessions", "False", "false")
        report(f"{where(args.name, args.props)}: {what}. {fix}.")


def signing_secret_strength(args: ResourceValidationArgs, report: Report) -> None:
    """A given or generated secret is base64, at least 128 bits, and not trivially weak."""
    if args.resource_type != SIGNING_SECRET or args.props.get("valueSource") == "esv":
        return
    if args.props.get("valueSource") == "generated":
        return  # 256 random bits, drawn by the provider's create (never known at preview)
    value = args.props.get("value")
    if not isinstance(value, str):
        report(
            f"{where(args.name, args.props)}: the signing secret has no value. Give one or "
            "leave it unset to have 256 random bits generated."
        )
        return
    for problem in signing_secrets.format_problems(value) + signing_secrets.weakness_problems(
        value
    ):
        report(f"{where(args.name, args.props)}: the signing secret {problem}.")


def journey_max_duration_bounds(args: ResourceValidationArgs, report: Report) -> None:
    """Journey max duration within this environment's bounds (policy config)."""
    if args.resource_type != JOURNEY:
        return
    config = args.get_config()
    low, high = int(config.get("minMinutes", 1)), int(config.get("maxMinutes", 60))
    minutes = args.props.get("maxDurationMinutes")
    if isinstance(minutes, int | float) and not low <= minutes <= high:
        within = f"{low} to {high}"
        fix = (
            set_it(args.props, "maxDurationMinutes", "", f"a value within {within}")
            if args.props.get("assertOnly") is True
            else f"Set {setting('maxDurationMinutes')} within them"
        )
        report(
            f"{where(args.name, args.props)}: journey max duration is {int(minutes)} minutes, "
            f"outside this environment's bounds of {within}. {fix}; or change the bounds "
            "(python -m aic_sessions.policy_pack.config --levels FILE)."
        )


# Stack rules ---------------------------------------------------------------------------------


def _session_resources(args: StackValidationArgs) -> list[Any]:
    return [r for r in args.resources if r.resource_type in SESSION_TYPES]


def running_stack(args: StackValidationArgs) -> str | None:
    """The stack this run previews, from its resources' URNs (`urn:pulumi:<stack>::...`)."""
    for resource in args.resources:
        head = str(resource.urn).split("::", 1)[0]
        if head.startswith("urn:pulumi:"):
            return head.removeprefix("urn:pulumi:")
    return None


def written_for_another_stack(args: StackValidationArgs) -> str | None:
    """The problem when the run's policy config was written for another stack: it compares
    this stack with the wrong ones (itself among them)."""
    written, running = args.get_config().get("stack"), running_stack(args)
    if not isinstance(written, str) or running is None or written.rsplit("/", 1)[-1] == running:
        return None
    return (
        f"this run's --policy-pack-config was written for stack {written}, not for this stack "
        f"({running}), so its comparisons with the other stacks would be with the wrong ones. "
        f"Write it for this stack: {config_command(running)}, then pass "
        "--policy-pack-config policy-config.json."
    )


def config_command(stack: str, action: str = "--output policy-config.json") -> str:
    return f"python -m aic_sessions.policy_pack.config --stack {stack} {action}"


def signing_secret_distinct(args: StackValidationArgs, report: Report) -> None:
    """No two realms share a secret, and no other environment uses this stack's secret."""
    if problem := written_for_another_stack(args):
        report(problem)  # once, here: the other stack-wide rules skip such a config
        return
    config = args.get_config()
    others: Mapping[str, Mapping[str, str]] = config.get("otherEnvironments", {})
    owners: dict[str, list[Any]] = defaultdict(list)
    for resource in args.resources:
        fingerprint = resource.props.get("fingerprint")
        if resource.resource_type in FINGERPRINTED and isinstance(fingerprint, str):
            owners[fingerprint].append(resource)
    for fingerprint, resources in owners.items():
        if len(resources) > 1:
            names = ", ".join(where(r.name, r.props) for r in resources)
            for resource in resources:
                report(
                    f"{names} use the same signing secret. Give each realm its own secret.",
                    resource.urn,
                )
        for environment, realms in sorted(others.items()):
            for realm, other in sorted(realms.items()):
                if other == fingerprint:
                    for resource in resources:
                        report(
                            f"{where(resource.name, resource.props)}: the signing secret is the "
                            f"same as {environment}'s (realm {realm}); journeys signed in one "
                            "environment would be valid in the other. Use a different secret "
                            f"in each environment: {new_secret(args, resource)}.",
                            resource.urn,
                        )


def new_secret(args: StackValidationArgs, resource: Any) -> str:
    """How this stack gets another secret for the realm: by its source (an ESV-held value
    needs no record: its fingerprint is the `EsvSecret`'s own output)."""
    stack, props = running_stack(args) or "<stack>", resource.props
    if props.get("valueSource") == "generated":
        return (
            "change the secret's rotation trigger (rotation_trigger in Python, "
            "signingSecret.rotationTrigger in stack config) to draw a new one"
        )
    realm = realm_name(realm_of(props))
    record = (
        f"then pulumi up --stack {stack} (a restart loads the new value) and "
        if resource.resource_type == ESV_SECRET
        else f"then {config_command(stack, '--record')} and "
    )
    return (
        "set another value where the program reads it (the stack program: pulumi config set "
        f"--secret --path 'aic-sessions:signingSecrets.{realm}' \"$(openssl rand -base64 32)\" "
        f"--stack {stack}), {record}{config_command(stack)}"
    )


def policy_config_given(args: StackValidationArgs, report: Report) -> None:
    """Says so when the run has no `--policy-pack-config`: the rules that compare with the other
    stacks then see this stack only, and the levels are the pack's defaults."""
    if args.get_config().get("environment"):
        return
    report(
        "This run has no --policy-pack-config: signing secrets were compared within this stack "
        "only, not with the other environments', no other stack's claims on its realms were "
        "read, and the levels are the pack's defaults, not this environment's. Write the "
        f"config with: {config_command(running_stack(args) or '<stack>')}, then pass "
        "--policy-pack-config policy-config.json."
    )


def realm_single_owner(args: StackValidationArgs, report: Report) -> None:
    """A realm has one owner: declared once in this stack, and in no other stack."""
    if written_for_another_stack(args):
        return  # its claims are the wrong stacks'; `signing_secret_distinct` says so
    claimed = {
        (tenant_of(c.get("baseUrl")), realm_of(c)): str(c.get("stack"))
        for c in args.get_config().get("claimedElsewhere", [])
    }
    seen: dict[tuple[str, str, str], str] = {}
    for resource in args.resources:
        if resource.resource_type not in OWNED_TYPES:
            continue
        key = realm_key(resource.props)
        first = seen.setdefault((*key, resource.resource_type), resource.name)
        if first != resource.name:
            report(
                f"{where(resource.name, resource.props)}: the realm is managed twice in this "
                f"stack ({first} too); declare each realm once.",
                resource.urn,
            )
        if key in claimed:
            report(
                f"{where(resource.name, resource.props)}: stack {claimed[key]} manages this "
                "realm of the same tenant too; each would record the other's values as prior "
                "and destroy would leave neither. Give the realm one owner (docs/recovery.md: "
                "'When a realm changes hands').",
                resource.urn,
            )


def realm_has_signing_secret(args: StackValidationArgs, report: Report) -> None:
    """Every realm whose sessions are managed here also has its signing secret managed."""
    by_realm = _by_realm(_session_resources(args))
    for (_, realm), kinds in sorted(by_realm.items()):
        if SIGNING_SECRET not in kinds:
            first = next(iter(kinds.values()))
            report(
                f"realm {realm}: sessions are configured but no SigningSecret is declared, so the "
                "tenant-generated secret is used in every environment. Declare a SigningSecret "
                "for this realm.",
                first.urn,
            )


def realm_fully_managed(args: StackValidationArgs, report: Report) -> None:
    """Every managed realm has all three resources; journeys only where the server has them
    (its baseline observed none: OpenAM, AM before 6.5)."""
    baselines = _by_realm(r for r in args.resources if r.resource_type == BASELINE)
    for key, kinds in sorted(_by_realm(_session_resources(args)).items()):
        baseline = baselines.get(key, {}).get(BASELINE)
        journeys = _journeys_asked(baseline)
        missing = [KIND[t] for t in SESSION_TYPES if t not in kinds and (t != JOURNEY or journeys)]
        if not missing:
            continue
        declared_without = baseline is not None and _declared_without_journeys(baseline)
        if JOURNEY not in kinds and declared_without and _observed_journeys(baseline):
            fix = (
                "The realm is declared without journeys (journey=False), but its server has "
                "journey-session settings: declare them (journey=JourneyOptions(...); in a "
                "stack file, a journey section)."
            )
        elif KIND[JOURNEY] in missing and _observed_journeys(baseline) is None:
            fix = (
                f"Declare {' and '.join(missing)}. On a server without journey-session "
                "settings (OpenAM, AM before 6.5), declare the realm with journey=False and run "
                "pulumi refresh once: its baseline then records that the server has none."
            )
        else:
            fix = f"Declare {' and '.join(missing)}."
        report(
            f"realm {key[1]}: {', '.join(missing)} missing; part of the realm's session "
            f"configuration is left to manual changes. {fix}",
            next(iter(kinds.values())).urn,
        )


def _observed_journeys(baseline: Any) -> bool | None:
    """What the realm's baseline observed of the server's journey-session settings (None: not
    yet, or before it was recorded)."""
    observed = baseline.props.get("observed") if baseline is not None else None
    if isinstance(observed, Mapping) and isinstance(observed.get(JOURNEY_SETTINGS), bool):
        return bool(observed[JOURNEY_SETTINGS])
    return None


def _declared_without_journeys(baseline: Any) -> bool:
    return not baseline.props.get("requiresJourneySettings")


def _journeys_asked(baseline: Any) -> bool:
    """Whether the realm must have journey settings, as far as the policy can tell: not when
    its baseline observed that the server has none, nor when the realm is declared without
    journeys and its baseline has observed nothing yet (a new realm at preview: at `up` the
    stack's analysis runs on the final outputs, the observation included)."""
    if baseline is None:
        return True  # resources declared on their own: nothing observed the server
    observed = _observed_journeys(baseline)
    if observed is not None:
        return observed
    new = not isinstance(baseline.props.get("observed"), Mapping)
    return not (new and _declared_without_journeys(baseline))


def signing_secret_fingerprint_recorded(args: StackValidationArgs, report: Report) -> None:
    """Each given secret's fingerprint is recorded in the stack's config, and every record is true.

    Other stacks' policy checks read the record instead of this stack's secrets (they do not
    have its passphrase), so a missing or stale record would hide a shared secret from them.
    """
    if written_for_another_stack(args):
        return  # another stack's records; `signing_secret_distinct` says so
    config, stack = args.get_config(), running_stack(args) or "<stack>"
    given: dict[str, Any] = {}
    for resource in _session_resources(args):
        source = resource.props.get("valueSource")
        if resource.resource_type == SIGNING_SECRET and source == "given":
            given[realm_name(realm_of(resource.props))] = resource
    if "recorded" not in config:
        for resource in given.values():
            report(
                f"{where(resource.name, resource.props)}: this run has no policy config with the "
                "stack's recorded fingerprints, so the record cannot be checked. Record them "
                f"({config_command(stack, '--record')}), write the config "
                f"({config_command(stack)}) and pass --policy-pack-config policy-config.json.",
                resource.urn,
            )
        return
    records = {realm_name(realm): fp for realm, fp in config["recorded"].items()}
    # The run reads the record from the policy config, written from the stack's config: both.
    how = (
        f"run: {config_command(stack, '--record')}, then write the policy config again "
        f"({config_command(stack)}) and pass it with --policy-pack-config"
    )
    for realm, resource in sorted(given.items()):
        fingerprint = resource.props.get("fingerprint")
        if not isinstance(fingerprint, str):
            report(
                f"{where(resource.name, resource.props)}: the secret's fingerprint is not known "
                "at this preview (a value computed from another resource?), so its record "
                "cannot be checked. Give the value from the stack's config.",
                resource.urn,
            )
        elif realm not in records:
            report(
                f"{where(resource.name, resource.props)}: the given signing secret's fingerprint "
                "is not recorded in aic-sessions:signingSecretFingerprints, so other stacks' "
                f"checks cannot compare it before it is deployed. To record it, {how}.",
                resource.urn,
            )
        elif records[realm] != fingerprint:
            report(
                f"{where(resource.name, resource.props)}: the fingerprint recorded in "
                "aic-sessions:signingSecretFingerprints is not this secret's (the secret changed "
                f"since it was recorded). To record the current one, {how}.",
                resource.urn,
            )
    for realm in sorted(set(records) - set(given)):
        report(
            f"realm /{realm}: aic-sessions:signingSecretFingerprints records a fingerprint, but "
            f"the realm has no given signing secret in this stack. To remove the record, {how}."
        )


def _by_realm(resources: Iterable[Any]) -> dict[tuple[str, str], dict[str, Any]]:
    grouped: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for resource in resources:
        grouped[realm_key(resource.props)][resource.resource_type] = resource
    return grouped


# The policies --------------------------------------------------------------------------------

MANDATORY, ADVISORY = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY

BOUNDS_SCHEMA = PolicyConfigSchema(
    properties={
        "minMinutes": {"type": "integer", "minimum": 1, "default": 1},
        "maxMinutes": {"type": "integer", "minimum": 1, "maximum": 1440, "default": 60},
    }
)
CONFIG_GIVEN = "policy-pack-config-given"
WRITTEN_FOR = {"stack": {"type": "string"}}  # the stack the config was written for
DISTINCT_SCHEMA = PolicyConfigSchema(
    properties={
        **WRITTEN_FOR,
        "environment": {"type": "string"},
        "otherEnvironments": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {"type": "string", "pattern": "^scrypt:[0-9a-f]+$"},
            },
            "default": {},
        },
    }
)

OWNER_SCHEMA = PolicyConfigSchema(
    properties={
        **WRITTEN_FOR,
        "claimedElsewhere": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "stack": {"type": "string"},
                    "baseUrl": {"type": "string"},
                    "realm": {"type": "string"},
                },
                "required": ["stack", "baseUrl", "realm"],
            },
            "default": [],
        },
    }
)

RECORDED_SCHEMA = PolicyConfigSchema(
    properties={
        **WRITTEN_FOR,
        "recorded": {
            "type": "object",
            "additionalProperties": {"type": "string", "pattern": "^scrypt:[0-9a-f]{32}$"},
        },
    }
)

POLICIES = [
    ResourceValidationPolicy(
        name="journey-sessions-use-cts",
        description="Journey sessions are stored server-side in the CTS.",
        validate=journey_sessions_use_cts,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="authenticated-sessions-server-side",
        description="Authenticated sessions are server-side: Use Client-Side Sessions is cleared.",
        validate=authenticated_sessions_server_side,
        enforcement_level=MANDATORY,
    ),
    ResourceValidationPolicy(
        name="signing-secret-strength",
        description="Signing secrets are base64, at least 128 bits and not trivially weak.",
        validate=signing_secret_strength,
        enforcement_level=MANDATORY,
    ),
    StackValidationPolicy(
        name="signing-secret-distinct-across-environments",
        description="Each realm and each environment has its own signing secret.",
        validate=signing_secret_distinct,
        enforcement_level=MANDATORY,
        config_schema=DISTINCT_SCHEMA,
    ),
    StackValidationPolicy(
        name=CONFIG_GIVEN,
        description="The run has the stack's --policy-pack-config (the other stacks' data).",
        validate=policy_config_given,
        enforcement_level=ADVISORY,
        config_schema=PolicyConfigSchema(
            properties={"environment": {"type": "string"}, **WRITTEN_FOR}
        ),
    ),
    StackValidationPolicy(
        name="signing-secret-fingerprint-recorded",
        description="Given signing secrets have their fingerprint recorded in the stack's config.",
        validate=signing_secret_fingerprint_recorded,
        enforcement_level=MANDATORY,
        config_schema=RECORDED_SCHEMA,
    ),
    ResourceValidationPolicy(
        name="journey-max-duration-bounds",
        description="Journey max duration is within the environment's bounds.",
        validate=journey_max_duration_bounds,
        enforcement_level=ADVISORY,
        config_schema=BOUNDS_SCHEMA,
    ),
    StackValidationPolicy(
        name="realm-single-owner",
        description="Each realm is managed by one stack, once.",
        validate=realm_single_owner,
        enforcement_level=MANDATORY,
        config_schema=OWNER_SCHEMA,
    ),
    StackValidationPolicy(
        name="realm-has-signing-secret",
        description="Every realm with managed session settings has a SigningSecret.",
        validate=realm_has_signing_secret,
        enforcement_level=ADVISORY,
    ),
    StackValidationPolicy(
        name="realm-fully-managed",
        description=(
            "Every managed realm has all three session resources (journeys where the server "
            "has journey-session settings)."
        ),
        validate=realm_fully_managed,
        enforcement_level=ADVISORY,
    ),
]
