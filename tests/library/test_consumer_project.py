"""Acceptance: aic-sessions as a library, used by another Pulumi project as a user would.

The wheel is built and installed (non-editable, with the `policy` extra) into a fresh venv; a
project named `acme-identity` uses it, with the service account in *its* stack config under
`aic-sessions:` and none in the environment. Against the emulator, with the shipped policy pack:
`preview --save-plan`, `up --plan`, `refresh` and `destroy`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.client.conftest import sa_client
from tests.library.conftest import consumer, run
from tests.values import present

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
    user = consumer(tmp_path, PROJECT, PROGRAM, consumer_venv, engine_env)
    pack = user.pack()
    assert pack.startswith(str(consumer_venv)), pack
    cli, project = user.cli, user.project
    cli.env["PULUMI_EXPERIMENTAL"] = "true"  # `up --plan`
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
    realm = sa_client(aic_emulator).read_authentication_settings("alpha")
    assert present(realm.trees).state_management == "CTS"
    outputs = json.loads(cli.run("stack", "output", "--json").stdout)
    assert outputs["stateManagement"] == "CTS"
    assert outputs["fingerprint"].startswith("scrypt:")

    cli.run("refresh", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes", "--policy-pack", pack)
    cli.run("destroy", "--yes", "--skip-preview")
    realm = sa_client(aic_emulator).read_authentication_settings("alpha")
    assert present(realm.trees).state_management == "JWT", (
        "destroy put the emulator's prior value back"
    )
