"""Through the real engine: no command leaves an AM admin session open. Each command's provider
process logs in as the administrator; the engine interrupts it at the end, and at its exit it
logs that session out (AM would keep it until it idles out, 30 minutes by default)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from aic_emulator.testing import EmulatorServer

from tests.engine.project import realm
from tests.reliability.deployment import UP, admin_credentials, deploy

pytestmark = pytest.mark.engine

LOGIN = "/json/realms/root/authenticate"


def open_admin_sessions(emulator: EmulatorServer) -> int:
    """The administrator's sessions the server holds, seen through a login of our own (which
    is logged out again and not counted)."""
    username, password = emulator.admin
    base = f"{emulator.base_url}/json/realms/root"
    login = requests.post(
        f"{base}/authenticate",
        json={},
        headers={
            "X-OpenAM-Username": username,
            "X-OpenAM-Password": password,
            "Accept-API-Version": "resource=2.0, protocol=1.0",
        },
        timeout=10,
    )
    login.raise_for_status()
    ours = {emulator.cookie_name: login.json()["tokenId"]}
    try:
        answer = requests.get(
            f"{base}/sessions",
            params={"_queryFilter": f'username eq "{username}" and realm eq "/"'},
            headers={**ours, "Accept-API-Version": "resource=5.1"},
            timeout=10,
        )
        answer.raise_for_status()
        return len(answer.json()["result"]) - 1
    finally:
        requests.post(
            f"{base}/sessions",
            params={"_action": "logout"},
            json={},
            headers={**ours, "Accept-API-Version": "resource=2.0, protocol=1.0"},
            timeout=10,
        ).raise_for_status()


def logins(emulator: EmulatorServer) -> int:
    counts = emulator.request_counts()["counts"]
    return sum(n for key, n in counts.items() if key.startswith("POST") and key.endswith(LOGIN))


def test_no_engine_command_leaves_an_admin_session_open(
    tmp_path: Path, engine_env: dict[str, str], am_emulator: EmulatorServer
) -> None:
    realms = [realm("alpha", journey={"maxDurationMinutes": 10})]
    deployment = deploy(tmp_path, engine_env, am_emulator, realms, admin_credentials(am_emulator))
    already_open = open_admin_sessions(am_emulator)
    am_emulator.clear_requests()

    deployment.run(*UP)
    deployment.run("refresh", "--yes", "--skip-preview")
    deployment.run("destroy", "--yes", "--skip-preview")

    assert logins(am_emulator) >= 3, "each command's provider logged in"
    assert open_admin_sessions(am_emulator) == already_open
