"""The emulator's promotion group over plain HTTP: locks over time, refusals while locked and in
immutable tenants, dry runs naming missing ESVs and encrypted secrets, a promotion that moves the
whole static configuration, reports from a real diff, rollback, and the API's own refusals.
Answers no source confirms are read from `inferred.py`, never restated here."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any

import pytest
import requests
from aic_emulator.cli import parse_args, parse_group
from aic_emulator.group import check_order
from aic_emulator.testing import EmulatorServer, GroupServer, start_group
from aic_sessions.client import inferred

from tests.emulator.util import ALPHA, USER, login, put_settings, sa_headers

PROMO = "/environment/promotion"
SCOPES = "fr:am:* fr:idc:esv:* fr:idc:promotion:*"
SESSION = "/realm-config/services/session"
BRAVO = "/json/realms/root/realms/bravo"


_TOKENS: dict[str, tuple[object, dict[str, str]]] = {}


def hdrs(emu: EmulatorServer) -> dict[str, str]:
    """Headers with a token of the seeded service account, granted once per tenant state."""
    state = emu.emulator.store.state
    cached = _TOKENS.get(emu.root_url)
    if cached is None or cached[0] is not state:
        fresh = {**sa_headers(emu, SCOPES), "Accept-API-Version": "protocol=1.0,resource=1.0"}
        cached = _TOKENS[emu.root_url] = (state, fresh)
    return cached[1]


def api(emu: EmulatorServer, method: str, path: str, body: Any = None) -> requests.Response:
    return requests.request(
        method, f"{emu.root_url}{PROMO}{path}", headers=hdrs(emu), json=body, timeout=10
    )


def ok(response: requests.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def promote(emu: EmulatorServer, dry_run: bool, **extra: Any) -> Any:
    body = {"dryRun": dry_run, "promoter": "tester", "promotionDescription": "test", **extra}
    return ok(api(emu, "POST", "/promote", body))


def lock(emu: EmulatorServer) -> str:
    promotion_id: str = ok(api(emu, "POST", "/lock", {"description": "test"}))["promotionId"]
    assert ok(api(emu, "GET", "/lock/state"))["result"] == "locked"
    return promotion_id


def unlock(emu: EmulatorServer, promotion_id: str) -> None:
    ok(api(emu, "DELETE", f"/lock/{promotion_id}"))
    assert ok(api(emu, "GET", "/lock/state"))["result"] == "unlocked"


def static(emu: EmulatorServer, realm: str = "alpha") -> Any:
    return emu._control("GET", f"/realms/{realm}/static")


def create_esv(emu: EmulatorServer, name: str, value: bytes = b"a value") -> requests.Response:
    body = {"valueBase64": base64.b64encode(value).decode()}
    return requests.put(
        f"{emu.root_url}/environment/secrets/{name}", headers=hdrs(emu), json=body, timeout=10
    )


def change_dev(group: GroupServer) -> None:
    """A journey duration, a Session service, and other teams' journey and script."""
    dev = group["dev"]
    assert put_settings(dev, hdrs(dev), {"trees": {"authenticationSessionsMaxDuration": 9}}).ok
    session = {"dynamic": {"maxSessionTime": 200}}
    url = f"{dev.base_url}{BRAVO}{SESSION}"
    assert requests.put(url, headers=hdrs(dev), json=session, timeout=10).ok
    dev._control("PUT", "/realms/alpha/static/journeys/TeamLogin", {"nodes": {"a": 1}})
    dev._control("PUT", "/realms/bravo/static/scripts/team-script", {"script": "x"})


def changes(report: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (entry["configItem"], kind, item["realm"], item["name"])
        for entry in report["report"]["AMConfig"]
        for kind, items in entry["configChange"].items()
        for item in items
    }


ITEMS = inferred.REPORT_CONFIG_ITEMS


def test_lock_goes_locking_then_locked_and_back_over_time(promotion_group: GroupServer) -> None:
    staging = promotion_group["staging"]
    staging.configure(lockSeconds=30)
    answer = ok(api(staging, "POST", "/lock", {"description": "release 7"}))
    assert answer["result"] == "locking" and answer["promotionId"]
    state = ok(api(staging, "GET", "/lock/state"))
    assert state["result"] == "locking" and state["lowerEnv"]["state"] == "locking"
    staging.advance_clock(31)
    state = ok(api(staging, "GET", "/lock/state"))
    assert (state["result"], state["description"]) == ("locked", "release 7")
    assert state["upperEnv"]["promotionId"] == state["lowerEnv"]["promotionId"]
    wrong = api(staging, "DELETE", "/lock/not-this-one")
    assert wrong.status_code == inferred.WRONG_PROMOTION_ID_STATUS
    assert ok(api(staging, "DELETE", f"/lock/{answer['promotionId']}"))["result"] == "unlocking"
    assert ok(api(staging, "GET", "/lock/state"))["result"] == "unlocking"
    staging.advance_clock(31)
    assert ok(api(staging, "GET", "/lock/state"))["result"] == "unlocked"


def test_locked_refuses_config_and_esv_calls_in_both_tenants_not_logins(
    promotion_group: GroupServer,
) -> None:
    dev, staging, prod = (promotion_group[n] for n in ("dev", "staging", "prod"))
    promotion_id = lock(staging)
    write = put_settings(dev, hdrs(dev), {"trees": {"authenticationSessionsMaxDuration": 7}})
    assert write.status_code == inferred.LOCKED_STATUS
    assert inferred.LOCKED_MARKER in write.json()["message"]
    for tenant in (dev, staging):
        assert create_esv(tenant, "esv-while-locked").status_code == inferred.LOCKED_STATUS
        read = requests.get(f"{tenant.root_url}/environment/secrets", headers=hdrs(tenant))
        assert read.status_code == inferred.LOCKED_STATUS
        assert login(tenant, ALPHA, *USER)["tokenId"]
        assert requests.get(
            f"{tenant.base_url}{ALPHA}/realm-config/authentication",
            headers=hdrs(tenant),
            timeout=10,
        ).ok
    assert create_esv(prod, "esv-not-locked").ok  # outside the locked pair
    unlock(staging, promotion_id)
    assert put_settings(dev, hdrs(dev), {"trees": {"authenticationSessionsMaxDuration": 7}}).ok


def test_upper_tenants_refuse_static_writes_and_keep_dynamic_ones(
    promotion_group: GroupServer,
) -> None:
    staging, prod = promotion_group["staging"], promotion_group["prod"]
    staging.clear_requests()
    for tenant in (staging, prod):
        for method, path, params in (
            ("PUT", f"{ALPHA}/realm-config/authentication", {}),
            ("PUT", f"{ALPHA}{SESSION}", {}),
            ("POST", f"{ALPHA}{SESSION}", {"_action": "create"}),
            ("DELETE", f"{ALPHA}{SESSION}", {}),
            ("PUT", f"{ALPHA}/realm-config/authentication/authenticationtrees/trees/X", {}),
            ("PUT", f"{ALPHA}/scripts/abc", {}),
        ):
            answer = requests.request(
                method,
                f"{tenant.base_url}{path}",
                params=params,
                headers=hdrs(tenant),
                json={"dynamic": {}},
                timeout=10,
            )
            assert answer.status_code == inferred.IMMUTABLE_WRITE_STATUS, (method, path)
            assert inferred.IMMUTABLE_WRITE_MARKER in answer.json()["message"]
        schema = requests.post(
            f"{tenant.base_url}{ALPHA}/realm-config/authentication",
            params={"_action": "schema"},
            headers=hdrs(tenant),
            timeout=10,
        )
        assert schema.ok  # a read through POST is not a write
        assert create_esv(tenant, "esv-per-tenant").ok
        assert login(tenant, ALPHA, *USER)["tokenId"]
    counts = staging.request_counts()["counts"]
    assert counts[f"PUT /am{ALPHA}/realm-config/authentication"] == 1
    assert static(staging)["authentication"]["trees"]["authenticationSessionsMaxDuration"] == 5


def test_dry_run_names_missing_esvs_and_moves_nothing(promotion_group: GroupServer) -> None:
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    secret = {"security": {"sharedSecret": {"$string": "&{esv.signing.alpha}"}}}
    assert put_settings(dev, hdrs(dev), secret).ok
    dev._control("PUT", "/realms/bravo/static/scripts/s1", {"src": "&{esv.team.key}"})
    dev._control("PUT", "/realms/bravo/static/scripts/s2", {"src": "&{esv.has.default|x}"})
    before = static(staging)
    promotion_id = lock(staging)
    assert promote(staging, True)["result"] == inferred.PROMOTION_ACCEPTED
    status = ok(api(staging, "GET", "/promote"))
    assert status["status"] in inferred.PROMOTION_FAILED and status["blockingError"] is True
    assert status["missingESVs"] == ["esv-signing-alpha", "esv-team-key"]
    assert static(staging) == before
    report = ok(api(staging, "GET", "/report"))
    assert report["dryRun"] is True and report["missingESVs"] == status["missingESVs"]
    unlock(staging, promotion_id)
    assert create_esv(staging, "esv-signing-alpha").ok and create_esv(staging, "esv-team-key").ok
    lock(staging)
    promote(staging, True)
    status = ok(api(staging, "GET", "/promote"))
    assert status["status"] in inferred.PROMOTION_SUCCEEDED and status["missingESVs"] == []
    assert static(staging) == before  # a dry run never moves anything


def test_promotion_moves_the_whole_static_configuration_with_a_real_report(
    promotion_group: GroupServer,
) -> None:
    dev, staging, prod = (promotion_group[n] for n in ("dev", "staging", "prod"))
    change_dev(promotion_group)
    staging._control("PUT", "/realms/alpha/static/journeys/OnlyInStaging", {"n": 1})
    expected = {
        (ITEMS["authentication"], "modified", "alpha", "authentication"),
        (ITEMS["session"], "modified", "bravo", "session"),
        (ITEMS["journeys"], "added", "alpha", "TeamLogin"),
        (ITEMS["journeys"], "deleted", "alpha", "OnlyInStaging"),
        (ITEMS["scripts"], "added", "bravo", "team-script"),
    }
    assert changes(ok(api(staging, "GET", "/report/provisional"))) == expected
    lock(staging)
    promote(staging, False)
    status = ok(api(staging, "GET", "/promote"))
    assert status["status"] in inferred.PROMOTION_SUCCEEDED and status["type"] == "promotion"
    for realm in ("alpha", "bravo"):
        assert static(staging, realm) == static(dev, realm)
        assert static(prod, realm) != static(dev, realm)
    report = ok(api(staging, "GET", "/report"))
    assert changes(report) == expected and report["dryRun"] is False
    assert report["promoter"] == "tester" and report["promotionId"] == status["promotionId"]
    listed = ok(api(staging, "GET", "/reports"))
    assert [r["reportId"] for r in listed] == [report["reportId"]]
    assert ok(api(staging, "GET", f"/report/{report['reportId']}")) == report
    assert changes(ok(api(staging, "GET", "/report/provisional"))) == set()
    assert login(staging, ALPHA, *USER)["tokenId"]  # users are dynamic: still there


def test_rollback_restores_the_previous_configuration(promotion_group: GroupServer) -> None:
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    before = {realm: static(staging, realm) for realm in ("alpha", "bravo")}
    assert api(staging, "GET", "/report/provisional-rollback").status_code == (
        inferred.NO_ROLLBACK_STATUS
    )
    change_dev(promotion_group)
    lock(staging)
    promote(staging, False)
    provisional = ok(api(staging, "GET", "/report/provisional-rollback"))
    assert (ITEMS["journeys"], "deleted", "alpha", "TeamLogin") in changes(provisional)
    body = {"promoter": "tester", "promotionDescription": "undo"}
    assert ok(api(staging, "POST", "/rollback", body))["result"] == inferred.ROLLBACK_ACCEPTED
    status = ok(api(staging, "GET", "/promote"))
    assert status["type"] == "rollback" and status["status"] in inferred.PROMOTION_SUCCEEDED
    assert {realm: static(staging, realm) for realm in ("alpha", "bravo")} == before
    assert static(dev)["journeys"] == {"TeamLogin": {"nodes": {"a": 1}}}
    again = api(staging, "POST", "/rollback", body)
    assert again.status_code == inferred.NO_ROLLBACK_STATUS


def test_a_promoted_placeholder_uses_each_tenants_own_esv_value(
    promotion_group: GroupServer,
) -> None:
    """The configuration moves unchanged; the secret in effect is each tenant's ESV value."""
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    values = {"dev": secrets.token_bytes(32).hex(), "staging": secrets.token_bytes(32).hex()}
    for name, tenant in (("dev", dev), ("staging", staging)):
        tenant.configure(restartSeconds=0)
        assert create_esv(tenant, "esv-signing-alpha", values[name].encode()).ok
        url = f"{tenant.root_url}/environment/startup"
        restart = requests.post(
            url, params={"_action": "restart"}, headers=hdrs(tenant), timeout=10
        )
        assert restart.ok
    secret = {"security": {"sharedSecret": {"$string": "&{esv.signing.alpha}"}}}
    assert put_settings(dev, hdrs(dev), secret).ok
    lock(staging)
    promote(staging, False)
    assert ok(api(staging, "GET", "/promote"))["status"] in inferred.PROMOTION_SUCCEEDED
    shown = static(staging)["authentication"]["security"]["sharedSecret"]
    assert shown == {"$string": "&{esv.signing.alpha}"}
    for name, tenant in (("dev", dev), ("staging", staging)):
        expected = hashlib.sha256(values[name].encode()).hexdigest()
        assert tenant.secret_digest("alpha") == expected


def test_literal_secret_is_an_encrypted_secret(promotion_group: GroupServer) -> None:
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    literal = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
    assert put_settings(dev, hdrs(dev), {"security": {"sharedSecret": literal}}).ok
    lock(staging)
    promote(staging, False)
    status = ok(api(staging, "GET", "/promote"))
    name = f"alpha/{ITEMS['authentication']}/sharedSecret"
    assert status["encryptedSecrets"] == [name] and status["blockingError"] is True
    assert literal not in json.dumps(status) + json.dumps(ok(api(staging, "GET", "/report")))
    assert staging.secret_digest("alpha") != dev.secret_digest("alpha")
    promote(staging, False, ignoreEncryptedSecrets=True)
    status = ok(api(staging, "GET", "/promote"))
    assert status["status"] in inferred.PROMOTION_SUCCEEDED
    assert ok(api(staging, "GET", "/report"))["previouslyIgnoredEncryptedSecrets"] == [name]
    assert staging.secret_digest("alpha") == dev.secret_digest("alpha")  # the same literal


def test_status_over_time_and_unlock_after(promotion_group: GroupServer) -> None:
    staging = promotion_group["staging"]
    assert ok(api(staging, "GET", "/promote"))["status"] == inferred.PROMOTION_IDLE
    promotion_id = lock(staging)
    staging.configure(promotionSeconds=60, lockSeconds=5)
    promote(staging, False, unlockEnvironmentsAfterPromotion=True)
    running = ok(api(staging, "GET", "/promote"))
    assert running["status"] in inferred.PROMOTION_RUNNING
    assert running["globalLock"] == inferred.GLOBAL_LOCKED
    busy = inferred.RUN_IN_PROGRESS_STATUS
    assert api(staging, "DELETE", f"/lock/{promotion_id}").status_code == busy
    assert api(staging, "POST", "/promote", {"dryRun": True}).status_code == busy
    staging.advance_clock(61)
    done = ok(api(staging, "GET", "/promote"))
    assert done["status"] in inferred.PROMOTION_SUCCEEDED
    assert ok(api(staging, "GET", "/lock/state"))["result"] == "unlocking"
    staging.advance_clock(6)
    assert ok(api(staging, "GET", "/lock/state"))["result"] == "unlocked"


def test_the_api_refuses_what_the_procedure_forbids(
    promotion_group: GroupServer, aic_emulator: EmulatorServer
) -> None:
    dev, staging, prod = (promotion_group[n] for n in ("dev", "staging", "prod"))
    assert api(staging, "POST", "/promote", {"dryRun": True}).status_code == (
        inferred.NOT_LOCKED_STATUS
    )
    lock(staging)
    assert api(staging, "POST", "/lock", {}).status_code == inferred.ALREADY_LOCKED_STATUS
    assert api(prod, "POST", "/lock", {}).status_code == inferred.ALREADY_LOCKED_STATUS
    assert api(staging, "POST", "/promote", {"dryRun": "yes"}).status_code == 400
    lowest = api(dev, "GET", "/lock/state")
    assert lowest.status_code == inferred.NO_LOWER_ENVIRONMENT_STATUS
    assert api(aic_emulator, "GET", "/lock/state").status_code == 404  # no group: a sandbox
    no_scope = requests.get(
        f"{staging.root_url}{PROMO}/lock/state", headers=sa_headers(staging, "fr:am:*"), timeout=10
    )
    assert no_scope.status_code == 403


def test_journeys_and_scripts_written_through_the_am_api_are_promoted(
    promotion_group: GroupServer,
) -> None:
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    tree = f"{ALPHA}/realm-config/authentication/authenticationtrees/trees/TeamJourney"
    script = f"{BRAVO}/scripts/0f1e2d3c"
    for path, doc in ((tree, {"entryNodeId": "n1", "nodes": {}}), (script, {"name": "s"})):
        assert requests.put(f"{dev.base_url}{path}", headers=hdrs(dev), json=doc, timeout=10).ok
        refused = requests.put(f"{staging.base_url}{path}", headers=hdrs(staging), json=doc)
        assert refused.status_code == inferred.IMMUTABLE_WRITE_STATUS
    listed = requests.get(
        f"{dev.base_url}{BRAVO}/scripts",
        params={"_queryFilter": "true"},
        headers=hdrs(dev),
        timeout=10,
    )
    assert [item["_id"] for item in ok(listed)["result"]] == ["0f1e2d3c"]
    assert changes(ok(api(staging, "GET", "/report/provisional"))) == {
        (ITEMS["journeys"], "added", "alpha", "TeamJourney"),
        (ITEMS["scripts"], "added", "bravo", "0f1e2d3c"),
    }
    lock(staging)
    promote(staging, False)
    read = requests.get(f"{staging.base_url}{tree}", headers=hdrs(staging), timeout=10)
    assert ok(read) == {"_id": "TeamJourney", "entryNodeId": "n1", "nodes": {}}
    assert requests.delete(
        f"{dev.base_url}{script}", headers=hdrs(dev), timeout=10
    ).status_code == (inferred.LOCKED_STATUS)


def test_changes_climb_the_chain_one_environment_at_a_time() -> None:
    """dev -> uat -> staging: each upper tenant pulls only from the one below it."""
    tenants = (("dev", "development"), ("uat", "uat"), ("staging", "staging"))
    with start_group(tenants) as group:
        dev, uat, staging = (group[name] for name in ("dev", "uat", "staging"))
        change_dev(group)
        lock_id = lock(staging)
        promote(staging, False)  # uat has nothing new yet: staging stays as it was
        assert changes(ok(api(staging, "GET", "/report"))) == set()
        assert api(uat, "POST", "/lock", {}).status_code == inferred.ALREADY_LOCKED_STATUS
        unlock(staging, lock_id)
        for upper in (uat, staging):
            promotion_id = lock(upper)
            promote(upper, False)
            assert ok(api(upper, "GET", "/promote"))["status"] in inferred.PROMOTION_SUCCEEDED
            unlock(upper, promotion_id)
        for realm in ("alpha", "bravo"):
            assert static(staging, realm) == static(uat, realm) == static(dev, realm)


def test_a_group_is_ordered_development_first() -> None:
    for wrong in (
        [("s", "staging"), ("d", "development")],
        [("d", "development"), ("p", "production"), ("s", "staging")],
        [("d", "development"), ("p", "production"), ("q", "production")],
        [("d", "development"), ("x", "qa")],
        [("d", "development"), ("d", "uat")],
    ):
        with pytest.raises(ValueError):
            check_order(wrong)
    check_order([("d", "development"), ("u1", "uat"), ("u2", "uat"), ("p", "production")])
    assert parse_group("dev=1,uat2=2,stage:staging=3,live:production=4") == [
        ("dev", "development", 1),
        ("uat2", "uat", 2),
        ("stage", "staging", 3),
        ("live", "production", 4),
    ]
    with pytest.raises(ValueError, match="give the role of 'live'"):
        parse_group("dev=1,live=2")


@pytest.mark.parametrize(
    "argv",
    [["--realms", "alpha,charlie"], ["--group", "dev=1,prod=2", "--realms", "charlie"]],
    ids=["aic", "group"],
)
def test_realms_for_an_aic_tenant_are_refused_not_ignored(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2
    assert "--realms is for --flavour am only" in capsys.readouterr().err
    assert parse_args(["--flavour", "am", "--realms", "alpha,charlie"]).realms == "alpha,charlie"
    assert parse_args(["--flavour", "am"]).realms == "alpha"
