"""`EsvSecret` and `TenantRestart` providers called directly against the emulator: what each
method writes, one restart for several ESVs, superseded versions disabled only once the new
one is loaded, pending mode, drift seen by `read`, destroy keeping the ESV by default."""

from __future__ import annotations

from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.resources.base import ProviderError
from aic_sessions.resources.esv_secret import EsvSecretProvider
from aic_sessions.resources.tenant_restart import TenantRestartProvider
from aic_sessions.resources.wire import SECRET_SIG
from aic_sessions.resources.wire import SECRET_SIG_KEY as SECRET_KEY

from tests.emulator.test_esv import ESV, esv, new_value
from tests.values import present


@pytest.fixture
def emulator(emulator: EmulatorServer) -> EmulatorServer:
    """The provider tests' emulator (its deployment waits on the emulator's clock), with a
    restart of a minute on that clock."""
    emulator.configure(restartSeconds=60)
    return emulator


def checked(
    emu: EmulatorServer, olds: dict[str, Any] | None = None, **values: Any
) -> dict[str, Any]:
    news = {"baseUrl": emu.base_url, "realm": "alpha", "name": "esv-alpha-signing", **values}
    result = EsvSecretProvider().check(olds or {}, news)
    assert result.failures == [], result.failures
    return dict(result.inputs)


def restart_inputs(
    emu: EmulatorServer, *outs: dict[str, Any], mode: str = "restart"
) -> dict[str, Any]:
    esvs = {
        o["name"]: {
            "wantedVersion": o["wantedVersion"],
            "supersededVersions": o["supersededVersions"],
        }
        for o in outs
    }
    return {
        "baseUrl": emu.base_url,
        "esvs": esvs,
        "mode": mode,
        "timeoutSeconds": 900,
        "pollSeconds": 10,
    }


def posts(emu: EmulatorServer) -> int:
    return int(emu.request_counts()["counts"].get("POST /environment/startup", 0))


def test_create_two_esvs_one_restart_then_rotate(emulator: EmulatorServer) -> None:
    provider, restart = EsvSecretProvider(), TenantRestartProvider()
    alpha_in = checked(emulator)
    bravo_in = checked(emulator, name="esv-bravo-signing", realm="bravo")
    alpha = present(provider.create(alpha_in).outs)
    bravo = present(provider.create(bravo_in).outs)
    assert (alpha["activeVersion"], alpha["loadedVersion"], alpha["adopted"]) == ("1", "", False)
    # The drawn value and its digest are outputs in the engine's secret form (encrypted in state).
    assert all(set(alpha[k]) == {SECRET_KEY, "value"} for k in ("value", "fingerprintBasis"))
    assert alpha["placeholder"] == "&{esv.alpha.signing}"
    first = present(present(restart.create(restart_inputs(emulator, alpha, bravo)).outs))
    assert first["restarted"] and not first["pendingRestart"]
    assert first["loadedVersions"] == {"esv-alpha-signing": "1", "esv-bravo-signing": "1"}
    assert posts(emulator) == 1
    # rotation: a new version, the old one disabled only after the restart loaded the new one
    rotated_in = checked(emulator, {**alpha_in}, rotationTrigger="2026-11")
    assert provider.diff("id", alpha, rotated_in).changes
    rotated = present(provider.update("id", alpha, rotated_in).outs)
    assert rotated["fingerprint"] != alpha["fingerprint"]
    assert (rotated["wantedVersion"], rotated["supersededVersions"]) == ("2", ["1"])
    versions = esv(emulator, "GET", f"{ESV}/esv-alpha-signing/versions").json()
    assert [(v["version"], v["status"]) for v in versions] == [("2", "ENABLED"), ("1", "ENABLED")]
    second = present(
        present(
            present(
                present(restart.update("id", first, restart_inputs(emulator, rotated, bravo)).outs)
            )
        )
    )
    assert second["restarted"] and second["disabledVersions"] == {"esv-alpha-signing": ["1"]}
    assert posts(emulator) == 2
    versions = esv(emulator, "GET", f"{ESV}/esv-alpha-signing/versions").json()
    assert [(v["version"], v["status"], v["loaded"]) for v in versions] == [
        ("2", "ENABLED", True),
        ("1", "DISABLED", False),
    ]
    unchanged = present(
        present(
            present(
                present(restart.update("id", second, restart_inputs(emulator, rotated, bravo)).outs)
            )
        )
    )
    assert not unchanged["restarted"] and posts(emulator) == 2


def test_generated_value_is_drawn_in_create_and_kept_until_rotated(
    emulator: EmulatorServer,
) -> None:
    """`check` draws nothing (it runs again at `up`, and a saved plan must see the same inputs);
    `create` draws the value, `update` keeps it until `rotationTrigger` changes."""
    provider = EsvSecretProvider()
    first = checked(emulator)
    assert first == checked(emulator), "check is deterministic"
    assert first["valueSource"] == "generated"
    assert not {"value", "fingerprint", "fingerprintBasis"} & first.keys()
    created = present(provider.create(first).outs)
    assert created["fingerprint"].startswith("scrypt:")
    assert not provider.diff("id", created, checked(emulator, first)).changes
    kept = present(
        provider.update("id", created, {**checked(emulator, first), "description": "d"}).outs
    )
    assert (kept["fingerprint"], kept["wantedVersion"]) == (created["fingerprint"], "1")
    rotated_in = checked(emulator, first, rotationTrigger="2026-12")
    assert provider.diff("id", kept, rotated_in).changes
    rotated = present(provider.update("id", kept, rotated_in).outs)
    assert rotated["fingerprint"] != created["fingerprint"] and rotated["wantedVersion"] == "2"


def test_check_carries_a_generated_value_kept_in_older_inputs(emulator: EmulatorServer) -> None:
    """A stack deployed when the value was drawn in `check` holds it in its inputs (and not in
    its outputs): `check` carries it unchanged, so the next update does not rotate it."""
    legacy = {
        **checked(emulator),
        "value": {SECRET_KEY: SECRET_SIG, "value": new_value()[0]},
        "fingerprint": "scrypt:" + "0" * 32,
        "fingerprintBasis": {SECRET_KEY: SECRET_SIG, "value": "basis"},
    }
    carried = checked(emulator, legacy)
    assert carried["value"] == legacy["value"]
    assert carried["fingerprint"] == legacy["fingerprint"]
    assert "value" not in checked(emulator, {**legacy, "rotationTrigger": "r"})


def test_check_names_a_bad_name_or_a_short_value(emulator: EmulatorServer) -> None:
    failures = (
        EsvSecretProvider()
        .check(
            {}, {"baseUrl": emulator.base_url, "realm": "alpha", "name": "Bad_Name", "value": "x"}
        )
        .failures
    )
    assert {f.property for f in failures} == {"name"}
    short = (
        EsvSecretProvider()
        .check(
            {},
            {"baseUrl": emulator.base_url, "realm": "alpha", "name": "esv-a", "value": "c2hvcnQ="},
        )
        .failures
    )
    assert [f.property for f in short] == ["value"] and "bits" in short[0].reason
    assert emulator.request_counts()["total"] == 0


def test_pending_mode_says_so_and_keeps_old_versions(emulator: EmulatorServer) -> None:
    provider, restart = EsvSecretProvider(), TenantRestartProvider()
    secret, _ = new_value()
    created = present(provider.create(checked(emulator, value=secret)).outs)
    pending = present(
        present(present(restart.create(restart_inputs(emulator, created, mode="pending")).outs))
    )
    assert pending["pendingRestart"] and pending["lagging"] == ["esv-alpha-signing"]
    assert not pending["restarted"] and posts(emulator) == 0
    assert restart.diff("id", pending, restart_inputs(emulator, created, mode="pending")).changes
    refreshed = restart.read("id", {**restart_inputs(emulator, created, mode="pending"), **pending})
    assert present(refreshed.outs)["pendingRestart"]
    done = present(
        present(present(restart.update("id", pending, restart_inputs(emulator, created)).outs))
    )
    assert done["restarted"] and not done["pendingRestart"] and posts(emulator) == 1


def test_pending_mode_reports_the_version_the_tenant_still_runs(emulator: EmulatorServer) -> None:
    """A rotation left for a later restart: the older version is what the tenant runs, and
    `loadedVersions` says so beside `lagging` (it showed nothing for that ESV)."""
    provider, restart = EsvSecretProvider(), TenantRestartProvider()
    inputs = checked(emulator)
    created = present(provider.create(inputs).outs)
    present(restart.create(restart_inputs(emulator, created)).outs)  # loads version 1
    rotated_in = checked(emulator, {**inputs}, rotationTrigger="2026-11")
    rotated = present(provider.update("id", created, rotated_in).outs)
    pending = present(restart.create(restart_inputs(emulator, rotated, mode="pending")).outs)
    assert pending["lagging"] == ["esv-alpha-signing"] and pending["pendingRestart"]
    assert pending["loadedVersions"] == {"esv-alpha-signing": "1"}


def test_restart_timeout_is_a_clear_error_and_the_next_run_does_not_restart_again(
    emulator: EmulatorServer,
) -> None:
    provider, restart = EsvSecretProvider(), TenantRestartProvider()
    created = present(provider.create(checked(emulator)).outs)
    emulator.configure(restartSeconds=600)
    inputs = {**restart_inputs(emulator, created), "timeoutSeconds": 60}
    with pytest.raises(ProviderError, match="still restarting"):
        restart.create(inputs)
    emulator.advance_clock(600)
    outs = present(present(restart.create(restart_inputs(emulator, created)).outs))
    assert not outs["restarted"] and outs["loadedVersions"] == {"esv-alpha-signing": "1"}
    assert posts(emulator) == 1


def test_refresh_sees_foreign_version_disabled_version_and_deleted_esv(
    emulator: EmulatorServer,
) -> None:
    provider = EsvSecretProvider()
    inputs = checked(emulator)
    outs = present(provider.create(inputs).outs)
    _, foreign = new_value()
    esv(
        emulator,
        "POST",
        f"{ESV}/esv-alpha-signing/versions?_action=create",
        {"valueBase64": foreign},
    )
    seen = present(provider.read("id", outs).outs)
    assert (seen["activeVersion"], seen["wantedVersion"]) == ("2", "1")
    assert provider.diff("id", seen, inputs).changes
    fixed = present(provider.update("id", seen, inputs).outs)
    assert (fixed["wantedVersion"], fixed["supersededVersions"]) == ("3", ["2", "1"])
    esv(
        emulator,
        "POST",
        f"{ESV}/esv-alpha-signing/versions/3?_action=changestatus",
        {"status": "DISABLED"},
    )
    disabled = present(provider.read("id", fixed).outs)
    assert disabled["wantedVersionStatus"] == "DISABLED" and disabled["activeVersion"] == "2"
    esv(emulator, "DELETE", f"{ESV}/esv-alpha-signing")
    gone = present(provider.read("id", fixed).outs)
    # Observed as gone in a dedicated output; the versions are unknown, never made-up strings.
    assert gone["esvExists"] is False
    assert (gone["activeVersion"], gone["loadedVersion"], gone["wantedVersionStatus"]) == (
        None,
        None,
        None,
    )
    assert disabled["esvExists"] is True
    recreated = present(provider.update("id", gone, inputs).outs)
    assert recreated["wantedVersion"] == "1"
    assert esv(emulator, "GET", f"{ESV}/esv-alpha-signing").json()["activeVersion"] == "1"


def test_create_adopts_an_existing_esv_and_destroy_keeps_it(emulator: EmulatorServer) -> None:
    _, encoded = new_value()
    esv(emulator, "PUT", f"{ESV}/esv-alpha-signing", {"valueBase64": encoded})
    provider = EsvSecretProvider()
    outs = present(provider.create(checked(emulator)).outs)
    assert (outs["adopted"], outs["wantedVersion"], outs["supersededVersions"]) == (
        True,
        "2",
        ["1"],
    )
    provider.delete("id", outs)
    assert esv(emulator, "GET", f"{ESV}/esv-alpha-signing").status_code == 200
    provider.delete("id", {**outs, "onDelete": "delete"})
    assert esv(emulator, "GET", f"{ESV}/esv-alpha-signing").status_code == 404
    provider.delete("id", {**outs, "onDelete": "delete"})  # already gone: nothing to do


def test_reported_values_are_observed_not_assumed(emulator: EmulatorServer) -> None:
    """Regressions: `wantedVersionStatus: ENABLED` was written without reading it, and an ESV
    that is gone was recorded by `TenantRestart` as loaded version ""."""
    emulator.clear_requests()
    outs = present(EsvSecretProvider().create(checked(emulator)).outs)
    counts = emulator.request_counts()["counts"]
    assert counts.get("GET /environment/secrets/esv-alpha-signing/versions"), "read, not assumed"
    assert outs["wantedVersionStatus"] == "ENABLED"
    gone = {**outs, "name": "esv-gone-signing"}
    result = present(
        TenantRestartProvider().create(restart_inputs(emulator, gone, mode="pending")).outs
    )
    assert result["loadedVersions"] == {"esv-gone-signing": None}
    assert result["lagging"] == ["esv-gone-signing"]
