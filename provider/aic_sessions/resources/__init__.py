"""The session resources: Pulumi dynamic resources over the admin-API client."""

from __future__ import annotations

from .authenticated import AuthenticatedSessionSettings
from .journey import JourneySessionSettings
from .naming import OnDelete, StateManagementName, ValueSource
from .realm import AuthenticatedOptions, JourneyOptions, RealmSessionSettings, SigningSecretOptions
from .signing_secret import SigningSecret

__all__ = [
    "AuthenticatedOptions",
    "AuthenticatedSessionSettings",
    "JourneyOptions",
    "JourneySessionSettings",
    "OnDelete",
    "RealmSessionSettings",
    "SigningSecret",
    "SigningSecretOptions",
    "StateManagementName",
    "ValueSource",
]
