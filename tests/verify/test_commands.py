"""The installed commands as a user runs them: versions, help, bad files, no terminal.

Regressions: no `--version`; `aic-emulator --help` listed options without help and did not say
its admin, test user and realms; a bad `--state-file` ended in a traceback; `verify` without a
terminal printed a GetPassWarning.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from aic_sessions import __version__

from tests.engine_cli import VENV
from tests.verify.util import CREDENTIAL_VARIABLES


def command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES}
    return subprocess.run(
        [str(VENV / "bin" / args[0]), *args[1:]],
        env={**clean, **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_aic_sessions_version() -> None:
    proc = command("aic-sessions", "--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"aic-sessions, version {__version__}"


def test_emulator_help_documents_every_option_and_what_it_seeds() -> None:
    proc = command("aic-emulator", "--help")
    assert proc.returncode == 0
    options = [line.split()[0] for line in proc.stdout.splitlines() if line.startswith("  --")]
    assert len(options) >= 9
    for option in options:
        after = proc.stdout.split(option, 1)[1].split("\n  --", 1)[0]
        assert len(after.split()) > 2, f"{option} has no help"
    assert "admin         amadmin / Password1!" in proc.stdout
    assert "test user     demo / Ch4ng3!t" in proc.stdout
    assert "realms        root and alpha, bravo (aic)" in proc.stdout


@pytest.mark.parametrize("problem", ["corrupt", "missing-folder", "directory"])
def test_a_bad_state_file_is_a_clear_error(tmp_path: Path, problem: str) -> None:
    path = {
        "corrupt": tmp_path / "state.json",
        "missing-folder": tmp_path / "nowhere" / "state.json",
        "directory": tmp_path,
    }[problem]
    if problem == "corrupt":
        path.write_text("{not json")
    proc = command("aic-emulator", "--port", "0", "--state-file", str(path))
    assert proc.returncode == 2
    assert f"aic-emulator: cannot use --state-file {path}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_verify_without_a_terminal_has_no_getpass_warning() -> None:
    env = {"AIC_BASE_URL": "http://127.0.0.1:1/am", "AM_ADMIN_USERNAME": "a"}
    env |= {"AM_ADMIN_PASSWORD": "b", "AIC_TEST_USERNAME": "demo"}
    proc = command("aic-sessions", "verify", "--realm", "alpha", env=env)
    assert proc.returncode == 2
    assert "No password for the test user" in proc.stderr
    assert "GetPassWarning" not in proc.stderr
    assert "Warning" not in proc.stderr
