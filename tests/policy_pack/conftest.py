"""The rules are importable from the package (`aic_sessions.policy_pack.session_policies`)."""
