"""`SigningSecret`: the realm's Organization Authentication Signing Secret (journey signing).

Three sources: a given base64 `value` (a Pulumi secret), one generated once (256 random bits,
kept across runs, rotated by changing `rotationTrigger`), or an ESV reference
(`esvReference="esv-my-secret"` or `"&{esv.my.secret}"`, AIC only). `check` validates a given
value and computes the non-secret `fingerprint` before anything is sent, so policies see it at
preview. A generated secret is drawn in `create` (or in `update` when `rotationTrigger`
changes), never in `check`: `check` runs again at `up`, and a value drawn there would differ
from the previewed one, so saved plans could not hold. Its fingerprint is unknown at preview.
The value is kept in state as an encrypted output and never appears in plaintext in state, logs
or messages. AM never returns the secret: drift is seen through its visible form (an ESV
reference where we wrote a value, or another one) and, for a value the stack holds, through its
effect: AM signs each journey's `authId` with the realm's secret, so `create`/`update` confirm a
write and `read` (refresh) checks the secret in effect by starting a journey and verifying that
signature (`secretInEffect`). A foreign write that reset the secret reads `secretInEffect=false`,
which `diff` turns into an update. With `assertOnly=True` (an environment that refuses static
writes) the realm must already reference the ESV named by `esvReference`: nothing is written.
"""

from __future__ import annotations

from concurrent import futures
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
from pydantic import SecretStr, field_validator

from aic_sessions.client.values import AIC_SECRET_PLACEHOLDER, SecretForm
from aic_sessions.domain import signing_secrets

from . import connection
from .asserted import ASSERT_KEYS, assert_only, refuse_drift
from .base import (
    BASELINE,
    ProviderError,
    RealmInputs,
    SessionProvider,
    gone_on_404,
    is_unknown,
)
from .naming import OnDelete, SnakeCaseProperties, ValueSource, registration
from .ownership import direct_claim
from .wire import as_secret, plain

if TYPE_CHECKING:
    from aic_sessions.client.client import AdminClient
    from aic_sessions.client.models import AuthenticationSettingsPatch

FINGERPRINT_KEYS = ("fingerprint", "fingerprintBasis")
STACK_VALUE = "stack-value"  # secretForm: the placeholder shown, the stack's value in effect


def with_value(
    olds: dict[str, Any], news: dict[str, Any], value: str, source: str
) -> dict[str, Any]:
    """The inputs with the value as a secret and its fingerprint (`fingerprintBasis`, a fast
    digest of value and key stored encrypted like the value, spares scrypt when unchanged)."""
    key = connection.stack_setting("fingerprintKey") or ""
    old_basis, old = plain(olds.get("fingerprintBasis")), olds.get("fingerprint")
    fingerprint, basis = signing_secrets.kept_fingerprint(value, key, old_basis, old)
    return {
        **news,
        "value": as_secret(value),
        "valueSource": source,
        "fingerprint": fingerprint,
        "fingerprintBasis": as_secret(basis),
    }


class SecretInputs(RealmInputs):
    value: SecretStr | None = None
    esvReference: str | None = None
    rotationTrigger: str | None = None
    onDelete: Literal["restore", "retain"] = "retain"

    @field_validator("esvReference")
    @classmethod
    def _esv(cls, value: str | None) -> str | None:
        if value is not None and signing_secrets.esv_expression(value) is None:
            raise ValueError(
                "is not an ESV name ('esv-my-secret') or expression ('&{esv.my.secret}')"
            )
        return value


class SigningSecretProvider(SessionProvider[SecretInputs]):
    inputs_model = SecretInputs
    owned = ("fingerprint", "esvReference", "valueSource", "onDelete", *ASSERT_KEYS)
    hints = {
        "esvReference": "Name an ESV holding the secret, e.g. 'esv-am-signing-secret'.",
        "onDelete": "Use 'retain' (leave the secret) or 'restore' (AIC: back to the prior form).",
    }

    def check_inputs(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check_inputs(olds, news)
        news = result.inputs  # baseUrl and realm in their one spelling
        if result.failures or is_unknown(news.get("value")):
            return result
        if is_unknown(news.get("esvReference")):  # an ESV, named once known: checked again then
            return CheckResult({**news, "valueSource": "esv", "fingerprint": None}, [])
        value = plain(news.get("value"))
        if value is not None and news.get("esvReference") is not None:
            both = CheckFailure("value", "give either value or esvReference, not both.")
            return CheckResult(news, [both])
        if assert_only(news) and news.get("esvReference") is None:
            reason = (
                "an environment that refuses static writes can only assert an ESV reference; "
                "give esvReference (the ESV this environment sets) instead of a value."
            )
            return CheckResult(news, [CheckFailure("esvReference", reason)])
        if news.get("esvReference") is not None:
            ref = signing_secrets.esv_expression(news["esvReference"])
            return CheckResult(
                {**news, "valueSource": "esv", "esvReference": ref, "fingerprint": None}, []
            )
        if value is not None:
            problems = signing_secrets.problems(value)
            if problems:
                return CheckResult(
                    news, [CheckFailure("value", f"The signing secret {p}.") for p in problems]
                )
            value = signing_secrets.normalise(value)  # the one spelling written and proved
            return CheckResult(with_value(olds, news, value, "given"), [])
        hidden = ("value", "fingerprint", "fingerprintBasis")  # known once drawn in create
        return CheckResult(
            {**{k: v for k, v in news.items() if k not in hidden}, "valueSource": "generated"}, []
        )

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Owned inputs; a generated secret's fingerprint is not an input (a new trigger means a
        new one); and a secret that refresh found not in effect is written again."""
        update = DiffResult(changes=True, replaces=[], delete_before_replace=True)
        if news.get("valueSource") == "generated":
            result = super().diff(id_, olds, {**news, "fingerprint": olds.get("fingerprint")})
            if olds.get("rotationTrigger") != news.get("rotationTrigger") and not result.replaces:
                result = update
        else:
            result = super().diff(id_, olds, news)
        if _replaced(olds) and not result.changes:
            return update
        return result

    def _drawn(self, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        """A generated secret: the one in state, or a new one when none or rotated."""
        keep = (
            olds.get("valueSource") == "generated"
            and olds.get("rotationTrigger") == news.get("rotationTrigger")
            and olds.get("fingerprint")
        )
        if keep:
            return {k: olds.get(k) for k in ("value", "fingerprint", "fingerprintBasis")}
        return with_value({}, news, signing_secrets.generate(), "generated")

    def create(self, props: dict[str, Any]) -> CreateResult:
        if assert_only(props):
            outs = {**_outputs(props), **self._asserted(props), "priorForm": None}
            return CreateResult(self.resource_id("signing-secret", props), outs)
        if props.get("valueSource") == "generated":
            props = {**props, **self._drawn({}, props)}
        with self.realm(props) as client:
            prior_form, prior_ref = _prior_form(client, props)
            refuse_where_unsupported(props, prior_form)
            undo = _reference_patch(prior_form, prior_ref)
            in_effect = _write_confirmed(client, props, undo)
        outs = {
            **_outputs(props),
            "priorForm": prior_form,
            "priorEsvReference": prior_ref,
            "secretInEffect": in_effect,
        }
        return CreateResult(self.resource_id("signing-secret", props), outs)

    @gone_on_404
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        client = self.reader(props)
        # The journey and the document at once: the journey does not depend on the document.
        journey = connection.current().beside(secret_in_effect, client, props)
        try:
            security = client.read_authentication_settings(props["realm"]).security
        except BaseException:
            futures.wait([journey])  # waited for, but the read's error is the one to report
            raise
        in_effect = journey.result()
        form, ref = security.secret_form() if security else (SecretForm.UNKNOWN, None)
        observed = {**_drift(props, form, ref, in_effect), "secretInEffect": in_effect}
        outs = {**props, **observed}
        return ReadResult(id_, outs, _read_inputs(outs))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if assert_only(news):
            return UpdateResult({**_outputs(news), **self._asserted(news), "priorForm": None})
        if news.get("valueSource") == "generated":
            news = {**news, **self._drawn(olds, news)}
        refuse_where_unsupported(news, olds.get("priorForm"))
        in_effect = olds.get("secretInEffect")
        rewrite = _replaced(olds) or any(
            olds.get(k) != news.get(k) for k in ("fingerprint", "esvReference", "valueSource")
        )
        if rewrite:
            with self.realm(news) as client:
                in_effect = _write_confirmed(client, news, _previous(olds))
        prior = {k: olds.get(k) for k in ("priorForm", "priorEsvReference")}
        return UpdateResult({**_outputs(news), **prior, "secretInEffect": in_effect})

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if self.recorded(props).onDelete == "retain" or assert_only(props):
            return
        undo = _reference_patch(props.get("priorForm") or "", props.get("priorEsvReference"))
        if undo is None:
            pulumi.log.warn(
                f"{props['realm']}: the prior signing secret cannot be restored (AM never returns "
                "it); the current secret was left in place."
            )
            return
        with self.realm(props) as client:
            client.update_authentication_settings(props["realm"], undo)

    def _asserted(self, props: dict[str, Any]) -> dict[str, Any]:
        """The realm must reference the ESV (promoted from below); read, never written."""
        with self.realm(props) as client:
            security = client.read_authentication_settings(props["realm"]).security
        form, ref = security.secret_form() if security else (SecretForm.UNKNOWN, None)
        wanted = props["esvReference"]
        if ref != wanted:
            refuse_drift(props["realm"], props, {"signingSecret": (wanted, ref or form.value)})
        return {"secretForm": form.value, "secretInEffect": None}


def refuse_where_unsupported(props: dict[str, Any], prior_form: Any) -> None:
    """Before any write: a server that shows no signing secret (`sharedSecret` is null, as
    self-managed AM answers; AIC shows a placeholder) has no ESVs to reference, and never
    returns a secret that destroy could put back."""
    if prior_form != SecretForm.HIDDEN.value:
        return
    realm, hidden = props["realm"], "this server shows no signing secret (sharedSecret is null)"
    if props.get("valueSource") == "esv":
        raise ProviderError(
            f"{realm}: esvReference: ESVs exist only on Advanced Identity Cloud, and {hidden}, "
            "as self-managed AM does. Give value, or neither for a generated secret (in a "
            "stack file: signingSecret.source given or generated). The signing secret was not "
            "written."
        )
    if props.get("onDelete") == "restore":
        raise ProviderError(
            f"{realm}: onDelete: 'restore' puts back the secret the realm showed before (AIC's "
            f"tenant-generated secret or an ESV reference), and {hidden}, as self-managed AM "
            "does: destroy could not restore it. Use on_delete='retain' (the default). The "
            "signing secret was not written."
        )


def _secret_patch(**fields: Any) -> AuthenticationSettingsPatch:
    """A write of the secret; the wire models load here, not with the provider (whose `check`
    and `diff` send nothing)."""
    from aic_sessions.client.models import AuthenticationSettingsPatch

    return AuthenticationSettingsPatch(**fields)


def _patch(props: dict[str, Any]) -> AuthenticationSettingsPatch:
    """The write of the secret (or ESV reference) `props` hold."""
    if props.get("valueSource") == "esv":
        return _secret_patch(shared_secret_reference=props["esvReference"])
    return _secret_patch(shared_secret=SecretStr(str(plain(props["value"]))))


def _previous(olds: dict[str, Any]) -> AuthenticationSettingsPatch | None:
    """The write that puts the secret of the previous deployment back (None: it held none)."""
    if olds.get("valueSource") == "esv" or plain(olds.get("value")):
        return _patch(olds)
    return None


def _reference_patch(form: str, reference: str | None) -> AuthenticationSettingsPatch | None:
    """The write that puts a prior tenant-generated secret or ESV reference back (None: the
    prior secret was a literal value, which AM never returns)."""
    restorable = {
        SecretForm.TENANT_GENERATED.value: AIC_SECRET_PLACEHOLDER,
        SecretForm.ESV_REFERENCE.value: reference,
    }.get(form)
    return _secret_patch(shared_secret_reference=restorable) if restorable else None


def _prior_form(client: AdminClient, props: dict[str, Any]) -> tuple[str, str | None]:
    """The secret's form before this stack wrote it: from the realm's baseline, else read."""
    baseline = props.get(BASELINE)
    if isinstance(baseline, dict) and "priorForm" in baseline:
        return str(baseline["priorForm"]), baseline.get("priorEsvReference")
    security = client.read_authentication_settings(props["realm"]).security
    form, reference = security.secret_form() if security else (SecretForm.UNKNOWN, None)
    return form.value, reference


def secret_in_effect(client: AdminClient, props: dict[str, Any]) -> bool | None:
    """Whether a new journey's `authId` is signed with the secret the stack holds; None when it
    cannot be observed (an ESV-held value, or a journey answering without an authId)."""
    value = plain(props.get("value"))
    if props.get("valueSource") == "esv" or not value:
        return None
    from aic_sessions.client.tokens import auth_id_signed_with  # where a journey is started

    auth_id = client.start_journey(props["realm"])
    return auth_id_signed_with(auth_id, str(value)) if auth_id else None


def _write_confirmed(
    client: AdminClient, props: dict[str, Any], undo: AuthenticationSettingsPatch | None
) -> bool | None:
    """Write the secret and confirm it by the journeys it signs (AM never reads a secret back).

    A write whose proof fails is rolled back with `undo` (the prior secret or reference) where
    there is one; the error says which, so the realm never silently holds what state does not.
    """
    realm = props["realm"]
    client.update_authentication_settings(realm, _patch(props))
    in_effect = secret_in_effect(client, props)
    if in_effect is False:
        if undo is not None:
            client.update_authentication_settings(realm, undo)
            outcome = "The prior signing secret was written back, so the realm is as it was."
        else:
            outcome = (
                "The prior secret cannot be written back (AM never returns a literal secret): "
                "the realm holds the new one and the state does not, so the next pulumi up "
                "writes it again."
            )
        raise ProviderError(
            f"{realm}: the server accepted the signing secret, but new journeys are not signed "
            "with it, so it is not in effect (a property expression or a cluster that did not "
            f"take the change?). {outcome} Check the realm's Security settings."
        )
    if in_effect is None and props.get("valueSource") != "esv":
        pulumi.log.warn(
            f"{props['realm']}: could not confirm the signing secret (the realm's default "
            "journey gave no authId to check); secretInEffect is unknown."
        )
    return in_effect


def _outputs(props: dict[str, Any]) -> dict[str, Any]:
    """Everything but a given value's digest; the value (given or generated) stays in state as
    an encrypted output, so refresh can check the secret in effect."""
    public = SessionProvider.public(props)
    if props.get("valueSource") == "esv":
        return {k: v for k, v in public.items() if k not in ("value", "fingerprintBasis")}
    return {**public, **{k: _secret(public.get(k)) for k in ("value", "fingerprintBasis")}}


def _secret(value: Any) -> Any:
    return None if value is None else as_secret(str(plain(value)))


def _read_inputs(outs: dict[str, Any]) -> dict[str, Any]:
    """The inputs of the next diff after a read: the ones `check` gave (a generated secret's
    value and fingerprint are drawn in create, not inputs), plus the observation that makes the
    next `up` write the secret again, so a preview names it (`- secretInEffect: false`) instead
    of a bare `~ update` (the program never sets these two)."""
    names = {*SecretInputs.model_fields, *ASSERT_KEYS, "valueSource", *FINGERPRINT_KEYS}
    if outs.get("valueSource") == "generated":
        names -= {"value", *FINGERPRINT_KEYS}
    inputs = {k: v for k, v in outs.items() if k in names and v is not None}
    for key in ("value", "fingerprintBasis"):  # stored encrypted, as check gave them
        if key in inputs:
            inputs[key] = _secret(inputs[key])
    if outs.get("secretInEffect") is False:
        inputs["secretInEffect"] = False
    if _replaced(outs) and outs.get("secretForm") == SecretForm.ESV_REFERENCE.value:
        inputs["secretForm"] = outs["secretForm"]
    return inputs


def _replaced(olds: dict[str, Any]) -> bool:
    """Whether the last read saw another secret than the stack's: journeys not signed with
    the stack's value, or the realm showing an ESV reference where the stack wrote a value
    (both observed; neither is deduced from the other)."""
    wrote_value = olds.get("valueSource") in ("given", "generated")
    shows_esv = olds.get("secretForm") == SecretForm.ESV_REFERENCE.value
    return olds.get("secretInEffect") is False or (wrote_value and shows_esv)


def _drift(
    props: dict[str, Any], form: SecretForm, ref: str | None, in_effect: bool | None
) -> dict[str, Any]:
    """What refresh can tell: the secret's visible form, as its own output (`secretForm`), and
    for an ESV reference we wrote, the reference the realm shows now (None: it shows none).

    The AIC placeholder (`&{am.authentication.shared.secret}`) may be shown over a value
    written to the realm too (the emulator does; no AIC recording says), so it reads
    `tenant-generated` only when journeys are not proved to be signed with the stack's own
    value; when they are, it reads `stack-value`.
    """
    stack_value = form is SecretForm.TENANT_GENERATED and in_effect is True
    observed: dict[str, Any] = {"secretForm": STACK_VALUE if stack_value else form.value}
    if props.get("valueSource") == "esv":
        observed["esvReference"] = ref
    return observed


class SigningSecret(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="SigningSecret"
):
    """The Organization Authentication Signing Secret of one realm (the Security tab).

    Give a `value`, an `esv_reference`, or neither to have 256 random bits generated once (in
    `create`) and kept in state, encrypted. The value is never a plaintext output, log line or
    message; `fingerprint` (`scrypt:<hex>`) lets stacks be compared without it. Attributes are
    snake_case; state and policies use camelCase.
    """

    OUTPUTS = (
        "value",
        "value_source",
        "fingerprint",
        "prior_form",
        "prior_esv_reference",
        "secret_in_effect",
        "secret_form",
    )

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        base_url: pulumi.Output[str]
        realm: pulumi.Output[str]
        value_source: pulumi.Output[ValueSource]
        fingerprint: pulumi.Output[str | None]
        esv_reference: pulumi.Output[str | None]
        rotation_trigger: pulumi.Output[str | None]
        on_delete: pulumi.Output[OnDelete]
        prior_form: pulumi.Output[str]
        prior_esv_reference: pulumi.Output[str | None]
        secret_in_effect: pulumi.Output[bool | None]
        secret_form: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        realm: pulumi.Input[str],
        value: pulumi.Input[str] | None = None,
        esv_reference: pulumi.Input[str] | None = None,
        rotation_trigger: pulumi.Input[str] | None = None,
        on_delete: pulumi.Input[OnDelete] = "retain",
        baseline: pulumi.Input[dict[str, Any]] | None = None,
        assert_only: pulumi.Input[bool] | None = None,
        promotes_from: pulumi.Input[str] | None = None,
        promotion_id: pulumi.Input[str | None] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the signing secret of one realm.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The tenant's AM URL, e.g. `https://tenant.forgeblocks.com/am`.
            Changing it replaces the resource.
        :param realm: The realm, e.g. `alpha` (nested: `parent/child`). Changing it replaces
            the resource.
        :param value: A given secret: base64 in the standard or the URL-safe alphabet (not
            both), padded or not, at least 128 bits decoded; written (and kept in state) as
            standard padded base64. Always stored as a Pulumi secret. Not with `esv_reference`.
        :param esv_reference: An ESV holding the secret (AIC): `esv-name` or `&{esv.name}`.
            Not with `value`.
        :param rotation_trigger: Any string; changing it rotates a generated secret.
        :param on_delete: `retain` (default) leaves the secret as it is on destroy; `restore`
            (AIC only) writes the prior tenant-generated secret or ESV reference back.
        :param baseline: The realm's `RealmBaseline.observed`: prior values are taken from it
            (recorded before any write) instead of being read at create.
        :param assert_only: Never write (an environment that refuses static writes): create
            and update fail, naming the missing promotion, unless the realm already references
            `esv_reference`; destroy writes nothing back.
        :param promotes_from: The stack of the environment below, named in those failures.
        :param promotion_id: The promotion that brought the values (`Promotion.promotion_id`):
            when it changes, the realm is read and asserted again.
        :param opts: Pulumi resource options.
        """
        props = {
            "base_url": base_url,
            "realm": realm,
            "value": pulumi.Output.secret(value) if value is not None else None,
            "esv_reference": esv_reference,
            "rotation_trigger": rotation_trigger,
            "on_delete": on_delete,
            BASELINE: baseline,
            "assert_only": assert_only,
            "promotes_from": promotes_from,
            "promotion_id": promotion_id,
        }
        props |= direct_claim(props, BASELINE)  # declared on its own: one owner per realm
        opts = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["value", "fingerprintBasis"])
        )
        registered = registration(props, self.OUTPUTS)
        super().__init__(SigningSecretProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)
