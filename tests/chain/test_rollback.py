"""`aic-sessions rollback` on the emulator's promotion group: without --yes it shows the
provisional rollback report and changes nothing; with --yes it restores staging's previous
configuration and leaves both environments unlocked."""

from __future__ import annotations

import json

from aic_emulator.testing import GroupServer
from aic_sessions.cli.commands import main
from aic_sessions.cli.rollback import MARKER
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.client.promotion import PromotionClient
from click.testing import CliRunner

from tests.chain.chain import lock_state, max_duration, promote_by_hand
from tests.client.conftest import sa_client


def promote_once(group: GroupServer, minutes: int) -> None:
    with sa_client(group["dev"]) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(max_duration=minutes)
        )
    promote_by_hand(group)


def rollback(group: GroupServer, *args: str) -> str:
    sa_id, jwk = group["staging"].service_account
    env = {"AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk), "AIC_SA_JWK_FILE": None}
    url = group["staging"].base_url
    result = CliRunner().invoke(
        main, ["rollback", "--base-url", url, "--poll", "0.1", *args], env=env
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_rollback_shows_then_restores(promotion_group: GroupServer) -> None:
    before = max_duration(promotion_group, "staging")
    promote_once(promotion_group, 33)
    assert max_duration(promotion_group, "staging") == 33

    shown = rollback(promotion_group)
    assert "A rollback would revert: Authentication Settings: 1 modified" in shown
    assert "\n  modified Authentication Settings/alpha/" in shown  # each item, not only counts
    with sa_client(promotion_group["staging"]) as admin:
        reports = PromotionClient(admin.transport).reports()
    promoted = [r for r in reports if r.type == "promotion" and r.dry_run is False][-1]
    undone = f"undoes the last promotion into this environment: {promoted.promotion_id} of "
    assert undone + f"{promoted.created_date} (report {promoted.report_id})." in shown, shown
    assert "Nothing was changed" in shown
    assert max_duration(promotion_group, "staging") == 33

    done = rollback(promotion_group, "--yes")
    assert "Rolled back" in done and "unlocked both environments" in done
    assert max_duration(promotion_group, "staging") == before
    assert lock_state(promotion_group, "staging")["result"] == "unlocked"


def test_a_killed_rollbacks_lock_is_released_by_the_next_run(promotion_group: GroupServer) -> None:
    """A rollback killed while it held the lock: the next `rollback --yes` finds the lock by its
    description, releases it and says nothing was rolled back; the run after that rolls back."""
    before = max_duration(promotion_group, "staging")
    promote_once(promotion_group, 34)
    with sa_client(promotion_group["staging"]) as admin:
        promotions = PromotionClient(admin.transport)
        promotions.lock(f"{MARKER} rollback")  # what the killed run had taken
        promotions.wait_for_lock("locked", 30, 0.1)

    sa_id, jwk = promotion_group["staging"].service_account
    env = {"AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk), "AIC_SA_JWK_FILE": None}
    url = promotion_group["staging"].base_url
    released = CliRunner().invoke(
        main, ["rollback", "--base-url", url, "--poll", "0.1", "--yes"], env=env
    )
    assert released.exit_code != 0
    assert "Released this stack's lock" in released.output, released.output
    assert lock_state(promotion_group, "staging")["result"] == "unlocked"
    assert max_duration(promotion_group, "staging") == 34  # nothing rolled back yet

    assert "Rolled back" in rollback(promotion_group, "--yes")
    assert max_duration(promotion_group, "staging") == before
