"""`aic-sessions rollback`: show, then undo, the last promotion into an upper AIC environment.

Without `--yes` it only prints the provisional rollback report (what a rollback would revert).
With `--yes` it locks both environments, rolls back, waits, prints the report and unlocks
(always). The admin identity comes from the environment, as for `verify` (a service account
with the `fr:idc:promotion:*` scope).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from aic_sessions.cli.cleartext import refuse_cleartext
from aic_sessions.cli.problems import ConfigProblem
from aic_sessions.client import AdminApiError, ConfigurationError, ConnectionSettings

if TYPE_CHECKING:
    from aic_sessions.client.promotion import PromotionClient

MARKER = "aic-sessions rollback:"


@click.command()
@click.option("--base-url", required=True, help="The upper tenant's AM URL (e.g. staging's).")
@click.option("--yes", is_flag=True, help="Roll back (without it: only show what would revert).")
@click.option(
    "--timeout",
    type=click.FloatRange(1, 14400),
    default=1800,
    show_default=True,
    help="Seconds to wait for each step (the lock, the rollback, the unlock) before giving up; "
    "a failed rollback still releases the lock it took (or says why it could not).",
)
@click.option(
    "--poll",
    type=click.FloatRange(0.1, 300),
    default=10,
    show_default=True,
    help="Seconds between two reads of the lock's or the rollback's state.",
)
def rollback(base_url: str, yes: bool, timeout: float, poll: float) -> None:
    """Undo the last promotion into the environment at --base-url.

    Without --yes it only prints what a rollback would revert. The admin identity comes from
    the environment, as for verify: a service account with the fr:idc:promotion:* scope
    (AIC_SA_ID + AIC_SA_JWK or AIC_SA_JWK_FILE) or AIC_ACCESS_TOKEN.
    """
    from aic_sessions.client import AdminClient
    from aic_sessions.client.promotion import PromotionClient
    from aic_sessions.resources import promotion_procedure, promotion_scope
    from aic_sessions.resources.base import ProviderError

    try:
        settings = ConnectionSettings.from_env(base_url=base_url)
    except ConfigurationError as exc:
        raise ConfigProblem(str(exc)) from None  # exit 2, as verify: nothing was sent
    refuse_cleartext(settings.base_url)
    with AdminClient(settings) as admin:
        client = PromotionClient(admin.transport)
        try:
            provisional = client.provisional_rollback_report()
            click.echo(_undone(client))
            counts = promotion_scope.counts_text(promotion_scope.summary(provisional))
            click.echo(f"A rollback would revert: {counts}")
            for line in promotion_scope.listed(provisional):
                click.echo(f"  {line}")
            if not yes:
                click.echo("Nothing was changed; run again with --yes to roll back.")
                return
            plan = promotion_procedure.Plan(
                marker=MARKER, source="-", digest="-", realms=(), timeout=timeout, interval=poll
            )
            outcome = promotion_procedure.rollback(client, plan, click.echo)
        except (AdminApiError, ProviderError) as exc:
            raise click.ClickException(str(exc)) from None
        done = promotion_scope.counts_text(outcome.summary)
        click.echo(f"Rolled back (report {outcome.report_id}): {done}")
        click.echo(
            "Check the environment (aic-sessions verify), and set the stack below back to the "
            "previous values, or its next promotion brings them again."
        )


def _undone(client: PromotionClient) -> str:
    """Which promotion a rollback undoes: the last one the tenant reports (not a dry run)."""
    try:
        done = [r for r in client.reports() if r.type == "promotion" and r.dry_run is False]
    except AdminApiError as exc:
        return f"Which promotion a rollback undoes could not be read: {exc}"
    if not done:
        return "The tenant reports no promotion (not a dry run) to undo."
    last = max(done, key=lambda r: r.created_date or "")
    return (
        f"A rollback undoes the last promotion into this environment: "
        f"{last.promotion_id or '(no id)'} of {last.created_date or '(no date)'} "
        f"(report {last.report_id or '(no id)'})."
    )
