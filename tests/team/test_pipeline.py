"""`scripts/pipeline` end to end, as the workflows run it: the promotion chain's stacks on three
emulated tenants (dev, staging, prod), state in PostgreSQL, the real engine and verifier.

deploy runs dev -> staging -> prod in the chain's order, each `up` followed by verify; a failed
verify stops the chain at that stage and later tenants receive no request at all. drift passes
on a clean stack and reports an out-of-band change.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import copy_project, realm, write_stack
from tests.engine_cli import REPO_ROOT, PulumiCLI
from tests.team.conftest import Backend
from tests.verify.util import USER, tenant_for

pytestmark = pytest.mark.engine

PIPELINE = str(REPO_ROOT / "scripts" / "pipeline")
CHAIN = ["dev", "staging", "prod"]
PRIVATE_JWK_FIELDS = {"d", "p", "q", "dp", "dq", "qi"}


def chain_stacks() -> list[str]:
    out = subprocess.run([PIPELINE, "chain"], check=True, capture_output=True, text=True)
    return out.stdout.split()


def alpha(minutes: int) -> dict[str, Any]:
    """One fully managed realm, valid in every environment (prod's bound is 10 minutes)."""
    return realm(
        "alpha",
        journey={"stateManagement": "CTS", "maxDurationMinutes": minutes},
        authenticated={"clientSideSessions": False},
        signingSecret={"source": "generated"},
    )


@dataclass
class Chain:
    """The project, its three tenants and the environment the pipeline runs with."""

    project: Path
    tenants: dict[str, EmulatorServer]
    env: dict[str, str]
    work: Path

    def write(self, minutes: int) -> None:
        """A merged change: every stack's alpha journey lasts `minutes`."""
        for stack, tenant in self.tenants.items():
            config = {"environment": stack, "baseUrl": tenant.base_url, "realms": [alpha(minutes)]}
            write_stack(self.project, stack, config)

    def pipeline(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PIPELINE, *args], env=self.env, capture_output=True, text=True, timeout=900
        )

    def requests(self, stack: str) -> int:
        return int(self.tenants[stack].request_counts()["total"])

    def deployed_minutes(self, stack: str) -> int:
        cli = PulumiCLI(self.project, self.env)
        realms = json.loads(cli.run("stack", "output", "realms", "--json", "--stack", stack).stdout)
        return int(realms["alpha"]["journeyMaxDurationMinutes"])


def share_identity(source: EmulatorServer, target: EmulatorServer) -> None:
    """One service account on every tenant, so one process can deploy the whole chain."""
    sa_id, private = source.service_account
    public = {k: v for k, v in private.items() if k not in PRIVATE_JWK_FIELDS}
    answer = target.http.post(
        f"{target.root_url}/__emulator/service-accounts",
        json={"id": sa_id, "publicJwk": public},
        timeout=10,
    )
    answer.raise_for_status()


@pytest.fixture
def chain(tmp_path: Path, team_backend: Backend) -> Iterator[Chain]:
    assert chain_stacks() == CHAIN, "the repository's chain is the one these tests run"
    with (
        EmulatorServer(flavour="aic") as dev,
        EmulatorServer(flavour="aic") as staging,
        EmulatorServer(flavour="aic") as prod,
    ):
        tenants = {"dev": dev, "staging": staging, "prod": prod}
        for tenant in (staging, prod):
            share_identity(dev, tenant)
        credentials = tenant_for(dev).env
        env = {
            **team_backend.env,
            **{k: v for k, v in credentials.items() if k != "AIC_BASE_URL"},
            "PROJECT_DIR": str(copy_project(tmp_path / "project")),
            "PIPELINE_WORK": str(tmp_path / "work"),
            "PIPELINE_REPORT": str(tmp_path / "report.md"),
        }
        env.pop("AIC_BASE_URL", None)
        env.pop("GITHUB_STEP_SUMMARY", None)
        result = Chain(Path(env["PROJECT_DIR"]), tenants, env, tmp_path / "work")
        result.write(10)
        for stack in CHAIN:
            PulumiCLI(result.project, env).run("stack", "init", stack)
        yield result


def steps(stderr: str) -> list[str]:
    """The pipeline's steps in the order they ran: `dev up`, `dev verify`, ..."""
    return [
        f"{s} {step}" for s, step in re.findall(r"^pipeline: (\w+): (up|verify)$", stderr, re.M)
    ]


def test_deploy_runs_the_chain_in_order_and_stops_at_the_first_failed_verify(
    chain: Chain,
) -> None:
    first = chain.pipeline("deploy", *CHAIN)
    assert first.returncode == 0, first.stdout + first.stderr
    assert steps(first.stderr) == [f"{s} {step}" for s in CHAIN for step in ("up", "verify")]
    for stack in CHAIN:
        assert chain.tenants[stack].request_counts()["writes"] > 0, stack
        assert "1 of 1 realm(s) passed." in (chain.work / f"{stack}.verify.log").read_text()
        assert chain.deployed_minutes(stack) == 10
    report = (chain.work.parent / "report.md").read_text()
    assert [f"- `{s}`: deployed and verified" for s in CHAIN] == report.splitlines()

    # Out of band, staging's alpha turns client-side; the next merge changes every stack.
    tenant_for(chain.tenants["staging"]).configure("alpha", stateless_sessions=True)
    for tenant in chain.tenants.values():
        tenant.clear_requests()
    chain.write(7)
    second = chain.pipeline("deploy", *CHAIN)

    assert second.returncode == 1
    assert steps(second.stderr) == ["dev up", "dev verify", "staging up", "staging verify"]
    assert "FAILED: verify of staging; not started: prod" in second.stderr
    assert "Client-side sessions are still on" in (chain.work / "staging.verify.log").read_text()
    assert chain.deployed_minutes("dev") == 7 and chain.deployed_minutes("staging") == 7
    assert chain.requests("prod") == 0, "prod was never contacted"
    assert chain.deployed_minutes("prod") == 10
    assert (
        "- `staging`: **verify failed**; not started: prod"
        in (chain.work.parent / "report.md").read_text()
    )


def test_drift_passes_when_clean_and_reports_an_out_of_band_change(chain: Chain) -> None:
    deployed = chain.pipeline("deploy", "dev")
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    dev = chain.tenants["dev"]
    dev.clear_requests()

    clean = chain.pipeline("drift", "dev")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "pipeline: dev: no drift" in clean.stderr
    assert dev.request_counts()["writes"] == 0, "a drift check writes nothing"

    tenant_for(dev).configure("alpha", stateless_sessions=True, max_duration=3)
    dev.clear_requests()
    drifted = chain.pipeline("drift", "dev")
    assert drifted.returncode == 1
    assert "DRIFT in dev: preview verify found differences" in drifted.stderr
    report = (chain.work.parent / "report.md").read_text()
    assert "### Drift in stack `dev` (preview verify)" in report
    assert "<summary>preview</summary>" in report and "<summary>verify</summary>" in report
    assert "error: no changes were expected for preview but changes were proposed" in report
    assert "Client-side sessions are still on" in report
    assert dev.request_counts()["writes"] == 0, "a drift check never repairs"
    assert chain.requests("staging") == 0 and chain.requests("prod") == 0
    assert USER[1] not in drifted.stdout + drifted.stderr + report
