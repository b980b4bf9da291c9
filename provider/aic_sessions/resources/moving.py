"""A resource about to move to another tenant or realm reads the new one first, at `check`.

A change of `baseUrl` or `realm` replaces the resource, and our resources are replaced delete
first (`diff`'s `delete_before_replace`): the old resource's delete puts the old realm's
original values back before the new realm is adopted, which is right for a real move and for
another URL of the same tenant. A typo in the new URL or realm would then fail at `create`
after the old realm was already put back: the live realm loses the stack's settings because of
a run that failed. So a resource whose delete writes reads the new realm at `check` (at
`preview`, and again at `up` before any step of it runs) and refuses the move, with nothing
written, when the new tenant or realm does not answer.

The read goes past the deployment's read cache and does not fill it: when the new URL is
another spelling of the same tenant, `create` must see the realm as the old resource's delete
left it, not as it was before.
"""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckFailure

from aic_sessions.client.errors import AdminApiError, NotFoundError, WrongBasePathError
from aic_sessions.domain.identity import same_identity

from . import connection


def moves(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """Whether the state holds this resource on another tenant or realm than `news` names."""
    return bool(olds.get("baseUrl")) and not all(
        same_identity(key, olds.get(key), news.get(key)) for key in ("baseUrl", "realm")
    )


def unreachable_failures(olds: dict[str, Any], news: dict[str, Any]) -> list[CheckFailure]:
    """A failure naming the property to fix when the new tenant or realm does not answer."""
    url, realm = news["baseUrl"], news["realm"]
    try:
        connection.client_for(url).read_authentication_settings_fresh(realm)
    except AdminApiError as exc:
        url_changed = not same_identity("baseUrl", olds["baseUrl"], url)
        realm_missing = isinstance(exc, NotFoundError) and not isinstance(exc, WrongBasePathError)
        prop = "baseUrl" if url_changed and not realm_missing else "realm"
        was = olds["realm"] if prop == "realm" else olds["baseUrl"]
        return [
            CheckFailure(
                prop,
                f"this change moves the resource from realm {olds['realm']} of "
                f"{olds['baseUrl']} to realm {realm} of {url}. Pulumi deletes the old resource "
                "first, which puts the old realm's original values back, so the new realm was "
                f"read first, and that failed: {exc} Nothing was changed. If {prop} is wrong, fix "
                f"it or set it back to {was}; otherwise run again once the tenant answers.",
            )
        ]
    return []
