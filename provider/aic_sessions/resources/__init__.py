"""The session resources: Pulumi dynamic resources over the admin-API client."""

from __future__ import annotations

from .authenticated import AuthenticatedSessionSettings
from .journey import JourneySessionSettings
from .signing_secret import SigningSecret

__all__ = ["AuthenticatedSessionSettings", "JourneySessionSettings", "SigningSecret"]
