"""Which of the chain's documents a promotion has no reason to change.

An upper stage asserts what the stack below declares (its `staticConfiguration` output). A
realm document (the authentication settings, the Session service) whose declared values the
upper tenant already holds is *settled*: a promotion that still changes it carries something
the stack below never declared, such as a change made by hand on the tenant below, which would
land here before the asserting resources could stop it. The procedure refuses such a promotion
(`promotion_procedure`), unless the stack's reviewed `allowedChanges` let the item go.

Only declared values are compared (an attribute the stack leaves unset says nothing, and a
document where it sets none is never settled), and only what the upper tenant shows: a value it
does not show is not settled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aic_sessions.client import inferred
from aic_sessions.client.realms import realm_display
from aic_sessions.client.values import SecretForm
from aic_sessions.domain.attributes import STATIC_SECTIONS, observe
from aic_sessions.domain.signing_secrets import esv_expression

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient

# (report config item, realm as displayed), e.g. ("Session Service", "/alpha")
Document = tuple[str, str]


def settled_documents(
    client: AdminClient, lower: Mapping[str, Any], realms: list[str]
) -> set[Document]:
    """The documents of `realms` whose values, as the stack below declares them (`lower`: its
    `staticConfiguration`), the upper tenant (`client`) already shows."""
    settled: set[Document] = set()
    for realm in realms:
        declared = lower.get(realm)
        if not isinstance(declared, Mapping):
            continue
        wanted = _declared_by_kind(declared)
        settings = client.read_authentication_settings(realm)
        service = client.read_session_service(realm) if wanted["session"] else None
        for kind, values in wanted.items():
            if not values:  # the stack below sets nothing there: no intent to compare with
                continue
            attributes = [a for a, _ in values]
            shown = observe(attributes, settings, service)
            same = all(shown.get(a.name) == value for a, value in values)
            if kind == "authentication":
                same = same and _same_reference(declared.get("signingSecretEsv"), settings)
            if same:
                settled.add((inferred.REPORT_CONFIG_ITEMS[kind], realm_display(realm)))
    return settled


def _declared_by_kind(declared: Mapping[str, Any]) -> dict[str, list[tuple[Any, Any]]]:
    """The attributes the stack below sets (not None), grouped by the document holding them."""
    wanted: dict[str, list[tuple[Any, Any]]] = {"authentication": [], "session": []}
    for section, table in STATIC_SECTIONS.items():
        values = declared.get(section)
        if not isinstance(values, Mapping):
            continue
        for attribute in table:
            value = values.get(attribute.python_name)
            if value is not None:
                # The Session service is a document of its own; trees and general are sections of
                # the authentication settings (the report's two config items).
                kind = "session" if attribute.section == "session" else "authentication"
                wanted[kind].append((attribute, value))
    return wanted


def _same_reference(declared: Any, settings: Any) -> bool:
    """Whether the realm shows the ESV reference declared below (no reference declared: as
    the tenant shows it, nothing to compare)."""
    if not declared:
        return True
    security = settings.security
    form, reference = security.secret_form() if security else (SecretForm.UNKNOWN, None)
    wanted = esv_expression(str(declared))
    return (
        form is SecretForm.ESV_REFERENCE
        and reference is not None
        and (esv_expression(reference) == wanted)
    )
