"""One spelling of a tenant and a realm, so a spelling change is never a different resource.

`canonical_base_url` and `canonical_realm` are the one rule for both the resources (their
`check` stores the canonical form, their `diff` compares canonical forms, so state written with
another spelling is not replaced) and the stack configuration. No Pulumi imports here.

    canonical_base_url("HTTPS://Tenant.example.com:443/am/") == "https://tenant.example.com/am"
    canonical_realm("/alpha") == canonical_realm("root/alpha") == "alpha"
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aic_sessions.client.realms import realm_segments

ROOT_REALM = "root"
BASE_URL_RULE = (
    "an http(s) URL of AM with its path and nothing after it, e.g. https://tenant.example.com/am"
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_base_url(url: str) -> str:
    """The tenant's AM URL as stored: lowercase scheme and host, no default port, no trailing
    `/`. Raises `ValueError` naming the problem for anything but `http(s)://host[:port]/path`."""
    text = url.strip()
    if any(ch.isspace() for ch in text):
        raise ValueError(f"must be {BASE_URL_RULE} (it contains a space)")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"must be {BASE_URL_RULE} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"must be {BASE_URL_RULE}")
    if parts.username is not None or parts.password is not None:
        raise ValueError("must not carry credentials; give them as provider configuration")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise ValueError(f"must be {BASE_URL_RULE} (no query or fragment)")
    path = parts.path.rstrip("/")
    if not path:
        raise ValueError(f"must be {BASE_URL_RULE} (AM's path, e.g. /am, is missing)")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"


def canonical_realm(realm: str) -> str:
    """A realm as stored: `alpha`, `parent/child`, `root` for the top-level realm. `/alpha` and
    `root/alpha` are `alpha`. Raises `ValueError` for a name AM cannot have."""
    return "/".join(realm_segments(realm)) or ROOT_REALM


CANONICAL = {"baseUrl": canonical_base_url, "realm": canonical_realm}


def canonical(key: str, value: Any) -> Any:
    """`value` in its canonical form when `key` is `baseUrl` or `realm` and the value is a valid
    string; anything else (unknown at preview, invalid: validation reports it) unchanged."""
    rule = CANONICAL.get(key)
    if rule is None or not isinstance(value, str):
        return value
    try:
        return rule(value)
    except ValueError:
        return value


def same_identity(key: str, old: Any, new: Any) -> bool:
    """Whether two values of `key` are the same: for `baseUrl` and `realm`, in any spelling."""
    return bool(canonical(key, old) == canonical(key, new))
