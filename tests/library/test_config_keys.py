"""Stack settings in the aic-sessions namespace, as a user's own project meets them.

A misspelt key (`aic-sessions:saID`) is named with the key it resembles, never ignored (which
would end in "No credentials: set AIC_SA_ID..." naming neither the stack keys nor the typo).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.domain.nearest import nearest, one_typo_from
from aic_sessions.policy_pack import SHIPPED_LEVELS
from aic_sessions.policy_pack.config import PolicyConfigError, environment_levels
from aic_sessions.program.config_keys import KNOWN_KEYS, unknown_key_message, unknown_keys

from tests.engine_cli import PulumiCLI, write_python_project
from tests.library.conftest import CREDENTIAL_VARIABLES

PROGRAM = """\
import pulumi
from aic_sessions import JourneySessionSettings

JourneySessionSettings("alpha-journey", base_url=pulumi.Config().require("tenant"), realm="alpha")
"""


def test_nearest_name_is_case_blind_then_close_then_none() -> None:
    assert nearest("saID", KNOWN_KEYS) == "saId"
    assert nearest("baseURL", KNOWN_KEYS) == "baseUrl"
    assert nearest("adminPasword", KNOWN_KEYS) == "adminPassword"
    assert nearest("prdo", ["dev", "staging", "prod"]) == "prod"
    assert nearest("zzzzzz", KNOWN_KEYS) is None


def test_only_the_aic_sessions_namespace_is_checked() -> None:
    keys = {"aic-sessions:saId", "aic-sessions:saID", "acme:saID", "aws:region"}
    assert unknown_keys(keys) == ["aic-sessions:saID"]
    message = unknown_key_message(["aic-sessions:saID", "aic-sessions:zzzzzz"])
    assert "aic-sessions:saID is not an aic-sessions setting (did you mean aic-sessions:saId?)" in (
        message
    )
    assert "aic-sessions:zzzzzz is not an aic-sessions setting\n" in message


def cli_for(tmp_path: Path, engine_env: dict[str, str], emulator: EmulatorServer) -> PulumiCLI:
    project = tmp_path / "acme-identity"
    write_python_project(project, "acme-identity", PROGRAM)
    env = {k: v for k, v in engine_env.items() if k not in CREDENTIAL_VARIABLES}
    for variable in ("AM_ADMIN_USERNAME", "AM_ADMIN_PASSWORD", "AIC_ACCESS_TOKEN"):
        env.pop(variable, None)
    cli = PulumiCLI(project, env)
    cli.run("stack", "init", "dev")
    cli.run("config", "set", "tenant", emulator.base_url)
    return cli


@pytest.mark.engine
def test_a_misspelt_key_stops_preview_naming_the_right_one(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = cli_for(tmp_path, engine_env, aic_emulator)
    cli.run("config", "set", "aic-sessions:saID", "sa-1")
    result = cli.run("preview", check=False)
    assert result.returncode != 0
    assert "aic-sessions:saID is not an aic-sessions setting" in result.stdout
    assert "did you mean aic-sessions:saId?" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.engine
def test_missing_credentials_name_the_stack_keys_and_the_variables(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = cli_for(tmp_path, engine_env, aic_emulator)
    result = cli.run("up", "--yes", "--skip-preview", check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "pulumi config set aic-sessions:saId" in output
    assert "--secret aic-sessions:saJwk" in output
    assert "AIC_SA_ID" in output


@pytest.mark.engine
def test_a_missing_sa_id_names_the_key_the_stack_lacks(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = cli_for(tmp_path, engine_env, aic_emulator)
    cli.run("config", "set", "--secret", "aic-sessions:saJwk", "{}")
    result = cli.run("up", "--yes", "--skip-preview", check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    # Stopped at check, before anything is sent (the other half never comes from the env).
    assert "aic-sessions:saJwk is set without aic-sessions:saId" in output
    assert "pulumi config set aic-sessions:saId" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("name", "typo_of"),
    [("prdo", "prod"), ("prid", "prod"), ("prd", "prod"), ("stagign", "staging"), ("dve", "dev")],
)
def test_an_environment_one_typo_from_a_known_one_is_refused(name: str, typo_of: str) -> None:
    assert one_typo_from(name, ["dev", "staging", "prod"]) == typo_of


@pytest.mark.parametrize("name", ["prod", "prod2", "qa", "ops", "rel", "production", "uat"])
def test_other_environment_names_are_names_of_their_own(name: str) -> None:
    assert one_typo_from(name, ["dev", "staging", "prod"]) is None


def test_the_policy_config_refuses_a_misspelt_environment(tmp_path: Path) -> None:
    """`--output` for a stack whose environment is a typo (`prdo`) fails naming the nearest
    one, instead of writing the defaults and so skipping prod's mandatory rules."""
    with pytest.raises(PolicyConfigError, match="unknown environment 'prdo'; did you mean 'prod'"):
        environment_levels(SHIPPED_LEVELS, "prdo")
    assert environment_levels(SHIPPED_LEVELS, "qa") == environment_levels(SHIPPED_LEVELS, "x")


def test_a_long_name_or_an_aic_stage_takes_the_levels_of_its_place() -> None:
    """`production` (the name, or the AIC stage of an environment named otherwise) gets prod's
    mandatory levels, not the lax defaults."""
    prod = environment_levels(SHIPPED_LEVELS, "prod")
    assert prod["journey-max-duration-bounds"]["enforcementLevel"] == "mandatory"
    assert environment_levels(SHIPPED_LEVELS, "production") == prod
    assert environment_levels(SHIPPED_LEVELS, "live", "production") == prod
    staging = environment_levels(SHIPPED_LEVELS, "staging")
    assert environment_levels(SHIPPED_LEVELS, "prod", "staging") == prod, "its own entry first"
    assert environment_levels(SHIPPED_LEVELS, "preprod", "staging") == staging
    # The stage says where the stack is: it wins over a long name of another place.
    assert environment_levels(SHIPPED_LEVELS, "development", "production") == prod
