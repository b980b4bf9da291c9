"""A leak scan: every secret a deployment used — generated and given signing secrets,
the service account's private key members, the admin password, the access tokens and admin
sessions the emulator issued — appears nowhere: not in the backend's files on disk, not in
`pulumi stack export`, not in any CLI output, not in the emulator's or the provider's logs, not
in the engine's unencrypted automatic logs (`$PULUMI_HOME/logs`; those of commands that load
the stack's secrets are checked to be encrypted), not in the pickled providers.

The plaintext values come from `pulumi stack export --show-secrets`, used for the comparison
only; its output is not scanned (its engine log is encrypted, as checked above).
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import realm
from tests.reliability.deployment import (
    STACK,
    UP,
    Deployment,
    admin_credentials,
    deploy,
    provider_log,
    sa_credentials,
)
from tests.reliability.engine_logs import engine_logs

pytestmark = pytest.mark.engine

GIVEN_SECRET = base64.b64encode(os.urandom(32)).decode()  # random: text is refused as weak
JWK_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")
REALMS = [
    realm("alpha", journey={"maxDurationMinutes": 10}),  # generated secret
    realm("bravo", signingSecret={"source": "given"}),
]


@dataclass
class Tenant:
    emulator: EmulatorServer
    credentials: dict[str, str]
    credential_secrets: list[str]


@pytest.fixture(params=["aic-service-account", "am-admin-login"])
def tenant(request: pytest.FixtureRequest) -> Iterator[Tenant]:
    if request.param == "aic-service-account":
        emulator: EmulatorServer = request.getfixturevalue("aic_emulator")
        _, jwk = emulator.service_account
        yield Tenant(emulator, sa_credentials(emulator), [jwk[m] for m in JWK_PRIVATE_MEMBERS])
        return
    with EmulatorServer(flavour="am", realms=["alpha", "bravo"]) as emulator:
        yield Tenant(emulator, admin_credentials(emulator), [emulator.admin[1]])


def exercise(deployment: Deployment) -> dict[str, Any]:
    """up with a retried write, a change, refresh, preview, export, outputs, then destroy.
    Returns the revealed state, taken before destroy."""
    deployment.set_secret("signingSecrets.bravo", GIVEN_SECRET)
    deployment.emulator.inject_fault(method="PUT", path="/realm-config/", kind="status", status=503)
    deployment.run(*UP)
    deployment.set_realms([{**r, "journey": {"maxDurationMinutes": 12}} for r in REALMS])
    deployment.run(*UP)
    deployment.run("refresh", "--yes", "--skip-preview")
    deployment.run("preview", "--diff", "--expect-no-changes")
    deployment.run("stack", "export")
    deployment.run("stack", "output", "--json")
    revealed = deployment.revealed_state()
    deployment.run("destroy", "--yes", "--skip-preview")
    return revealed


def signing_secrets(revealed: dict[str, Any]) -> list[str]:
    return [
        json.loads((r["outputs"].get("value") or r["inputs"]["value"])["plaintext"])
        for r in revealed["deployment"]["resources"]
        if r["type"].endswith(":SigningSecret")
    ]


def provider_blobs(revealed: dict[str, Any]) -> list[str]:
    """The dill-pickled providers, decoded (bytes as latin-1 text); stored in plain text, as
    they hold no secret (`SessionProvider.serialize_as_secret_always`)."""
    return [
        base64.b64decode(r["outputs"]["__provider"]).decode("latin-1")
        for r in revealed["deployment"]["resources"]
        if "__provider" in r.get("outputs", {})
    ]


def record_sessions(emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list that collects every session token the emulator issues from now on, including
    those ended since (each command's provider logs its admin session out at exit)."""
    store = emulator.emulator.store
    issued: list[str] = []
    create = store._create_session

    def recording(realm: str, username: str) -> str:
        issued.append(create(realm, username))
        return issued[-1]

    monkeypatch.setattr(store, "_create_session", recording)
    return issued


def issued_tokens(emulator: EmulatorServer, sessions: list[str]) -> list[str]:
    """Access tokens and session tokens the emulator handed out during the test."""
    state = emulator.emulator.store.state
    return sorted({*state["accessTokens"], *state["sessions"], *sessions})


def files_under(*roots: Path) -> dict[str, str]:
    return {
        str(path): path.read_bytes().decode("utf-8", errors="replace")
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_no_secret_anywhere_on_disk_in_output_or_logs(
    tmp_path: Path,
    engine_env: dict[str, str],
    tenant: Tenant,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    sessions = record_sessions(tenant.emulator, monkeypatch)
    home = tmp_path / "pulumi-home"
    env = {**engine_env, "PULUMI_HOME": str(home)}
    deployment = deploy(tmp_path, env, tenant.emulator, REALMS, tenant.credentials)
    revealed = exercise(deployment)

    generated = signing_secrets(revealed)
    tokens = issued_tokens(tenant.emulator, sessions)
    assert GIVEN_SECRET in generated and len(generated) == 2 and tokens
    secrets = [*generated, *tenant.credential_secrets, *tokens]
    logs = engine_logs(home)
    haystacks = {
        **files_under(deployment.backend, deployment.cli.cwd),
        **logs.readable,
        "cli output": "\n".join(deployment.cli.log),
        "provider log": provider_log(deployment),
        "emulator log": caplog.text,
    }
    assert "/realm-config/authentication -> 503" in haystacks["provider log"]
    assert "realm-config/authentication 200" in haystacks["emulator log"]
    assert '"ciphertext"' in haystacks["cli output"], "the stack export is among the outputs"
    assert any('"msg"' in text for text in logs.readable.values()), "no engine log was read"
    stack_logs = {p.name for p in (home / "logs").glob(f"*+{STACK}-*.log")}
    assert stack_logs and stack_logs <= set(logs.encrypted), "a stack's log is not encrypted"
    for name, text in haystacks.items():
        leaked = [i for i, secret in enumerate(secrets) if secret in text]
        assert not leaked, f"secret(s) #{leaked} of {len(secrets)} found in {name}"
    for blob in provider_blobs(revealed):
        assert not [s for s in secrets if s in blob], "a secret is in a pickled provider"
