"""`aic-sessions verify` options: a Pulumi stack (as Pulumi resolves it) as the source of intent,
usage and config errors (exit 2), and the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.engine.project import copy_project, write_stack
from tests.engine_cli import VENV, PulumiCLI
from tests.verify.util import REALM, Tenant, isolated_env, run_verify


def stack_project(
    directory: Path, engine_env: dict[str, str], stacks: dict[str, dict[str, Any]]
) -> PulumiCLI:
    """A project copy whose stacks exist in the test's backend (with a secret, never decrypted)."""
    project = copy_project(directory)
    cli = PulumiCLI(project, engine_env)
    for name, config in stacks.items():
        write_stack(project, name, config)
        cli.run("stack", "init", name)
        cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", "x", "-s", name)
    return cli


@pytest.mark.engine
def test_stack_names_the_tenant_realms_and_intent(
    aic: Tenant, tmp_path: Path, engine_env: dict[str, str]
) -> None:
    """bravo intends JWT journeys, so a realm left on JWT passes there and fails on alpha."""
    realms = [{"name": "alpha"}, {"name": "bravo", "journey": {"stateManagement": "JWT"}}]
    config = {"environment": "qa", "baseUrl": aic.emulator.base_url, "realms": realms}
    project = stack_project(tmp_path / "project", engine_env, {"qa": config}).cwd
    aic.configure("bravo", state_management="JWT", stateless_sessions=False)
    env = {**engine_env, **aic.env, "AIC_BASE_URL": None, "PULUMI_CONFIG_PASSPHRASE": "wrong"}
    result = run_verify(env, "--stack", "qa", "--project-dir", str(project), "--json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1
    assert (report["stack"], report["baseUrl"]) == ("qa", aic.emulator.base_url)
    assert [(r["realm"], r["passed"]) for r in report["realms"]] == [
        ("/alpha", False),
        ("/bravo", True),
    ]
    aic.make_server_side()
    only_alpha = run_verify(env, "--stack", "qa", "--project-dir", str(project), "--realm", REALM)
    assert only_alpha.exit_code == 0, only_alpha.output
    assert "(stack qa)" in only_alpha.stdout and "/bravo" not in only_alpha.stdout


@pytest.mark.engine
def test_intent_is_what_pulumi_resolves_project_defaults_included(
    aic: Tenant, tmp_path: Path, engine_env: dict[str, str]
) -> None:
    """The realms come from a default in Pulumi.yaml that no stack file mentions."""
    cli = stack_project(
        tmp_path / "project",
        engine_env,
        {"qa": {"environment": "qa", "baseUrl": aic.emulator.base_url}},
    )
    project_file = cli.cwd / "Pulumi.yaml"
    project = yaml.safe_load(project_file.read_text())
    project["config"]["realms"]["default"] = [
        {"name": "bravo", "journey": {"maxDurationMinutes": 7}}
    ]
    project_file.write_text(yaml.safe_dump(project))
    aic.make_server_side("bravo")
    cwd = Path.cwd()
    os.chdir(cli.cwd)  # --project-dir defaults to the working directory
    try:
        result = run_verify({**engine_env, **aic.env, "AIC_BASE_URL": None}, "--stack", "qa")
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    assert "/bravo" in result.stdout and "/alpha" not in result.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        ([], {}, "--realm"),
        (["--realm", "alpha"], {"AIC_TEST_USERNAME": None}, "--username"),
        (["--realm", "bad realm!"], {}, "is not a valid realm name"),
        (["--stack", "qa", "--base-url", "http://127.0.0.1:1/am"], {}, "cannot be used with"),
        (["--stack", "missing", "--project-dir", "{project}"], {}, "Cannot read stack 'missing'"),
        (["--stack", "broken", "--project-dir", "{project}"], {}, "aic-sessions:baseUrl"),
        (["--stack", "qa", "--project-dir", "{project}", "--realm", "zulu"], {}, "not in stack"),
        (
            ["--stack", "qa", "--project-dir", "{project}", "--intent", "outputs"],
            {},
            "has no deployed baseUrl and realms outputs",
        ),
        (["--realm", "alpha"], {"AIC_SA_ID": None, "AM_ADMIN_USERNAME": None}, "No credentials"),
        (["--realm", "alpha"], {"AIC_BASE_URL": None}, "No tenant URL"),
        (["--realm", "alpha"], {"AIC_TEST_PASSWORD": None}, "No password"),
    ],
)
def test_usage_and_configuration_errors_exit_2(
    tenant: Tenant,
    tmp_path: Path,
    engine_env: dict[str, str],
    args: list[str],
    env: dict[str, Any],
    message: str,
) -> None:
    if "{project}" in args:
        qa = {"environment": "qa", "baseUrl": tenant.emulator.base_url, "realms": [{"name": REALM}]}
        broken = {"environment": "qa", "baseUrl": "ftp://x", "realms": []}
        cli = stack_project(tmp_path / "project", engine_env, {"qa": qa, "broken": broken})
        args = [arg.format(project=cli.cwd) for arg in args]
    tenant.emulator.clear_requests()
    result = run_verify({**engine_env, **tenant.env, **env}, *args, stdin="")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tenant.emulator.request_counts()["total"] == 0, "nothing is sent on a usage error"


@pytest.mark.slow  # a real process per call (seconds each)
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
