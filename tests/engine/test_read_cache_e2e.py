"""One read per realm per deployment, through the real engine.

`up` and `refresh` each read a realm's authentication document and Session service once,
whatever the number of resources reading them, and the Session service only where the stack
manages one of its attributes; and the cache lives in the provider process,
which the engine starts per operation: a change made between two refreshes is seen by the
second one, so nothing older than the deployment is ever served.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch, SessionServicePatch

from tests.client.conftest import sa_client
from tests.engine.project import new_stack, realm, write_stack
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


def test_the_session_service_is_read_only_once_the_stack_manages_it(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A stack without Session-service attributes never reads the service; the `up` that first
    declares one observes it before writing, so `destroy` puts the realm's own value back."""
    client = sa_client(aic_emulator)
    original = SessionServicePatch(max_session_time=95, quota_limit=11)
    if client.read_session_service("alpha") is None:
        client.add_session_service("alpha", original)
    client.update_session_service("alpha", original)
    server_side = {"clientSideSessions": False}
    cli = new_stack(
        tmp_path / "project", engine_env, aic_emulator, [realm("alpha", authenticated=server_side)]
    )
    aic_emulator.clear_requests()
    cli.run("up", "--yes", "--skip-preview")
    assert gets(aic_emulator, SERVICE)["alpha"] == 0

    timeouts = {**server_side, "maxSessionTimeMinutes": 240}
    config = {"environment": "dev", "baseUrl": aic_emulator.base_url}
    write_stack(cli.cwd, "e2e", {**config, "realms": [realm("alpha", authenticated=timeouts)]})
    aic_emulator.clear_requests()
    cli.run("up", "--yes", "--skip-preview")
    assert gets(aic_emulator, SERVICE)["alpha"] == 1
    written = client.read_session_service("alpha")
    assert written is not None and written.max_session_time == 240

    cli.run("destroy", "--yes", "--skip-preview")
    restored = client.read_session_service("alpha")
    assert restored is not None
    assert (restored.max_session_time, restored.quota_limit) == (95, 11)
