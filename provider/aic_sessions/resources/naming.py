"""Python names for the resources' properties: snake_case attributes, camelCase on the wire.

Inputs and outputs keep their camelCase names in state, in the engine and for policies
(`stateManagement`); the Python objects read and write snake_case (`state_management`). Only
the property names change: keys inside dict values stay as on the wire, in Python and in
`pulumi stack output` alike (`prior_settings["maxDurationMinutes"]`), as the SDK's
`translate_*_property` hooks cannot do (it calls them for nested keys too).
"""

from __future__ import annotations

from typing import Any, Literal, cast

from aic_sessions.domain.names import to_camel, to_snake

StateManagementName = Literal["CTS", "JWT", "IN_MEMORY"]
"""Where journey sessions live: `CTS` (server-side), `JWT` (client-side), `IN_MEMORY` (AM only)."""
OnDelete = Literal["restore", "retain"]
"""What `pulumi destroy` does: `restore` writes the prior values back, `retain` leaves them."""
ValueSource = Literal["given", "generated", "esv"]
"""Where a signing secret comes from."""


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


def declared(arguments: dict[str, Any]) -> dict[str, Any]:
    """A resource constructor's properties from its `locals()`: every named argument but the
    resource's name and options (a new parameter is a new property, with nothing to copy)."""
    skipped = {"self", "resource_name", "opts", "settings", "__class__"}
    return {name: value for name, value in arguments.items() if name not in skipped}
