"""Rendering of a `Report`: a readable table per realm, or a JSON document for machines."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict
from typing import Any

from .results import CheckResult, RealmReport, Report, Status

WIDTH = 100
COLUMNS = ("check", "result", "expected", "observed")


def to_json(report: Report) -> str:
    return json.dumps(as_dict(report), indent=2)


def as_dict(report: Report) -> dict[str, Any]:
    """`{passed, baseUrl, stack, username, realms: [{realm, passed, checks: [...]}]}`."""
    return {
        "passed": report.passed,
        "baseUrl": report.base_url,
        "stack": report.stack,
        "username": report.username,
        "realms": [
            {
                "realm": realm.realm,
                "passed": realm.passed,
                "checks": [asdict(check) for check in realm.checks],
            }
            for realm in report.realms
        ],
    }


def to_table(report: Report) -> str:
    source = f" (stack {report.stack})" if report.stack else ""
    lines = [f"Verifying {report.base_url}{source} as test user {report.username!r}", ""]
    for realm in report.realms:
        lines += [*_realm_lines(realm), ""]
    passed = sum(realm.passed for realm in report.realms)
    lines.append(f"{passed} of {len(report.realms)} realm(s) passed.")
    return "\n".join(lines)


def _realm_lines(realm: RealmReport) -> list[str]:
    rows = [COLUMNS, *((c.name, _status(c), c.expected, c.observed) for c in realm.checks)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS) - 1)]
    lines = [f"{realm.realm}  {'PASSED' if realm.passed else 'FAILED'}"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[-1]]).rstrip())
    return lines + _explanation([c for c in realm.checks if c.status is Status.FAIL])


def _explanation(failed: list[CheckResult]) -> list[str]:
    """Each likely cause and each error detail once, in the order the checks met them."""
    causes = dict.fromkeys(cause.text for check in failed for cause in check.causes)
    details = dict.fromkeys(" ".join(c.detail.split()) for c in failed if c.detail)
    lines = ["  likely causes:"] if causes else []
    for text in causes:
        lines += textwrap.wrap(text, WIDTH, initial_indent="    - ", subsequent_indent="      ")
    for text in details:
        lines += textwrap.wrap(
            text, WIDTH, initial_indent="    error: ", subsequent_indent="      "
        )
    return lines


def _status(check: CheckResult) -> str:
    return check.status.value.upper() if check.status is Status.FAIL else check.status.value
