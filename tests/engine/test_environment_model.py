"""The environment model at preview: unknown platform or stage names and a misplaced chain key
stop the deployment with the nearest valid name and nothing sent; a self-managed AM stack (no
platform key) deploys as before, and its outputs carry nothing of the chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import copy_project, emulator_cli, write_stack
from tests.engine_cli import REPO_ROOT

pytestmark = pytest.mark.engine


def stack_with(tmp_path: Path, emulator: EmulatorServer, **extra: Any) -> dict[str, Any]:
    realms = [{"name": "alpha", "signingSecret": {"source": "esv-generated"}}]
    return {"environment": "dev", "baseUrl": emulator.base_url, "realms": realms, **extra}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"platform": "aci"}, "unknown platform 'aci'; did you mean 'aic'?"),
        # A typo of an environment would skip its policy levels and rename every resource.
        ({"environment": "prdo"}, "unknown environment 'prdo'; did you mean 'prod'?"),
        (
            {"platform": "aic", "stage": "prod", "promotesFrom": "staging"},
            "unknown stage 'prod'; did you mean 'production'?",
        ),
        ({"stage": "staging"}, "aic-sessions:stage: only for platform 'aic'"),
        (
            {"platform": "aic", "stage": "staging"},
            "aic-sessions:promotesFrom: required in the staging stage",
        ),
    ],
)
def test_bad_place_fails_at_preview_with_the_fix(
    tmp_path: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
    extra: dict[str, Any],
    expected: str,
) -> None:
    project = copy_project(tmp_path / "project")
    write_stack(project, "e2e", stack_with(tmp_path, aic_emulator, **extra))
    cli = emulator_cli(project, engine_env, aic_emulator)
    cli.run("stack", "init", "e2e")
    aic_emulator.clear_requests()
    preview = cli.run("preview", check=False)
    assert preview.returncode != 0
    assert expected in preview.stdout + preview.stderr, preview.stdout + preview.stderr
    assert aic_emulator.request_counts()["total"] == 0


def test_upper_stage_lists_no_static_sections(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    config = stack_with(tmp_path, aic_emulator, platform="aic", stage="staging", promotesFrom="dev")
    config["realms"] = [{"name": "alpha", "journey": {"maxDurationMinutes": 9}}]
    project = copy_project(tmp_path / "project")
    write_stack(project, "e2e", config)
    cli = emulator_cli(project, engine_env, aic_emulator)
    cli.run("stack", "init", "e2e")
    preview = cli.run("preview", check=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "aic-sessions:realms[0].journey: the staging stage receives static" in output
    assert "aic-sessions:realms[0].signingSecret.source: 'generated' writes a literal" in output


def test_literal_secret_in_aic_development_fails_the_pack_at_preview(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    config = stack_with(tmp_path, aic_emulator, platform="aic", stage="development")
    config["realms"] = [{"name": "alpha", "signingSecret": {"source": "generated"}}]
    project = copy_project(tmp_path / "project")
    write_stack(project, "e2e", config)
    cli = emulator_cli(project, engine_env, aic_emulator)
    cli.run("stack", "init", "e2e")
    aic_emulator.clear_requests()
    preview = cli.run("preview", "--policy-pack", str(REPO_ROOT / "policies"), check=False)
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "[mandatory]  aic-signing-secret-esv-placeholder" in output, output
    assert "create esv-alpha-signing-secret" in output
    assert "signingSecret.source: esv-generated" in output
    assert aic_emulator.request_counts()["writes"] == 0

    config["realms"] = [{"name": "alpha", "signingSecret": {"source": "esv-generated"}}]
    write_stack(project, "e2e", config)
    fixed = cli.run("preview", "--policy-pack", str(REPO_ROOT / "policies"), check=False)
    assert "aic-signing-secret-esv-placeholder" not in fixed.stdout + fixed.stderr
