"""`PromotionClient`: AIC self-service promotions, run against the UPPER environment (pull model).

    {tenant}/environment/promotion/lock[/state|/<promotionId>]     lock, lock state, unlock
    {tenant}/environment/promotion/promote                         start (POST), status (GET)
    {tenant}/environment/promotion/report[/provisional[-rollback]|/<id>], .../reports
    {tenant}/environment/promotion/rollback

Same transport rules as `EsvClient` (bounded retries, a deadline, typed and scrubbed errors),
with the promotion scope (`fr:idc:promotion:*`) on the service account. The models
(`promotion_models.py`) keep what the API sent; an attribute it did not send is None.
Locking, unlocking and promoting are asynchronous; the `wait_*` methods poll with an injectable
sleep and clock, and the values a running or finished promotion reports come from
`inferred.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from . import inferred
from .auth import BearerAuthenticator, ServiceAccountAuthenticator
from .clock import SYSTEM_CLOCK, Clock
from .errors import (
    ConfigurationError,
    PromotionFailed,
    PromotionTimeoutError,
    RequestContext,
    UnexpectedAnswerError,
)
from .esv import tenant_root
from .promotion_models import (
    ChangedItem,
    ConfigChange,
    ConfigItemReport,
    EnvironmentLock,
    LockAnswer,
    LockState,
    PromotionReport,
    PromotionReportStub,
    PromotionStatus,
)
from .settings import BearerAuth, ServiceAccountAuth
from .transport import Call, Transport

__all__ = [
    "ChangedItem",
    "ConfigChange",
    "ConfigItemReport",
    "EnvironmentLock",
    "LockAnswer",
    "LockState",
    "PromotionClient",
    "PromotionReport",
    "PromotionReportStub",
    "PromotionStatus",
    "environment_transport",
    "promotion_failed",
]

PROMOTION_API = "protocol=1.0,resource=1.0"
PROMOTION_SCOPE = "fr:idc:promotion:*"
BASE = "/environment/promotion"
LOCK_RESULTS = ("unlocked", "locking", "locked", "unlocking", "error")  # documented

Progress = Callable[[float, str], None]
T = TypeVar("T")


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
        clock: Clock = SYSTEM_CLOCK,
    ) -> None:
        self.transport = environment_transport(am_transport, PROMOTION_SCOPE, "Promotions")
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
        started = self._clock.monotonic()
        while True:
            value = read()
            elapsed = self._clock.monotonic() - started
            if progress is not None:
                progress(elapsed, label(value))
            if done(value):
                return value
            if elapsed + interval > timeout:
                raise PromotionTimeoutError(
                    context,
                    f"Still '{label(value)}' after {elapsed:.0f} s (timeout {timeout:.0f} s).",
                )
            self._clock.sleep(interval)

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
