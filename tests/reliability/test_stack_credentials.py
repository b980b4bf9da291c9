"""Credentials in stack config, through the real engine.

- A credential set without `--secret` stops `preview` and `up` with the exact
  `pulumi config set --secret` command, writes nothing, and never reaches the backend's files
  (state, its backups, the history); after the fix from the message, `up` works and the key is
  still nowhere in plaintext. For this repository's program and for a library user's project.
- A rotated credential: `refresh`, `up --refresh` and `destroy` run with the provider
  configuration stored by the last deployment (the engine's behaviour), so they fail naming the
  fix; the named fix (`refresh --run-program`) makes all three work.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from aic_emulator.testing import EmulatorServer

from tests.engine.project import copy_project, write_stack
from tests.engine_cli import PulumiCLI, write_python_project
from tests.library.conftest import CREDENTIAL_VARIABLES

pytestmark = pytest.mark.engine

STACK = "creds"

JWK_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")
LIBRARY_PROGRAM = """\
import pulumi
from aic_sessions import RealmSessionSettings

RealmSessionSettings("alpha", base_url=pulumi.Config().require("tenant"), realm="alpha")
"""


def project(
    kind: str, tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorServer
) -> PulumiCLI:
    """A stack on the emulator with no credentials in the environment."""
    env = {k: v for k, v in engine_env.items() if k not in CREDENTIAL_VARIABLES}
    if kind == "program":
        directory = copy_project(tmp_path / "project")
        realms = [{"name": "alpha", "journey": {"maxDurationMinutes": 10}}]
        write_stack(
            directory, STACK, {"environment": "dev", "baseUrl": emulator.base_url, "realms": realms}
        )
        cli = PulumiCLI(directory, env)
        cli.run("stack", "init", STACK)
    else:
        directory = tmp_path / "acme-identity"
        write_python_project(directory, "acme-identity", LIBRARY_PROGRAM)
        cli = PulumiCLI(directory, env)
        cli.run("stack", "init", STACK)
        cli.run("config", "set", "tenant", emulator.base_url)
    return cli


def config_set(cli: PulumiCLI, *args: str, stdin: str | None = None) -> None:
    cli.run("config", "set", *args, stdin=stdin, timeout=120)


def backend_files(engine_env: dict[str, str]) -> dict[Path, str]:
    """Every file of the stack's backend: the state, its .bak, backups and history."""
    root = Path(engine_env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    return {p: p.read_text(errors="replace") for p in root.rglob("*") if p.is_file()}


def assert_nowhere(secrets: list[str], cli: PulumiCLI, engine_env: dict[str, str]) -> None:
    export = cli.run("stack", "export").stdout
    files = backend_files(engine_env)
    assert any("history" in str(p) for p in files), "no history was written to scan"
    for secret in secrets:
        assert secret not in export
        assert secret not in "".join(cli.log)
        leaked = [str(p) for p, text in files.items() if secret in text]
        assert not leaked, f"a credential in plaintext in {leaked}"


def writes(emulator: EmulatorServer) -> int:
    return int(emulator.request_counts()["writes"])


@pytest.mark.parametrize("kind", ["program", "library"])
def test_plaintext_credential_stops_the_deployment_and_never_reaches_state(
    kind: str, tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = project(kind, tmp_path, engine_env, aic_emulator)
    sa_id, jwk = aic_emulator.service_account
    config_set(cli, "aic-sessions:saId", sa_id)
    config_set(cli, "--plaintext", "aic-sessions:saJwk", stdin=json.dumps(jwk))
    aic_emulator.clear_requests()

    preview = cli.run("preview", check=False)
    up = cli.run("up", "--yes", check=False)

    command = f"pulumi config set --secret --stack {STACK} aic-sessions:saJwk < sa-key.jwk"
    for result in (preview, up):
        assert result.returncode != 0
        assert command in result.stdout + result.stderr, result.stdout
        assert "Traceback" not in result.stdout + result.stderr
    assert writes(aic_emulator) == 0
    secrets = [jwk[m] for m in JWK_PRIVATE_MEMBERS]
    assert not any(s in "".join(cli.log) for s in secrets)

    # The fix, exactly as printed, from a folder holding the key file (the project's here).
    (cli.cwd / "sa-key.jwk").write_text(json.dumps(jwk))
    subprocess.run(["bash", "-c", command], cwd=cli.cwd, env=cli.env, check=True, timeout=120)
    (cli.cwd / "sa-key.jwk").unlink()
    cli.run("up", "--yes")
    cli.run("refresh", "--yes")
    assert writes(aic_emulator) > 0
    assert_nowhere(secrets, cli, engine_env)


def test_rotated_credentials_name_the_fix_and_the_fix_works(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = project("program", tmp_path, engine_env, aic_emulator)
    old_id, old_jwk = aic_emulator.add_service_account()
    config_set(cli, "aic-sessions:saId", old_id)
    config_set(cli, "--secret", "aic-sessions:saJwk", stdin=json.dumps(old_jwk))
    cli.run("up", "--yes")
    # The old account is revoked (the reset drops every account but the seeded one) and the
    # stack config now holds the seeded account's credentials.
    aic_emulator.reset()
    new_id, new_jwk = aic_emulator.service_account
    config_set(cli, "aic-sessions:saId", new_id)
    config_set(cli, "--secret", "aic-sessions:saJwk", stdin=json.dumps(new_jwk))
    aic_emulator.clear_requests()

    for command in (
        ("refresh", "--yes"),
        ("up", "--yes", "--refresh"),
        ("destroy", "--yes"),
    ):
        result = cli.run(*command, check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0, output
        assert "pulumi refresh --run-program" in output, output
        assert "pulumi destroy --run-program" in output, output
    assert writes(aic_emulator) == 0

    cli.run("refresh", "--yes", "--run-program")
    cli.run("up", "--yes", "--refresh")
    cli.run("destroy", "--yes")
    assert_nowhere(
        [old_jwk[m] for m in JWK_PRIVATE_MEMBERS] + [new_jwk[m] for m in JWK_PRIVATE_MEMBERS],
        cli,
        engine_env,
    )


def test_hand_edited_plaintext_credential_fails_every_command_with_the_fix(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A credential typed into the stack file in plaintext stops `up --skip-preview`, `refresh`
    and `destroy` too (no program runs in the last two): each fails naming the file, the key and
    the exact fix, and says that the engine has already copied it into the history."""
    cli = project("program", tmp_path, engine_env, aic_emulator)
    sa_id, jwk = aic_emulator.service_account
    config_set(cli, "aic-sessions:saId", sa_id)
    config_set(cli, "--secret", "aic-sessions:saJwk", stdin=json.dumps(jwk))
    cli.run("up", "--yes", "--skip-preview")
    stack_file = cli.cwd / "stacks" / f"Pulumi.{STACK}.yaml"
    clean = stack_file.read_text()
    edited = yaml.safe_load(clean)
    edited["config"]["aic-sessions:fingerprintKey"] = "typed-by-hand-0123456789"
    stack_file.write_text(yaml.safe_dump(edited))
    aic_emulator.clear_requests()

    fix = f"pulumi config set --secret --stack {STACK} aic-sessions:fingerprintKey <"
    for command in (
        ("up", "--yes", "--skip-preview"),
        ("refresh", "--yes", "--skip-preview"),
        ("destroy", "--yes", "--skip-preview"),
        ("refresh", "--yes", "--skip-preview", "--stack", STACK),
    ):
        result = cli.run(*command, check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0, (command, output)
        diagnostics = output.partition("Diagnostics:")[2]
        assert diagnostics.count(fix) == 1, (command, output)  # once, not once per resource
        assert "typed-by-hand-0123456789" not in output
    assert writes(aic_emulator) == 0

    stack_file.write_text(clean)  # the fix: set it as a secret, or remove it
    cli.run("destroy", "--yes", "--skip-preview")


def test_check_stack_files_refuses_plaintext_credentials_for_ci_and_pre_commit(
    tmp_path: Path,
) -> None:
    """`aic-sessions check-stack-files` (the pre-commit hook's and CI's command): exit 1 naming
    the file, the key and the fix for a plaintext credential; exit 0 for secrets only."""
    from tests.engine_cli import REPO_ROOT, VENV

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "aic-sessions-check-stack-files"]
    bad = tmp_path / "Pulumi.staging.yaml"
    bad.write_text(
        "config:\n  aic-sessions:adminPassword: hunter2-plain\n"
        "  aic-sessions:saJwk:\n    secure: v1:abc\n"
        "  aic-sessions:signingSecrets:\n    alpha:\n      secure: v1:def\n    bravo: plain-b64\n"
    )
    good = tmp_path / "Pulumi.dev.yaml"
    good.write_text("config:\n  aic-sessions:saJwk:\n    secure: v1:abc\n")
    entry = [str(VENV / "bin" / hook["entry"].split()[0]), *hook["entry"].split()[1:]]
    refused = subprocess.run(
        [*entry, str(good), str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert refused.returncode == 1, refused.stderr
    assert "aic-sessions:adminPassword is in plaintext" in refused.stderr
    assert "pulumi config set --secret --stack staging aic-sessions:adminPassword" in (
        refused.stderr
    )
    assert "aic-sessions:signingSecrets is in plaintext" in refused.stderr
    assert "hunter2-plain" not in refused.stderr and "plain-b64" not in refused.stderr
    assert str(good) not in refused.stderr
    passed = subprocess.run([*entry, str(good)], capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stderr


def test_the_project_file_and_a_project_folder_are_checked_too(tmp_path: Path) -> None:
    """A credential given a value in `Pulumi.yaml` (never encrypted, read by every stack) is
    refused, a typed declaration is not; a folder stands for its project and stack files, and
    the hook's pattern matches the project file too."""
    import re

    from tests.engine_cli import REPO_ROOT, VENV

    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    (hook,) = [h for h in hooks if h["id"] == "aic-sessions-check-stack-files"]
    pattern = re.compile(hook["files"])
    assert all(pattern.search(p) for p in ("Pulumi.yaml", "infra/Pulumi.dev.yml"))
    assert not any(pattern.search(p) for p in ("Pulumi.yaml.bak", "NotPulumi.yaml"))

    project = tmp_path / "project"
    (project / "stacks").mkdir(parents=True)
    (project / "Pulumi.yaml").write_text(
        "name: p\nruntime: python\nstackConfigDir: stacks\nconfig:\n"
        "  aic-sessions:adminPassword:\n    value: hunter2-project\n"
        "  aic-sessions:saJwk:\n    type: string\n"
    )
    (project / "stacks" / "Pulumi.dev.yaml").write_text("config:\n  aic-sessions:saId: x\n")
    command = [str(VENV / "bin" / "aic-sessions"), "check-stack-files", str(project)]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 1, refused.stderr
    assert "aic-sessions:adminPassword is in plaintext in the project file" in refused.stderr
    assert "saJwk" not in refused.stderr and "hunter2-project" not in refused.stderr
    (project / "Pulumi.yaml").write_text("name: p\nruntime: python\nstackConfigDir: stacks\n")
    passed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert passed.returncode == 0, passed.stderr

    # In a project named aic-sessions, a bare key is that namespace's.
    (project / "Pulumi.yaml").write_text(
        "name: aic-sessions\nruntime: python\nconfig:\n  saJwk:\n    default: a-jwk-in-plaintext\n"
    )
    bare = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert bare.returncode == 1 and "aic-sessions:saJwk is in plaintext" in bare.stderr

    # A folder that is no project proves nothing: it is an error, not a pass.
    empty = tmp_path / "empty"
    empty.mkdir()
    command[-1] = str(empty)
    nothing = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert nothing.returncode == 2 and "holds no Pulumi.yaml" in nothing.stderr
