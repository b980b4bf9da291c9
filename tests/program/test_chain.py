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
    assert lower()._same_esv(reference, None, "alpha", False) == reference
    same = "&{esv.alpha.signing.secret}"
    assert lower()._same_esv(reference, same, "alpha", False) == reference
    with pytest.raises(ValueError, match=r"this stack sets ESV 'esv-custom'.*references"):
        lower()._same_esv(reference, "esv-custom", "alpha", False)


def test_a_default_esv_name_that_differs_is_not_told_to_be_removed() -> None:
    """The upper stack set no esvName (its default name is in use): the fix is to set the
    promoted name, not to remove a key it never set."""
    with pytest.raises(ValueError) as refused:
        lower()._same_esv("&{esv.alpha.rotated}", "esv-alpha-signing-secret", "alpha", True)
    message = str(refused.value)
    assert "set signingSecret.esvName to 'esv-alpha-rotated' here" in message, message
    assert "as no esvName is set" in message and "remove it" not in message


def test_a_literal_secret_below_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"literal signing secret.*esv-generated"):
        lower()._esv({"signingSecretEsv": None}, "alpha")
