"""Session configuration of Ping Advanced Identity Cloud / ForgeRock AM realms, as code.

The Pulumi resources are importable from here (`from aic_sessions import
JourneySessionSettings`); the list is `aic_sessions.resources`' (see `resources/exports.py`).
They load on first use (PEP 562), so `aic_sessions.client` and the verifier do not import Pulumi.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from aic_sessions._version import __version__
from aic_sessions.resources.exports import EXPORTS

if TYPE_CHECKING:
    from aic_sessions.resources import *  # noqa: F403 (the same names, for type checkers)

__all__ = ["__version__", *EXPORTS]


def __getattr__(name: str) -> Any:
    if name in EXPORTS:
        return getattr(importlib.import_module("aic_sessions.resources"), name)
    raise AttributeError(f"module 'aic_sessions' has no attribute {name!r}")
