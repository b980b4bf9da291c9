"""Plain `http://` to another machine would carry the admin's credentials (and verify's test
user's password) in cleartext: the commands refuse it, as the resources do
(`resources/base.py: insecure_http`), unless the user accepts it explicitly."""

from __future__ import annotations

import os

import click

from aic_sessions.domain.identity import ALLOW_INSECURE_HTTP, cleartext_off_machine
from aic_sessions.domain.namespace import config_key

ALLOW_VARIABLE = "AIC_ALLOW_INSECURE_HTTP"


class CleartextRefused(click.ClickException):
    """Exits 2 (a usage-like error: nothing was sent), in verify and rollback alike."""

    exit_code = 2


def refuse_cleartext(base_url: str, stack_allows: bool = False) -> None:
    """Raise unless `base_url` is https, this machine, or allowed by the environment or (with
    `verify --stack`) by the stack's `aic-sessions:allowInsecureHttp`."""
    if not cleartext_off_machine(base_url) or stack_allows:
        return
    if os.environ.get(ALLOW_VARIABLE, "").lower() == "true":
        return
    raise CleartextRefused(
        f"{base_url} is plain http to another machine: the admin's credentials (and a test "
        "user's password) would cross the network in cleartext, so nothing was sent. Use the "
        f"tenant's https:// URL, or set {ALLOW_VARIABLE}=true (or, with --stack, the stack's "
        f"{config_key(ALLOW_INSECURE_HTTP)} true) to send them anyway."
    )
