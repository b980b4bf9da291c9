"""The session resources: Pulumi dynamic resources over the admin-API client."""

from __future__ import annotations

from .authenticated import AuthenticatedSessionSettings
from .baseline import RealmBaseline
from .esv_secret import EsvSecret
from .journey import JourneySessionSettings
from .naming import OnDelete, StateManagementName, ValueSource
from .realm import AuthenticatedOptions, JourneyOptions, RealmSessionSettings, SigningSecretOptions
from .signing_secret import SigningSecret
from .tenant_restart import TenantRestart

__all__ = [
    "AuthenticatedOptions",
    "AuthenticatedSessionSettings",
    "EsvSecret",
    "JourneyOptions",
    "JourneySessionSettings",
    "OnDelete",
    "RealmBaseline",
    "RealmSessionSettings",
    "SigningSecret",
    "SigningSecretOptions",
    "StateManagementName",
    "TenantRestart",
    "ValueSource",
]
