"""`aic-sessions verify` options: stacks as the source of intent, usage and config errors (exit 2),
and the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.engine_cli import VENV
from tests.verify.util import REALM, Tenant, isolated_env, run_verify


def write_stack(directory: Path, name: str, config: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    values = {f"aic-sessions:{key}": value for key, value in config.items()}
    values["aic-sessions:signingSecrets"] = {"alpha": {"secure": "v1:not-needed-here"}}
    (directory / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump({"config": values}))
    return directory


def test_stack_names_the_tenant_realms_and_intent(aic: Tenant, tmp_path: Path) -> None:
    """bravo intends JWT journeys, so a realm left on JWT passes there and fails on alpha."""
    stacks = write_stack(
        tmp_path / "stacks",
        "qa",
        {
            "environment": "qa",
            "baseUrl": aic.emulator.base_url,
            "realms": [{"name": "alpha"}, {"name": "bravo", "journey": {"stateManagement": "JWT"}}],
        },
    )
    aic.configure("bravo", state_management="JWT", stateless_sessions=False)
    env = {**aic.env, "AIC_BASE_URL": None}
    result = run_verify(env, "--stack", "qa", "--stacks-dir", str(stacks), "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert (report["stack"], report["baseUrl"]) == ("qa", aic.emulator.base_url)
    assert [(r["realm"], r["passed"]) for r in report["realms"]] == [
        ("/alpha", False),
        ("/bravo", True),
    ]
    aic.make_server_side()
    only_alpha = run_verify(env, "--stack", "qa", "--stacks-dir", str(stacks), "--realm", REALM)
    assert only_alpha.exit_code == 0, only_alpha.output
    assert "(stack qa)" in only_alpha.stdout and "/bravo" not in only_alpha.stdout


def test_stacks_dir_defaults_to_the_working_directory(aic: Tenant, tmp_path: Path) -> None:
    aic.make_server_side()
    config = {"environment": "qa", "baseUrl": aic.emulator.base_url, "realms": [{"name": REALM}]}
    write_stack(tmp_path / "stacks", "qa", config)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        result = run_verify(aic.env, "--stack", "qa")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {}, "--realm"),
        (["--realm", "alpha"], {"AIC_TEST_USERNAME": None}, "--username"),
        (["--realm", "bad realm!"], {}, "is not a valid realm name"),
        (["--stack", "qa", "--base-url", "http://127.0.0.1:1/am"], {}, "cannot be used with"),
        (["--stack", "missing", "--stacks-dir", "{stacks}"], {}, "No stack file"),
        (["--stack", "broken", "--stacks-dir", "{stacks}"], {}, "aic-sessions:baseUrl"),
        (["--stack", "qa", "--stacks-dir", "{stacks}", "--realm", "zulu"], {}, "not in stack"),
        (["--realm", "alpha"], {"AIC_SA_ID": None, "AM_ADMIN_USERNAME": None}, "No credentials"),
        (["--realm", "alpha"], {"AIC_BASE_URL": None}, "No tenant URL"),
        (["--realm", "alpha"], {"AIC_TEST_PASSWORD": None}, "No password"),
    ],
)
def test_usage_and_configuration_errors_exit_2(
    tenant: Tenant, tmp_path: Path, args: list[str], env: dict[str, Any], message: str
) -> None:
    stacks = write_stack(
        tmp_path / "stacks",
        "qa",
        {"environment": "qa", "baseUrl": tenant.emulator.base_url, "realms": [{"name": "alpha"}]},
    )
    write_stack(stacks, "broken", {"environment": "qa", "baseUrl": "ftp://x", "realms": []})
    tenant.emulator.clear_requests()
    args = [arg.format(stacks=stacks) for arg in args]
    result = run_verify({**tenant.env, **env}, *args, stdin="")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tenant.emulator.request_counts()["total"] == 0, "nothing is sent on a usage error"


def test_installed_console_script(tenant: Tenant) -> None:
    tenant.make_server_side()
    env = {**os.environ, **isolated_env(tenant.env)}
    proc = subprocess.run(
        [str(VENV / "bin" / "aic-sessions"), "verify", "--realm", REALM, "--json"],
        env={key: value for key, value in env.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert report["passed"] and report["realms"][0]["realm"] == "/alpha"
    assert tenant.env["AIC_TEST_PASSWORD"] not in proc.stdout + proc.stderr
    assert tenant.sessions() == []
