"""The promotion chain through the engine and the policy pack on the emulator's promotion group
(dev, staging, prod tenants, each with its own stack): dev is written, staging and production
change only by promotion, in order, each verified; no write of realm configuration ever reaches
an upper tenant (request counts); a missing ESV stops the promotion at the dry run with both
environments unlocked; an `up` killed mid-promotion is finished by the next run."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest
from aic_emulator.testing import GroupServer

from tests.chain.chain import (
    PACK,
    Chain,
    dev_realms,
    lock_state,
    max_duration,
    promotion_calls,
    realm_writes,
    verify,
)

pytestmark = pytest.mark.engine


def deployed_chain(tmp_path: Path, env: dict[str, str], group: GroupServer) -> Chain:
    chain = Chain(tmp_path / "project", env, group)
    for name in ("dev", "staging", "prod"):
        chain.up(name)
    return chain


def test_dev_change_reaches_staging_then_prod_only_by_promotion(
    tmp_path: Path, engine_env: dict[str, str], promotion_group: GroupServer
) -> None:
    chain = deployed_chain(tmp_path, engine_env, promotion_group)
    assert [max_duration(promotion_group, n) for n in ("dev", "staging", "prod")] == [10] * 3
    chain.configure("dev", realms=dev_realms(15))
    chain.up("dev")
    assert [max_duration(promotion_group, n) for n in ("dev", "staging", "prod")] == [15, 10, 10]

    chain.up("prod")  # production promotes only what staging holds: nothing new yet
    assert max_duration(promotion_group, "prod") == 10
    assert chain.outputs("prod")["promotion"]["result"] == "promoted"  # the first one, kept

    promotion_group["staging"].clear_requests()
    chain.up("staging")
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


def test_missing_staging_esv_stops_at_the_dry_run_and_unlocks(
    tmp_path: Path, engine_env: dict[str, str], promotion_group: GroupServer
) -> None:
    chain = deployed_chain(tmp_path, engine_env, promotion_group)
    realms = dev_realms(20)
    realms[0]["signingSecret"]["esvName"] = "esv-alpha-rotated"
    chain.configure("dev", realms=realms)
    chain.up("dev")
    staging = promotion_group["staging"]
    staging.clear_requests()

    failed = chain.up("staging", check=False)

    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "esv-alpha-rotated" in output and "missing ESVs" in output, output
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
    tmp_path: Path, engine_env: dict[str, str], promotion_group: GroupServer
) -> None:
    chain = deployed_chain(tmp_path, engine_env, promotion_group)
    chain.configure("dev", realms=dev_realms(25))
    chain.up("dev")
    staging = promotion_group["staging"]
    staging.configure(promotionSeconds=6)
    staging.clear_requests()
    cli = chain.cli["staging"]
    engine = subprocess.Popen(
        ["pulumi", "--non-interactive", "up", "--yes", "--skip-preview", "--stack", "staging"],
        cwd=cli.cwd,
        env=cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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
