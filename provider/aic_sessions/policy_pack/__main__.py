"""Runs the pack (the engine starts `python <this folder> <engine address>`), or with `--path`
prints the folder to give to `pulumi preview --policy-pack`."""

import sys
from pathlib import Path

if sys.argv[1:] == ["--path"]:
    print(Path(__file__).resolve().parent)
else:
    from pulumi_policy import EnforcementLevel, PolicyPack

    from aic_sessions.policy_pack.chain_policies import CHAIN_POLICIES
    from aic_sessions.policy_pack.esv_policies import ESV_POLICIES
    from aic_sessions.policy_pack.session_policies import POLICIES

    PolicyPack(
        name="aic-sessions",
        enforcement_level=EnforcementLevel.ADVISORY,
        policies=[*POLICIES, *ESV_POLICIES, *CHAIN_POLICIES],
    )
