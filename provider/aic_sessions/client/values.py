"""The admin API's enumerated values and fixed strings, without pydantic.

What the Pulumi program and the resources' `check` and `diff` need of the wire vocabulary
(where journey sessions live, the visible forms of the signing secret), apart from the wire
models of `models.py`, which are loaded only where a document is read or written.
"""

from __future__ import annotations

import re
from enum import StrEnum

AIC_SECRET_PLACEHOLDER = "&{am.authentication.shared.secret}"  # noqa: S105 (a placeholder)
ESV_REFERENCE = re.compile(r"^&\{esv\.[a-z0-9][a-z0-9.-]*\}$")


class StateManagement(StrEnum):
    """Where journey (authentication) sessions are kept."""

    CTS = "CTS"  # server-side
    JWT = "JWT"  # client-side
    IN_MEMORY = "IN_MEMORY"  # server-side, one AM instance (self-managed AM only)


class SecretForm(StrEnum):
    """What a GET shows of `security.sharedSecret` (the value itself is never returned)."""

    HIDDEN = "hidden"  # AM: null
    TENANT_GENERATED = "tenant-generated"  # AIC placeholder
    ESV_REFERENCE = "esv-reference"  # {"$string": "&{esv.<name>}"}
    LITERAL = "literal"  # should not happen: a server that echoes secrets
    UNKNOWN = "unknown"  # the document has no `security` section
