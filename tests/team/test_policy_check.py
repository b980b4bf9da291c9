"""The policy check of one stack, on the shared PostgreSQL backend, with that stack's passphrase
only: dev and prod have their own passphrases, and checking dev never has prod's.

It passes while the secrets differ and fails when dev uses prod's secret: before prod deploys it
(prod's recorded fingerprint) and after (prod's published output), without decrypting prod.
"""

from __future__ import annotations

import base64
import os
import subprocess
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.domain import signing_secrets

from tests.engine.project import copy_project, emulator_cli, realm, write_stack
from tests.engine_cli import REPO_ROOT, PulumiCLI
from tests.policy_pack.test_policy_pack_e2e import record, set_secret
from tests.team.conftest import Backend

pytestmark = pytest.mark.engine

PASSPHRASES = {"dev": "dev-team-passphrase", "prod": "prod-team-passphrase"}
SHARED = "the signing secret is the same as prod (stack prod)'s (realm alpha)"


def owner(project: Path, backend: Backend, emulator: EmulatorServer, stack: str) -> PulumiCLI:
    """The CLI as the stack's owner: the backend and that stack's passphrase, no other."""
    env = {**backend.env, "PULUMI_CONFIG_PASSPHRASE": PASSPHRASES[stack]}
    return emulator_cli(project, env, emulator)


def policy_check(cli: PulumiCLI, tmp_path: Path, stack: str) -> tuple[int, str, str]:
    summary = tmp_path / f"summary-{len(list(tmp_path.glob('summary-*')))}.md"
    env = {
        **cli.env,
        "PROJECT_DIR": str(cli.cwd),
        "POLICY_CONFIG_DIR": str(tmp_path / "policy-config"),
        "POLICY_SUMMARY": str(summary),
    }
    proc = subprocess.run(
        [str(REPO_ROOT / "scripts" / "policy-check"), stack],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    text = summary.read_text() if summary.exists() else ""
    return proc.returncode, proc.stdout + proc.stderr, text


def test_dev_check_catches_prods_secret_without_prods_passphrase(
    tmp_path: Path, team_backend: Backend, aic_emulator: EmulatorServer
) -> None:
    project = copy_project(tmp_path / "project")
    given = [realm("alpha", signingSecret={"source": "given"})]
    for stack in PASSPHRASES:
        # prod deploys to the emulator; dev is only previewed, as another tenant (a realm of
        # one tenant has one owning stack: policy realm-single-owner).
        tenant = aic_emulator.base_url if stack == "prod" else "https://dev-tenant.example.com/am"
        config = {"environment": stack, "baseUrl": tenant, "realms": given}
        write_stack(project, stack, config)
    dev = owner(project, team_backend, aic_emulator, "dev")
    prod = owner(project, team_backend, aic_emulator, "prod")
    dev.run("stack", "init", "dev")

    code, output, _ = policy_check(dev, tmp_path, "dev")
    assert code == 1, "prod is not in the shared backend: the check cannot compare with it"
    assert "stack prod is not in the backend; its owner creates it" in output

    prod_secret = base64.b64encode(os.urandom(32)).decode()
    prod.run("stack", "init", "prod")
    set_secret(prod, "prod", prod_secret)
    record(prod, "prod")
    set_secret(dev, "dev", base64.b64encode(os.urandom(32)).decode())
    record(dev, "dev")
    assert dev.run("config", "--show-secrets", "--stack", "prod", check=False).returncode != 0, (
        "the dev owner really cannot decrypt prod"
    )

    code, output, summary = policy_check(dev, tmp_path, "dev")
    assert code == 0, output
    assert "policy-check: every stack passes (dev)" in output
    assert "### `dev`: passed" in summary

    set_secret(dev, "dev", prod_secret)
    record(dev, "dev")
    code, output, summary = policy_check(dev, tmp_path, "dev")
    assert code == 1
    assert SHARED in output and SHARED in summary
    assert "### `dev`: FAILED" in summary

    # Deployed: prod's published output alone (its record removed) still catches it.
    prod.run("up", "--yes", "--skip-preview", "--stack", "prod")
    prod.run("config", "rm", "--path", "signingSecretFingerprints.alpha", "--stack", "prod")
    code, output, _ = policy_check(dev, tmp_path, "dev")
    assert code == 1
    assert SHARED in output

    written = [p.read_text() for p in (tmp_path / "policy-config").iterdir()]
    assert signing_secrets.fingerprint(prod_secret) in "".join(written)
    assert prod_secret not in "".join(written) + output + summary
