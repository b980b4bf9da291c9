"""Builds the policy pack; the rules themselves live in `session_policies`."""

from esv_policies import ESV_POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack
from session_policies import POLICIES

PolicyPack(
    name="aic-sessions",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=POLICIES + ESV_POLICIES,
)
