"""Python names for the resources' properties: snake_case attributes, camelCase on the wire.

Inputs and outputs keep their camelCase names in state, in the engine and for policies
(`stateManagement`); the Python objects read and write snake_case (`state_management`). Only
the property names change: keys inside dict values stay as on the wire, in Python and in
`pulumi stack output` alike (`prior_settings["maxDurationMinutes"]`), as the SDK's
`translate_*_property` hooks cannot do (it calls them for nested keys too).
"""

from __future__ import annotations

import re
from typing import Any, Literal, cast

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
    """Mixed into a `pulumi.dynamic.Resource` (before it): snake_case attributes over camelCase
    wire names. The properties are registered under their wire names, so the SDK translates
    nothing (nested keys neither); then each property's output moves to its Python name."""

    def __init__(self, provider: Any, name: str, props: dict[str, Any], opts: Any = None) -> None:
        wire = {to_camel(key): value for key, value in props.items()}
        cast(Any, super()).__init__(provider, name, wire, opts)
        for key in wire:  # the SDK set one Output per property, under its wire name
            if (python := to_snake(key)) != key and key in self.__dict__:
                self.__dict__[python] = self.__dict__.pop(key)
