"""What a stack intends for each realm: the tenant, its realms and their session settings.

The stack file (`stacks/Pulumi.<name>.yaml`, keys prefixed `aic-sessions:`) is read directly and
validated with `load_stack_config`; Pulumi is not needed (signing secrets are not used here).
Without a stack, every realm gets the seed page's intent: journeys on CTS, server-side sessions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from aic_sessions.client.models import StateManagement
from aic_sessions.client.realms import realm_display
from aic_sessions.stack_config import load_stack_config

PREFIX = "aic-sessions:"
STACK_KEYS = ("environment", "baseUrl", "realms")


class IntentError(ValueError):
    """The stack or the flags do not say what to verify; the message says how to fix it."""


@dataclass(frozen=True)
class RealmIntent:
    """The session settings a realm should have."""

    realm: str
    state_management: StateManagement = StateManagement.CTS
    client_side_sessions: bool = False
    esv_name: str | None = None  # the ESV storing the realm's signing secret (esv_loaded.py)


@dataclass(frozen=True)
class Target:
    """The tenant (None: take it from the environment) and the realms to verify."""

    base_url: str | None
    realms: tuple[RealmIntent, ...]
    stack: str | None = None


def from_flags(base_url: str | None, realms: Sequence[str]) -> Target:
    """The default intent (CTS, server-side) for each realm named on the command line."""
    if not realms:
        raise IntentError("Name the realms to verify with --realm (repeatable), or use --stack.")
    return Target(base_url, tuple(RealmIntent(_checked(name)) for name in realms))


def from_stack(stacks_dir: Path, stack: str, only: Sequence[str] = ()) -> Target:
    """The tenant and realms of `stacks_dir/Pulumi.<stack>.yaml`, optionally only some realms."""
    config = load_stack_config(read_stack_values(stacks_dir / f"Pulumi.{stack}.yaml"))
    intents = {
        realm_display(r.name): RealmIntent(
            r.name, r.journey.stateManagement, r.authenticated.clientSideSessions, r.esv_name
        )
        for r in config.realms
    }
    wanted = [realm_display(_checked(name)) for name in only] or list(intents)
    unknown = [name for name in wanted if name not in intents]
    if unknown:
        raise IntentError(
            f"Realm(s) {', '.join(unknown)} are not in stack {stack!r} "
            f"(it lists {', '.join(intents)})."
        )
    return Target(config.baseUrl, tuple(intents[name] for name in wanted), stack)


def read_stack_values(path: Path) -> dict[str, Any]:
    """The `aic-sessions:` keys the stack config model knows, without their prefix."""
    try:
        document = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise IntentError(f"No stack file {str(path)!r}; check --stack and --stacks-dir.") from None
    except (OSError, yaml.YAMLError) as exc:
        raise IntentError(f"Cannot read stack file {str(path)!r}: {exc}") from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        raise IntentError(f"Stack file {str(path)!r} has no 'config' mapping.")
    return {key: config[PREFIX + key] for key in STACK_KEYS if PREFIX + key in config}


def _checked(realm: str) -> str:
    try:
        realm_display(realm)
    except ValueError as exc:
        raise IntentError(str(exc)) from None
    return realm
