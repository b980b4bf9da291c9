"""End the sessions the server's two accounts left open, so that none of them expires later.

OpenAM keeps server-side sessions in its CTS, also across restarts. When a batch of them
expires (the admin sessions of a test run, 30 idle minutes after it), the CTS expiry handling
holds up every CTS read for minutes: logins hang meanwhile (observed 2026-12-03: an admin login
took 135 s, 2 min after a start that followed a run 50 minutes earlier). So `stop` ends them
before the JVM goes, and `start` ends those a killed run left.
"""

from __future__ import annotations

import logging
import urllib.parse

from openam_server import web
from openam_server.layout import ManagerError
from openam_server.provision import admin_token, logout

log = logging.getLogger("openam")
SESSIONS_VERSION = {"Accept-API-Version": "resource=2.0"}
REALMS_VERSION = {"Accept-API-Version": "resource=1.0"}
TIMEOUT = 20.0


def end_accounts_sessions(base_url: str, creds: dict[str, str]) -> int:
    """End every session of the admin and the test account in every realm; how many."""
    token = admin_token(base_url, creds)
    try:
        realms = top_level_realms(base_url, token)
        users = (creds["admin_username"], creds["test_username"])
        return end_sessions(base_url, token, realms, users)
    finally:
        logout(base_url, token)


def top_level_realms(base_url: str, token: str) -> list[str]:
    """The root realm and the realms right under it (where provisioning and tests create)."""
    answer = web.request(
        "GET",
        f"{base_url}/json/global-config/realms?_queryFilter=true",
        headers={"iPlanetDirectoryPro": token, **REALMS_VERSION},
        timeout=TIMEOUT,
    )
    _expect(answer, "listing the realms")
    realms = ["/"]
    for entry in answer.json().get("result", []):
        if entry.get("parentPath") == "/" and entry.get("name"):
            realms.append(f"/{entry['name']}")
    return realms


def end_sessions(base_url: str, token: str, realms: list[str], users: tuple[str, ...]) -> int:
    """End the sessions of `users` in `realms` (one `logoutByHandle`); how many were ended.
    The caller's own session is among them when it is one of theirs."""
    headers = {"iPlanetDirectoryPro": token, **SESSIONS_VERSION}
    handles: list[str] = []
    for realm in realms:
        query = urllib.parse.urlencode({"_queryFilter": f'realm eq "{realm}"'})
        answer = web.request(
            "GET", f"{base_url}/json/realms/root/sessions?{query}", headers=headers, timeout=TIMEOUT
        )
        _expect(answer, f"listing the sessions of realm {realm}")
        for session in answer.json().get("result", []):
            if session.get("username") in users and session.get("sessionHandle"):
                handles.append(session["sessionHandle"])
    if not handles:
        return 0
    answer = web.json_request(
        "POST",
        f"{base_url}/json/realms/root/sessions?_action=logoutByHandle",
        {"sessionHandles": handles},
        headers,
        timeout=TIMEOUT,
    )
    _expect(answer, "ending the sessions")
    ended = answer.json().get("result", {})
    return sum(1 for handle in handles if ended.get(handle) is True)


def _expect(answer: web.Response, what: str) -> None:
    if answer.status != 200:
        raise ManagerError(f"{what}: HTTP {answer.status} {answer.text()[:200]}")
