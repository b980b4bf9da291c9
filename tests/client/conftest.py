"""Client fixtures: an `AdminClient` on the emulator's seeded service account or admin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient, ConnectionSettings


def sa_client(emulator: EmulatorServer, **overrides: Any) -> AdminClient:
    sa_id, jwk = emulator.service_account
    env = {"AIC_BASE_URL": emulator.base_url, "AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}
    return AdminClient(ConnectionSettings.from_env(env, **overrides))


def admin_client(emulator: EmulatorServer, **overrides: Any) -> AdminClient:
    username, password = emulator.admin
    env = {
        "AIC_BASE_URL": emulator.base_url,
        "AM_ADMIN_USERNAME": username,
        "AM_ADMIN_PASSWORD": password,
    }
    return AdminClient(ConnectionSettings.from_env(env, **overrides))


def count(emulator: EmulatorServer, method: str, fragment: str) -> int:
    """Requests the emulator received whose method and path match."""
    counts = emulator.request_counts()["counts"]
    return sum(n for key, n in counts.items() if key.startswith(method) and fragment in key)


@pytest.fixture
def client(aic_emulator: EmulatorServer) -> Iterator[AdminClient]:
    with sa_client(
        aic_emulator, retries={"initial_backoff": 0.01, "max_backoff": 0.05}
    ) as admin_client:
        yield admin_client
