"""Python names for the resources' properties: snake_case attributes, camelCase on the wire.

Inputs and outputs keep their camelCase names in state, in the engine and for policies
(`stateManagement`); the Python objects read and write snake_case (`state_management`). Only
the property names change: keys inside dict values stay as on the wire, in Python and in
`pulumi stack output` alike (`prior_settings["maxDurationMinutes"]`), as the SDK's
`translate_*_property` hooks cannot do (it calls them for nested keys too).
"""

from __future__ import annotations

from typing import Any, Literal

from aic_sessions.domain.names import to_camel, to_snake

StateManagementName = Literal["CTS", "JWT", "IN_MEMORY"]
"""Where journey sessions live: `CTS` (server-side), `JWT` (client-side), `IN_MEMORY` (AM only)."""
OnDelete = Literal["restore", "retain"]
"""What `pulumi destroy` does: `restore` writes the prior values back, `retain` leaves them."""
ValueSource = Literal["given", "generated", "esv"]
"""Where a signing secret comes from."""


def wire_names(props: dict[str, Any]) -> dict[str, Any]:
    """The properties under their wire (camelCase) names, as a resource registers them."""
    return {to_camel(key): value for key, value in props.items()}


class SnakeCaseProperties:
    """Mixed into a `pulumi.dynamic.Resource`: snake_case attributes over camelCase wire names.

    A subclass's `__init__` registers `wire_names(props)`, so the SDK translates nothing (nested
    keys neither), then calls `use_python_names` with them: each property's output moves to its
    Python name. No constructor of ours stands between the subclass's and the SDK's: the SDK
    records each registration's call stack in state from its third `__init__` frame down, so a
    frame here would be in every resource's record (and be its source position).
    """

    def use_python_names(self, wire: dict[str, Any]) -> None:
        """Move the output the SDK set under each wire name to its Python name."""
        for key in wire:
            if (python := to_snake(key)) != key and key in self.__dict__:
                self.__dict__[python] = self.__dict__.pop(key)


def declared(arguments: dict[str, Any]) -> dict[str, Any]:
    """A resource constructor's properties from its `locals()`: every named argument but the
    resource's name and options (a new parameter is a new property, with nothing to copy)."""
    skipped = {"self", "resource_name", "opts", "settings", "__class__"}
    return {name: value for name, value in arguments.items() if name not in skipped}
