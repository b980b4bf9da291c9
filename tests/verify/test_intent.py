"""What `verify --stack` expects of a stack, read in-process with the stack reads replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aic_sessions.program import stack_reader
from aic_sessions.verify import intent

CONFIG = {
    "environment": "dev",
    "baseUrl": "https://tenant.example.com/am",
    "realms": [{"name": "alpha", "journey": {"stateManagement": "CTS"}}],
}


def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The stacks whose public config was read, in order; each read answers CONFIG."""
    reads: list[str] = []

    def public_config(project_dir: Path, stack: str) -> dict[str, Any]:
        reads.append(stack)
        return dict(CONFIG)

    monkeypatch.setattr(stack_reader, "public_config", public_config)
    return reads


def test_a_stack_with_realms_in_its_config_is_read_with_one_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = counted_reads(monkeypatch)
    target = intent.from_stack(Path("/nowhere"), "dev")
    assert reads == ["dev"]  # each read is a `pulumi config --json` process
    assert target.base_url == CONFIG["baseUrl"]
    assert [r.realm for r in target.realms] == ["alpha"]
    assert target.realms[0].state_management == "CTS"


def test_an_explicit_config_source_reads_the_config_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = counted_reads(monkeypatch)
    target = intent.from_stack(Path("/nowhere"), "dev", source="config")
    assert reads == ["dev"] and [r.realm for r in target.realms] == ["alpha"]
