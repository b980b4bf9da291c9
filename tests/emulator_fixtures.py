"""Pytest plugin: emulator fixtures.

`aic_emulator` / `am_emulator` give a running `EmulatorServer` of that flavour, reset to its
seeded state before each test (one server per session, so tests stay fast);
`promotion_group` gives a running promotion group (dev, staging, prod), reset the same way;
`emulator` is the `aic` one as the provider process reaches it (its service account in the
environment, one deployment per test, on the emulator's clock).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aic_emulator.testing import EmulatorServer, GroupServer
from aic_sessions.resources import connection

from tests.clock import EmulatorClock


@pytest.fixture(scope="session")
def _aic_emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(flavour="aic") as server:
        yield server


@pytest.fixture(scope="session")
def _am_emulator_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(flavour="am") as server:
        yield server


@pytest.fixture
def aic_emulator(_aic_emulator_server: EmulatorServer) -> EmulatorServer:
    """The AIC-flavoured emulator, freshly reset."""
    _aic_emulator_server.reset()
    return _aic_emulator_server


@pytest.fixture
def am_emulator(_am_emulator_server: EmulatorServer) -> EmulatorServer:
    """The AM-flavoured emulator, freshly reset."""
    _am_emulator_server.reset()
    return _am_emulator_server


@pytest.fixture(scope="session")
def _promotion_group_server() -> Iterator[GroupServer]:
    with GroupServer() as group:
        yield group


@pytest.fixture
def promotion_group(_promotion_group_server: GroupServer) -> GroupServer:
    """A promotion group (dev, staging, prod on their own ports), freshly reset; lock and
    promotion phases end at the next look unless a test configures them longer."""
    _promotion_group_server.reset()
    return _promotion_group_server


@pytest.fixture
def emulator(
    aic_emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[EmulatorServer]:
    """The `aic` emulator with its service account in the provider's environment, and a fresh
    deployment whose waits move the emulator's clock instead of sleeping."""
    sa_id, jwk = aic_emulator.service_account
    monkeypatch.setenv("AIC_SA_ID", sa_id)
    monkeypatch.setenv("AIC_SA_JWK", json.dumps(jwk))
    with connection.deployment(connection.Deployment(EmulatorClock(aic_emulator).clock)):
        yield aic_emulator
