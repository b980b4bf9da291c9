"""The documented promotion procedure, run against the upper environment's promotions API.

    lock state -> (nothing to promote: stop) -> scope checks -> lock -> no run in progress ->
    dry run (missing ESVs, encrypted secrets: stop) -> scope checks of the dry run's report ->
    promote -> poll -> report -> unlock

The scope checks refuse changes beyond what the chain's stacks own (`promotion_scope`), and
changes to the chain's documents that the stack below did not declare (`promotion_expected`).

Whatever happens after the lock, the lock is released (`finally`). A lock whose description
starts with this stack's marker is this stack's own, left by an interrupted run: the procedure
takes it over by its promotion id, waits for a promotion it finds running, and finishes (or, when
that promotion already completed, only unlocks). A lock held by anyone else is never touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import promotion_scope
from .base import ProviderError

if TYPE_CHECKING:
    from aic_sessions.client.promotion import PromotionClient
    from aic_sessions.client.promotion_models import LockState, PromotionReport

PROMOTER = "aic-sessions"


@dataclass(frozen=True)
class Plan:
    """What to promote and how, from the `Promotion` resource's inputs."""

    marker: str  # `aic-sessions <project>/<stack>:`: finds this stack's own lock
    source: str  # the stack below, for messages and the description
    digest: str  # the lower stack's static-configuration digest being promoted
    realms: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    # The chain's documents the stack below gives no reason to change (`promotion_expected`);
    # None: not known (no configuration of the stack below given), nothing refused for it.
    settled: frozenset[tuple[str, str]] | None = None
    ignore_encrypted_secrets: bool = False
    timeout: float = 1800.0
    interval: float = 10.0

    @property
    def description(self) -> str:
        return f"{self.marker} promote {self.source} ({self.digest[:12]})"


@dataclass
class Outcome:
    """What happened: `result` is `promoted`, `resumed` or `up to date`."""

    result: str
    promotion_id: str | None = None
    report_id: str | None = None
    summary: dict[str, dict[str, int]] = field(default_factory=dict)


Log = Callable[[str], None]


def run(client: PromotionClient, plan: Plan, log: Log) -> Outcome:
    """Promote from the environment below, or finish this stack's interrupted promotion."""
    state = _settled(client, plan)
    if _own(state, plan) and not state.promotion_id:  # killed while its lock was being taken
        log("found this stack's lock still being taken; waiting until it is held")
        state = client.wait_for_lock("locked", plan.timeout, plan.interval)
    if _own(state, plan) and state.promotion_id:
        log(f"found this stack's lock (promotion {state.promotion_id}); finishing it")
        return _locked(client, plan, state.promotion_id, log, resumed=True)
    if state.result != "unlocked":
        raise ProviderError(_busy(state))
    provisional = client.provisional_report()
    if not provisional.changes():
        return Outcome("up to date")
    _refuse_beyond_chain(provisional, plan, "provisional report")
    _refuse_undeclared(provisional, plan, "provisional report")
    promotion_id = _lock(client, plan)
    log(f"locked both environments (promotion {promotion_id})")
    return _locked(client, plan, promotion_id, log, resumed=False)


def _lock(client: PromotionClient, plan: Plan, description: str | None = None) -> str:
    """A new lock (`description`: the plan's, unless given); refused (409) when another
    promotion holds either environment, e.g. the stack below promoting into the environment
    below this one, which this lock also needs."""
    from aic_sessions.client.errors import ConflictError

    try:
        return client.lock(description or plan.description)
    except ConflictError as exc:
        state = client.lock_state()
        if state.result != "unlocked":
            raise ProviderError(_busy(state)) from None
        raise ProviderError(
            f"{exc.without_hint()} Another promotion holds this environment or the one "
            f"below ({plan.source}'s: a promotion into it, run by its own stack or by hand); "
            "nothing was locked or promoted. Run again once it has ended."
        ) from None


def missing(client: PromotionClient, plan: Plan) -> list[str]:
    """Manual mode: the changes a promotion from below would bring now (none: up to date)."""
    return promotion_scope.listed(client.provisional_report())


def pending_in_chain(client: PromotionClient, plan: Plan) -> list[str]:
    """Refresh: what a promotion would now change of the chain's own realm settings."""
    return promotion_scope.within_chain(client.provisional_report(), plan.realms)


def _locked(
    client: PromotionClient, plan: Plan, promotion_id: str, log: Log, resumed: bool
) -> Outcome:
    """Everything between lock and unlock; the unlock happens whatever the outcome."""
    try:
        client.wait_for_lock("locked", plan.timeout, plan.interval)
        outcome = _promote(client, plan, promotion_id, log, resumed)
    except BaseException:
        _unlock_quietly(client, plan, promotion_id, log)
        raise
    _unlock(client, plan, promotion_id)
    log(f"unlocked both environments (promotion {promotion_id})")
    return outcome


def _promote(
    client: PromotionClient, plan: Plan, promotion_id: str, log: Log, resumed: bool
) -> Outcome:
    status = client.status()
    if status.running:  # an interrupted run's promotion (or dry run) is still going
        log(f"waiting for the running {status.type or 'promotion'} of the interrupted run")
        client.wait_for_promotion(plan.timeout, plan.interval, plan.ignore_encrypted_secrets)
    if resumed and _promoted(client, promotion_id):
        report = client.report()
        return _outcome("resumed", promotion_id, report)
    client.promote(True, PROMOTER, plan.description, plan.ignore_encrypted_secrets)
    _wait_for_dry_run(client, plan)
    dry = client.report()
    _refuse_beyond_chain(dry, plan, "dry run's report")
    _refuse_undeclared(dry, plan, "dry run's report")
    log(f"dry run passed: {_counts(dry)}")
    client.promote(False, PROMOTER, plan.description, plan.ignore_encrypted_secrets)
    client.wait_for_promotion(plan.timeout, plan.interval, plan.ignore_encrypted_secrets)
    report = client.report()
    return _outcome("resumed" if resumed else "promoted", promotion_id, report)


def _wait_for_dry_run(client: PromotionClient, plan: Plan) -> None:
    """The dry run to its end; a failed one is reported as the dry run, with its fix."""
    from aic_sessions.client.errors import PromotionFailed

    try:
        client.wait_for_promotion(plan.timeout, plan.interval, plan.ignore_encrypted_secrets)
    except PromotionFailed as exc:
        fix = exc.hint
        if exc.missing_esvs:
            fix = (
                "Missing ESVs this stack holds (signingSecret source esv-generated or "
                "esv-given): pulumi up --refresh finds them gone, creates them again and then "
                f"promotes. Otherwise: {exc.hint}"
            )
        raise ProviderError(
            f"The dry run of the promotion from {plan.source} failed, so nothing was "
            f"promoted. {exc.without_hint()} {fix}"
        ) from None


def _promoted(client: PromotionClient, promotion_id: str) -> bool:
    """Whether a real (not dry-run) promotion of this lock already completed."""
    return any(r.promotion_id == promotion_id and r.dry_run is False for r in client.reports())


def _outcome(result: str, promotion_id: str, report: PromotionReport) -> Outcome:
    return Outcome(result, promotion_id, report.report_id, promotion_scope.summary(report))


def _settled(client: PromotionClient, plan: Plan) -> LockState:
    """The lock state once no lock or unlock of ours is half-way."""
    state = client.lock_state()
    if state.result == "unlocking" and _own(state, plan):
        return client.wait_for_lock("unlocked", plan.timeout, plan.interval)
    return state


def _own(state: LockState, plan: Plan) -> bool:
    return state.result in ("locking", "locked") and (state.description or "").startswith(
        plan.marker
    )


def _refuse_beyond_chain(report: PromotionReport, plan: Plan, where: str) -> None:
    beyond = promotion_scope.beyond_chain(report, plan.realms, plan.allowed)
    if beyond:
        shown = "\n  ".join(beyond)
        raise ProviderError(
            f"The {where} of the promotion from {plan.source} carries changes beyond what this "
            f"chain's stacks own (the session settings of {', '.join(plan.realms)}):\n  {shown}\n"
            "Nothing was promoted. A promotion moves the whole environment: agree with the "
            "owners of these items, then allow them in the reviewed stack setting "
            "aic-sessions:promotion.allowedChanges (shell patterns over "
            "<configItem>/<realm>/<name>), or promote by hand (promotion mode manual)."
        )


def _refuse_undeclared(report: PromotionReport, plan: Plan, where: str) -> None:
    if plan.settled is None:
        return
    undeclared = promotion_scope.undeclared(report, plan.settled, plan.allowed)
    if undeclared:
        shown = "\n  ".join(undeclared)
        raise ProviderError(
            f"The {where} of the promotion from {plan.source} changes documents whose values, "
            f"as stack {plan.source} declares them, this environment already holds:\n  {shown}\n"
            f"So the tenant below differs from its stack there (a change made by hand, or an "
            "attribute no stack sets), and the promotion would carry it here. Nothing was "
            f"promoted. In stack {plan.source}, pulumi up --refresh shows the difference and "
            "puts back what that stack sets (undo by hand there a change to an attribute no "
            "stack sets), or declare the change there and deploy it; then run this stack "
            "again. To promote it as it is, allow it in the reviewed stack setting "
            "aic-sessions:promotion.allowedChanges (shell patterns over "
            "<configItem>/<realm>/<name>)."
        )


def _unlock(client: PromotionClient, plan: Plan, promotion_id: str) -> None:
    client.unlock(promotion_id)
    client.wait_for_lock("unlocked", plan.timeout, plan.interval)


def _unlock_quietly(client: PromotionClient, plan: Plan, promotion_id: str, log: Log) -> None:
    """Release the lock after a failure; the original failure is the one to report."""
    try:
        _unlock(client, plan, promotion_id)
        log(f"unlocked both environments after the failure (promotion {promotion_id})")
    except Exception as exc:  # reported; the original error propagates
        log(
            f"could not unlock promotion {promotion_id} ({exc}); the next run of this stack "
            "finds its lock by that id and releases it"
        )


def _busy(state: LockState) -> str:
    holder = state.description or "no description"
    return (
        f"The environments are {state.result} by another promotion ({holder}, promotion id "
        f"{state.promotion_id}); nothing was locked or promoted. Wait until it ends and its "
        "owner unlocks, then run again."
    )


def _counts(report: PromotionReport) -> str:
    return promotion_scope.counts_text(promotion_scope.summary(report))


def rollback(client: PromotionClient, plan: Plan, log: Log) -> Outcome:
    """Restore the upper environment's configuration before its last promotion: lock, roll
    back, poll, report, unlock (always, as for a promotion)."""
    state = _settled(client, plan)
    if _own(state, plan) and state.promotion_id:  # a killed run's lock: finish what runs, release
        if client.status().running:
            client.wait_for_promotion(plan.timeout, plan.interval)
        _unlock(client, plan, state.promotion_id)
        raise ProviderError(
            f"Released this stack's lock left by an interrupted run (promotion "
            f"{state.promotion_id}); nothing was rolled back now. Read the provisional "
            "rollback report again and run the rollback again if it is still wanted."
        )
    if state.result != "unlocked":
        raise ProviderError(_busy(state))
    promotion_id = _lock(client, plan, f"{plan.marker} rollback")
    log(f"locked both environments (promotion {promotion_id})")
    try:
        client.wait_for_lock("locked", plan.timeout, plan.interval)
        client.rollback(PROMOTER, f"{plan.marker} rollback")
        client.wait_for_promotion(plan.timeout, plan.interval)
        report = client.report()
    except BaseException:
        _unlock_quietly(client, plan, promotion_id, log)
        raise
    _unlock(client, plan, promotion_id)
    log(f"unlocked both environments (promotion {promotion_id})")
    return _outcome("rolled back", promotion_id, report)
