"""The one definition of the shipped policy pack, run by both entry points that start it."""

from __future__ import annotations

from pulumi_policy import EnforcementLevel, PolicyPack

from aic_sessions.policy_pack.chain_policies import CHAIN_POLICIES
from aic_sessions.policy_pack.esv_policies import ESV_POLICIES
from aic_sessions.policy_pack.session_policies import POLICIES

ALL_POLICIES = (*POLICIES, *ESV_POLICIES, *CHAIN_POLICIES)  # the pack's, and `levels`' table


def serve() -> PolicyPack:
    """Registers every rule with the engine that started this process (advisory by default)."""
    return PolicyPack(
        name="aic-sessions",
        enforcement_level=EnforcementLevel.ADVISORY,
        policies=list(ALL_POLICIES),
    )
