"""`python -m aic_sessions.policy_pack`: `--path` prints the folder; `--help` or another `--`
option prints the usage and returns, instead of a policy server waiting for an engine."""

from __future__ import annotations

import subprocess
import sys

import pytest


def pack(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aic_sessions.policy_pack", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.parametrize(("args", "code"), [(["--help"], 0), (["-h"], 0), (["--bogus"], 2)])
def test_an_option_prints_the_usage_and_returns(args: list[str], code: int) -> None:
    done = pack(*args)
    assert done.returncode == code
    assert "usage: python -m aic_sessions.policy_pack --path" in done.stdout + done.stderr


def test_path_prints_the_packs_folder() -> None:
    done = pack("--path")
    assert done.returncode == 0 and done.stdout.strip().endswith("policy_pack")
