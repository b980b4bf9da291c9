"""The ESV rules with a collecting report, and ESV-stored fingerprints in the distinct rule."""

from __future__ import annotations

import base64
import os
from typing import Any

from aic_sessions.policy_pack.esv_policies import (
    esv_names_unique_per_realm,
    esv_signing_secret_strength,
)
from aic_sessions.policy_pack.session_policies import signing_secret_distinct

from tests.policy_pack.fakes import (
    PREFIX,
    Report,
    Resource,
    Stack,
    resource_args,
    secret,
    stack_args,
)

WEAK = base64.b64encode(b"ab" * 16).decode()


def esv_secret(realm: str = "alpha", **props: Any) -> Resource:
    base = {"baseUrl": "https://t/am", "realm": realm, "name": f"esv-{realm}-signing-secret"}
    return Resource(PREFIX + "EsvSecret", {**base, **props}, f"{realm}-esv")


def test_strength_applies_to_esv_values() -> None:
    report = Report()
    esv_signing_secret_strength(resource_args(esv_secret(value=WEAK)), report)
    assert report.messages and "repeats a pattern of 2 bytes" in report.messages[0]
    assert "ESV esv-alpha-signing-secret" in report.messages[0]
    good = Report()
    value = base64.b64encode(os.urandom(32)).decode()
    esv_signing_secret_strength(resource_args(esv_secret(value=value)), good)
    esv_signing_secret_strength(resource_args(secret(value=WEAK)), good)  # not an ESV
    # A generated value is drawn in create: at preview it has neither value nor fingerprint.
    esv_signing_secret_strength(resource_args(esv_secret(valueSource="generated")), good)
    assert good.messages == []
    missing = Report()
    esv_signing_secret_strength(resource_args(esv_secret(valueSource="given")), missing)
    assert "has no value" in missing.messages[0]


def test_distinct_counts_esv_fingerprints_within_and_across_stacks() -> None:
    report = Report()
    stack = Stack(
        [esv_secret("alpha", fingerprint="scrypt:aa"), secret("bravo", fingerprint="scrypt:aa")],
        {"otherEnvironments": {"prod (stack prod)": {"charlie": "scrypt:aa"}}},
    )
    signing_secret_distinct(stack_args(stack), report)
    assert any("use the same signing secret" in m for m in report.messages)
    assert any("same as prod (stack prod)'s (realm charlie)" in m for m in report.messages)


def test_esv_names_unique_per_realm_within_a_tenant() -> None:
    report = Report()
    shared = {"name": "esv-shared"}
    stack = Stack([esv_secret("alpha", **shared), esv_secret("bravo", **shared)])
    esv_names_unique_per_realm(stack_args(stack), report)
    assert len(report.violations) == 2 and "realms /alpha, /bravo" in report.messages[0]
    twice = Report()
    two = Stack([esv_secret("alpha", name="esv-one"), esv_secret("alpha", name="esv-two")])
    esv_names_unique_per_realm(stack_args(two), twice)
    assert "several ESVs (esv-one, esv-two)" in twice.messages[0]
    other_tenant = Report()
    tenants = Stack(
        [esv_secret("alpha", **shared), esv_secret("bravo", baseUrl="https://u/am", **shared)]
    )
    esv_names_unique_per_realm(stack_args(tenants), other_tenant)
    assert other_tenant.messages == []
