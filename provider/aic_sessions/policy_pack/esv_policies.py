"""Rules for signing secrets stored in ESVs (`EsvSecret`), as plain functions
`(args, report_violation)`, and their policies (`ESV_POLICIES`, added to the pack in
`__main__.py`).

- `esv-signing-secret-strength`: the ESV's value obeys the same strength rules as a literal
  `SigningSecret` (base64, >= 128 bits, not trivially weak).
- `esv-names-unique-per-realm`: within a tenant, an ESV holds the secret of one realm only.
Distinctness across realms and environments is the `signing-secret-distinct-across-
environments` rule of `session_policies.py`, which counts `EsvSecret` fingerprints too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from aic_sessions.domain import signing_secrets
from aic_sessions.resources.exports import type_token

from .session_policies import realm_key, realm_of, tenant_of

Report = Callable[..., None]
ESV_SECRET = type_token("EsvSecret")


def _where(name: str, props: Any) -> str:
    return (
        f"{name} (ESV {props.get('name', '?')}, realm /{str(props.get('realm', '?')).strip('/')})"
    )


def esv_signing_secret_strength(args: ResourceValidationArgs, report: Report) -> None:
    """The value stored in the ESV is base64, at least 128 bits, and not trivially weak."""
    if args.resource_type != ESV_SECRET:
        return
    if args.props.get("valueSource") == "generated":
        return  # 256 random bits, drawn by the provider's create (never known at preview)
    value = args.props.get("value")
    if not isinstance(value, str):
        report(
            f"{_where(args.name, args.props)}: the signing secret has no value. Give one or "
            "leave it unset to have 256 random bits generated."
        )
        return
    problems = signing_secrets.format_problems(value) + signing_secrets.weakness_problems(value)
    for problem in problems:
        report(f"{_where(args.name, args.props)}: the signing secret stored in the ESV {problem}.")


def esv_names_unique_per_realm(args: StackValidationArgs, report: Report) -> None:
    """One ESV per realm: two realms of a tenant never share an ESV (nor one realm two ESVs)."""
    by_esv: dict[tuple[str, str], list[Any]] = defaultdict(list)
    by_realm: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for resource in args.resources:
        if resource.resource_type != ESV_SECRET:
            continue
        tenant = tenant_of(resource.props.get("baseUrl"))
        by_esv[(tenant, str(resource.props.get("name")))].append(resource)
        by_realm[realm_key(resource.props)].append(resource)
    for (_, esv), resources in sorted(by_esv.items()):
        realms = sorted({realm_of(r.props) for r in resources})
        if len(resources) > 1:
            for resource in resources:
                report(
                    f"ESV {esv} is declared {len(resources)} times (realms {', '.join(realms)}); "
                    "each realm needs its own ESV name (EsvOptions(name=...) in Python, "
                    "signingSecret.esvName in stack config).",
                    resource.urn,
                )
    for (_, realm), resources in sorted(by_realm.items()):
        if len(resources) > 1:
            names = ", ".join(sorted(str(r.props.get("name")) for r in resources))
            for resource in resources:
                report(
                    f"realm {realm} has its signing secret in several ESVs ({names}); keep one.",
                    resource.urn,
                )


ESV_POLICIES = [
    ResourceValidationPolicy(
        name="esv-signing-secret-strength",
        description="Signing secrets stored in ESVs are base64, >= 128 bits, not trivially weak.",
        validate=esv_signing_secret_strength,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="esv-names-unique-per-realm",
        description="Within a tenant, each ESV holds the signing secret of one realm only.",
        validate=esv_names_unique_per_realm,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
