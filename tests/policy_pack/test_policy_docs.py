"""The policy table of `docs/policies.md` is the shipped pack: every policy once, none missing,
with its level per environment (the pack's default, then the shipped `environments.yaml`).

Guards against a hand-written table that listed one rule twice and left `realm-single-owner` out.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from aic_sessions.policy_pack.chain_policies import CHAIN_POLICIES
from aic_sessions.policy_pack.config import SHIPPED_LEVELS, environment_levels
from aic_sessions.policy_pack.esv_policies import ESV_POLICIES
from aic_sessions.policy_pack.session_policies import POLICIES

from tests.values import present

DOC = Path(__file__).resolve().parents[2] / "docs" / "policies.md"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| ([^|]+) \|", re.MULTILINE)


def documented() -> list[tuple[str, str]]:
    return [(name, level.strip()) for name, level in ROW.findall(DOC.read_text())]


def shipped_level(name: str, default: str) -> str:
    """`advisory (prod: mandatory)`: the level where no environment says otherwise, then each
    environment of `environments.yaml` whose level differs from it."""
    environments = (yaml.safe_load(SHIPPED_LEVELS.read_text()) or {}).get("environments") or {}

    def level(environment: str) -> str:
        settings = environment_levels(SHIPPED_LEVELS, environment).get(name, {})
        return str(settings.get("enforcementLevel", default))

    base = level("")
    others = [f"{env}: {level(env)}" for env in environments if level(env) != base]
    return f"{base} ({', '.join(others)})" if others else base


def test_the_docs_list_every_policy_of_the_pack_once_with_its_levels() -> None:
    rows = documented()
    names = [name for name, _level in rows]
    twice = sorted({n for n in names if names.count(n) > 1})
    assert not twice, f"listed twice: {twice}"
    pack = [*POLICIES, *ESV_POLICIES, *CHAIN_POLICIES]
    expected = {p.name: shipped_level(p.name, present(p.enforcement_level).value) for p in pack}
    assert dict(rows) == expected
