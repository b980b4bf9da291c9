"""`check_given_secrets`: every given secret has a realm that takes it, and every realm whose
secret is given has a value, named at preview without quoting any value."""

from __future__ import annotations

import pytest
from aic_sessions.program.stack_config import (
    StackConfig,
    StackConfigError,
    check_given_secrets,
    load_stack_config,
)

VALUE = "3q2+7wABAgPe/8rL2t3u8QECAwSqu8zd7v8QESIzRFU="  # 32 bytes, not text


def stack(*sources: str) -> StackConfig:
    return load_stack_config(
        {
            "environment": "dev",
            "baseUrl": "https://tenant.example.com/am",
            "realms": [
                {"name": f"r{i}", "signingSecret": {"source": source}}
                for i, source in enumerate(sources)
            ],
        }
    )


def test_a_given_realm_with_its_value_passes() -> None:
    check_given_secrets(stack("given", "esv-given", "generated"), {"r0": VALUE, "r1": VALUE})


@pytest.mark.parametrize("values", [{}, {"r0": ""}])
def test_a_given_realm_without_a_value_is_named_with_the_command_that_sets_it(
    values: dict[str, str],
) -> None:
    with pytest.raises(StackConfigError) as raised:
        check_given_secrets(stack("given"), values)
    message = str(raised.value)
    assert "aic-sessions:signingSecrets.r0: realm 'r0' has signingSecret.source 'given'" in message
    assert "pulumi config set --secret --path 'aic-sessions:signingSecrets.r0' <base64>" in message
    assert "Nothing was deployed." in message


def test_a_value_for_a_realm_that_takes_none_is_named_and_never_quoted() -> None:
    with pytest.raises(StackConfigError) as raised:
        check_given_secrets(stack("generated"), {"r0": VALUE, "nope": VALUE})
    message = str(raised.value)
    assert "signingSecrets.r0: realm 'r0' has signingSecret.source 'generated'" in message
    assert "signingSecrets.nope: no realm 'nope'" in message
    assert VALUE not in message
