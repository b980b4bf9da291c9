"""The built wheel installed (non-editable, `[policy,cli]`) into a fresh venv: what it brings in,
and how each command it ships says which extra it lacks.

Its use by another Pulumi project (saved plan, shipped pack, refresh, verify, destroy) is the
acceptance lifecycle, `test_acceptance.py`.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.library.conftest import run

# Runs an installed console script's entry point (from the wheel's metadata) with one module
# hidden, as if its extra were not installed: `importlib.util.find_spec` then answers None.
WITHOUT_MODULE = """\
import sys
from importlib.metadata import entry_points
command, hidden = sys.argv[1], sys.argv[2]
sys.modules[hidden] = None
sys.argv = [command, "--help"]
(script,) = entry_points(group="console_scripts", name=command)
script.load()()
"""


def test_the_wheel_installs_only_what_it_declares(consumer_cli_venv: Path) -> None:
    python = consumer_cli_venv / "bin" / "python"
    installed = run(python, "-m", "pip", "list", "--format=json", "--disable-pip-version-check")
    names = {p["name"].lower().replace("_", "-") for p in json.loads(installed)}
    assert {"aic-sessions", "pulumi", "pulumi-policy", "click"} <= names
    assert not {"flask", "build", "pytest"} & names, "extras not asked for stay out"
    location = run(python, "-c", "import aic_sessions; print(aic_sessions.__file__)")
    assert str(consumer_cli_venv) in location, "the installed wheel, not this checkout"


@pytest.mark.parametrize(
    ("command", "extra", "hidden"),
    [("aic-emulator", "emulator", None), ("aic-sessions", "cli", "click")],
    ids=["emulator-not-installed", "cli-without-click"],
)
def test_a_command_without_its_extra_names_the_install(
    consumer_cli_venv: Path, command: str, extra: str, hidden: str | None
) -> None:
    """`aic-emulator` as installed (its extra is not); `aic-sessions` through the same entry
    point with `click` hidden."""
    if hidden is None:
        args = [str(consumer_cli_venv / "bin" / command), "--help"]
    else:
        args = [str(consumer_cli_venv / "bin" / "python"), "-c", WITHOUT_MODULE, command, hidden]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"pip install 'aic-sessions[{extra}]'" in proc.stderr
    assert "Traceback" not in proc.stderr
