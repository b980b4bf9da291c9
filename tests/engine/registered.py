"""Every output the provider returns is one the resource registered, so none is dropped.

A resource registers the inputs given and its `OUTPUTS` (`naming.registration`); the SDK
ignores a returned property it has no output for. A property in state beyond those would be a
value the program can never read.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from aic_sessions.domain.names import to_camel
from aic_sessions.resources.exports import EXPORTS, TYPE_PREFIX

from tests.engine_cli import PulumiCLI

# Kept in state for the provider alone (a secret): never an attribute.
PROVIDER_ONLY = {"fingerprintBasis"}


def assert_every_output_registered(cli: PulumiCLI, *stack: str) -> set[str]:
    """Check the stack's dynamic resources (`stack`: e.g. `--stack`, `staging`); returns the
    types checked."""
    exported = cli.run("stack", "export", *stack).stdout
    resources = json.loads(exported)["deployment"]["resources"]
    checked = set()
    for resource in resources:
        if not resource["type"].startswith(TYPE_PREFIX):
            continue
        name = resource["type"].removeprefix(TYPE_PREFIX)
        cls: Any = getattr(importlib.import_module(f"aic_sessions.resources.{EXPORTS[name]}"), name)
        registered = {*resource.get("inputs", {}), *(to_camel(o) for o in cls.OUTPUTS)}
        dropped = set(resource.get("outputs", {})) - registered - PROVIDER_ONLY
        assert not dropped, f"{resource['urn']}: outputs the program cannot read: {dropped}"
        checked.add(name)
    return checked
