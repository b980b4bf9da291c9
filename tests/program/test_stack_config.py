"""`load_stack_config`: what the platform refuses, named by its key before anything is sent."""

from __future__ import annotations

import pytest
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
    assert "Value error" not in str(refused.value)
