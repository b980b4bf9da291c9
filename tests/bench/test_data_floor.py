"""The data floor's shapes (`bench/harness.py`): what our state holds, secrets unwrapped and
named, outputs that repeat a resource's output made references to it, as the program reads."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
harness = importlib.import_module("harness")
engine_probe = importlib.import_module("engine_probe")

SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}


def test_plain_names_secrets_and_drops_the_provider() -> None:
    props = {
        "__provider": "pickled",
        "value": {**SIG, "plaintext": json.dumps("s3cr3t")},
        "realm": "r1",
    }
    plain, secret = harness._plain(props)
    assert plain == {"value": "s3cr3t", "realm": "r1"}
    assert secret == ["value"]


def test_plain_refuses_a_secret_provider_the_mirrors_would_not_hold() -> None:
    with pytest.raises(ValueError, match="pickled provider is a secret"):
        harness._plain({"__provider": {**SIG, "plaintext": '"pickled"'}})


def test_refs_follow_the_output_they_repeat() -> None:
    found: dict[str, Any] = {
        "JourneySessionSettings": {"outputs": {"stateManagement": "CTS", "realm": "r1"}},
        "SigningSecret": {"outputs": {"valueSource": "generated", "realm": "r1"}},
    }
    refs = harness._refs(
        {"journeyStateManagement": "CTS", "signingSecretSource": "generated", "other": 7}, found
    )
    assert refs == {
        "journeyStateManagement": {"from": ["JourneySessionSettings", "stateManagement"]},
        "signingSecretSource": {"from": ["SigningSecret", "valueSource"]},
        "other": {"value": 7},
    }


def test_for_realm_replaces_the_realm_at_any_depth() -> None:
    shape = {"realm": "r1", "observed": {"realms": ["r1", "r10"]}, "baseUrl": "r1x"}
    assert engine_probe.for_realm(shape, "r7") == {
        "realm": "r7",
        "observed": {"realms": ["r7", "r10"]},
        "baseUrl": "r1x",
    }
