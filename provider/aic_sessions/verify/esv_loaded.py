"""The `esv-loaded` check: a realm whose signing secret is stored in an ESV runs its active
version ("ESV changes not loaded yet" otherwise), and the realm points at that ESV.

It reads the ESV (`EsvClient`, scope `fr:idc:esv:*`) and the realm's `sharedSecret` form. A
check that could not look fails, with the client's error and its likely causes.
"""

from __future__ import annotations

from aic_sessions.client import AdminApiError, AdminClient, EsvClient
from aic_sessions.domain.signing_secrets import esv_expression

from .explain import Phase, causes_for
from .intent import RealmIntent
from .results import Cause, CheckResult, Status

NAME = "esv-loaded"
NOT_LOADED = Cause(
    "esv-not-loaded",
    "ESV changes not loaded yet: the tenant has not restarted since the ESV's active version "
    "was written; run the deployment with esvRestart.mode 'restart', or `frodo esv apply`.",
)
NOT_REFERENCED = Cause(
    "esv-not-referenced",
    "The realm's signing secret does not point at the ESV; run the deployment again (or check "
    "who changed the realm's Security settings).",
)


def check_esv_loaded(client: AdminClient, intent: RealmIntent) -> CheckResult | None:
    """None when the realm's secret is not stored in an ESV."""
    if intent.esv_name is None:
        return None
    placeholder = str(esv_expression(intent.esv_name))
    expected = f"{intent.esv_name} loaded at its active version; realm uses {placeholder}"
    try:
        secret = EsvClient(client.transport).read_secret(intent.esv_name)
        security = client.read_authentication_settings(intent.realm).security
        reference = security.secret_form()[1] if security else None
    except AdminApiError as exc:
        status = f"HTTP {exc.status}" if exc.status is not None else type(exc).__name__
        causes = causes_for(exc, Phase.ADMIN)
        return CheckResult(NAME, Status.FAIL, expected, f"error ({status})", causes, str(exc))
    observed = (
        f"active version {secret.active_version or '(none)'}, loaded "
        f"{secret.loaded_version or '(none)'}; realm uses {reference or '(no ESV)'}"
    )
    causes = (NOT_LOADED,) if secret.lagging else ()
    causes += (NOT_REFERENCED,) if reference != placeholder else ()
    return CheckResult(NAME, Status.FAIL if causes else Status.PASS, expected, observed, causes)
