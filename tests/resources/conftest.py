"""The providers' tests: the emulator as a tenant the provider process reaches, one deployment
per test (clients and the read cache anew)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aic_emulator.testing import EmulatorServer
from aic_sessions.resources import connection


@pytest.fixture
def emulator(
    aic_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmulatorServer]:
    """The `aic` emulator with its service account in the provider's environment."""
    sa_id, jwk = aic_emulator.service_account
    monkeypatch.setenv("AIC_SA_ID", sa_id)
    monkeypatch.setenv("AIC_SA_JWK", json.dumps(jwk))
    connection.remember_stack_config({})
    connection.new_deployment()
    yield aic_emulator
    connection.new_deployment()
