"""The one rule between Python names and wire names: `max_duration_minutes` <->
`maxDurationMinutes` (no Pulumi). Internal `__` names are left alone both ways."""

from __future__ import annotations

import re
from functools import lru_cache

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])([A-Z])")


# Memoized: a few dozen names, converted for every resource a stack declares and checks.
@lru_cache(maxsize=1024)
def to_snake(name: str) -> str:
    """`maxDurationMinutes` -> `max_duration_minutes`."""
    if name.startswith("__"):
        return name
    return _CAMEL_BOUNDARY.sub(lambda m: "_" + m.group(1).lower(), name)


@lru_cache(maxsize=1024)
def to_camel(name: str) -> str:
    """`max_duration_minutes` -> `maxDurationMinutes`."""
    if name.startswith("__") or "_" not in name:
        return name
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
