"""This repository's pack: the shipped rules (`aic_sessions.policy_pack`) run from the project's
`.venv` (`scripts/with-engine` puts it first on PATH). Levels per environment come from the
pack's `environments.yaml`, through `aic_sessions.policy_config`."""

from aic_sessions.policy_pack.chain_policies import CHAIN_POLICIES
from aic_sessions.policy_pack.esv_policies import ESV_POLICIES
from aic_sessions.policy_pack.session_policies import POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(
    name="aic-sessions",
    enforcement_level=EnforcementLevel.ADVISORY,
    policies=[*POLICIES, *ESV_POLICIES, *CHAIN_POLICIES],
)
