"""Makes the policy pack's module importable, as the engine does by running the pack's folder."""

from __future__ import annotations

import sys

from tests.engine_cli import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "policies"))
