"""`--levels FILE` is checked before use: a misspelt policy or setting, a wrong level, or a
minimum above its maximum names where and the fix, and nothing is written; the shipped file
passes. Policies and settings come from the pack's own config schemas."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aic_sessions.policy_pack import SHIPPED_LEVELS
from aic_sessions.policy_pack.config import PolicyConfigError, environment_levels
from aic_sessions.policy_pack.levels import LevelsError, check_levels

BOUNDS = "journey-max-duration-bounds"


def test_the_shipped_levels_pass() -> None:
    check_levels(yaml.safe_load(SHIPPED_LEVELS.read_text()))


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        (
            {"defaults": {"journey-max-duration-bound": {"maxMinutes": 1}}},
            "defaults.journey-max-duration-bound: no such policy (did you mean "
            "journey-max-duration-bounds?)",
        ),
        (
            {"environments": {"dev": {BOUNDS: {"maxMinuts": 3}}}},
            f"environments.dev.{BOUNDS}.maxMinuts: not a setting of {BOUNDS} (did you mean "
            "maxMinutes?)",
        ),
        (
            {"environments": {"dev": {BOUNDS: {"enforcementLevel": "warn"}}}},
            f"environments.dev.{BOUNDS}.enforcementLevel: 'warn' is none of advisory",
        ),
        (
            {
                "defaults": {BOUNDS: {"maxMinutes": 10}},
                "environments": {"qa": {BOUNDS: {"minMinutes": 30}}},
            },
            f"environments.qa.{BOUNDS}: minMinutes 30 is above maxMinutes 10",
        ),
        ({"environment": {}}, "environment: unknown section (did you mean environments?)"),
        (
            {"environments": {"dev": {BOUNDS: "mandatory"}}},
            f"environments.dev.{BOUNDS}: must map settings to values",
        ),
        (
            {"environments": {"dev": [BOUNDS]}},
            "environments.dev: must map policy names to their settings",
        ),
        (
            {"defaults": {BOUNDS: {"minMinutes": 30, "maxMinutes": 10}}},
            f"defaults.{BOUNDS}: minMinutes 30 is above maxMinutes 10",
        ),
    ],
    ids=["policy", "setting", "level", "bounds", "section", "not-a-map", "a-list", "defaults"],
)
def test_a_mistake_is_named_with_the_fix(settings: object, said: str) -> None:
    with pytest.raises(LevelsError) as raised:
        check_levels(settings)
    assert said in str(raised.value)


def test_the_config_command_refuses_such_a_file(tmp_path: Path) -> None:
    levels = tmp_path / "levels.yaml"
    levels.write_text(yaml.safe_dump({"environments": {"dev": {BOUNDS: {"maxMinuts": 3}}}}))
    with pytest.raises(PolicyConfigError, match="has problems \\(nothing was written\\)"):
        environment_levels(levels, "dev")
