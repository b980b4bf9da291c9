"""The built wheel in a fresh venv, shared by the library acceptance tests of one session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine_cli import REPO_ROOT


def run(*args: str | Path, cwd: Path | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    assert proc.returncode == 0, f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="session")
def consumer_venv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the built wheel and its `policy` extra (one per test session)."""
    root = tmp_path_factory.mktemp("consumer")
    dist = root / "dist"
    run(sys.executable, "-m", "build", "--wheel", "--outdir", dist, REPO_ROOT)
    [wheel] = dist.glob("aic_sessions-*.whl")
    venv = root / "venv"
    run(sys.executable, "-m", "venv", venv)
    pip = venv / "bin" / "pip"
    # The repository's constraints keep CI reproducible; the wheel itself declares ranges.
    constraints = REPO_ROOT / "constraints.txt"
    run(
        pip, "install", "--quiet", "--disable-pip-version-check", "-c", constraints, pip_spec(wheel)
    )
    yield venv


def pip_spec(wheel: Path) -> str:
    return f"aic-sessions[policy] @ {wheel.as_uri()}"
