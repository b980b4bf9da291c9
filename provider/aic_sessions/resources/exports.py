"""The package's public names, read from one list: the `if TYPE_CHECKING:` imports of
`resources/__init__.py` (`from .esv_secret import EsvSecret as EsvSecret`).

Type checkers read those imports; at run time this module reads them once, line by line (as
`lazy_loader.attach_stub` reads a stub), so the lazy exports of `aic_sessions` and
`aic_sessions.resources` and the policies' type tokens come from that list without importing
Pulumi. A resource is its module plus one import line there.
"""

from __future__ import annotations

import re
from pathlib import Path

TYPE_PREFIX = "pulumi-python:dynamic/aic:"
_EXPORT = re.compile(r"    from \.(\w+) import (\w+) as \2$")


def _exports() -> dict[str, str]:
    """Public name -> its module in this package, in the order written."""
    lines = (Path(__file__).parent / "__init__.py").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("if TYPE_CHECKING:"))
    exports = {}
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        match = _EXPORT.match(line)
        if match is None:
            raise ImportError(f"aic_sessions.resources: not an export line: {line.strip()!r}")
        exports[match[2]] = match[1]
    return exports


EXPORTS = _exports()


def type_token(name: str) -> str:
    """The engine's type of an exported dynamic resource, e.g.
    `pulumi-python:dynamic/aic:SigningSecret`; an unexported name fails where it is used."""
    if name not in EXPORTS:
        raise KeyError(f"{name} is not exported by aic_sessions")
    return TYPE_PREFIX + name
