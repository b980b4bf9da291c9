"""frodo-cli (rockcarver/frodo-cli, a real AM/AIC client nobody here wrote) against the
emulator: `info`, `authn describe|export|import` with admin login (am) and with a service
account (aic). Fails, never skips, when frodo is not installed (`make frodo`).

frodo is kept off the internet: HOME is a temporary directory, its token cache is off, and
HTTP(S)_PROXY point at a closed local port with NO_PROXY covering 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.emulator.util import get_settings, headers

REPO_ROOT = Path(__file__).resolve().parents[2]
FRODO = REPO_ROOT / "tools" / "frodo" / "node_modules" / ".bin" / "frodo"

pytestmark = pytest.mark.frodo


def frodo(args: list[str], cwd: Path, extra_env: dict[str, str] | None = None) -> str:
    assert FRODO.exists(), f"frodo-cli is missing at {FRODO}: run `make frodo`"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "FRODO_NO_CACHE": "1",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1",
        **(extra_env or {}),
    }
    done = subprocess.run(
        [str(FRODO), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Error" not in output, output
    return output


def am_args(emu: EmulatorServer, realm: str | None = "alpha") -> list[str]:
    return [emu.base_url, *([realm] if realm else []), "amadmin", "Password1!"]


def test_frodo_info_am(am_emulator: EmulatorServer, tmp_path: Path) -> None:
    output = frodo(["info", *am_args(am_emulator, None)], tmp_path)
    assert "8.0.1" in output and "iPlanetDirectoryPro" in output


def test_frodo_authn_describe_export_import_am(am_emulator: EmulatorServer, tmp_path: Path) -> None:
    assert "authenticationSessionsStateManagement" in frodo(
        ["authn", "describe", *am_args(am_emulator)], tmp_path
    )
    frodo(["authn", "export", "-f", "alpha.json", *am_args(am_emulator)], tmp_path)
    exported = json.loads((tmp_path / "alpha.json").read_text())
    exported["authentication"]["trees"]["authenticationSessionsMaxDuration"] = 17
    exported["authentication"]["trees"]["authenticationSessionsStateManagement"] = "CTS"
    (tmp_path / "alpha.json").write_text(json.dumps(exported))
    frodo(["authn", "import", "-f", "alpha.json", *am_args(am_emulator)], tmp_path)
    trees = get_settings(am_emulator, headers(am_emulator)).json()["trees"]
    assert trees["authenticationSessionsMaxDuration"] == 17
    assert trees["authenticationSessionsStateManagement"] == "CTS"


def sa_env(emu: EmulatorServer) -> dict[str, str]:
    sa_id, private = emu.service_account
    return {"FRODO_HOST": emu.base_url, "FRODO_SA_ID": sa_id, "FRODO_SA_JWK": json.dumps(private)}


def test_frodo_service_account_authn_aic(aic_emulator: EmulatorServer, tmp_path: Path) -> None:
    env = sa_env(aic_emulator)
    output = frodo(["authn", "describe"], tmp_path, env)
    assert "am.authentication.shared.secret" in output
    frodo(["authn", "export", "-f", "alpha.json"], tmp_path, env)
    exported = json.loads((tmp_path / "alpha.json").read_text())
    exported["authentication"]["general"]["statelessSessionsEnabled"] = True
    (tmp_path / "alpha.json").write_text(json.dumps(exported))
    frodo(["authn", "import", "-f", "alpha.json"], tmp_path, env)
    general = get_settings(aic_emulator, headers(aic_emulator)).json()["general"]
    assert general["statelessSessionsEnabled"] is True
