"""`Accept-API-Version` negotiation, like CREST in AM.

The header reads `protocol=X.Y,resource=A.B` (either part optional). A resource version is
matched against the versions an endpoint supports: same major, minor >= requested, highest
wins (AM answers `resource=2.0` on authenticate with `resource=2.1`). No match is CREST's
`404 Accept-API-Version: Requested version "3.0" does not match any routes.`; a malformed
header is a 400. No resource version means the latest. The chosen version is echoed as
`Content-API-Version: resource=A.B`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aic_emulator.errors import BadRequest, NotFound

_VERSION = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True)
class ApiVersion:
    protocol: tuple[int, int] | None
    resource: tuple[int, int] | None

    @property
    def protocol_major(self) -> int:
        return self.protocol[0] if self.protocol else 1


def _parse_number(text: str) -> tuple[int, int]:
    if not _VERSION.match(text):
        raise BadRequest(f"Malformed Accept-API-Version header: {text}")
    major, _, minor = text.partition(".")
    return int(major), int(minor or 0)


def parse(header: str | None) -> ApiVersion:
    """Parse an Accept-API-Version header (None or empty means no preference)."""
    parts: dict[str, tuple[int, int]] = {}
    for item in (header or "").split(","):
        if not item.strip():
            continue
        key, sep, value = item.strip().partition("=")
        if not sep or key.strip() not in ("protocol", "resource"):
            raise BadRequest(f"Malformed Accept-API-Version header: {header}")
        parts[key.strip()] = _parse_number(value.strip())
    return ApiVersion(parts.get("protocol"), parts.get("resource"))


def negotiate(requested: tuple[int, int] | None, supported: list[str]) -> str:
    """The resource version to answer with, or a 404 like CREST."""
    versions = sorted(_parse_number(v) for v in supported)
    if requested is None:
        return _fmt(versions[-1])
    matching = [v for v in versions if v[0] == requested[0] and v[1] >= requested[1]]
    if not matching:
        raise NotFound(
            f'Accept-API-Version: Requested version "{_fmt(requested)}" does not match any routes.'
        )
    return _fmt(matching[-1])


def _fmt(version: tuple[int, int]) -> str:
    return f"{version[0]}.{version[1]}"
