"""The session resources: Pulumi dynamic resources over the admin-API client.

Each name loads its own module on first use (PEP 562): the provider process unpickles the
providers of the resources a stack has and imports only their modules (a stack without ESVs
never imports `esv_secret` or `tenant_restart`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .authenticated import AuthenticatedSessionSettings
    from .baseline import RealmBaseline
    from .environment import StackEnvironment
    from .esv_secret import EsvSecret
    from .journey import JourneySessionSettings
    from .naming import OnDelete, StateManagementName, ValueSource
    from .promotion import Promotion
    from .realm import (
        AuthenticatedOptions,
        EsvOptions,
        JourneyOptions,
        RealmSessionSettings,
        SigningSecretOptions,
    )
    from .signing_secret import SigningSecret
    from .tenant_restart import TenantRestart

_MODULE_OF = {
    "AuthenticatedOptions": "realm",
    "AuthenticatedSessionSettings": "authenticated",
    "EsvOptions": "realm",
    "EsvSecret": "esv_secret",
    "JourneyOptions": "realm",
    "JourneySessionSettings": "journey",
    "OnDelete": "naming",
    "Promotion": "promotion",
    "RealmBaseline": "baseline",
    "RealmSessionSettings": "realm",
    "SigningSecret": "signing_secret",
    "SigningSecretOptions": "realm",
    "StackEnvironment": "environment",
    "StateManagementName": "naming",
    "TenantRestart": "tenant_restart",
    "ValueSource": "naming",
}

__all__ = [
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
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
