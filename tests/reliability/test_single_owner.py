"""One owner per realm across every project on the backend, at a plain `preview` and `up`.

The realm's `RealmBaseline` checks, at every preview and up, the other stacks' states for a
baseline of the same tenant (however its loopback host is written: `localhost` and `127.0.0.1`
are one) and realm. Otherwise a second project's baseline would record the first one's values
as the originals, and after both were destroyed the realm would not be as it was.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from aic_emulator.testing import EmulatorServer

from tests.engine.project import copy_project, emulator_cli, new_stack, realm, rename_project
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

    aic_emulator.clear_requests()
    up = second.run("up", "--yes", "--skip-preview", check=False)
    assert up.returncode != 0
    assert "is already managed by stack organization/aic-sessions/a" in up.stdout
    assert aic_emulator.request_counts()["writes"] == 0, "the second owner wrote"

    # Handing the realm over as docs/recovery.md says: destroy it in the first, deploy it here.
    first.run("destroy", "--yes", "--skip-preview")
    second.run("up", "--yes", "--skip-preview")
    # And now the first stack is the one refused.
    refused = first.run("preview", check=False)
    assert f"is already managed by stack organization/{OTHER}/b" in refused.stdout
