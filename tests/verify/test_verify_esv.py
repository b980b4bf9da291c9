"""The `esv-loaded` check: "ESV changes not loaded yet" until the tenant restarts, a realm that
no longer points at its ESV, a check that cannot look; and `verify --stack` after a pending
and then a restarting `pulumi up` of an ESV-stored stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AuthenticationSettingsPatch
from aic_sessions.verify.esv_loaded import check_esv_loaded
from aic_sessions.verify.intent import RealmIntent
from aic_sessions.verify.results import Status

from tests.emulator.test_esv import ESV, RESTART_SECONDS, esv, new_value, restart_and_wait
from tests.engine.project import new_stack, realm, write_stack
from tests.verify.util import checks, run_verify, tenant_for

INTENT = RealmIntent("alpha", esv_name="esv-alpha-signing")


def test_not_loaded_then_loaded_then_not_referenced(aic_emulator: EmulatorServer) -> None:
    aic_emulator.configure(restartSeconds=RESTART_SECONDS)
    tenant = tenant_for(aic_emulator)
    _, encoded = new_value()
    esv(aic_emulator, "PUT", f"{ESV}/esv-alpha-signing", {"valueBase64": encoded})
    patch = AuthenticationSettingsPatch(shared_secret_reference="&{esv.alpha.signing}")
    with tenant.admin as client:
        client.update_authentication_settings("alpha", patch)
        pending = check_esv_loaded(client, INTENT)
        assert pending is not None and pending.status is Status.FAIL
        assert [c.code for c in pending.causes] == ["esv-not-loaded"]
        assert "ESV changes not loaded yet" in pending.causes[0].text
        restart_and_wait(aic_emulator)
        loaded = check_esv_loaded(client, INTENT)
        assert loaded is not None and loaded.status is Status.PASS, loaded
        other = AuthenticationSettingsPatch(shared_secret_reference="&{esv.someone.else}")
        client.update_authentication_settings("alpha", other)
        moved = check_esv_loaded(client, INTENT)
        assert moved is not None and [c.code for c in moved.causes] == ["esv-not-referenced"]
        assert check_esv_loaded(client, RealmIntent("alpha")) is None


def test_a_check_that_cannot_look_fails(aic_emulator: EmulatorServer) -> None:
    with tenant_for(aic_emulator).admin as client:
        missing = check_esv_loaded(client, INTENT)
    assert missing is not None and missing.status is Status.FAIL
    assert missing.observed == "error (HTTP 404)" and "esv-alpha-signing" in str(missing.detail)
    assert [c.code for c in missing.causes] == ["esv-missing"]


@pytest.mark.engine
def test_verify_after_pending_and_restarting_up(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    aic_emulator.configure(restartSeconds=0.3)
    realms = [realm("alpha", signingSecret={"source": "esv-generated"})]
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, realms, stack="dev")
    fast = {"pollSeconds": 0.1, "timeoutSeconds": 30}
    stack = {"environment": "dev", "baseUrl": aic_emulator.base_url, "realms": realms}
    write_stack(cli.cwd, "dev", {**stack, "esvRestart": {**fast, "mode": "pending"}})
    cli.run("up", "--yes", "--skip-preview")
    env = {**engine_env, **tenant_for(aic_emulator).env, "AIC_BASE_URL": None}
    args = ("--stack", "dev", "--project-dir", str(cli.cwd), "--json")
    pending = run_verify(env, *args)
    assert pending.exit_code == 1
    assert checks(pending)["esv-loaded"]["status"] == "fail"
    assert "ESV changes not loaded yet" in json.dumps(checks(pending)["esv-loaded"])
    write_stack(cli.cwd, "dev", {**stack, "esvRestart": fast})
    cli.run("up", "--yes", "--skip-preview")
    done = run_verify(env, *args)
    assert done.exit_code == 0, done.output
    assert checks(done)["esv-loaded"]["status"] == "pass"
