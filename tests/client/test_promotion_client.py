"""`PromotionClient` against the emulator's promotion group: the documented procedure end to
end (lock, dry run, promote, report, rollback, unlock) with waits that poll on the emulator's
clock (an injected sleep moves it; no wall-clock sleep), typed errors for a blocked dry run, an
immutable environment and a locked one, the shared retry rules, and timeouts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aic_emulator.testing import EmulatorServer, GroupServer
from aic_sessions.client import (
    AdminClient,
    AuthenticationSettingsPatch,
    ConfigurationError,
    ConnectionSettings,
    EnvironmentLockedError,
    ImmutableEnvironmentError,
    PromotionClient,
    PromotionFailed,
    PromotionStatus,
    PromotionTimeoutError,
    ServerError,
    SessionServicePatch,
    inferred,
)

from tests.client.conftest import sa_client
from tests.clock import EmulatorClock
from tests.values import present

FAST = {"initial_backoff": 0.01, "max_backoff": 0.05}


@pytest.fixture
def admins(promotion_group: GroupServer) -> Iterator[dict[str, AdminClient]]:
    clients = {name: sa_client(promotion_group[name], retries=FAST) for name in ("dev", "staging")}
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture
def staging(
    promotion_group: GroupServer, admins: dict[str, AdminClient]
) -> Iterator[tuple[PromotionClient, EmulatorClock]]:
    time = EmulatorClock(promotion_group["staging"])
    promotions = PromotionClient(admins["staging"].transport, clock=time.clock)
    yield promotions, time
    promotions.close()


def test_the_documented_procedure(
    promotion_group: GroupServer,
    admins: dict[str, AdminClient],
    staging: tuple[PromotionClient, EmulatorClock],
) -> None:
    promotions, time = staging
    promotion_group["staging"].configure(lockSeconds=20, promotionSeconds=50)
    admins["dev"].update_authentication_settings(
        "alpha", AuthenticationSettingsPatch(max_duration=11)
    )
    promotion_group["dev"]._control("PUT", "/realms/alpha/static/journeys/Other", {"x": 1})
    assert promotions.lock_state().result == "unlocked"
    promotion_id = promotions.lock("release 12")
    locked = promotions.wait_for_lock("locked", timeout=100, interval=5)
    assert locked.promotion_id == promotion_id and present(locked.lower_env).state == "locked"
    assert time.sleeps == 4  # 20 s of lock at 5 s per poll
    assert promotions.status().status == inferred.PROMOTION_IDLE
    promotions.promote(dry_run=True, promoter="ci", description="dry")
    dry = promotions.wait_for_promotion(timeout=200, interval=10)
    assert dry.status in inferred.PROMOTION_SUCCEEDED and dry.missing_esvs == []
    promotions.promote(dry_run=False, promoter="ci", description="release 12")
    final = promotions.wait_for_promotion(timeout=200, interval=10)
    assert final.promotion_id == promotion_id and not final.failed
    report = promotions.report()
    assert report.dry_run is False and report.promoter == "ci"
    changed = {(c.config_item, c.kind, c.item.realm, c.item.name) for c in report.changes()}
    assert changed == {
        (inferred.REPORT_CONFIG_ITEMS["authentication"], "modified", "alpha", "authentication"),
        (inferred.REPORT_CONFIG_ITEMS["journeys"], "added", "alpha", "Other"),
    }
    stubs = promotions.reports()
    assert [s.dry_run for s in stubs] == [True, False]
    assert promotions.report(stubs[0].report_id).dry_run is True
    assert present(admins["staging"].read_authentication_settings("alpha").trees).max_duration == 11
    assert promotions.provisional_report().changes() == []
    assert len(promotions.provisional_rollback_report().changes()) == 2
    promotions.rollback(promoter="ci", description="undo")
    assert promotions.wait_for_promotion(timeout=200, interval=10).type == "rollback"
    assert present(admins["staging"].read_authentication_settings("alpha").trees).max_duration == 5
    promotions.unlock(promotion_id)
    assert promotions.wait_for_lock("unlocked", timeout=100, interval=5).result == "unlocked"


def test_a_blocked_dry_run_names_the_missing_esvs(
    admins: dict[str, AdminClient], staging: tuple[PromotionClient, EmulatorClock]
) -> None:
    promotions, _ = staging
    patch = AuthenticationSettingsPatch(shared_secret_reference="&{esv.signing.alpha}")
    admins["dev"].update_authentication_settings("alpha", patch)
    promotion_id = promotions.lock()
    promotions.wait_for_lock("locked", timeout=10, interval=1)
    promotions.promote(dry_run=True, promoter="ci", description="dry")
    with pytest.raises(PromotionFailed, match="esv-signing-alpha") as failed:
        promotions.wait_for_promotion(timeout=10, interval=1)
    assert failed.value.missing_esvs == ["esv-signing-alpha"]
    assert failed.value.promotion_status in inferred.PROMOTION_FAILED
    assert "Create the missing ESVs" in str(failed.value)
    promotions.unlock(promotion_id)


def test_immutable_and_locked_environments_raise_typed_errors(
    admins: dict[str, AdminClient], staging: tuple[PromotionClient, EmulatorClock]
) -> None:
    promotions, _ = staging
    patch = AuthenticationSettingsPatch(max_duration=9)
    with pytest.raises(ImmutableEnvironmentError, match="promote it from there"):
        admins["staging"].update_authentication_settings("alpha", patch)
    with pytest.raises(ImmutableEnvironmentError, match="environment below"):
        admins["staging"].update_session_service("alpha", SessionServicePatch(max_idle_time=5))
    with pytest.raises(ImmutableEnvironmentError):
        admins["staging"].remove_session_service("alpha")
    promotion_id = promotions.lock()
    promotions.wait_for_lock("locked", timeout=10, interval=1)
    with pytest.raises(EnvironmentLockedError, match="locked for a promotion"):
        admins["dev"].update_authentication_settings("alpha", patch)
    promotions.unlock(promotion_id)
    promotions.wait_for_lock("unlocked", timeout=10, interval=1)
    updated = admins["dev"].update_authentication_settings("alpha", patch)
    assert present(updated.trees).max_duration == 9


def test_retries_follow_the_shared_rules(
    promotion_group: GroupServer, staging: tuple[PromotionClient, EmulatorClock]
) -> None:
    promotions, _ = staging
    tenant = promotion_group["staging"]
    tenant.inject_fault(
        method="GET", path="/promotion/promote$", kind="status", status=429, retryAfter=0, count=2
    )
    tenant.inject_fault(method="GET", path="/lock/state", kind="status", status=503, count=1)
    assert promotions.status().status == inferred.PROMOTION_IDLE
    assert promotions.lock_state().result == "unlocked"
    tenant.inject_fault(method="POST", path="/promotion/lock$", kind="status", status=503)
    tenant.clear_requests()
    with pytest.raises(ServerError):
        promotions.lock()  # never repeated: the lock may have been taken
    assert tenant.request_counts()["counts"] == {"POST /environment/promotion/lock": 1}
    assert promotions.lock_state().result == "unlocked"


def test_waits_end_at_their_timeout(
    promotion_group: GroupServer, staging: tuple[PromotionClient, EmulatorClock]
) -> None:
    promotions, time = staging
    promotion_group["staging"].configure(lockSeconds=1000)
    promotions.lock()
    with pytest.raises(PromotionTimeoutError, match="Still 'locking' after 30 s"):
        promotions.wait_for_lock("locked", timeout=30, interval=10)
    assert time.sleeps == 3  # polls at 0, 10, 20 and 30 s


def test_an_admin_login_is_refused_before_anything_is_sent(am_emulator: EmulatorServer) -> None:
    user, password = am_emulator.admin
    env = {
        "AIC_BASE_URL": am_emulator.base_url,
        "AM_ADMIN_USERNAME": user,
        "AM_ADMIN_PASSWORD": password,
    }
    with (
        AdminClient(ConnectionSettings.from_env(env)) as admin,
        pytest.raises(ConfigurationError, match="fr:idc:promotion"),
    ):
        PromotionClient(admin.transport)


def test_a_ready_status_before_the_run_is_seen_is_not_its_end(
    staging: tuple[PromotionClient, EmulatorClock],
) -> None:
    """A `READY` read right after the start may be a run not started yet: keep polling until
    the run is seen running (and back to READY) or reads a final status."""
    promotions, time = staging
    idle, running = inferred.PROMOTION_IDLE, inferred.PROMOTION_RUNNING[0]
    answers = iter([idle, running, idle])
    promotions.status = lambda: PromotionStatus(status=next(answers))  # type: ignore[method-assign]
    assert promotions.wait_for_promotion(timeout=100, interval=1).status == idle
    assert time.sleeps == 2


def test_a_new_client_finds_a_running_promotion_by_its_lock(
    promotion_group: GroupServer,
    admins: dict[str, AdminClient],
    staging: tuple[PromotionClient, EmulatorClock],
) -> None:
    """A run interrupted mid-promotion: the next one finds the lock's promotion id, waits for
    the promotion it started, and releases the lock."""
    first, time = staging
    promotion_group["staging"].configure(promotionSeconds=120)
    promotion_id = first.lock("interrupted")
    first.wait_for_lock("locked", timeout=10, interval=1)
    first.promote(dry_run=False, promoter="ci", description="interrupted")
    first.close()  # the process dies here
    again = PromotionClient(admins["staging"].transport, clock=time.clock)
    found = again.lock_state()
    assert (found.result, found.promotion_id, found.description) == (
        "locked",
        promotion_id,
        "interrupted",
    )
    assert again.status().running and again.status().promotion_id == promotion_id
    assert again.wait_for_promotion(timeout=300, interval=30).promotion_id == promotion_id
    again.unlock(promotion_id)
    assert again.wait_for_lock("unlocked", timeout=10, interval=1).promotion_id is None
    again.close()
