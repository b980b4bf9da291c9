"""`plaintext_credentials`: which credential keys of a stack file hold a plaintext value."""

from __future__ import annotations

from aic_sessions.program.stack_files import plaintext_credentials

SECURE = {"secure": "v1:abc"}


def test_an_emptied_secret_map_holds_nothing_in_plaintext() -> None:
    # `pulumi config rm --path 'aic-sessions:signingSecrets.bravo'` of the last entry leaves {}.
    assert plaintext_credentials({"aic-sessions:signingSecrets": {}}) == []


def test_a_map_of_encrypted_values_passes_and_one_plaintext_leaf_does_not() -> None:
    assert plaintext_credentials({"aic-sessions:signingSecrets": {"alpha": SECURE}}) == []
    mixed = {"aic-sessions:signingSecrets": {"alpha": SECURE, "bravo": "c2VjcmV0"}}
    assert plaintext_credentials(mixed) == ["aic-sessions:signingSecrets"]
    assert plaintext_credentials({"aic-sessions:adminPassword": "hunter2"}) == [
        "aic-sessions:adminPassword"
    ]
