"""Entry point of the `aic-sessions` command: checks the `cli` extra, then runs `cli.main`."""

from __future__ import annotations

from aic_sessions.cli.extras import require_extra


def main() -> None:
    require_extra("aic-sessions", "cli", ("click", "yaml"))
    from aic_sessions.cli.commands import main as cli_main

    cli_main()
