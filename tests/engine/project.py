"""A copy of this repository's Pulumi project in a temporary folder, with its own stack config."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import yaml
from aic_emulator.testing import EmulatorServer
from aic_sessions.domain.namespace import config_key

from tests.engine_cli import REPO_ROOT, VENV, PulumiCLI, write_python_project


def copy_project(directory: Path) -> Path:
    """Pulumi.yaml (virtualenv made absolute), the program and an empty stacks/ folder."""
    directory.mkdir(parents=True, exist_ok=True)
    text = (
        (REPO_ROOT / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {VENV}")
    )
    (directory / "Pulumi.yaml").write_text(text)
    shutil.copy(REPO_ROOT / "__main__.py", directory / "__main__.py")
    (directory / "stacks").mkdir(exist_ok=True)
    return directory


def rename_project(directory: Path, name: str) -> None:
    """The project copy under another name, as a user's own `Pulumi.yaml` has it: without this
    repository's `config:` declarations, which type the keys of the project's own namespace
    (the program's keys are `aic-sessions:<key>` whatever the project is called)."""
    pulumi_yaml = directory / "Pulumi.yaml"
    text = pulumi_yaml.read_text().replace("name: aic-sessions", f"name: {name}")
    pulumi_yaml.write_text(text.split("\nconfig:\n", 1)[0] + "\n")


def write_stack(directory: Path, stack: str, config: dict[str, Any]) -> None:
    values = {config_key(k): v for k, v in config.items()}
    (directory / "stacks" / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump({"config": values}))


def emulator_cli(directory: Path, env: dict[str, str], emulator: EmulatorServer) -> PulumiCLI:
    """The CLI, with the emulator's seeded service account as credentials."""
    sa_id, jwk = emulator.service_account
    creds = {"AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}
    return PulumiCLI(directory, {**env, **creds})


def realm(name: str, **sections: Any) -> dict[str, Any]:
    return {"name": name, **sections}


def new_stack(
    directory: Path,
    env: dict[str, str],
    emulator: EmulatorServer,
    realms: list[dict[str, Any]],
    *,
    stack: str = "e2e",
    base_url: str | None = None,
) -> PulumiCLI:
    """A project copy with one dev-like stack over `realms`, initialised, on the emulator."""
    project = copy_project(directory)
    config = {"environment": "dev", "baseUrl": base_url or emulator.base_url, "realms": realms}
    write_stack(project, stack, config)
    cli = emulator_cli(project, env, emulator)
    cli.run("stack", "init", stack)
    return cli


def library_project(
    directory: Path, name: str, program: str, env: dict[str, str], emulator: EmulatorServer
) -> PulumiCLI:
    """A user's own project `name` running `program` (with this repository's virtualenv), its
    stack `dev` initialised with `tenant` set to the emulator."""
    write_python_project(directory, name, program)
    cli = emulator_cli(directory, env, emulator)
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "tenant", emulator.base_url)
    return cli
