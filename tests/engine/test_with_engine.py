"""`scripts/with-engine` gives the public local passphrase to a file backend only: a shared
backend (docs/team.md) gets the stack's own passphrase or a KMS provider, never that one."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.engine_cli import REPO_ROOT

pytestmark = pytest.mark.engine
LOCAL = "aic-sessions-local-only"


def built(backend_url: str) -> tuple[dict[str, str], str]:
    """The environment with-engine builds for `backend_url`, and what it says on stderr."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_CONFIG_PASSPHRASE")}
    done = subprocess.run(
        [str(REPO_ROOT / "scripts/with-engine"), "env", "-0"],
        env={**env, "PULUMI_BACKEND_URL": backend_url},
        check=True,
        capture_output=True,
    )
    pairs = (item.split(b"=", 1) for item in done.stdout.split(b"\0") if b"=" in item)
    return {k.decode(): v.decode() for k, v in pairs}, done.stderr.decode()


def test_the_local_passphrase_is_for_a_file_backend_only(tmp_path: object) -> None:
    local, said = built(f"file://{tmp_path}")
    assert local.get("PULUMI_CONFIG_PASSPHRASE") == LOCAL and not said
    shared, said = built("postgres://pulumi@db.example.com:5432/pulumi?sslmode=verify-full")
    assert "PULUMI_CONFIG_PASSPHRASE" not in shared
    assert "no PULUMI_CONFIG_PASSPHRASE for the shared backend" in said
