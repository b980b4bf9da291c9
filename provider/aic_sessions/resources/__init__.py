"""The session resources: Pulumi dynamic resources over the admin-API client."""

from __future__ import annotations

from .authenticated import AuthenticatedSessionSettings
from .esv_secret import EsvSecret
from .journey import JourneySessionSettings
from .signing_secret import SigningSecret
from .tenant_restart import TenantRestart

__all__ = [
    "AuthenticatedSessionSettings",
    "EsvSecret",
    "JourneySessionSettings",
    "SigningSecret",
    "TenantRestart",
]
