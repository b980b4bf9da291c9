"""ESV secrets and tenant restarts on the emulator: scopes, write-only values, `loaded` only
after a restart that takes the configured time, and realms signing journeys with the *loaded*
value of the ESV their `&{esv.x}` placeholder names."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

import requests
from aic_emulator.testing import EmulatorServer

from tests.emulator.test_sessions import finish, start
from tests.emulator.util import assertion, grant, headers, put_settings, sa_headers

ESV = "/environment/secrets"


def esv(emu: EmulatorServer, method: str, path: str, body: Any = None, scope: str = "") -> Any:
    bearer = sa_headers(emu, scope or "fr:am:* fr:idc:esv:*")["Authorization"]
    return requests.request(
        method,
        emu.root_url + path,
        json=body,
        headers={"Authorization": bearer, "Accept-API-Version": "protocol=1.0,resource=1.0"},
        timeout=10,
    )


def new_value() -> tuple[str, str]:
    """(the signing secret as AM reads it, its ESV valueBase64)."""
    secret = base64.b64encode(secrets.token_bytes(32)).decode()
    return secret, base64.b64encode(secret.encode()).decode()


RESTART_SECONDS = 60  # what the tests configure, on the emulator's clock


def restart_and_wait(emu: EmulatorServer) -> None:
    """Restart the tenant and move its clock past the restart (configured RESTART_SECONDS)."""
    assert esv(emu, "POST", "/environment/startup?_action=restart").json() == {
        "restartStatus": "restarting"
    }
    assert esv(emu, "GET", "/environment/startup").json()["restartStatus"] == "restarting"
    emu.advance_clock(RESTART_SECONDS)
    assert esv(emu, "GET", "/environment/startup").json()["restartStatus"] == "ready"


def test_values_are_write_only_and_versions_numbered(aic_emulator: EmulatorServer) -> None:
    _, value = new_value()
    created = esv(aic_emulator, "PUT", f"{ESV}/esv-a", {"valueBase64": value, "description": "d"})
    assert created.status_code == 200 and created.json()["activeVersion"] == "1"
    second = esv(
        aic_emulator, "POST", f"{ESV}/esv-a/versions?_action=create", {"valueBase64": value}
    )
    assert second.json()["version"] == "2" and second.json()["status"] == "ENABLED"
    listed = esv(aic_emulator, "GET", f"{ESV}/esv-a/versions").json()
    assert [v["version"] for v in listed] == ["2", "1"]
    everything = "".join(
        esv(aic_emulator, "GET", p).text for p in (ESV, f"{ESV}/esv-a", f"{ESV}/esv-a/versions/1")
    )
    assert value not in everything and "valueBase64" not in everything
    again = esv(aic_emulator, "PUT", f"{ESV}/esv-a", {"valueBase64": value})
    assert again.status_code == 409


def test_scopes_are_checked(aic_emulator: EmulatorServer) -> None:
    denied = esv(aic_emulator, "GET", ESV, scope="fr:am:*")
    assert denied.status_code == 403 and denied.json() == {"code": 403, "message": "Access Denied"}
    no_token = requests.get(aic_emulator.root_url + ESV, timeout=10)
    assert no_token.status_code == 401
    restricted, private = aic_emulator.add_service_account(scopes=["fr:idc:esv:read"])
    token = grant(aic_emulator, assertion(aic_emulator, restricted, private), "fr:idc:esv:read")
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    url = aic_emulator.root_url
    assert requests.get(url + ESV, headers=bearer, timeout=10).status_code == 200
    restart = requests.post(
        url + "/environment/startup?_action=restart", headers=bearer, timeout=10
    )
    assert restart.status_code == 403
    assert aic_emulator.request_counts()["writes"] == 1  # the refused restart, counted
    assert esv(aic_emulator, "GET", "/environment/startup").json()["restartStatus"] == "ready"


def test_loaded_changes_only_after_the_restart_which_takes_time(
    aic_emulator: EmulatorServer,
) -> None:
    aic_emulator.configure(restartSeconds=60)  # on the emulator's clock, advanced below
    _, value = new_value()
    esv(aic_emulator, "PUT", f"{ESV}/esv-b", {"valueBase64": value})
    before = esv(aic_emulator, "GET", f"{ESV}/esv-b").json()
    assert (before["loaded"], before["loadedVersion"]) == (False, "")
    esv(aic_emulator, "POST", "/environment/startup?_action=restart")
    during = esv(aic_emulator, "GET", f"{ESV}/esv-b").json()
    assert (during["loaded"], during["loadedVersion"]) == (False, "")
    assert esv(aic_emulator, "GET", "/environment/startup").json()["restartStatus"] == "restarting"
    aic_emulator.advance_clock(30)
    assert esv(aic_emulator, "GET", "/environment/startup").json()["restartStatus"] == "restarting"
    aic_emulator.advance_clock(31)
    assert esv(aic_emulator, "GET", "/environment/startup").json()["restartStatus"] == "ready"
    after = esv(aic_emulator, "GET", f"{ESV}/esv-b").json()
    assert (after["loaded"], after["loadedVersion"], after["activeVersion"]) == (True, "1", "1")
    esv(aic_emulator, "POST", f"{ESV}/esv-b/versions?_action=create", {"valueBase64": value})
    lagging = esv(aic_emulator, "GET", f"{ESV}/esv-b").json()
    assert (lagging["loaded"], lagging["loadedVersion"], lagging["activeVersion"]) == (
        False,
        "1",
        "2",
    )
    versions = esv(aic_emulator, "GET", f"{ESV}/esv-b/versions").json()
    assert [(v["version"], v["loaded"]) for v in versions] == [("2", False), ("1", True)]


def test_disable_and_delete_keep_one_enabled_version(aic_emulator: EmulatorServer) -> None:
    _, value = new_value()
    esv(aic_emulator, "PUT", f"{ESV}/esv-c", {"valueBase64": value})
    alone = esv(
        aic_emulator, "POST", f"{ESV}/esv-c/versions/1?_action=changestatus", {"status": "DISABLED"}
    )
    assert alone.status_code == 400
    esv(aic_emulator, "POST", f"{ESV}/esv-c/versions?_action=create", {"valueBase64": value})
    disabled = esv(
        aic_emulator, "POST", f"{ESV}/esv-c/versions/2?_action=changestatus", {"status": "DISABLED"}
    )
    assert disabled.json()["status"] == "DISABLED"
    assert esv(aic_emulator, "GET", f"{ESV}/esv-c").json()["activeVersion"] == "1"
    gone = esv(aic_emulator, "DELETE", f"{ESV}/esv-c/versions/2").json()
    assert gone["status"] == "DESTROYED"
    assert esv(aic_emulator, "GET", f"{ESV}/esv-c/versions/2").status_code == 404


def test_realm_placeholder_signs_with_the_loaded_value_only(aic_emulator: EmulatorServer) -> None:
    aic_emulator.configure(restartSeconds=RESTART_SECONDS)
    secret, value = new_value()
    esv(aic_emulator, "PUT", f"{ESV}/esv-alpha-signing", {"valueBase64": value})
    put_settings(
        aic_emulator,
        headers(aic_emulator),
        {"security": {"sharedSecret": {"$string": "&{esv.alpha.signing}"}}},
    )
    not_loaded = requests.post(
        f"{aic_emulator.base_url}/json/realms/root/realms/alpha/authenticate", json={}, timeout=10
    )
    assert not_loaded.status_code == 500  # the placeholder cannot be resolved yet
    restart_and_wait(aic_emulator)
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(secret.encode()).hexdigest()
    in_flight = start(aic_emulator)
    rotated, rotated_value = new_value()
    esv(
        aic_emulator,
        "POST",
        f"{ESV}/esv-alpha-signing/versions?_action=create",
        {"valueBase64": rotated_value},
    )
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(secret.encode()).hexdigest()
    assert finish(aic_emulator, in_flight).status_code == 200  # old value still in effect
    in_flight = start(aic_emulator)
    restart_and_wait(aic_emulator)
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(rotated.encode()).hexdigest()
    assert finish(aic_emulator, in_flight).status_code == 401  # signed with the old value
    assert finish(aic_emulator, start(aic_emulator)).status_code == 200


def test_no_environment_api_on_self_managed_am(am_emulator: EmulatorServer) -> None:
    assert requests.get(am_emulator.root_url + ESV, timeout=10).status_code == 404
