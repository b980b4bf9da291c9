"""The commands' configuration errors: exit 2, as usage errors do, with nothing sent."""

from __future__ import annotations

import click


class ConfigProblem(click.ClickException):
    """A configuration error: exits 2 like a usage error, without the usage text."""

    exit_code = 2
