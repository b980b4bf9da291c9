"""One read per realm per deployment, through the real engine.

`up` and `refresh` each read a realm's authentication document and Session service once,
whatever the number of resources reading them; and the cache lives in the provider process,
which the engine starts per operation: a change made between two refreshes is seen by the
second one, so nothing older than the deployment is ever served.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch

from tests.client.conftest import sa_client
from tests.engine.project import new_stack, realm
from tests.engine_cli import PulumiCLI

pytestmark = pytest.mark.engine

REALMS = ("alpha", "bravo")
AUTHN = "/realm-config/authentication"
SERVICE = "/realm-config/services/session"


def gets(emulator: EmulatorServer, suffix: str) -> dict[str, int]:
    counts = emulator.request_counts()["counts"]
    return {
        name: sum(
            n
            for key, n in counts.items()
            if key.startswith("GET ") and key.endswith(f"/realms/root/realms/{name}{suffix}")
        )
        for name in REALMS
    }


def journey_minutes(cli: PulumiCLI, name: str) -> int:
    state = json.loads(cli.run("stack", "export").stdout)
    for resource in state["deployment"]["resources"]:
        if resource["urn"].endswith(f"dev-{name}-journey"):
            return int(resource["outputs"]["maxDurationMinutes"])
    raise AssertionError(f"no journey resource for {name}")


def test_each_realm_is_read_once_per_deployment(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    timeouts = {"clientSideSessions": False, "maxSessionTimeMinutes": 240}
    cli = new_stack(
        tmp_path / "project",
        engine_env,
        aic_emulator,
        [realm(name, authenticated=timeouts) for name in REALMS],
    )
    aic_emulator.clear_requests()
    cli.run("up", "--yes", "--skip-preview")
    assert gets(aic_emulator, AUTHN) == {"alpha": 1, "bravo": 1}
    assert gets(aic_emulator, SERVICE) == {"alpha": 1, "bravo": 1}

    client = sa_client(aic_emulator)
    for minutes in (17, 23):  # each refresh is its own provider process: it sees the change
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(max_duration=minutes)
        )
        aic_emulator.clear_requests()
        cli.run("refresh", "--yes", "--skip-preview")
        assert journey_minutes(cli, "alpha") == minutes
        assert gets(aic_emulator, AUTHN) == {"alpha": 1, "bravo": 1}
        assert gets(aic_emulator, SERVICE) == {"alpha": 1, "bravo": 1}
