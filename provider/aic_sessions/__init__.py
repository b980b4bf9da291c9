"""Session configuration of Ping Advanced Identity Cloud / ForgeRock AM realms, as code.

The Pulumi resources are importable from here (`from aic_sessions import
JourneySessionSettings`). They load on first use (PEP 562), so `aic_sessions.client` and the
verifier do not import Pulumi.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from aic_sessions._version import __version__

if TYPE_CHECKING:
    from aic_sessions.resources import (
        AuthenticatedOptions,
        AuthenticatedSessionSettings,
        EsvOptions,
        EsvSecret,
        JourneyOptions,
        JourneySessionSettings,
        OnDelete,
        Promotion,
        RealmBaseline,
        RealmSessionSettings,
        SigningSecret,
        SigningSecretOptions,
        StackEnvironment,
        StateManagementName,
        TenantRestart,
        ValueSource,
    )


__all__ = [  # noqa: RUF022 (the version first, then the resources as in _RESOURCES)
    "__version__",
    "AuthenticatedOptions",
    "AuthenticatedSessionSettings",
    "EsvOptions",
    "EsvSecret",
    "JourneyOptions",
    "JourneySessionSettings",
    "OnDelete",
    "Promotion",
    "RealmBaseline",
    "RealmSessionSettings",
    "SigningSecret",
    "SigningSecretOptions",
    "StackEnvironment",
    "StateManagementName",
    "TenantRestart",
    "ValueSource",
]


def __getattr__(name: str) -> Any:
    if name in __all__ and name != "__version__":
        return getattr(importlib.import_module("aic_sessions.resources"), name)
    raise AttributeError(f"module 'aic_sessions' has no attribute {name!r}")
