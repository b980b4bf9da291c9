"""A realm's tenant URL or realm name changed in a deployed stack: each change replaces its
resources, deleting first (the old realm gets its originals back). A typo is refused at
`preview` and at `up` with nothing written; a move whose new realm then refuses the writes
leaves a state the next run converges from, whichever way the user goes."""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.client.conftest import sa_client
from tests.engine.project import library_project
from tests.engine.test_resources_e2e import writes
from tests.engine_cli import PulumiCLI
from tests.values import present

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
from aic_sessions import AuthenticatedOptions, JourneyOptions, RealmSessionSettings

config = pulumi.Config()
RealmSessionSettings(
    "main",
    base_url=config.require("tenant"),
    realm=config.get("realm") or "alpha",
    journey=JourneyOptions(max_duration_minutes=12),
    authenticated=AuthenticatedOptions(max_session_time_minutes=250),
)
"""


def durations(emulator: EmulatorServer, realm: str) -> tuple[object, object]:
    """The realm's journey max duration and authenticated max session time."""
    with sa_client(emulator) as client:
        trees = present(client.read_authentication_settings(realm).trees)
        service = present(client.read_session_service(realm))
    return trees.max_duration, service.max_session_time


def deployed(tmp_path: Path, env: dict[str, str], emulator: EmulatorServer) -> PulumiCLI:
    cli = library_project(tmp_path / "project", "moving-realms", PROGRAM, env, emulator)
    cli.run("up", "--yes", "--skip-preview")
    assert durations(emulator, "alpha") == (12, 250)
    return cli


def refused(cli: PulumiCLI, *args: str) -> str:
    result = cli.run(*args, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    return output


@pytest.mark.parametrize(
    ("key", "typo", "prop"),
    [("tenant", "/openam", "baseUrl"), ("realm", "alhpa", "realm")],
    ids=["url", "realm"],
)
def test_a_typo_in_the_tenant_or_realm_is_refused_with_nothing_written(
    tmp_path: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
    key: str,
    typo: str,
    prop: str,
) -> None:
    cli = deployed(tmp_path, engine_env, aic_emulator)
    value = aic_emulator.base_url.replace("/am", typo) if key == "tenant" else typo
    cli.run("config", "set", key, value)
    aic_emulator.clear_requests()

    for command in (("preview",), ("up", "--yes", "--skip-preview")):  # `up`'s own check too
        output = refused(cli, *command)
        assert f"property {prop} value" in output, output
        assert "this change moves the resource from realm alpha" in output, output
        assert "Nothing was changed" in output, output
    assert writes(aic_emulator) == 0
    assert durations(aic_emulator, "alpha") == (12, 250), "the live realm kept the settings"

    cli.run("config", "rm", key) if key == "realm" else cli.run(
        "config", "set", key, aic_emulator.base_url
    )
    cli.run("preview", "--expect-no-changes")


BRAVO = "/realms/bravo/realm-config/"
# The move reads bravo at `check` (served), then: its baseline's read fails, or its writes do.
FAULTS = {
    "read": [
        {"method": "GET", "path": BRAVO, "kind": "latency", "delayMs": 0, "count": 1},
        {"method": "GET", "path": BRAVO, "kind": "status", "status": 500, "count": 99},
    ],
    "write": [{"method": "PUT", "path": BRAVO, "kind": "status", "status": 500, "count": 99}],
}


@pytest.mark.parametrize("failing", FAULTS)
def test_a_move_that_fails_after_the_old_realm_was_put_back_converges_either_way(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer, failing: str
) -> None:
    """alpha -> bravo: the baseline's delete puts alpha's originals back, then bravo fails
    (its read, or its writes). No settings resource stays in state claiming values alpha no
    longer holds (they are deleted with the baseline), and a baseline deleted for replacement
    holds the realm no more: going back to alpha writes the settings again, going on to bravo
    works too, and `destroy` leaves both realms as they were."""
    alpha, bravo = durations(aic_emulator, "alpha"), durations(aic_emulator, "bravo")
    cli = deployed(tmp_path, engine_env, aic_emulator)

    cli.run("config", "set", "realm", "bravo")
    for fault in FAULTS[failing]:
        aic_emulator.inject_fault(**fault)
    refused(cli, "up", "--yes", "--skip-preview")
    aic_emulator.clear_faults()
    assert durations(aic_emulator, "alpha") == alpha, "the move put alpha's originals back"
    assert durations(aic_emulator, "bravo") == bravo, "a failed create puts back what it wrote"

    cli.run("config", "rm", "realm")  # back to alpha
    cli.run("up", "--yes", "--skip-preview")
    assert durations(aic_emulator, "alpha") == (12, 250)
    cli.run("preview", "--expect-no-changes")

    cli.run("config", "set", "realm", "bravo")  # and on to bravo, which now answers
    cli.run("up", "--yes", "--skip-preview")
    assert durations(aic_emulator, "bravo") == (12, 250)
    assert durations(aic_emulator, "alpha") == alpha
    cli.run("destroy", "--yes", "--skip-preview")
    assert (durations(aic_emulator, "alpha"), durations(aic_emulator, "bravo")) == (alpha, bravo)
