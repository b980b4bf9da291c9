"""Three stacks of one project (dev, staging, prod) on the emulator's promotion group."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from aic_emulator.testing import GroupServer
from aic_sessions.client.promotion import PromotionClient

from tests.client.conftest import sa_client
from tests.clock import EmulatorClock
from tests.engine.project import copy_project, emulator_cli
from tests.engine_cli import REPO_ROOT, PulumiCLI
from tests.verify.util import run_verify, tenant_for

PACK = str(REPO_ROOT / "policies")
FAST_RESTART = {"mode": "restart", "pollSeconds": 0.2, "timeoutSeconds": 60}
FAST_PROMOTION = {"pollSeconds": 0.2, "timeoutSeconds": 60}
PLACES = {
    "dev": {"stage": "development"},
    "staging": {"stage": "staging", "promotesFrom": "dev"},
    "prod": {"stage": "production", "promotesFrom": "staging"},
}


def dev_realms(max_duration: int = 10) -> list[dict[str, Any]]:
    return [
        {
            "name": "alpha",
            "journey": {"stateManagement": "CTS", "maxDurationMinutes": max_duration},
            "authenticated": {"clientSideSessions": False},
            "signingSecret": {"source": "esv-generated"},
        }
    ]


UPPER_REALMS = [{"name": "alpha", "signingSecret": {"source": "esv-generated"}}]


class Chain:
    """The project copy and one CLI per stack, each with its own tenant's credentials."""

    def __init__(
        self, directory: Path, env: dict[str, str], group: GroupServer, init: bool = True
    ) -> None:
        """`init`: copy the project, write and initialise the three stacks (False: `directory`
        already holds them, e.g. a copy of a deployed chain)."""
        self.project = copy_project(directory) if init else directory
        self.group = group
        self.cli: dict[str, PulumiCLI] = {}
        for name in PLACES:
            if init:
                self.configure(name)
            self.cli[name] = emulator_cli(self.project, env, group[name])
            if init:
                self.cli[name].run("stack", "init", name)

    def configure(self, name: str, **overrides: Any) -> None:
        """Write the stack's settings, keeping what `pulumi config set` added (salt)."""
        path = self.project / "stacks" / f"Pulumi.{name}.yaml"
        document = yaml.safe_load(path.read_text()) if path.exists() else {}
        config = {
            "environment": name,
            "baseUrl": self.group[name].base_url,
            "platform": "aic",
            "realms": dev_realms() if name == "dev" else UPPER_REALMS,
            "esvRestart": FAST_RESTART,
            **PLACES[name],
            **({"promotion": FAST_PROMOTION} if name != "dev" else {}),
            **overrides,
        }
        document = document or {}
        document.setdefault("config", {}).update(
            {f"aic-sessions:{k}": v for k, v in config.items()}
        )
        path.write_text(yaml.safe_dump(document))

    def up(self, name: str, check: bool = True, refresh: bool = False) -> Any:
        flags = ("--refresh",) if refresh else ()
        return self.cli[name].run(
            "up",
            "--yes",
            "--skip-preview",
            *flags,
            "--policy-pack",
            PACK,
            "--stack",
            name,
            check=check,
        )

    def outputs(self, name: str) -> dict[str, Any]:
        result = self.cli[name].run("stack", "output", "--json", "--show-secrets", "--stack", name)
        return dict(json.loads(result.stdout))


SNAPSHOT = "deployed-chain"  # the emulator snapshot of each tenant after the deployment


@dataclass(frozen=True)
class DeployedChain:
    """The chain deployed once per test process (dev written, staging and prod promoted): its
    project folder, its file backend, and each tenant's state kept as snapshot `SNAPSHOT`."""

    project: Path
    backend: Path

    @classmethod
    def deploy(cls, directory: Path, env: dict[str, str], group: GroupServer) -> DeployedChain:
        """Deploy dev, staging and prod in order; no realm write may reach an upper tenant."""
        backend = directory / "backend"
        backend.mkdir(parents=True)
        group.reset()
        chain = Chain(directory / "project", backend_env(env, backend), group)
        for name in PLACES:
            chain.up(name)
        for name in ("staging", "prod"):
            assert realm_writes(group[name].request_counts()) == {}, name
        for name in PLACES:
            group[name].save_snapshot(SNAPSHOT)
        return cls(chain.project, backend)

    def copy(self, directory: Path, env: dict[str, str], group: GroupServer) -> Chain:
        """The deployed chain for one test: the project and the state copied under `directory`
        (a backend of its own), and each tenant as the deployment left it."""
        backend = directory / "backend"
        shutil.copytree(self.backend, backend, dirs_exist_ok=True)
        project = shutil.copytree(self.project, directory / "project")
        for name in PLACES:
            group[name].restore_snapshot(SNAPSHOT)
        return Chain(project, backend_env(env, backend), group, init=False)


def backend_env(env: dict[str, str], backend: Path) -> dict[str, str]:
    return {**env, "PULUMI_BACKEND_URL": f"file://{backend}"}


def realm_writes(counts: dict[str, Any]) -> dict[str, int]:
    """The requests that write realm configuration (none may reach an upper tenant)."""
    return {
        k: v
        for k, v in counts["counts"].items()
        if k.split(" ")[0] in ("PUT", "POST", "DELETE", "PATCH") and "/realm-config" in k
    }


def max_duration(group: GroupServer, name: str, realm: str = "alpha") -> int | None:
    """What the tenant itself says of the realm's journey max duration."""
    with sa_client(group[name]) as client:
        trees = client.read_authentication_settings(realm).trees
    return trees.max_duration if trees else None


def lock_state(group: GroupServer, name: str) -> dict[str, Any]:
    """The upper tenant's promotions lock state, as its API answers it."""
    with sa_client(group[name]) as admin:
        state = PromotionClient(admin.transport).lock_state()
    return state.model_dump(by_alias=True)


def verify(chain: Chain, name: str) -> Any:
    """`aic-sessions verify --stack NAME` with the test user, as `make up` runs it."""
    tenant = tenant_for(chain.group[name])
    env = {**chain.cli[name].env, **tenant.env, "AIC_BASE_URL": None}
    return run_verify(env, "--stack", name, "--project-dir", str(chain.project))


def promotion_calls(counts: dict[str, Any]) -> dict[str, int]:
    return {k: v for k, v in counts["counts"].items() if "/environment/promotion" in k}


def promote_by_hand(group: GroupServer) -> None:
    """A promotion of staging from dev run outside the stacks, as a team would with the API
    (lock, promote, unlock), waiting on the emulator's clock."""
    clock = EmulatorClock(group["staging"]).clock
    with sa_client(group["staging"]) as admin:
        promotions = PromotionClient(admin.transport, clock=clock)
        promotion_id = promotions.lock("by hand")
        promotions.wait_for_lock("locked", 300, 5)
        promotions.promote(False, "someone", "by hand")
        promotions.wait_for_promotion(300, 5)
        promotions.unlock(promotion_id)
        promotions.wait_for_lock("unlocked", 300, 5)
