"""A do-nothing dynamic resource: proves the engine runs our providers, and is the benchmark floor.

`EngineProbe` talks to no tenant. It echoes its inputs, so the engine's own cost of a dynamic
resource (plugin start, pickling, gRPC) can be measured and tested apart from any API traffic.
Bench and tests only: not shipped in the wheel, and typed `dynamic/bench:EngineProbe`, outside
the product's `dynamic/aic:` namespace. Programs that use it need `bench/` on `PYTHONPATH`
(the provider process inherits it).
"""

from __future__ import annotations

import uuid
from typing import Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, ResourceProvider


class EngineProbeProvider(ResourceProvider):
    """Stores nothing anywhere: create returns the inputs, diff compares them."""

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
