"""`python -m aic_sessions.policy_pack`: `--path` prints the folder; exactly `--help` or `-h`
prints the usage and returns, instead of a policy server waiting for an engine (any other
arguments are the engine's: its address and its logging and tracing flags)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def pack(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "aic_sessions.policy_pack", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


@pytest.mark.parametrize("args", [["--help"], ["-h"]])
def test_help_prints_the_usage_and_returns(args: list[str]) -> None:
    done = pack(*args)
    assert done.returncode == 0
    assert "usage: python -m aic_sessions.policy_pack --path" in done.stdout


def test_path_prints_the_packs_folder() -> None:
    done = pack("--path")
    assert done.returncode == 0 and done.stdout.strip().endswith("policy_pack")
