"""Session configuration of Ping Advanced Identity Cloud / ForgeRock AM realms, as code."""

from __future__ import annotations

from aic_sessions._version import __version__

__all__ = ["__version__"]
