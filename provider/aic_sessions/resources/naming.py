"""Python names for the resources' properties: snake_case attributes, camelCase on the wire.

Inputs and outputs keep their camelCase names in state, in the engine and for policies
(`stateManagement`); the Python objects read and write snake_case (`state_management`). The
SDK calls `translate_input_property` on the way out and `translate_output_property` on the way
in, also for the keys of nested dicts (`prior_settings`).
"""

from __future__ import annotations

import re
from typing import Literal

StateManagementName = Literal["CTS", "JWT", "IN_MEMORY"]
"""Where journey sessions live: `CTS` (server-side), `JWT` (client-side), `IN_MEMORY` (AM only)."""
OnDelete = Literal["restore", "retain"]
"""What `pulumi destroy` does: `restore` writes the prior values back, `retain` leaves them."""
ValueSource = Literal["given", "generated", "esv"]
"""Where a signing secret comes from."""

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])([A-Z])")


def to_snake(name: str) -> str:
    """`maxDurationMinutes` -> `max_duration_minutes`; internal `__` names are left alone."""
    if name.startswith("__"):
        return name
    return _CAMEL_BOUNDARY.sub(lambda m: "_" + m.group(1).lower(), name)


def to_camel(name: str) -> str:
    """`max_duration_minutes` -> `maxDurationMinutes`; internal `__` names are left alone."""
    if name.startswith("__") or "_" not in name:
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class SnakeCaseProperties:
    """Mixed into a `pulumi.dynamic.Resource`: snake_case attributes over camelCase wire names."""

    def translate_input_property(self, prop: str) -> str:
        return to_camel(prop)

    def translate_output_property(self, prop: str) -> str:
        return to_snake(prop)
