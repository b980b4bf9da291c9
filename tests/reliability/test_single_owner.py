"""One owner per realm across every project on the backend, at a plain `preview` and `up`.

The realm's `RealmBaseline`, or a settings resource declared on its own, checks at every preview
and up that would adopt the realm the other stacks' states for a resource that writes the same
tenant (however its loopback host is written: `localhost` and `127.0.0.1` are one) and realm.
Otherwise a second project would record the first one's values as the originals, and after both
were destroyed the realm would not be as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aic_emulator.testing import EmulatorServer

from tests.engine.project import (
    copy_project,
    emulator_cli,
    library_project,
    new_stack,
    realm,
    rename_project,
    write_stack,
)
from tests.engine_cli import PulumiCLI

pytestmark = pytest.mark.engine

OTHER = "acme-identity"


def other_project(
    directory: Path, env: dict[str, str], emulator: EmulatorServer, base_url: str
) -> PulumiCLI:
    """This program under another project name, stack `b` (its keys, as every project's, in
    the `aic-sessions:` namespace)."""
    project = copy_project(directory)
    rename_project(project, OTHER)
    config = {
        "aic-sessions:environment": "dev",
        "aic-sessions:baseUrl": base_url,
        "aic-sessions:realms": [realm("alpha", journey={"maxDurationMinutes": 20})],
    }
    (project / "stacks" / "Pulumi.b.yaml").write_text(yaml.safe_dump({"config": config}))
    cli = emulator_cli(project, env, emulator)
    cli.run("stack", "init", "b")
    return cli


def test_second_project_on_a_realm_is_refused_at_plain_preview_and_up(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    assert "127.0.0.1" in aic_emulator.base_url
    first = new_stack(tmp_path / "a", engine_env, aic_emulator, [realm("alpha")], stack="a")
    first.run("up", "--yes", "--skip-preview")
    with_localhost = aic_emulator.base_url.replace("127.0.0.1", "localhost")
    second = other_project(tmp_path / "b", engine_env, aic_emulator, with_localhost)

    preview = second.run("preview", check=False)
    assert preview.returncode != 0
    assert "is already managed by stack organization/aic-sessions/a" in preview.stdout

    refused_without_writes(second, aic_emulator, "organization/aic-sessions/a")
    hand_over(first, second, f"organization/{OTHER}/b")


def refused_without_writes(cli: PulumiCLI, emulator: EmulatorServer, owner: str) -> None:
    """An `up` of `cli`'s stack is refused naming the owning stack, and nothing is written."""
    emulator.clear_requests()
    up = cli.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert f"is already managed by stack {owner}" in up.stdout
    assert emulator.request_counts()["writes"] == 0, "the second owner wrote"


def hand_over(old: PulumiCLI, new: PulumiCLI, new_owner: str) -> None:
    """As docs/recovery.md says: destroy the realm in the old stack, deploy it in the new one;
    the old one is then refused, naming the new."""
    old.run("destroy", "--yes", "--skip-preview")
    new.run("up", "--yes", "--skip-preview")
    new.run("preview", "--expect-no-changes")  # its own claim is not another's
    refused = old.run("preview", check=False)
    assert refused.returncode != 0
    assert f"is already managed by stack {new_owner}" in refused.stdout


DIRECT = "acme-direct"
# A user's own program declaring the realm's three resources on their own (no component, so no
# baseline): each claims the realm.
DIRECT_PROGRAM = """\
import pulumi
from aic_sessions import AuthenticatedSessionSettings, JourneySessionSettings, SigningSecret

url = pulumi.Config().require("tenant")
JourneySessionSettings("journey", base_url=url, realm="alpha", max_duration_minutes=7)
AuthenticatedSessionSettings("authenticated", base_url=url, realm="alpha")
SigningSecret("secret", base_url=url, realm="alpha", rotation_trigger="1")
"""


def test_resources_declared_on_their_own_claim_the_realm_both_ways(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    component = new_stack(tmp_path / "a", engine_env, aic_emulator, [realm("alpha")], stack="a")
    component.run("up", "--yes", "--skip-preview")
    direct = library_project(tmp_path / "d", DIRECT, DIRECT_PROGRAM, engine_env, aic_emulator)

    refused_without_writes(direct, aic_emulator, "organization/aic-sessions/a")
    hand_over(component, direct, f"organization/{DIRECT}/dev")


def test_a_realm_renamed_in_its_own_stack_is_refused_until_destroyed(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    """A new aic-sessions:environment renames every resource of the stack program: the new
    ones would record the stack's own values as the originals, and the old ones' delete would
    put the originals back over them. Refused at preview and up, with nothing written; another
    realm added to the same stack is not."""
    minutes = {"maxDurationMinutes": 20}
    cli = new_stack(tmp_path / "p", engine_env, aic_emulator, [realm("alpha", journey=minutes)])
    cli.run("up", "--yes", "--skip-preview")
    config = {"environment": "develop", "baseUrl": aic_emulator.base_url}
    write_stack(cli.cwd, "e2e", {**config, "realms": [realm("alpha", journey=minutes)]})

    preview = cli.run("preview", check=False)
    assert preview.returncode != 0
    assert "is already managed by this stack as dev-alpha-baseline" in preview.stdout
    aic_emulator.clear_requests()
    up = cli.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0 and "aic-sessions:environment as it was" in up.stdout
    assert aic_emulator.request_counts()["writes"] == 0, "the renamed realm was written"

    both = [realm("alpha", journey=minutes), realm("bravo")]
    write_stack(
        cli.cwd, "e2e", {"environment": "dev", "baseUrl": aic_emulator.base_url, "realms": both}
    )
    cli.run("preview")  # a realm added beside it, the first one's name unchanged
