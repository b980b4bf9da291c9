"""`TenantRestart`: at most one tenant restart per deployment, after every ESV write of it.

AIC loads new ESV versions only when the tenant restarts, and a restart is tenant-wide, slow
and disruptive, so there is one `TenantRestart` per tenant, depending on all its `EsvSecret`s
(their `wantedVersion` and `supersededVersions` are its `esvs` input; a rotation changes them,
which is what makes it act). It reads each ESV; if any loads another version than the wanted
one it either (`mode="restart"`) restarts the tenant once — or waits for a restart already
running — and polls until `ready` with progress lines, within `timeoutSeconds` (a timeout is an
error; everything written before stays recorded and the next run does not restart again unless
something still lags), or (`mode="pending"`) leaves it and says so: `pendingRestart` and
`lagging` outputs, a warning, and `aic-sessions verify`'s "esv-loaded" check fails.
Once an ESV's wanted version is loaded (confirmed by reading it back), the versions it
superseded are disabled. Nothing is undone on destroy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aic_sessions.domain.identity import canonical_base_url, same_identity

from .base import ProviderError, SessionProvider
from .esv_common import esv_client, tenant_lock
from .esv_secret import EsvSecret
from .naming import SnakeCaseProperties, registration

if TYPE_CHECKING:
    from .realm import RealmSessionSettings

RestartMode = Literal["restart", "pending"]
"""`restart`: restart the tenant and wait; `pending`: leave the restart to the operator."""

WATCHED = ("esvs", "mode", "timeoutSeconds", "pollSeconds")


class WantedEsv(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="ignore")

    wantedVersion: str
    supersededVersions: list[str] = []


class TenantRestartInputs(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="ignore")

    baseUrl: str
    esvs: dict[str, WantedEsv]
    mode: Literal["restart", "pending"] = "restart"
    timeoutSeconds: float = Field(900, gt=0, le=7200)
    pollSeconds: float = Field(10, gt=0, le=300)

    @field_validator("baseUrl")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return canonical_base_url(value)  # the one URL rule of every resource


class TenantRestartProvider(SessionProvider[TenantRestartInputs]):
    inputs_model = TenantRestartInputs
    owned = WATCHED
    hints = {
        "mode": "Use 'restart' (restart and wait) or 'pending' (leave the restart to you).",
        "timeoutSeconds": "Give the seconds to wait for the restart, 1 to 7200.",
    }

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = [k for k in WATCHED if olds.get(k) != news.get(k)]
        unfinished = bool(olds.get("pendingRestart")) or any(
            (olds.get("pendingDisable") or {}).values()
        )
        return DiffResult(
            changes=bool(changed or unfinished),
            replaces=[]
            if same_identity("baseUrl", olds.get("baseUrl"), news.get("baseUrl"))
            else ["baseUrl"],
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"tenant-restart@{props['baseUrl']}", self._apply(props))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._apply(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        inputs = self.parse(props)  # validated: `recorded` would leave the nested ESVs as dicts
        loaded = _loaded_versions(props["baseUrl"], inputs)
        lagging = _lagging(inputs, loaded)
        return ReadResult(
            id_,
            {
                **props,
                "loadedVersions": loaded,
                "lagging": lagging,
                "pendingRestart": bool(lagging),
            },
        )

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A restart cannot be undone; nothing to do."""

    def _apply(self, props: dict[str, Any]) -> dict[str, Any]:
        inputs = self.parse(props)
        base_url = props["baseUrl"]
        with tenant_lock(base_url):
            loaded = _loaded_versions(base_url, inputs)
            restarted = False
            if _lagging(inputs, loaded) and inputs.mode == "restart":
                _restart_and_wait(base_url, inputs, _lagging(inputs, loaded))
                restarted = True
                loaded = _loaded_versions(base_url, inputs)
                still = _lagging(inputs, loaded)
                if still:
                    raise ProviderError(
                        f"The tenant restarted, but {', '.join(still)} still load another "
                        "version than the one written; check the ESVs' versions "
                        "(frodo esv secret describe)."
                    )
            lagging = _lagging(inputs, loaded)
            disabled, pending = _disable_superseded(base_url, inputs, loaded)
        if lagging:
            pulumi.log.warn(
                f"ESV changes not loaded yet: {', '.join(lagging)} await a tenant restart (mode "
                "'pending'); realms using them keep the previously loaded value until then. "
                "Restart with `frodo esv apply` or set esvRestart.mode to 'restart'."
            )
        return {
            **SessionProvider.public(props),
            "restarted": restarted,
            "pendingRestart": bool(lagging),
            "lagging": lagging,
            "loadedVersions": loaded,
            "disabledVersions": disabled,
            "pendingDisable": pending,
        }


def _loaded_versions(base_url: str, inputs: TenantRestartInputs) -> dict[str, str | None]:
    """What the tenant runs now, per ESV of this deployment: its `loadedVersion` as the tenant
    shows it, also while a newer version waits for a restart (None when the ESV is gone or the
    tenant shows none loaded: not observed, never a made-up version)."""
    from aic_sessions.client.errors import EsvNotFoundError

    client = esv_client(base_url)
    loaded: dict[str, str | None] = {}
    for name in sorted(inputs.esvs):
        try:
            secret = client.read_secret(name)
        except EsvNotFoundError:
            loaded[name] = None
            continue
        loaded[name] = secret.loaded_version or None
        if not secret.loaded and loaded[name] == inputs.esvs[name].wantedVersion:
            loaded[name] = None  # shown, not confirmed loaded: restarted as before
    return loaded


def _lagging(inputs: TenantRestartInputs, loaded: dict[str, str | None]) -> list[str]:
    return [n for n, want in sorted(inputs.esvs.items()) if loaded.get(n) != want.wantedVersion]


def _restart_and_wait(base_url: str, inputs: TenantRestartInputs, lagging: list[str]) -> None:
    client = esv_client(base_url)

    def progress(elapsed: float, status: str) -> None:
        pulumi.log.info(f"tenant restart: {status} after {elapsed:.0f} s", ephemeral=True)

    if client.restart_status() != "ready":  # someone else's restart: let it finish first
        client.wait_until_ready(inputs.timeoutSeconds, inputs.pollSeconds, progress)
        if not _lagging(inputs, _loaded_versions(base_url, inputs)):
            return
    pulumi.log.info(f"restarting the tenant once to load {', '.join(lagging)}")
    client.restart()
    took = client.wait_until_ready(inputs.timeoutSeconds, inputs.pollSeconds, progress)
    pulumi.log.info(f"tenant restart finished: ready after {took:.0f} s")


def _disable_superseded(
    base_url: str, inputs: TenantRestartInputs, loaded: dict[str, str | None]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Disable the versions each loaded ESV superseded; (disabled, still to disable)."""
    from aic_sessions.client.errors import EsvNotFoundError

    client = esv_client(base_url)
    disabled: dict[str, list[str]] = {}
    pending: dict[str, list[str]] = {}
    for name, want in sorted(inputs.esvs.items()):
        old = [v for v in want.supersededVersions if v != want.wantedVersion]
        if loaded.get(name) != want.wantedVersion:
            pending[name] = old
            continue
        try:
            enabled = {v.version for v in client.list_versions(name) if v.status == "ENABLED"}
        except EsvNotFoundError:
            continue
        for version in [v for v in old if v in enabled]:
            client.set_version_status(name, version, "DISABLED")
            disabled.setdefault(name, []).append(version)
    return disabled, {k: v for k, v in pending.items() if v}


class TenantRestart(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="TenantRestart"
):
    """One tenant's restart that loads the ESV versions of this deployment.

    Attributes are snake_case; state and policies use camelCase (`pendingRestart`).
    """

    OUTPUTS = (
        "restarted",
        "pending_restart",
        "lagging",
        "loaded_versions",
        "disabled_versions",
        "pending_disable",
    )

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        base_url: pulumi.Output[str]
        esvs: pulumi.Output[dict[str, Any]]
        mode: pulumi.Output[RestartMode]
        timeout_seconds: pulumi.Output[float]
        poll_seconds: pulumi.Output[float]
        restarted: pulumi.Output[bool]
        pending_restart: pulumi.Output[bool]
        lagging: pulumi.Output[list[str]]
        loaded_versions: pulumi.Output[dict[str, str | None]]
        disabled_versions: pulumi.Output[dict[str, list[str]]]
        pending_disable: pulumi.Output[dict[str, list[str]]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        secrets: Sequence[EsvSecret | RealmSessionSettings],
        mode: pulumi.Input[RestartMode] = "restart",
        timeout_seconds: pulumi.Input[float] = 900,
        poll_seconds: pulumi.Input[float] = 10,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the tenant's one restart, after every ESV write of this deployment.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL. Changing it replaces the resource.
        :param secrets: The tenant's `EsvSecret`s, or the `RealmSessionSettings` declaring
            them (`SigningSecretOptions(esv=...)`); such a realm points at its ESV only after
            this restart.
        :param mode: `restart` (default): restart the tenant once when an ESV's written version
            is not loaded, and wait until it is ready; `pending`: leave the restart to you
            (`pending_restart` and `lagging` say what waits).
        :param timeout_seconds: How long to wait for the restart, 1 to 7200 (default 900).
        :param poll_seconds: How often to ask whether the restart finished (default 10).
        :param opts: Pulumi resource options.
        """
        esvs = [_esv_of(item) for item in secrets]
        props = {
            "base_url": base_url,
            "esvs": wanted_versions(esvs),
            "mode": mode,
            "timeout_seconds": timeout_seconds,
            "poll_seconds": poll_seconds,
        }
        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=esvs))
        registered = registration(props, self.OUTPUTS)
        super().__init__(TenantRestartProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)
        for item in secrets:
            if not isinstance(item, EsvSecret):
                item.loaded_by(self)


def _esv_of(item: EsvSecret | RealmSessionSettings) -> EsvSecret:
    if isinstance(item, EsvSecret):
        return item
    if item.esv is None:
        raise ValueError(
            f"TenantRestart: {item.pulumi_resource_name} keeps no signing secret in an ESV; list "
            "only realms declared with SigningSecretOptions(esv=EsvOptions(...))."
        )
    return item.esv


def wanted_versions(esvs: Sequence[EsvSecret]) -> pulumi.Output[dict[str, Any]]:
    """The `esvs` input: each ESV's wanted version and the versions it superseded."""
    rows = [pulumi.Output.all(s.name, s.wanted_version, s.superseded_versions) for s in esvs]
    return pulumi.Output.all(*rows).apply(
        lambda values: {
            name: {"wantedVersion": version, "supersededVersions": list(superseded or [])}
            for name, version, superseded in values
        }
    )
