"""The real engine end to end: our language host, our installed dynamic provider, a policy pack."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.engine_cli import REPO_ROOT, PulumiCLI, write_python_project

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
from engine_probe import EngineProbe

probe = EngineProbe("probe", value=pulumi.Config().require("value"))
pulumi.export("value", probe.value)
"""
PROBE_TYPE = "pulumi-python:dynamic/bench:EngineProbe"
SMOKE_POLICY = Path(__file__).parent / "smoke_policy"


@pytest.fixture
def smoke(tmp_path: Path, engine_env: dict[str, str]) -> PulumiCLI:
    project = tmp_path / "project"
    write_python_project(project, "smoke", PROGRAM)
    cli = PulumiCLI(project, {**engine_env, "PYTHONPATH": str(REPO_ROOT / "bench")})
    cli.run("stack", "init", "smoke")
    cli.run("config", "set", "value", "hello")
    return cli


def _resources(cli: PulumiCLI, *flags: str) -> list[dict[str, Any]]:
    state = json.loads(cli.run("stack", "export", *flags).stdout)
    return state["deployment"].get("resources") or []


def test_up_preview_policy_destroy(smoke: PulumiCLI) -> None:
    up = smoke.run("up", "--yes", "--skip-preview")
    assert "+ 2 created" in up.stdout

    [probe] = [r for r in _resources(smoke, "--show-secrets") if r["type"] == PROBE_TYPE]
    assert probe["outputs"]["value"] == "hello"
    pickled = base64.b64decode(probe["outputs"]["__provider"])  # plain: it holds no secret
    assert b"engine_probe" in pickled, "provider must be pickled by reference to its module"
    assert json.loads(smoke.run("stack", "output", "--json").stdout) == {"value": "hello"}

    smoke.run("preview", "--expect-no-changes")

    smoke.run("config", "set", "value", "forbidden-value")
    denied = smoke.run("preview", "--policy-pack", str(SMOKE_POLICY), check=False)
    assert denied.returncode != 0
    assert "value 'forbidden-value' is forbidden; choose another value." in denied.stdout
    assert "no-forbidden-value" in denied.stdout

    smoke.run("config", "set", "value", "allowed")
    smoke.run(
        "preview", "--policy-pack", str(SMOKE_POLICY), "--policy-pack", str(REPO_ROOT / "policies")
    )

    smoke.run("destroy", "--yes", "--skip-preview")
    assert [r for r in _resources(smoke) if r["type"] == PROBE_TYPE] == []


def test_check_failure_is_reported_at_preview(smoke: PulumiCLI) -> None:
    smoke.run("config", "set", "value", "")
    preview = smoke.run("preview", check=False)
    assert preview.returncode != 0
    assert "must be a non-empty string" in preview.stdout + preview.stderr
