"""frodo-cli (a client nobody here wrote) against the promotion group. frodo-cli 3.1.0 has no
command for the promotions API (its `promote` compares export folders), so it meets the group
as a team's other tooling would: its writes of static configuration are refused in staging
and go through in development, and its ESV calls are refused while a promotion holds the
lock. Fails, never skips, when frodo is missing (`make frodo`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import GroupServer
from aic_sessions.client import inferred

from tests.emulator.test_frodo import frodo, sa_env
from tests.emulator.test_promotion import lock, static, unlock

pytestmark = pytest.mark.frodo

IMPORT_PUT = "PUT /am/json/realms/root/realms/alpha/realm-config/authentication"


def test_frodo_writes_static_config_in_development_only(
    promotion_group: GroupServer, tmp_path: Path
) -> None:
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    frodo(["authn", "export", "-f", "alpha.json"], tmp_path, sa_env(dev))
    exported = json.loads((tmp_path / "alpha.json").read_text())
    exported["authentication"]["trees"]["authenticationSessionsMaxDuration"] = 23
    (tmp_path / "alpha.json").write_text(json.dumps(exported))
    staging.clear_requests()
    with pytest.raises(AssertionError) as refused:
        frodo(["authn", "import", "-f", "alpha.json"], tmp_path, sa_env(staging))
    said = str(refused.value)
    assert f"Status: {inferred.IMMUTABLE_WRITE_STATUS}" in said
    assert inferred.IMMUTABLE_WRITE_MARKER in said
    assert staging.request_counts()["counts"][IMPORT_PUT] >= 1
    assert static(staging)["authentication"]["trees"]["authenticationSessionsMaxDuration"] == 5
    frodo(["authn", "import", "-f", "alpha.json"], tmp_path, sa_env(dev))
    assert static(dev)["authentication"]["trees"]["authenticationSessionsMaxDuration"] == 23


def test_frodo_esv_calls_wait_for_the_promotion_lock(
    promotion_group: GroupServer, tmp_path: Path
) -> None:
    dev, staging = promotion_group["dev"], promotion_group["staging"]
    promotion_id = lock(staging)
    for tenant in (dev, staging):
        with pytest.raises(AssertionError) as refused:
            frodo(["esv", "secret", "list"], tmp_path, sa_env(tenant))
        said = str(refused.value)
        assert f"Status: {inferred.LOCKED_STATUS}" in said and inferred.LOCKED_MARKER in said
    unlock(staging, promotion_id)
    frodo(["esv", "secret", "list"], tmp_path, sa_env(dev))
