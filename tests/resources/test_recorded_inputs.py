"""Providers read their recorded inputs as the model (`SessionProvider.recorded`)."""

from __future__ import annotations

from aic_sessions.resources.baseline import BaselineInputs, RealmBaselineProvider
from aic_sessions.resources.promotion import PromotionProvider, _plan
from aic_sessions.resources.signing_secret import SigningSecretProvider
from aic_sessions.resources.wire import as_secret


def test_recorded_inputs_take_defaults_for_none_and_are_not_validated_again() -> None:
    """State written by an older program (or under looser bounds) must still refresh and
    destroy: a None is the field's default, and nothing is checked again."""
    state = {
        "baseUrl": "https://t.example.com/am",
        "realm": "alpha",
        "stage": "staging",
        "promotesFrom": "dev",
        "lowerDigest": "d" * 64,
        "realms": ["alpha"],
        "marker": "aic-sessions o/p/s:",
        "allowedChanges": None,
        "timeoutSeconds": None,
        "pollSeconds": 0.0,  # refused by today's bound (> 0)
        "promotedDigest": "an output, not an input",
    }
    recorded = PromotionProvider().recorded(state)
    plan = _plan(recorded)
    assert (plan.allowed, plan.timeout, plan.interval) == ((), 1800.0, 0.0)
    assert "promotedDigest" not in recorded.model_dump()


def test_recorded_inputs_are_the_inputs_model() -> None:
    recorded = RealmBaselineProvider().recorded(
        {"baseUrl": "https://t.example.com/am", "realm": "alpha", "manages": ["quotaLimit"]}
    )
    assert isinstance(recorded, BaselineInputs)
    assert (recorded.manages, recorded.onDelete) == (["quotaLimit"], "restore")


def test_recorded_inputs_hold_no_secret() -> None:
    """A model built without validation would hold the value unwrapped (its repr would show it
    in a traceback): secret inputs stay out of it."""
    secret = "c2VjcmV0LXZhbHVlLW9mLTMyLWJ5dGVzLWxvbmctZW5vdWdo"
    recorded = SigningSecretProvider().recorded(
        {"baseUrl": "https://t.example.com/am", "realm": "alpha", "value": as_secret(secret)}
    )
    assert recorded.value is None
    assert secret not in repr(recorded)
    assert recorded.onDelete == "retain"


def test_recorded_inputs_hold_no_value_the_user_marked_secret() -> None:
    """A plain-typed input the user passed as a secret Output (here the rotation trigger) is
    left out too: only the wire form says it is secret."""
    trigger = "rotate-on-2026-12-03-with-a-private-reason"
    recorded = SigningSecretProvider().recorded(
        {
            "baseUrl": "https://t.example.com/am",
            "realm": "alpha",
            "rotationTrigger": as_secret(trigger),
        }
    )
    assert trigger not in repr(recorded)
    assert recorded.realm == "alpha"
