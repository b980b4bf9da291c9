"""Python names for the resources' properties: snake_case attributes, camelCase on the wire.

Inputs and outputs keep their camelCase names in state, in the engine and for policies
(`stateManagement`); the Python objects read and write snake_case (`state_management`). Only
the property names change: keys inside dict values stay as on the wire, in Python and in
`pulumi stack output` alike (`prior_settings["maxDurationMinutes"]`), as the SDK's
`translate_*_property` hooks cannot do (it calls them for nested keys too).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pulumi import RunError

from aic_sessions.domain.attributes import Table, UnknownKeyword, keyword_values
from aic_sessions.domain.names import to_camel, to_snake

from .sdk_errors import quiet_cancellations
from .sdk_wait import track_as_one

StateManagementName = Literal["CTS", "JWT", "IN_MEMORY"]
"""Where journey sessions live: `CTS` (server-side), `JWT` (client-side), `IN_MEMORY` (AM only)."""
OnDelete = Literal["restore", "retain"]
"""What `pulumi destroy` does: `restore` writes the prior values back, `retain` leaves them."""
ValueSource = Literal["given", "generated", "esv"]
"""Where a signing secret comes from."""


@dataclass(frozen=True)
class Registration:
    """What a resource registers (`wire`, camelCase) and the inputs it leaves out (`unset`)."""

    wire: dict[str, Any]
    unset: tuple[str, ...]


def registration(inputs: dict[str, Any], outputs: Iterable[str] = ()) -> Registration:
    """Each input given and each output (None until the provider answers), under wire names.

    An input left None is not registered: the SDK sends no None to the engine, so the provider
    never sees it and never returns it (it returns its inputs and its outputs), and each
    registered property is an output the SDK's `wait_for_rpcs` watches until the engine answers
    (a cost per realm that grows with the stack). It is still an attribute (`unset`)."""
    outputs = tuple(outputs)
    wire = {to_camel(key): None for key in outputs}
    wire |= {to_camel(key): value for key, value in inputs.items() if value is not None}
    unset = tuple(key for key, value in inputs.items() if value is None and key not in outputs)
    return Registration(wire, unset)


_UNSET = "_unset_inputs"  # the instance attribute naming the inputs left unset


class SnakeCaseProperties:
    """Mixed into a `pulumi.dynamic.Resource`: snake_case attributes over camelCase wire names.

    A subclass's `__init__` registers `registration(inputs, OUTPUTS).wire`, so the SDK
    translates nothing (nested keys neither), then calls `after_registering`: each property's
    output moves to its Python name, and each input left unset reads as an output of None. No
    constructor of ours stands between the subclass's and the SDK's: the SDK records each
    registration's call stack in state from its third `__init__` frame down, so a frame here
    would be in every resource's record (and be its source position).
    """

    OUTPUTS: ClassVar[tuple[str, ...]] = ()
    """The properties the provider returns beyond the inputs it was given (snake_case)."""

    def after_registering(self, registered: Registration) -> None:
        """What follows the SDK's `__init__`: move the output the SDK set under each wire name
        to its Python name, remember the inputs left unset, have the SDK wait for the
        outputs as one (`sdk_wait`), and report a cancelled registration quietly
        (`sdk_errors`)."""
        for key in registered.wire:
            if (python := to_snake(key)) != key and key in self.__dict__:
                self.__dict__[python] = self.__dict__.pop(key)
        self.__dict__[_UNSET] = registered.unset
        track_as_one(self)
        quiet_cancellations()

    if not TYPE_CHECKING:  # type checkers keep refusing unknown attribute names

        def __getattr__(self, name: str) -> Any:
            """An input left unset: an output of None that depends on the resource, made when
            first read (most never are). Known at preview too, where the SDK would have made it
            unknown: no provider returns an input it was not given."""
            if name not in self.__dict__.get(_UNSET, ()):
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            output = self.urn.apply(lambda _: None)
            self.__dict__[name] = output
            return output

        def __dir__(self) -> list[str]:
            return [*super().__dir__(), *self.__dict__.get(_UNSET, ())]


class UnknownOptionError(RunError, TypeError):
    """A misspelt settings keyword: a `RunError`, so the engine shows the message alone."""


def attribute_keywords(owner: str, table: Table, given: Mapping[str, Any]) -> dict[str, Any]:
    """`keyword_values` in a program: an unknown keyword stops it with the nearest valid one,
    without a traceback."""
    try:
        return keyword_values(owner, table, given)
    except UnknownKeyword as exc:
        raise UnknownOptionError(str(exc)) from None


def declared(arguments: dict[str, Any]) -> dict[str, Any]:
    """A resource constructor's properties from its `locals()`: every named argument but the
    resource's name and options (a new parameter is a new property, with nothing to copy)."""
    skipped = {"self", "resource_name", "opts", "settings", "__class__"}
    return {name: value for name, value in arguments.items() if name not in skipped}
