"""Typed results of a verification: one `CheckResult` per check, grouped per realm."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 (a status, not a password)
    FAIL = "fail"
    SKIP = "skip"  # not run because an earlier step failed


@dataclass(frozen=True)
class Cause:
    """A likely cause of a failure: a stable code for machines and a sentence for people."""

    code: str
    text: str


@dataclass(frozen=True)
class CheckResult:
    """What one check expected, what it observed and, on failure, why that probably is."""

    name: str
    status: Status
    expected: str
    observed: str
    causes: tuple[Cause, ...] = ()
    detail: str | None = None  # the client's error message, when an API call failed

    @property
    def passed(self) -> bool:
        return self.status is Status.PASS


@dataclass(frozen=True)
class RealmReport:
    realm: str
    checks: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)


@dataclass(frozen=True)
class Report:
    """The whole run: which tenant, as which test user, and every realm's checks."""

    base_url: str
    username: str
    realms: tuple[RealmReport, ...]
    stack: str | None = None

    @property
    def passed(self) -> bool:
        return all(realm.passed for realm in self.realms)
