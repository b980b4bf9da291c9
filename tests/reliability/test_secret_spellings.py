"""Every base64 spelling docs/resources.md accepts for a given signing secret works end to end.

One rule (`signing_secrets.decode`) serves validation, the write (the value normalised to
standard padded base64 first) and the `authId` proof, so a URL-safe or unpadded secret is
written, proved and kept in state (a proof decoding strict standard base64 only would fail `up`
with "new journeys are not signed with it" and leave the secret on the realm outside state);
a value mixing both alphabets is refused at preview.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import new_stack, realm
from tests.engine_cli import PulumiCLI

pytestmark = pytest.mark.engine


def raw_with_both_alphabets() -> bytes:
    """Random bytes whose standard encoding holds both `+` and `/` (so a mixed spelling exists)
    and begins with `+`: the URL-safe spelling then begins with `-`, as a flag would."""
    while True:
        raw = os.urandom(32)
        text = base64.b64encode(raw).decode()
        if text.startswith("+") and "/" in text:
            return raw


def set_secret(cli: PulumiCLI, value: str) -> None:
    """`--` ends the options: a value beginning with `-` is still the value."""
    cli.run("config", "set", "--secret", "--path", "signingSecrets.alpha", "--", value)


def test_url_safe_unpadded_secret_is_written_normalised_and_proved(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    raw = raw_with_both_alphabets()
    standard = base64.b64encode(raw).decode()
    url_safe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    given = {"signingSecret": {"source": "given"}}
    cli = new_stack(tmp_path / "project", engine_env, aic_emulator, [realm("alpha", **given)])
    set_secret(cli, url_safe)
    out = cli.run("up", "--yes", "--skip-preview")
    assert url_safe not in out.stdout + out.stderr
    assert aic_emulator.secret_digest("alpha") == hashlib.sha256(standard.encode()).hexdigest()
    cli.run("refresh", "--yes", "--skip-preview", "--expect-no-changes")

    # The same bytes in the standard spelling are the same secret: nothing to do.
    set_secret(cli, standard.rstrip("="))
    cli.run("preview", "--expect-no-changes")

    mixed = standard.replace("+", "-", 1)
    set_secret(cli, mixed)
    refused = cli.run("preview", check=False)
    assert refused.returncode != 0
    assert "mixes the standard (+ /) and URL-safe (- _) base64 alphabets" in refused.stdout
    assert mixed not in refused.stdout + refused.stderr
