"""The policy pack through the real engine: violations fail preview and block up before writes."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.domain import signing_secrets
from aic_sessions.resources import wire

from tests.engine.project import copy_project, emulator_cli, library_project, realm, write_stack
from tests.engine_cli import REPO_ROOT, PulumiCLI, run_script, write_python_project

pytestmark = pytest.mark.engine

PACK = str(REPO_ROOT / "policies")
OTHER_TENANT = "https://prod-tenant.example.com/am"


def project(
    tmp_path: Path, env: dict[str, str], emulator: EmulatorServer, stacks: dict[str, Any]
) -> PulumiCLI:
    directory = copy_project(tmp_path / "project")
    for name, config in stacks.items():
        write_stack(directory, name, {"baseUrl": emulator.base_url, **config})
    cli = emulator_cli(directory, env, emulator)
    for name in stacks:
        cli.run("stack", "init", name)
    return cli


def write_policy_config(
    cli: PulumiCLI, stack: str, path: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """What scripts/policy-check does before each preview."""
    command = [str(REPO_ROOT / ".venv/bin/python"), "-m", "aic_sessions.policy_pack.config"]
    command += ["--stack", stack, "--output", str(path), "--root", str(cli.cwd)]
    return subprocess.run(command, env=cli.env, check=check, capture_output=True, text=True)


def preview(cli: PulumiCLI, stack: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return cli.run("preview", "--stack", stack, "--policy-pack", PACK, *extra, check=False)


@pytest.mark.parametrize(
    ("realm_config", "message"),
    [
        (realm("alpha", journey={"stateManagement": "JWT"}), "journey sessions use 'JWT'"),
        (realm("alpha", authenticated={"clientSideSessions": True}), "client-side sessions are on"),
    ],
)
def test_session_rules_fail_preview(
    tmp_path: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
    realm_config: dict[str, Any],
    message: str,
) -> None:
    cli = project(
        tmp_path,
        engine_env,
        aic_emulator,
        {"dev": {"environment": "dev", "realms": [realm_config]}},
    )
    result = preview(cli, "dev")
    assert result.returncode != 0
    assert message in result.stdout
    assert "mandatory" in result.stdout


def test_weak_and_short_secrets(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    given = realm("alpha", signingSecret={"source": "given"})
    cli = project(
        tmp_path, engine_env, aic_emulator, {"dev": {"environment": "dev", "realms": [given]}}
    )
    weak = base64.b64encode(bytes(32)).decode()
    cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", weak, "--stack", "dev")
    result = preview(cli, "dev")
    assert result.returncode != 0  # the program names the key before any resource (and rule)
    assert "aic-sessions:signingSecrets.alpha: the signing secret is the byte 0x00" in (
        result.stdout
    )
    assert weak not in result.stdout + result.stderr

    short = base64.b64encode(os.urandom(8)).decode()
    cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", short, "--stack", "dev")
    result = preview(cli, "dev")
    assert result.returncode != 0  # stopped by the provider's check, before any policy
    assert "decodes to 64 bits, fewer than the 128 required" in result.stdout


def record(cli: PulumiCLI, stack: str) -> None:
    """What the owner of a stack runs after setting a given secret."""
    command = [str(REPO_ROOT / ".venv/bin/python"), "-m", "aic_sessions.policy_pack.config"]
    command += ["--stack", stack, "--record", "--root", str(cli.cwd)]
    proc = subprocess.run(command, env=cli.env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def set_secret(cli: PulumiCLI, stack: str, value: str) -> None:
    cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", value, "--stack", stack)


def test_two_environments_sharing_a_secret(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    given = [realm("alpha", signingSecret={"source": "given"})]
    cli = project(
        tmp_path,
        engine_env,
        aic_emulator,
        {
            "staging": {"environment": "staging", "realms": given},
            # Another tenant (previews send nothing): one realm, one owner per tenant.
            "prod": {"environment": "prod", "realms": given, "baseUrl": OTHER_TENANT},
        },
    )
    shared = base64.b64encode(os.urandom(32)).decode()
    for stack in ("staging", "prod"):
        set_secret(cli, stack, shared)
    config_file = tmp_path / "prod-policy.json"
    write_policy_config(cli, "prod", config_file)
    result = preview(cli, "prod", "--policy-pack-config", str(config_file))
    assert result.returncode != 0, "prod's own preview: the secret's fingerprint is not recorded"
    assert "is not recorded in aic-sessions:signingSecretFingerprints" in result.stdout

    for stack in ("staging", "prod"):
        record(cli, stack)
    stack_file = (cli.cwd / "stacks" / "Pulumi.prod.yaml").read_text()
    assert signing_secrets.fingerprint(shared) in stack_file and shared not in stack_file
    config_file = tmp_path / "staging-policy.json"
    write_policy_config(cli, "staging", config_file)
    document = json.loads(config_file.read_text())
    assert document["signing-secret-distinct-across-environments"]["otherEnvironments"]
    assert shared not in config_file.read_text()
    result = preview(cli, "staging", "--policy-pack-config", str(config_file))
    assert result.returncode != 0
    assert "the signing secret is the same as prod (stack prod)'s (realm alpha)" in result.stdout

    set_secret(cli, "prod", base64.b64encode(os.urandom(32)).decode())
    write_policy_config(cli, "prod", config_file)
    stale = preview(cli, "prod", "--policy-pack-config", str(config_file))
    assert stale.returncode != 0, "prod's record no longer matches its secret"
    assert "the secret changed since it was recorded" in stale.stdout
    record(cli, "prod")
    write_policy_config(cli, "staging", config_file)
    assert preview(cli, "staging", "--policy-pack-config", str(config_file)).returncode == 0

    cli.run("config", "rm", "signingSecrets", "--stack", "prod")
    source = "realms[0].signingSecret.source"
    cli.run("config", "set", "--path", source, "generated", "--stack", "prod")
    record(cli, "prod")
    assert "signingSecretFingerprints" not in (cli.cwd / "stacks" / "Pulumi.prod.yaml").read_text()


def test_violation_blocks_up_before_any_write(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    bad = [realm("alpha"), realm("bravo", journey={"stateManagement": "JWT"})]
    cli = project(
        tmp_path, engine_env, aic_emulator, {"dev": {"environment": "dev", "realms": bad}}
    )
    aic_emulator.clear_requests()
    result = cli.run("up", "--yes", "--stack", "dev", "--policy-pack", PACK, check=False)
    assert result.returncode != 0
    assert "journey sessions use 'JWT'" in result.stdout
    assert aic_emulator.request_counts()["writes"] == 0


def test_compliant_stack_passes_and_prod_levels_apply(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    good = [realm("alpha", journey={"maxDurationMinutes": 30})]
    cli = project(
        tmp_path,
        engine_env,
        aic_emulator,
        {
            "dev": {"environment": "dev", "realms": good},
            "prod": {"environment": "prod", "realms": good},
        },
    )
    assert preview(cli, "dev").returncode == 0
    config_file = tmp_path / "prod-policy.json"
    write_policy_config(cli, "prod", config_file)
    result = preview(cli, "prod", "--policy-pack-config", str(config_file))
    assert result.returncode != 0, "30 minutes is above prod's mandatory bound of 10"
    assert "outside this environment's bounds of 1 to 10" in result.stdout


def test_repository_stacks_pass_policy_check(engine_env: dict[str, str], tmp_path: Path) -> None:
    env = {**engine_env, "POLICY_CONFIG_DIR": str(tmp_path / "policy-config")}
    proc = run_script("policy-check", env=env)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "policy-check: every stack passes (dev prod staging)" in proc.stdout


def test_invalid_policy_config_is_rejected_by_its_schema(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = project(
        tmp_path,
        engine_env,
        aic_emulator,
        {"dev": {"environment": "dev", "realms": [realm("alpha")]}},
    )
    bad = tmp_path / "bad-policy.json"
    bad.write_text(json.dumps({"journey-max-duration-bounds": {"maxMinutes": "ten"}}))
    result = preview(cli, "dev", "--policy-pack-config", str(bad))
    assert result.returncode != 0
    assert "maxMinutes" in result.stdout + result.stderr


def test_policy_config_fails_closed_when_a_stack_cannot_be_read(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """An unreadable stack fails the policy config, never read as 'no fingerprints' (the rule
    would then pass)."""
    given = [realm("alpha", signingSecret={"source": "given"})]
    cli = project(
        tmp_path, engine_env, aic_emulator, {"staging": {"environment": "staging", "realms": given}}
    )
    write_stack(
        cli.cwd, "prod", {"environment": "prod", "baseUrl": aic_emulator.base_url, "realms": given}
    )
    proc = write_policy_config(cli, "staging", tmp_path / "c.json", check=False)
    assert proc.returncode == 1
    assert "must exist in this backend" in proc.stderr


def test_record_follows_the_given_secrets_nested_realms_included(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    given = [realm(r, signingSecret={"source": "given"}) for r in ("alpha", "parent/child")]
    cli = project(
        tmp_path, engine_env, aic_emulator, {"qa": {"environment": "qa", "realms": given}}
    )
    values = {r: base64.b64encode(os.urandom(32)).decode() for r in ("alpha", "parent/child")}
    for name, value in values.items():
        cli.run(
            "config", "set", "--secret", "--path", f'signingSecrets["{name}"]', value, "-s", "qa"
        )
    record(cli, "qa")
    recorded = json.loads(
        cli.run("config", "get", "signingSecretFingerprints", "--json", "-s", "qa").stdout
    )["objectValue"]
    assert recorded == {name: signing_secrets.fingerprint(v) for name, v in values.items()}

    cli.run("config", "rm", "--path", 'signingSecrets["parent/child"]', "-s", "qa")
    source = "realms[1].signingSecret.source"
    cli.run("config", "set", "--path", source, "generated", "-s", "qa")
    record(cli, "qa")
    recorded = json.loads(
        cli.run("config", "get", "signingSecretFingerprints", "--json", "-s", "qa").stdout
    )["objectValue"]
    assert recorded == {"alpha": signing_secrets.fingerprint(values["alpha"])}


def test_policy_config_fails_closed_on_an_unreadable_published_fingerprint(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A deployed fingerprint that is a secret reads as '[secret]': an error, not 'none'."""
    given = [realm("alpha", signingSecret={"source": "given"})]
    stacks = {name: {"environment": name, "realms": given} for name in ("staging", "prod")}
    cli = project(tmp_path, engine_env, aic_emulator, stacks)
    state = json.loads(cli.run("stack", "export", "--stack", "prod").stdout)
    hidden = {wire.SECRET_SIG_KEY: wire.SECRET_SIG}
    plain = json.dumps(signing_secrets.fingerprint(base64.b64encode(os.urandom(32)).decode()))
    state["deployment"]["resources"] = [
        {
            "urn": "urn:pulumi:prod::aic-sessions::pulumi:pulumi:Stack::aic-sessions-prod",
            "custom": False,
            "type": "pulumi:pulumi:Stack",
            "outputs": {
                "realms": {"alpha": {"signingSecretFingerprint": {**hidden, "plaintext": plain}}}
            },
        }
    ]
    exported = tmp_path / "prod.json"
    exported.write_text(json.dumps(state))
    cli.run("stack", "import", "--file", str(exported), "--stack", "prod")
    proc = write_policy_config(cli, "staging", tmp_path / "c.json", check=False)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "realms.alpha.signingSecretFingerprint output is not a readable fingerprint" in (
        proc.stderr
    )


def test_a_realm_has_one_owner(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """The same realm twice in one stack (any spelling) is a config error at preview,
    and a realm of the same tenant in two stacks is a mandatory violation; nothing is written."""
    cli = project(
        tmp_path,
        engine_env,
        aic_emulator,
        {
            "dev": {"environment": "dev", "realms": [realm("alpha"), realm("root/alpha")]},
            "qa": {"environment": "qa", "realms": [realm("/alpha")]},
            "ops": {"environment": "ops", "realms": [realm("bravo")]},
        },
    )
    aic_emulator.clear_requests()
    twice = preview(cli, "dev")
    assert twice.returncode != 0
    assert "realm(s) listed twice: alpha" in twice.stdout + twice.stderr
    write_stack(
        cli.cwd,
        "dev",
        {"environment": "dev", "baseUrl": aic_emulator.base_url, "realms": [realm("alpha")]},
    )
    config_file = tmp_path / "qa-policy.json"
    write_policy_config(cli, "qa", config_file)
    shared = preview(cli, "qa", "--policy-pack-config", str(config_file))
    assert shared.returncode != 0
    assert "realm-single-owner" in shared.stdout and "stack dev" in shared.stdout
    write_policy_config(cli, "ops", config_file)
    assert preview(cli, "ops", "--policy-pack-config", str(config_file)).returncode == 0
    assert aic_emulator.request_counts()["writes"] == 0


LIBRARY_PROGRAM = """\
import pulumi
from aic_sessions import JourneySessionSettings

JourneySessionSettings(
    "alpha-journey", base_url=pulumi.Config().require("tenant"), realm="alpha",
    state_management="JWT", max_duration_minutes=600,
)
"""


def test_messages_to_a_library_user_name_the_python_inputs(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A library user's program is told what to write in Python (`state_management`), not
    only the wire name (`stateManagement`)."""
    project_dir = tmp_path / "acme"
    write_python_project(project_dir, "acme-identity", LIBRARY_PROGRAM)
    cli = emulator_cli(project_dir, engine_env, aic_emulator)
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "tenant", aic_emulator.base_url)
    result = preview(cli, "dev")
    assert result.returncode != 0
    said = " ".join(result.stdout.split())  # the display may wrap long lines
    assert "Set state_management='CTS' in Python (stateManagement: CTS in stack config)" in said
    assert "Set max_duration_minutes in Python (maxDurationMinutes in stack config)" in said


JOURNEYS_LEFT_OUT = """
import pulumi
from aic_sessions import RealmSessionSettings

RealmSessionSettings("alpha", base_url=pulumi.Config().require("tenant"), realm="alpha",
                     journey=False)
"""


def test_journeys_left_out_on_a_server_that_has_them_fail_production_at_up(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """`journey=False` is for servers without journey-session settings. At the first preview the
    realm's baseline has observed nothing yet, so `realm-fully-managed` cannot tell; the stack's
    analysis at `up` runs on the final outputs, the baseline's observation included, and fails
    production's update; every later preview fails too. (On a server without them, OpenAM 16,
    the same program passes: tests/realserver/test_realm_component_openam.py.)"""
    cli = library_project(tmp_path / "project", "acme", JOURNEYS_LEFT_OUT, engine_env, aic_emulator)
    cli.run("config", "set", "aic-sessions:environment", "prod")
    config = tmp_path / "policy-config.json"
    write_policy_config(cli, "dev", config)
    assert json.loads(config.read_text())["realm-fully-managed"]["enforcementLevel"] == "mandatory"
    pack = ("--policy-pack", PACK, "--policy-pack-config", str(config))

    first = cli.run("preview", *pack, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    up = cli.run("up", "--yes", "--skip-preview", *pack, check=False)
    expected = "declared without journeys (journey=False), but its server has journey-session"
    assert up.returncode != 0 and expected in up.stdout, up.stdout + up.stderr
    again = cli.run("preview", *pack, check=False)
    assert again.returncode != 0 and expected in again.stdout, again.stdout
