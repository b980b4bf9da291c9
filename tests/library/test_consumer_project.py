"""Acceptance: aic-sessions as a library, used by another Pulumi project as a user would.

The wheel is built and installed (non-editable, with the `policy` extra) into a fresh venv; a
project named `acme-identity` uses it, with the service account in *its* stack config under
`aic-sessions:` and none in the environment. Against the emulator, with the shipped policy pack:
`preview --save-plan`, `up --plan`, `refresh` and `destroy`.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.test_resources_e2e import admin
from tests.engine_cli import PulumiCLI
from tests.library.conftest import run

pytestmark = pytest.mark.engine

PROJECT = "acme-identity"
PROGRAM = """\
import pulumi
from aic_sessions import JourneyOptions, RealmSessionSettings

config = pulumi.Config()
alpha = RealmSessionSettings(
    "alpha",
    base_url=config.require("tenant"),
    realm="alpha",
    journey=JourneyOptions(state_management=config.get("journeyScheme") or "CTS"),
)
pulumi.export("stateManagement", alpha.journey.state_management)
pulumi.export("fingerprint", alpha.signing_secret.fingerprint)
"""
CREDENTIAL_VARIABLES = ("AIC_SA_ID", "AIC_SA_JWK", "AIC_SA_JWK_FILE", "FRODO_SA_ID", "FRODO_SA_JWK")


def test_the_wheel_installs_only_what_it_declares(consumer_venv: Path) -> None:
    python = consumer_venv / "bin" / "python"
    installed = run(python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check")
    names = {p["name"].lower().replace("_", "-") for p in json.loads(installed)}
    assert {"aic-sessions", "pulumi", "pulumi-policy"} <= names
    assert not {"flask", "click", "build", "pytest"} & names, "extras not asked for stay out"
    location = run(python, "-c", "import aic_sessions; print(aic_sessions.__file__)")
    assert str(consumer_venv) in location, "the installed wheel, not this checkout"
    for command, extra in (("aic-emulator", "emulator"), ("aic-sessions", "cli")):
        proc = subprocess.run(
            [str(consumer_venv / "bin" / command), "--help"], capture_output=True, text=True
        )
        assert proc.returncode == 2, proc.stderr
        assert f"pip install 'aic-sessions[{extra}]'" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_consumer_project_lifecycle_with_saved_plan_and_shipped_pack(
    tmp_path: Path,
    consumer_venv: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
) -> None:
    python = consumer_venv / "bin" / "python"
    pack = run(python, "-m", "aic_sessions.policy_pack", "--path").strip()
    assert pack.startswith(str(consumer_venv)), pack
    project = tmp_path / PROJECT
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: {PROJECT}\nruntime:\n  name: python\n  options:\n"
        f"    toolchain: pip\n    virtualenv: {consumer_venv}\n"
    )
    (project / "__main__.py").write_text(PROGRAM)
    # The consumer's venv first on PATH (as activated); no credentials in the environment.
    env = {k: v for k, v in engine_env.items() if k not in CREDENTIAL_VARIABLES}
    env["PATH"] = f"{consumer_venv / 'bin'}{os.pathsep}{env['PATH']}"
    env.pop("PYTHONPATH", None)
    env["PULUMI_EXPERIMENTAL"] = "true"  # `up --plan`
    cli = PulumiCLI(project, env)
    cli.run("stack", "init", "dev")
    sa_id, jwk = aic_emulator.service_account
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    cli.run("config", "set", "aic-sessions:saId", sa_id)
    cli.run("config", "set", "--secret", "aic-sessions:saJwk", json.dumps(jwk))
    assert jwk["d"] not in (project / "Pulumi.dev.yaml").read_text()

    # The shipped pack runs in this project: a client-side journey scheme is refused.
    cli.run("config", "set", "journeyScheme", "JWT")
    refused = cli.run("preview", "--policy-pack", pack, check=False)
    assert refused.returncode != 0
    assert "journey-sessions-use-cts" in refused.stdout + refused.stderr
    cli.run("config", "set", "journeyScheme", "CTS")

    plan = tmp_path / "plan.json"
    cli.run("preview", "--save-plan", str(plan), "--policy-pack", pack)
    out = cli.run("up", "--yes", "--plan", str(plan), "--policy-pack", pack).stdout
    assert "6 created" in out, out  # stack, component, its baseline, three resources
    realm = admin(aic_emulator).read_authentication_settings("alpha")
    assert realm.trees.state_management == "CTS"
    outputs = json.loads(cli.run("stack", "output", "--json").stdout)
    assert outputs["stateManagement"] == "CTS"
    assert outputs["fingerprint"].startswith("scrypt:")

    cli.run("refresh", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes", "--policy-pack", pack)
    cli.run("destroy", "--yes", "--skip-preview")
    realm = admin(aic_emulator).read_authentication_settings("alpha")
    assert realm.trees.state_management == "JWT", "destroy put the emulator's prior value back"
