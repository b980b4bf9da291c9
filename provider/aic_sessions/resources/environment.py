"""`StackEnvironment`: the stack's platform and place in a promotion chain, for policies.

A declaration with no API call: the policy pack reads it to apply the chain's rules (on AIC, a
signing secret is an ESV placeholder; an upper stage writes no static configuration; the chain
is sequential). A stack without it is treated as self-managed AM, where today's rules apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi
from pulumi.dynamic import CheckFailure, CheckResult, CreateResult, DiffResult, UpdateResult
from pydantic import BaseModel

from aic_sessions.domain.environments import PLATFORMS, STAGES, unknown_name

from .base import SessionProvider
from .naming import SnakeCaseProperties, registration

KEYS = ("platform", "stage", "promotesFrom")


class StackEnvironmentProvider(SessionProvider[BaseModel]):  # checks its keys itself
    owned = KEYS

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        failures = []
        if news.get("platform") not in PLATFORMS:
            reason = unknown_name("platform", str(news.get("platform")), PLATFORMS)
            failures.append(CheckFailure("platform", reason))
        stage = news.get("stage")
        if stage is not None and stage not in STAGES:
            failures.append(CheckFailure("stage", unknown_name("stage", str(stage), STAGES)))
        return CheckResult(news, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        return DiffResult(changes=any(olds.get(k) != news.get(k) for k in KEYS))

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(f"environment:{props['platform']}/{props.get('stage')}", props)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(news)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        """Nothing exists outside the state."""


class StackEnvironment(
    SnakeCaseProperties, pulumi.dynamic.Resource, module="aic", name="StackEnvironment"
):
    """The stack's platform (`am` or `aic`) and, on AIC, its stage and the stack below."""

    if TYPE_CHECKING:  # for type checkers and IDEs: out of the run-time __annotations__, which
        # the SDK resolves at every registration to cast outputs; these need no cast
        platform: pulumi.Output[str]
        stage: pulumi.Output[str | None]
        promotes_from: pulumi.Output[str | None]

    def __init__(
        self,
        resource_name: str,
        *,
        platform: pulumi.Input[str],
        stage: pulumi.Input[str] | None = None,
        promotes_from: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """Declare the stack's place.

        :param resource_name: The Pulumi name of this resource, unique in the stack.
        :param platform: `am` (self-managed, every environment mutable) or `aic`.
        :param stage: On AIC: `development`, `uat`, `staging` or `production`.
        :param promotes_from: On an upper AIC stage: the stack of the environment below.
        :param opts: Pulumi resource options.
        """
        props = {"platform": platform, "stage": stage, "promotes_from": promotes_from}
        registered = registration(props, self.OUTPUTS)
        super().__init__(StackEnvironmentProvider(), resource_name, registered.wire, opts)
        self.after_registering(registered)
