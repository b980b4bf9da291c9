"""What the ESV resources share: one `EsvClient` per tenant client, and a per-tenant lock.

The lock serialises this process's ESV writes and restarts of one tenant (ESVs and restarts
are tenant-wide, unlike realm settings).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from . import connection

if TYPE_CHECKING:
    from aic_sessions.client.esv import EsvClient

_lock = threading.Lock()
_clients: dict[int, tuple[object, EsvClient]] = {}
_tenant_locks: dict[str, threading.Lock] = {}


def esv_client(base_url: str) -> EsvClient:
    """The ESV client sharing the tenant client's credentials and token cache."""
    from aic_sessions.client.esv import EsvClient  # the HTTP stack, only when needed

    admin = connection.client_for(base_url)
    with _lock:
        cached = _clients.get(id(admin))
        if cached is None or cached[0] is not admin:
            cached = _clients[id(admin)] = (admin, EsvClient(admin.transport))
        return cached[1]


def tenant_lock(base_url: str) -> threading.Lock:
    with _lock:
        return _tenant_locks.setdefault(base_url.rstrip("/"), threading.Lock())
