"""The `Promotion` provider called directly on the emulator's promotion group (dev, staging,
prod): scope refusals listing what lies beyond the chain, the reviewed widening, manual mode,
a lock held by someone else, and the lock always released; the chain itself runs through the
engine in tests/chain."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aic_emulator.testing import GroupServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.client.promotion import PromotionClient
from aic_sessions.resources import connection
from aic_sessions.resources.base import ProviderError
from aic_sessions.resources.promotion import PromotionProvider

from tests.client.conftest import sa_client
from tests.clock import EmulatorClock
from tests.values import present

MARKER = "aic-sessions test/staging:"


@pytest.fixture
def group(promotion_group: GroupServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[GroupServer]:
    sa_id, jwk = promotion_group["staging"].service_account
    monkeypatch.setenv("AIC_SA_ID", sa_id)
    monkeypatch.setenv("AIC_SA_JWK", json.dumps(jwk))
    staging = EmulatorClock(promotion_group["staging"])
    with connection.deployment(connection.Deployment(staging.clock)):
        yield promotion_group


def props(group: GroupServer, **values: Any) -> dict[str, Any]:
    return {
        "baseUrl": group["staging"].base_url,
        "stage": "staging",
        "promotesFrom": "dev",
        "lowerStage": "development",
        "lowerDigest": "sha256:new",
        "realms": ["alpha", "bravo"],
        "mode": "automatic",
        "allowedChanges": [],
        "ignoreEncryptedSecrets": False,
        "marker": MARKER,
        "timeoutSeconds": 300,
        "pollSeconds": 10,
        **values,
    }


def change_dev(group: GroupServer, minutes: int = 17) -> None:
    with sa_client(group["dev"]) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(max_duration=minutes)
        )


def other_teams_journey(group: GroupServer) -> None:
    group["dev"]._control("PUT", "/realms/alpha/static/journeys/TeamLogin", {"nodes": {"a": 1}})


def staging_duration(group: GroupServer) -> int:
    with sa_client(group["staging"]) as client:
        return present(present(client.read_authentication_settings("alpha").trees).max_duration)


def lock_result(group: GroupServer) -> str | None:
    with sa_client(group["staging"]) as admin:
        return PromotionClient(admin.transport).lock_state().result


def promotion_calls(group: GroupServer) -> dict[str, int]:
    counts = group["staging"].request_counts()["counts"]
    return {k: v for k, v in counts.items() if "/environment/promotion" in k}


def test_promotes_and_keeps_the_summary(group: GroupServer) -> None:
    change_dev(group)
    outs = present(PromotionProvider().create(props(group)).outs)
    assert outs["result"] == "promoted" and outs["promotedDigest"] == "sha256:new"
    assert outs["summary"] == {"Authentication Settings": {"modified": 1}}
    assert staging_duration(group) == 17 and lock_result(group) == "unlocked"


def test_nothing_to_promote_locks_nothing(group: GroupServer) -> None:
    group["staging"].clear_requests()
    outs = present(PromotionProvider().create(props(group)).outs)
    assert outs["result"] == "up to date"
    assert "POST /environment/promotion/lock" not in promotion_calls(group)


def test_an_up_to_date_run_keeps_the_last_promotion(group: GroupServer) -> None:
    change_dev(group)
    provider = PromotionProvider()
    first = present(provider.create(props(group)).outs)
    news = {**props(group), "lowerDigest": "sha256:newer"}  # dev redeployed, nothing changed
    outs = present(provider.update("id", first, news).outs)
    assert outs["result"] == "up to date" and outs["promotedDigest"] == "sha256:newer"
    assert outs["promotionId"] == first["promotionId"] and outs["promotionId"]
    assert outs["summary"] == first["summary"]


def test_changes_beyond_the_chain_are_refused_and_listed(group: GroupServer) -> None:
    change_dev(group)
    other_teams_journey(group)
    group["staging"].clear_requests()
    with pytest.raises(ProviderError) as refused:
        PromotionProvider().create(props(group))
    message = str(refused.value)
    assert "beyond what this chain's stacks own" in message
    assert "added Journeys/alpha/TeamLogin" in message and "allowedChanges" in message
    assert "Authentication Settings" not in message.split("own (")[1].split("\n", 1)[1]
    assert "POST /environment/promotion/lock" not in promotion_calls(group)  # nothing locked
    assert staging_duration(group) != 17


def test_reviewed_widening_lets_the_listed_changes_go(group: GroupServer) -> None:
    change_dev(group)
    other_teams_journey(group)
    outs = present(
        PromotionProvider().create(props(group, allowedChanges=["Journeys/alpha/*"])).outs
    )
    assert outs["summary"]["Journeys"] == {"added": 1}
    assert staging_duration(group) == 17 and lock_result(group) == "unlocked"


def declared(minutes: int) -> dict[str, Any]:
    """The stack below's `staticConfiguration` of realm alpha (journey max duration)."""
    journey = {"state_management": "JWT", "max_duration_minutes": minutes}
    return {"alpha": {"journey": journey, "authenticated": {}, "signingSecretEsv": None}}


def test_a_document_the_stack_below_did_not_change_is_never_promoted(group: GroupServer) -> None:
    """The tenant below changed by hand where its stack declares what this tenant already
    holds (JWT journeys of 5 minutes, as seeded): refused before the lock; a reviewed pattern
    lets it go; declared as the new value, it is the stack's own change and promotes."""
    change_dev(group, 17)
    group["staging"].clear_requests()
    with pytest.raises(ProviderError) as refused:
        PromotionProvider().create(props(group, lowerConfiguration=declared(5)))
    message = str(refused.value)
    assert "modified Authentication Settings/alpha/" in message, message
    assert "this environment already holds" in message and "allowedChanges" in message
    assert "POST /environment/promotion/lock" not in promotion_calls(group)
    assert staging_duration(group) == 5

    widened = props(group, lowerConfiguration=declared(5))
    widened["allowedChanges"] = ["Authentication Settings/alpha/*"]
    assert present(PromotionProvider().create(widened).outs)["result"] == "promoted"
    assert staging_duration(group) == 17

    change_dev(group, 23)
    outs = PromotionProvider().create(props(group, lowerConfiguration=declared(23))).outs
    assert present(outs)["result"] == "promoted" and staging_duration(group) == 23


def test_a_state_from_before_lower_configuration_shows_no_change(group: GroupServer) -> None:
    """Upgraded: the state has no lowerConfiguration; the same digest is no update (a drift
    check's `--expect-no-changes` passes), a new one promotes."""
    olds = {**props(group), "promotedDigest": "sha256:new"}
    news = props(group, lowerConfiguration=declared(5))
    assert PromotionProvider().diff("id", olds, news).changes is False
    assert PromotionProvider().diff("id", olds, {**news, "lowerDigest": "sha256:newer"}).changes


def test_manual_mode_names_the_missing_promotion_and_sends_nothing(group: GroupServer) -> None:
    change_dev(group)
    group["staging"].clear_requests()
    with pytest.raises(ProviderError) as missing:
        PromotionProvider().create(props(group, mode="manual"))
    message = str(missing.value)
    assert "The promotion from dev" in message and "is missing" in message
    assert "modified Authentication Settings/alpha" in message
    # Where to promote: the upper tenant's promotions API, named in full.
    root = group["staging"].base_url.removesuffix("/am")
    assert f"{root}/environment/promotion" in message
    assert set(promotion_calls(group)) == {"GET /environment/promotion/report/provisional"}
    PromotionProvider().create(props(group))  # the team promotes (here: automatic mode)
    outs = present(PromotionProvider().create(props(group, mode="manual")).outs)
    assert outs["promotedDigest"] == "sha256:new"


def test_a_lock_refused_because_the_pair_below_is_busy_says_so(
    group: GroupServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """staging is being promoted (its pair with dev is locked) while prod's stack promotes from
    staging: prod's own pair reads unlocked, so the lock itself is refused (409). The message
    says what holds it and that nothing moved, not the generic "read it again and retry"."""
    with sa_client(group["staging"]) as admin:
        PromotionClient(admin.transport).lock("by hand")
    group["staging"]._control("PUT", "/realms/alpha/static/journeys/TeamLogin", {"nodes": {}})
    sa_id, jwk = group["prod"].service_account
    monkeypatch.setenv("AIC_SA_ID", sa_id)
    monkeypatch.setenv("AIC_SA_JWK", json.dumps(jwk))
    prod = props(group, baseUrl=group["prod"].base_url, stage="production")
    prod.update(promotesFrom="staging", lowerStage="staging", allowedChanges=["Journeys/*"])
    with pytest.raises(ProviderError) as refused:
        PromotionProvider().create(prod)
    message = str(refused.value)
    assert "HTTP 409" in message and "read it again and retry" not in message, message
    assert "Another promotion holds this environment or the one below (staging's" in message
    assert "nothing was locked or promoted" in message


def test_a_write_below_a_running_promotion_names_who_may_hold_it(
    group: GroupServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev's own stack writes while staging's stack promotes from dev: the message says the
    stage above may hold the lock and to run again once it ends (dev has no promotion)."""
    from aic_sessions.resources.journey import JourneySessionSettingsProvider

    with sa_client(group["staging"]) as admin:
        PromotionClient(admin.transport).lock("aic-sessions test/staging: promote dev")
    sa_id, jwk = group["dev"].service_account
    monkeypatch.setenv("AIC_SA_ID", sa_id)
    monkeypatch.setenv("AIC_SA_JWK", json.dumps(jwk))
    journey: dict[str, Any] = {"baseUrl": group["dev"].base_url, "realm": "alpha"}
    journey.update(onDelete="restore", stateManagement="CTS", maxDurationMinutes=9)
    with pytest.raises(ProviderError) as refused:
        JourneySessionSettingsProvider().create(journey)
    message = str(refused.value)
    assert "HTTP 409" in message and "the stage above promoting from this environment" in message
    assert "wait until it ends and is unlocked, then run again" in message


def test_a_lock_held_by_someone_else_is_never_touched(group: GroupServer) -> None:
    change_dev(group)
    with sa_client(group["staging"]) as admin:
        client = PromotionClient(admin.transport)
        theirs = client.lock("another team's promotion")
        group["staging"].clear_requests()
        with pytest.raises(ProviderError, match="another team's promotion"):
            PromotionProvider().create(props(group))
        assert client.lock_state().result == "locked"
        assert not [k for k in promotion_calls(group) if not k.startswith("GET")]
        client.unlock(theirs)


def test_a_failure_after_the_lock_unlocks(group: GroupServer) -> None:
    """The dry run passes, then the promotion itself fails (a 500 from the emulator): the
    error is the promotion's, and the environments are unlocked."""
    change_dev(group)
    group["staging"].clear_requests()
    group["staging"].inject_fault(
        method="GET", path="/environment/promotion/report$", kind="status", status=500, count=20
    )
    with pytest.raises(ProviderError):
        PromotionProvider().create(props(group))
    group["staging"].clear_faults()
    calls = promotion_calls(group)
    assert calls["POST /environment/promotion/lock"] == 1
    assert (
        sum(v for k, v in calls.items() if k.startswith("DELETE /environment/promotion/lock/")) == 1
    )
    assert lock_result(group) == "unlocked" and staging_duration(group) != 17


def test_update_promotes_only_a_new_digest(group: GroupServer) -> None:
    provider = PromotionProvider()
    change_dev(group)
    outs = present(provider.create(props(group)).outs)
    assert not provider.diff("id", {**props(group), **outs}, props(group)).changes
    newer = props(group, lowerDigest="sha256:newer")
    assert provider.diff("id", {**props(group), **outs}, newer).changes
    change_dev(group, 19)
    outs = present(present(provider.update("id", {**props(group), **outs}, newer).outs))
    assert outs["promotedDigest"] == "sha256:newer" and staging_duration(group) == 19


def test_check_refuses_a_skipped_stage(group: GroupServer) -> None:
    result = PromotionProvider().check({}, props(group, stage="production"))
    assert [f.property for f in result.failures] == ["lowerStage"]
    assert "never skips" in result.failures[0].reason


def test_refresh_finds_the_chain_out_of_step_and_clears_the_promoted_digest(
    group: GroupServer,
) -> None:
    provider = PromotionProvider()
    outs = present(provider.create(props(group)).outs)
    state = {**props(group), **outs}
    assert present(provider.read("id", state).outs)["promotedDigest"] == "sha256:new"  # in step
    other_teams_journey(group)  # not the chain's: no reason to promote for this stack
    assert present(provider.read("id", state).outs)["pendingChanges"] == []
    change_dev(group, 21)
    read = present(provider.read("id", state).outs)
    assert read["pendingChanges"] == ["modified Authentication Settings/alpha/authentication"]
    assert read["promotedDigest"] is None
    assert provider.diff("id", read, props(group)).changes
