"""The stack program (`aic_sessions.program.main.run()`) in a project of another name reads the
`aic-sessions:` keys, given signing secrets included, as the README says; keys under the
project's own name are refused at preview with the fix, and nothing is written."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
import yaml
from aic_emulator.testing import EmulatorServer

from tests.engine.project import copy_project, emulator_cli, realm, rename_project, write_stack

pytestmark = pytest.mark.engine
PROJECT = "acme-identity"


def test_the_stack_program_reads_aic_sessions_keys_in_any_project(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    project = copy_project(tmp_path / "project")
    rename_project(project, PROJECT)
    config = {
        "environment": "dev",
        "baseUrl": aic_emulator.base_url,
        "realms": [realm("alpha", signingSecret={"source": "given"})],
    }
    write_stack(project, "dev", config)
    cli = emulator_cli(project, engine_env, aic_emulator)
    cli.run("stack", "init", "dev")
    given = base64.b64encode(os.urandom(32)).decode()
    # As the README and the program's own messages say: the full key, whatever the project.
    cli.run("config", "set", "--secret", "--path", "aic-sessions:signingSecrets.alpha", given)
    out = cli.run("up", "--yes", "--skip-preview")
    assert given not in out.stdout
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(given.encode()).hexdigest()
    cli.run("preview", "--expect-no-changes")

    # The same keys under the project's own name (a bare `pulumi config set realms ...`).
    stack_file = project / "stacks" / "Pulumi.moved.yaml"
    moved = {f"{PROJECT}:{key}": value for key, value in config.items()}
    stack_file.write_text(yaml.safe_dump({"config": moved}))
    cli.run("stack", "init", "moved")
    aic_emulator.clear_requests()
    refused = cli.run("preview", "--stack", "moved", check=False)
    assert refused.returncode != 0
    assert "this program reads aic-sessions:<key> whatever the project is called" in refused.stdout
    assert f"{PROJECT}:environment, {PROJECT}:baseUrl, {PROJECT}:realms" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr
    assert aic_emulator.request_counts()["writes"] == 0

    # One optional key under the project's name beside a sound aic-sessions: set (a stray
    # `esvRestart` would otherwise be ignored for the default, which restarts the tenant).
    stray = {**{f"aic-sessions:{k}": v for k, v in config.items()}, f"{PROJECT}:protect": True}
    (project / "stacks" / "Pulumi.stray.yaml").write_text(yaml.safe_dump({"config": stray}))
    cli.run("stack", "init", "stray")
    refused = cli.run("preview", "--stack", "stray", check=False)
    assert refused.returncode != 0
    assert f"the stack sets {PROJECT}:protect. Move them" in refused.stdout
    # The same key set under both names: the project's may be the user's own, so a warning.
    both = {**stray, "aic-sessions:protect": True}
    (project / "stacks" / "Pulumi.stray.yaml").write_text(yaml.safe_dump({"config": both}))
    warned = cli.run("preview", "--stack", "stray", check=False)
    assert f"{PROJECT}:protect: not read by this program" in warned.stdout
