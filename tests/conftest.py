"""Shared fixtures: an isolated Pulumi backend and CLI for tests that run the real engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine_cli import engine_environment

pytest_plugins = ["tests.emulator_fixtures"]


@pytest.fixture(scope="session")
def engine_env_base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The local engine environment (builds the engine on first use if `make setup` did not)."""
    return engine_environment(tmp_path_factory.mktemp("backend"))


@pytest.fixture
def engine_env(engine_env_base: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """Per-test environment: its own file backend, so tests never see each other's stacks."""
    backend = tmp_path / "backend"
    backend.mkdir()
    return {**engine_env_base, "PULUMI_BACKEND_URL": f"file://{backend}"}
