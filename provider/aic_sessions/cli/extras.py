"""Commands that need an optional extra check for it first and say how to install it."""

from __future__ import annotations

import importlib.util
import sys


def require_extra(command: str, extra: str, modules: tuple[str, ...]) -> None:
    """Exit with status 2 and an install hint when one of `modules` is not installed."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        sys.stderr.write(
            f"{command}: needs the '{extra}' extra (missing: {', '.join(missing)}). "
            f"Install it with: pip install 'aic-sessions[{extra}]'\n"
        )
        raise SystemExit(2)
