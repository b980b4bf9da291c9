"""Every property the provider adds to a resource is one the resource registered, so none is
dropped.

A resource registers the inputs the program gives and its `OUTPUTS` (`naming.registration`);
the SDK ignores a returned property it has no output for. In state, a resource's inputs are
what `check` returned and its outputs what `create`, `update` or `read` returned: each key
there that is not a constructor keyword among its inputs (a given input) must be in `OUTPUTS`,
or the program could never read it.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from aic_sessions.domain.names import to_camel
from aic_sessions.resources.exports import EXPORTS, TYPE_PREFIX

from tests.engine_cli import PulumiCLI
from tests.library.signatures import keywords

# Kept in state for the provider alone (a secret): never an attribute.
PROVIDER_ONLY = {"fingerprintBasis"}
# The SDK's own, inputs a constructor computes, and keywords registered under another name than
# their camelCase one.
SDK_KEYS = {"__provider"}
COMPUTED_INPUTS = {"claimant"}  # RealmBaseline: the stack that declares it
WIRE_NAMES = {"baseline": "__baseline", "secrets": "esvs"}


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
        inputs, outputs = resource.get("inputs", {}), resource.get("outputs", {})
        given = {WIRE_NAMES.get(k, to_camel(k)) for k in keywords(cls)} | COMPUTED_INPUTS
        given &= inputs.keys()
        registered = given | {to_camel(o) for o in cls.OUTPUTS} | SDK_KEYS
        dropped = {*inputs, *outputs} - registered - PROVIDER_ONLY
        assert not dropped, f"{resource['urn']}: properties the program cannot read: {dropped}"
        checked.add(name)
    return checked
