"""What the product assumes about Advanced Identity Cloud where no recording or source confirms it.

Everything in this module is *inferred*: designed from the documented procedure of self-service
promotions and immutable environments, never observed on a real tenant. The client, the
resources and the emulator all read these names, so the day a real tenant answers differently,
one edit here (and the "Inferred" table of docs/architecture.md) fixes the product and its
emulator together. Documented facts (paths, lock `result` values, `READY`) are not here.
"""

from __future__ import annotations

from typing import Final

# GET /environment/promotion/promote -> `status`. Documented: READY when no promotion runs.
PROMOTION_IDLE: Final = "READY"
# Inferred: the values while a promotion or rollback runs, and how it ends.
PROMOTION_RUNNING: Final = ("RUNNING", "IN_PROGRESS")
PROMOTION_SUCCEEDED: Final = ("COMPLETE", "COMPLETED", "SUCCESS")
PROMOTION_FAILED: Final = ("ERROR", "FAILED")

# Inferred: a static-configuration write (realm authentication settings, the Session service,
# journeys, scripts) in an immutable environment (UAT, staging, production) is refused with 403
# and a message naming promotion. The client recognises it by status and this fragment.
IMMUTABLE_WRITE_STATUS: Final = 403
IMMUTABLE_WRITE_MESSAGE: Final = (
    "Configuration changes are not allowed in this environment; "
    "promote the configuration from the environment below"
)
IMMUTABLE_WRITE_MARKER: Final = "not allowed in this environment"

# Inferred: a configuration or ESV call while the environments are locked for a promotion.
LOCKED_STATUS: Final = 409
LOCKED_MESSAGE: Final = "The environment is locked for a promotion"
LOCKED_MARKER: Final = "locked for a promotion"

# Inferred: POST /promote while the environments are not locked, and POST /lock while locked.
NOT_LOCKED_STATUS: Final = 409
ALREADY_LOCKED_STATUS: Final = 409

# Inferred: a promotion moves static configuration only; ESV values already loaded in the
# upper environment stay in effect, so no restart follows a promotion.
PROMOTION_NEEDS_RESTART: Final = False
