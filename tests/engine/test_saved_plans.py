"""Saved plans hold: `pulumi preview --save-plan` then `pulumi up --plan` for every resource kind
and every signing-secret source of a stack (given, generated, esv-generated, esv-given).

A plan records the inputs `check` returned at preview; `up --plan` fails when `check` returns
anything else. So nothing random may be drawn in `check`: a generated signing secret (in the
realm or in an ESV) is drawn in `create`, and a rotated one in `update`. The secrets never
appear in plaintext in the plan files, the state or the engine's output.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import new_stack, realm, write_stack
from tests.engine.test_esv_e2e import configure
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


SOURCES = [("given", "generated"), ("esv-generated", "esv-given")]  # the emulator has two realms


def shaped(sources: tuple[str, str], trigger: str | None = None) -> list[dict[str, Any]]:
    """alpha and bravo with these secret sources; `trigger` rotates the generated ones."""
    return [
        realm(
            name,
            signingSecret={
                "source": source,
                **({"rotationTrigger": trigger} if trigger and "generated" in source else {}),
            },
        )
        for name, source in zip(("alpha", "bravo"), sources, strict=True)
    ]


def give(cli: PulumiCLI, sources: tuple[str, str]) -> dict[str, str]:
    """A new random value for each realm with a given secret, set as a stack secret."""
    values = {}
    for name, source in zip(("alpha", "bravo"), sources, strict=True):
        if source.endswith("given"):
            values[name] = base64.b64encode(os.urandom(32)).decode()
            cli.run("config", "set", "--secret", "--path", f"signingSecrets.{name}", values[name])
    return values


def stored_values(cli: PulumiCLI) -> list[str]:
    """Every signing-secret value the state holds (decrypted), realm or ESV, given or drawn."""
    revealed = json.loads(cli.run("stack", "export", "--show-secrets").stdout)
    values = []
    for resource in revealed["deployment"]["resources"]:
        if resource["type"].endswith((":SigningSecret", ":EsvSecret")):
            stored = resource["outputs"].get("value")
            if isinstance(stored, dict) and "plaintext" in stored:
                values.append(json.loads(stored["plaintext"]))
    return values


@pytest.mark.parametrize("sources", SOURCES, ids="+".join)
def test_plans_hold_for_every_signing_secret_source_and_keep_secrets_secret(
    sources: tuple[str, str],
    tmp_path: Path,
    engine_env: dict[str, str],
    aic_emulator: EmulatorServer,
) -> None:
    """Every source, `esv-generated` included, draws its value in `create` (never in `check`),
    so `up --plan` applies the preview's plan ("violates plan: properties changed:
    fingerprint" otherwise)."""
    aic_emulator.configure(restartSeconds=0.2)
    env = {**engine_env, "PULUMI_EXPERIMENTAL": "true"}
    cli = new_stack(tmp_path / "project", env, aic_emulator, shaped(sources))
    configure(cli, aic_emulator, shaped(sources))
    given = list(give(cli, sources).values())
    planned_up(cli, tmp_path / "create.json")
    created = {name: aic_emulator.secret_digest(name) for name in ("alpha", "bravo")}
    cli.run("preview", "--expect-no-changes")
    drawn = stored_values(cli)
    assert len(drawn) == 2, "each realm's value is kept in state (encrypted)"

    # Rotate every secret: new given values, a new trigger for the generated ones.
    configure(cli, aic_emulator, shaped(sources, trigger="2026-12"))
    given += give(cli, sources).values()
    planned_up(cli, tmp_path / "rotate.json")
    for name in ("alpha", "bravo"):
        assert aic_emulator.secret_digest(name) != created[name], f"{name}'s secret was rotated"
    cli.run("preview", "--expect-no-changes")

    secrets = {*given, *drawn, *stored_values(cli)}
    assert set(given) <= secrets and len(secrets) >= 4
    plans = [(tmp_path / f"{step}.json").read_text() for step in ("create", "rotate")]
    # The engine's output of every command but ours that name the values (config set, export).
    logs = [
        entry.split("\n", 1)[1]
        for entry in cli.log
        if not entry.startswith("$ pulumi config set") and "--show-secrets" not in entry
    ]
    seen = "\n".join([*plans, cli.run("stack", "export").stdout, *logs])
    for value in secrets:
        for spelling in (value, base64.b64encode(value.encode()).decode()):
            assert spelling not in seen
