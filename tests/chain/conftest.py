"""The chain deployed once per test process; each test of it starts from a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_emulator.testing import GroupServer

from tests.chain.chain import Chain, DeployedChain


@pytest.fixture(scope="session")
def _deployed_chain(
    tmp_path_factory: pytest.TempPathFactory,
    engine_env_base: dict[str, str],
    _promotion_group_server: GroupServer,
) -> DeployedChain:
    """dev, staging and prod deployed in order, with the policy pack (6 engine commands and a
    promotion each test would otherwise repeat)."""
    directory = tmp_path_factory.mktemp("deployed-chain")
    return DeployedChain.deploy(directory, engine_env_base, _promotion_group_server)


@pytest.fixture
def deployed_chain(
    tmp_path: Path,
    engine_env: dict[str, str],
    promotion_group: GroupServer,
    _deployed_chain: DeployedChain,
) -> Chain:
    """A copy of the deployed chain: this test's own project and backend, and the tenants'
    state as the deployment left it."""
    return _deployed_chain.copy(tmp_path, engine_env, promotion_group)
