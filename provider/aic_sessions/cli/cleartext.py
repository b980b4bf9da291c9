"""Plain `http://` to another machine would carry the admin's credentials (and verify's test
user's password) in cleartext: the commands refuse it, as the resources do
(`resources/base.py: insecure_http`), unless the user accepts it explicitly."""

from __future__ import annotations

import os

import click

from aic_sessions.domain.identity import cleartext_off_machine

ALLOW_VARIABLE = "AIC_ALLOW_INSECURE_HTTP"


class CleartextRefused(click.ClickException):
    """Exits 2 (a usage-like error: nothing was sent), in verify and rollback alike."""

    exit_code = 2


def refuse_cleartext(base_url: str) -> None:
    """Raise unless `base_url` is https, this machine, or allowed by the environment."""
    if not cleartext_off_machine(base_url):
        return
    if os.environ.get(ALLOW_VARIABLE, "").lower() == "true":
        return
    raise CleartextRefused(
        f"{base_url} is plain http to another machine: the admin's credentials (and a test "
        "user's password) would cross the network in cleartext, so nothing was sent. Use the "
        f"tenant's https:// URL, or set {ALLOW_VARIABLE}=true to send them anyway."
    )
