"""This repository's pack: the shipped rules, run from the project's `.venv` (`scripts/with-engine`
puts it first on PATH). Levels per environment come from `aic_sessions.policy_pack.config`."""

from aic_sessions.policy_pack.pack import serve

serve()
