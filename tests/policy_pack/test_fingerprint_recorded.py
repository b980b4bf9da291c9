"""`signing-secret-fingerprint-recorded`: the record other stacks read is present and true."""

from __future__ import annotations

import base64
import os
from typing import Any

from aic_sessions.domain import signing_secrets
from aic_sessions.policy_pack import session_policies as sp

from tests.policy_pack.fakes import Report, Stack, secret, stack_args

VALUE = base64.b64encode(os.urandom(32)).decode()
PRINT = signing_secrets.fingerprint(VALUE)


def violations(stack: Stack) -> list[str]:
    report = Report()
    sp.signing_secret_fingerprint_recorded(stack_args(stack), report)
    return report.messages


def test_a_true_record_passes() -> None:
    stack = Stack([secret("alpha", fingerprint=PRINT)], {"recorded": {"alpha": PRINT}})
    assert violations(stack) == []


def test_without_a_generated_policy_config_the_record_cannot_be_checked() -> None:
    [message] = violations(Stack([secret("alpha", fingerprint=PRINT)]))
    assert "this run has no policy config with the stack's recorded fingerprints" in message
    assert "scripts/" not in message, "a user's project has none of this repository's scripts"
    assert "policy_pack.config --stack test --record" in message
    assert "--policy-pack-config policy-config.json" in message
    assert violations(Stack([secret("alpha", valueSource="generated", fingerprint=PRINT)])) == []


def test_a_missing_record_is_reported_with_the_command_that_records_it() -> None:
    [message] = violations(Stack([secret("alpha", fingerprint=PRINT)], {"recorded": {}}))
    assert "alpha-signing-secret (realm /alpha)" in message
    assert "is not recorded in aic-sessions:signingSecretFingerprints" in message
    assert "python -m aic_sessions.policy_pack.config --stack test --record" in message


def test_a_stale_record_is_reported() -> None:
    stale = signing_secrets.fingerprint(base64.b64encode(os.urandom(32)).decode())
    stack = Stack([secret("alpha", fingerprint=PRINT)], {"recorded": {"alpha": stale}})
    [message] = violations(stack)
    assert "is not this secret's (the secret changed since it was recorded)" in message
    # The run reads the record from the policy config: recording alone would not clear this.
    assert "--stack test --record, then write the policy config again" in message
    assert "--stack test --output policy-config.json" in message
    assert VALUE not in message and PRINT not in message


def test_a_policy_config_written_for_another_stack_is_refused_once_by_name() -> None:
    """The dev stack's config passed to this stack's preview would compare it with the wrong
    stacks (itself among them): one violation, naming both stacks and the command."""
    config: dict[str, Any] = {"stack": "dev", "environment": "dev", "recorded": {"alpha": PRINT}}
    config["otherEnvironments"] = {"staging (stack test)": {"alpha": PRINT}}
    config["claimedElsewhere"] = [{"stack": "test", "baseUrl": "https://t/am", "realm": "alpha"}]
    stack = Stack([secret("alpha", fingerprint=PRINT)], config)
    report = Report()
    for rule in (
        sp.signing_secret_distinct,
        sp.realm_single_owner,
        sp.signing_secret_fingerprint_recorded,
        sp.policy_config_given,
    ):
        rule(stack_args(stack), report)
    [message] = report.messages
    assert "was written for stack dev, not for this stack (test)" in message
    assert "python -m aic_sessions.policy_pack.config --stack test --output" in message
    assert violations(Stack(stack.resources, {**config, "stack": "org/proj/test"})) == []


def test_generated_and_esv_secrets_need_no_record_and_must_not_have_one() -> None:
    generated = secret("alpha", valueSource="generated", fingerprint=PRINT)
    esv = secret("bravo", valueSource="esv", fingerprint=None, esvReference="&{esv.x}")
    assert violations(Stack([generated, esv], {"recorded": {}})) == []
    [message] = violations(Stack([generated, esv], {"recorded": {"bravo": PRINT}}))
    assert "realm /bravo: aic-sessions:signingSecretFingerprints records a fingerprint" in message


def test_nested_realm_names_match_with_or_without_slashes() -> None:
    stack = Stack(
        [secret("/parent/child", fingerprint=PRINT)], {"recorded": {"parent/child": PRINT}}
    )
    assert violations(stack) == []


def test_an_unknown_fingerprint_fails_instead_of_passing_unchecked() -> None:
    [message] = violations(Stack([secret("alpha")], {"recorded": {"alpha": PRINT}}))
    assert "the secret's fingerprint is not known at this preview" in message
