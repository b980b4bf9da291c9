"""Pytest plugin: emulator fixtures.

`aic_emulator` / `am_emulator` give a running `EmulatorServer` of that flavour, reset to its
seeded state before each test (one server per session, so tests stay fast).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aic_emulator.testing import EmulatorServer


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
