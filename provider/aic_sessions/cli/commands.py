"""The `aic-sessions` command line; `verify` is a thin shell over `aic_sessions.verify`.

Exit status of `verify`: 0 when every check passed, 1 when a check failed, 2 for usage or
configuration errors (bad flags, a stack Pulumi cannot read, missing credentials).
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from pydantic import SecretStr

from aic_sessions._version import __version__
from aic_sessions.cli.cleartext import refuse_cleartext
from aic_sessions.cli.problems import ConfigProblem
from aic_sessions.client import AdminClient, ConfigurationError, ConnectionSettings, RetryBudget
from aic_sessions.program.stack_config import StackConfigError
from aic_sessions.verify import (
    IntentError,
    Target,
    TestUser,
    from_flags,
    from_stack,
    to_json,
    to_table,
    verify_target,
)
from aic_sessions.verify.intent import Source

PASSWORD_ENV = "AIC_TEST_PASSWORD"  # noqa: S105 (the variable's name, not a password)
SIGNING_SECRET_ENV = "AIC_SIGNING_SECRET"  # noqa: S105 (the variable's name)
EXIT_FAILED = 1


@click.group()
@click.version_option(__version__, prog_name="aic-sessions")
def main() -> None:
    """Session configuration of Ping AIC / ForgeRock AM realms, as code."""


@main.command("check-stack-files")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_stack_files(files: tuple[Path, ...]) -> None:
    """Refuse plaintext credentials and decimal whole numbers in stack files and the project
    file (CI, pre-commit). A project folder stands for its Pulumi.yaml and every stack file."""
    from aic_sessions.program.stack_files import NotAProject, files_to_check, report

    try:
        lines = report(files_to_check(str(f) for f in files))
    except NotAProject as exc:
        raise ConfigProblem(str(exc)) from None
    for line in lines:
        click.echo(line, err=True)
    if lines:
        raise SystemExit(EXIT_FAILED)


@main.command()
@click.option(
    "--stack",
    help="Verify the tenant and realms of this Pulumi stack (read with the `pulumi` CLI).",
)
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The Pulumi project folder of --stack (default: the working directory).",
)
@click.option(
    "--intent",
    "intent_source",
    type=click.Choice(["config", "outputs", "resources"]),
    help="With --stack: the stack's configuration (this repository's schema), its deployed "
    "outputs, or the session resources in its state (any project). Default: config when it "
    "lists aic-sessions:realms, else resources.",
)
@click.option("--base-url", help="The tenant's AM URL, without --stack (default: AIC_BASE_URL).")
@click.option(
    "--realm",
    "realms",
    multiple=True,
    help="A realm to verify (repeatable); with --stack: only it.",
)
@click.option(
    "--username",
    envvar="AIC_TEST_USERNAME",
    show_envvar=True,
    help="A non-administrative test user; its password comes from AIC_TEST_PASSWORD or a "
    "hidden prompt.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 20),
    help="Attempts per admin-API request, retries included (default: the client's).",
)
@click.option("-v", "--verbose", count=True, help="Log requests to stderr (-vv: redacted headers).")
@click.pass_context
def verify(
    ctx: click.Context,
    stack: str | None,
    project_dir: Path | None,
    intent_source: Source | None,
    base_url: str | None,
    realms: tuple[str, ...],
    username: str | None,
    as_json: bool,
    max_attempts: int | None,
    verbose: int,
) -> None:
    """Check that each realm really issues server-side sessions.

    Logs a test user in, checks the token's form and that the session is listed, compares the
    realm's journey scheme and client-side flag with the stack, then logs the session out.
    The admin identity comes from the environment (AIC_SA_ID + AIC_SA_JWK or AIC_SA_JWK_FILE,
    AM_ADMIN_USERNAME + AM_ADMIN_PASSWORD, or AIC_ACCESS_TOKEN). Without --stack, a base64
    signing secret in AIC_SIGNING_SECRET adds a check that journeys are signed with it.
    """
    target = _target(stack, project_dir or Path.cwd(), intent_source, base_url, realms)
    settings = _settings(target, max_attempts)
    if not username:
        raise click.UsageError("Name the test user with --username or AIC_TEST_USERNAME.")
    user = TestUser(username, _password())
    with _logging(verbose), AdminClient(settings) as client:
        report = verify_target(client, target, user)
    click.echo(to_json(report) if as_json else to_table(report))
    if not report.passed:
        ctx.exit(EXIT_FAILED)


def _target(
    stack: str | None,
    project_dir: Path,
    source: Source | None,
    base_url: str | None,
    realms: tuple[str, ...],
) -> Target:
    if stack is None:
        try:
            secret = os.environ.get(SIGNING_SECRET_ENV)
            return from_flags(base_url, realms, SecretStr(secret) if secret else None)
        except IntentError as exc:
            raise click.UsageError(str(exc)) from None
    if base_url:
        raise click.UsageError(
            "--base-url cannot be used with --stack: the stack names the tenant."
        )
    try:
        return from_stack(project_dir, stack, realms, source)
    except (IntentError, StackConfigError) as exc:
        raise ConfigProblem(str(exc)) from None


def _settings(target: Target, max_attempts: int | None) -> ConnectionSettings:
    overrides: dict[str, Any] = {"base_url": target.base_url} if target.base_url else {}
    if max_attempts is not None:
        overrides["retries"] = RetryBudget(max_attempts=max_attempts)
    try:
        settings = ConnectionSettings.from_env(**overrides)
    except ConfigurationError as exc:
        raise ConfigProblem(str(exc)) from None
    refuse_cleartext(settings.base_url, target.allows_insecure_http)
    return settings


def _password() -> SecretStr:
    """AIC_TEST_PASSWORD, else a hidden prompt on a terminal, else the first line of stdin
    (no prompt and no getpass warning when nothing can hide the input)."""
    value = os.environ.get(PASSWORD_ENV)
    if not value and sys.stdin is not None and sys.stdin.isatty():
        try:
            value = click.prompt("Password of the test user", hide_input=True)
        except click.Abort:
            value = None
    elif not value:
        value = sys.stdin.readline().rstrip("\r\n") if sys.stdin is not None else None
    if not value:
        raise click.UsageError(
            f"No password for the test user: set {PASSWORD_ENV}, type it at the prompt of a "
            "terminal, or give it on the first line of stdin."
        )
    return SecretStr(value)


def _add_rollback() -> None:
    from aic_sessions.cli.rollback import rollback

    main.add_command(rollback)


_add_rollback()


class _EchoHandler(logging.Handler):
    """Writes log lines to the current stderr (click's, so test runners capture them)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


@contextmanager
def _logging(verbose: int) -> Iterator[None]:
    if not verbose:
        yield
        return
    logger = logging.getLogger("aic_sessions")
    handler = _EchoHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
