"""Helpers for the verifier tests: a tenant (emulator + credentials) and a CliRunner call."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aic_emulator.testing import EmulatorServer
from aic_sessions.cli.commands import main
from aic_sessions.client import (
    AdminClient,
    AuthenticationSettingsPatch,
    ConnectionSettings,
    StateManagement,
    StoredSession,
)
from click.testing import CliRunner, Result

from tests.engine_cli import RETRY_MAX_BACKOFF

USER = ("demo", "Ch4ng3!t")
REALM = "alpha"
CREDENTIAL_VARIABLES = (
    "AIC_BASE_URL",
    "AIC_SA_ID",
    "AIC_SA_JWK",
    "AIC_SA_JWK_FILE",
    "AIC_ACCESS_TOKEN",
    "AM_ADMIN_USERNAME",
    "AM_ADMIN_PASSWORD",
    "FRODO_HOST",
    "FRODO_SA_ID",
    "FRODO_SA_JWK",
    "AIC_TEST_USERNAME",
    "AIC_TEST_PASSWORD",
    "AIC_SIGNING_SECRET",
)


def admin_env(emulator: EmulatorServer) -> dict[str, str]:
    """The emulator's admin identity: the seeded service account (aic) or amadmin (am)."""
    if emulator.flavour == "aic":
        sa_id, jwk = emulator.service_account
        return {"AIC_SA_ID": sa_id, "AIC_SA_JWK": json.dumps(jwk)}
    username, password = emulator.admin
    return {"AM_ADMIN_USERNAME": username, "AM_ADMIN_PASSWORD": password}


@dataclass
class Tenant:
    """An emulator, the environment `aic-sessions verify` needs for it, and an admin client."""

    emulator: EmulatorServer
    env: dict[str, str]

    @property
    def admin(self) -> AdminClient:
        return AdminClient(ConnectionSettings.from_env(self.env))

    def configure(self, realm: str = REALM, **patch: Any) -> None:
        with self.admin as client:
            client.update_authentication_settings(realm, AuthenticationSettingsPatch(**patch))

    def make_server_side(self, realm: str = REALM) -> None:
        """What `pulumi up` of the dev stack does: journeys on CTS, client-side sessions off."""
        self.configure(realm, state_management=StateManagement.CTS, stateless_sessions=False)

    def sessions(self, username: str = USER[0], realm: str = REALM) -> list[StoredSession]:
        with self.admin as client:
            return client.query_sessions(realm, username)


def tenant_for(emulator: EmulatorServer) -> Tenant:
    env = {
        "AIC_BASE_URL": emulator.base_url,
        "AIC_RETRY_MAX_BACKOFF": RETRY_MAX_BACKOFF,
        "AIC_TEST_USERNAME": USER[0],
        "AIC_TEST_PASSWORD": USER[1],
        **admin_env(emulator),
    }
    return Tenant(emulator, env)


def isolated_env(env: Mapping[str, str | None]) -> dict[str, str | None]:
    """`env` with every other credential variable of the developer's shell unset."""
    return {**dict.fromkeys(CREDENTIAL_VARIABLES), **env}


def run_verify(env: Mapping[str, str | None], *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        main, ["verify", *args], env=isolated_env(env), input=stdin, catch_exceptions=False
    )


def checks(result: Result) -> dict[str, dict[str, Any]]:
    """The checks of the only realm of a `--json` run, by name."""
    report = json.loads(result.stdout)
    (realm,) = report["realms"]
    return {check["name"]: check for check in realm["checks"]}


def failed(result: Result) -> dict[str, list[str]]:
    """Failed check name -> its cause codes."""
    return {
        name: [cause["code"] for cause in check["causes"]]
        for name, check in checks(result).items()
        if check["status"] == "fail"
    }
