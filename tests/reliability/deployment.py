"""A deployment of this project through the real CLI against an emulator, and the checks every
reliability test ends with: each intended value present, nothing half-applied, no pending diff.

The Python processes of a deployment (the program, the dynamic provider) write the
`aic_sessions` logs at DEBUG to files in `log_dir` (see `log_hook/sitecustomize.py`), so the
leak scan can read the provider's own log lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml
from aic_emulator.testing import EmulatorServer
from aic_sessions.client import AdminClient, ConnectionSettings
from aic_sessions.domain.namespace import config_key

from tests.engine.project import copy_project, realm, write_stack
from tests.engine_cli import PulumiCLI
from tests.values import present

STACK = "reliability"
LOG_HOOK = Path(__file__).parent / "log_hook"
UP = ("up", "--yes", "--skip-preview")

# Two AIC realms; every resource kind, the Session service too, values unlike the defaults.
AIC_REALMS = [
    realm(
        "alpha",
        journey={"stateManagement": "CTS", "maxDurationMinutes": 10},
        authenticated={"clientSideSessions": False, "maxSessionTimeMinutes": 480},
    ),
    realm("bravo", journey={"stateManagement": "CTS", "maxDurationMinutes": 15}),
]


def sa_credentials(emulator: EmulatorServer) -> dict[str, str]:
    sa_id, jwk = emulator.service_account
    return {"AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}


def admin_credentials(emulator: EmulatorServer) -> dict[str, str]:
    username, password = emulator.admin
    return {"AM_ADMIN_USERNAME": username, "AM_ADMIN_PASSWORD": password}


def open_admin_sessions(emulator: EmulatorServer) -> int:
    """The administrator's sessions the server holds, seen through a login of our own (which
    is logged out again and not counted)."""
    username, password = emulator.admin
    base = f"{emulator.base_url}/json/realms/root"
    login = requests.post(
        f"{base}/authenticate",
        json={},
        headers={
            "X-OpenAM-Username": username,
            "X-OpenAM-Password": password,
            "Accept-API-Version": "resource=2.0, protocol=1.0",
        },
        timeout=10,
    )
    login.raise_for_status()
    ours = {emulator.cookie_name: login.json()["tokenId"]}
    try:
        answer = requests.get(
            f"{base}/sessions",
            params={"_queryFilter": f'username eq "{username}" and realm eq "/"'},
            headers={**ours, "Accept-API-Version": "resource=5.1"},
            timeout=10,
        )
        answer.raise_for_status()
        return len(answer.json()["result"]) - 1
    finally:
        requests.post(
            f"{base}/sessions",
            params={"_action": "logout"},
            json={},
            headers={**ours, "Accept-API-Version": "resource=2.0, protocol=1.0"},
            timeout=10,
        ).raise_for_status()


def reader(emulator: EmulatorServer) -> AdminClient:
    """A client of the test's own, to read back what the deployment left in the tenant."""
    creds = sa_credentials(emulator) if emulator.flavour == "aic" else admin_credentials(emulator)
    return AdminClient(ConnectionSettings.from_env({"AIC_BASE_URL": emulator.base_url, **creds}))


@dataclass
class Deployment:
    cli: PulumiCLI
    emulator: EmulatorServer
    realms: list[dict[str, Any]]
    backend: Path
    log_dir: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.cli.run(*args, check=check)

    def set_secret(self, path: str, value: str) -> None:
        """`pulumi config set --secret`, the value on stdin so no command line carries it."""
        self.cli.run("config", "set", "--secret", "--path", path, stdin=value, timeout=120)

    def set_realms(self, realms: list[dict[str, Any]]) -> None:
        """Replace the stack's realms, keeping the rest of its file (secrets, salt)."""
        path = self.cli.cwd / "stacks" / f"Pulumi.{STACK}.yaml"
        document = yaml.safe_load(path.read_text())
        document["config"][config_key("realms")] = realms
        path.write_text(yaml.safe_dump(document))
        self.realms = realms

    def revealed_state(self) -> dict[str, Any]:
        """The state with secrets in plaintext, for comparisons only (never scanned)."""
        out = subprocess.run(  # not through the CLI's log: the output holds plaintext secrets
            ["pulumi", "--non-interactive", "stack", "export", "--show-secrets"],
            cwd=self.cli.cwd,
            env=self.cli.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        state: dict[str, Any] = json.loads(out)
        return state

    def signing_values(self) -> dict[str, str]:
        """realm -> the signing secret the state says was written."""
        resources = self.revealed_state()["deployment"].get("resources") or []
        # A generated secret is an (encrypted) output of create; a given one is an input.
        return {
            r["inputs"]["realm"]: json.loads(
                (r["outputs"].get("value") or r["inputs"]["value"])["plaintext"]
            )
            for r in resources
            if r["type"].endswith(":SigningSecret")
        }


def deploy(
    tmp_path: Path,
    engine_env: Mapping[str, str],
    emulator: EmulatorServer,
    realms: list[dict[str, Any]],
    credentials: Mapping[str, str],
) -> Deployment:
    """A fresh project and stack (not yet deployed) with the given credentials in the env."""
    project = copy_project(tmp_path / "project")
    write_stack(
        project, STACK, {"environment": "rel", "baseUrl": emulator.base_url, "realms": realms}
    )
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    path = os.pathsep.join(filter(None, [str(LOG_HOOK), engine_env.get("PYTHONPATH")]))
    hook = {"PYTHONPATH": path, "AIC_TEST_LOG_DIR": str(log_dir)}
    cli = PulumiCLI(project, {**engine_env, **credentials, **hook})
    cli.run("stack", "init", STACK)
    backend = Path(engine_env["PULUMI_BACKEND_URL"].removeprefix("file://"))
    return Deployment(cli, emulator, realms, backend, log_dir)


def assert_converged(deployment: Deployment) -> None:
    """Every intended value is in the tenant, the state agrees with the tenant (refresh finds
    nothing to change), and no diff is pending."""
    with reader(deployment.emulator) as client:
        for spec in deployment.realms:
            assert_realm(client, spec)
    secrets = deployment.signing_values()
    assert sorted(secrets) == sorted(r["name"] for r in deployment.realms)
    for name, value in secrets.items():
        expected = hashlib.sha256(value.encode()).hexdigest()
        assert deployment.emulator.secret_digest(name) == expected, f"{name}: signing secret"
    deployment.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")
    deployment.run("preview", "--expect-no-changes")


def assert_realm(client: AdminClient, spec: dict[str, Any]) -> None:
    name = spec["name"]
    journey = {"stateManagement": "CTS", "maxDurationMinutes": 5, **spec.get("journey", {})}
    authenticated = {"clientSideSessions": False, **spec.get("authenticated", {})}
    settings = client.read_authentication_settings(name)
    assert present(settings.trees).state_management == journey["stateManagement"], name
    assert present(settings.trees).max_duration == journey["maxDurationMinutes"], name
    assert present(settings.general).stateless_sessions == authenticated["clientSideSessions"], name
    if "maxSessionTimeMinutes" in authenticated:
        service = client.read_session_service(name)
        assert present(service).max_session_time == authenticated["maxSessionTimeMinutes"], name


def provider_log(deployment: Deployment) -> str:
    """Everything the deployment's Python processes logged so far (see `log_hook`)."""
    return "".join(p.read_text() for p in sorted(deployment.log_dir.glob("*.log")))


def writes(emulator: EmulatorServer) -> int:
    return int(emulator.request_counts()["writes"])
