"""What `verify --stack` expects of a stack, read in-process with the stack reads replaced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aic_sessions.client.realms import realm_display
from aic_sessions.program import stack_reader
from aic_sessions.resources.exports import type_token
from aic_sessions.verify import intent

CONFIG = {
    "environment": "dev",
    "baseUrl": "https://tenant.example.com/am",
    "realms": [{"name": "alpha", "journey": {"stateManagement": "CTS"}}],
}


def counted_reads(monkeypatch: pytest.MonkeyPatch, config: dict[str, Any] = CONFIG) -> list[str]:
    """Each stack read, in order (`config <stack>`, `resources <stack>`); the config read
    answers `config`, the resources read a deployed `JourneySessionSettings` of `beta`."""
    reads: list[str] = []

    def public_config(project_dir: Path, stack: str) -> dict[str, Any]:
        reads.append(f"config {stack}")
        return dict(config)

    def deployed_inputs(project_dir: Path, stack: str) -> list[tuple[str, dict[str, Any]]]:
        reads.append(f"resources {stack}")
        inputs = {"baseUrl": CONFIG["baseUrl"], "realm": "beta", "stateManagement": "CTS"}
        return [(type_token("JourneySessionSettings"), inputs)]

    monkeypatch.setattr(stack_reader, "public_config", public_config)
    monkeypatch.setattr(stack_reader, "deployed_inputs", deployed_inputs)
    return reads


def test_a_stack_with_realms_in_its_config_is_read_with_one_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = counted_reads(monkeypatch)
    target = intent.from_stack(Path("/nowhere"), "dev")
    assert reads == ["config dev"]  # each read is a `pulumi config --json` process
    assert target.base_url == CONFIG["baseUrl"]
    assert [r.realm for r in target.realms] == ["alpha"]
    assert target.realms[0].state_management == "CTS"


def test_an_explicit_config_source_reads_the_config_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = counted_reads(monkeypatch)
    target = intent.from_stack(Path("/nowhere"), "dev", source="config")
    assert reads == ["config dev"] and [r.realm for r in target.realms] == ["alpha"]


def test_a_stack_without_realms_in_its_config_is_read_from_its_resources(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = {k: v for k, v in CONFIG.items() if k != "realms"}
    reads = counted_reads(monkeypatch, config)
    target = intent.from_stack(Path("/nowhere"), "lib")
    assert reads == ["config lib", "resources lib"]
    assert [realm_display(r.realm) for r in target.realms] == ["/beta"]


@pytest.mark.parametrize(("switch", "allowed"), [("true", True), ("false", False), (None, False)])
def test_the_stacks_own_insecure_http_switch_is_read_for_a_remote_http_tenant(
    monkeypatch: pytest.MonkeyPatch, switch: str | None, allowed: bool
) -> None:
    config: dict[str, Any] = {**CONFIG, "baseUrl": "http://192.0.2.10/am"}
    if switch is not None:
        config["allowInsecureHttp"] = switch
    counted_reads(monkeypatch, config)
    assert intent.from_stack(Path("/nowhere"), "dev").allows_insecure_http is allowed


def test_a_remote_http_tenant_read_from_resources_reads_the_config_for_the_switch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = counted_reads(monkeypatch, {"allowInsecureHttp": "true"})
    monkeypatch.setitem(CONFIG, "baseUrl", "http://192.0.2.10/am")  # what the resources hold
    target = intent.from_stack(Path("/nowhere"), "lib", source="resources")
    assert reads == ["resources lib", "config lib"] and target.allows_insecure_http


def test_journey_false_in_the_config_and_a_null_output_mean_unmanaged_journeys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A self-managed AM realm declared `journey: false`: read from the config (the stack
    program's default) and from the deployed outputs, its intent has no journey scheme."""
    config = {**CONFIG, "realms": [{"name": "alpha", "journey": False}]}
    counted_reads(monkeypatch, config)
    target = intent.from_stack(Path("/nowhere"), "dev")
    assert target.realms[0].state_management is None

    deployed = {"journeyStateManagement": None, "clientSideSessions": False}
    outputs = {"baseUrl": CONFIG["baseUrl"], "realms": {"alpha": deployed}}
    monkeypatch.setattr(stack_reader, "outputs", lambda project_dir, stack: outputs)
    from_outputs = intent.from_stack(Path("/nowhere"), "dev", source="outputs")
    assert from_outputs.realms[0].state_management is None
