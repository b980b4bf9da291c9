"""Realms and a non-admin test user in each, through the REST API (idempotent: 409 = exists)."""

from __future__ import annotations

import logging
import urllib.parse

from openam_server import web
from openam_server.layout import ManagerError

log = logging.getLogger("openam")
AUTH_VERSION = {"Accept-API-Version": "resource=2.0, protocol=1.0"}
SESSION_HEADER = "iPlanetDirectoryPro"  # the header OpenAM reads a session token from
CONFIG_API_HEADERS = {"Accept-API-Version": "resource=1.0, protocol=2.1"}  # global-config
CSV_HANDLER = "/json/global-config/services/audit/CSV/Global%20CSV%20Handler"


def authenticate(
    base_url: str, realm: str, username: str, password: str, timeout: float = 60.0
) -> web.Response:
    """`POST .../authenticate` with the zero-page headers (root realm when `realm` is "/")."""
    path = "/json/realms/root" + ("" if realm.strip("/") == "" else f"/realms/{realm.strip('/')}")
    headers = {**AUTH_VERSION, "X-OpenAM-Username": username, "X-OpenAM-Password": password}
    return web.json_request("POST", f"{base_url}{path}/authenticate", {}, headers, timeout)


def logout(base_url: str, token: str, timeout: float = 60.0) -> None:
    """End a session (token in the header, as AM reads it); best effort."""
    headers = {SESSION_HEADER: token, **AUTH_VERSION}
    try:
        web.json_request("POST", f"{base_url}/json/sessions?_action=logout", {}, headers, timeout)
    except OSError as exc:
        log.warning("logout failed: %s", exc)


def admin_token(base_url: str, creds: dict[str, str], timeout: float = 60.0) -> str:
    """amadmin's session token."""
    username, password = creds["admin_username"], creds["admin_password"]
    answer = authenticate(base_url, "/", username, password, timeout)
    if answer.status != 200:
        raise ManagerError(f"amadmin cannot log in (HTTP {answer.status}); `scripts/openam reset`")
    token: str = answer.json()["tokenId"]
    return token


def ensure_realm(base_url: str, token: str, name: str) -> bool:
    """Create a top-level realm; False when it already existed."""
    answer = web.json_request(
        "POST",
        f"{base_url}/json/global-config/realms",
        {"name": name, "active": True, "parentPath": "/", "aliases": []},
        {SESSION_HEADER: token, **CONFIG_API_HEADERS},
    )
    return _created(answer, f"realm {name!r}")


def ensure_user(base_url: str, token: str, realm: str, username: str, password: str) -> bool:
    """Create a user in `realm`; False when it already existed."""
    quoted = urllib.parse.quote(realm.strip("/"))
    answer = web.json_request(
        "POST",
        f"{base_url}/json/realms/root/realms/{quoted}/users?_action=create",
        {
            "username": username,
            "userpassword": password,
            "mail": f"{username}@example.com",
            "givenName": "Session",
            "sn": "Tester",
        },
        {SESSION_HEADER: token, "Accept-API-Version": "resource=3.0, protocol=2.1"},
    )
    return _created(answer, f"user {username!r} in realm {realm!r}")


def _created(answer: web.Response, what: str) -> bool:
    if answer.status == 201:
        return True
    if answer.status == 409:
        return False
    raise ManagerError(f"creating {what} failed: HTTP {answer.status} {answer.text()[:300]}")


def unbuffer_audit_csv(base_url: str, token: str) -> bool:
    """OpenAM's CSV audit logs written as events come (no polling thread per topic); True when
    changed (docs/real-server.md)."""
    headers = {SESSION_HEADER: token, **CONFIG_API_HEADERS}
    answer = web.request("GET", f"{base_url}{CSV_HANDLER}", headers=headers)
    if answer.status != 200:
        raise ManagerError(f"reading the CSV audit handler failed: HTTP {answer.status}")
    handler = answer.json()
    if handler.get("csvBuffering", {}).get("bufferingEnabled") is False:
        return False
    handler["csvBuffering"] = {**handler.get("csvBuffering", {}), "bufferingEnabled": False}
    body = {k: v for k, v in handler.items() if not k.startswith("_")}
    answer = web.json_request("PUT", f"{base_url}{CSV_HANDLER}", body, headers)
    if answer.status != 200:
        raise ManagerError(f"unbuffering the CSV audit handler failed: HTTP {answer.status}")
    log.info("OpenAM's CSV audit handler now writes unbuffered")
    return True


def provision(base_url: str, creds: dict[str, str], realms: tuple[str, ...]) -> None:
    """Each realm with the test user in it, and proof that the test user can log in there;
    OpenAM's CSV audit logs unbuffered."""
    token = admin_token(base_url, creds)
    try:
        for realm in realms:
            _provision_realm(base_url, token, creds, realm)
        try:  # saves CPU only: a failure is a warning, never a failed start
            unbuffer_audit_csv(base_url, token)
        except (ManagerError, OSError) as exc:
            log.warning("the CSV audit handler stays buffered: %s", exc)
    finally:
        logout(base_url, token)


def _provision_realm(base_url: str, token: str, creds: dict[str, str], realm: str) -> None:
    """Create the realm and its test user, log the user in to prove it, log it out."""
    new_realm = ensure_realm(base_url, token, realm)
    new_user = ensure_user(base_url, token, realm, creds["test_username"], creds["test_password"])
    answer = authenticate(base_url, realm, creds["test_username"], creds["test_password"])
    if answer.status != 200 or "tokenId" not in answer.json():
        raise ManagerError(
            f"the test user cannot log in to realm {realm!r} (HTTP {answer.status}); "
            "`scripts/openam reset` rebuilds the instance"
        )
    logout(base_url, answer.json()["tokenId"])
    log.info(
        "realm %s (%s), test user %s (%s): login works",
        realm,
        "created" if new_realm else "exists",
        creds["test_username"],
        "created" if new_user else "exists",
    )
