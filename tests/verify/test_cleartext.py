"""`aic-sessions verify` and `rollback` refuse plain http to another machine (the admin's
credentials and the test user's password would cross the network in cleartext), as the
resources do, unless AIC_ALLOW_INSECURE_HTTP=true."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aic_sessions.cli.commands import main
from aic_sessions.program import stack_reader
from click.testing import CliRunner

from tests.verify.util import CREDENTIAL_VARIABLES

REMOTE = "http://192.0.2.10/am"  # TEST-NET-1: never routed
VERIFY = ["verify", "--base-url", REMOTE, "--realm", "alpha", "--username", "u", "--json"]


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Admin credentials in the environment; every connection attempt noted and refused."""
    for variable in (*CREDENTIAL_VARIABLES, "AIC_ALLOW_INSECURE_HTTP"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("AM_ADMIN_USERNAME", "amadmin")
    monkeypatch.setenv("AM_ADMIN_PASSWORD", "not-sent")
    monkeypatch.setenv("AIC_TEST_PASSWORD", "not-sent-either")
    tried: list[object] = []

    def connect(_sock: socket.socket, address: object) -> None:
        tried.append(address)
        raise ConnectionRefusedError("refused by the test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield tried


@pytest.mark.parametrize(
    "args", [VERIFY, ["rollback", "--base-url", REMOTE]], ids=["verify", "rollback"]
)
def test_plain_http_to_another_machine_is_refused_before_anything_is_sent(
    args: list[str], connections: list[object]
) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "is plain http to another machine" in result.output
    assert "AIC_ALLOW_INSECURE_HTTP=true" in result.output
    assert connections == [] and "not-sent" not in result.output


def test_the_variable_allows_it(connections: list[object], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIC_ALLOW_INSECURE_HTTP", "true")
    result = CliRunner().invoke(main, [*VERIFY, "--max-attempts", "1"])
    assert "is plain http to another machine" not in result.output
    assert connections, "allowed, the command connects"


@pytest.mark.parametrize("switch", ["true", "false"])
def test_with_stack_the_stacks_own_switch_decides(
    connections: list[object], monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    """`verify --stack` honours the stack's `aic-sessions:allowInsecureHttp`, as its resources
    do; without it, the refusal names both switches."""
    config = {
        "environment": "dev",
        "baseUrl": REMOTE,
        "allowInsecureHttp": switch,
        "realms": [{"name": "alpha"}],
    }
    monkeypatch.setattr(stack_reader, "public_config", lambda _dir, _stack: dict(config))
    args = ["verify", "--stack", "dev", "--username", "u", "--json", "--max-attempts", "1"]
    result = CliRunner().invoke(main, args)
    if switch == "true":
        assert "is plain http to another machine" not in result.output
        assert connections, "allowed by the stack, the command connects"
    else:
        assert result.exit_code == 2, result.output
        assert "aic-sessions:allowInsecureHttp true" in result.output
        assert connections == []
