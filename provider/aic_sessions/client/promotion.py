"""`PromotionClient`: AIC self-service promotions, run against the UPPER environment (pull model).

    {tenant}/environment/promotion/lock[/state|/<promotionId>]     lock, lock state, unlock
    {tenant}/environment/promotion/promote                         start (POST), status (GET)
    {tenant}/environment/promotion/report[/provisional[-rollback]|/<id>], .../reports
    {tenant}/environment/promotion/rollback

Same transport rules as `EsvClient` (bounded retries, a deadline, typed and scrubbed errors),
with the promotion scope (`fr:idc:promotion:*`) on the service account. Every model keeps what
the API sent and nothing else: an attribute it did not send is None. Locking, unlocking and
promoting are asynchronous; the `wait_*` methods poll with an injectable sleep and clock, and
the values a running or finished promotion reports come from `inferred.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from . import inferred
from .auth import BearerAuthenticator, ServiceAccountAuthenticator
from .errors import (
    ConfigurationError,
    PromotionFailed,
    PromotionTimeoutError,
    RequestContext,
    UnexpectedAnswerError,
)
from .esv import tenant_root
from .settings import BearerAuth, ServiceAccountAuth
from .transport import Call, Transport

PROMOTION_API = "protocol=1.0,resource=1.0"
PROMOTION_SCOPE = "fr:idc:promotion:*"
BASE = "/environment/promotion"
LOCK_RESULTS = ("unlocked", "locking", "locked", "unlocking", "error")  # documented

Progress = Callable[[float, str], None]
T = TypeVar("T")


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class EnvironmentLock(_Wire):
    """One environment's side of the lock (`lowerEnv` / `upperEnv`)."""

    state: str | None = None
    proxy_state: str | None = Field(None, alias="proxyState")
    promotion_id: str | None = Field(None, alias="promotionId")


class LockState(_Wire):
    """GET /lock/state: both environments' lock."""

    result: str | None = None
    description: str | None = None
    promotion_id: str | None = Field(None, alias="promotionId")
    lower_env: EnvironmentLock | None = Field(None, alias="lowerEnv")
    upper_env: EnvironmentLock | None = Field(None, alias="upperEnv")


class LockAnswer(_Wire):
    """POST /lock and DELETE /lock/<id>: `{description, promotionId, result}`."""

    result: str | None = None
    description: str | None = None
    promotion_id: str | None = Field(None, alias="promotionId")


class PromotionStatus(_Wire):
    """GET /promote: the running or last promotion (or rollback)."""

    status: str | None = None
    message: str | None = None
    type: str | None = None
    global_lock: str | None = Field(None, alias="globalLock")
    blocking_error: bool | None = Field(None, alias="blockingError")
    promotion_id: str | None = Field(None, alias="promotionId")
    time_stamp: str | None = Field(None, alias="timeStamp")
    missing_esvs: list[str] | None = Field(None, alias="missingESVs")
    encrypted_secrets: list[str] | None = Field(None, alias="encryptedSecrets")

    @property
    def running(self) -> bool:
        return self.status in inferred.PROMOTION_RUNNING

    @property
    def finished(self) -> bool:
        """A final status: the run succeeded or failed."""
        return (
            self.status in inferred.PROMOTION_SUCCEEDED or self.status in inferred.PROMOTION_FAILED
        )

    @property
    def failed(self) -> bool:
        return self.status in inferred.PROMOTION_FAILED or bool(self.blocking_error)

    def blocked(self, ignore_encrypted_secrets: bool = False) -> bool:
        """Failed, or names what would block a promotion (missing ESVs, encrypted secrets)."""
        secrets = self.encrypted_secrets and not ignore_encrypted_secrets
        return self.failed or bool(self.missing_esvs) or bool(secrets)


class ChangedItem(_Wire):
    """One changed item of a report: `{name, realm, uid}`."""

    name: str | None = None
    realm: str | None = None
    uid: str | None = None


class ConfigChange(_Wire):
    added: list[ChangedItem] | None = None
    modified: list[ChangedItem] | None = None
    deleted: list[ChangedItem] | None = None


class ConfigItemReport(_Wire):
    """One entry of `report.AMConfig` / `report.IDMConfig`."""

    config_item: str | None = Field(None, alias="configItem")
    config_change: ConfigChange | None = Field(None, alias="configChange")


class ReportBody(_Wire):
    am_config: list[ConfigItemReport] | None = Field(None, alias="AMConfig")
    idm_config: list[ConfigItemReport] | None = Field(None, alias="IDMConfig")


class Change(BaseModel):
    """A report's change flattened: which product, config item, kind and item."""

    product: str
    config_item: str | None
    kind: str
    item: ChangedItem


class PromotionReport(_Wire):
    """A promotion, dry-run, rollback or provisional report."""

    report_id: str | None = Field(None, alias="reportId")
    report_name: str | None = Field(None, alias="reportName")
    promotion_id: str | None = Field(None, alias="promotionId")
    promoter: str | None = None
    promotion_description: str | None = Field(None, alias="promotionDescription")
    created_date: str | None = Field(None, alias="createdDate")
    dry_run: bool | None = Field(None, alias="dryRun")
    type: str | None = None
    missing_esvs: list[str] | None = Field(None, alias="missingESVs")
    previously_ignored_encrypted_secrets: list[str] | None = Field(
        None, alias="previouslyIgnoredEncryptedSecrets"
    )
    report: ReportBody | None = None

    def changes(self) -> list[Change]:
        """Every change the report lists, in its order."""
        found: list[Change] = []
        body = self.report or ReportBody()
        for product, entries in (("AMConfig", body.am_config), ("IDMConfig", body.idm_config)):
            for entry in entries or []:
                change = entry.config_change or ConfigChange()
                for kind in ("added", "modified", "deleted"):
                    for item in getattr(change, kind) or []:
                        found.append(
                            Change(
                                product=product, config_item=entry.config_item, kind=kind, item=item
                            )
                        )
        return found


class PromotionReportStub(_Wire):
    """One element of GET /reports."""

    report_id: str | None = Field(None, alias="reportId")
    promotion_id: str | None = Field(None, alias="promotionId")
    created_date: str | None = Field(None, alias="createdDate")
    dry_run: bool | None = Field(None, alias="dryRun")
    type: str | None = None


def environment_transport(am_transport: Transport, scope: str, what: str) -> Transport:
    """A transport at the tenant's root URL, authenticated for one environment-API scope."""
    settings = am_transport.settings
    transport = Transport(settings.model_copy(update={"base_url": tenant_root(settings.base_url)}))
    auth = settings.auth
    if isinstance(auth, ServiceAccountAuth):
        scoped = auth.model_copy(update={"scope": scope})
        transport.authenticator = ServiceAccountAuthenticator(scoped, am_transport)
    elif isinstance(auth, BearerAuth):
        transport.authenticator = BearerAuthenticator(auth)
    else:
        raise ConfigurationError(
            None,
            f"{what} exist only on Advanced Identity Cloud: use a service account with the "
            f"{scope} scope (or an access token), not an AM admin login.",
        )
    return transport


class PromotionClient:
    """The promotions API of one upper environment. Thread-safe; one per environment."""

    def __init__(
        self,
        am_transport: Transport,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = environment_transport(am_transport, PROMOTION_SCOPE, "Promotions")
        self._sleep = sleep
        self._clock = clock

    def close(self) -> None:
        self.transport.close()

    # locks -------------------------------------------------------------------------------

    def lock_state(self) -> LockState:
        call = self._call("Reading the promotion lock state", "GET", "/lock/state")
        return LockState.model_validate(self._object(call))

    def lock(self, description: str = "") -> str:
        """Start locking both environments; the promotion id of the new lock."""
        body = {"description": description} if description else {}
        call = self._call("Locking the environments", "POST", "/lock", json=body, idempotent=False)
        answer = LockAnswer.model_validate(self._object(call))
        if not answer.promotion_id:
            raise UnexpectedAnswerError(call.context(), "The lock answer had no promotionId.")
        return answer.promotion_id

    def unlock(self, promotion_id: str) -> LockAnswer:
        call = self._call(
            f"Unlocking the environments of promotion {promotion_id!r}",
            "DELETE",
            f"/lock/{promotion_id}",
        )
        return LockAnswer.model_validate(self._object(call))

    def wait_for_lock(
        self, result: str, timeout: float, interval: float = 2.0, progress: Progress | None = None
    ) -> LockState:
        """Poll the lock state until its `result` is `result` (e.g. locked, unlocked)."""
        if result not in LOCK_RESULTS:
            raise ValueError(f"result must be one of {LOCK_RESULTS}, not {result!r}")

        def done(state: LockState) -> bool:
            if state.result == "error" and result != "error":
                raise PromotionFailed(
                    self._context("Waiting for the lock", "GET", "/lock/state"),
                    f"The lock state is 'error' while waiting for '{result}'.",
                )
            return state.result == result

        return self._poll(
            self.lock_state,
            done,
            lambda s: str(s.result),
            timeout,
            interval,
            progress,
            self._context(f"Waiting for the lock state '{result}'", "GET", "/lock/state"),
        )

    # promotions --------------------------------------------------------------------------

    def promote(
        self,
        dry_run: bool,
        promoter: str,
        description: str,
        ignore_encrypted_secrets: bool = False,
        unlock_after: bool = False,
        ticket: str = "",
    ) -> str:
        """Start a promotion (or a dry run) from the environment below; the API's `result`."""
        body = {
            "dryRun": dry_run,
            "ignoreEncryptedSecrets": ignore_encrypted_secrets,
            "promoter": promoter,
            "promotionDescription": description,
            "unlockEnvironmentsAfterPromotion": unlock_after,
            "zendeskTicketReference": ticket,
        }
        what = "Starting a dry run" if dry_run else "Starting a promotion"
        call = self._call(what, "POST", "/promote", json=body, idempotent=False)
        return str(self._object(call).get("result"))

    def status(self) -> PromotionStatus:
        call = self._call("Reading the promotion status", "GET", "/promote")
        return PromotionStatus.model_validate(self._object(call))

    def wait_for_promotion(
        self,
        timeout: float,
        interval: float = 5.0,
        ignore_encrypted_secrets: bool = False,
        progress: Progress | None = None,
    ) -> PromotionStatus:
        """Poll until the run ends; its final status, or PromotionFailed naming what blocked.

        The run has ended when the status is a final one (succeeded or failed), or `READY`
        after it was seen running: a `READY` first read may be a run not started yet.
        """
        context = self._context("Waiting for the promotion", "GET", "/promote")
        seen_running = False

        def ended(status: PromotionStatus) -> bool:
            nonlocal seen_running
            seen_running = seen_running or status.running
            return status.finished or (status.status == inferred.PROMOTION_IDLE and seen_running)

        final = self._poll(
            self.status,
            ended,
            lambda s: str(s.status),
            timeout,
            interval,
            progress,
            context,
        )
        if final.blocked(ignore_encrypted_secrets):
            raise promotion_failed(context, final)
        return final

    def rollback(
        self, promoter: str, description: str, unlock_after: bool = False, ticket: str = ""
    ) -> str:
        """Start restoring the upper environment's configuration before the last promotion."""
        body = {
            "promoter": promoter,
            "promotionDescription": description,
            "unlockEnvironmentsAfterPromotion": unlock_after,
            "zendeskTicketReference": ticket,
        }
        call = self._call("Starting a rollback", "POST", "/rollback", json=body, idempotent=False)
        return str(self._object(call).get("result"))

    # reports -----------------------------------------------------------------------------

    def provisional_report(self) -> PromotionReport:
        return self._report("Reading the provisional promotion report", "/report/provisional")

    def provisional_rollback_report(self) -> PromotionReport:
        path = "/report/provisional-rollback"
        return self._report("Reading the provisional rollback report", path)

    def report(self, report_id: str | None = None) -> PromotionReport:
        """The last report, or the one with `report_id`."""
        if report_id is None:
            return self._report("Reading the last promotion report", "/report")
        return self._report(f"Reading promotion report {report_id!r}", f"/report/{report_id}")

    def reports(self) -> list[PromotionReportStub]:
        call = self._call("Listing promotion reports", "GET", "/reports")
        body = self.transport.json(call)
        items = body.get("result") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise UnexpectedAnswerError(call.context(), "The reports answer was not a list.")
        return [PromotionReportStub.model_validate(item) for item in items]

    # helpers -----------------------------------------------------------------------------

    def _report(self, operation: str, path: str) -> PromotionReport:
        return PromotionReport.model_validate(self._object(self._call(operation, "GET", path)))

    def _object(self, call: Call) -> dict[str, Any]:
        body = self.transport.json(call)
        if not isinstance(body, dict):
            raise UnexpectedAnswerError(call.context(), "The answer was not a JSON object.")
        return body

    def _poll(
        self,
        read: Callable[[], T],
        done: Callable[[T], bool],
        label: Callable[[T], str],
        timeout: float,
        interval: float,
        progress: Progress | None,
        context: RequestContext,
    ) -> T:
        started = self._clock()
        while True:
            value = read()
            elapsed = self._clock() - started
            if progress is not None:
                progress(elapsed, label(value))
            if done(value):
                return value
            if elapsed + interval > timeout:
                raise PromotionTimeoutError(
                    context,
                    f"Still '{label(value)}' after {elapsed:.0f} s (timeout {timeout:.0f} s).",
                )
            self._sleep(interval)

    def _call(self, operation: str, method: str, path: str, **kw: Any) -> Call:
        headers = {"Content-Type": "application/json"} if method in ("POST", "PUT") else {}
        return Call(
            operation, method, BASE + path, api_version=PROMOTION_API, headers=headers, **kw
        )

    @staticmethod
    def _context(operation: str, method: str, path: str) -> RequestContext:
        return RequestContext(operation, method, BASE + path)


def promotion_failed(context: RequestContext, status: PromotionStatus) -> PromotionFailed:
    """The error of a run that ended failed or blocked, naming what blocked it."""
    parts = [f"The {status.type or 'promotion'} ended '{status.status}'"]
    if status.message:
        parts.append(f"({status.message})")
    if status.missing_esvs:
        parts.append(f"; missing ESVs in the upper environment: {', '.join(status.missing_esvs)}")
    if status.encrypted_secrets:
        parts.append(f"; encrypted secrets: {', '.join(status.encrypted_secrets)}")
    return PromotionFailed(
        context,
        " ".join(parts).replace(" ;", ";") + ".",
        promotion_status=status.status,
        message=status.message,
        missing_esvs=status.missing_esvs,
        encrypted_secrets=status.encrypted_secrets,
    )
