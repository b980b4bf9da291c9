"""End-user journeys and sessions, following the realm's authentication settings."""

from __future__ import annotations

from typing import Any

import requests
from aic_emulator.testing import EmulatorServer

from tests.emulator.util import ALPHA, USER, headers, login, put_settings

AUTH = f"{ALPHA}/authenticate"


def start(emu: EmulatorServer) -> dict[str, Any]:
    answer = requests.post(
        f"{emu.base_url}{AUTH}?authIndexType=service&authIndexValue=Login", json={}, timeout=10
    )
    assert answer.status_code == 200
    body: dict[str, Any] = answer.json()
    return body


def finish(emu: EmulatorServer, step: dict[str, Any], password: str = USER[1]) -> requests.Response:
    step["callbacks"][0]["input"][0]["value"] = USER[0]
    step["callbacks"][1]["input"][0]["value"] = password
    return requests.post(f"{emu.base_url}{AUTH}", json=step, timeout=10)


def session_action(
    emu: EmulatorServer, action: str, body: dict[str, Any], hdrs: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(
        f"{emu.base_url}{ALPHA}/sessions/?_action={action}",
        json=body,
        headers={"Accept-API-Version": "resource=4.0", **(hdrs or {})},
        timeout=10,
    )


def query(emu: EmulatorServer, hdrs: dict[str, str]) -> list[dict[str, Any]]:
    flt = f'username eq "{USER[0]}" and realm eq "/alpha"'
    answer = requests.get(
        f"{emu.base_url}{ALPHA}/sessions",
        params={"_queryFilter": flt},
        headers={**hdrs, "Accept-API-Version": "resource=5.1, protocol=1.0"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    result: list[dict[str, Any]] = answer.json()["result"]
    return result


def test_single_step_login_server_side_session(aic_emulator: EmulatorServer) -> None:
    result = login(aic_emulator, ALPHA, *USER)
    assert result["successUrl"] == "/enduser/?realm=/alpha" and result["realm"] == "/alpha"
    token = result["tokenId"]
    assert ".*" in token and "ey" not in token.split("*")[-1]
    info = session_action(aic_emulator, "getSessionInfo", {"tokenId": token}).json()
    assert info["username"] == "demo" and info["realm"] == "/alpha"
    assert session_action(aic_emulator, "validate", {"tokenId": token}).json()["valid"] is True
    hdrs = headers(aic_emulator)
    found = query(aic_emulator, hdrs)
    assert len(found) == 1 and found[0]["sessionHandle"].startswith("shandle:")
    handle = found[0]["sessionHandle"]
    out = session_action(aic_emulator, "logoutByHandle", {"sessionHandles": [handle]}, hdrs)
    assert out.json() == {"result": {handle: True}}
    assert session_action(aic_emulator, "validate", {"tokenId": token}).json() == {"valid": False}


def test_logout_and_logout_by_user(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    first = login(aic_emulator, ALPHA, *USER)["tokenId"]
    login(aic_emulator, ALPHA, *USER)
    assert session_action(aic_emulator, "logout", {"tokenId": first}).status_code == 200
    assert len(query(aic_emulator, hdrs)) == 1
    assert session_action(aic_emulator, "logoutByUser", {"username": "demo"}, hdrs).ok
    assert query(aic_emulator, hdrs) == []
    denied = session_action(aic_emulator, "logoutByUser", {"username": "demo"})
    assert denied.status_code == 401


def test_client_side_sessions_are_not_stored(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    put_settings(aic_emulator, hdrs, {"general": {"statelessSessionsEnabled": True}})
    token = login(aic_emulator, ALPHA, *USER)["tokenId"]
    assert token.split("*")[-1].startswith("ey")
    assert query(aic_emulator, hdrs) == []
    info = session_action(aic_emulator, "getSessionInfo", {"tokenId": token})
    assert info.status_code == 200 and info.json()["username"] == "demo"
    session_action(aic_emulator, "logout", {"tokenId": token})
    assert session_action(aic_emulator, "validate", {"tokenId": token}).json()["valid"] is False


def test_two_step_journey_in_each_state_mode(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    for mode in ("JWT", "CTS", "IN_MEMORY"):
        put_settings(aic_emulator, hdrs, {"authenticationSessionsStateManagement": mode})
        step = start(aic_emulator)
        assert [c["type"] for c in step["callbacks"]] == ["NameCallback", "PasswordCallback"]
        assert step["authId"].startswith("ey")
        done = finish(aic_emulator, step)
        assert done.status_code == 200 and "tokenId" in done.json(), mode
    wrong = finish(aic_emulator, start(aic_emulator), password="nope")
    assert wrong.status_code == 401 and wrong.json()["message"] == "Login failure"


def test_journey_max_duration_is_enforced(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    for mode in ("JWT", "CTS"):
        put_settings(
            aic_emulator,
            hdrs,
            {
                "trees": {
                    "authenticationSessionsStateManagement": mode,
                    "authenticationSessionsMaxDuration": 1,
                }
            },
        )
        step = start(aic_emulator)
        aic_emulator.advance_clock(61)
        late = finish(aic_emulator, step)
        assert late.status_code == 401 and late.json()["code"] == 401, mode


def test_secret_change_invalidates_journeys_in_flight(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    step = start(aic_emulator)
    put_settings(aic_emulator, hdrs, {"security": {"sharedSecret": "rotated-secret-value-0001"}})
    stale = finish(aic_emulator, step)
    assert stale.status_code == 401 and "authId" in stale.json()["message"]
    assert finish(aic_emulator, start(aic_emulator)).status_code == 200
