"""Verify every realm of a target with one admin client, one realm after the other."""

from __future__ import annotations

from aic_sessions.client import AdminClient, realm_display

from .checks import evaluate
from .esv_loaded import check_esv_loaded
from .intent import Target
from .observe import TestUser, observe_realm
from .results import RealmReport, Report


def verify_target(client: AdminClient, target: Target, user: TestUser) -> Report:
    realms = tuple(
        RealmReport(
            realm_display(intent.realm),
            evaluate(observe_realm(client, intent.realm, user), intent)
            + tuple(c for c in [check_esv_loaded(client, intent)] if c is not None),
        )
        for intent in target.realms
    )
    return Report(client.settings.base_url, user.username, realms, target.stack)
