"""What `preview` shows after `refresh` found an out-of-band change, in a user's project.

The drifted property is named, never a bare `~ update`: `read` returns the observed values as
the inputs of the next diff (the engine shows inputs, and the drift is in the outputs). The
realm's baseline is an engine-internal input (`__baseline`), so no diff prints its 9 keys beside
the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aic_emulator.testing import EmulatorServer

from tests.engine.project import library_project
from tests.verify.util import tenant_for

pytestmark = pytest.mark.engine

PROGRAM = """\
import pulumi
from aic_sessions import RealmSessionSettings

RealmSessionSettings("alpha", base_url=pulumi.Config().require("tenant"), realm="alpha")
"""


def test_a_drifted_property_is_named_in_the_preview(
    tmp_path: Path, engine_env: dict[str, str], aic_emulator: EmulatorServer
) -> None:
    cli = library_project(tmp_path / "acme", "acme-identity", PROGRAM, engine_env, aic_emulator)
    tenant = tenant_for(aic_emulator)
    cli.run("up", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes", "--refresh")

    tenant.configure("alpha", stateless_sessions=True)
    cli.run("refresh", "--yes", "--skip-preview")
    detailed = cli.run("preview", "--diff").stdout
    assert "~ clientSideSessions: true => false" in detailed, detailed
    assert "baseline" not in detailed and "priorForm" not in detailed, detailed
    brief = cli.run("preview").stdout
    assert "clientSideSessions" in brief, brief
    cli.run("up", "--yes", "--skip-preview")
    cli.run("preview", "--expect-no-changes", "--refresh")
