"""The promotion chain through the engine and the policy pack on the emulator's promotion group
(dev, staging, prod tenants, each with its own stack): dev is written, staging and production
change only by promotion, in order, each verified; no write of realm configuration ever reaches
an upper tenant (request counts); a missing ESV stops the promotion at the dry run with both
environments unlocked; an `up` killed mid-promotion is finished by the next run."""

from __future__ import annotations

import json
import signal
import time

import pytest
import yaml
from aic_emulator.testing import GroupServer
from aic_sessions.client import AuthenticationSettingsPatch

from tests.chain.chain import (
    PACK,
    UPPER_REALMS,
    Chain,
    dev_realms,
    lock_state,
    max_duration,
    promote_by_hand,
    promotion_calls,
    realm_writes,
    verify,
)
from tests.client.conftest import sa_client
from tests.engine.registered import assert_every_output_registered
from tests.values import present

pytestmark = pytest.mark.engine


def test_dev_change_reaches_staging_then_prod_only_by_promotion(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    chain = deployed_chain
    assert [max_duration(promotion_group, n) for n in ("dev", "staging", "prod")] == [10] * 3
    chain.configure("dev", realms=dev_realms(15))
    chain.up("dev")
    assert [max_duration(promotion_group, n) for n in ("dev", "staging", "prod")] == [15, 10, 10]

    promotion_group["prod"].clear_requests()
    # Production promotes only what staging holds: nothing new yet, and a refresh (which asks
    # the tenant for pending changes in the chain) finds nothing to promote either.
    chain.up("prod", refresh=True)
    assert max_duration(promotion_group, "prod") == 10
    unchanged = promotion_group["prod"].request_counts()
    assert unchanged["writes"] == 0, unchanged  # no write, no promotion lock taken
    assert "POST /environment/promotion/lock" not in unchanged["counts"], unchanged
    assert chain.outputs("prod")["promotion"]["result"] == "promoted"  # the first one, kept

    promotion_group["staging"].clear_requests()
    promoted = chain.up("staging")
    assert "dry run passed: Authentication Settings: 1 modified" in promoted.stdout, promoted.stdout
    counts = promotion_group["staging"].request_counts()
    print("staging promotion requests:", json.dumps(counts["counts"], sort_keys=True))
    assert max_duration(promotion_group, "staging") == 15
    staging = chain.outputs("staging")
    assert staging["promotion"]["result"] == "promoted"
    assert staging["promotion"]["summary"] == {"Authentication Settings": {"modified": 1}}
    assert staging["realms"]["alpha"]["journeyMaxDurationMinutes"] == 15
    assert promotion_calls(counts)["POST /environment/promotion/promote"] == 2  # dry run, real
    assert realm_writes(counts) == {}
    assert verify(chain, "staging").exit_code == 0
    staging_types = assert_every_output_registered(chain.cli["staging"], "--stack", "staging")
    assert {"Promotion", "StackEnvironment", "EsvSecret", "TenantRestart"} <= staging_types

    chain.up("prod")
    assert max_duration(promotion_group, "prod") == 15
    assert verify(chain, "prod").exit_code == 0
    for name in ("staging", "prod"):
        assert realm_writes(promotion_group[name].request_counts()) == {}, name
        assert lock_state(promotion_group, name)["result"] == "unlocked"

    promotion_group["staging"].clear_requests()
    chain.cli["staging"].run(  # refreshed: nothing drifted, nothing to do
        "preview", "--policy-pack", PACK, "--refresh", "--expect-no-changes", "--stack", "staging"
    )
    assert realm_writes(promotion_group["staging"].request_counts()) == {}

    # A realm staging lists that dev does not deploy: both fixes named, without a traceback.
    bravo = {"name": "bravo", "signingSecret": {"source": "esv-generated"}}
    chain.configure("staging", realms=[*UPPER_REALMS, bravo])
    refused = chain.cli["staging"].run("preview", "--stack", "staging", check=False)
    assert refused.returncode != 0
    assert "realm 'bravo' is not in the static configuration of stack 'dev'" in refused.stdout
    assert "remove it from this stack's aic-sessions:realms" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr


def test_missing_staging_esv_stops_at_the_dry_run_and_unlocks(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    chain = deployed_chain
    realms = dev_realms(20)
    realms[0]["signingSecret"]["esvName"] = "esv-alpha-rotated"
    chain.configure("dev", realms=realms)
    chain.up("dev")
    staging = promotion_group["staging"]
    staging.clear_requests()

    # Staging still sets the old ESV: refused at preview, naming both, before any promotion.
    mismatch = chain.up("staging", check=False)
    assert mismatch.returncode != 0
    assert "this stack sets ESV 'esv-alpha-signing-secret'" in mismatch.stdout + mismatch.stderr
    assert "esv-alpha-rotated" in mismatch.stdout + mismatch.stderr, mismatch.stdout[-3000:]
    assert "set signingSecret.esvName to 'esv-alpha-rotated' here" in mismatch.stdout
    assert not promotion_calls(staging.request_counts())
    # Staging references the new ESV but nobody created it there: the dry run names it.
    reference = {"source": "esv", "esvReference": "esv-alpha-rotated"}
    chain.configure("staging", realms=[{"name": "alpha", "signingSecret": reference}])
    staging.clear_requests()

    failed = chain.up("staging", check=False)

    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "esv-alpha-rotated" in output and "missing ESVs" in output, output
    assert "The dry run of the promotion from dev failed, so nothing was promoted" in output
    assert "pulumi up --refresh finds them gone, creates them again" in output
    calls = promotion_calls(staging.request_counts())
    assert calls["POST /environment/promotion/promote"] == 1  # the dry run only
    assert calls["DELETE /environment/promotion/lock/" + failed_lock(output)] == 1
    assert lock_state(promotion_group, "staging")["result"] == "unlocked"
    assert lock_state(promotion_group, "staging")["lowerEnv"]["state"] == "unlocked"
    assert max_duration(promotion_group, "staging") == 10  # nothing moved

    chain.configure(
        "staging", realms=[{"name": "alpha", "signingSecret": realms[0]["signingSecret"]}]
    )
    chain.up("staging")  # the fix: staging creates its own value of the new ESV
    assert max_duration(promotion_group, "staging") == 20


def failed_lock(output: str) -> str:
    """The promotion id the failed run logged when it locked."""
    marker = "locked both environments (promotion "
    start = output.index(marker) + len(marker)
    return output[start : output.index(")", start)]


def test_killed_promotion_is_finished_by_the_next_run(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    chain = deployed_chain
    chain.configure("dev", realms=dev_realms(25))
    chain.up("dev")
    staging = promotion_group["staging"]
    staging.configure(promotionSeconds=6)
    staging.clear_requests()
    cli = chain.cli["staging"]
    engine = cli.start("up", "--yes", "--skip-preview", "--stack", "staging")
    deadline = time.monotonic() + 120
    while (
        promotion_calls(staging.request_counts()).get("POST /environment/promotion/promote", 0) < 2
    ):
        assert engine.poll() is None and time.monotonic() < deadline, "no promotion started"
        time.sleep(0.1)
    engine.send_signal(signal.SIGKILL)
    engine.wait(timeout=60)
    held = lock_state(promotion_group, "staging")
    assert held["result"] == "locked" and held["description"].startswith("aic-sessions ")

    cli.run("cancel", "--yes", "--stack", "staging")
    refreshed = cli.run("up", "--yes", "--refresh", "--stack", "staging", check=False)
    assert refreshed.returncode != 0  # refresh reads the ESVs, which the lock refuses
    assert "run `pulumi up` without --refresh" in refreshed.stdout + refreshed.stderr
    assert lock_state(promotion_group, "staging")["promotionId"] == held["promotionId"]
    staging.clear_requests()
    chain.up("staging")

    assert chain.outputs("staging")["promotion"]["result"] == "resumed"
    assert chain.outputs("staging")["promotion"]["promotionId"] == held["promotionId"]
    calls = promotion_calls(staging.request_counts())
    assert "POST /environment/promotion/promote" not in calls  # the killed run's promotion ran on
    assert "POST /environment/promotion/lock" not in calls
    assert lock_state(promotion_group, "staging")["result"] == "unlocked"
    assert max_duration(promotion_group, "staging") == 25
    assert verify(chain, "staging").exit_code == 0


def test_drift_in_staging_is_shown_never_written_and_healed_by_promotion(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    """Someone changed dev by hand and promoted it by hand: staging's refresh shows the drift,
    its `up` fails naming the missing promotion without a write, and once dev is back to its
    stack's values, staging's next `up --refresh` promotes them again."""
    chain = deployed_chain
    with sa_client(promotion_group["dev"]) as client:
        client.update_authentication_settings("alpha", AuthenticationSettingsPatch(max_duration=44))
    promote_by_hand(promotion_group)
    assert max_duration(promotion_group, "staging") == 44
    staging = promotion_group["staging"]
    staging.clear_requests()

    cli = chain.cli["staging"]
    preview = cli.run("preview", "--refresh", "--diff", "--stack", "staging")
    assert "~ maxDurationMinutes: 10 => 44" in preview.stdout, preview.stdout  # the refresh
    assert "JourneySessionSettings: (update)" in preview.stdout  # back to the intended 10
    failed = cli.run(
        "up", "--yes", "--skip-preview", "--refresh", "--stack", "staging", check=False
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "maxDurationMinutes is 44 (wanted 10)" in output, output
    assert "promotion from dev" in output
    assert realm_writes(staging.request_counts()) == {}

    chain.cli["dev"].run("up", "--yes", "--skip-preview", "--refresh", "--stack", "dev")
    assert max_duration(promotion_group, "dev") == 10
    chain.cli["staging"].run("up", "--yes", "--skip-preview", "--refresh", "--stack", "staging")
    assert max_duration(promotion_group, "staging") == 10
    assert realm_writes(staging.request_counts()) == {}
    assert lock_state(promotion_group, "staging")["result"] == "unlocked"


def test_a_promotion_carrying_a_change_made_by_hand_below_fails_the_run(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    """dev's tenant switched to client-side sessions by hand, then an unrelated change deployed
    to dev: staging's promotion carries both. Each new promotion asserts staging's realms
    again, so staging's `up` fails naming the difference and both ways to the fix, instead of
    passing with the promoted client-side sessions in place."""
    chain = deployed_chain
    with sa_client(promotion_group["dev"]) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(stateless_sessions=True)
        )
    chain.configure("dev", realms=dev_realms(15))
    chain.up("dev")  # a plain `up` compares with the state: dev's drift stays

    preview = chain.cli["staging"].run("preview", "--stack", "staging")
    assert "dynamic/aic:AuthenticatedSessionSettings staging-alpha-authenticated update" in (
        preview.stdout
    ), preview.stdout  # asserted again after the promotion
    failed = chain.cli["staging"].run(
        "up", "--yes", "--skip-preview", "--stack", "staging", check=False
    )
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output
    assert "clientSideSessions is True (wanted False)" in output, output
    assert "a change made there by hand" in output and "pulumi up --refresh" in output
    assert realm_writes(promotion_group["staging"].request_counts()) == {}
    assert lock_state(promotion_group, "staging")["result"] == "unlocked"


def test_an_upper_stack_relabelled_development_and_set_back_keeps_its_esvs(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    """staging's file says `stage: development` by mistake: its `up` fails at the tenant, which
    refuses the writes. Set back, the stack finds its ESVs under their old names (aliases both
    ways): no ESV is created again or deleted, so no secret is rotated nobody asked for."""
    chain = deployed_chain
    before = chain.outputs("staging")["realms"]["alpha"]

    path = chain.project / "stacks" / "Pulumi.staging.yaml"
    kept = path.read_text()
    document = yaml.safe_load(kept)
    config = document["config"]
    for key in ("promotesFrom", "promotion"):
        config.pop(f"aic-sessions:{key}")
    config["aic-sessions:stage"] = "development"
    config["aic-sessions:realms"] = dev_realms(20)  # a write the tenant refuses
    path.write_text(yaml.safe_dump(document))
    failed = chain.up("staging", check=False)
    assert failed.returncode != 0, "the staging tenant refuses static writes"

    path.write_text(kept)
    preview = json.loads(chain.cli["staging"].run("preview", "--json", "--stack", "staging").stdout)
    esv_steps = [
        (step["op"], step["urn"].rsplit("::", 1)[1])
        for step in preview["steps"]
        if step["urn"].split("::")[2].endswith("EsvSecret")
    ]
    assert all(op not in ("create", "delete", "replace") for op, _ in esv_steps), esv_steps
    chain.up("staging")
    after = chain.outputs("staging")["realms"]["alpha"]
    assert after["esvActiveVersion"] == before["esvActiveVersion"], (before, after)


def test_a_change_made_by_hand_below_is_not_promoted_into_a_settled_document(
    deployed_chain: Chain, promotion_group: GroupServer
) -> None:
    """dev's tenant switched to client-side sessions by hand, and dev's stack deploys a change
    to another document (the Session service). staging already holds every value dev's stack
    declares for the authentication settings, so a promotion changing them carries something
    no stack declared: refused before anything is locked, naming the item and the way out. Once
    dev's own `up --refresh` puts its values back, staging promotes the declared change."""
    chain = deployed_chain
    with sa_client(promotion_group["dev"]) as client:
        client.update_authentication_settings(
            "alpha", AuthenticationSettingsPatch(stateless_sessions=True)
        )
    realms = dev_realms()
    realms[0]["authenticated"]["maxSessionTimeMinutes"] = 250
    chain.configure("dev", realms=realms)
    chain.up("dev")  # a plain `up` compares with the state: dev's drift stays
    staging = promotion_group["staging"]
    staging.clear_requests()

    refused = chain.up("staging", check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "modified Authentication Settings/alpha/" in output, output
    assert "this environment already holds" in output and "Nothing was promoted" in output
    assert "In stack dev, pulumi up --refresh" in output
    calls = promotion_calls(staging.request_counts())
    assert "POST /environment/promotion/lock" not in calls, calls  # stopped before the lock
    with sa_client(staging) as client:
        general = present(client.read_authentication_settings("alpha").general)
    assert general.stateless_sessions is False  # server-side, as before: nothing moved

    chain.up("dev", refresh=True)  # dev's tenant back to its stack's values
    chain.up("staging")
    with sa_client(staging) as client:
        assert present(client.read_session_service("alpha")).max_session_time == 250
    assert realm_writes(staging.request_counts()) == {}
