"""Entry point of the `aic-emulator` command: checks the `emulator` extra, then runs `cli.main`."""

from __future__ import annotations

import importlib.util
import sys


def main() -> None:
    if importlib.util.find_spec("flask") is None:
        sys.stderr.write(
            "aic-emulator: needs the 'emulator' extra (missing: flask). "
            "Install it with: pip install 'aic-sessions[emulator]'\n"
        )
        raise SystemExit(2)
    from aic_emulator.cli import main as cli_main

    raise SystemExit(cli_main())
