"""Realm authentication settings: partial PUT, validation, ETag, the write-only secret,
API versions and AM-shaped errors for bad input."""

from __future__ import annotations

import threading

import requests
from aic_emulator.testing import EmulatorServer

from tests.emulator.util import ALPHA, CONFIG, get_settings, headers, put_settings


def test_partial_put_changes_only_what_is_sent(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    before = get_settings(aic_emulator, hdrs).json()
    answer = put_settings(
        aic_emulator,
        hdrs,
        {"trees": {"authenticationSessionsMaxDuration": 9}, "statelessSessionsEnabled": True},
    )
    assert answer.status_code == 200, answer.text
    after = get_settings(aic_emulator, hdrs).json()
    assert answer.json() == after
    assert after["trees"]["authenticationSessionsMaxDuration"] == 9
    assert after["general"]["statelessSessionsEnabled"] is True
    for section in ("core", "security", "accountlockout", "postauthprocess", "userprofile"):
        assert after[section] == before[section]


def test_unknown_attribute_is_400_with_valid_attributes(am_emulator: EmulatorServer) -> None:
    answer = put_settings(am_emulator, headers(am_emulator), {"trees": {"noSuchThing": 1}})
    assert answer.status_code == 400
    body = answer.json()
    assert body["message"] == "Invalid attribute specified."
    assert "authenticationSessionsStateManagement" in body["detail"]["validAttributes"]


def test_bad_enum_and_bad_types_are_400(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    bad = [
        {"trees": {"authenticationSessionsStateManagement": "COOKIE"}},
        {"trees": {"authenticationSessionsMaxDuration": -1}},
        {"trees": {"authenticationSessionsMaxDuration": "5"}},
        {"general": {"statelessSessionsEnabled": "yes"}},
        {"security": {"sharedSecret": 12}},
    ]
    for body in bad:
        answer = put_settings(aic_emulator, hdrs, body)
        assert answer.status_code == 400, body
        assert answer.json()["code"] == 400 and "Invalid value" in answer.json()["message"]
    for mode in ("JWT", "CTS", "IN_MEMORY"):
        body = {"trees": {"authenticationSessionsStateManagement": mode}}
        assert put_settings(aic_emulator, hdrs, body).status_code == 200


def test_etag_changes_only_on_change_and_rev_under_protocol_2(am_emulator: EmulatorServer) -> None:
    hdrs = headers(am_emulator)
    first = get_settings(am_emulator, hdrs)
    assert first.headers["ETag"] == f'"{first.json()["_rev"]}"'
    same = put_settings(am_emulator, hdrs, {"trees": {"authenticationSessionsMaxDuration": 5}})
    assert same.headers["ETag"] == first.headers["ETag"]
    changed = put_settings(am_emulator, hdrs, {"authenticationSessionsMaxDuration": 6})
    assert changed.headers["ETag"] != first.headers["ETag"]
    v1 = get_settings(am_emulator, {**hdrs, "Accept-API-Version": "protocol=1.0,resource=1.0"})
    assert "_rev" not in v1.json() and v1.headers["Content-API-Version"] == "resource=1.0"


def test_if_match_is_ignored(am_emulator: EmulatorServer) -> None:
    """Like AM's singleton configs: no optimistic concurrency, no 412."""
    hdrs = {**headers(am_emulator), "If-Match": '"12345"'}
    assert put_settings(am_emulator, hdrs, {"defaultAuthLevel": 1}).status_code == 200


def test_shared_secret_is_write_only_and_changes_the_digest(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    placeholder = {"$string": "&{am.authentication.shared.secret}"}
    assert get_settings(aic_emulator, hdrs).json()["security"]["sharedSecret"] == placeholder
    digest = aic_emulator.secret_digest("alpha")
    answer = put_settings(aic_emulator, hdrs, {"security": {"sharedSecret": "s3cr3t-value-1"}})
    assert "s3cr3t-value-1" not in answer.text
    assert "s3cr3t-value-1" not in get_settings(aic_emulator, hdrs).text
    assert aic_emulator.secret_digest("alpha") != digest
    changed = aic_emulator.secret_digest("alpha")
    put_settings(aic_emulator, hdrs, {"security": {"sharedSecret": None}})
    assert aic_emulator.secret_digest("alpha") == changed
    esv = {"$string": "&{esv.journey.secret}"}
    put_settings(aic_emulator, hdrs, {"security": {"sharedSecret": esv}})
    assert get_settings(aic_emulator, hdrs).json()["security"]["sharedSecret"] == esv


def test_am_shows_secret_as_null(am_emulator: EmulatorServer) -> None:
    hdrs = headers(am_emulator)
    put_settings(am_emulator, hdrs, {"sharedSecret": "another-secret"})
    assert get_settings(am_emulator, hdrs).json()["security"]["sharedSecret"] is None


def test_aic_root_realm_and_global_are_forbidden(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    for path in (
        f"{aic_emulator.base_url}/json/realms/root{CONFIG}",
        f"{aic_emulator.base_url}/json/global-config/authentication",
    ):
        answer = requests.get(path, headers=hdrs, timeout=10)
        assert answer.status_code == 403
        assert answer.json()["message"] == (
            "This operation is not available in PingOne Advanced Identity Cloud."
        )


def test_global_settings_on_am(am_emulator: EmulatorServer) -> None:
    url = f"{am_emulator.base_url}/json/global-config/authentication"
    hdrs = headers(am_emulator)
    answer = requests.put(
        url,
        headers=hdrs,
        json={"defaults": {"trees": {"authenticationSessionsMaxDuration": 7}}},
        timeout=10,
    )
    assert answer.status_code == 200
    assert answer.json()["defaults"]["trees"]["authenticationSessionsMaxDuration"] == 7
    bad = requests.put(url, headers=hdrs, json={"nope": 1}, timeout=10)
    assert bad.status_code == 400 and "validAttributes" in bad.json()["detail"]


def test_schema_action_has_enums(am_emulator: EmulatorServer) -> None:
    url = f"{am_emulator.base_url}{ALPHA}{CONFIG}?_action=schema"
    schema = requests.post(url, headers=headers(am_emulator), timeout=10).json()
    trees = schema["properties"]["trees"]["properties"]
    assert trees["authenticationSessionsStateManagement"]["enum"] == ["JWT", "CTS", "IN_MEMORY"]
    assert am_emulator.request_counts()["writes"] == 0


def test_bad_input_is_am_shaped(am_emulator: EmulatorServer) -> None:
    hdrs = headers(am_emulator)
    url = f"{am_emulator.base_url}{ALPHA}{CONFIG}"
    malformed = requests.put(
        url, headers={**hdrs, "Content-Type": "application/json"}, data="{not json", timeout=10
    )
    assert malformed.status_code == 400 and malformed.json()["reason"] == "Bad Request"
    wrong_type = requests.put(
        url, headers={**hdrs, "Content-Type": "text/plain"}, data="{}", timeout=10
    )
    assert wrong_type.status_code == 415 and wrong_type.json()["code"] == 415
    unknown = get_settings(am_emulator, hdrs, "/json/realms/root/realms/nowhere")
    assert unknown.status_code == 404 and unknown.json()["code"] == 404
    bad_version = get_settings(am_emulator, {**hdrs, "Accept-API-Version": "resource=9.0"})
    assert bad_version.status_code == 404 and "does not match" in bad_version.json()["message"]
    garbled = get_settings(am_emulator, {**hdrs, "Accept-API-Version": "resource=abc"})
    assert garbled.status_code == 400
    nothing = requests.get(f"{am_emulator.base_url}/json/nothing/here", timeout=10)
    assert nothing.status_code == 404 and "Traceback" not in nothing.text


def test_concurrent_disjoint_partial_puts_lose_nothing(aic_emulator: EmulatorServer) -> None:
    hdrs = headers(aic_emulator)
    attributes = [
        "lockoutDuration",
        "lockoutWarnUserCount",
        "loginFailureCount",
        "loginFailureDuration",
        "lockoutDurationMultiplier",
        "defaultAuthLevel",
        "authenticationSessionsMaxDuration",
        "suspendedAuthenticationTimeout",
    ]
    errors: list[str] = []

    def writer(attribute: str) -> None:
        for value in range(1, 6):
            answer = put_settings(aic_emulator, hdrs, {attribute: value * 10})
            if answer.status_code != 200:
                errors.append(answer.text)

    threads = [threading.Thread(target=writer, args=(name,)) for name in attributes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    doc = get_settings(aic_emulator, hdrs).json()
    flat = {
        k: v for section in doc.values() if isinstance(section, dict) for k, v in section.items()
    }
    assert all(flat[name] == 50 for name in attributes)


def test_session_service_get_and_partial_put(aic_emulator: EmulatorServer) -> None:
    url = f"{aic_emulator.base_url}{ALPHA}/realm-config/services/session"
    hdrs = headers(aic_emulator)
    doc = requests.get(url, headers=hdrs, timeout=10).json()
    assert doc["dynamic"] == {
        "maxIdleTime": 30,
        "maxSessionTime": 120,
        "quotaLimit": 2,
        "maxCachingTime": 3,
    }
    answer = requests.put(url, headers=hdrs, json={"dynamic": {"maxIdleTime": 5}}, timeout=10)
    assert answer.json()["dynamic"]["maxIdleTime"] == 5
    assert answer.json()["dynamic"]["maxSessionTime"] == 120
    assert requests.put(url, headers=hdrs, json={"maxIdleTime": "x"}, timeout=10).status_code == 400


def test_am_realm_session_service_is_absent_until_added(am_emulator: EmulatorServer) -> None:
    """As on OpenAM 16: a new realm has no Session service (404); `_action=create` adds it
    (201, then 409); DELETE removes it; a PUT without If-Match on an absent service nulls the
    attributes not sent."""
    url = f"{am_emulator.base_url}{ALPHA}/realm-config/services/session"
    hdrs = headers(am_emulator)
    assert requests.get(url, headers=hdrs, timeout=10).status_code == 404
    body = {"dynamic": {"maxSessionTime": 100}}
    created = requests.post(url, params={"_action": "create"}, headers=hdrs, json=body, timeout=10)
    assert created.status_code == 201
    assert created.json()["dynamic"]["maxSessionTime"] == 100
    assert created.json()["dynamic"]["maxIdleTime"] == 30
    again = requests.post(url, params={"_action": "create"}, headers=hdrs, json=body, timeout=10)
    assert again.status_code == 409
    assert requests.delete(url, headers=hdrs, timeout=10).status_code == 200
    assert requests.get(url, headers=hdrs, timeout=10).status_code == 404
    nulled = requests.put(url, headers=hdrs, json=body, timeout=10).json()["dynamic"]
    assert nulled == {
        "maxSessionTime": 100,
        "maxIdleTime": None,
        "quotaLimit": None,
        "maxCachingTime": None,
    }
