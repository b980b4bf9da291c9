"""Fixtures of the verifier tests: one tenant per emulator flavour."""

from __future__ import annotations

import pytest
from aic_emulator.testing import EmulatorServer

from tests.verify.util import Tenant, tenant_for


@pytest.fixture(params=["aic", "am"])
def tenant(request: pytest.FixtureRequest) -> Tenant:
    """The `aic` and the `am` flavoured emulator, freshly reset, with their admin identities."""
    emulator: EmulatorServer = request.getfixturevalue(f"{request.param}_emulator")
    return tenant_for(emulator)


@pytest.fixture
def aic(aic_emulator: EmulatorServer) -> Tenant:
    return tenant_for(aic_emulator)


@pytest.fixture
def am(am_emulator: EmulatorServer) -> Tenant:
    return tenant_for(am_emulator)
