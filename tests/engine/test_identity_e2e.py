"""Identity through the real engine: another spelling of the realm or of the tenant URL is the
same resource (no replacement, no write); Pulumi's own `protect` and `retain_on_delete` carry
our `protect` / `onDelete: retain`; and what `ResourceOptions(import_=...)` does with these
dynamic resources (it fails before any request: adoption is what `create` does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.client.conftest import sa_client
from tests.engine.project import emulator_cli
from tests.engine.test_resources_e2e import writes
from tests.engine_cli import PulumiCLI, write_python_project
from tests.values import present

pytestmark = pytest.mark.engine

COMPONENT = """\
import pulumi
from aic_sessions import JourneyOptions, RealmSessionSettings

config = pulumi.Config()
RealmSessionSettings(
    "dev-alpha",
    base_url=config.require("tenant"),
    realm=config.require("realm"),
    journey=JourneyOptions(max_duration_minutes=10),
    on_delete=config.get("onDelete") or "restore",
    opts=pulumi.ResourceOptions(protect=config.get_bool("protect") or False),
)
"""


def project(
    tmp_path: Path, env: dict[str, str], emulator: EmulatorServer, program: str
) -> PulumiCLI:
    directory = tmp_path / "project"
    write_python_project(directory, "identity", program)
    cli = emulator_cli(directory, env, emulator)
    cli.run("stack", "init", "dev")
    return cli


def steps(cli: PulumiCLI) -> list[tuple[str, str]]:
    preview = json.loads(cli.run("preview", "--json").stdout)
    return [(step["urn"].rsplit("::", 1)[1], step["op"]) for step in preview.get("steps", [])]


def test_other_spellings_of_realm_and_url_are_the_same_resources(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = project(tmp_path, engine_env, aic_emulator, COMPONENT)
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    cli.run("config", "set", "realm", "alpha")
    cli.run("up", "--yes", "--skip-preview")
    digest = aic_emulator.secret_digest("alpha")

    for realm, url in (
        ("/alpha", aic_emulator.base_url + "/"),
        ("root/alpha", aic_emulator.base_url.replace("http://", "HTTP://") + "//"),
    ):
        cli.run("config", "set", "realm", realm)
        cli.run("config", "set", "tenant", url)
        aic_emulator.clear_requests()
        planned = steps(cli)  # every step `same`: what `preview --expect-no-changes` checks
        assert planned and all(op == "same" for _name, op in planned), planned
        up = cli.run("up", "--yes", "--skip-preview")
        assert writes(aic_emulator) == 0, up.stdout
        assert aic_emulator.secret_digest("alpha") == digest

    # A different realm is still a different resource: replaced, not updated in place.
    cli.run("config", "set", "realm", "bravo")
    replaced = [(name, op) for name, op in steps(cli) if op != "same"]
    assert ("dev-alpha-journey", "replace") in replaced or (
        "dev-alpha-journey",
        "create-replacement",
    ) in replaced, replaced


def test_protect_and_retain_on_delete_are_pulumis_own(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = project(tmp_path, engine_env, aic_emulator, COMPONENT)
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    cli.run("config", "set", "realm", "alpha")
    cli.run("config", "set", "protect", "true")
    cli.run("up", "--yes", "--skip-preview")
    state = json.loads(cli.run("stack", "export").stdout)["deployment"]["resources"]
    children = [r for r in state if r["type"].startswith("pulumi-python:dynamic/aic:")]
    # the baseline and the three resources
    assert len(children) == 4 and all(r.get("protect") for r in children), children

    aic_emulator.clear_requests()
    refused = cli.run("destroy", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0 and "protected" in refused.stdout + refused.stderr
    assert writes(aic_emulator) == 0

    cli.run("config", "set", "protect", "false")
    cli.run("config", "set", "onDelete", "retain")
    cli.run("up", "--yes", "--skip-preview")
    state = json.loads(cli.run("stack", "export").stdout)["deployment"]["resources"]
    settings = [
        r for r in state if r["type"].endswith("SessionSettings") and "dynamic" in r["type"]
    ]
    assert len(settings) == 2 and all(r.get("retainOnDelete") for r in settings), settings
    aic_emulator.clear_requests()
    cli.run("destroy", "--yes", "--skip-preview")
    assert writes(aic_emulator) == 0, "retain_on_delete: the engine never called delete"
    alpha = sa_client(aic_emulator).read_authentication_settings("alpha").trees
    assert (present(alpha).state_management, present(alpha).max_duration) == ("CTS", 10)


IMPORTED = """\
import pulumi
from aic_sessions import JourneySessionSettings

config = pulumi.Config()
url = config.require("tenant")
JourneySessionSettings(
    "alpha-journey",
    base_url=url,
    realm="alpha",
    opts=pulumi.ResourceOptions(import_=f"journey:alpha@{url}"),
)
"""


def test_import_option_fails_before_any_request(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """The answer for this SDK: `import_` cannot work for dynamic resources. On import the
    engine calls the provider's Read without the resource's state, and the SDK's dynamic
    provider finds its pickled provider (`__provider`) only there. It fails at preview and at
    up, before any request and with nothing in state; `create` adopts the realm instead."""
    cli = project(tmp_path, engine_env, aic_emulator, IMPORTED)
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    aic_emulator.clear_requests()
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        failed = cli.run(*command, check=False)
        output = failed.stdout + failed.stderr
        assert failed.returncode != 0 and "KeyError: '__provider'" in output, output
    assert aic_emulator.request_counts()["total"] == 0
    state = json.loads(cli.run("stack", "export").stdout)["deployment"].get("resources") or []
    assert not [r for r in state if r["type"].endswith(":JourneySessionSettings")]
