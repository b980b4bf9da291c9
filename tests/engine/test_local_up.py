"""`make up`'s script: emulator + dev stack + policy pack, as a user runs it (issue: resources)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.engine_cli import REPO_ROOT

pytestmark = pytest.mark.engine


def test_local_up_deploys_the_dev_stack_twice(tmp_path: Path, engine_env: dict[str, str]) -> None:
    """Regression: the dev stack once pointed at a port the emulator does not use."""
    env = {**engine_env, "LOCAL_UP_DIR": str(tmp_path / "emulator")}

    def local_up() -> str:
        proc = subprocess.run(
            [str(REPO_ROOT / "scripts/local-up"), "dev"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    first = local_up()
    # the stack; per realm a RealmSessionSettings, its baseline and its three resources; the
    # 2 ESVs and the tenant's one restart
    assert "+ 14 created" in first
    # the 7 writes of the session resources, the 2 ESVs and the tenant's one restart
    assert counts(first)["writes"] == 10
    assert counts(first)["counts"]["POST /environment/startup"] == 1
    assert "2 of 2 realm(s) passed." in first

    second = local_up()
    assert "14 unchanged" in second
    assert counts(second)["writes"] == 0


def counts(output: str) -> dict:
    """The emulator's request counts that local-up prints after the deployment."""
    lines = output.splitlines()
    marker = next(
        i for i, line in enumerate(lines) if "admin API requests of the deployment" in line
    )
    return json.loads(lines[marker + 1])
