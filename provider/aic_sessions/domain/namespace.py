"""The configuration namespace of every key this package reads: `aic-sessions:<key>`, whatever
the consuming project is called (a bare key would be read under that project's name)."""

from __future__ import annotations

NAMESPACE = "aic-sessions"
PREFIX = f"{NAMESPACE}:"


def config_key(key: str) -> str:
    """`saId` -> `aic-sessions:saId`."""
    return PREFIX + key
