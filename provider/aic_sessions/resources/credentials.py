"""Credentials in stack configuration must be Pulumi secrets.

The engine hands a dynamic provider the whole stack configuration and stores it with the
provider in state (and so in its backups, the history checkpoints and `pulumi stack export`),
encrypted only where the configuration value is a secret. This check runs in the program when a
resource is declared (before the provider is registered), so a plaintext credential stops the
preview with the command that fixes it and never reaches state.

Commands that run no program (`refresh`, `destroy`) still start the provider: its `configure`
reads the project's stack file as written (`stack_files`) and fails them with the same fix. The
engine has by then already copied the stack's configuration into the update's history, which
no code of ours can prevent: the message says so, and `aic-sessions check-stack-files` (CI, the
pre-commit hook) refuses the file before it is committed or deployed.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pulumi
from pulumi.runtime import config as runtime_config

from aic_sessions.domain.namespace import config_key
from aic_sessions.program.stack_files import (
    CREDENTIAL_KEYS,
    fix_command,
    plaintext_credential_problems,
    project_files,
    project_stack_files,
)

from .plain_errors import PlainError

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


class PlaintextCredentialError(PlainError):
    """A stack file holds a credential in plaintext (the message has the fix, never a value)."""


def refuse_plaintext_stack_files(project_dir: Path | None = None) -> None:
    """In the provider (every command): fail when the project file, the running stack's file,
    or any stack file of the project when the stack is unknown, holds a plaintext credential."""
    stack, folder = running_stack_name(), project_dir or Path.cwd()
    files = [*project_files(folder), *project_stack_files(folder, stack)]
    lines = plaintext_credential_problems(files)
    if not lines:
        return
    global _refused
    with _REFUSED_LOCK:
        first, _refused = not _refused, True
    if not first:  # the engine starts the provider for each resource: the fix is said once
        raise PlaintextCredentialError(
            f"{len(lines)} plaintext credential(s) in the stack files; nothing was changed by "
            "this provider. Another resource's error in this run names the files, the keys and "
            "the fix."
        )
    raise PlaintextCredentialError(
        "\n".join(lines) + "\nNothing was changed by this provider. Pulumi had already "
        "copied the stack's configuration into this update's history in the backend before "
        "any code of ours ran: rotate the credential, and run `aic-sessions "
        "check-stack-files` (or the pre-commit hook) so it cannot be committed again."
    )


# Whether this provider process (one engine command) refused already: the first says it all.
_refused = False
_REFUSED_LOCK = threading.Lock()


def running_stack_name() -> str | None:
    """The stack of the running engine command (`--stack`/`-s` of an ancestor `pulumi`
    process, or PULUMI_STACK); None when it names none (the selected stack)."""
    named = os.environ.get("PULUMI_STACK")
    pid = os.getpid()
    for _ in range(5):
        try:
            args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        if args and Path(args[0]).name == "pulumi":
            named = _stack_argument(args) or named
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])
    return named


def _stack_argument(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg in ("--stack", "-s") and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--stack="):
            return arg.split("=", 1)[1]
    return None


def _fix(stack: str, key: str) -> str:
    return f"  {fix_command(stack, key)}"
