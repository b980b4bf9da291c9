"""What a promotion report carries, measured against what the chain's stacks own.

A promotion moves the whole static configuration of the environment below, other teams'
journeys and scripts included. The chain's stacks own the authentication settings and the
Session service of their realms; anything else in a report is *beyond the chain* and stops an
automatic promotion unless the stack's reviewed `allowedChanges` patterns (shell patterns over
`<configItem>/<realm>/<name>`) let it go. The `configItem` names are inferred (`inferred.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from aic_sessions.client import inferred
from aic_sessions.client.realms import realm_display
from aic_sessions.domain.identity import realm_name

if TYPE_CHECKING:
    from aic_sessions.client.promotion_models import Change, PromotionReport

OWNED_KINDS = ("authentication", "session")  # the keys of inferred.REPORT_CONFIG_ITEMS


def owned_config_items() -> frozenset[str]:
    return frozenset(inferred.REPORT_CONFIG_ITEMS[kind] for kind in OWNED_KINDS)


def label(change: Change) -> str:
    """`<configItem>/<realm>/<name>`, what `allowedChanges` patterns are matched against."""
    realm = realm_name(change.item.realm) if change.item.realm else "-"
    name = change.item.name or change.item.uid or "-"
    return f"{change.config_item or '-'}/{realm}/{name}"


def beyond_chain(
    report: PromotionReport, realms: Iterable[str], allowed: Iterable[str]
) -> list[str]:
    """The report's changes that are neither the chain's own nor allowed, as `<kind> <label>`."""
    ours = {realm_display(r) for r in realms}
    items, patterns = owned_config_items(), list(allowed)
    found = []
    for change in report.changes():
        realm = realm_display(change.item.realm) if change.item.realm else None
        if change.config_item in items and realm in ours:
            continue
        if not any(fnmatchcase(label(change), p) for p in patterns):
            found.append(f"{change.kind} {label(change)}")
    return found


def within_chain(report: PromotionReport, realms: Iterable[str]) -> list[str]:
    """The report's changes to what the chain owns, as `<kind> <label>`."""
    ours = {realm_display(r) for r in realms}
    items = owned_config_items()
    return [
        f"{change.kind} {label(change)}"
        for change in report.changes()
        if change.config_item in items
        and change.item.realm is not None
        and realm_display(change.item.realm) in ours
    ]


def undeclared(
    report: PromotionReport, settled: Iterable[tuple[str, str]], allowed: Iterable[str]
) -> list[str]:
    """The report's changes to `settled` documents (config item, realm as displayed) that no
    `allowed` pattern lets go, as `<kind> <label>`."""
    documents, patterns = set(settled), list(allowed)
    return [
        f"{change.kind} {label(change)}"
        for change in report.changes()
        if change.item.realm is not None
        and (change.config_item, realm_display(change.item.realm)) in documents
        and not any(fnmatchcase(label(change), p) for p in patterns)
    ]


def listed(report: PromotionReport) -> list[str]:
    """Every change of the report, one line each, as `<kind> <label>` in the report's order."""
    return [f"{change.kind} {label(change)}" for change in report.changes()]


def counts_text(counts: dict[str, dict[str, int]]) -> str:
    """A `summary` as words: `Authentication Settings: 1 modified; Session Service: 1 added`,
    or `no changes`."""
    shown = [
        f"{item}: {', '.join(f'{n} {kind}' for kind, n in kinds.items())}"
        for item, kinds in counts.items()
    ]
    return "; ".join(shown) or "no changes"


def summary(report: PromotionReport) -> dict[str, dict[str, int]]:
    """Per config item, how many items were added, modified and deleted."""
    counts: dict[str, dict[str, int]] = {}
    for change in report.changes():
        per_item = counts.setdefault(change.config_item or "-", {})
        per_item[change.kind] = per_item.get(change.kind, 0) + 1
    return counts
