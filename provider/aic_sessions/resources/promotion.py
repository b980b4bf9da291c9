"""`Promotion`: an upper AIC environment receives the static configuration of the one below.

The resource lives in the upper stage's stack. Its `lowerDigest` input is the digest of the
static configuration the stack below deployed (that stack's `staticDigest` output, read through
a stack reference); `promotedDigest` records the digest last promoted. When they differ, `up`
runs the documented procedure (`promotion_procedure.py`) and keeps the report's summary in
outputs. `read` (refresh) asks the provisional report whether the chain's realm settings
differ from the environment below (a promotion run by hand, an out-of-band change): then
`promotedDigest` is cleared so the next `up` promotes again. In `manual` mode nothing is
locked or promoted: the resource reads the provisional report and fails naming the promotion
that is missing. `delete` undoes nothing (a promotion is undone by a rollback:
`aic-sessions rollback`).
"""

from __future__ import annotations

import dataclasses
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
from pydantic import BaseModel, ConfigDict, Field

from aic_sessions.domain.environments import sequential

from . import connection, promotion_procedure
from .base import ProviderError, SessionProvider, is_unknown
from .naming import SnakeCaseProperties, registration

INPUTS = (
    "baseUrl",
    "stage",
    "promotesFrom",
    "lowerStage",
    "lowerDigest",
    "lowerConfiguration",
    "realms",
    "mode",
    "allowedChanges",
    "ignoreEncryptedSecrets",
    "marker",
    "timeoutSeconds",
    "pollSeconds",
)


class PromotionInputs(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="ignore")

    baseUrl: str = Field(max_length=2048)
    stage: Literal["uat", "staging", "production"]
    promotesFrom: str = Field(min_length=1)
    lowerStage: str | None = None
    lowerDigest: str = Field(min_length=1)
    lowerConfiguration: dict[str, Any] | None = None  # the stack below's staticConfiguration
    realms: list[str] = Field(min_length=1)
    mode: Literal["automatic", "manual"] = "automatic"
    allowedChanges: list[str] = Field(default_factory=list)
    ignoreEncryptedSecrets: bool = False
    marker: str = Field(min_length=1)
    timeoutSeconds: float = Field(1800, gt=0)
    pollSeconds: float = Field(10, gt=0)


class PromotionProvider(SessionProvider[PromotionInputs]):
    inputs_model = PromotionInputs
    owned = INPUTS
    hints = {
        "lowerDigest": "Deploy the stack below first: it exports staticDigest.",
        "lowerStage": "A promotion never skips an environment: staging promotes from "
        "development or uat, production from staging.",
    }

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        result = super().check(olds, news)
        stage, lower = news.get("stage"), news.get("lowerStage")
        if is_unknown(lower) or result.failures or sequential(str(stage), lower):
            return result
        reason = (
            f"the {stage} stage cannot promote from {news.get('promotesFrom')!r}, whose stage "
            f"is {lower!r}. {self.hints['lowerStage']}"
        )
        return CheckResult(result.inputs, [CheckFailure("lowerStage", reason)])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        pending = olds.get("promotedDigest") != news.get("lowerDigest")
        # lowerConfiguration is what lowerDigest digests: it changes only with the digest (and a
        # state from before it was an input would otherwise show an update of nothing).
        changed = [k for k in INPUTS if k != "lowerConfiguration" and olds.get(k) != news.get(k)]
        replaces = ["baseUrl"] if olds.get("baseUrl") != news.get("baseUrl") else []
        return DiffResult(changes=bool(pending or changed), replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._converge({}, props)
        return CreateResult(f"promotion:{props['marker']}@{props['baseUrl']}", outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._converge(olds, news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        recorded = self.recorded(props)
        pending = promotion_procedure.pending_in_chain(_client(recorded.baseUrl), _plan(recorded))
        observed = {**props, "pendingChanges": pending}
        if pending:
            observed["promotedDigest"] = None  # out of step with below: promote again
        return ReadResult(id_, observed)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """A promotion is not undone by destroy (docs/environments.md: Rollback)."""

    def _converge(self, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        inputs = self.parse(news)
        # The last promotion's outputs stay until another promotion runs; pendingChanges stays
        # as the last read observed it (nothing here reads it again).
        last = ("promotionId", "reportId", "summary", "result", "pendingChanges")
        kept = {k: olds.get(k) for k in last}
        if olds.get("promotedDigest") == inputs.lowerDigest:
            return {**self.public(news), **kept, "promotedDigest": inputs.lowerDigest}
        plan = _plan(inputs)
        client = _client(inputs.baseUrl)
        if inputs.mode == "manual":
            _require_promoted(plan, inputs.baseUrl, promotion_procedure.missing(client, plan))
            return {**self.public(news), **kept, "promotedDigest": inputs.lowerDigest}
        outcome = promotion_procedure.run(client, _with_settled(plan, inputs), _log)
        connection.current().read_cache.clear()  # what this process read of the realms is now stale
        if outcome.promotion_id is None:  # nothing to promote: observed, the last one stands
            return {
                **self.public(news),
                **kept,
                "promotedDigest": inputs.lowerDigest,
                "result": outcome.result,
                "pendingChanges": [],
            }
        return {
            **self.public(news),
            "promotedDigest": inputs.lowerDigest,
            "promotionId": outcome.promotion_id,
            "reportId": outcome.report_id,
            "summary": outcome.summary,
            "result": outcome.result,
            "pendingChanges": [],
        }


def _plan(inputs: PromotionInputs) -> promotion_procedure.Plan:
    return promotion_procedure.Plan(
        marker=inputs.marker,
        source=inputs.promotesFrom,
        digest=inputs.lowerDigest,
        realms=tuple(inputs.realms),
        allowed=tuple(inputs.allowedChanges),
        ignore_encrypted_secrets=inputs.ignoreEncryptedSecrets,
        timeout=float(inputs.timeoutSeconds),
        interval=float(inputs.pollSeconds),
    )


def _with_settled(
    plan: promotion_procedure.Plan, inputs: PromotionInputs
) -> promotion_procedure.Plan:
    """The plan, knowing which of the chain's documents the stack below gives no reason to
    change (read from this tenant, before anything is locked)."""
    if inputs.lowerConfiguration is None:
        return plan
    from .promotion_expected import settled_documents

    reader = connection.client_for(inputs.baseUrl)
    settled = settled_documents(reader, inputs.lowerConfiguration, inputs.realms)
    return dataclasses.replace(plan, settled=frozenset(settled))


def _require_promoted(plan: promotion_procedure.Plan, base_url: str, pending: list[str]) -> None:
    if pending:
        from aic_sessions.client.esv import tenant_root
        from aic_sessions.client.promotion import BASE

        shown = "\n  ".join(pending)
        api = tenant_root(base_url) + BASE
        raise ProviderError(
            f"The promotion from {plan.source} (static configuration {plan.digest[:12]}) is "
            f"missing: a promotion would bring\n  {shown}\nThis stack's promotion mode is "
            "manual: run the promotion (lock, dry run, promote, unlock) with the tenant's "
            f"self-service promotions API, {api}, or a tool that calls it (e.g. "
            "fr-config-manager's fr-config-promote), then run pulumi up again. Nothing was "
            "written."
        )


def _client(base_url: str) -> Any:
    """The promotions client of the upper tenant, sharing the admin client's credentials."""
    return connection.current().promotion_client(base_url)


def _log(message: str) -> None:
    pulumi.log.info(f"promotion: {message}")


class Promotion(SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="Promotion"):
    """Promotes the environment below into this (upper) AIC environment when what the stack
    below deployed has changed since the last promotion. Attributes are snake_case."""

    OUTPUTS = (
        "promoted_digest",
        "promotion_id",
        "report_id",
        "summary",
        "result",
        "pending_changes",
    )

    # At run time on purpose: the SDK casts `summary`'s counts to int from these (one
    # registration per stack, so resolving them costs nothing that matters).
    promotes_from: pulumi.Output[str]
    promoted_digest: pulumi.Output[str]
    promotion_id: pulumi.Output[str | None]
    report_id: pulumi.Output[str | None]
    summary: pulumi.Output[dict[str, dict[str, int]]]
    result: pulumi.Output[str | None]
    pending_changes: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        *,
        base_url: pulumi.Input[str],
        stage: pulumi.Input[str],
        promotes_from: pulumi.Input[str],
        lower_stage: pulumi.Input[str | None],
        lower_digest: pulumi.Input[str],
        realms: pulumi.Input[list[str]],
        marker: pulumi.Input[str],
        lower_configuration: pulumi.Input[dict[str, Any]] | None = None,
        mode: pulumi.Input[str] = "automatic",
        allowed_changes: pulumi.Input[list[str]] | None = None,
        ignore_encrypted_secrets: pulumi.Input[bool] = False,
        timeout_seconds: pulumi.Input[float] = 1800,
        poll_seconds: pulumi.Input[float] = 10,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the promotion into one upper environment.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param base_url: The upper tenant's AM URL; the promotions API is at its root.
        :param stage: This environment's stage: `uat`, `staging` or `production`.
        :param promotes_from: The stack below (named in messages and the lock description).
        :param lower_stage: The stage of the stack below (a promotion never skips a stage).
        :param lower_digest: The stack below's `staticDigest` output: a change promotes.
        :param lower_configuration: The stack below's `staticConfiguration` output. Given, a
            promotion that would change a realm document whose declared values this tenant
            already holds (a change made by hand below) is refused before anything moves.
        :param realms: The chain's realms: their session settings are what the chain owns.
        :param marker: The start of the lock description naming this stack, by which an
            interrupted run finds its own lock, e.g. `aic-sessions <project>/<stack>:`.
        :param mode: `automatic` promotes; `manual` only fails naming the missing promotion.
        :param allowed_changes: Reviewed shell patterns over `<configItem>/<realm>/<name>`
            of changes beyond the chain that a promotion may carry.
        :param ignore_encrypted_secrets: Promote even when the dry run reports encrypted
            secrets (they are not carried over).
        :param timeout_seconds: How long each lock, dry run and promotion may take.
        :param poll_seconds: How often their state is read.
        :param opts: Pulumi resource options.
        """
        props = {
            "base_url": base_url,
            "stage": stage,
            "promotes_from": promotes_from,
            "lower_stage": lower_stage,
            "lower_digest": lower_digest,
            "lower_configuration": lower_configuration,
            "realms": realms,
            "marker": marker,
            "mode": mode,
            "allowed_changes": allowed_changes or [],
            "ignore_encrypted_secrets": ignore_encrypted_secrets,
            "timeout_seconds": timeout_seconds,
            "poll_seconds": poll_seconds,
        }
        registered = registration(props, self.OUTPUTS)
        super().__init__(PromotionProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)
