"""What a library user's program exports, through the real engine: keys inside dict outputs stay
camelCase (as in state, policies and the `baseline` input), in Python and in `pulumi stack
output`; only the resources' own property names are snake_case in Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import emulator_cli
from tests.engine_cli import write_python_project

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
from aic_sessions import JourneySessionSettings, RealmSessionSettings

url = pulumi.Config().require("tenant")
journey = JourneySessionSettings(
    "alpha-journey", base_url=url, realm="alpha", max_duration_minutes=7
)
bravo = RealmSessionSettings("bravo", base_url=url, realm="bravo")
pulumi.export("prior", journey.prior_settings)
pulumi.export("priorInPython", journey.prior_settings.apply(lambda p: p["maxDurationMinutes"]))
pulumi.export("journey", journey)
pulumi.export("observed", bravo.baseline.observed)
"""


def test_nested_outputs_keep_their_camel_case_keys(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """`pulumi stack output` shows keys inside dict outputs in camelCase, as state and the
    README do (the SDK would translate nested keys too: `{"max_duration_minutes": ...}`)."""
    project = tmp_path / "project"
    write_python_project(project, "acme-outputs", PROGRAM)
    cli = emulator_cli(project, engine_env, aic_emulator)
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    cli.run("up", "--yes", "--skip-preview")
    outputs = json.loads(cli.run("stack", "output", "--json").stdout)
    assert set(outputs["prior"]) == {"maxDurationMinutes", "stateManagement"}, outputs["prior"]
    assert outputs["priorInPython"] == outputs["prior"]["maxDurationMinutes"]
    exported = outputs["journey"]  # the resource: its Python property names, wire keys inside
    assert exported["max_duration_minutes"] == 7 and "maxDurationMinutes" not in exported
    assert exported["prior_settings"] == outputs["prior"]
    assert "maxDurationMinutes" in outputs["observed"], outputs["observed"]
    assert not any("_" in key for key in outputs["observed"]), outputs["observed"]
    state = json.loads(cli.run("stack", "export").stdout)
    journey = next(
        r for r in state["deployment"]["resources"] if r["urn"].endswith("::alpha-journey")
    )
    assert journey["outputs"]["priorSettings"] == outputs["prior"], "as in state"
