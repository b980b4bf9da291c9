"""`aic-sessions verify`: check that realms really issue server-side sessions.

intent.py   what the stack (or the defaults) intends per realm
observe.py  one realm through the admin API: settings, test login, session lookup, logout
checks.py   pure checks of an observation against the intent -> `CheckResult`s
explain.py  likely causes of each failure; the one mapping of client errors to causes
report.py   table and JSON rendering
run.py      every realm of a target
esv_loaded.py  the esv-loaded check (ESV-stored signing secrets: loaded, referenced)
"""

from __future__ import annotations

from .checks import evaluate
from .explain import Phase, causes_for
from .intent import IntentError, RealmIntent, Target, from_flags, from_stack
from .observe import Observation, Outcome, TestUser, observe_realm
from .report import as_dict, to_json, to_table
from .results import Cause, CheckResult, RealmReport, Report, Status
from .run import verify_target

__all__ = [
    "Cause",
    "CheckResult",
    "IntentError",
    "Observation",
    "Outcome",
    "Phase",
    "RealmIntent",
    "RealmReport",
    "Report",
    "Status",
    "Target",
    "TestUser",
    "as_dict",
    "causes_for",
    "evaluate",
    "from_flags",
    "from_stack",
    "observe_realm",
    "to_json",
    "to_table",
    "verify_target",
]
