"""The shipped pulumi-policy pack (needs the `policy` extra).

This folder is the pack: `pulumi preview --policy-pack "$(python -m aic_sessions.policy_pack
--path)"` runs it from any project whose Python environment has `aic-sessions[policy]`. The
rules live in `session_policies`; `__main__.py` builds the pack when the engine runs the folder.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PACK_DIR = Path(__file__).resolve().parent
SHIPPED_LEVELS = PACK_DIR / "environments.yaml"


def environment_names(levels: Path = SHIPPED_LEVELS) -> list[str]:
    """The environments a levels file gives rules of their own (`environments:` keys)."""
    settings = yaml.safe_load(levels.read_text()) or {}
    return [str(name) for name in settings.get("environments") or {}]
