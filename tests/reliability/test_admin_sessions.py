"""Through the real engine: no command leaves an AM admin session open. Each command's provider
process logs in as the administrator; the engine interrupts it at the end, and at its exit it
logs that session out (AM would keep it until it idles out, 30 minutes by default)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import realm
from tests.reliability.deployment import UP, admin_credentials, deploy, open_admin_sessions

pytestmark = pytest.mark.engine

LOGIN = "/json/realms/root/authenticate"


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
