"""Realm names as users write them, and the URL paths AM expects."""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # fullmatch: `$` would let a newline end it


def realm_segments(realm: str) -> list[str]:
    """`"alpha"`, `"/alpha"`, `"root/alpha"` -> `["alpha"]`; `"/"`, `"root"` -> `[]`."""
    parts = [p for p in realm.strip().strip("/").split("/") if p]
    if parts and parts[0] == "root":
        parts = parts[1:]
    for part in parts:
        if not _NAME.fullmatch(part):
            raise ValueError(
                f"realm {realm!r}: {part!r} is not a valid realm name "
                "(letters, digits, '.', '_' and '-'; nested realms as 'parent/child')"
            )
    return parts


def realm_path(realm: str) -> str:
    """The `/realms/root/realms/...` path of a realm."""
    return "/realms/root" + "".join(f"/realms/{p}" for p in realm_segments(realm))


def realm_display(realm: str) -> str:
    """AM's own spelling of a realm: `/` for root, `/alpha`, `/a/b`."""
    return "/" + "/".join(realm_segments(realm))


def explicit_realm(realm: str) -> list[str]:
    """`realm_segments` for a realm a user wrote: the root realm must be named `root`.

    An empty name or `/` would silently mean the root realm, and surrounding spaces would be
    dropped; both are refused with the fix.
    """
    if realm != realm.strip():
        raise ValueError(f"realm {realm!r} has surrounding whitespace; remove it")
    if not realm.strip("/"):
        raise ValueError(
            f"realm {realm!r} names no realm; write 'root' for the root realm explicitly"
        )
    return realm_segments(realm)
