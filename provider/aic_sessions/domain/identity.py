"""One spelling of a tenant and a realm, so a spelling change is never a different resource.

`canonical_base_url` and `canonical_realm` are the one rule for both the resources (their
`check` stores the canonical form, their `diff` compares canonical forms, so state written with
another spelling is not replaced) and the stack configuration. No Pulumi imports here.

    canonical_base_url("HTTPS://Tenant.example.com:443/am/") == "https://tenant.example.com/am"
    canonical_realm("/alpha") == canonical_realm("root/alpha") == "alpha"
"""

from __future__ import annotations

import ipaddress
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
    if "%" in path or any(seg in (".", "..") for seg in path.split("/")):
        raise ValueError(
            f"must be {BASE_URL_RULE} (write AM's path plainly: no '.' or '..' segments and no "
            "%-escapes, e.g. /am rather than /am/../am or /%61m)"
        )
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return f"{scheme}://{netloc}{path}"


LOOPBACK = "loopback"


def tenant_identity(url: str) -> str:
    """The tenant a base URL names, for telling whether two stacks manage the same one.

    The canonical URL, with every loopback spelling (`localhost`, `*.localhost`, `127.0.0.0/8`,
    `::1`) as one host: those always reach this machine. Other names are compared as written
    (case and default port aside): two DNS names of one tenant (a CNAME, a custom domain) are
    not recognised as one, since an address shared by many tenants (a CDN, a load balancer)
    would make different tenants look the same.
    """
    canonical_url = canonical_base_url(url)
    parts = urlsplit(canonical_url)
    host = parts.hostname or ""
    if not _is_loopback(host):
        return canonical_url
    netloc = LOOPBACK if parts.port is None else f"{LOOPBACK}:{parts.port}"
    return f"{parts.scheme}://{netloc}{parts.path}"


ALLOW_INSECURE_HTTP = "allowInsecureHttp"
"""The stack's config key (`aic-sessions:`) that allows what `cleartext_off_machine` names."""


def cleartext_off_machine(url: str) -> bool:
    """Whether a (canonical) base URL is plain http to a host other than this machine: what
    the resources and the commands refuse unless allowed (credentials in cleartext)."""
    return urlsplit(url).scheme == "http" and not is_loopback_url(url)


def is_loopback_url(url: str) -> bool:
    """Whether a (canonical) base URL's host is this machine."""
    return _is_loopback(urlsplit(url).hostname or "")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return bool((mapped or address).is_loopback)


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


def realm_name(value: Any) -> str:
    """A realm as stored (`canonical_realm`); a name AM cannot have is kept as written, for the
    check that reports it."""
    return str(canonical("realm", str(value)))


def same_identity(key: str, old: Any, new: Any) -> bool:
    """Whether two values of `key` are the same: for `baseUrl` and `realm`, in any spelling."""
    return bool(canonical(key, old) == canonical(key, new))
