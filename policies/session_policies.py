"""The session rules, as plain functions `(args, report_violation)` wrapped into policies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

ReportViolation = Callable[..., None]

JOURNEY_TYPE = "pulumi-python:dynamic/aic:JourneySessionSettings"
AUTHENTICATED_TYPE = "pulumi-python:dynamic/aic:AuthenticatedSessionSettings"


def _realm(props: dict[str, Any]) -> str:
    return str(props.get("realm", "?"))


def journey_sessions_use_cts(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Journey sessions must be stored server-side (`CTS`)."""
    if args.resource_type != JOURNEY_TYPE:
        return
    scheme = args.props.get("stateManagement")
    if scheme != "CTS":
        report(
            f"{args.name} (realm {_realm(args.props)}): journey sessions use {scheme!r}, "
            "not server-side storage. Set stateManagement='CTS'."
        )


def authenticated_sessions_server_side(
    args: ResourceValidationArgs, report: ReportViolation
) -> None:
    """Authenticated sessions must be server-side (client-side sessions off)."""
    if args.resource_type != AUTHENTICATED_TYPE:
        return
    if args.props.get("clientSideSessions") is not False:
        report(
            f"{args.name} (realm {_realm(args.props)}): client-side sessions are on, so sessions "
            "are not stored in the CTS. Set clientSideSessions=False."
        )


POLICIES = [
    ResourceValidationPolicy(
        name="journey-sessions-use-cts",
        description="Journey sessions are stored server-side in the CTS.",
        validate=journey_sessions_use_cts,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="authenticated-sessions-server-side",
        description="Authenticated sessions are server-side: Use Client-Side Sessions is cleared.",
        validate=authenticated_sessions_server_side,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
