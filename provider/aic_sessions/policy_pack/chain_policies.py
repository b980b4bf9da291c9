"""Rules of an Advanced Identity Cloud promotion chain, as plain functions
`(args, report_violation)`, and their policies (`CHAIN_POLICIES`, added to the pack in
`__main__.py`). A stack's place comes from its `StackEnvironment`; a stack without one, or on
platform `am` (self-managed AM), is not in a chain and none of these rules applies to it.

- `aic-signing-secret-esv-placeholder`: on AIC every realm's signing secret is an ESV
  placeholder, never a literal: configuration written in development is promoted unchanged,
  so a literal would become staging's and production's secret too.
- `upper-environment-no-static-writes`: an upper stage (uat, staging, production) declares no
  write of static configuration: every realm resource is assert-only.
- `promotion-chain-sequential`: an upper stage promotes from the stage just below (staging from
  development or uat, production from staging), through one `Promotion`.
Each environment's ESV value being strong and distinct from every other environment's is the
fingerprint rules of `esv_policies.py` and `session_policies.py`, as for every stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, StackValidationArgs, StackValidationPolicy

from aic_sessions.domain.environments import PROMOTES_FROM, is_upper, sequential
from aic_sessions.domain.signing_secrets import default_esv_name, esv_expression
from aic_sessions.resources.exports import type_token

from .session_policies import SESSION_TYPES, SIGNING_SECRET, where

Report = Callable[..., None]
ENVIRONMENT = type_token("StackEnvironment")
PROMOTION = type_token("Promotion")
BASELINE = type_token("RealmBaseline")


def _place(args: StackValidationArgs) -> dict[str, Any] | None:
    """The stack's `StackEnvironment` inputs, when it is on AIC."""
    for resource in args.resources:
        if resource.resource_type == ENVIRONMENT and resource.props.get("platform") == "aic":
            return dict(resource.props)
    return None


def aic_signing_secret_esv_placeholder(args: StackValidationArgs, report: Report) -> None:
    """On AIC, the realm's secret references an ESV (`&{esv.…}`), never a literal value."""
    place = _place(args)
    if place is None:
        return
    for resource in args.resources:
        if resource.resource_type != SIGNING_SECRET:
            continue
        source = resource.props.get("valueSource")
        if source in ("given", "generated"):
            esv = default_esv_name(str(resource.props.get("realm", "")))
            report(
                f"{where(resource.name, resource.props)}: the signing secret is a literal "
                f"({source}) in the {place.get('stage')} stage of an AIC promotion chain; a "
                "promotion would carry it unchanged into staging and production. Keep it in "
                f"an ESV instead: create {esv} in every environment "
                f"(SigningSecretOptions(esv=EsvOptions(name={esv!r})) in Python; stack config "
                "signingSecret.source: esv-generated), which creates it and references "
                f"{esv_expression(esv)}.",
                resource.urn,
            )


def upper_environment_no_static_writes(args: StackValidationArgs, report: Report) -> None:
    """An upper stage's realm resources are all assert-only, and its baselines restore nothing."""
    place = _place(args)
    if place is None or not is_upper("aic", place.get("stage")):
        return
    for resource in args.resources:
        if resource.resource_type == BASELINE and _baseline_restores(resource.props):
            report(
                f"{where(resource.name, resource.props)}: the {place.get('stage')} stage refuses "
                "writes of static configuration, and this RealmBaseline would write its "
                "observed values back on destroy. Declare it with manages=[] and "
                "on_delete='retain' (RealmSessionSettings(..., assert_only=True) does so).",
                resource.urn,
            )
        if resource.resource_type in SESSION_TYPES and resource.props.get("assertOnly") is not True:
            report(
                f"{where(resource.name, resource.props)}: the {place.get('stage')} stage refuses "
                "writes of static configuration, and this resource would write. Declare it "
                "assert-only (RealmSessionSettings(..., assert_only=True), as this project's "
                "program does in an upper stage) and change the value in the stage below.",
                resource.urn,
            )


def _baseline_restores(props: Mapping[str, Any]) -> bool:
    """Whether a RealmBaseline's delete may write (it restores what its stack managed)."""
    return bool(props.get("manages")) or props.get("onDelete", "restore") != "retain"


def promotion_chain_sequential(args: StackValidationArgs, report: Report) -> None:
    """An upper stage has one `Promotion`, from the stage just below."""
    place = _place(args)
    if place is None or not is_upper("aic", place.get("stage")):
        return
    stage = str(place.get("stage"))
    below = " or ".join(PROMOTES_FROM.get(stage, ()))  # type: ignore[call-overload]
    promotions = [r for r in args.resources if r.resource_type == PROMOTION]
    if len(promotions) != 1:
        report(
            f"the {stage} stage needs exactly one Promotion (from {below}); it has "
            f"{len(promotions)}. Declare one Promotion from the stack below in your program "
            "(docs/environments.md); with this project's stack program, set "
            "aic-sessions:promotesFrom to that stack."
        )
        return
    lower = promotions[0].props.get("lowerStage")
    if not isinstance(lower, str):
        return  # unknown until the stack reference resolves; the resource checks it then
    if not sequential(stage, lower):
        report(
            f"the {stage} stage promotes from {promotions[0].props.get('promotesFrom')!r}, a "
            f"{lower} stage; a promotion never skips an environment: promote from {below}.",
            promotions[0].urn,
        )


CHAIN_POLICIES = [
    StackValidationPolicy(
        name="aic-signing-secret-esv-placeholder",
        description="On AIC, a realm's signing secret is an ESV placeholder, never a literal.",
        validate=aic_signing_secret_esv_placeholder,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="upper-environment-no-static-writes",
        description="An upper AIC stage declares no writes of static configuration.",
        validate=upper_environment_no_static_writes,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    StackValidationPolicy(
        name="promotion-chain-sequential",
        description="Staging promotes from development or UAT, production from staging.",
        validate=promotion_chain_sequential,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
