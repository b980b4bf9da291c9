"""End the sessions the server's two accounts left open, so that none of them expires later.

OpenAM keeps server-side sessions in its CTS, also across restarts. When a batch of them
expires (the admin sessions of a test run, 30 idle minutes after it), the CTS expiry handling
holds up every CTS read for minutes: logins hang meanwhile (observed 2026-12-03: an admin login
took 135 s, 2 min after a start that followed a run 50 minutes earlier). So `stop` ends them
before the JVM goes, and `start` ends those a killed run left.
"""

from __future__ import annotations

import time
import urllib.parse

from openam_server import web
from openam_server.layout import ManagerError
from openam_server.provision import AUTH_VERSION, SESSION_HEADER, admin_token, logout

SESSIONS_VERSION = {"Accept-API-Version": "resource=2.0"}
REALMS_VERSION = {"Accept-API-Version": "resource=1.0"}
BUDGET_SECONDS = 30.0  # all calls of one cleanup: a stop must not hang on a stalled server


class Budget:
    """Seconds left for the calls of one cleanup."""

    def __init__(self, seconds: float) -> None:
        self._deadline = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise ManagerError("out of time ending the sessions")
        return remaining


def end_accounts_sessions(
    base_url: str, creds: dict[str, str], seconds: float = BUDGET_SECONDS
) -> int:
    """End every session of the admin and the test account in every top-level realm, within
    `seconds`; how many (the cleanup's own login not counted)."""
    budget = Budget(seconds)
    token = admin_token(base_url, creds, budget.left())
    try:
        own = _own_handle(base_url, token, budget)
        realms = top_level_realms(base_url, token, budget)
        users = (creds["admin_username"], creds["test_username"])
        return end_sessions(base_url, token, realms, users, skip=own, budget=budget)
    finally:
        logout(base_url, token, timeout=5.0)


def top_level_realms(base_url: str, token: str, budget: Budget) -> list[str]:
    """The root realm and the realms right under it (where provisioning and tests create)."""
    answer = web.request(
        "GET",
        f"{base_url}/json/global-config/realms?_queryFilter=true",
        headers={SESSION_HEADER: token, **REALMS_VERSION},
        timeout=budget.left(),
    )
    _expect(answer, "listing the realms")
    realms = ["/"]
    for entry in answer.json().get("result", []):
        if entry.get("parentPath") == "/" and entry.get("name"):
            realms.append(f"/{entry['name']}")
    return realms


def end_sessions(
    base_url: str,
    token: str,
    realms: list[str],
    users: tuple[str, ...],
    skip: str = "",
    budget: Budget | None = None,
) -> int:
    """End the sessions of `users` in `realms` but the `skip` handle, in one `logoutByHandle`
    (ending the caller's own session in it could refuse the handles after it); how many."""
    budget = budget or Budget(BUDGET_SECONDS)
    headers = {SESSION_HEADER: token, **SESSIONS_VERSION}
    handles: list[str] = []
    for realm in realms:
        query = urllib.parse.urlencode({"_queryFilter": f'realm eq "{realm}"'})
        answer = web.request(
            "GET",
            f"{base_url}/json/realms/root/sessions?{query}",
            headers=headers,
            timeout=budget.left(),
        )
        _expect(answer, f"listing the sessions of realm {realm}")
        for session in answer.json().get("result", []):
            handle = session.get("sessionHandle")
            if session.get("username") in users and handle and handle != skip:
                handles.append(handle)
    if not handles:
        return 0
    answer = web.json_request(
        "POST",
        f"{base_url}/json/realms/root/sessions?_action=logoutByHandle",
        {"sessionHandles": handles},
        headers,
        timeout=budget.left(),
    )
    _expect(answer, "ending the sessions")
    ended = answer.json().get("result", {})
    return sum(1 for handle in handles if ended.get(handle) is True)


def _own_handle(base_url: str, token: str, budget: Budget) -> str:
    """The handle of the caller's own session (`getSessionInfo` names it on OpenAM 16)."""
    answer = web.json_request(
        "POST",
        f"{base_url}/json/realms/root/sessions?_action=getSessionInfo",
        {},
        {SESSION_HEADER: token, **AUTH_VERSION},
        timeout=budget.left(),
    )
    _expect(answer, "reading the cleanup's own session")
    handle: str = answer.json().get("sessionHandle", "")
    return handle


def _expect(answer: web.Response, what: str) -> None:
    if answer.status != 200:
        raise ManagerError(f"{what}: HTTP {answer.status} {answer.text()[:200]}")
