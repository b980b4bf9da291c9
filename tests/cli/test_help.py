"""`aic-sessions`: every command and every option of it says what it does; configuration errors
exit 2 in every command."""

from __future__ import annotations

import click
import pytest
from aic_sessions.cli.commands import main


def commands() -> list[tuple[str, click.Command]]:
    return sorted(main.commands.items())


@pytest.mark.parametrize(("name", "command"), commands(), ids=[n for n, _ in commands()])
def test_every_option_has_help(name: str, command: click.Command) -> None:
    assert command.help, f"aic-sessions {name} has no description"
    bare = [
        param.opts[-1]
        for param in command.params
        if isinstance(param, click.Option) and not param.help
    ]
    assert not bare, f"aic-sessions {name}: options without help: {bare}"


def test_rollback_names_where_its_credentials_come_from() -> None:
    text = main.commands["rollback"].help or ""
    assert "AIC_SA_ID" in text and "AIC_ACCESS_TOKEN" in text


def test_rollback_without_credentials_exits_2_as_verify_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    for variable in ("AIC_SA_ID", "AIC_SA_JWK", "AIC_SA_JWK_FILE", "AIC_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    for variable in ("AM_ADMIN_USERNAME", "AM_ADMIN_PASSWORD", "FRODO_SA_ID", "FRODO_SA_JWK"):
        monkeypatch.delenv(variable, raising=False)
    result = CliRunner().invoke(main, ["rollback", "--base-url", "https://t.example.com/am"])
    assert result.exit_code == 2, result.output
    assert "credentials" in result.output.lower()
