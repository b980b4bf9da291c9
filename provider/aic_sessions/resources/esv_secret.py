"""`EsvSecret`: a realm's signing secret stored in an AIC ESV (an environment secret).

The ESV `name` (`esv-...`) holds the secret; the realm points at it with the placeholder
`&{esv.<name with dots>}` (a `SigningSecret` with `esv_reference`, declared after the
tenant's `TenantRestart`). The value is given (a Pulumi secret) or generated once (256 random
bits, kept across runs, rotated by changing `rotationTrigger`); `check` validates it and
computes the same scrypt `fingerprint` as `SigningSecret`, so the policies compare ESV-stored
and literal secrets alike at preview. The value is never an output, a log line or a message.

Writes: create adds the ESV (or, when it exists, adopts it by adding a version); a rotation
adds a version. Old versions are not disabled here: the `TenantRestart` of the tenant does it
once the new version is loaded (`supersededVersions` lists them). `refresh` observes
`activeVersion`, `loadedVersion` and the state of the version we wrote, so a foreign new
version, a disabled version or a deleted ESV show as drift, and the next `up` writes our value
again as a new version. `destroy` keeps the ESV unless `onDelete="delete"`.
"""

from __future__ import annotations

from typing import Any, Literal

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)
from pydantic import Field, SecretStr

from aic_sessions.domain import signing_secrets
from aic_sessions.domain.identity import same_identity

from . import connection
from .base import ProviderError, RealmInputs, SessionProvider, is_unknown
from .esv_common import esv_client, tenant_lock
from .signing_secret import as_secret, plain

HIDDEN = ("value", "fingerprintBasis")


class EsvSecretInputs(RealmInputs):
    name: str = Field(pattern=signing_secrets.ESV_NAME.pattern, max_length=124)
    value: SecretStr | None = None
    rotationTrigger: str | None = None
    description: str | None = Field(None, max_length=1000)
    onDelete: Literal["retain", "delete"] = "retain"


class EsvSecretProvider(SessionProvider):
    inputs_model = EsvSecretInputs
    owned = ("fingerprint", "description", "onDelete", "realm")
    hints = {
        "name": "Name the ESV 'esv-' + lowercase letters, digits and '-' (e.g. 'esv-alpha-sig').",
        "value": "Give base64 of at least 16 random bytes, e.g. `openssl rand -base64 32`.",
        "onDelete": "Use 'retain' (keep the ESV on destroy) or 'delete'.",
    }

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        news = result.inputs  # baseUrl and realm in their one spelling
        if result.failures or is_unknown(news.get("value")):
            return result
        value = plain(news.get("value"))
        if value is not None:
            problems = signing_secrets.problems(str(value))
            if problems:
                failures = [
                    CheckFailure("value", f"The ESV's signing secret {p}.") for p in problems
                ]
                return CheckResult(news, failures)
            return CheckResult(_with_value(olds, news, str(value), "given"), [])
        keep = (
            olds.get("valueSource") == "generated"
            and olds.get("rotationTrigger") == news.get("rotationTrigger")
            and olds.get("name") == news.get("name")
            and plain(olds.get("value"))
        )
        generated = str(plain(olds["value"])) if keep else signing_secrets.generate()
        return CheckResult(_with_value(olds, news, generated, "generated"), [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        replaces = [
            k for k in ("baseUrl", "name") if not same_identity(k, olds.get(k), news.get(k))
        ]
        changed = [k for k in self.owned if not same_identity(k, olds.get(k), news.get(k))]
        drift = olds.get("activeVersion") != olds.get("wantedVersion")
        return DiffResult(changes=bool(replaces or changed or drift), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = _write_value(props, {})
        return CreateResult(f"esv:{props['name']}@{props['baseUrl']}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        from aic_sessions.client.errors import EsvNotFoundError

        client = esv_client(props["baseUrl"])
        try:
            secret = client.read_secret(props["name"])
        except EsvNotFoundError:
            # Observed: the ESV is gone. Its versions are unknown (None), not made-up strings.
            gone = {
                "esvExists": False,
                "activeVersion": None,
                "loadedVersion": None,
                "wantedVersionStatus": None,
            }
            return ReadResult(id_, {**props, **gone})
        statuses = {v.version: v.status for v in client.list_versions(props["name"])}
        observed = {
            "esvExists": True,
            "activeVersion": secret.active_version,
            "loadedVersion": secret.loaded_version,
            # None: the tenant no longer lists the version we wrote.
            "wantedVersionStatus": statuses.get(str(props.get("wantedVersion"))),
        }
        return ReadResult(id_, {**props, **observed})

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        drifted = olds.get("activeVersion") != olds.get("wantedVersion")
        if drifted or olds.get("fingerprint") != news.get("fingerprint"):
            return UpdateResult(_write_value(news, olds))
        if olds.get("description") != news.get("description"):
            with tenant_lock(news["baseUrl"]):
                esv_client(news["baseUrl"]).set_description(news["name"], _description(news))
        kept = (
            "activeVersion",
            "wantedVersion",
            "loadedVersion",
            "supersededVersions",
            "adopted",
            "esvExists",
        )
        return UpdateResult({**_outputs(news), **{k: olds.get(k) for k in kept}})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from aic_sessions.client.errors import EsvNotFoundError

        if props.get("onDelete", "retain") == "retain":
            pulumi.log.info(f"{props['name']}: the ESV is kept (onDelete 'retain').")
            return
        try:
            esv_client(props["baseUrl"]).delete_secret(props["name"])
        except EsvNotFoundError:
            return


def _with_value(
    olds: dict[str, Any], news: dict[str, Any], value: str, source: str
) -> dict[str, Any]:
    """The inputs with the value as a secret, its fingerprint and the realm's placeholder
    (scrypt only when the value or the key changed, as in `SigningSecret`)."""
    key = connection.stack_setting("fingerprintKey") or ""
    basis = signing_secrets.fingerprint_basis(value, key)
    unchanged = plain(olds.get("fingerprintBasis")) == basis and olds.get("fingerprint")
    fingerprint = olds["fingerprint"] if unchanged else signing_secrets.fingerprint(value, key)
    return {
        **news,
        "value": as_secret(value),
        "valueSource": source,
        "fingerprint": fingerprint,
        "fingerprintBasis": as_secret(basis),
        "placeholder": signing_secrets.esv_expression(news["name"]),
    }


def _write_value(props: dict[str, Any], olds: dict[str, Any]) -> dict[str, Any]:
    """Create the ESV, or add our value as a new version; return the confirmed outputs."""
    from aic_sessions.client.errors import EsvNotFoundError

    name, value = props["name"], SecretStr(str(plain(props["value"])))
    with tenant_lock(props["baseUrl"]):
        client = esv_client(props["baseUrl"])
        try:
            client.read_secret(name)
        except EsvNotFoundError:
            created = client.create_secret(name, value, _description(props))
            statuses = {v.version: v.status for v in client.list_versions(name)}
            return {
                **_outputs(props),
                **_versions(created.active_version, created.loaded_version, statuses, []),
                "adopted": bool(olds.get("adopted")),
            }
        added = client.create_version(name, value).version
        secret = client.read_secret(name)
        if secret.active_version != added:
            raise ProviderError(
                f"{name}: added version {added}, but the tenant says version "
                f"{secret.active_version or '(none)'} is active; check the ESV's versions."
            )
        statuses = {v.version: v.status for v in client.list_versions(name)}
        superseded = [v for v, status in statuses.items() if status == "ENABLED" and v != added]
    adopted = bool(olds.get("adopted")) if olds else True
    return {
        **_outputs(props),
        **_versions(added, secret.loaded_version, statuses, superseded),
        "adopted": adopted,
    }


def _versions(
    active: str, loaded: str, statuses: dict[str, str], superseded: list[str]
) -> dict[str, Any]:
    """The version outputs; the wanted version's status as the tenant listed it (None if not)."""
    return {
        "esvExists": True,
        "activeVersion": active,
        "wantedVersion": active,
        "loadedVersion": loaded,
        "wantedVersionStatus": statuses.get(active),
        "supersededVersions": superseded,
    }


def _description(props: dict[str, Any]) -> str:
    default = f"Signing secret of realm {props['realm']} (managed by aic-sessions)"
    return str(props.get("description") or default)


def _outputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in SessionProvider.public(props).items() if k not in HIDDEN}


class EsvSecret(pulumi.dynamic.Resource, module="aic", name="EsvSecret"):
    """A realm's signing secret stored in an ESV of the tenant."""

    baseUrl: pulumi.Output[str]
    realm: pulumi.Output[str]
    name: pulumi.Output[str]
    placeholder: pulumi.Output[str]
    valueSource: pulumi.Output[str]
    fingerprint: pulumi.Output[str]
    activeVersion: pulumi.Output[str]
    wantedVersion: pulumi.Output[str]
    loadedVersion: pulumi.Output[str]
    wantedVersionStatus: pulumi.Output[str]
    supersededVersions: pulumi.Output[list[str]]
    adopted: pulumi.Output[bool]
    esvExists: pulumi.Output[bool | None]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        name: pulumi.Input[str],
        value: pulumi.Input[str] | None = None,
        rotation_trigger: pulumi.Input[str] | None = None,
        description: pulumi.Input[str] | None = None,
        on_delete: pulumi.Input[str] = "retain",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "baseUrl": base_url,
            "realm": realm,
            "name": name,
            "value": pulumi.Output.secret(value) if value is not None else None,
            "rotationTrigger": rotation_trigger,
            "description": description,
            "onDelete": on_delete,
            **dict.fromkeys(
                (
                    "placeholder",
                    "valueSource",
                    "fingerprint",
                    "activeVersion",
                    "wantedVersion",
                    "loadedVersion",
                    "wantedVersionStatus",
                    "supersededVersions",
                    "adopted",
                    "esvExists",
                )
            ),
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["value"])
        )
        super().__init__(EsvSecretProvider(), resource_name, props, opts)
