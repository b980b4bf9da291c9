"""README's policy table lists every rule of the shipped pack exactly once.

Regression: the table listed one rule twice and left `realm-single-owner` out.
"""

from __future__ import annotations

import re
from pathlib import Path

from aic_sessions.policy_pack.chain_policies import CHAIN_POLICIES
from aic_sessions.policy_pack.esv_policies import ESV_POLICIES
from aic_sessions.policy_pack.session_policies import POLICIES

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (?:mandatory|advisory)", re.MULTILINE)


def test_every_policy_has_one_row() -> None:
    rows = ROW.findall(README.read_text(encoding="utf-8"))
    shipped = [policy.name for policy in (*POLICIES, *ESV_POLICIES, *CHAIN_POLICIES)]
    assert sorted(rows) == sorted(shipped)
