"""What each process imports, by structure (not by timing): each runs in a fresh interpreter.

The Pulumi program declares resources and never validates a provider's inputs or talks to the
admin API; the provider process answers `check` and `diff` (every resource, every preview)
before it sends anything. Neither should pay at import for pydantic models it may never use
(their schemas are built on first use) nor load the HTTP stack.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from aic_sessions.resources.authenticated import AuthenticatedInputs
from aic_sessions.resources.baseline import BaselineInputs
from aic_sessions.resources.journey import JourneyInputs
from aic_sessions.resources.signing_secret import SecretInputs
from pydantic import BaseModel, ConfigDict, ValidationError

# Imported by the program (`__main__.py`, then what declaring realms loads) and by the
# provider process when it unpickles a stack's providers (bench/imports.py lists the same).
PROGRAM = ("aic_sessions.program.main", "aic_sessions.resources.realm")
PROVIDER = (
    "aic_sessions.resources.baseline",
    "aic_sessions.resources.journey",
    "aic_sessions.resources.authenticated",
    "aic_sessions.resources.signing_secret",
)
# Loaded only where a request is sent or a document is read or written.
NOT_AT_IMPORT = (
    "click",  # the `cli` extra: the program and the provider run without it
    "requests",
    "jwt",
    "tenacity",
    "aic_sessions.client.client",
    "aic_sessions.client.transport",
    "aic_sessions.client.models",
    "aic_sessions.client.tokens",
)
# The provider process of a stack without ESVs (the program imports `esv_secret`: the component
# declares an `EsvSecret` where a realm's secret lives in an ESV).
ESV_ONLY = ("aic_sessions.resources.esv_secret", "aic_sessions.resources.tenant_restart")
# The stack configuration's schema: the program's input, never the provider process's.
PROGRAM_ONLY = ("aic_sessions.program.stack_config",)

REPORT = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from pydantic import BaseModel
from aic_sessions.domain.attributes import ConfigSection

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

built = sorted(
    f"{m.__module__}.{m.__qualname__}"
    for m in set(subclasses(BaseModel))
    if m.__module__.startswith("aic_sessions")
    # The stack configuration's schema is the program's own input: it validates it at once.
    and not m.__module__.startswith("aic_sessions.program")
    and not issubclass(m, ConfigSection)
    and m.__pydantic_complete__
)
print(json.dumps({"modules": sorted(sys.modules), "built": built}))
"""


def imported(modules: tuple[str, ...]) -> dict[str, list[str]]:
    """The modules loaded and the package's models built after importing `modules` afresh."""
    proc = subprocess.run(
        [sys.executable, "-c", REPORT, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result: dict[str, list[str]] = json.loads(proc.stdout)
    return result


@pytest.mark.parametrize("process", [PROGRAM, PROVIDER], ids=["program", "provider"])
def test_no_model_is_built_at_import(process: tuple[str, ...]) -> None:
    """No input or wire model builds its schema at import (tens of ms in each of the two
    processes of every command): each builds on first validation."""
    assert imported(process)["built"] == []


@pytest.mark.parametrize("process", [PROGRAM, PROVIDER], ids=["program", "provider"])
def test_no_http_stack_or_wire_models_at_import(process: tuple[str, ...]) -> None:
    """Neither the program nor the provider's `check`/`diff` loads the HTTP stack or the wire
    models (the enums they need live in `client/values.py`), nor the provider the stack
    configuration's schema."""
    loaded = set(imported(process)["modules"])
    unused = {*NOT_AT_IMPORT, *(ESV_ONLY + PROGRAM_ONLY if process == PROVIDER else ())}
    assert loaded.isdisjoint(unused), sorted(loaded & unused)


BAD_INPUTS = {
    "baseUrl": "ftp://t.example.com",
    "realm": "",
    "stateManagement": "X",
    "maxDurationMinutes": 0,
    "clientSideSessions": "yes",
    "quotaLimit": 2147483648,
    "esvReference": "not an esv",
    "onDelete": "keep",
    "manages": "all",
}


@pytest.mark.parametrize(
    "model", [JourneyInputs, AuthenticatedInputs, SecretInputs, BaselineInputs]
)
def test_a_deferred_model_validates_as_a_built_one(model: type[BaseModel]) -> None:
    """Deferred building changes when a schema is built, not what it says: the same errors
    (property, kind, message) as the same model built at class creation."""

    class Built(model):  # type: ignore[valid-type,misc]
        model_config = ConfigDict(defer_build=False)

    document = json.dumps(BAD_INPUTS)
    errors = []
    for cls in (model, Built):
        with pytest.raises(ValidationError) as raised:
            cls.model_validate_json(document, strict=True)
        errors.append(raised.value.errors(include_url=False, include_context=False))
    assert errors[0] == errors[1]
    assert {e["loc"][0] for e in errors[0]} >= {"baseUrl", "realm", "onDelete"}


def test_the_policy_pack_runs_without_the_cli_extra() -> None:
    """The pack's process (`pulumi-policy` loading the shipped pack) never loads `click`: a
    project with only the `policy` extra can run it."""
    assert "click" not in imported(("aic_sessions.policy_pack.pack",))["modules"]
