"""The promotion-chain rules with a collecting report: they apply to AIC stacks only."""

from __future__ import annotations

from typing import Any

from aic_sessions.policy_pack.chain_policies import (
    aic_signing_secret_esv_placeholder,
    promotion_chain_sequential,
    upper_environment_no_static_writes,
)

from tests.policy_pack.fakes import PREFIX, Report, Resource, Stack, authenticated, journey, secret


def place(platform: str = "aic", stage: str | None = "development") -> Resource:
    return Resource(PREFIX + "StackEnvironment", {"platform": platform, "stage": stage}, "env")


def promotion(lower: Any, stage: str = "staging") -> Resource:
    props = {"stage": stage, "lowerStage": lower, "promotesFrom": "dev"}
    return Resource(PREFIX + "Promotion", props, "promotion")


def run(rule: Any, *resources: Resource) -> list[str]:
    report = Report()
    rule(Stack(list(resources)), report)
    return report.messages


def test_literal_secret_in_aic_development_names_the_esv_to_create() -> None:
    messages = run(aic_signing_secret_esv_placeholder, place(), secret(valueSource="generated"))
    assert len(messages) == 1
    assert "create esv-alpha-signing-secret" in messages[0]
    assert "&{esv.alpha.signing.secret}" in messages[0]
    esv = secret(valueSource="esv", esvReference="&{esv.alpha.signing.secret}")
    assert run(aic_signing_secret_esv_placeholder, place(), esv) == []


def test_self_managed_am_keeps_literal_secrets() -> None:
    literal = secret(valueSource="given")
    assert run(aic_signing_secret_esv_placeholder, place("am", None), literal) == []
    assert run(aic_signing_secret_esv_placeholder, literal) == []  # no place: self-managed


def test_upper_stage_declares_no_static_writes() -> None:
    writes = [journey(), authenticated(assertOnly=True), secret(assertOnly=None)]
    messages = run(upper_environment_no_static_writes, place(stage="staging"), *writes)
    assert len(messages) == 2 and all("refuses writes" in m for m in messages)
    assert run(upper_environment_no_static_writes, place(), *writes) == []  # development


def test_upper_stage_baseline_restores_nothing() -> None:
    restoring = Resource(PREFIX + "RealmBaseline", {"realm": "alpha", "manages": ["quotaLimit"]})
    retained = Resource(PREFIX + "RealmBaseline", {"realm": "alpha", "onDelete": "retain"})
    messages = run(upper_environment_no_static_writes, place(stage="staging"), restoring)
    assert len(messages) == 1 and "RealmBaseline would write" in messages[0]
    assert run(upper_environment_no_static_writes, place(stage="staging"), retained) == []
    assert run(upper_environment_no_static_writes, place(), restoring) == []  # development


def test_chain_is_sequential() -> None:
    production = place(stage="production")
    assert run(promotion_chain_sequential, production, promotion("staging", "production")) == []
    skipped = run(promotion_chain_sequential, production, promotion("development", "production"))
    assert len(skipped) == 1 and "never skips" in skipped[0] and "from staging" in skipped[0]
    missing = run(promotion_chain_sequential, place(stage="staging"))
    assert "needs exactly one Promotion" in missing[0]
    assert run(promotion_chain_sequential, place(stage="uat"), promotion("uat", "uat")) == []
