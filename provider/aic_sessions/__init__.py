"""Session configuration of Ping Advanced Identity Cloud / ForgeRock AM realms, as code."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
