"""`realm-single-owner`: one stack manages a realm, once (two owners once went unnoticed;
each recorded the other's values as prior and destroy left neither)."""

from __future__ import annotations

from typing import Any

from aic_sessions.policy_pack import config as policy_config
from aic_sessions.policy_pack import session_policies as sp

from tests.policy_pack.fakes import Report, Stack, authenticated, journey, secret, stack_args


def run(stack: Stack) -> list[str]:
    report = Report()
    sp.realm_single_owner(stack_args(stack), report)
    return report.messages


def test_a_realm_once_per_stack_and_nowhere_else_passes() -> None:
    stack = Stack([journey("alpha"), authenticated("alpha"), secret("alpha"), journey("bravo")])
    assert run(stack) == []


def test_the_same_realm_twice_in_any_spelling_is_a_violation() -> None:
    twice = journey("root/alpha")
    twice.name = "other-journey"
    messages = run(Stack([journey("alpha"), twice]))
    assert len(messages) == 1 and "managed twice in this stack (alpha-journey too)" in messages[0]


def test_a_realm_another_stack_configures_is_a_violation() -> None:
    claims = [{"stack": "prod (stack prod)", "baseUrl": "https://T/am/", "realm": "/alpha"}]
    stack = Stack([journey("alpha"), journey("bravo")], {"claimedElsewhere": claims})
    [message] = run(stack)
    assert "stack prod (stack prod) manages this realm" in message and "realm /alpha" in message
    other_tenant = [{"stack": "prod", "baseUrl": "https://other/am", "realm": "alpha"}]
    assert run(Stack([journey("alpha")], {"claimedElsewhere": other_tenant})) == []


def test_policy_config_lists_other_stacks_claims_from_their_public_config() -> None:
    config: dict[str, Any] = {
        "baseUrl": "https://t/am",
        "realms": [{"name": "alpha"}, {"name": "/bravo"}, "junk"],
    }
    assert policy_config.claims("prod (stack prod)", config) == [
        {"stack": "prod (stack prod)", "baseUrl": "https://t/am", "realm": "alpha"},
        {"stack": "prod (stack prod)", "baseUrl": "https://t/am", "realm": "/bravo"},
    ]
    assert policy_config.claims("x", {"realms": "[secret]"}) == []
