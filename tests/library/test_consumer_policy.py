"""Acceptance: the shipped pack's fingerprint rules in a library user's own project.

A project named `acme-identity-prod` (the built wheel with `[policy,cli]`, no `stacks/` or
`policies/` folder, none of this repository's scripts) gives each of its two stacks its own
signing secret from its own config key. Following the README only (`policy_pack.config --record`,
`--output`, `--policy-pack-config`), both stacks pass the shipped pack, and the pack still
catches the same secret in both. The record reads the user's program (not this repository's
config schema), `--output` needs no `policies/environments.yaml`, and the messages name the
README's commands, never `scripts/`.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.library.conftest import Consumer, consumer

pytestmark = pytest.mark.engine

PROJECT = "acme-identity-prod"
PROGRAM = """\
import pulumi
from aic_sessions import RealmSessionSettings, SigningSecretOptions

config = pulumi.Config()
secret = config.get_secret("alphaSigningSecret")
RealmSessionSettings(
    "alpha",
    base_url=config.require("tenant"),
    realm="alpha",
    signing_secret=SigningSecretOptions(value=secret) if secret else None,
)
"""


def new_secret() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def checked_preview(
    user: Consumer, pack: str, stack: str, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """What the README says: write the stack's policy config, then preview with it."""
    config = tmp_path / f"{stack}-policy.json"
    written = user.policy_config("--stack", stack, "--output", str(config))
    assert written.returncode == 0, written.stdout + written.stderr
    assert "Traceback" not in written.stderr
    return user.cli.run(
        "preview",
        "--stack",
        stack,
        "--policy-pack",
        pack,
        "--policy-pack-config",
        str(config),
        check=False,
    )


def test_library_user_records_given_secrets_and_the_pack_compares_stacks(
    tmp_path: Path,
    consumer_cli_venv: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
) -> None:
    user = consumer(tmp_path, PROJECT, PROGRAM, consumer_cli_venv, engine_env)
    cli, pack, project = user.cli, user.pack(), user.project
    for stack in ("dev", "prod"):
        cli.run("stack", "init", stack)
        cli.run("config", "set", "tenant", aic_emulator.base_url, "--stack", stack)
    shared = new_secret()
    cli.run("config", "set", "--secret", "alphaSigningSecret", shared, "--stack", "dev")
    cli.run("config", "set", "--secret", "alphaSigningSecret", new_secret(), "--stack", "prod")

    bare = cli.run("preview", "--stack", "dev", "--policy-pack", pack, check=False)
    assert bare.returncode != 0, "without its policy config the record cannot be checked"
    assert "policy_pack.config --stack dev --record" in bare.stdout
    assert "scripts/" not in bare.stdout

    for stack in ("dev", "prod"):
        done = user.policy_config("--stack", stack, "--record")
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"recorded 1 fingerprint(s) in stack {stack}: alpha" in done.stdout
        stack_file = (project / f"Pulumi.{stack}.yaml").read_text()
        assert "aic-sessions:signingSecretFingerprints" in stack_file
        assert shared not in stack_file
    for stack in ("dev", "prod"):
        result = checked_preview(user, pack, stack, tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr

    cli.run("config", "set", "--secret", "alphaSigningSecret", shared, "--stack", "prod")
    stale = checked_preview(user, pack, "prod", tmp_path)
    assert stale.returncode != 0
    assert "the secret changed since it was recorded" in stale.stdout
    assert user.policy_config("--stack", "prod", "--record").returncode == 0
    caught = checked_preview(user, pack, "dev", tmp_path)
    assert caught.returncode != 0, "the same secret in both stacks"
    assert "the signing secret is the same as prod (stack prod)'s (realm alpha)" in caught.stdout
    assert "Traceback" not in caught.stdout + caught.stderr

    # dev's policy config (just written) passed to prod's preview: refused by name, once.
    wrong = cli.run(
        "preview",
        "--stack",
        "prod",
        "--policy-pack",
        pack,
        "--policy-pack-config",
        str(tmp_path / "dev-policy.json"),
        check=False,
    )
    assert wrong.returncode != 0, wrong.stdout
    assert wrong.stdout.count("was written for stack dev, not for this stack (prod)") == 1
    assert "the same as" not in wrong.stdout, "no comparison with the wrong stacks"


def test_recording_nothing_fails(
    tmp_path: Path,
    consumer_cli_venv: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
) -> None:
    """A stack whose program declares no given secret: `--record` says so and exits 1."""
    user = consumer(tmp_path, PROJECT, PROGRAM, consumer_cli_venv, engine_env)
    cli = user.cli
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    done = user.policy_config("--stack", "dev", "--record")
    assert done.returncode == 1
    assert "recorded nothing" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_deployed_stack_whose_preview_changes_nothing_is_recorded(
    tmp_path: Path,
    consumer_cli_venv: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
) -> None:
    """The pack added to a stack deployed before it: the preview has nothing to change, and
    `--record` still finds the given secret (the preview's unchanged resources count too)."""
    user = consumer(tmp_path, PROJECT, PROGRAM, consumer_cli_venv, engine_env)
    cli = user.cli
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    sa_id, jwk = aic_emulator.service_account
    cli.run("config", "set", "aic-sessions:saId", sa_id)
    cli.run("config", "set", "--secret", "aic-sessions:saJwk", json.dumps(jwk))
    cli.run("config", "set", "--secret", "alphaSigningSecret", new_secret())
    cli.run("up", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes")

    done = user.policy_config("--stack", "dev", "--record")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "recorded 1 fingerprint(s) in stack dev: alpha" in done.stdout
    result = checked_preview(user, user.pack(), "dev", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
