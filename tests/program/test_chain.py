"""What an upper stack reads from the stack below, checked without the engine."""

from __future__ import annotations

import pytest
from aic_sessions.program.chain import LowerStack


def lower(name: str = "dev") -> LowerStack:
    stack = LowerStack.__new__(LowerStack)  # no StackReference: only the checks are exercised
    stack.name = name
    return stack


def test_an_upper_realm_sets_the_esv_the_promoted_configuration_references() -> None:
    reference = "esv-alpha-signing-secret"
    assert lower()._same_esv(reference, None, "alpha") == reference
    assert lower()._same_esv(reference, "&{esv.alpha.signing.secret}", "alpha") == reference
    with pytest.raises(ValueError, match=r"this stack sets ESV 'esv-custom'.*references"):
        lower()._same_esv(reference, "esv-custom", "alpha")


def test_a_literal_secret_below_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"literal signing secret.*esv-generated"):
        lower()._esv({"signingSecretEsv": None}, "alpha")
