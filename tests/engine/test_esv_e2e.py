"""Signing secrets stored in ESVs through the real engine and the policy pack, on the AIC
emulator: the ESVs created, one tenant restart, the realms' placeholders, journeys signed with
the loaded value; a rotation adds one version and one restart and disables the old version;
pending mode says so and restarts nothing; frodo lists the ESVs; weak or duplicated values are
stopped at preview with zero writes."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from aic_emulator.testing import EmulatorServer

from tests.client.conftest import sa_client
from tests.emulator.test_esv import ESV, esv
from tests.emulator.test_frodo import frodo, sa_env
from tests.emulator.test_sessions import finish, start
from tests.engine.project import new_stack, realm
from tests.engine.registered import assert_every_output_registered
from tests.engine_cli import REPO_ROOT, PulumiCLI
from tests.values import present

pytestmark = pytest.mark.engine

PACK = str(REPO_ROOT / "policies")
FAST = {"pollSeconds": 0.2, "timeoutSeconds": 60}


def esv_realms(alpha: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [
        realm("alpha", signingSecret={"source": "esv-generated", **(alpha or {})}),
        realm("bravo", signingSecret={"source": "esv-given", "esvName": "esv-bravo-signing"}),
    ]


def configure(cli: PulumiCLI, emu: EmulatorServer, realms: list[Any], **restart: Any) -> None:
    """Rewrite the stack's settings, keeping what `pulumi config set` added (secrets, salt)."""
    path = cli.cwd / "stacks" / "Pulumi.e2e.yaml"
    document = yaml.safe_load(path.read_text()) or {}
    document.setdefault("config", {}).update(
        {
            "aic-sessions:environment": "dev",
            "aic-sessions:baseUrl": emu.base_url,
            "aic-sessions:realms": realms,
            "aic-sessions:esvRestart": {**FAST, **restart},
        }
    )
    path.write_text(yaml.safe_dump(document))


def given_secret(cli: PulumiCLI, value: str) -> None:
    cli.run("config", "set", "--secret", "--path", "signingSecrets.bravo", value)


def restarts(emu: EmulatorServer) -> int:
    return int(emu.request_counts()["counts"].get("POST /environment/startup", 0))


def outputs(cli: PulumiCLI) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(cli.run("stack", "output", "--json").stdout)
    return result


def test_esv_stored_secrets_one_restart_rotation_and_frodo(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    aic_emulator.configure(restartSeconds=0.5)
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, esv_realms())
    configure(cli, aic_emulator, esv_realms())
    bravo_value = base64.b64encode(os.urandom(32)).decode()
    given_secret(cli, bravo_value)
    aic_emulator.clear_requests()
    preview = cli.run("preview", "--policy-pack", PACK)
    assert aic_emulator.request_counts()["writes"] == 0, preview.stdout
    up = cli.run("up", "--yes", "--skip-preview", "--policy-pack", PACK)
    assert restarts(aic_emulator) == 1
    listed = {s["_id"]: s for s in esv(aic_emulator, "GET", ESV).json()["result"]}
    assert set(listed) == {"esv-alpha-signing-secret", "esv-bravo-signing"}
    assert all(s["loaded"] and s["loadedVersion"] == "1" for s in listed.values())
    client = sa_client(aic_emulator)
    for name, placeholder in (("alpha", "alpha.signing.secret"), ("bravo", "bravo.signing")):
        shared = present(client.read_authentication_settings(name).security).shared_secret
        assert shared == {"$string": "&{esv." + placeholder + "}"}
    assert aic_emulator.secret_digest("bravo") == hashlib.sha256(bravo_value.encode()).hexdigest()
    assert finish(aic_emulator, start(aic_emulator)).status_code == 200
    exported = outputs(cli)
    assert exported["esvRestart"]["restarted"] is True
    assert exported["esvRestart"]["pendingRestart"] is False
    assert exported["realms"]["alpha"]["signingSecretSource"] == "esv-stored"
    assert exported["realms"]["bravo"]["signingSecretFingerprint"].startswith("scrypt:")
    assert {"EsvSecret", "TenantRestart"} <= assert_every_output_registered(cli)
    state = cli.run("stack", "export").stdout  # the pickled providers included
    stored = aic_emulator.emulator.store.state["esv"]["secrets"]
    generated_b64 = stored["esv-alpha-signing-secret"]["versions"][0]["valueBase64"]
    generated = base64.b64decode(generated_b64).decode()
    for secret in (
        bravo_value,
        generated,
        generated_b64,
        base64.b64encode(bravo_value.encode()).decode(),
    ):
        assert secret not in state + preview.stdout + up.stdout + up.stderr
    cli.run("preview", "--expect-no-changes", "--policy-pack", PACK)

    alpha_before = aic_emulator.secret_digest("alpha")
    configure(cli, aic_emulator, esv_realms({"rotationTrigger": "2026-11"}))
    cli.run("up", "--yes", "--skip-preview", "--policy-pack", PACK)
    assert restarts(aic_emulator) == 2
    versions = esv(aic_emulator, "GET", f"{ESV}/esv-alpha-signing-secret/versions").json()
    assert [(v["version"], v["status"], v["loaded"]) for v in versions] == [
        ("2", "ENABLED", True),
        ("1", "DISABLED", False),
    ]
    bravo_versions = esv(aic_emulator, "GET", f"{ESV}/esv-bravo-signing/versions").json()
    assert [v["version"] for v in bravo_versions] == ["1"]
    assert aic_emulator.secret_digest("alpha") != alpha_before
    cli.run("preview", "--expect-no-changes", "--policy-pack", PACK)

    listed_by_frodo = frodo(["esv", "secret", "list"], tmp_path, sa_env(aic_emulator))
    assert "esv-alpha-signing-secret" in listed_by_frodo and "esv-bravo-signing" in listed_by_frodo


def test_pending_mode_restarts_nothing_and_says_so(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    realms = esv_realms()[:1]
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, realms)
    configure(cli, aic_emulator, realms, mode="pending")
    up = cli.run("up", "--yes", "--skip-preview")
    assert "ESV changes not loaded yet" in up.stdout
    assert restarts(aic_emulator) == 0
    exported = outputs(cli)["esvRestart"]
    assert exported["pendingRestart"] is True and exported["lagging"] == [
        "esv-alpha-signing-secret"
    ]
    configure(cli, aic_emulator, realms)
    cli.run("up", "--yes", "--skip-preview")
    assert restarts(aic_emulator) == 1 and outputs(cli)["esvRestart"]["pendingRestart"] is False


@pytest.mark.parametrize("problem", ["weak", "duplicated"])
def test_weak_or_duplicated_esv_value_is_rejected_at_preview_with_zero_writes(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer, problem: str
) -> None:
    given = {"source": "esv-given"}
    realms = [realm("alpha", signingSecret=given), realm("bravo", signingSecret=given)]
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, realms)
    configure(cli, aic_emulator, realms)
    shared = base64.b64encode(os.urandom(32)).decode()
    values = {
        "weak": (base64.b64encode(b"0123" * 8).decode(), shared),
        "duplicated": (shared, shared),
    }[problem]
    for name, value in zip(("alpha", "bravo"), values, strict=True):
        cli.run("config", "set", "--secret", "--path", f"signingSecrets.{name}", value)
    aic_emulator.clear_requests()
    result = cli.run("up", "--yes", "--policy-pack", PACK, check=False)
    assert result.returncode != 0
    expected = {  # the program names the weak value's key; the pack compares the two
        "weak": "signingSecrets.alpha: the signing secret repeats a pattern of 4 bytes",
        "duplicated": "use the same signing secret",
    }[problem]
    assert expected in result.stdout
    counts = aic_emulator.request_counts()
    assert counts["writes"] == 0 and not any("/environment/" in k for k in counts["counts"])
    assert shared not in result.stdout + result.stderr


TOP_LEVEL_PROGRAM = """
import pulumi
from aic_sessions import EsvSecret, RealmSessionSettings, SigningSecretOptions, TenantRestart

url = pulumi.Config("aic-sessions").require("baseUrl")
esv = EsvSecret(
    "dev-esv-alpha-signing-secret", base_url=url, realm="alpha", name="esv-alpha-signing-secret"
)
restart = TenantRestart(
    "dev-tenant-restart", base_url=url, secrets=[esv], timeout_seconds=60, poll_seconds=0.2
)
RealmSessionSettings(
    "dev-alpha",
    base_url=url,
    realm="alpha",
    signing_secret=SigningSecretOptions(
        esv_reference="esv-alpha-signing-secret", depends_on=(restart,)
    ),
)
"""


def test_a_top_level_esv_moves_under_its_realm_component_without_a_new_value(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A stack whose program declared the `EsvSecret` at the top level (`<environment>-<esv
    name>`) keeps it when the program declares it through `RealmSessionSettings` (an alias):
    no replacement, no new version, the realm's secret unchanged."""
    aic_emulator.configure(restartSeconds=0.2)
    realms = esv_realms()[:1]
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, realms)
    configure(cli, aic_emulator, realms)
    program = cli.cwd / "__main__.py"
    ours = program.read_text()
    program.write_text(TOP_LEVEL_PROGRAM)
    cli.run("up", "--yes", "--skip-preview")
    digest = aic_emulator.secret_digest("alpha")
    program.write_text(ours)
    preview = json.loads(cli.run("preview", "--json").stdout)
    esv_ops = {s["op"] for s in preview.get("steps", []) if ":EsvSecret::" in s["urn"]}
    assert not esv_ops & {"create", "delete", "replace", "create-replacement"}, esv_ops
    cli.run("up", "--yes", "--skip-preview")
    versions = esv(aic_emulator, "GET", f"{ESV}/esv-alpha-signing-secret/versions").json()
    assert [v["version"] for v in versions] == ["1"]
    assert aic_emulator.secret_digest("alpha") == digest
    cli.run("preview", "--expect-no-changes")
