"""What the product assumes about Advanced Identity Cloud where no recording or source confirms it.

Everything in this module is *inferred*: designed from the documented procedure of self-service
promotions and immutable environments, never observed on a real tenant. The client, the
resources and the emulator all read these names, so the day a real tenant answers differently,
one edit here (and its table in docs/ground-truth.md) fixes the product and its
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
# Inferred: a promotion, rollback or unlock asked for while a run is in progress.
RUN_IN_PROGRESS_STATUS: Final = 409

# Inferred: a promotion moves static configuration only; ESV values already loaded in the
# upper environment stay in effect, so no restart follows a promotion.
PROMOTION_NEEDS_RESTART: Final = False

# Inferred: the answer of POST /promote and POST /rollback once the request is accepted
# (documented as `{result}`; its value is not).
PROMOTION_ACCEPTED: Final = "Promotion started"
ROLLBACK_ACCEPTED: Final = "Rollback started"

# Inferred: how a finished run reads. A run that found missing ESVs, or encrypted secrets it was
# not told to ignore, ends FAILED with `blockingError` true and those names in the status.
PROMOTION_BLOCKED_MESSAGE: Final = "The promotion is blocked"
PROMOTION_DONE_MESSAGE: Final = "The promotion completed"

# Inferred: the promotions API of the lowest environment (nothing below it to pull from).
NO_LOWER_ENVIRONMENT_STATUS: Final = 400
NO_LOWER_ENVIRONMENT_MESSAGE: Final = "This environment has no lower environment to promote from"

# Inferred: DELETE /lock/{promotionId} with another id than the lock's, a report id nobody
# knows, and a rollback (or its provisional report) when no promotion can be rolled back.
WRONG_PROMOTION_ID_STATUS: Final = 404
NO_ROLLBACK_STATUS: Final = 404
NO_ROLLBACK_MESSAGE: Final = "There is no promotion to roll back"

# Inferred: while locked, every call of the ESV API is refused, reads included (the
# documentation says "the ESV API"), while configuration *reads* and logins keep working.
LOCKED_REFUSES_ESV_READS: Final = True

# GET /promote -> `globalLock`: frodo-lib's type shows "LOCKED"; the unlocked value is inferred.
GLOBAL_LOCKED: Final = "LOCKED"
GLOBAL_UNLOCKED: Final = "UNLOCKED"

# Inferred: `lowerEnv.proxyState` / `upperEnv.proxyState` of GET /lock/state repeat `state`.
# Inferred: a placeholder's ESV is reported under its ESV id (`&{esv.my.key}` -> `esv-my-key`).

# Inferred: the `configItem` names of a report's AMConfig entries, per kind of static item.
REPORT_CONFIG_ITEMS: Final = {
    "authentication": "Authentication Settings",
    "session": "Session Service",
    "journeys": "Journeys",
    "scripts": "Scripts",
}

# Inferred: an encrypted secret is a password attribute of static configuration written as a
# literal (not an ESV placeholder); it is reported as `<realm>/<configItem>/<attribute>`.
ENCRYPTED_SECRET_ATTRIBUTES: Final = ("sharedSecret",)
