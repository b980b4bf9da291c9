"""A provider error reaches the user as its message alone.

No Python traceback from `pulumi/dynamic`'s provider server precedes it (its
`_abort_with_traceback` formats every exception it catches). The engine's non-interactive
progress display repeats a resource's error on each of its status lines (also with
`--suppress-progress`); the diagnostics hold it once.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.engine_cli import PulumiCLI, write_python_project
from tests.library.conftest import CREDENTIAL_VARIABLES

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
from aic_sessions import JourneySessionSettings

JourneySessionSettings("alpha-journey", base_url=pulumi.Config().require("tenant"), realm="alpha")
"""


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_at_up_is_one_message_without_traceback(
    tmp_path: Path, engine_env: dict[str, str]
) -> None:
    project = tmp_path / "acme-identity"
    write_python_project(project, "acme-identity", PROGRAM)
    env = {k: v for k, v in engine_env.items() if k not in CREDENTIAL_VARIABLES}
    env |= {"AM_ADMIN_USERNAME": "amadmin", "AM_ADMIN_PASSWORD": "x"}
    cli = PulumiCLI(project, env)
    cli.run("stack", "init", "dev")
    url = f"http://127.0.0.1:{closed_port()}/am"
    cli.run("config", "set", "tenant", url)
    result = cli.run("up", "--yes", "--skip-preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback" not in output
    assert "pulumi/dynamic" not in output
    diagnostics = output.split("Diagnostics:", 1)[1]
    assert diagnostics.count("Nothing accepts connections at") == 1, output
