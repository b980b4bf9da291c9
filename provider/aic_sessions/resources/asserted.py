"""The assert-only mode of the settings resources, for environments that refuse static writes.

In an upper Advanced Identity Cloud stage (UAT, staging, production) realm settings arrive only
by a promotion from the stage below. A resource with `assertOnly=True` never writes: `create`
and `update` read the realm and fail, naming the promotion that is missing, when it differs
from the intended values; `read` observes as in the write mode (so refresh and preview show
drift); `delete` writes nothing back. Switching a stack from direct writes to the chain is an
update in this mode: nothing is sent, and nothing is restored on destroy afterwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import ProviderError

ASSERT_KEYS = ("assertOnly", "promotesFrom", "promotionId")
"""`promotionId`: the promotion that brought the values; a new one asserts the realm again."""


def assert_only(props: Mapping[str, Any]) -> bool:
    return props.get("assertOnly") is True


def differences(wanted: Mapping[str, Any], observed: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute -> (wanted, observed) where they differ; an unobserved value differs."""
    return {
        name: (_whole(value), observed.get(name))
        for name, value in wanted.items()
        if observed.get(name) != value
    }


def _whole(value: Any) -> Any:
    """The engine sends numbers as floats: 10.0 is shown as the 10 the user wrote."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def refuse_drift(realm: str, props: Mapping[str, Any], found: Mapping[str, Any]) -> None:
    """Fail with the fix when the realm differs from what the stage below deployed."""
    if not found:
        return
    shown = ", ".join(f"{k} is {seen!r} (wanted {want!r})" for k, (want, seen) in found.items())
    source = props.get("promotesFrom") or "the environment below"
    raise ProviderError(
        f"{realm}: {shown}. This environment refuses writes of static configuration, so "
        f"nothing was sent: the promotion from {source} that carries these values is missing, "
        f"or a promotion carried what {source}'s tenant holds beside its stack's values (a "
        f"change made there by hand). Deploy {source} first (pulumi up --refresh of it puts "
        "its tenant back to its stack), then run pulumi up --refresh of this stack: the "
        "refresh finds what a promotion would change, and the up promotes it (promotion mode "
        "automatic; in mode manual, have your team promote it first)."
    )
