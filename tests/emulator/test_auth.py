"""Service-account JWT-bearer grant, access tokens and admin login."""

from __future__ import annotations

import time

import requests
from aic_emulator.testing import EmulatorServer

from tests.emulator.util import (
    admin_headers,
    assertion,
    get_settings,
    grant,
    login,
    sa_headers,
)


def test_good_assertion_gets_a_bearer_token(aic_emulator: EmulatorServer) -> None:
    sa_id, private = aic_emulator.service_account
    answer = grant(aic_emulator, assertion(aic_emulator, sa_id, private), "fr:am:* fr:idm:*")
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"access_token", "scope", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer" and body["scope"] == "fr:am:* fr:idm:*"


def test_explicit_default_port_audience_is_accepted(aic_emulator: EmulatorServer) -> None:
    sa_id, private = aic_emulator.service_account
    port = aic_emulator.root_url.rsplit(":", 1)[1]
    aud = f"{aic_emulator.root_url}:{port}/am/oauth2/access_token"  # frodo-lib's form
    assert grant(aic_emulator, assertion(aic_emulator, sa_id, private, aud=aud)).ok


def test_forged_expired_and_replayed_assertions_are_rejected(aic_emulator: EmulatorServer) -> None:
    sa_id, private = aic_emulator.service_account
    _, other_key = aic_emulator.add_service_account()
    forged = grant(aic_emulator, assertion(aic_emulator, sa_id, other_key))
    assert forged.status_code == 400 and forged.json()["error"] == "invalid_grant"
    expired = assertion(aic_emulator, sa_id, private, exp=int(time.time()) - 5)
    assert grant(aic_emulator, expired).json()["error"] == "invalid_grant"
    far = assertion(aic_emulator, sa_id, private, exp=int(time.time()) + 7200)
    assert grant(aic_emulator, far).json()["error"] == "invalid_grant"
    wrong_aud = assertion(
        aic_emulator, sa_id, private, aud="https://elsewhere/am/oauth2/access_token"
    )
    assert grant(aic_emulator, wrong_aud).json()["error"] == "invalid_grant"
    once = assertion(aic_emulator, sa_id, private)
    assert grant(aic_emulator, once).ok
    replay = grant(aic_emulator, once)
    assert replay.status_code == 400 and "replay" in replay.json()["error_description"]


def test_unsupported_scope(aic_emulator: EmulatorServer) -> None:
    sa_id, private = aic_emulator.add_service_account(scopes=["fr:idm:*"])
    answer = grant(aic_emulator, assertion(aic_emulator, sa_id, private), "fr:am:* fr:idm:*")
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "invalid_scope",
        "error_description": "Unsupported scope for service account: fr:am:*",
    }


def test_bearer_token_checks(aic_emulator: EmulatorServer) -> None:
    assert get_settings(aic_emulator, {}).status_code == 401
    forged = get_settings(aic_emulator, {"Authorization": "Bearer forged"})
    assert forged.status_code == 401
    assert forged.json() == {"code": 401, "reason": "Unauthorized", "message": "Access Denied"}
    idm_only = get_settings(aic_emulator, sa_headers(aic_emulator, scope="fr:idm:*"))
    assert idm_only.status_code == 403
    aic_emulator.configure(accessTokenTtl=60)
    hdrs = sa_headers(aic_emulator)
    assert get_settings(aic_emulator, hdrs).status_code == 200
    aic_emulator.advance_clock(61)
    assert get_settings(aic_emulator, hdrs).status_code == 401


def test_admin_login_and_cookie(am_emulator: EmulatorServer) -> None:
    info = requests.get(f"{am_emulator.base_url}/json/serverinfo/*", timeout=10).json()
    assert info["cookieName"] == "iPlanetDirectoryPro"
    result = login(am_emulator, "/json/realms/root", "amadmin", "Password1!")
    assert result["successUrl"] == "/am/console" and result["realm"] == "/"
    assert get_settings(am_emulator, admin_headers(am_emulator)).status_code == 200
    bad = requests.post(
        f"{am_emulator.base_url}/json/realms/root/authenticate",
        json={},
        headers={"X-OpenAM-Username": "amadmin", "X-OpenAM-Password": "x"},
        timeout=10,
    )
    assert bad.status_code == 401 and bad.json()["code"] == 401
    user = login(am_emulator, "/json/realms/root/realms/alpha", "demo", "Ch4ng3!t")["tokenId"]
    not_admin = get_settings(am_emulator, {"Cookie": f"iPlanetDirectoryPro={user}"})
    assert not_admin.status_code == 403


def test_aic_cookie_name_is_random_and_admin_login_works(aic_emulator: EmulatorServer) -> None:
    assert aic_emulator.cookie_name != "iPlanetDirectoryPro"
    assert get_settings(aic_emulator, admin_headers(aic_emulator)).status_code == 200
