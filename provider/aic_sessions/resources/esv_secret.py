"""`EsvSecret`: a realm's signing secret stored in an AIC ESV (an environment secret).

The ESV `name` (`esv-...`) holds the secret; the realm points at it with the placeholder
`&{esv.<name with dots>}`. `RealmSessionSettings(signing_secret=SigningSecretOptions(esv=...))`
declares one as its child and points the realm at it once the tenant's `TenantRestart` has
loaded it. The value is given (a Pulumi secret) or generated (256 random bits) in `create`, or
in `update` when `rotationTrigger` changes, never in `check`: `check` runs again at `up`, and a
value drawn there would break saved plans. A given value's scrypt `fingerprint` is computed in
`check`, as `SigningSecret` does, so the policies compare ESV-stored and literal secrets alike
at preview; a generated one's is known once drawn. The value stays in state as an encrypted
output and is never a plaintext output, a log line or a message.

Writes: create adds the ESV (or, when it exists, adopts it by adding a version); a rotation
adds a version. Old versions are not disabled here: the `TenantRestart` of the tenant does it
once the new version is loaded (`supersededVersions` lists them). `refresh` observes
`activeVersion`, `loadedVersion` and the state of the version we wrote, so a foreign new
version, a disabled version or a deleted ESV show as drift, and the next `up` writes our value
again as a new version. `destroy` keeps the ESV unless `onDelete="delete"`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

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

from .base import ProviderError, RealmInputs, SessionProvider, is_unknown
from .esv_common import esv_client, tenant_lock
from .naming import SnakeCaseProperties, registration
from .signing_secret import with_value
from .wire import as_secret, plain

SECRET_KEYS = ("value", "fingerprint", "fingerprintBasis")  # known once the value is
EsvOnDelete = Literal["retain", "delete"]
"""What `pulumi destroy` does with the ESV: `retain` keeps it, `delete` deletes it."""
EsvValueSource = Literal["given", "generated"]


class EsvSecretInputs(RealmInputs):
    name: str = Field(pattern=signing_secrets.ESV_NAME.pattern, max_length=124)
    value: SecretStr | None = None
    rotationTrigger: str | None = None
    description: str | None = Field(None, max_length=1000)
    onDelete: EsvOnDelete = "retain"


class EsvSecretProvider(SessionProvider[EsvSecretInputs]):
    inputs_model = EsvSecretInputs
    owned = ("fingerprint", "valueSource", "description", "onDelete", "realm")
    hints = {
        "name": "Name the ESV 'esv-' + lowercase letters, digits and '-' (e.g. 'esv-alpha-sig').",
        "value": "Give base64 of at least 16 random bytes, e.g. `openssl rand -base64 32`.",
        "onDelete": "Use 'retain' (keep the ESV on destroy) or 'delete'.",
    }

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        news = result.inputs  # baseUrl and realm in their one spelling
        if result.failures or is_unknown(news.get("value")) or is_unknown(news.get("name")):
            return result
        news = {**news, "placeholder": signing_secrets.esv_expression(news["name"])}
        value = plain(news.get("value"))
        if value is not None:
            problems = signing_secrets.problems(str(value))
            if problems:
                failures = [
                    CheckFailure("value", f"The ESV's signing secret {p}.") for p in problems
                ]
                return CheckResult(news, failures)
            return CheckResult(_with_value(olds, news, str(value), "given"), [])
        if _keeps(olds, news) and plain(olds.get("value")):
            # A generated value the state's inputs already hold (stacks deployed before values
            # were drawn in create): carried as it is, never drawn here.
            return CheckResult({**news, **{k: olds.get(k) for k in SECRET_KEYS}}, [])
        news = {k: v for k, v in news.items() if k not in SECRET_KEYS}
        return CheckResult({**news, "valueSource": "generated"}, [])

    def restores_on_delete(self, news: dict[str, Any]) -> bool:
        """Never before a replacement's create: an ESV is replaced create-first (`diff`), so a
        move is not read ahead (`moving`)."""
        return False

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Owned inputs; a generated value's fingerprint is not an input (a new trigger means a
        new value); a version someone else made active is written again."""
        replaces = [
            k for k in ("baseUrl", "name") if not same_identity(k, olds.get(k), news.get(k))
        ]
        if news.get("valueSource") == "generated" and news.get("fingerprint") is None:
            news = {**news, "fingerprint": olds.get("fingerprint")}
        changed = [k for k in self.owned if not same_identity(k, olds.get(k), news.get(k))]
        rotated = news.get("valueSource") == "generated" and not _keeps(olds, news)
        drift = olds.get("activeVersion") != olds.get("wantedVersion")
        return DiffResult(changes=bool(replaces or changed or rotated or drift), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = _write_value(_drawn({}, props), {})
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
        news = _drawn(olds, news)
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
            "wantedVersionStatus",
            "supersededVersions",
            "adopted",
            "esvExists",
        )
        return UpdateResult({**_outputs(news), **{k: olds.get(k) for k in kept}})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        from aic_sessions.client.errors import EsvNotFoundError

        recorded = self.recorded(props)
        if recorded.onDelete == "retain":
            pulumi.log.info(f"{recorded.name}: the ESV is kept (onDelete 'retain').")
            return
        try:
            esv_client(recorded.baseUrl).delete_secret(recorded.name)
        except EsvNotFoundError:
            return


def _keeps(olds: dict[str, Any], news: dict[str, Any]) -> bool:
    """Whether the generated value of `olds` is still the one wanted (same ESV, same trigger)."""
    return (
        olds.get("valueSource") == "generated"
        and olds.get("rotationTrigger") == news.get("rotationTrigger")
        and olds.get("name") == news.get("name")
        and bool(olds.get("fingerprint"))
    )


def _drawn(olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    """`news` with its value: a given one as checked, a generated one kept from `olds` (the
    previous outputs) or, when there is none or it was rotated, 256 new random bits."""
    if news.get("valueSource") != "generated" or plain(news.get("value")):
        return news
    if _keeps(olds, news) and plain(olds.get("value")):
        return {**news, **{k: olds.get(k) for k in SECRET_KEYS}}
    return _with_value({}, news, signing_secrets.generate(), "generated")


def _with_value(
    olds: dict[str, Any], news: dict[str, Any], value: str, source: str
) -> dict[str, Any]:
    """The inputs with the value as a secret and its fingerprint (as `SigningSecret`'s)."""
    return with_value(olds, news, value, source)


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
    """The public properties; the value and its digest as encrypted outputs, so an update can
    write the same value again (drift) and keep a generated one."""
    public = SessionProvider.public(props)
    secret = {
        k: as_secret(str(plain(public[k])))
        for k in ("value", "fingerprintBasis")
        if plain(public.get(k)) is not None
    }
    return {**public, **secret}


class EsvSecret(SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="EsvSecret"):
    """A realm's signing secret stored in an ESV of the tenant (AIC).

    Usually declared by `RealmSessionSettings` (`SigningSecretOptions(esv=EsvOptions(...))`),
    which points the realm at it after the tenant's `TenantRestart`. Attributes are
    snake_case; state and policies use camelCase (`activeVersion`).
    """

    OUTPUTS = (
        "value",
        "placeholder",
        "value_source",
        "fingerprint",
        "active_version",
        "wanted_version",
        "loaded_version",
        "wanted_version_status",
        "superseded_versions",
        "adopted",
        "esv_exists",
    )

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        base_url: pulumi.Output[str]
        realm: pulumi.Output[str]
        name: pulumi.Output[str]
        placeholder: pulumi.Output[str]
        value_source: pulumi.Output[EsvValueSource]
        fingerprint: pulumi.Output[str]
        rotation_trigger: pulumi.Output[str | None]
        description: pulumi.Output[str | None]
        on_delete: pulumi.Output[EsvOnDelete]
        active_version: pulumi.Output[str | None]
        wanted_version: pulumi.Output[str]
        loaded_version: pulumi.Output[str | None]
        wanted_version_status: pulumi.Output[str | None]
        superseded_versions: pulumi.Output[list[str]]
        adopted: pulumi.Output[bool]
        esv_exists: pulumi.Output[bool | None]

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
        on_delete: pulumi.Input[EsvOnDelete] = "retain",
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the ESV holding one realm's signing secret.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL, e.g. `https://tenant.forgeblocks.com/am`.
            Changing it replaces the resource.
        :param realm: The realm whose secret the ESV holds, e.g. `alpha`.
        :param name: The ESV's name: `esv-` and lowercase letters, digits and `-`. Changing it
            replaces the resource.
        :param value: A given secret (base64, at least 128 bits), always stored as a Pulumi
            secret; `None`: 256 random bits, drawn once in `create` and kept in state.
        :param rotation_trigger: Any string; changing it rotates a generated value.
        :param description: The ESV's description; default: names the realm.
        :param on_delete: `retain` (default) keeps the ESV on destroy; `delete` deletes it.
        :param opts: Pulumi resource options.
        """
        props = {
            "base_url": base_url,
            "realm": realm,
            "name": name,
            "value": pulumi.Output.secret(value) if value is not None else None,
            "rotation_trigger": rotation_trigger,
            "description": description,
            "on_delete": on_delete,
        }
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["value", "fingerprintBasis"])
        )
        registered = registration(props, self.OUTPUTS)
        super().__init__(EsvSecretProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)
