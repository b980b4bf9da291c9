"""The shipped pulumi-policy pack (needs the `policy` extra).

This folder is the pack: `pulumi preview --policy-pack "$(python -m aic_sessions.policy_pack
--path)"` runs it from any project whose Python environment has `aic-sessions[policy]`. The
rules live in `session_policies`; `__main__.py` builds the pack when the engine runs the folder.
"""

from __future__ import annotations

from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent
