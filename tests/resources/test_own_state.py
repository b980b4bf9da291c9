"""What a stack's own state tells a new baseline (`ownership.own_state`), and how the priors of
settings resources that wrote the realm before it replace what it observes."""

from __future__ import annotations

from typing import Any

import pulumi
import pytest
from aic_sessions.domain.attributes import ABSENT, SESSION_SERVICE
from aic_sessions.resources import connection
from aic_sessions.resources import own_state as own_state_module
from aic_sessions.resources.baseline import with_adopted_priors
from aic_sessions.resources.exports import type_token
from aic_sessions.resources.own_state import OwnState, adopted_priors, own_state, rename_failures
from aic_sessions.resources.ownership import SKIP_VARIABLE, OwnerCheckError

URL = "http://127.0.0.1:8080/am"


def resource(
    kind: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any], realm: str = "alpha"
) -> Any:
    base = {"baseUrl": URL, "realm": realm}
    return {
        "urn": f"urn:pulumi:dev::p::{type_token(kind)}::{name}",
        "type": type_token(kind),
        "inputs": {**base, **inputs},
        "outputs": {**base, **outputs},
    }


def test_own_state_names_baselines_and_collects_standalone_priors() -> None:
    journey_prior = {"maxDurationMinutes": 5, "stateManagement": "JWT"}
    resources = [
        resource("RealmBaseline", "dev-bravo-baseline", {}, {}, realm="bravo"),
        resource("JourneySessionSettings", "mv-journey", {}, {"priorSettings": journey_prior}),
        resource("SigningSecret", "mv-signing-secret", {}, {"priorForm": "hidden"}),
        # Under a baseline: its priors are the baseline's, not collected again.
        resource(
            "AuthenticatedSessionSettings", "x", {"__baseline": {}}, {"priorSettings": {"a": 1}}
        ),
        # Assert-only: it never wrote.
        resource(
            "AuthenticatedSessionSettings", "y", {"assertOnly": True}, {"priorSettings": {"b": 1}}
        ),
    ]
    found = own_state({"deployment": {"resources": resources}})
    assert [(key[1], name) for key, name in found.baselines.items()] == [
        ("bravo", "dev-bravo-baseline")
    ]
    assert [(key[1], prior) for key, prior in found.priors.items()] == [
        ("alpha", {**journey_prior, "priorForm": "hidden"})
    ]


def test_a_baseline_pending_replacement_holds_its_realm_no_more() -> None:
    """A delete-before-replace whose new baseline failed left the old one in state, already
    deleted (its originals put back): the realm's next baseline is not refused for it."""
    deleted = {**resource("RealmBaseline", "main-baseline", {}, {}), "pendingReplacement": True}
    kept = resource("RealmBaseline", "other-baseline", {}, {}, realm="bravo")
    found = own_state({"deployment": {"resources": [deleted, kept]}})
    assert [key[1] for key in found.baselines] == ["bravo"]


def test_priors_replace_the_observation_and_an_absent_service_drops_its_attributes() -> None:
    observed = {"maxDurationMinutes": 12, "stateManagement": "CTS", "maxSessionTimeMinutes": 250}
    priors = {"maxDurationMinutes": 5, "stateManagement": "JWT", SESSION_SERVICE: ABSENT}
    assert with_adopted_priors(observed, priors) == {**priors}
    assert with_adopted_priors(observed, None) == observed


def test_a_restoring_baseline_refuses_a_realm_its_own_stack_holds_another_baseline_of(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    held = OwnState({own_state_module._key(URL, "alpha"): "dev-alpha-baseline"}, {})
    monkeypatch.setattr(own_state_module, "read_own_state", lambda _stack: held)
    with connection.deployment():
        [refused] = rename_failures(URL, "alpha", "o/p/s", restores=True)
        assert "already managed by this stack as dev-alpha-baseline" in refused.reason
        assert rename_failures(URL, "bravo", "o/p/s", restores=True) == []
        # A retaining baseline (an asserting upper stage) puts nothing back: no hazard.
        assert rename_failures(URL, "alpha", "o/p/s", restores=False) == []


def test_under_the_switch_an_unreadable_own_state_warns_and_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable(_stack: str) -> OwnState:
        raise OwnerCheckError("`pulumi stack export` failed: no backend")

    monkeypatch.setattr(own_state_module, "read_own_state", unreadable)
    warnings: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", warnings.append)
    with connection.deployment():
        [failure] = rename_failures(URL, "alpha", "o/p/s", restores=True)
        assert "could not read this stack's own state" in failure.reason
        # A retaining baseline is not refused, and its check does not fail on the read either.
        assert rename_failures(URL, "alpha", "o/p/s", restores=False) == []
        assert adopted_priors(URL, "alpha", "o/p/s") == {}
    monkeypatch.setenv(SKIP_VARIABLE, "off")
    with connection.deployment():
        assert rename_failures(URL, "alpha", "o/p/s", restores=True) == []
        assert adopted_priors(URL, "alpha", "o/p/s") == {}
    assert warnings and "is not checked" in warnings[0]
