"""A user's Pulumi project on the real OpenAM, and what its tests compare."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.engine_cli import PulumiCLI, engine_environment, write_python_project
from tests.realserver.openam import OpenAM


def openam_project(
    tmp_path: Path, openam: OpenAM, realm: str, name: str, program: str, **config: str
) -> PulumiCLI:
    """Project `name` running `program` with its own backend and the admin login in the
    environment; stack `openam` with `baseUrl`, `realm` and `config` set."""
    directory = tmp_path / name
    write_python_project(directory, name, program)
    cli = PulumiCLI(directory, admin_environment(tmp_path, openam))
    cli.run("stack", "init", "openam")
    for key, value in {"baseUrl": openam.base_url, "realm": realm, **config}.items():
        cli.run("config", "set", key, value)
    return cli


def without_rev(document: dict[str, Any] | None) -> dict[str, Any] | None:
    """A document without `_rev` (OpenAM changes it on every read)."""
    return None if document is None else {k: v for k, v in document.items() if k != "_rev"}


def admin_environment(tmp_path: Path, openam: OpenAM) -> dict[str, str]:
    """The engine environment with a backend under `tmp_path` and the admin login."""
    env = engine_environment(tmp_path / "backend")
    env.update(
        AM_ADMIN_USERNAME=openam.admin_username,
        AM_ADMIN_PASSWORD=openam.admin_password.get_secret_value(),
    )
    return env
