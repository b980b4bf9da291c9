"""Each policy: passing and failing cases, with a collecting report callback."""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from typing import Any

import pytest
from aic_sessions.domain import signing_secrets
from aic_sessions.policy_pack import session_policies as sp

from tests.policy_pack.fakes import Report, Resource, Stack, authenticated, journey, secret
from tests.values import present

STRONG = base64.b64encode(os.urandom(32)).decode()


def run(rule: Callable[[Any, Report], None], args: Stack | Resource) -> list[str]:
    """A rule's messages for a fake stack or resource (the rules read only their attributes)."""
    report = Report()
    rule(args, report)
    return report.messages


def test_journey_cts() -> None:
    assert run(sp.journey_sessions_use_cts, journey()) == []
    [message] = run(sp.journey_sessions_use_cts, journey(stateManagement="JWT"))
    assert "alpha-journey (realm /alpha)" in message and "'JWT'" in message
    # Python users write the snake_case name, stack config the camelCase one.
    assert "Set state_management='CTS' in Python (stateManagement: CTS in stack config)" in message
    assert run(sp.journey_sessions_use_cts, authenticated()) == []


def test_an_asserting_upper_stage_is_told_to_fix_the_stack_below() -> None:
    upper = authenticated(clientSideSessions=True, assertOnly=True, promotesFrom="dev")
    [message] = run(sp.authenticated_sessions_server_side, upper)
    assert "Set clientSideSessions: false in stack dev (this stage receives it only by" in message
    assert "in Python" not in message
    [journey_message] = run(
        sp.journey_sessions_use_cts, journey(stateManagement="JWT", assertOnly=True)
    )
    assert "in stack the stack below" not in journey_message and "stack below" in journey_message


def test_an_invalid_value_is_not_described_as_another_scheme() -> None:
    """A lowercase 'cts' or a 1 is no scheme and no boolean: the rules still fail (they cannot
    confirm server-side sessions) without saying something the value does not mean."""
    [scheme] = run(sp.journey_sessions_use_cts, journey(stateManagement="cts"))
    assert "must use 'CTS', and 'cts' is not a valid scheme" in scheme
    assert "not kept server-side" not in scheme
    [flag] = run(sp.authenticated_sessions_server_side, authenticated(clientSideSessions=1))
    assert "must be off (false), and 1 is not a boolean" in flag
    assert "are on" not in flag


def test_authenticated_server_side() -> None:
    assert run(sp.authenticated_sessions_server_side, authenticated()) == []
    [message] = run(sp.authenticated_sessions_server_side, authenticated(clientSideSessions=True))
    assert "client-side sessions are on" in message
    assert "client_side_sessions=False in Python (clientSideSessions: false in stack" in message


def test_long_printable_text_is_not_refused_for_its_alphabet() -> None:
    """Text of 20 printable characters or more may hold 128 bits (`openssl rand -base64 24`,
    base64-encoded again): the rules cannot tell it from a password, so they pass it."""
    doubled = base64.b64encode(base64.b64encode(os.urandom(24))).decode()
    assert run(sp.signing_secret_strength, secret(value=doubled)) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not*base64", "is not valid base64"),
        (base64.b64encode(b"short").decode(), "fewer than the 128 required"),
        (base64.b64encode(bytes(32)).decode(), "the byte 0x00 repeated"),
        (base64.b64encode(b"abcd" * 8).decode(), "repeats a pattern of 4 bytes"),
        (base64.b64encode(b"Summer2026!" * 2).decode(), "repeats a pattern of 11 bytes"),
        (base64.b64encode(b"Password!" * 3).decode(), "repeats a pattern of 9 bytes"),
        (base64.b64encode(b"ab" * 9 + b"abcab" * 3).decode(), "distinct byte values"),
        (base64.b64encode(bytes(range(16))).decode(), "is a counting sequence"),
        (base64.b64encode(bytes(range(232, 200, -1))).decode(), "each byte 1 less than the"),
        (base64.b64encode(b"password12345678").decode(), "16 printable characters, which"),
        (base64.b64encode(b"Tr0ub4dor&3-horse").decode(), "at most 111 bits, fewer than"),
    ],
)
def test_weak_or_malformed_secrets(value: str, problem: str) -> None:
    messages = run(sp.signing_secret_strength, secret(value=value))
    assert messages and problem in messages[0]
    assert value not in " ".join(messages), "the secret itself is never echoed"


def test_strong_generated_and_esv_secrets_pass() -> None:
    assert run(sp.signing_secret_strength, secret(value=STRONG)) == []
    assert run(sp.signing_secret_strength, secret(value=signing_secrets.generate())) == []
    assert run(sp.signing_secret_strength, secret(valueSource="esv", esvReference="&{esv.x}")) == []
    # A generated secret is drawn in create: at preview it has no value, and that is no violation.
    assert run(sp.signing_secret_strength, secret(valueSource="generated")) == []
    assert run(sp.signing_secret_strength, secret(valueSource="given")) != []


def test_duration_bounds_from_config() -> None:
    bounded = journey(maxDurationMinutes=30.0)
    bounded.config = {"minMinutes": 1, "maxMinutes": 10}
    [message] = run(sp.journey_max_duration_bounds, bounded)
    assert "30 minutes, outside this environment's bounds of 1 to 10" in message
    bounded.config = {"maxMinutes": 60}
    assert run(sp.journey_max_duration_bounds, bounded) == []


def test_an_upper_stage_is_told_to_fix_the_duration_in_the_stack_below() -> None:
    upper = journey(maxDurationMinutes=20.0, assertOnly=True, promotesFrom="dev")
    upper.config = {"maxMinutes": 15}
    [message] = run(sp.journey_max_duration_bounds, upper)
    assert "Set maxDurationMinutes: a value within 1 to 15 in stack dev" in message
    assert "receives it only by promotion" in message and "in Python" not in message


def fingerprinted(realm: str, value: str) -> Resource:
    return secret(realm, value=value, fingerprint=signing_secrets.fingerprint(value))


def test_distinct_across_realms_and_environments() -> None:
    other = base64.b64encode(os.urandom(32)).decode()
    stack = Stack([fingerprinted("alpha", STRONG), fingerprinted("bravo", other)])
    assert run(sp.signing_secret_distinct, stack) == []

    twins = Stack([fingerprinted("alpha", STRONG), fingerprinted("bravo", STRONG)])
    messages = run(sp.signing_secret_distinct, twins)
    assert len(messages) == 2 and "use the same signing secret" in messages[0]

    shared = Stack(
        [fingerprinted("alpha", STRONG)],
        {
            "otherEnvironments": {
                "prod (stack prod)": {"alpha": signing_secrets.fingerprint(STRONG)}
            }
        },
    )
    [message] = run(sp.signing_secret_distinct, shared)
    assert "same as prod (stack prod)'s (realm alpha)" in message
    assert "Use a different secret in each environment" in message
    # The way to another secret, by its source, with the running stack's name.
    assert "--path 'aic-sessions:signingSecrets.alpha'" in message and "--stack test" in message
    assert "--stack test --record and python -m aic_sessions.policy_pack.config" in message
    drawn = secret(
        "alpha", valueSource="generated", fingerprint=signing_secrets.fingerprint(STRONG)
    )
    [generated] = run(sp.signing_secret_distinct, Stack([drawn], shared.config))
    assert "change the secret's rotation trigger" in generated
    # An ESV-held given value has no record to write (the config module would refuse it): its
    # new value reaches the tenant with the stack's up.
    held = Resource(
        sp.ESV_SECRET,
        {
            "realm": "alpha",
            "valueSource": "given",
            "fingerprint": signing_secrets.fingerprint(STRONG),
        },
        "staging-esv-alpha",
    )
    [esv] = run(sp.signing_secret_distinct, Stack([held], shared.config))
    assert "--record" not in esv and "then pulumi up --stack test (a restart" in esv, esv


def test_a_run_without_the_pack_config_says_what_it_did_not_compare() -> None:
    [message] = run(sp.policy_config_given, Stack([fingerprinted("alpha", STRONG)]))
    assert "no --policy-pack-config" in message and "python -m aic_sessions.policy_pack" in message
    given = Stack([fingerprinted("alpha", STRONG)], {"environment": "dev"})
    assert run(sp.policy_config_given, given) == []


def test_realm_has_signing_secret_and_fully_managed() -> None:
    complete = Stack([journey(), authenticated(), fingerprinted("alpha", STRONG)])
    assert run(sp.realm_has_signing_secret, complete) == []
    assert run(sp.realm_fully_managed, complete) == []
    partial = Stack([journey("bravo")])
    [missing_secret] = run(sp.realm_has_signing_secret, partial)
    assert "realm /bravo" in missing_secret and "Declare a SigningSecret" in missing_secret
    [missing] = run(sp.realm_fully_managed, partial)
    assert "AuthenticatedSessionSettings, SigningSecret missing" in missing


def baseline(realm: str = "alpha", **props: Any) -> Resource:
    base = {"baseUrl": "https://t/am", "realm": realm}
    return Resource(sp.BASELINE, {**base, **props}, f"{realm}-baseline")


@pytest.mark.parametrize(
    ("baseline_props", "asked"),
    [
        ({"observed": {"journeySettings": False}}, False),  # OpenAM: the server has none
        ({}, False),  # declared without journeys, new at preview: `up` looks at the outcome
        ({"observed": {"journeySettings": True}}, True),  # AIC, declared without journeys
        ({"requiresJourneySettings": True}, True),  # journeys declared, their resource missing
        ({"observed": {"clientSideSessions": True}}, True),  # observed before it was recorded
        (None, True),  # resources declared on their own: no observation
    ],
)
def test_journeys_are_asked_for_only_where_the_server_has_them(
    baseline_props: dict[str, Any] | None, asked: bool
) -> None:
    """On a server without journey-session settings (its baseline observed none) a realm is
    fully managed by its authenticated settings and signing secret."""
    resources = [authenticated(), fingerprinted("alpha", STRONG)]
    if baseline_props is not None:
        resources.append(baseline(**baseline_props))
    messages = run(sp.realm_fully_managed, Stack(resources))
    assert bool(messages) is asked, messages
    if asked:
        assert "JourneySessionSettings missing" in messages[0]
        props = baseline_props or {}
        told = not props.get("requiresJourneySettings") and props.get("observed", {}).get(
            "journeySettings"
        )
        assert ("declared without journeys (journey=False)" in messages[0]) is bool(told)


def test_every_policy_is_in_the_pack_with_its_level() -> None:
    levels = {p.name: present(p.enforcement_level).value for p in sp.POLICIES}
    assert levels == {
        "journey-sessions-use-cts": "mandatory",
        "authenticated-sessions-server-side": "mandatory",
        "signing-secret-strength": "mandatory",
        "signing-secret-distinct-across-environments": "mandatory",
        "policy-pack-config-given": "advisory",
        "signing-secret-fingerprint-recorded": "mandatory",
        "realm-single-owner": "mandatory",
        "journey-max-duration-bounds": "advisory",
        "realm-has-signing-secret": "advisory",
        "realm-fully-managed": "advisory",
    }
