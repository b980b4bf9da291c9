"""Saved plans hold: `pulumi preview --save-plan` then `pulumi up --plan` for every resource kind.

A plan records the inputs `check` returned at preview; `up --plan` fails when `check` returns
anything else. So nothing random may be drawn in `check`: a generated signing secret is drawn
in `create`, and a rotated one in `update`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import new_stack, realm, write_stack
from tests.engine_cli import PulumiCLI

pytestmark = pytest.mark.engine


def planned_up(cli: PulumiCLI, plan: Path) -> str:
    """Preview with a saved plan, then apply exactly that plan; returns the up's output."""
    cli.run("preview", "--save-plan", str(plan))
    assert plan.is_file()
    return cli.run("up", "--yes", "--plan", str(plan)).stdout


def test_plans_hold_for_create_rotation_update_and_source_change(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    env = {**engine_env, "PULUMI_EXPERIMENTAL": "true"}  # `up --plan` is experimental
    esv = {"source": "esv", "esvReference": "esv-bravo-signing-secret"}
    realms = [realm("alpha"), realm("bravo", signingSecret=esv)]  # generated, esv
    cli = new_stack(tmp_path / "project", env, aic_emulator, realms)
    before = {name: aic_emulator.secret_digest(name) for name in ("alpha", "bravo")}

    # Create: all three kinds in two realms, a generated and an ESV-referenced secret.
    out = planned_up(cli, tmp_path / "create.json")
    assert "11 created" in out, (
        out
    )  # the stack, two RealmSessionSettings (each with a baseline), six resources
    generated = aic_emulator.secret_digest("alpha")
    assert generated != before["alpha"], "the generated secret was written"
    cli.run("preview", "--expect-no-changes")

    # Update: a rotated generated secret, journey and authenticated settings changed, and the
    # ESV realm switched to a given secret.
    rotated_realms = [
        realm(
            "alpha",
            signingSecret={"rotationTrigger": "2026-11"},
            journey={"stateManagement": "CTS", "maxDurationMinutes": 7},
            authenticated={"clientSideSessions": False, "maxSessionTimeMinutes": 90},
        ),
        realm("bravo", signingSecret={"source": "given"}),
    ]
    config = {"environment": "dev", "baseUrl": aic_emulator.base_url, "realms": rotated_realms}
    write_stack(cli.cwd, "e2e", config)
    given = base64.b64encode(os.urandom(32)).decode()
    cli.run("config", "set", "--secret", "--path", "signingSecrets.bravo", given)
    out = planned_up(cli, tmp_path / "update.json")
    # alpha: its baseline (a newly declared attribute), journey, authenticated, secret; bravo:
    # secret
    assert "5 updated" in out, out
    assert aic_emulator.secret_digest("alpha") not in (generated, before["alpha"]), "rotated"
    assert aic_emulator.secret_digest("bravo") == _digest(given), "the given secret was written"
    cli.run("preview", "--expect-no-changes")

    # Destroy is not planned; it leaves the realm as configured by onDelete.
    cli.run("destroy", "--yes", "--skip-preview")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
