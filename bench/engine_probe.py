"""Do-nothing dynamic resources: proof that the engine runs our providers, and the benchmark's
floors.

`EngineProbe` talks to no tenant. It echoes its inputs, so the engine's own cost of a dynamic
resource (plugin start, pickling, gRPC) can be measured and tested apart from any API traffic.
`MirrorProbe` holds what one of our resources holds (its properties, outputs and secrets, from a
shapes file), so the cost of that data can be told from the cost of our code.
Bench and tests only: not shipped in the wheel, and typed `dynamic/bench:...`, outside the
product's `dynamic/aic:` namespace. Programs that use them need `bench/` on `PYTHONPATH` (the
provider process inherits it).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ResourceProvider
from pulumi.runtime import rpc


class EngineProbeProvider(ResourceProvider):
    """Stores nothing anywhere: create returns the inputs, diff compares them."""

    # As ours (`SessionProvider`): the pickled provider in plain text, the floor's lightest.
    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        value = news.get("value")
        if not isinstance(value, str) or not value:
            failure = CheckFailure("value", "must be a non-empty string; set value='...'")
            return CheckResult(news, [failure])
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(olds.get(k) != news.get(k) for k in ("value", "baseline"))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outputs: dict[str, Any] = {k: props[k] for k in ("value", "baseline") if k in props}
        return CreateResult(f"probe-{uuid.uuid4().hex[:12]}", outputs)


class EngineProbe(pulumi.dynamic.Resource, module="bench", name="EngineProbe"):
    """A resource whose only property, `value`, is kept in state and nowhere else."""

    value: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        value: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
        baseline: pulumi.Input[str] | None = None,
    ) -> None:
        """`baseline`, when given, is kept in state like `value` (an input dependency only)."""
        props: dict[str, Any] = {"value": value}
        if baseline is not None:
            props["baseline"] = baseline
        super().__init__(EngineProbeProvider(), name, props, opts)


# The data floor ----------------------------------------------------------------------------
# Our graph *and our data*: per realm the same properties, outputs and secrets as our stack's
# resources hold (copied from its state into a shapes file, `harness.data_shapes`), registered
# by do-nothing providers, one class per kind as ours has one provider per resource type. What
# ours costs beyond this floor is our own code; what this floor costs beyond the EngineProbe
# floor is what the engine and the SDK spend on the data itself.

SHAPES_VARIABLE = "BENCH_DATA_SHAPES"  # the shapes file (JSON), for the program and `create`
REALM_MARK = "r1"  # the realm the shapes were taken from: replaced by each realm's name


def shapes() -> dict[str, Any]:
    with open(os.environ[SHAPES_VARIABLE]) as file:
        loaded: dict[str, Any] = json.load(file)
    return loaded


def for_realm(value: Any, realm: str) -> Any:
    """`value` with the shapes' realm replaced by `realm` (values equal to it, in any depth)."""
    if value == REALM_MARK:
        return realm
    if isinstance(value, dict):
        return {k: for_realm(v, realm) for k, v in value.items()}
    if isinstance(value, list):
        return [for_realm(v, realm) for v in value]
    return value


class _MirrorProvider(ResourceProvider):
    """Checks nothing; diff compares the inputs; create returns our resource's outputs."""

    kind = ""
    # As ours and the floor's; `harness._plain` refuses a stack whose provider is a secret.
    serialize_as_secret_always = False

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        return CheckResult(news, [])

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        changed = any(olds.get(k) != v for k, v in news.items() if not k.startswith("__"))
        return DiffResult(changes=changed, replaces=[], delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        shape = shapes()[self.kind]
        outputs = for_realm(shape["outputs"], str(props.get("realm")))
        for key in shape["secret_outputs"]:
            outputs[key] = {rpc._special_sig_key: rpc._special_secret_sig, "value": outputs[key]}
        return CreateResult(f"mirror-{uuid.uuid4().hex[:12]}", outputs)


class BaselineMirror(_MirrorProvider):
    kind = "RealmBaseline"


class JourneyMirror(_MirrorProvider):
    kind = "JourneySessionSettings"


class AuthenticatedMirror(_MirrorProvider):
    kind = "AuthenticatedSessionSettings"


class SigningSecretMirror(_MirrorProvider):
    kind = "SigningSecret"


MIRRORS: dict[str, type[_MirrorProvider]] = {
    p.kind: p for p in (BaselineMirror, JourneyMirror, AuthenticatedMirror, SigningSecretMirror)
}


class MirrorProbe(pulumi.dynamic.Resource, module="bench", name="MirrorProbe"):
    """One of our resources' properties and outputs, with a do-nothing provider of its kind."""

    def __init__(
        self,
        kind: str,
        name: str,
        inputs: dict[str, Any],
        outputs: list[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`outputs`: the output names (each an attribute of this resource, like ours)."""
        props = {**inputs, **{k: None for k in outputs if k not in inputs}}
        super().__init__(MIRRORS[kind](), name, props, opts)
