"""`EsvClient`: AIC environment secrets (ESVs) and tenant restarts, at the tenant's root URL.

    {tenant}/environment/secrets[/<id>[/versions[/<n>]]]    create, versions, status, delete
    {tenant}/environment/startup[?_action=restart]          restartStatus: ready | restarting

It shares the `AdminClient`'s token endpoint (`{tenant}/am/oauth2/access_token`) but asks for
the ESV scope (`fr:idc:esv:*`), with the same transport rules: bounded retries (only safe
requests after 5xx or a dropped connection; 429 always), a deadline, typed errors
(`EsvNotFoundError` for the API's 404s, `RestartTimeoutError` when a wait runs out), and no
value in any log line or message: values go out base64-encoded in bodies only. A self-managed
AM has no ESVs: an admin login is refused with a `ConfigurationError` before anything is sent.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from .auth import BearerAuthenticator, ServiceAccountAuthenticator
from .clock import SYSTEM_CLOCK, Clock
from .errors import AdminApiError, ConfigurationError, RestartTimeoutError
from .settings import BearerAuth, ServiceAccountAuth
from .transport import Call, Transport

ESV_API = "protocol=1.0,resource=1.0"
ESV_SCOPE = "fr:idc:esv:*"
SECRETS = "/environment/secrets"
STARTUP = "/environment/startup"


class EsvSecret(BaseModel):
    """A secret as the API shows it (never its value)."""

    model_config = ConfigDict(defer_build=True, extra="allow", populate_by_name=True)

    name: str = Field(alias="_id")
    active_version: str = Field(alias="activeVersion")
    loaded: bool
    loaded_version: str = Field(alias="loadedVersion")
    description: str | None = None  # None: the API did not send it (never a made-up default)
    encoding: str | None = None
    use_in_placeholders: bool | None = Field(None, alias="useInPlaceholders")

    @property
    def lagging(self) -> bool:
        """The tenant runs another version than the active one (a restart would load it)."""
        return not self.loaded or self.loaded_version != self.active_version


class EsvVersion(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="allow")

    version: str
    status: str
    loaded: bool


Progress = Callable[[float, str], None]


def tenant_root(base_url: str) -> str:
    """`https://tenant/am` -> `https://tenant` (the environment API is beside AM)."""
    if not base_url.rstrip("/").endswith("/am"):
        raise ConfigurationError(
            None, f"ESVs need the tenant's AM URL ending in /am; got {base_url!r}."
        )
    return base_url.rstrip("/")[: -len("/am")]


class EsvClient:
    """ESV and restart operations of one AIC tenant. Thread-safe; one per tenant."""

    def __init__(self, am_transport: Transport, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self._clock = clock
        settings = am_transport.settings
        self.transport = Transport(
            settings.model_copy(update={"base_url": tenant_root(settings.base_url)})
        )
        auth = settings.auth
        if isinstance(auth, ServiceAccountAuth):
            esv_auth = auth.model_copy(update={"scope": ESV_SCOPE})
            self.transport.authenticator = ServiceAccountAuthenticator(esv_auth, am_transport)
        elif isinstance(auth, BearerAuth):
            self.transport.authenticator = BearerAuthenticator(auth)
        else:
            raise ConfigurationError(
                None,
                "ESVs exist only on Advanced Identity Cloud: use a service account with the "
                f"{ESV_SCOPE} scope (or an access token), not an AM admin login.",
            )

    def close(self) -> None:
        self.transport.close()

    # secrets -----------------------------------------------------------------------------

    def list_secrets(self) -> list[EsvSecret]:
        body = self.transport.json(self._call("Listing ESV secrets", "GET", SECRETS))
        return [EsvSecret.model_validate(item) for item in body.get("result", [])]

    def read_secret(self, name: str) -> EsvSecret:
        call = self._call(f"Reading ESV {name!r}", "GET", f"{SECRETS}/{name}")
        return EsvSecret.model_validate(self.transport.json(call))

    def create_secret(self, name: str, value: SecretStr, description: str = "") -> EsvSecret:
        """A new generic secret usable in placeholders; `value` is the text AM will read."""
        body = {
            "valueBase64": _b64(value),
            "description": description,
            "encoding": "generic",
            "useInPlaceholders": True,
        }
        call = self._call(
            f"Creating ESV {name!r}", "PUT", f"{SECRETS}/{name}", json=body, idempotent=False
        )
        return EsvSecret.model_validate(self.transport.json(call))

    def set_description(self, name: str, description: str) -> None:
        call = self._call(
            f"Setting the description of ESV {name!r}",
            "POST",
            f"{SECRETS}/{name}",
            params={"_action": "setDescription"},
            json={"description": description},
        )
        self.transport.send(call)

    def delete_secret(self, name: str) -> EsvSecret:
        call = self._call(f"Deleting ESV {name!r}", "DELETE", f"{SECRETS}/{name}")
        return EsvSecret.model_validate(self.transport.json(call))

    # versions ----------------------------------------------------------------------------

    def list_versions(self, name: str) -> list[EsvVersion]:
        call = self._call(f"Listing versions of ESV {name!r}", "GET", f"{SECRETS}/{name}/versions")
        return [EsvVersion.model_validate(item) for item in self.transport.json(call)]

    def create_version(self, name: str, value: SecretStr) -> EsvVersion:
        call = self._call(
            f"Adding a version to ESV {name!r}",
            "POST",
            f"{SECRETS}/{name}/versions",
            params={"_action": "create"},
            json={"valueBase64": _b64(value)},
            idempotent=False,
        )
        return EsvVersion.model_validate(self.transport.json(call))

    def set_version_status(
        self, name: str, version: str, status: Literal["ENABLED", "DISABLED"]
    ) -> EsvVersion:
        call = self._call(
            f"Setting version {version} of ESV {name!r} to {status}",
            "POST",
            f"{SECRETS}/{name}/versions/{version}",
            params={"_action": "changestatus"},
            json={"status": status},
        )
        return EsvVersion.model_validate(self.transport.json(call))

    # restarts ----------------------------------------------------------------------------

    def restart_status(self) -> str:
        body = self.transport.json(
            self._call("Reading the tenant's restart status", "GET", STARTUP)
        )
        return _status(body)

    def restart(self) -> str:
        call = self._call(
            "Restarting the tenant (loads new ESV versions)",
            "POST",
            STARTUP,
            params={"_action": "restart"},
            json=None,
            idempotent=False,
        )
        return _status(self.transport.json(call))

    def wait_until_ready(
        self, timeout: float, interval: float = 5.0, progress: Progress | None = None
    ) -> float:
        """Poll the restart status until `ready`; the seconds it took, or RestartTimeoutError."""
        started = self._clock.monotonic()
        while True:
            status = self.restart_status()
            elapsed = self._clock.monotonic() - started
            if progress is not None:
                progress(elapsed, status)
            if status == "ready":
                return elapsed
            if elapsed + interval > timeout:
                raise RestartTimeoutError(
                    self._call("Waiting for the tenant restart", "GET", STARTUP).context(),
                    f"Still '{status}' after {elapsed:.0f} s (timeout {timeout:.0f} s).",
                )
            self._clock.sleep(interval)

    def _call(self, operation: str, method: str, path: str, **kw: Any) -> Call:
        headers = {"Content-Type": "application/json"} if method != "GET" else {}
        return Call(operation, method, path, api_version=ESV_API, headers=headers, **kw)


def _b64(value: SecretStr) -> str:
    return base64.b64encode(value.get_secret_value().encode()).decode()


def _status(body: Any) -> str:
    status = body.get("restartStatus") if isinstance(body, dict) else None
    if not isinstance(status, str):
        raise AdminApiError(None, "The startup endpoint answered without a restartStatus.")
    return status
