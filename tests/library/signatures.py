"""The keywords a public class accepts, as a user's type checker sees them."""

from __future__ import annotations

import inspect
import re
import sys
from typing import Any, is_typeddict

UNPACKED = re.compile(r"^Unpack\[(\w+)\]$")


def keywords(cls: Any) -> dict[str, Any]:
    """Keyword name -> annotation: the constructor's parameters, with a typed `**kwargs`
    (`Unpack[SomeOptions]`) expanded to its TypedDict's keys; a TypedDict's own keys."""
    if is_typeddict(cls):
        return dict(cls.__annotations__)
    init = cls.__dict__.get("__init__", cls.__init__)
    found: dict[str, Any] = {}
    for p in inspect.signature(init).parameters.values():
        if p.name == "self":
            continue
        unpacked = UNPACKED.match(str(p.annotation)) if p.kind is p.VAR_KEYWORD else None
        if unpacked:
            options = vars(sys.modules[init.__module__])[unpacked.group(1)]
            found |= keywords(options)
        else:
            found[p.name] = p.annotation
    return found
