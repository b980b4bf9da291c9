"""Python names for the resources' properties: snake_case attributes, camelCase on the wire.

Inputs and outputs keep their camelCase names in state, in the engine and for policies
(`stateManagement`); the Python objects read and write snake_case (`state_management`). The
SDK calls `translate_input_property` on the way out and `translate_output_property` on the way
in, also for the keys of nested dicts (`prior_settings`), by the one rule of `domain/names.py`.
"""

from __future__ import annotations

from typing import Literal

from aic_sessions.domain.names import to_camel, to_snake

StateManagementName = Literal["CTS", "JWT", "IN_MEMORY"]
"""Where journey sessions live: `CTS` (server-side), `JWT` (client-side), `IN_MEMORY` (AM only)."""
OnDelete = Literal["restore", "retain"]
"""What `pulumi destroy` does: `restore` writes the prior values back, `retain` leaves them."""
ValueSource = Literal["given", "generated", "esv"]
"""Where a signing secret comes from."""


class SnakeCaseProperties:
    """Mixed into a `pulumi.dynamic.Resource`: snake_case attributes over camelCase wire names."""

    def translate_input_property(self, prop: str) -> str:
        return to_camel(prop)

    def translate_output_property(self, prop: str) -> str:
        return to_snake(prop)
