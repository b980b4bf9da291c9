"""Provider errors reach the user as their message alone, not after the SDK's traceback.

The SDK's dynamic-provider server (`pulumi/dynamic/__main__.py`) wraps every gRPC method in
`_abort_with_traceback`, which answers any exception with `traceback.format_exc()`: no exception
type is formatted plainly, and the engine prints the answer under the resource in the progress
lines and again in the diagnostics (upstream: https://github.com/pulumi/pulumi/issues/10416).
In the provider process that module runs as `__main__`; `install` replaces its `traceback`
name with a view whose `format_exc()` is the message alone for a `PlainError`, and the real
traceback for anything else (a bug keeps its stack). Nothing changes when the module is not
there or no longer uses `traceback` (another SDK version): errors then keep the traceback.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

SDK_SERVER = "pulumi.dynamic.__main__"


class PlainError(Exception):
    """An error whose text is all the user needs (operation, URL, answer and the fix)."""


class _PlainTraceback:
    """The `traceback` module, except that a PlainError formats as its message."""

    def __getattr__(self, name: str) -> Any:
        return getattr(traceback, name)

    @staticmethod
    def format_exc(*args: Any, **kwargs: Any) -> str:
        error = sys.exc_info()[1]
        if isinstance(error, PlainError):
            return str(error)
        return traceback.format_exc(*args, **kwargs)


def install() -> bool:
    """Make the SDK's provider server print PlainErrors plainly; whether it could."""
    server = sys.modules.get("__main__")
    spec = getattr(server, "__spec__", None)
    if getattr(spec, "name", None) != SDK_SERVER or not callable(
        getattr(server, "_abort_with_traceback", None)
    ):
        return False
    if getattr(server, "traceback", None) is traceback:
        server.traceback = _PlainTraceback()  # type: ignore[union-attr]
    return isinstance(getattr(server, "traceback", None), _PlainTraceback)
