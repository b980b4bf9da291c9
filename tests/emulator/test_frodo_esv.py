"""frodo-cli's ESV commands against the emulator (a real client nobody here wrote):
`esv secret create|list|describe` and `esv apply` (checks for unloaded changes, restarts,
polls until ready). Fails, never skips, when frodo is missing (`make frodo`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.emulator.test_esv import ESV, esv, new_value
from tests.emulator.test_frodo import frodo, sa_env

pytestmark = pytest.mark.frodo


def test_frodo_lists_describes_and_applies_esvs(
    aic_emulator: EmulatorServer, tmp_path: Path
) -> None:
    aic_emulator.configure(restartSeconds=0.5)
    env = sa_env(aic_emulator)
    _, encoded = new_value()
    esv(aic_emulator, "PUT", f"{ESV}/esv-ours", {"valueBase64": encoded, "description": "ours"})
    frodo(
        ["esv", "secret", "create", "-i", "esv-frodos", "--value", "v4lue-from-frodo"],
        tmp_path,
        env,
    )
    listed = frodo(["esv", "secret", "list"], tmp_path, env)
    assert "esv-ours" in listed and "esv-frodos" in listed
    before = frodo(["esv", "secret", "describe", "-i", "esv-ours"], tmp_path, env)
    assert "unloaded" in before
    aic_emulator.clear_requests()
    applied = frodo(["esv", "apply", "-y", "--timeout", "60"], tmp_path, env)
    assert "2 update(s) need to be applied" in applied and "final status: ready" in applied
    assert aic_emulator.request_counts()["counts"]["POST /environment/startup"] == 1
    after = esv(aic_emulator, "GET", f"{ESV}/esv-frodos").json()
    assert (after["loaded"], after["loadedVersion"]) == (True, "1")
    described = frodo(["esv", "secret", "describe", "-i", "esv-ours"], tmp_path, env)
    assert "unloaded" not in described and "loaded" in described
    frodo(["esv", "apply", "-y"], tmp_path, env)  # nothing left to load: no second restart
    assert aic_emulator.request_counts()["counts"]["POST /environment/startup"] == 1
