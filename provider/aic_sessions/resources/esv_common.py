"""What the ESV resources share, from this deployment: one `EsvClient` per tenant client, and a
per-tenant lock.

The lock serialises the deployment's ESV writes and restarts of one tenant (ESVs and restarts
are tenant-wide, unlike realm settings).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from . import connection

if TYPE_CHECKING:
    from aic_sessions.client.esv import EsvClient


def esv_client(base_url: str) -> EsvClient:
    """The ESV client sharing the tenant client's credentials, token cache and clock."""
    return connection.current().esv_client(base_url)


def tenant_lock(base_url: str) -> threading.Lock:
    return connection.current().tenant_lock(base_url)
