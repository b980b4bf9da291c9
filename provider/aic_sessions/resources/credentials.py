"""Credentials in stack configuration must be Pulumi secrets.

The engine hands a dynamic provider the whole stack configuration and stores it with the
provider in state (and so in its backups, the history checkpoints and `pulumi stack export`),
encrypted only where the configuration value is a secret. This check runs in the program when a
resource is declared (before the provider is registered), so a plaintext credential stops the
preview with the command that fixes it and never reaches state.
"""

from __future__ import annotations

import pulumi
from pulumi.runtime import config as runtime_config

from aic_sessions.stack_files import CREDENTIAL_KEYS, fix_command

from .connection import config_key

SECRET_KEYS = CREDENTIAL_KEYS


def plaintext_credentials() -> list[str]:
    """The `aic-sessions:` credential keys set in this stack's config but not as secrets."""
    keys = [config_key(k) for k in SECRET_KEYS]
    return [
        k
        for k in keys
        if runtime_config.get_config(k) is not None and not runtime_config.is_config_secret(k)
    ]


def require_secret_credentials() -> None:
    """Stop the program if a credential is in plaintext stack config (message without value)."""
    keys = plaintext_credentials()
    if not keys:
        return
    stack = pulumi.get_stack()
    commands = "\n".join(_fix(stack, key) for key in keys)
    raise pulumi.RunError(
        f"{', '.join(keys)} {'is' if len(keys) == 1 else 'are'} set in plaintext stack config. "
        "A credential must be a secret, or Pulumi stores it unencrypted in the state, its "
        "backups and history. Nothing was deployed. Set it again as a secret (reading the value "
        f"from a file or stdin keeps it out of your shell history):\n{commands}\n"
        "If the plaintext value was ever committed or deployed, rotate the credential."
    )


def _fix(stack: str, key: str) -> str:
    return f"  {fix_command(stack, key)}"
