"""A stack with no config at all: our language host used to pass `PULUMI_CONFIG=null`
(a nil map marshalled by Go), which crashed every program in the SDK's config loading."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.engine_cli import PulumiCLI, write_python_project

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
import aic_sessions  # the library imports cleanly without any aic-sessions: config

config = pulumi.Config()
pulumi.export("tenant", config.get("tenant") or "none")
pulumi.export("secretKeys", len(pulumi.runtime.config.get_config_secret_keys_env()))
"""


def test_a_stack_without_config_runs(tmp_path: Path, engine_env: dict[str, str]) -> None:
    project = tmp_path / "bare"
    write_python_project(project, "bare", PROGRAM)
    cli = PulumiCLI(project, engine_env)
    cli.run("stack", "init", "empty")
    stack_file = yaml.safe_load((project / "Pulumi.empty.yaml").read_text())  # only the salt
    assert not stack_file.get("config"), stack_file

    preview = cli.run("preview")
    cli.run("up", "--yes")

    assert "null" not in preview.stdout + preview.stderr
    assert cli.run("stack", "output", "tenant").stdout.strip() == "none"
    assert cli.run("stack", "output", "secretKeys").stdout.strip() == "0"
