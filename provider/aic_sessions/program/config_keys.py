"""Every `aic-sessions:` stack setting, in one table, and the check that rejects any other.

A misspelt key (`aic-sessions:saID`) would otherwise be ignored and the deployment would fail
later with a message about something else. The check runs in the program when a resource is
declared, so `preview` stops with the nearest valid key and nothing is sent.
"""

from __future__ import annotations

import pulumi
from pulumi.runtime import config as runtime_config

from aic_sessions.domain.namespace import PREFIX, config_key
from aic_sessions.domain.nearest import did_you_mean
from aic_sessions.resources.connection import CONFIG_KEYS

PROGRAM_KEYS = {
    "environment": "this repository's program: the stack's environment",
    "baseUrl": "this repository's program: the tenant's AM URL",
    "realms": "this repository's program: the realms and their settings",
    "protect": "this repository's program: Pulumi's protect on every resource",
    "signingSecrets": "this repository's program: given signing secrets (realm -> value)",
    "esvRestart": "this repository's program: how ESV writes are loaded",
    "platform": "this repository's program: am (self-managed) or aic",
    "stage": "this repository's program: the stack's place in its AIC promotion group",
    "promotesFrom": "this repository's program: the stack of the environment below",
    "promotion": "this repository's program: how the upper stack promotes (mode, scope)",
}
KNOWN_KEYS: dict[str, str] = {
    **{key: "provider setting (docs/configuration.md)" for key in CONFIG_KEYS},
    **PROGRAM_KEYS,
    "signingSecretFingerprints": "recorded by python -m aic_sessions.policy_pack.config --record",
}


def stack_keys() -> set[str]:
    """Every configuration key of this stack, as the program sees it."""
    return {*runtime_config.CONFIG.get(), *runtime_config.get_config_env()}


def unknown_keys(keys: set[str]) -> list[str]:
    """`aic-sessions:` keys that no part of aic-sessions reads, sorted."""
    ours = (k for k in keys if k.startswith(PREFIX))
    return sorted(k for k in ours if k.removeprefix(PREFIX) not in KNOWN_KEYS)


def unknown_key_message(keys: list[str]) -> str:
    """One line per unknown key with the nearest valid one, and the fix."""
    lines = [
        f"  {key} is not an aic-sessions setting"
        + did_you_mean(key.removeprefix(PREFIX), KNOWN_KEYS).replace("mean ", f"mean {PREFIX}")
        for key in keys
    ]
    return (
        "Unknown stack configuration in the aic-sessions namespace; nothing was deployed:\n"
        + "\n".join(lines)
        + "\nRename it (pulumi config rm KEY, then pulumi config set [--secret] with the right "
        f"name). Known: {', '.join(config_key(k) for k in KNOWN_KEYS)}."
    )


def require_known_keys() -> None:
    """Stop the program when the stack sets an `aic-sessions:` key nothing reads."""
    keys = unknown_keys(stack_keys())
    if keys:
        raise pulumi.RunError(unknown_key_message(keys))
