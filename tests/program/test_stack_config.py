"""The stack's keys as the program checks them: what is refused, named by its key, before anything
is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_sessions.program.main import require_known_lower_stack
from aic_sessions.program.stack_config import StackConfigError, load_stack_config


@pytest.mark.parametrize("name", ["root", "/root"])
def test_the_root_realm_on_aic_is_refused_naming_the_key(name: str) -> None:
    # AIC answers 403 to realm configuration under the root realm: stopped before any write.
    config = {
        "environment": "dev",
        "baseUrl": "https://tenant.example.com/am",
        "platform": "aic",
        "stage": "development",
        "realms": [{"name": "alpha"}, {"name": name}],
    }
    with pytest.raises(StackConfigError, match=r"aic-sessions:realms\[1\]\.name: on Advanced"):
        load_stack_config(config)
    load_stack_config({**config, "platform": "am", "stage": None} | {"realms": [{"name": name}]})


def test_a_misspelt_nested_key_is_named_with_the_nearest_one() -> None:
    config = {
        "environment": "dev",
        "baseUrl": "https://tenant.example.com/am",
        "realms": [{"name": "alpha", "journey": {"maxDurationMinute": 5}}],
    }
    with pytest.raises(StackConfigError) as refused:
        load_stack_config(config)
    assert (
        "aic-sessions:realms[0].journey.maxDurationMinute: unknown key (did you mean "
        "maxDurationMinutes?)" in str(refused.value)
    )
    # Our own validators' messages carry no "Value error," prefix either.
    with pytest.raises(StackConfigError) as unknown_stage:
        load_stack_config(
            {**config, "realms": [{"name": "alpha"}], "platform": "aic", "stage": "dev"}
        )
    assert "aic-sessions:stage: unknown stage 'dev'" in str(unknown_stage.value)
    assert "Value error" not in str(unknown_stage.value)


def test_a_misspelt_lower_stack_is_named_with_the_project_s_stack(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    for stack in ("dev", "staging", "production"):
        (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    with pytest.raises(StackConfigError, match=r"promotesFrom: no stack 'stagng'.*'staging'"):
        require_known_lower_stack("stagng", tmp_path)
    for fine in ("staging", "qa", "organization/other/staging", None):
        require_known_lower_stack(fine, tmp_path)  # known, no near name, or the engine's


def test_a_lower_stack_without_a_file_is_named_beside_the_engine_s_unknown_stack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dev renamed to development (`pulumi stack rename` moves its file): staging's
    promotesFrom still says dev. The engine's "unknown stack" names no key, so a warning does."""
    import pulumi

    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    for stack in ("development", "staging"):
        (tmp_path / "stacks" / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    warned: list[str] = []
    monkeypatch.setattr(pulumi.log, "warn", lambda message, *_, **__: warned.append(message))
    require_known_lower_stack("dev", tmp_path)
    [message] = warned
    assert "aic-sessions:promotesFrom names stack 'dev', which has no Pulumi.dev.yaml" in message
    assert "(its stacks: development, staging)" in message and "set promotesFrom" in message
    require_known_lower_stack("development", tmp_path)
    assert len(warned) == 1


def test_messages_name_the_stack_whose_file_to_fix_and_the_stack_below() -> None:
    staging = {
        "environment": "staging",
        "baseUrl": "https://tenant.example.com/am",
        "platform": "aic",
        "stage": "staging",
        "promotesFrom": "dev",
        "realms": [{"name": "alpha", "journey": {"maxDurationMinutes": 5}}],
    }
    with pytest.raises(StackConfigError) as refused:
        load_stack_config(staging, "staging")
    message = str(refused.value)
    assert "aic-sessions:realms[0].journey: the staging stage receives static" in message
    assert "remove it and set the value in stack dev" in message
    assert "Fix the stack's file (Pulumi.staging.yaml" in message


def test_journey_false_leaves_journeys_unmanaged_on_self_managed_am_only() -> None:
    """OpenAM and AM before 6.5 have no journey-session settings: a stack-file realm says
    `journey: false`; an AIC tenant always has them, so there it is refused naming the fix."""
    am = {
        "environment": "dev",
        "baseUrl": "http://localhost:18080/openam",
        "realms": [{"name": "alpha", "journey": False}],
    }
    assert load_stack_config(am).realms[0].journey is False
    aic = {**am, "platform": "aic", "stage": "development"}
    with pytest.raises(StackConfigError) as refused:
        load_stack_config(aic)
    assert "aic-sessions:realms[0].journey: false is for a self-managed AM" in str(refused.value)
    assert "give journey its stateManagement (CTS)" in str(refused.value)
    for other in (True, "false", None):  # only the boolean false: one message, no union noise
        with pytest.raises(StackConfigError) as wrong:
            load_stack_config({**am, "realms": [{"name": "alpha", "journey": other}]})
        assert str(wrong.value).count("aic-sessions:realms[0].journey") == 1, str(wrong.value)
